// A decoded (or station-built) message: fixed storage allocated once, reset per
// message, so decoding allocates nothing.
//   object block: [typeId, presentMask, slots × 3 words]           (≤ 32 properties per type)
//   array block:  [count, elementRef, elements × 3 words]            (elementRef: type id of objects/enums)
//   slot words by kind: string/date-time/any (address, byteLength) · integer (lo, hi) ·
//   number (mantissa lo, hi, exponent) · boolean/enum/object/array ref (value)
// Refs are word indexes (>= 0); -1 means absent. A string's bytes are in the tape's arena, or — decoded
// in place (inPlace) or borrowed (setBorrowed) — in the buffer they came from, which must outlive the tape's use.
import { memberCount, propKind, propIsArray, propRef, Kind } from "./schema";

export const SLOT_WORDS: i32 = 3;
const OBJ_HEADER: i32 = 2;
const ARR_HEADER: i32 = 2;

export class Tape {
  private words: usize;
  private cap: i32;
  private top: i32 = 0;
  /** Words at the end in use by the decoder's array stack (elements gathered while their array is read). */
  private tail: i32 = 0;
  private arena: usize;
  private arenaCap: i32;
  private arenaTop: i32 = 0;
  root: i32 = -1;
  overflow: bool = false;
  /** The decoder leaves strings where they are in the message (unescaped in place) instead of copying them. */
  inPlace: bool = false;
  /** The JSON the root was decoded from by decodeVerbatim: validated, and sent as it is instead of the tape
   *  encoded again (rpc.ts pump, which clears it before asking for a CALL; not reset() -- that runs per answered
   *  item). Those bytes must stay unchanged, and the tape not be changed, until the CALL is sent. 0: none. */
  verbatimPtr: usize = 0;
  verbatimLen: i32 = 0;

  constructor(wordCapacity: i32, arenaCapacity: i32) {
    this.cap = wordCapacity;
    this.words = heap.alloc(<usize>wordCapacity << 2);
    this.arenaCap = arenaCapacity;
    this.arena = heap.alloc(<usize>arenaCapacity);
  }

  reset(): void {
    const t = changetype<usize>(this);
    store<i32>(t + offsetof<Tape>("top"), 0);
    store<i32>(t + offsetof<Tape>("tail"), 0);
    store<i32>(t + offsetof<Tape>("arenaTop"), 0);
    store<i32>(t + offsetof<Tape>("root"), -1);
    store<bool>(t + offsetof<Tape>("overflow"), false);
  }

  // Field writes as plain stores: an assignment is a call to the field's setter, which binaryen at shrinkLevel 2
  // does not inline (~80 native instructions under wasm3, issue 17); a tape is reset and filled per item.
  @inline private setTop(v: i32): void { store<i32>(changetype<usize>(this) + offsetof<Tape>("top"), v); }
  @inline private setArenaTop(v: i32): void { store<i32>(changetype<usize>(this) + offsetof<Tape>("arenaTop"), v); }

  // ---- raw storage (used by the decoder) ------------------------------------------
  @inline w(i: i32): i32 { return load<i32>(this.words + (<usize>i << 2)); }
  @inline setW(i: i32, v: i32): void { store<i32>(this.words + (<usize>i << 2), v); }

  /** Reserves n zeroed words; -1 (and overflow) if full. */
  alloc(n: i32): i32 {
    if (n < 0 || this.top + n > this.cap - this.tail) { this.overflow = true; return -1; }
    const at = this.top;
    memory.fill(this.words + (<usize>at << 2), 0, <usize>n << 2);
    this.setTop(this.top + n);
    return at;
  }

  // ---- the decoder's array stack, at the end of the words (ocpp/decode.ts) --------------
  // An array's elements (three words each) are gathered there while it is read, nested arrays above, then copied
  // into the array's block: the tape and the stack share one bound, no separate buffer.
  /** Words in use by the stack. */
  @inline stackTop(): i32 { return this.tail; }
  /** Drops the stack down to `top` words (a decode's start, or an array's base). */
  @inline stackTo(top: i32): void { this.tail = top; }
  /** Pushes an element's three words; false (and overflow) when the tape is full. */
  push3(a: i32, b: i32, c: i32): bool {
    if (this.top + SLOT_WORDS > this.cap - this.tail) { this.overflow = true; return false; }
    this.tail += SLOT_WORDS;
    const at = this.cap - this.tail;
    this.setW(at, a); this.setW(at + 1, b); this.setW(at + 2, c);
    return true;
  }
  /** Word `k` (0..2) of element `i` pushed above stack top `base`. */
  @inline stacked(base: i32, i: i32, k: i32): i32 { return this.w(this.cap - base - (i + 1) * SLOT_WORDS + k); }

  /** Free arena space for a string about to be written in place (see commitArena). */
  arenaFree(): usize { return this.arena + <usize>this.arenaTop; }
  arenaRoom(): i32 { return this.arenaCap - this.arenaTop; }
  /** Takes len bytes at arenaFree(); returns their address. */
  commitArena(len: i32): i32 { const at = this.arenaFree(); this.setArenaTop(this.arenaTop + len); return <i32>at; }

  storeBytes(ptr: usize, len: i32): i32 {
    if (len < 0 || len > this.arenaRoom()) { this.overflow = true; return -1; }
    memory.copy(this.arenaFree(), ptr, <usize>len);
    return this.commitArena(len);
  }

  /** A string's UTF-8 (len: String.UTF8.byteLength(str)) stored in the arena, encoded in place (no managed
   *  allocation); its address or -1. */
  storeString(str: string, len: i32): i32 {
    if (len > this.arenaRoom()) { this.overflow = true; return -1; }
    String.UTF8.encodeUnsafe(changetype<usize>(str), str.length, this.arenaFree());
    return this.commitArena(len);
  }

  newObjectOfType(type: i32): i32 {
    const at = this.alloc(OBJ_HEADER + memberCount(type) * SLOT_WORDS);
    if (at >= 0) this.setW(at, type);
    return at;
  }

  newArrayBlock(count: i32, ref: i32): i32 {
    const at = this.alloc(ARR_HEADER + count * SLOT_WORDS);
    if (at >= 0) { this.setW(at, count); this.setW(at + 1, ref); }
    return at;
  }

  @inline slot(obj: i32, prop: i32): i32 { return obj + OBJ_HEADER + prop * SLOT_WORDS; }
  @inline elem(arr: i32, i: i32): i32 { return arr + ARR_HEADER + i * SLOT_WORDS; }

  @inline markPresent(obj: i32, prop: i32): void { this.setW(obj + 1, this.w(obj + 1) | (1 << prop)); }

  // ---- reading -----------------------------------------------------------------------
  @inline typeOf(obj: i32): i32 { return obj >= 0 ? this.w(obj) : -1; }
  @inline has(obj: i32, prop: i32): bool { return obj >= 0 && (this.w(obj + 1) & (1 << prop)) != 0; }

  @inline private at(obj: i32, prop: i32): i32 { return this.has(obj, prop) ? this.slot(obj, prop) : -1; }

  getInt(obj: i32, prop: i32): i64 { const s = this.at(obj, prop); return s < 0 ? 0 : this.i64At(s); }
  getBool(obj: i32, prop: i32): bool { const s = this.at(obj, prop); return s >= 0 && this.w(s) != 0; }
  getEnum(obj: i32, prop: i32): i32 { const s = this.at(obj, prop); return s < 0 ? -1 : this.w(s); }
  getObject(obj: i32, prop: i32): i32 { const s = this.at(obj, prop); return s < 0 ? -1 : this.w(s); }
  getDecimalMantissa(obj: i32, prop: i32): i64 { const s = this.at(obj, prop); return s < 0 ? 0 : this.i64At(s); }
  getDecimalExp(obj: i32, prop: i32): i32 { const s = this.at(obj, prop); return s < 0 ? 0 : this.w(s + 2); }
  getF64(obj: i32, prop: i32): f64 {
    const s = this.at(obj, prop);
    if (s < 0) return 0;
    if (propKind(this.w(obj), prop) == Kind.Integer) return <f64>this.i64At(s);
    return <f64>this.i64At(s) * Math.pow(10, <f64>this.w(s + 2));
  }
  getStrPtr(obj: i32, prop: i32): usize { const s = this.at(obj, prop); return s < 0 ? 0 : <usize>this.w(s); }
  getStrLen(obj: i32, prop: i32): i32 { const s = this.at(obj, prop); return s < 0 ? -1 : this.w(s + 1); }
  getString(obj: i32, prop: i32): string {
    const s = this.at(obj, prop);
    return s < 0 ? "" : String.UTF8.decodeUnsafe(<usize>this.w(s), <usize>this.w(s + 1));
  }
  strEquals(obj: i32, prop: i32, str: string): bool {
    const s = this.at(obj, prop);
    if (s < 0) return false;
    const len = this.w(s + 1);
    if (len != str.length) return false;
    const p = <usize>this.w(s);
    for (let i = 0; i < len; i++) if (<i32>load<u8>(p + <usize>i) != str.charCodeAt(i)) return false;
    return true;
  }

  private arrayOf(obj: i32, prop: i32): i32 { const s = this.at(obj, prop); return s < 0 ? -1 : this.w(s); }
  arrayLength(obj: i32, prop: i32): i32 { const a = this.arrayOf(obj, prop); return a < 0 ? 0 : this.w(a); }
  private elemSlot(obj: i32, prop: i32, i: i32): i32 {
    const a = this.arrayOf(obj, prop);
    return a < 0 || i < 0 || i >= this.w(a) ? -1 : this.elem(a, i);
  }
  arrayObject(obj: i32, prop: i32, i: i32): i32 { const e = this.elemSlot(obj, prop, i); return e < 0 ? -1 : this.w(e); }
  arrayInt(obj: i32, prop: i32, i: i32): i64 { const e = this.elemSlot(obj, prop, i); return e < 0 ? 0 : this.i64At(e); }
  arrayEnum(obj: i32, prop: i32, i: i32): i32 { const e = this.elemSlot(obj, prop, i); return e < 0 ? -1 : this.w(e); }
  arrayStrPtr(obj: i32, prop: i32, i: i32): usize { const e = this.elemSlot(obj, prop, i); return e < 0 ? 0 : <usize>this.w(e); }
  arrayStrLen(obj: i32, prop: i32, i: i32): i32 { const e = this.elemSlot(obj, prop, i); return e < 0 ? -1 : this.w(e + 1); }

  i64At(s: i32): i64 { return (<i64>this.w(s + 1) << 32) | (<i64>this.w(s) & 0xffffffff); }
  setI64At(s: i32, v: i64): void { this.setW(s, <i32>v); this.setW(s + 1, <i32>(v >> 32)); }

  // ---- building --------------------------------------------------------------------
  newRoot(type: i32): i32 {
    const root = this.newObjectOfType(type);
    store<i32>(changetype<usize>(this) + offsetof<Tape>("root"), root);
    return root;
  }

  private put(obj: i32, prop: i32): i32 {
    if (obj < 0 || prop < 0 || prop >= memberCount(this.w(obj))) { this.overflow = true; return -1; }
    this.markPresent(obj, prop);
    return this.slot(obj, prop);
  }

  setInt(obj: i32, prop: i32, v: i64): void { const s = this.put(obj, prop); if (s >= 0) this.setI64At(s, v); }
  setBool(obj: i32, prop: i32, v: bool): void { const s = this.put(obj, prop); if (s >= 0) this.setW(s, v ? 1 : 0); }
  setEnum(obj: i32, prop: i32, idx: i32): void { const s = this.put(obj, prop); if (s >= 0) this.setW(s, idx); }
  setDecimal(obj: i32, prop: i32, mantissa: i64, exp: i32): void {
    const s = this.put(obj, prop);
    if (s >= 0) { this.setI64At(s, mantissa); this.setW(s + 2, exp); }
  }
  setBytes(obj: i32, prop: i32, ptr: usize, len: i32): void {
    const at = this.storeBytes(ptr, len);
    if (at >= 0) this.setBorrowed(obj, prop, <usize>at, len);
  }
  /** A string property whose bytes stay at ptr (not copied): ptr must stay valid until the tape is encoded
   *  (e.g. a name echoed from the request being answered). */
  setBorrowed(obj: i32, prop: i32, ptr: usize, len: i32): void {
    const s = len >= 0 ? this.put(obj, prop) : -1;
    if (s >= 0) { this.setW(s, <i32>ptr); this.setW(s + 1, len); }
  }
  setString(obj: i32, prop: i32, str: string): void {
    const len = String.UTF8.byteLength(str);
    const at = this.storeString(str, len);
    if (at >= 0) this.setBorrowed(obj, prop, <usize>at, len);
  }
  newObject(obj: i32, prop: i32): i32 {
    if (obj < 0) return -1;
    const child = this.newObjectOfType(propRef(this.w(obj), prop));
    const s = child >= 0 ? this.put(obj, prop) : -1;
    if (s < 0) return -1;
    this.setW(s, child);
    return child;
  }
  newArray(obj: i32, prop: i32, count: i32): i32 {
    if (obj < 0 || count < 0) return -1;
    const type = this.w(obj);
    if (!propIsArray(type, prop)) { this.overflow = true; return -1; }
    const arr = this.newArrayBlock(count, propRef(type, prop));
    const s = arr >= 0 ? this.put(obj, prop) : -1;
    if (s < 0) return -1;
    this.setW(s, arr);
    return arr;
  }
  private elemAt(arr: i32, i: i32): i32 {
    if (arr < 0 || i < 0 || i >= this.w(arr)) { this.overflow = true; return -1; }
    return this.elem(arr, i);
  }
  arraySetObject(arr: i32, i: i32): i32 {
    const e = this.elemAt(arr, i);
    if (e < 0) return -1;
    const child = this.newObjectOfType(this.w(arr + 1));
    this.setW(e, child);
    return child;
  }
  arraySetInt(arr: i32, i: i32, v: i64): void { const e = this.elemAt(arr, i); if (e >= 0) this.setI64At(e, v); }
  arraySetEnum(arr: i32, i: i32, idx: i32): void { const e = this.elemAt(arr, i); if (e >= 0) this.setW(e, idx); }
  arraySetString(arr: i32, i: i32, str: string): void {
    const e = this.elemAt(arr, i);
    if (e < 0) return;
    const len = String.UTF8.byteLength(str);
    const off = this.storeString(str, len);
    if (off >= 0) { this.setW(e, off); this.setW(e + 1, len); }
  }
  arrayCount(arr: i32): i32 { return arr < 0 ? 0 : this.w(arr); }
  arrayRef(arr: i32): i32 { return this.w(arr + 1); }
}
