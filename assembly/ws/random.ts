// Random bytes fetched from the host in blocks: masking keys are needed per frame and each host call costs
// more than handing out 4 bytes from a small pool.
import { random_fill } from "../host/abi";

const POOL: i32 = 64;

export class RandomPool {
  private buf: usize = heap.alloc(<usize>POOL);
  private pos: i32 = POOL;
  failed: bool = false;

  /** 4 random bytes; a host failure sets `failed` (the value is then not random and must not be used). */
  next32(): u32 {
    if (this.pos + 4 > POOL) {
      // A failed refill is retried on the next call instead of handing out stale bytes.
      this.failed = random_fill(this.buf, POOL) != 0;
      if (this.failed) return 0;
      this.pos = 0;
    }
    const v = load<u32>(this.buf + <usize>this.pos);
    this.pos += 4;
    return v;
  }
}
