// Compact JSON output into a buffer allocated once. Never grows: past capacity
// it sets `overflow` and drops bytes, so callers check once at the end.
// With a sink, a full buffer is drained to it instead (docs/streaming.md).
import { JsonSink } from "./json-sink";
import { plainAscii8 } from "./plain";

const HEX_DIGITS = "0123456789abcdef";
/** One code point's UTF-8 (at most 4 bytes; a lone surrogate is 3). */
const SCRATCH: usize = memory.data(8);

export class JsonWriter {
  private buf: usize;
  private cap: i32;
  private pos: i32 = 0;
  overflow: bool = false;
  /** Takes the full buffer while set; null: past capacity is overflow. */
  sink: JsonSink | null = null;
  /** Bytes given to the sink since the reset. */
  drained: i32 = 0;

  /** buf: memory of at least `capacity` bytes the writer uses instead of allocating its own (0: its own). */
  constructor(capacity: i32, buf: usize = 0) {
    this.cap = capacity;
    this.buf = buf != 0 ? buf : heap.alloc(<usize>capacity);
  }

  /** `this.pos = v` as a plain store. A field assignment is a call to the field's setter, which binaryen at
   *  shrinkLevel 2 does not inline (~80 native instructions under wasm3, issue 17); the writer moves pos per
   *  byte or token. */
  @inline private setPos(v: i32): void { store<i32>(changetype<usize>(this) + offsetof<JsonWriter>("pos"), v); }

  reset(): void { this.setPos(0); this.overflow = false; this.drained = 0; }
  ptr(): usize { return this.buf; }
  len(): i32 { return this.pos; }
  capacity(): i32 { return this.cap; }

  byte(c: u8): void {
    if (this.pos >= this.cap) { this.byteDraining(c); return; }
    store<u8>(this.buf + <usize>this.pos, c);
    this.setPos(this.pos + 1);
  }

  /** Bytes copied verbatim (already valid JSON or ASCII literal text). */
  bytes(ptr: usize, len: i32): void {
    if (len <= 0) return;
    if (this.pos + len > this.cap) {
      if (this.sink == null) { this.overflow = true; return; }
      this.drainingBytes(ptr, len);
      return;
    }
    memory.copy(this.buf + <usize>this.pos, ptr, <usize>len);
    this.setPos(this.pos + len);
  }

  private byteDraining(c: u8): void {
    if (!this.room(1)) return;
    store<u8>(this.buf + <usize>this.pos, c);
    this.setPos(this.pos + 1);
  }

  /** Makes room for n more bytes, draining the buffer to the sink if there is one; false: overflow. */
  private room(n: i32): bool {
    if (this.pos + n <= this.cap) return true;
    const s = this.sink;
    if (s == null || this.overflow || n > this.cap || !s.drain(this.buf, this.pos)) { this.overflow = true; return false; }
    this.drained += this.pos;
    this.setPos(0);
    return true;
  }

  private drainingBytes(ptr: usize, len: i32): void {
    while (len > 0) {
      if (!this.room(1)) return;
      const n = min(len, this.cap - this.pos);
      memory.copy(this.buf + <usize>this.pos, ptr, <usize>n);
      this.setPos(this.pos + n);
      ptr += <usize>n;
      len -= n;
    }
  }

  /** An ASCII literal such as "[2,". */
  raw(s: string): void {
    const n = s.length;
    if (this.pos + n > this.cap && !this.room(n)) return;
    const src = changetype<usize>(s), dst = this.buf + <usize>this.pos;
    for (let i = 0; i < n; i++) store<u8>(dst + <usize>i, <u8>load<u16>(src + (<usize>i << 1)));
    this.setPos(this.pos + n);
  }

  int(v: i64): void {
    if (v < 0) {
      this.byte(0x2d);
      // -(i64.MIN_VALUE) overflows: print its magnitude via u64.
      this.uint(<u64>(-(v + 1)) + 1);
    } else {
      this.uint(<u64>v);
    }
  }

  private uint(v: u64): void {
    let digits: i32 = 1;
    for (let t = v / 10; t > 0; t /= 10) digits++;
    if (this.pos + digits > this.cap && !this.room(digits)) return;
    let p = this.buf + <usize>(this.pos + digits);
    do { p--; store<u8>(p, <u8>(48 + <i32>(v % 10))); v /= 10; } while (v > 0);
    this.setPos(this.pos + digits);
  }

  /** mantissa × 10^exp, exactly, without exponent notation unless the exponent is large. */
  decimal(mantissa: i64, exp: i32): void {
    if (exp >= 0) {
      if (mantissa == 0) { this.byte(0x30); return; }
      if (exp > 18) { this.int(mantissa); this.byte(0x65); this.int(exp); return; }
      this.int(mantissa);
      for (let i = 0; i < exp; i++) this.byte(0x30);
      return;
    }
    // Drop trailing zeros of the fraction: 12.50 → 12.5, 3.000 → 3.
    while (exp < 0 && mantissa != 0 && mantissa % 10 == 0) { mantissa /= 10; exp++; }
    if (exp == 0 || mantissa == 0) { this.int(mantissa); return; }
    if (exp < -40) { this.int(mantissa); this.byte(0x65); this.int(exp); return; }
    if (mantissa < 0) this.byte(0x2d);
    const mag: u64 = mantissa < 0 ? <u64>(-(mantissa + 1)) + 1 : <u64>mantissa;
    let digits: i32 = 1;
    for (let t = mag / 10; t > 0; t /= 10) digits++;
    const frac = -exp;
    const intDigits = digits - frac;
    const total = (intDigits > 0 ? intDigits : 1) + 1 + frac;
    if (this.pos + total > this.cap && !this.room(total)) return;
    let p = this.buf + <usize>(this.pos + total);
    let v = mag;
    for (let i = 0; i < frac; i++) { p--; store<u8>(p, <u8>(48 + <i32>(v % 10))); v /= 10; }
    p--; store<u8>(p, 0x2e);
    if (intDigits <= 0) { p--; store<u8>(p, 0x30); }
    else { for (let i = 0; i < intDigits; i++) { p--; store<u8>(p, <u8>(48 + <i32>(v % 10))); v /= 10; } }
    this.setPos(this.pos + total);
  }

  /** `"name":` for a property name that needs no escape (the schema's names): one call, one capacity check. */
  key(ptr: usize, len: i32): void {
    if (this.pos + len + 3 > this.cap && !this.room(len + 3)) return;
    const d = this.buf + <usize>this.pos;
    store<u8>(d, 0x22);
    memory.copy(d + 1, ptr, <usize>len);
    store<u16>(d + 1 + <usize>len, 0x3a22);   // '"', ':'
    this.setPos(this.pos + len + 3);
  }

  /** A string that needs no escape (the schema's enum values), quoted. */
  quoted(ptr: usize, len: i32): void {
    if (this.pos + len + 2 > this.cap && !this.room(len + 2)) return;
    const d = this.buf + <usize>this.pos;
    store<u8>(d, 0x22);
    memory.copy(d + 1, ptr, <usize>len);
    store<u8>(d + 1 + <usize>len, 0x22);
    this.setPos(this.pos + len + 2);
  }

  /** A quoted, escaped JSON string, encoded to UTF-8 as String.UTF8.encode would, without allocating:
   *  ASCII is escaped unit by unit, anything else goes through a few bytes of static scratch. */
  string(s: string): void {
    const p = changetype<usize>(s);
    const n = s.length;
    // Printable ASCII that needs no escape, all of it fitting: straight into the buffer, no call per unit
    // (property names and most values; a call per unit cost ~150 native instructions under wasm3, issue 17).
    // Anything else starts again from the same position the careful way.
    if (this.pos + n + 2 <= this.cap) {
      const d = this.buf + <usize>this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = <u32>load<u16>(p + (<usize>i << 1));
        if (c - 0x20 >= 0x60 || c == 0x22 || c == 0x5c) break;
        store<u8>(d + <usize>i, <u8>c);
      }
      if (i == n) {
        store<u8>(d - 1, 0x22);
        store<u8>(d + <usize>n, 0x22);
        this.setPos(this.pos + n + 2);
        return;
      }
    }
    this.byte(0x22);
    for (let i = 0; i < n; i++) {
      const c = <u32>load<u16>(p + (<usize>i << 1));
      if (c < 0x80) { this.escaped(<u8>c); continue; }
      // A surrogate pair is one code point: encode both units together.
      const units = (c & 0xfc00) == 0xd800 && i + 1 < n && (<u32>load<u16>(p + (<usize>(i + 1) << 1)) & 0xfc00) == 0xdc00 ? 2 : 1;
      const k = <i32>String.UTF8.encodeUnsafe(p + (<usize>i << 1), units, SCRATCH);
      this.bytes(SCRATCH, k);
      i += units - 1;
    }
    this.byte(0x22);
  }

  /** A quoted, escaped JSON string from UTF-8 bytes (non-ASCII passes through as UTF-8). */
  stringBytes(ptr: usize, len: i32): void {
    // Nothing to escape and room for all of it: quotes and bytes stored at once (no call per piece).
    if (len >= 0 && this.pos + len + 2 <= this.cap) {
      let i = 0;
      for (; i < len; i++) {
        while (i + 8 <= len && plainAscii8(load<u64>(ptr + <usize>i))) i += 8;
        if (i >= len) break;
        const c = load<u8>(ptr + <usize>i);
        if (c < 0x20 || c == 0x22 || c == 0x5c) break;
      }
      if (i >= len) {
        const d = this.buf + <usize>this.pos;
        store<u8>(d, 0x22);
        memory.copy(d + 1, ptr, <usize>len);
        store<u8>(d + 1 + <usize>len, 0x22);
        this.setPos(this.pos + len + 2);
        return;
      }
    }
    this.byte(0x22);
    // Runs of bytes that need no escape are copied in one go (one call per run, not per byte).
    let run = 0;
    for (let i = 0; i < len; i++) {
      while (i + 8 <= len && plainAscii8(load<u64>(ptr + <usize>i))) i += 8;
      if (i >= len) break;
      const c = load<u8>(ptr + <usize>i);
      if (c >= 0x20 && c != 0x22 && c != 0x5c) continue;
      this.bytes(ptr + <usize>run, i - run);
      this.escaped(c);
      run = i + 1;
    }
    this.bytes(ptr + <usize>run, len - run);
    this.byte(0x22);
  }

  private escaped(c: u8): void {
    if (c == 0x22 || c == 0x5c) { this.byte(0x5c); this.byte(c); }
    else if (c >= 0x20) this.byte(c);
    else if (c == 0x0a) { this.byte(0x5c); this.byte(0x6e); }
    else if (c == 0x0d) { this.byte(0x5c); this.byte(0x72); }
    else if (c == 0x09) { this.byte(0x5c); this.byte(0x74); }
    else if (c == 0x08) { this.byte(0x5c); this.byte(0x62); }
    else if (c == 0x0c) { this.byte(0x5c); this.byte(0x66); }
    else {
      this.raw("\\u00");
      this.byte(<u8>HEX_DIGITS.charCodeAt(c >> 4));
      this.byte(<u8>HEX_DIGITS.charCodeAt(c & 15));
    }
  }
}
