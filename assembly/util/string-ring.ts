// Strings whose storage is reused (issue 17: a remote start allocates nothing, so no collection follows it). A ring
// holds `count` strings of up to `cap` characters, allocated once; take() rewrites the oldest in place. Only for
// values whose holders let go of them before the ring comes round again: the transaction's id and the idToken a
// remote start hands the session (the record keeps one of each, the held token at most one more).
// A string's length is its header's rtSize (~lib/rt/common.ts OBJECT, the word before the payload); the block's
// own size (mmInfo) stays the capacity, so the allocator and the collector see nothing change.
import { OBJECT, TOTAL_OVERHEAD } from "~lib/rt/common";

export class StringRing {
  private slots: StaticArray<string>;
  private next: i32 = 0;

  constructor(count: i32, private cap: i32) {
    this.slots = new StaticArray<string>(count);
    for (let i = 0; i < count; i++) this.slots[i] = changetype<string>(__new(<usize>cap << 1, idof<string>()));
  }

  /** The UTF-8 bytes as one of the ring's strings; null when they are longer than `cap` or not all ASCII (the
   *  caller then makes an ordinary string). */
  fromAscii(ptr: usize, len: i32): string | null {
    if (len > this.cap) return null;
    for (let i = 0; i < len; i++) if (load<u8>(ptr + <usize>i) >= 0x80) return null;
    const s = this.slots[this.next];
    this.next = this.next + 1 == this.slots.length ? 0 : this.next + 1;
    const p = changetype<usize>(s);
    for (let i = 0; i < len; i++) store<u16>(p + (<usize>i << 1), load<u8>(ptr + <usize>i));
    changetype<OBJECT>(p - TOTAL_OVERHEAD).rtSize = <u32>len << 1;
    return s;
  }
}
