// Eight bytes of JSON string text at once: are they all printable ASCII that needs no escape (not a control
// character, '"' or '\\', nor a byte of a multi-byte character)? The string loops of the reader and the writer
// skip such runs eight bytes at a time: a loop per byte costs about 200 native instructions a byte under wasm3
// (issue 17). Each byte is moved into a 16-bit lane of its own, so the adds never carry into the next lane nor
// overflow the i64 (wasm3 adds as signed C integers: an overflow would be undefined behaviour, which the
// ASan/UBSan host stops at).

const LOW: u64 = 0x00ff00ff00ff00ff;
const NINTH: u64 = 0x0100010001000100;

/** Bytes below 0x80 in 16-bit lanes: bit 8 of every lane is set by each sum iff the byte is >= 0x20, is not
 *  '"' and is not '\\' (lane + 0xe0 reaches 0x100 iff lane >= 0x20; (lane ^ c) + 0xff iff lane != c). */
@inline function plainLanes(e: u64): bool {
  return ((e + 0x00e000e000e000e0) & ((e ^ 0x0022002200220022) + LOW) & ((e ^ 0x005c005c005c005c) + LOW) & NINTH) == NINTH;
}

/** The eight bytes of x (a little-endian load) need no escape and are ASCII. */
@inline export function plainAscii8(x: u64): bool {
  return (x & 0x8080808080808080) == 0 && plainLanes(x & LOW) && plainLanes((x >> 8) & LOW);
}

/** The n bytes at a and at b are the same. memory.compare is a loop per byte at shrinkLevel 2 (AssemblyScript's
 *  memcmp takes eight bytes at a time only below that level); this takes eight at a time (unaligned loads). */
export function sameBytes(a: usize, b: usize, n: i32): bool {
  let i = 0;
  for (; i + 8 <= n; i += 8) if (load<u64>(a + <usize>i) != load<u64>(b + <usize>i)) return false;
  for (; i < n; i++) if (load<u8>(a + <usize>i) != load<u8>(b + <usize>i)) return false;
  return true;
}
