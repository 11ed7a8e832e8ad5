// Base64 decoding (RFC 4648 §4): the firmware's signature and the PEM of its signing certificate. Whitespace
// (space, tab, CR, LF) is skipped, padding is optional at the end; anything else is refused.

@inline function value(c: i32): i32 {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
  if (c == 0x2b) return 62;
  if (c == 0x2f) return 63;
  return -1;
}

/** Decodes len characters at src into out (cap bytes, which may be src itself: the output never overtakes the
 *  input); returns the byte count, or -1 (bad character, bad padding, or more than cap bytes). */
export function base64Decode(src: usize, len: i32, out: usize, cap: i32): i32 {
  let acc: u32 = 0, bits: i32 = 0, n: i32 = 0, pad: i32 = 0;
  for (let i = 0; i < len; i++) {
    const c = <i32>load<u8>(src + <usize>i);
    if (c == 0x20 || c == 0x09 || c == 0x0d || c == 0x0a) continue;
    if (c == 0x3d) { pad++; continue; }
    const v = value(c);
    if (v < 0 || pad > 0) return -1;
    acc = (acc << 6) | <u32>v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (n >= cap) return -1;
      store<u8>(out + <usize>n, <u8>(acc >> <u32>bits));
      n++;
    }
  }
  // Left-over bits must be the zero fill of the last group (2 or 4 bits), never a whole character.
  if (bits >= 6 || pad > 2) return -1;
  return n;
}
