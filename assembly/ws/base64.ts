// Base64 (RFC 4648 §4, with padding) for Sec-WebSocket-Key/Accept and the Basic credentials.
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

@inline function sym(v: u32): u8 { return <u8>ALPHABET.charCodeAt(<i32>(v & 63)); }

/** Encodes len bytes at src into out (which needs base64Len(len) bytes); returns the encoded length. */
export function base64Encode(src: usize, len: i32, out: usize): i32 {
  let o: usize = out;
  let i = 0;
  for (; i + 3 <= len; i += 3) {
    const v = (<u32>load<u8>(src + <usize>i) << 16) | (<u32>load<u8>(src + <usize>i + 1) << 8) | <u32>load<u8>(src + <usize>i + 2);
    store<u8>(o, sym(v >> 18)); store<u8>(o + 1, sym(v >> 12)); store<u8>(o + 2, sym(v >> 6)); store<u8>(o + 3, sym(v));
    o += 4;
  }
  const rest = len - i;
  if (rest > 0) {
    let v = <u32>load<u8>(src + <usize>i) << 16;
    if (rest == 2) v |= <u32>load<u8>(src + <usize>i + 1) << 8;
    store<u8>(o, sym(v >> 18)); store<u8>(o + 1, sym(v >> 12));
    store<u8>(o + 2, rest == 2 ? sym(v >> 6) : 0x3d);
    store<u8>(o + 3, 0x3d);
    o += 4;
  }
  return <i32>(o - out);
}

export function base64Len(len: i32): i32 { return ((len + 2) / 3) * 4; }
