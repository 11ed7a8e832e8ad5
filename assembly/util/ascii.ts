// ASCII comparisons between UTF-8 bytes (from a tape) and strings.

/** bytes [ptr, ptr+len) equal `s`, ignoring ASCII case (device-model names are case-insensitive). */
export function equalsIgnoreCase(ptr: usize, len: i32, s: string): bool {
  if (len != s.length) return false;
  for (let i = 0; i < len; i++) {
    let a = <i32>load<u8>(ptr + <usize>i), b = s.charCodeAt(i);
    if (a >= 65 && a <= 90) a += 32;
    if (b >= 65 && b <= 90) b += 32;
    if (a != b) return false;
  }
  return true;
}
