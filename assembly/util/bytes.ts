// A little-endian byte record writer/reader over a fixed buffer, for persisted state.
export class ByteWriter {
  pos: i32 = 0;
  overflow: bool = false;
  constructor(public buf: usize, public cap: i32) {}
  /** The writer again over another buffer: one instance kept per user, none allocated per record. */
  reset(buf: usize, cap: i32): ByteWriter { this.buf = buf; this.cap = cap; this.pos = 0; this.overflow = false; return this; }
  u8(v: i32): void { if (this.room(1)) { store<u8>(this.buf + <usize>this.pos, <u8>v); this.pos += 1; } }
  i32(v: i32): void { if (this.room(4)) { store<i32>(this.buf + <usize>this.pos, v); this.pos += 4; } }
  i64(v: i64): void { if (this.room(8)) { store<i64>(this.buf + <usize>this.pos, v); this.pos += 8; } }
  /** A string: its UTF-8 length in one byte below 255, else 255 and the length as u16 (a URL is string[512]);
   *  one longer than 65 535 bytes overflows, never cut. */
  str(s: string): void {
    // Encoded in place (no managed allocation on the per-message paths that persist records).
    const n = String.UTF8.byteLength(s);
    if (n > 0xffff) { this.overflow = true; return; }
    if (n < 255) this.u8(n);
    else if (this.room(3)) { store<u8>(this.buf + <usize>this.pos, 255); store<u16>(this.buf + <usize>this.pos + 1, <u16>n); this.pos += 3; }
    if (this.room(n)) { String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, this.buf + <usize>this.pos); this.pos += n; }
  }
  private room(n: i32): bool { if (this.pos + n > this.cap) { this.overflow = true; return false; } return true; }
}

export class ByteReader {
  pos: i32 = 0;
  bad: bool = false;
  constructor(public buf: usize, public len: i32) {}
  u8(): i32 { if (!this.has(1)) return 0; const v = <i32>load<u8>(this.buf + <usize>this.pos); this.pos += 1; return v; }
  i32(): i32 { if (!this.has(4)) return 0; const v = load<i32>(this.buf + <usize>this.pos); this.pos += 4; return v; }
  i64(): i64 { if (!this.has(8)) return 0; const v = load<i64>(this.buf + <usize>this.pos); this.pos += 8; return v; }
  str(): string {
    let n = this.u8();
    if (n == 255) { if (!this.has(2)) return ""; n = <i32>load<u16>(this.buf + <usize>this.pos); this.pos += 2; }
    if (!this.has(n)) return "";
    const s = String.UTF8.decodeUnsafe(this.buf + <usize>this.pos, <usize>n);
    this.pos += n;
    return s;
  }
  private has(n: i32): bool { if (this.pos + n > this.len) { this.bad = true; return false; } return true; }
}
