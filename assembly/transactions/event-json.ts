// Writes TransactionEvent / MeterValues request payloads as JSON straight from station state (no tape):
// what is persisted is exactly what will be sent. Sending decodes the JSON again with the validating
// decoder (decodeVerbatim), so a malformed event would be caught there, never sent; the bytes it accepted are
// sent as they are (not encoded again from the tape).
import { JsonWriter, enumValuePtr, enumValueLen, ReadingContextEnumType } from "../ocpp";
import { formatDateTime } from "../util/datetime";
import { MEASURAND_NAMES, MEASURAND_UNITS, MEASURAND_COUNT, M_SOC, M_POWER_FACTOR, M_ENERGY_IMPORT, M_ENERGY_EXPORT, M_POWER_IMPORT,
  M_POWER_OFFERED } from "../hardware/measurands";

export class EventJson {
  readonly w: JsonWriter;
  first: bool = true;
  private items: i32 = 0;
  private stamp: usize = heap.alloc(24);

  /** buf: memory to write into (0: the writer's own, allocated). */
  constructor(capacity: i32, buf: usize = 0) { this.w = new JsonWriter(capacity, buf); }

  begin(): void { this.w.reset(); this.w.byte(0x7b); this.first = true; }
  end(): void { this.w.byte(0x7d); }

  key(name: string): void {
    if (!this.first) this.w.byte(0x2c);
    this.first = false;
    this.w.string(name);
    this.w.byte(0x3a);
  }

  enumField(name: string, type: i32, idx: i32): void {
    this.key(name);
    this.w.stringBytes(enumValuePtr(type, idx), enumValueLen(type, idx));
  }
  intField(name: string, v: i64): void { this.key(name); this.w.int(v); }
  boolField(name: string, v: bool): void { this.key(name); this.w.raw(v ? "true" : "false"); }
  strField(name: string, v: string): void { this.key(name); this.w.string(v); }
  timeField(name: string, epochMs: i64): void {
    this.key(name);
    formatDateTime(epochMs, this.stamp);
    this.w.stringBytes(this.stamp, 24);
  }

  /** Opens a nested object value for `name`; close with closeObject(). */
  openObject(name: string): void { this.key(name); this.w.byte(0x7b); this.first = true; }
  closeObject(): void { this.w.byte(0x7d); this.first = false; }

  /** "meterValue":[{timestamp, sampledValue:[...]}] with the measurands in `set` (bit i = M_* i) that have a
   *  reading; nothing is written when none has. read(i) returns NaN for "no reading". */
  meterValue(name: string, epochMs: i64, set: i32, context: i32, values: StaticArray<f64>): bool {
    if (!hasReading(set, values)) return false;
    this.openArray(name);
    this.meterValueItem(epochMs, set, context, values);
    this.closeArray();
    return true;
  }

  /** Opens "name":[ for meterValueItem() elements; close with closeArray(). */
  openArray(name: string): void { this.key(name); this.w.byte(0x5b); this.items = 0; }
  closeArray(): void { this.w.byte(0x5d); this.first = false; }

  /** One MeterValueType element of an open array: {timestamp, sampledValue:[...]} with the measurands of `set`
   *  that have a reading, all with `context`. false (nothing written) when none has. */
  meterValueItem(epochMs: i64, set: i32, context: i32, values: StaticArray<f64>): bool {
    if (!hasReading(set, values)) return false;
    if (this.items++ > 0) this.w.byte(0x2c);
    this.w.byte(0x7b);
    this.first = true;
    this.timeField("timestamp", epochMs);
    this.key("sampledValue");
    this.w.byte(0x5b);
    let n = 0;
    for (let i = 0; i < MEASURAND_COUNT; i++) {
      if ((set & (1 << i)) == 0 || isNaN(values[i])) continue;
      if (n++ > 0) this.w.byte(0x2c);
      this.w.byte(0x7b);
      this.first = true;
      this.key("value");
      writeNumber(this.w, values[i], i);
      this.enumField("context", ReadingContextEnumType.TYPE, context);
      this.strField("measurand", MEASURAND_NAMES[i]);
      if (i == M_SOC) this.strField("location", "EV");
      if (i != M_POWER_FACTOR) {
        this.openObject("unitOfMeasure");
        this.strField("unit", MEASURAND_UNITS[i]);
        this.closeObject();
      }
      this.w.byte(0x7d);
    }
    this.w.raw("]}");
    this.first = false;
    return true;
  }

  /** Bytes left before the writer overflows. */
  room(): i32 { return this.w.capacity() - this.w.len(); }
}

/** At most this many bytes for one meterValueItem() of `set`: the element's frame (60), and per measurand the
 *  separators and keys with the longest value (20) and context (18) (80), its name, location and unit. */
export function meterValueItemBound(set: i32): i32 {
  let n = 60;
  for (let i = 0; i < MEASURAND_COUNT; i++) {
    if ((set & (1 << i)) == 0) continue;
    n += 80 + MEASURAND_NAMES[i].length + (i == M_SOC ? 16 : 0);
    if (MEASURAND_UNITS[i].length > 0) n += 28 + MEASURAND_UNITS[i].length;
  }
  return n;
}

export function hasReading(set: i32, values: StaticArray<f64>): bool {
  for (let i = 0; i < MEASURAND_COUNT; i++) if ((set & (1 << i)) != 0 && !isNaN(values[i])) return true;
  return false;
}

/** Energy and power as whole numbers, the rest with one decimal. */
function writeNumber(w: JsonWriter, v: f64, id: i32): void {
  const whole = id == M_ENERGY_IMPORT || id == M_ENERGY_EXPORT || id == M_POWER_IMPORT || id == M_POWER_OFFERED;
  if (whole) { w.int(<i64>Math.round(v)); return; }
  if (id == M_SOC) { w.int(<i64>Math.round(v)); return; }
  w.decimal(<i64>Math.round(v * 10), -1);
}
