// The one generic decoder: validates a payload against its type table while
// tokenizing it, in a single pass, storing values into a Tape (no JSON tree).
import { JsonReader, MAX_DEPTH } from "./json-reader";
import { Tape, SLOT_WORDS } from "./tape";
import {
  Kind, NO_LIMIT, LIMIT_BIAS, memberCount, isOpen, findProp, findEnum, propKind, propRef, propA, propB,
  propRequired, propIsArray, propNamePtr, propNameLen,
} from "./schema";
import { RpcError, clearError, errAppend, errAppendBytes, errAppendInt } from "./errors";
import { parseDateTime } from "../util/datetime";

const KEY_CAP: i32 = 128;
const keyBuf: usize = heap.alloc(<usize>KEY_CAP);
let keyLen: i32 = 0;

// Array elements are gathered at the end of the tape while their array is read (nested arrays stack up), then
// copied into the array's block (Tape#push3): the stack takes the tape's free words, no buffer of its own
// (GetVariables / SetVariables items are decoded one at a time, rpc/request-stream.ts).

// The field path, for error descriptions: (type, prop, index) per level in static memory. One call writes a level
// (a StaticArray element assignment is a call, __uset, that binaryen at shrinkLevel 2 does not inline: three per
// property decoded before). setPath stays a call: inlined, its temporaries grew the frames of the decoder's
// recursive functions, and wasm3's 8 KiB value stack is what bounds the nesting (tests/fuzz/corpus/regress-wasm3-*).
const PATH: usize = memory.data((MAX_DEPTH + 1) * 12);
@inline function pathType(d: i32): i32 { return load<i32>(PATH + <usize>d * 12); }
@inline function pathProp(d: i32): i32 { return load<i32>(PATH + <usize>d * 12, 4); }
@inline function pathIdx(d: i32): i32 { return load<i32>(PATH + <usize>d * 12, 8); }
function setPath(d: i32, type: i32, prop: i32, index: i32): void {
  const at = PATH + <usize>d * 12;
  store<i32>(at, type); store<i32>(at, prop, 4); store<i32>(at, index, 8);
}
function setPathIdx(d: i32, index: i32): void { store<i32>(PATH + <usize>d * 12, index, 8); }
let depth: i32 = 0;

// The value just decoded (three tape words).
let g0: i32 = 0, g1: i32 = 0, g2: i32 = 0;

function fail(code: i32, reason: string): i32 {
  clearError();
  for (let d = 0; d < depth; d++) {
    if (d > 0) errAppend(".");
    const t = pathType(d), p = pathProp(d);
    errAppendBytes(propNamePtr(t, p), propNameLen(t, p));
    const i = pathIdx(d);
    if (i >= 0) { errAppend("["); errAppendInt(i); errAppend("]"); }
  }
  if (depth == 0) errAppend("payload");
  errAppend(": ");
  errAppend(reason);
  return code;
}

/** A byte that starts a JSON value of some type: a wrong type, not broken JSON. */
function startsValue(c: u32): bool {
  return c == 0x22 || c == 0x7b || c == 0x5b || c == 0x74 || c == 0x66 || c == 0x6e || c == 0x2d || (c - 0x30 < 10);
}

function typeOrFormat(c: u32, what: string): i32 {
  return startsValue(c) ? fail(RpcError.TypeConstraintViolation, what) : fail(RpcError.FormatViolation, "invalid JSON");
}

/** Decodes the object payload of type `type` (the reader is before its '{'). On success tape.root is set. */
export function decodePayload(r: JsonReader, type: i32, tape: Tape): i32 {
  clearError();
  tape.stackTo(0);
  depth = 0;
  const c = r.peek();
  if (c != 0x7b) return typeOrFormat(c, "not an object");
  const obj = tape.newObjectOfType(type);
  if (obj < 0) return fail(RpcError.FormatViolation, "message too large");
  const rc = decodeObject(r, tape, type, obj);
  if (rc == RpcError.None) tape.root = obj;
  return rc;
}

/** decodePayload, and on success the payload's own bytes (its object, from '{' to '}') kept on the tape
 *  (verbatimPtr/verbatimLen): the validating decoder has just accepted exactly those bytes, so they can be sent
 *  as they are instead of the tape encoded again (a queued CALL written as JSON, transactions/). The bytes must
 *  stay unchanged until the tape is sent or reset. */
export function decodeVerbatim(r: JsonReader, type: i32, tape: Tape): i32 {
  tape.verbatimLen = 0;
  const start = r.peek() == 0x7b ? r.pos : 0;
  const escaped = r.escapedStrings;
  const rc = decodePayload(r, type, tape);
  // Decoded in place, a string with an escape was unescaped over its own bytes: they are no longer the JSON that
  // was read, so the tape is encoded instead.
  if (rc == RpcError.None && start != 0 && (!tape.inPlace || r.escapedStrings == escaped)) {
    tape.verbatimPtr = start;
    tape.verbatimLen = <i32>(r.pos - start);
  }
  return rc;
}

function decodeObject(r: JsonReader, tape: Tape, type: i32, obj: i32): i32 {
  if (depth >= MAX_DEPTH) return fail(RpcError.FormatViolation, "nested too deeply");
  r.eat(0x7b);
  if (!r.eat(0x7d)) {
    while (true) {
      if (r.peek() != 0x22) return fail(RpcError.FormatViolation, "invalid JSON");
      keyLen = r.readString(keyBuf, KEY_CAP);
      if (keyLen == -1) return fail(RpcError.FormatViolation, "invalid JSON");
      if (!r.eat(0x3a)) return fail(RpcError.FormatViolation, "invalid JSON");
      const prop = keyLen >= 0 ? findProp(type, keyBuf, keyLen) : -1;
      if (prop < 0) {
        if (!isOpen(type)) return unknownProperty();
        if (!r.skipValue(MAX_DEPTH - depth)) return fail(RpcError.FormatViolation, "invalid JSON");
      } else {
        if (tape.has(obj, prop)) {
          setPath(depth, type, prop, -1);
          depth++;
          const rc = fail(RpcError.ProtocolError, "duplicate property");
          depth--;
          return rc;
        }
        const rc = decodeProp(r, tape, type, obj, prop);
        if (rc != RpcError.None) return rc;
      }
      if (r.eat(0x2c)) continue;
      if (r.eat(0x7d)) break;
      return fail(RpcError.FormatViolation, "invalid JSON");
    }
  }
  const n = memberCount(type);
  for (let p = 0; p < n; p++) {
    if (propRequired(type, p) && !tape.has(obj, p)) {
      setPath(depth, type, p, -1);
      depth++;
      const rc = fail(RpcError.OccurrenceConstraintViolation, "required");
      depth--;
      return rc;
    }
  }
  return RpcError.None;
}

function unknownProperty(): i32 {
  const rc = fail(RpcError.ProtocolError, "property not allowed: ");
  errAppendBytes(keyBuf, max(keyLen, 0));
  return rc;
}

function decodeProp(r: JsonReader, tape: Tape, type: i32, obj: i32, prop: i32): i32 {
  setPath(depth, type, prop, -1);
  depth++;
  const rc = propIsArray(type, prop) ? decodeArray(r, tape, type, obj, prop) : decodeItem(r, tape, type, prop);
  depth--;
  if (rc != RpcError.None) return rc;
  const s = tape.slot(obj, prop);
  tape.setW(s, g0); tape.setW(s + 1, g1); tape.setW(s + 2, g2);
  tape.markPresent(obj, prop);
  return RpcError.None;
}

function decodeArray(r: JsonReader, tape: Tape, type: i32, obj: i32, prop: i32): i32 {
  const c = r.peek();
  if (c != 0x5b) return typeOrFormat(c, "not an array");
  r.eat(0x5b);
  const base = tape.stackTop();
  let count: i32 = 0;
  if (!r.eat(0x5d)) {
    while (true) {
      setPathIdx(depth - 1, count);
      const rc = decodeItem(r, tape, type, prop);
      if (rc != RpcError.None) return rc;
      if (!tape.push3(g0, g1, g2)) return fail(RpcError.FormatViolation, "message too large");
      count++;
      if (r.eat(0x2c)) continue;
      if (r.eat(0x5d)) break;
      return fail(RpcError.FormatViolation, "invalid JSON");
    }
  }
  setPathIdx(depth - 1, -1);
  const minItems = propA(type, prop), maxItems = propB(type, prop);
  if (count < minItems) return fail(RpcError.OccurrenceConstraintViolation, "too few items");
  if (maxItems != NO_LIMIT && count > maxItems) return fail(RpcError.OccurrenceConstraintViolation, "too many items");
  const arr = tape.newArrayBlock(count, propRef(type, prop));
  if (arr < 0) return fail(RpcError.FormatViolation, "message too large");
  for (let i = 0; i < count; i++) {
    const e = tape.elem(arr, i);
    tape.setW(e, tape.stacked(base, i, 0)); tape.setW(e + 1, tape.stacked(base, i, 1)); tape.setW(e + 2, tape.stacked(base, i, 2));
  }
  tape.stackTo(base);
  g0 = arr; g1 = 0; g2 = 0;
  return RpcError.None;
}

const POW10: StaticArray<i64> = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
  10000000000, 100000000000, 1000000000000, 10000000000000, 100000000000000, 1000000000000000,
  10000000000000000, 100000000000000000, 1000000000000000000];

// Nested objects recurse through decodeItem and decodeChild, never through decodeValue: its frame (every scalar
// case) would otherwise sit on the stack once per nesting level, and wasm3's 8 KiB value stack (the C host, the
// board) overflowed on a deep SetChargingProfile (chargingSchedule[].salesTariff.salesTariffEntry[]
// .consumptionCost[].cost[].customData) whose JSON broke at the innermost value (found by tests/fuzz).
function decodeItem(r: JsonReader, tape: Tape, type: i32, prop: i32): i32 {
  return propKind(type, prop) == Kind.Object ? decodeChild(r, tape, type, prop) : decodeValue(r, tape, type, prop);
}

function decodeChild(r: JsonReader, tape: Tape, type: i32, prop: i32): i32 {
  const ref = propRef(type, prop);
  const c = r.peek();
  g0 = 0; g1 = 0; g2 = 0;
  if (c != 0x7b) return typeOrFormat(c, "not an object");
  const child = tape.newObjectOfType(ref);
  if (child < 0) return fail(RpcError.FormatViolation, "message too large");
  const rc = decodeObject(r, tape, ref, child);
  g0 = child; g1 = 0; g2 = 0;
  return rc;
}

/** A value of any kind but Object (decodeChild). */
function decodeValue(r: JsonReader, tape: Tape, type: i32, prop: i32): i32 {
  const kind = propKind(type, prop);
  const ref = propRef(type, prop);
  const c = r.peek();
  g0 = 0; g1 = 0; g2 = 0;
  switch (kind) {
    case Kind.String:
    case Kind.DateTime: {
      if (c != 0x22) return typeOrFormat(c, "not a string");
      // In place: the unescaped text is never longer than the escaped one, so it can overwrite it.
      const dst = tape.inPlace ? r.pos + 1 : tape.arenaFree();
      const n = r.readString(dst, tape.inPlace ? <i32>(r.end - dst) : tape.arenaRoom());
      if (n == -1) return fail(RpcError.FormatViolation, "invalid JSON");
      if (n == -2) return fail(RpcError.FormatViolation, "message too large");
      if (kind == Kind.String) {
        if (ref > 0 && r.codePoints > ref) {
          const rc = fail(RpcError.PropertyConstraintViolation, "too long (max ");
          errAppendInt(ref); errAppend(")");
          return rc;
        }
      } else if (parseDateTime(dst, n) == i64.MIN_VALUE) {
        return fail(RpcError.PropertyConstraintViolation, "not an RFC 3339 date-time");
      }
      g0 = tape.inPlace ? <i32>dst : tape.commitArena(n);
      g1 = n;
      return RpcError.None;
    }
    case Kind.Integer:
    case Kind.Number: {
      if (c != 0x2d && (c - 0x30 >= 10)) return typeOrFormat(c, "not a number");
      if (!r.readNumber()) return fail(RpcError.FormatViolation, "invalid JSON");
      let m = r.mantissa;
      let e = r.exp;
      if (kind == Kind.Number) {
        g0 = <i32>m; g1 = <i32>(m >> 32); g2 = e;
        return RpcError.None;
      }
      // JSON Schema integers are values without a fraction, whatever their spelling (1.0, 1e2).
      while (e < 0 && m % 10 == 0 && m != 0) { m /= 10; e++; }
      if (m == 0) e = 0;
      if (e < 0) return fail(RpcError.TypeConstraintViolation, "not an integer");
      if (e > 0) {
        if (e > 18 || (m > 0 ? m : -m) > i64.MAX_VALUE / unchecked(POW10[e])) {
          return fail(RpcError.PropertyConstraintViolation, "out of range");
        }
        m *= unchecked(POW10[e]);
      }
      // Array items carry minItems/maxItems in those words; the generator rejects limited integers in arrays.
      const limited = !propIsArray(type, prop);
      const lo = limited ? ref : NO_LIMIT, hi = limited ? propA(type, prop) : NO_LIMIT;
      if ((lo != NO_LIMIT && m < <i64>(lo - LIMIT_BIAS)) || (hi != NO_LIMIT && m > <i64>(hi - LIMIT_BIAS))) {
        return fail(RpcError.PropertyConstraintViolation, "out of range");
      }
      g0 = <i32>m; g1 = <i32>(m >> 32);
      return RpcError.None;
    }
    case Kind.Boolean: {
      if (c == 0x74) { if (!r.literal("true")) return fail(RpcError.FormatViolation, "invalid JSON"); g0 = 1; return RpcError.None; }
      if (c == 0x66) { if (!r.literal("false")) return fail(RpcError.FormatViolation, "invalid JSON"); return RpcError.None; }
      return typeOrFormat(c, "not a boolean");
    }
    case Kind.Enum: {
      if (c != 0x22) return typeOrFormat(c, "not a string");
      const n = r.readString(keyBuf, KEY_CAP);
      if (n == -1) return fail(RpcError.FormatViolation, "invalid JSON");
      const idx = n >= 0 ? findEnum(ref, keyBuf, n) : -1;
      if (idx < 0) return fail(RpcError.PropertyConstraintViolation, "not an allowed value");
      g0 = idx;
      return RpcError.None;
    }
    default: { // Kind.Any: kept verbatim after a syntax check
      const start = r.pos;
      if (!r.skipValue(MAX_DEPTH - depth)) return fail(RpcError.FormatViolation, "invalid JSON");
      const len = <i32>(r.pos - start);
      const at = tape.inPlace ? <i32>start : tape.storeBytes(start, len);
      if (at < 0) return fail(RpcError.FormatViolation, "message too large");
      g0 = at; g1 = len;
      return RpcError.None;
    }
  }
}

// ---- a payload read member by member, its item array one item at a time (rpc/request-stream.ts) ----

/** Item `index` of the array property `prop` of payload type `type`, alone: validated as decodePayload validates
 *  it inside the whole payload, with the same errors and paths (getVariableData[517].component.name). The
 *  reader holds the item; on success decodedRef() is its object in the tape. */
export function decodeArrayElement(r: JsonReader, tape: Tape, type: i32, prop: i32, index: i32): i32 {
  clearError();
  tape.stackTo(0);
  setPath(0, type, prop, index);
  depth = 1;
  const rc = decodeItem(r, tape, type, prop);
  depth = 0;
  return rc;
}

/** The object (or value word) decodeArrayElement just decoded. */
export function decodedRef(): i32 { return g0; }

/** A member of the payload other than the item array, decoded into the payload object `obj` of the tape. */
export function decodeMember(r: JsonReader, tape: Tape, type: i32, obj: i32, prop: i32): i32 {
  clearError();
  tape.stackTo(0);
  depth = 0;
  return decodeProp(r, tape, type, obj, prop);
}

/** An error of the payload as decodePayload words it: at "payload" (prop < 0), at "<prop>" (index < 0) or at
 *  "<prop>[index]". */
export function payloadError(type: i32, prop: i32, index: i32, code: i32, reason: string): i32 {
  depth = 0;
  if (prop >= 0) {
    setPath(0, type, prop, index);
    depth = 1;
  }
  const rc = fail(code, reason);
  depth = 0;
  return rc;
}

/** A value that should start with `expected` but starts with c: a wrong type (TypeConstraintViolation `what`)
 *  or broken JSON (FormatViolation), worded as payloadError. */
export function payloadTypeError(type: i32, prop: i32, index: i32, c: u32, what: string): i32 {
  return startsValue(c) ? payloadError(type, prop, index, RpcError.TypeConstraintViolation, what)
    : payloadError(type, prop, index, RpcError.FormatViolation, "invalid JSON");
}
