// The typed value of a stored variable, parsed once from its normalized text whenever it changes, so the blocks
// read an integer (core/catalog.ts: intValue, boolValue) and never parse text, and never disagree with what
// GetVariables reports.
import { DataEnumType } from "../ocpp";
import { Def, K, TX_POINT_NAMES } from "../core/catalog";
import { MEASURAND_NAMES } from "../hardware/measurands";
import { memberBits } from "./validate";

export function typedValue(d: Def, value: string): i32 {
  const t = d.dataType;
  if (t == DataEnumType.integer) return <i32>I32.parseInt(value);
  if (t == DataEnumType.boolean) return value == "true" ? 1 : 0;
  if (t == DataEnumType.MemberList) {
    return memberBits(value, d.key == K.TxStartPoint || d.key == K.TxStopPoint ? TX_POINT_NAMES : MEASURAND_NAMES);
  }
  return 0;
}
