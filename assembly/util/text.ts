// UTF-8 text somewhere in linear memory (a pool, a buffer, a received message) as one plain value: the address
// in the low 32 bits, the byte length in the high 32. Plain values cost the collector nothing to keep.
export type Text = u64;

// @ts-ignore: decorator
@inline export function text(ptr: usize, len: i32): Text { return (<u64><u32>len << 32) | <u64><u32>ptr; }
// @ts-ignore: decorator
@inline export function tptr(t: Text): usize { return <usize><u32>t; }
// @ts-ignore: decorator
@inline export function tlen(t: Text): i32 { return <i32>(t >>> 32); }

/** As an AssemblyScript string (allocates: for logs, keys and parsing, not for the wire). */
export function tstr(t: Text): string { return String.UTF8.decodeUnsafe(tptr(t), <usize>tlen(t)); }

/** Byte-for-byte equal to the ASCII string s. */
export function tequals(t: Text, s: string): bool {
  const n = tlen(t), p = tptr(t);
  if (n != s.length) return false;
  for (let i = 0; i < n; i++) if (<i32>load<u8>(p + <usize>i) != s.charCodeAt(i)) return false;
  return true;
}

/** Equal to bytes [ptr, ptr+len), ignoring ASCII case (device-model names are case-insensitive). */
export function tequalsIgnoreCase(t: Text, ptr: usize, len: i32): bool {
  if (len != tlen(t)) return false;
  const p = tptr(t);
  for (let i = 0; i < len; i++) {
    let a = <i32>load<u8>(p + <usize>i), b = <i32>load<u8>(ptr + <usize>i);
    if (a >= 65 && a <= 90) a += 32;
    if (b >= 65 && b <= 90) b += 32;
    if (a != b) return false;
  }
  return true;
}

/** s from `start` on begins with the ASCII text `lower` (lower case), ignoring ASCII case. Not String#toLowerCase:
 *  that one maps all of Unicode and brings ~9 KB of case tables into the data segment (issue 17). */
export function startsWithIgnoreCase(s: string, start: i32, lower: string): bool {
  const n = lower.length;
  if (start < 0 || start + n > s.length) return false;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(start + i);
    if (c >= 65 && c <= 90) c += 32;
    if (c != lower.charCodeAt(i)) return false;
  }
  return true;
}

/** The n UTF-8 bytes at p equal the ASCII text `lower` (lower case), ignoring ASCII case (an HTTP header name, a
 *  boolean's spelling). */
export function bytesEqualIgnoreCase(p: usize, n: i32, lower: string): bool {
  if (n != lower.length) return false;
  for (let k = 0; k < n; k++) {
    let c = <i32>load<u8>(p + <usize>k);
    if (c >= 65 && c <= 90) c += 32;
    if (c != lower.charCodeAt(k)) return false;
  }
  return true;
}

/** s equals the ASCII text `lower` (lower case), ignoring ASCII case. Inlined: as a function of its own, its three
 *  call sites changed binaryen's inlining elsewhere and GetVariables cost 0.13 % more (tests/bench/anchors.js). */
// @ts-ignore: decorator
@inline export function equalsIgnoreCase(s: string, lower: string): bool {
  return s.length == lower.length && startsWithIgnoreCase(s, 0, lower);
}
