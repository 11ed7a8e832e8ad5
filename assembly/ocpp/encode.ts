// The one generic encoder: walks a Tape object by its type table and writes
// compact JSON, properties in schema order.
import { JsonWriter } from "./json-writer";
import { Tape } from "./tape";
import { Kind, memberCount, propKind, propRef, propIsArray, propRequired, propNamePtr, propNameLen, enumValuePtr, enumValueLen } from "./schema";

/** Writes obj as JSON. False when a required property is missing (the message would break the schema). */
export function encodePayload(w: JsonWriter, tape: Tape, obj: i32): bool {
  if (obj < 0) return false;
  const type = tape.typeOf(obj);
  const n = memberCount(type);
  w.byte(0x7b);
  let first = true;
  for (let p = 0; p < n; p++) {
    if (!tape.has(obj, p)) {
      if (propRequired(type, p)) return false;
      continue;
    }
    if (!first) w.byte(0x2c);
    first = false;
    w.key(propNamePtr(type, p), propNameLen(type, p));
    const s = tape.slot(obj, p);
    const kind = propKind(type, p);
    const ref = propRef(type, p);
    if (propIsArray(type, p)) {
      const arr = tape.w(s);
      const count = tape.arrayCount(arr);
      w.byte(0x5b);
      for (let i = 0; i < count; i++) {
        if (i > 0) w.byte(0x2c);
        if (!encodeValue(w, tape, kind, ref, tape.elem(arr, i))) return false;
      }
      w.byte(0x5d);
    } else if (!encodeValue(w, tape, kind, ref, s)) {
      return false;
    }
  }
  w.byte(0x7d);
  return !w.overflow;
}

function encodeValue(w: JsonWriter, tape: Tape, kind: i32, ref: i32, s: i32): bool {
  switch (kind) {
    case Kind.String:
    case Kind.DateTime: w.stringBytes(<usize>tape.w(s), tape.w(s + 1)); return true;
    case Kind.Integer: w.int(tape.i64At(s)); return true;
    case Kind.Number: w.decimal(tape.i64At(s), tape.w(s + 2)); return true;
    case Kind.Boolean: w.raw(tape.w(s) != 0 ? "true" : "false"); return true;
    case Kind.Enum: {
      const i = tape.w(s);
      if (i < 0 || i >= memberCount(ref)) return false;
      w.quoted(enumValuePtr(ref, i), enumValueLen(ref, i));
      return true;
    }
    case Kind.Object: return encodePayload(w, tape, tape.w(s));
    default: w.bytes(<usize>tape.w(s), tape.w(s + 1)); return true;
  }
}
