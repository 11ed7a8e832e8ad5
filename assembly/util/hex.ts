const HEX = "0123456789abcdef";

/** Writes len bytes from src as lower-case hex at out (2*len bytes). */
export function toHex(src: usize, len: i32, out: usize): void {
  for (let i = 0; i < len; i++) {
    const b = <i32>load<u8>(src + <usize>i);
    store<u8>(out + <usize>(2 * i), <u8>HEX.charCodeAt(b >> 4));
    store<u8>(out + <usize>(2 * i + 1), <u8>HEX.charCodeAt(b & 15));
  }
}
