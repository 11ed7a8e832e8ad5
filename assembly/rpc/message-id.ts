// CALL message ids (Part 4 §4.1.4): unique across connections and reboots of
// this station. A random per-boot prefix makes ids from different boots differ
// without persisting a counter; the counter makes them differ within a boot.
import { random_fill } from "../host/abi";
import { toHex } from "../util/hex";

const PREFIX_BYTES: i32 = 6;
export const MAX_ID_LEN: i32 = 36;

export class MessageIds {
  private buf: usize = heap.alloc(<usize>MAX_ID_LEN);
  private prefixLen: i32 = 0;
  private counter: u32 = 0;
  len: i32 = 0;

  // Randomness is drawn on first use, not at instantiation: hosts serve imports only once the instance exists.
  private seed(): void {
    const rnd = heap.alloc(<usize>PREFIX_BYTES);
    random_fill(rnd, PREFIX_BYTES);
    toHex(rnd, PREFIX_BYTES, this.buf);
    heap.free(rnd);
    store<u8>(this.buf + <usize>(2 * PREFIX_BYTES), 0x2d);
    this.prefixLen = 2 * PREFIX_BYTES + 1;
  }

  /** Produces the next id; valid until the next call. */
  next(): usize {
    if (this.prefixLen == 0) this.seed();
    this.counter++;
    let n = this.counter;
    let digits: i32 = 1;
    for (let t = n / 10; t > 0; t /= 10) digits++;
    const base = this.buf + <usize>this.prefixLen;
    for (let i = digits - 1; i >= 0; i--) {
      store<u8>(base + <usize>i, <u8>(48 + n % 10));
      n /= 10;
    }
    this.len = this.prefixLen + digits;
    return this.buf;
  }

  ptr(): usize { return this.buf; }
}
