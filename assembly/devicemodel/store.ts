// The current value of every device-model variable: stored ones as normalized text (defaults from the
// catalog, then what was persisted, then what the CSMS set), live ones asked from the station.
import { AttributeEnumType } from "../ocpp";
import { VARS, COMPONENTS } from "./catalog";

/** The station's side of live variables (availability, clock, network, certificates, meter). */
export class LiveValues {
  /** The value of live variable `key` (catalog K) of the component at evse/connector, for attribute `attr`. */
  value(key: i32, evse: i32, connector: i32, attr: i32): string { return ""; }
}

export class VariableStore {
  readonly values: StaticArray<string> = new StaticArray<string>(VARS.length);

  constructor(readonly live: LiveValues) {
    for (let i = 0; i < VARS.length; i++) this.values[i] = VARS[i].value;
  }

  /** Variable i's value for attribute `attr` (AttributeEnumType). */
  read(i: i32, attr: i32 = AttributeEnumType.Actual): string {
    const v = VARS[i];
    if (!v.isLive && attr == AttributeEnumType.Actual) return this.values[i];
    const c = COMPONENTS[v.comp];
    return this.live.value(v.key, c.evse, c.connector, attr);
  }
}
