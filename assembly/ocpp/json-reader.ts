// A cursor over untrusted JSON bytes. Every read is bounds-checked against
// `end`; malformed input yields false / -1, never a trap.
import { plainAscii8 } from "./plain";

export const MAX_DEPTH: i32 = 16;

@inline function isWs(c: u32): bool { return c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09; }
@inline function isDigit(c: u32): bool { return c - 0x30 < 10; }

function hexVal(c: u32): i32 {
  if (c - 0x30 < 10) return <i32>(c - 0x30);
  const l = c | 0x20;
  if (l - 0x61 < 6) return <i32>(l - 0x61 + 10);
  return -1;
}

export class JsonReader {
  pos: usize = 0;
  end: usize = 0;
  // Results of readNumber: the value is mantissa × 10^exp; `integral` when the text had no fraction/exponent.
  mantissa: i64 = 0;
  exp: i32 = 0;
  integral: bool = true;
  // Result of readString: code points in the unescaped text.
  codePoints: i32 = 0;
  /** Strings read that had an escape: read in place, their bytes changed (decodeVerbatim). */
  escapedStrings: i32 = 0;

  /** `this.pos = v` as a plain store. A field assignment is a call to the field's setter, which binaryen at
   *  shrinkLevel 2 does not inline (~80 native instructions under wasm3, issue 17); the reader moves pos per
   *  token. */
  @inline private setPos(v: usize): void { store<usize>(changetype<usize>(this) + offsetof<JsonReader>("pos"), v); }

  reset(ptr: usize, len: i32): void { this.setPos(ptr); this.end = ptr + <usize>max(len, 0); }

  /** The next non-blank byte without consuming it; 0 at the end. */
  peek(): u32 {
    let p = this.pos;
    while (p < this.end && isWs(<u32>load<u8>(p))) p++;
    this.setPos(p);
    return p < this.end ? <u32>load<u8>(p) : 0;
  }

  /** Consumes c if it is next. */
  eat(c: u32): bool {
    // Compact JSON first: the byte is next, no blank to skip and no second call.
    const p = this.pos;
    if (p < this.end && <u32>load<u8>(p) == c) { this.setPos(p + 1); return true; }
    if (this.peek() != c) return false;
    this.setPos(this.pos + 1);
    return true;
  }

  atEnd(): bool { return this.peek() == 0 && this.pos >= this.end; }

  literal(word: string): bool {
    const n = word.length;
    if (this.pos + <usize>n > this.end) return false;
    for (let i = 0; i < n; i++) if (<i32>load<u8>(this.pos + <usize>i) != word.charCodeAt(i)) return false;
    this.setPos(this.pos + <usize>n);
    return true;
  }

  /** Reads a string (the opening quote must be next), writing the unescaped UTF-8 to dst (up to cap bytes).
   *  Returns the unescaped length, -1 on malformed text, -2 if it does not fit. */
  readString(dst: usize, cap: i32): i32 {
    if (!this.eat(0x22)) return -1;
    let p = this.pos;
    const end = this.end;
    let n: i32 = 0;
    let cps: i32 = 0;
    let escaped = false;
    while (true) {
      // Eight plain ASCII bytes at once (in place, dst + n <= p: they are loaded before they are stored).
      if (p + 8 <= end && n + 8 <= cap) {
        const x = load<u64>(p);
        if (plainAscii8(x)) {
          store<u64>(dst + <usize>n, x);
          p += 8; n += 8; cps += 8;
          continue;
        }
      }
      if (p >= end) return -1;
      let c = <u32>load<u8>(p++);
      if (c == 0x22) break;
      if (c < 0x20) return -1;
      if (c == 0x5c) {
        escaped = true;
        if (p >= end) return -1;
        const e = <u32>load<u8>(p++);
        if (e == 0x75) {
          let cp = this.hex4(p);
          if (cp < 0) return -1;
          p += 4;
          if (cp >= 0xd800 && cp < 0xdc00) {
            // A high surrogate must be followed by an escaped low surrogate.
            if (p + 6 > end || load<u8>(p) != 0x5c || load<u8>(p + 1) != 0x75) return -1;
            const lo = this.hex4(p + 2);
            if (lo < 0xdc00 || lo >= 0xe000) return -1;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            p += 6;
          } else if (cp >= 0xdc00 && cp < 0xe000) {
            return -1;
          }
          const w = utf8Len(cp);
          if (n + w > cap) return -2;
          putUtf8(dst + <usize>n, cp);
          n += w;
          cps++;
          continue;
        }
        if (e == 0x22 || e == 0x5c || e == 0x2f) c = e;
        else if (e == 0x6e) c = 0x0a;
        else if (e == 0x72) c = 0x0d;
        else if (e == 0x74) c = 0x09;
        else if (e == 0x62) c = 0x08;
        else if (e == 0x66) c = 0x0c;
        else return -1;
      }
      if (n >= cap) return -2;
      store<u8>(dst + <usize>n, <u8>c);
      n++;
      // UTF-8 continuation bytes do not start a code point.
      if ((c & 0xc0) != 0x80) cps++;
    }
    this.setPos(p);
    this.codePoints = cps;
    if (escaped) this.escapedStrings++;
    return n;
  }

  private hex4(p: usize): i32 {
    if (p + 4 > this.end) return -1;
    let v: i32 = 0;
    for (let i: usize = 0; i < 4; i++) {
      const h = hexVal(<u32>load<u8>(p + i));
      if (h < 0) return -1;
      v = (v << 4) | h;
    }
    return v;
  }

  /** Reads a JSON number into mantissa/exp (18 significant digits kept; further digits are truncated). */
  readNumber(): bool {
    this.peek();
    let p = this.pos;
    const end = this.end;
    let neg = false;
    if (p < end && load<u8>(p) == 0x2d) { neg = true; p++; }
    if (p >= end || !isDigit(<u32>load<u8>(p))) return false;
    let mant: i64 = 0;
    let sig: i32 = 0;
    let exp: i32 = 0;
    let integral = true;
    if (load<u8>(p) == 0x30) {
      p++;
      if (p < end && isDigit(<u32>load<u8>(p))) return false; // no leading zeros
    } else {
      while (p < end && isDigit(<u32>load<u8>(p))) {
        const d = <i64>(load<u8>(p) - 0x30);
        if (sig < 18) { mant = mant * 10 + d; if (mant != 0) sig++; } else exp++;
        p++;
      }
    }
    if (p < end && load<u8>(p) == 0x2e) {
      p++;
      integral = false;
      if (p >= end || !isDigit(<u32>load<u8>(p))) return false;
      while (p < end && isDigit(<u32>load<u8>(p))) {
        const d = <i64>(load<u8>(p) - 0x30);
        if (sig < 18) { mant = mant * 10 + d; exp--; if (mant != 0) sig++; }
        p++;
      }
    }
    if (p < end && (load<u8>(p) | 0x20) == 0x65) {
      p++;
      integral = false;
      let eneg = false;
      if (p < end && (load<u8>(p) == 0x2b || load<u8>(p) == 0x2d)) { eneg = load<u8>(p) == 0x2d; p++; }
      if (p >= end || !isDigit(<u32>load<u8>(p))) return false;
      let e: i32 = 0;
      while (p < end && isDigit(<u32>load<u8>(p))) {
        if (e < 100000) e = e * 10 + <i32>(load<u8>(p) - 0x30);
        p++;
      }
      exp += eneg ? -e : e;
    }
    this.setPos(p);
    this.mantissa = neg ? -mant : mant;
    this.exp = exp;
    this.integral = integral;
    return true;
  }

  /** Skips any JSON value (validating its syntax), at most `depth` levels deep. */
  skipValue(depth: i32): bool {
    if (depth <= 0) return false;
    const c = this.peek();
    if (c == 0x7b || c == 0x5b) {
      const close: u32 = c == 0x7b ? 0x7d : 0x5d;
      this.setPos(this.pos + 1);
      if (this.eat(close)) return true;
      while (true) {
        if (c == 0x7b) {
          if (this.peek() != 0x22 || !this.skipString() || !this.eat(0x3a)) return false;
        }
        if (!this.skipValue(depth - 1)) return false;
        if (this.eat(0x2c)) continue;
        return this.eat(close);
      }
    }
    if (c == 0x22) return this.skipString();
    if (c == 0x74) return this.literal("true");
    if (c == 0x66) return this.literal("false");
    if (c == 0x6e) return this.literal("null");
    return this.readNumber();
  }

  private skipString(): bool {
    if (!this.eat(0x22)) return false;
    let p = this.pos;
    while (p < this.end) {
      const c = load<u8>(p++);
      if (c == 0x22) { this.setPos(p); return true; }
      if (c < 0x20) return false;
      if (c == 0x5c) {
        if (p >= this.end) return false;
        const e = load<u8>(p++);
        if (e == 0x75) { if (this.hex4(p) < 0) return false; p += 4; }
        else if (e != 0x22 && e != 0x5c && e != 0x2f && e != 0x6e && e != 0x72 && e != 0x74 && e != 0x62 && e != 0x66) return false;
      }
    }
    return false;
  }
}

function utf8Len(cp: i32): i32 { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

function putUtf8(p: usize, cp: i32): void {
  if (cp < 0x80) { store<u8>(p, <u8>cp); return; }
  if (cp < 0x800) { store<u8>(p, <u8>(0xc0 | (cp >> 6))); store<u8>(p + 1, <u8>(0x80 | (cp & 0x3f))); return; }
  if (cp < 0x10000) {
    store<u8>(p, <u8>(0xe0 | (cp >> 12))); store<u8>(p + 1, <u8>(0x80 | ((cp >> 6) & 0x3f)));
    store<u8>(p + 2, <u8>(0x80 | (cp & 0x3f)));
    return;
  }
  store<u8>(p, <u8>(0xf0 | (cp >> 18))); store<u8>(p + 1, <u8>(0x80 | ((cp >> 12) & 0x3f)));
  store<u8>(p + 2, <u8>(0x80 | ((cp >> 6) & 0x3f))); store<u8>(p + 3, <u8>(0x80 | (cp & 0x3f)));
}
