// Strict UTF-8 check (RFC 3629): text messages and close reasons must be valid (RFC 6455 §8.1, close 1007).
// Rejects overlong forms, surrogates and code points above U+10FFFF.

/** Incremental form: a message arrives in frames and chunks split anywhere, even inside a character, and the
 *  part of an oversized message that is not kept must still be checked (RFC 6455 §8.1). The state is two
 *  bounds and a count, so a message of any length costs no memory. */
export class Utf8Stream {
  private need: i32 = 0;     // continuation bytes still expected
  private lo: u32 = 0x80;    // bounds of the next continuation byte
  private hi: u32 = 0xbf;

  reset(): void { this.need = 0; this.lo = 0x80; this.hi = 0xbf; }

  /** True when no character is left unfinished. */
  complete(): bool { return this.need == 0; }

  /** Checks more bytes of the text; false at the first invalid one (the stream stays invalid until reset). */
  feed(ptr: usize, len: i32): bool {
    let need = this.need;
    let lo = this.lo;
    let hi = this.hi;
    for (let i = 0; i < len; i++) {
      // ASCII runs eight bytes at a time (most of OCPP's JSON): a per-byte loop was a large share of a message's
      // cost under wasm3 (issue 17).
      if (need == 0) {
        while (i + 8 <= len && (load<u64>(ptr + <usize>i) & 0x8080808080808080) == 0) i += 8;
        if (i >= len) break;
      }
      const b = <u32>load<u8>(ptr + <usize>i);
      if (need > 0) {
        if (b < lo || b > hi) { this.need = -1; return false; }
        need--;
        lo = 0x80; hi = 0xbf;
        continue;
      }
      if (b < 0x80) continue;
      if (b >= 0xc2 && b <= 0xdf) need = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        if (b == 0xe0) lo = 0xa0;        // overlong
        else if (b == 0xed) hi = 0x9f;   // surrogates
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        if (b == 0xf0) lo = 0x90;        // overlong
        else if (b == 0xf4) hi = 0x8f;   // above U+10FFFF
      } else { this.need = -1; return false; }
    }
    this.need = need;
    this.lo = lo;
    this.hi = hi;
    return true;
  }
}

const whole: Utf8Stream = new Utf8Stream();

/** The whole text at once (a close reason). */
export function validUtf8(ptr: usize, len: i32): bool {
  whole.reset();
  return whole.feed(ptr, len) && whole.complete();
}
