// What the device model keeps of a GetVariables / SetVariables request while it arrives, until its answer is
// written (docs/streaming.md): one short record per item (catalog indexes, attribute type, status, reason,
// EVSE / connector), and the names it must echo that are not the catalog's, each kept once however often the
// request repeats it. Records grow from the front of one fixed buffer and names from its back; when they meet
// the log is full and the request is refused before anything is sent.

const BUCKETS: i32 = 64;
const NONE: i32 = 0xffff;
const ENTRY_HEAD: i32 = 4;   // next entry of the bucket (u16), length (u16), then the bytes

@unmanaged export class ItemLog {
  readonly capacity: i32;
  /** Set when something did not fit: the request cannot be answered. */
  full: bool = false;
  private buf: usize;
  private heads: usize;
  private top: i32 = 0;     // end of the records
  private names: i32;       // start of the names
  private at: i32 = 0;      // read position

  constructor(capacity: i32) {
    this.capacity = capacity;
    this.buf = heap.alloc(<usize>capacity);
    this.heads = heap.alloc(<usize>BUCKETS << 1);
    this.names = capacity;
    this.reset();
  }

  reset(): void {
    this.top = 0;
    this.names = this.capacity;
    this.full = false;
    this.at = 0;
    memory.fill(this.heads, 0xff, <usize>BUCKETS << 1);
  }

  /** Bytes taken (records and names). */
  used(): i32 { return this.top + this.capacity - this.names; }

  @inline private room(n: i32): bool {
    if (this.full || this.top + n > this.names) { this.full = true; return false; }
    return true;
  }

  @inline byte(v: i32): void {
    if (!this.room(1)) return;
    store<u8>(this.buf + <usize>this.top, <u8>v);
    this.top++;
  }

  @inline u16(v: i32): void {
    if (!this.room(2)) return;
    store<u16>(this.buf + <usize>this.top, <u16>v);
    this.top += 2;
  }

  /** A signed integer in 1 to 10 bytes (zigzag, 7 bits a byte): an EVSE id or connector id is one byte. */
  varint(v: i64): void {
    let z = <u64>((v << 1) ^ (v >> 63));
    while (z >= 0x80) { this.byte(<i32>(z & 0x7f) | 0x80); z >>= 7; }
    this.byte(<i32>z);
  }

  /** A name's reference, shared with an equal name kept before; -1 when the log is full. */
  name(ptr: usize, len: i32): i32 {
    // A multiplier and a mask that never overflow i32: wasm3 multiplies as signed C ints, and the C host's
    // UBSan build reports a signed overflow (FNV-1a's 32-bit product did).
    let h: u32 = 0;
    for (let i = 0; i < len; i++) h = ((h ^ <u32>load<u8>(ptr + <usize>i)) * 257) & 0xfffff;
    const head = this.heads + (<usize>(h & (BUCKETS - 1)) << 1);
    for (let e = <i32>load<u16>(head); e != NONE; e = <i32>load<u16>(this.buf + <usize>e)) {
      const at = this.buf + <usize>e;
      if (<i32>load<u16>(at, 2) == len && memory.compare(at + ENTRY_HEAD, ptr, <usize>len) == 0) return e;
    }
    const need = ENTRY_HEAD + len;
    if (this.full || this.names - need < this.top) { this.full = true; return -1; }
    this.names -= need;
    const e = this.names;
    const at = this.buf + <usize>e;
    store<u16>(at, load<u16>(head));
    store<u16>(at, <u16>len, 2);
    memory.copy(at + ENTRY_HEAD, ptr, <usize>len);
    store<u16>(head, <u16>e);
    return e;
  }

  namePtr(ref: i32): usize { return this.buf + <usize>ref + ENTRY_HEAD; }
  nameLen(ref: i32): i32 { return <i32>load<u16>(this.buf + <usize>ref, 2); }

  // ---- reading the records in order ----
  rewind(): void { this.at = 0; }
  @inline readByte(): i32 { const v = <i32>load<u8>(this.buf + <usize>this.at); this.at++; return v; }
  @inline readU16(): i32 { const v = <i32>load<u16>(this.buf + <usize>this.at); this.at += 2; return v; }
  readVarint(): i64 {
    let z: u64 = 0;
    let shift: u64 = 0;
    while (true) {
      const b = this.readByte();
      z |= <u64>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) break;
      shift += 7;
    }
    return <i64>(z >> 1) ^ -(<i64>(z & 1));
  }
}
