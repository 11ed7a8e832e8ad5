// The current value of every device-model variable: stored ones are the catalog's value buffers (defaults,
// then what was persisted, then what the CSMS set), live ones are asked from the station when read.
import { AttributeEnumType, Tape } from "../ocpp";
import { def, comp } from "../core/catalog";
import { text, tptr, tlen, tstr } from "../util/text";

/** The station's side of live variables (availability, clock, network, certificates, meter). */
export class LiveValues {
  /** The value of live variable `key` (catalog K) of the component at evse/connector, for attribute `attr`. */
  value(key: i32, evse: i32, connector: i32, attr: i32): string { return ""; }
}

export class VariableStore {
  constructor(readonly live: LiveValues) {}

  /** Is the value of variable i's attribute `attr` kept by the device model (not asked from the station)? */
  stored(i: i32, attr: i32): bool { return !def(i).isLive && attr == AttributeEnumType.Actual; }

  private liveValue(i: i32, attr: i32): string {
    const d = def(i), c = comp(d.comp);
    return this.live.value(d.key, c.evse, c.connector, attr);
  }

  /** Variable i's value for attribute `attr` as a string (allocates: not for the wire). */
  read(i: i32, attr: i32 = AttributeEnumType.Actual): string {
    return this.stored(i, attr) ? tstr(def(i).value) : this.liveValue(i, attr);
  }

  /** Writes the value into a tape property: a stored one is borrowed (stays put until the tape is encoded), a
   *  live one copied. */
  put(t: Tape, obj: i32, prop: i32, i: i32, attr: i32): void {
    if (this.stored(i, attr)) t.setBorrowed(obj, prop, tptr(def(i).value), tlen(def(i).value));
    else t.setString(obj, prop, this.liveValue(i, attr));
  }

  /** UTF-8 length of the value. */
  byteLength(i: i32, attr: i32): i32 {
    return this.stored(i, attr) ? tlen(def(i).value) : String.UTF8.byteLength(this.liveValue(i, attr));
  }

  /** Replaces a stored value (already normalized); false if it is longer than its buffer. */
  set(i: i32, value: string): bool {
    const d = def(i);
    const n = String.UTF8.byteLength(value);
    if (n > d.cap) return false;
    const b = String.UTF8.encode(value);
    memory.copy(tptr(d.value), changetype<usize>(b), <usize>n);
    d.value = text(tptr(d.value), n);
    return true;
  }
}
