// A request read as its bytes arrive (docs/streaming.md): the payload object member by member, its item array
// one item at a time. Each item is decoded alone into the inbound tape (reset per item) by the schema-table
// decoder and handed to an ItemSink, so RAM does not grow with the item count; the rest of the payload (other
// members, required ones, minItems/maxItems, the closing "]") is checked as decodePayload checks it, with the
// same error codes and descriptions. The bytes of an unfinished item stay unconsumed until more arrive: an item
// longer than the message buffer cannot be read (FormatViolation).
import {
  JsonReader, Tape, RpcError, valueEnd, decodeArrayElement, decodedRef, decodeMember, payloadError, payloadTypeError,
  findProp, isOpen, memberCount, propRequired, propIsArray, propA, propB, NO_LIMIT, clearError, errAppend,
  errAppendBytes, errAppendInt, lastErrorPtr, lastErrorLen,
} from "../ocpp";

/** Told of each item as soon as it is decoded and valid. */
export abstract class ItemSink {
  /** Item k of the request, the object `item` of `req` (valid during the call). */
  abstract takeItem(req: Tape, item: i32, k: i32): void;
}

const S_OPEN: i32 = 0;        // before the payload's '{'
const S_KEY_FIRST: i32 = 1;   // after '{': a key or '}'
const S_KEY: i32 = 2;         // a member: "key": value
const S_ITEM_FIRST: i32 = 3;  // after the item array's '[': an item or ']'
const S_ITEM: i32 = 4;
const S_ITEM_SEP: i32 = 5;    // after an item: ',' or ']'
const S_SEP: i32 = 6;         // after a member: ',' or '}'
const S_TAIL: i32 = 7;        // after the payload: ']'
const S_END: i32 = 8;         // only blanks may follow
const S_FAILED: i32 = 9;      // the rest of the message is dropped; `error` says why

const KEY_CAP: i32 = 128;
const TEXT_CAP: i32 = 240;

@inline function isBlank(c: u32): bool { return c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09; }

export class RequestStream {
  /** RpcError.None, or the error the request is answered with (its description in errorText). */
  error: i32 = RpcError.None;
  /** Items decoded so far. */
  count: i32 = 0;
  private type: i32 = -1;
  private itemsProp: i32 = -1;
  private state: i32 = S_OPEN;
  private present: u32 = 0;
  private tape: Tape;
  private sink: ItemSink;
  private r: JsonReader = new JsonReader();
  private keyBuf: usize = heap.alloc(<usize>KEY_CAP);
  private text: usize = heap.alloc(<usize>TEXT_CAP);
  private textLen: i32 = 0;

  constructor(tape: Tape, sink: ItemSink) {
    this.tape = tape;
    this.sink = sink;
  }

  /** A new request of payload type `type` (its only array property is read item by item). */
  begin(type: i32): void {
    this.type = type;
    this.itemsProp = -1;
    const n = memberCount(type);
    for (let p = 0; p < n; p++) if (propIsArray(type, p)) { this.itemsProp = p; break; }
    this.state = S_OPEN;
    this.present = 0;
    this.count = 0;
    this.error = RpcError.None;
    this.textLen = 0;
  }

  /** The error's description back into the codec's error text (for the CALLERROR). */
  restoreErrorText(): void {
    clearError();
    errAppendBytes(this.text, this.textLen);
  }

  /** Reads what it can of [ptr, ptr + len) and returns how many bytes it consumed; an unfinished value at the
   *  end stays unconsumed. `last`: the message ends there (all is consumed; anything unfinished is an error). */
  feed(ptr: usize, len: i32, last: bool): i32 {
    if (this.state == S_FAILED) return len;
    const end = ptr + <usize>len;
    const type = this.type;
    let p = ptr;
    while (true) {
      while (p < end && isBlank(<u32>load<u8>(p))) p++;
      if (p >= end) {
        if (last && this.state != S_END) this.truncated();
        break;
      }
      const c = <u32>load<u8>(p);
      const s = this.state;
      if (s == S_ITEM) {
        // With the rest of the message here the decoder finds the item's end itself (one pass over its bytes);
        // before that, the item is decoded only once all its bytes are in.
        let e = end;
        if (!last) {
          e = valueEnd(p, end);
          if (e == 0) break;
        }
        const tape = this.tape;
        tape.reset();
        const r = this.r;
        r.reset(p, <i32>(e - p));
        const rc = decodeArrayElement(r, tape, type, this.itemsProp, this.count);
        if (rc != RpcError.None) return this.fail(rc, len);
        this.sink.takeItem(tape, decodedRef(), this.count);
        this.count++;
        p = r.pos;
        this.state = S_ITEM_SEP;
      } else if (s == S_ITEM_SEP) {
        if (c == 0x2c) { p++; this.state = S_ITEM; }
        else if (c == 0x5d) { p++; if (!this.arrayEnd()) return len; }
        else return this.fail(payloadError(type, this.itemsProp, this.count - 1, RpcError.FormatViolation, "invalid JSON"), len);
      } else if (s == S_KEY) {
        const at = this.member(p, end, last);
        if (this.state == S_FAILED) return len;
        if (at == 0) break;
        p = at;
      } else if (s == S_SEP) {
        if (c == 0x2c) { p++; this.state = S_KEY; }
        else if (c == 0x7d) { p++; if (!this.objectEnd()) return len; }
        else return this.fail(payloadError(type, -1, -1, RpcError.FormatViolation, "invalid JSON"), len);
      } else if (s == S_ITEM_FIRST) {
        if (c == 0x5d) { p++; if (!this.arrayEnd()) return len; }
        else this.state = S_ITEM;
      } else if (s == S_KEY_FIRST) {
        if (c == 0x7d) { p++; if (!this.objectEnd()) return len; }
        else this.state = S_KEY;
      } else if (s == S_OPEN) {
        if (c != 0x7b) return this.fail(payloadTypeError(type, -1, -1, c, "not an object"), len);
        p++;
        this.state = S_KEY_FIRST;
      } else if (s == S_TAIL && c == 0x5d) {
        p++;
        this.state = S_END;
      } else {
        return this.fail(this.afterPayload(), len);
      }
    }
    return <i32>(p - ptr);
  }

  /** A full buffer of `capacity` bytes and no progress: the value being read is longer than the buffer. */
  tooLong(capacity: i32): void {
    const prop = this.state == S_ITEM || this.state == S_ITEM_SEP ? this.itemsProp : -1;
    const rc = payloadError(this.type, prop, prop < 0 ? -1 : this.count, RpcError.FormatViolation, "longer than ");
    errAppendInt(capacity);
    errAppend(" bytes (the message buffer)");
    this.fail(rc, 0);
  }

  /** One member at p (its key's quote). Returns where it ends (the value read, or the item array opened), 0 if
   *  its bytes are not all here yet; on an error the state is S_FAILED. */
  private member(p: usize, end: usize, last: bool): usize {
    const type = this.type;
    if (<u32>load<u8>(p) != 0x22) { this.fail(payloadError(type, -1, -1, RpcError.FormatViolation, "invalid JSON"), 0); return 0; }
    const keyEnd = valueEnd(p, end);
    let q = keyEnd;
    if (q != 0) while (q < end && isBlank(<u32>load<u8>(q))) q++;
    let v = q + 1;
    if (q != 0 && q < end) while (v < end && isBlank(<u32>load<u8>(v))) v++;
    if (q == 0 || q >= end || v >= end) {
      // Not all here: wait, unless the message ends here (a member cut short is broken JSON).
      if (last) this.fail(payloadError(type, -1, -1, RpcError.FormatViolation, "invalid JSON"), 0);
      return 0;
    }
    if (<u32>load<u8>(q) != 0x3a) { this.fail(payloadError(type, -1, -1, RpcError.FormatViolation, "invalid JSON"), 0); return 0; }
    const r = this.r;
    r.reset(p, <i32>(keyEnd - p));
    const keyLen = r.readString(this.keyBuf, KEY_CAP);
    if (keyLen == -1) { this.fail(payloadError(type, -1, -1, RpcError.FormatViolation, "invalid JSON"), 0); return 0; }
    const prop = keyLen >= 0 ? findProp(type, this.keyBuf, keyLen) : -1;
    if (prop < 0 && !isOpen(type)) {
      const rc = payloadError(type, -1, -1, RpcError.ProtocolError, "property not allowed: ");
      errAppendBytes(this.keyBuf, max(keyLen, 0));
      this.fail(rc, 0);
      return 0;
    }
    if (prop >= 0 && (this.present & (1 << prop)) != 0) {
      this.fail(payloadError(type, prop, -1, RpcError.ProtocolError, "duplicate property"), 0);
      return 0;
    }
    const c = <u32>load<u8>(v);
    if (prop == this.itemsProp) {
      if (c != 0x5b) { this.fail(payloadTypeError(type, prop, -1, c, "not an array"), 0); return 0; }
      this.present |= 1 << prop;
      this.state = S_ITEM_FIRST;
      return v + 1;
    }
    let e = valueEnd(v, end);
    if (e == 0) { if (!last) return 0; e = end; }
    r.reset(v, <i32>(e - v));
    if (prop < 0) {
      if (!r.skipValue(16)) { this.fail(payloadError(type, -1, -1, RpcError.FormatViolation, "invalid JSON"), 0); return 0; }
    } else {
      const tape = this.tape;
      tape.reset();
      const rc = decodeMember(r, tape, type, tape.newObjectOfType(type), prop);
      if (rc != RpcError.None) { this.fail(rc, 0); return 0; }
      this.present |= 1 << prop;
    }
    this.state = S_SEP;
    return r.pos;
  }

  private arrayEnd(): bool {
    const type = this.type, prop = this.itemsProp;
    this.state = S_SEP;
    const minItems = propA(type, prop), maxItems = propB(type, prop);
    if (this.count < minItems) { this.fail(payloadError(type, prop, -1, RpcError.OccurrenceConstraintViolation, "too few items"), 0); return false; }
    if (maxItems != NO_LIMIT && this.count > maxItems) {
      this.fail(payloadError(type, prop, -1, RpcError.OccurrenceConstraintViolation, "too many items"), 0);
      return false;
    }
    return true;
  }

  private objectEnd(): bool {
    const type = this.type;
    this.state = S_TAIL;
    const n = memberCount(type);
    for (let p = 0; p < n; p++) {
      if (propRequired(type, p) && (this.present & (1 << p)) == 0) {
        this.fail(payloadError(type, p, -1, RpcError.OccurrenceConstraintViolation, "required"), 0);
        return false;
      }
    }
    return true;
  }

  private afterPayload(): i32 {
    clearError();
    errAppend("unexpected content after the payload");
    return RpcError.RpcFrameworkError;
  }

  /** The message ended before the request did: the error decodePayload gives for the same bytes. */
  private truncated(): void {
    const s = this.state, type = this.type;
    let rc: i32;
    if (s == S_ITEM_FIRST || s == S_ITEM) rc = payloadError(type, this.itemsProp, this.count, RpcError.FormatViolation, "invalid JSON");
    else if (s == S_ITEM_SEP) rc = payloadError(type, this.itemsProp, this.count - 1, RpcError.FormatViolation, "invalid JSON");
    else if (s == S_TAIL) rc = this.afterPayload();
    else rc = payloadError(type, -1, -1, RpcError.FormatViolation, "invalid JSON");
    this.fail(rc, 0);
  }

  private fail(code: i32, consumed: i32): i32 {
    this.error = code;
    this.state = S_FAILED;
    const n = min(lastErrorLen(), TEXT_CAP);
    memory.copy(this.text, lastErrorPtr(), <usize>n);
    this.textLen = n;
    return consumed;
  }
}
