// The typed value of a stored variable, parsed once from its normalized text whenever it changes, so the blocks
// read an integer (core/catalog.ts: intValue, boolValue) and never parse text, and never disagree with what
// GetVariables reports.
import { DataEnumType } from "../ocpp";
import { Def, K, TX_POINT_NAMES } from "../core/catalog";
import { MEASURAND_NAMES } from "../hardware/measurands";
import { memberBits, parseIntBytes } from "./validate";
import { Text, text, tptr, tlen, tstr, tequals } from "../util/text";

export function typedValue(d: Def, value: string): i32 {
  const t = d.dataType;
  if (t == DataEnumType.integer) return <i32>I32.parseInt(value);
  if (t == DataEnumType.boolean) return value == "true" ? 1 : 0;
  if (t == DataEnumType.MemberList) {
    return memberBits(value, d.key == K.TxStartPoint || d.key == K.TxStopPoint ? TX_POINT_NAMES : MEASURAND_NAMES);
  }
  return 0;
}

/** typedValue() of a stored text, without a string when its spelling is the usual one (the catalog's and the
 *  normalized values are; the configuration file's are taken as they are, and go through I32.parseInt). */
export function typedValueOf(d: Def, value: Text): i32 {
  const t = d.dataType;
  if (t == DataEnumType.integer) {
    const n = parseIntBytes(tptr(value), tlen(value));
    return n != i64.MIN_VALUE ? <i32>n : typedValue(d, tstr(value));
  }
  if (t == DataEnumType.boolean) return tequals(value, "true") ? 1 : 0;
  if (t == DataEnumType.MemberList) {
    return memberBitsOf(value, d.key == K.TxStartPoint || d.key == K.TxStopPoint ? TX_POINT_NAMES : MEASURAND_NAMES);
  }
  return 0;
}

/** memberBits() over the text's bytes. */
function memberBitsOf(value: Text, names: StaticArray<string>): i32 {
  const p = tptr(value), len = tlen(value);
  if (len == 0) return 0;
  let bits = 0;
  for (let i = 0, start = 0; i <= len; i++) {
    if (i < len && load<u8>(p + <usize>i) != 44) continue;
    const part = text(p + <usize>start, i - start);
    for (let j = 0; j < names.length; j++) if (tequals(part, names[j])) bits |= 1 << j;
    start = i + 1;
  }
  return bits;
}
