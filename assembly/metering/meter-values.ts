// MeterValuesRequest outside the transaction queue (J01, F06): clock-aligned samples every
// AlignedDataCtrlr.Interval seconds on the wall clock (context Sample.Clock) and on TriggerMessage
// (context Trigger). Sent live, not queued (C-21: No). While a transaction runs, clock-aligned values go into
// its TransactionEvents instead (J02, via Transactions.onClockAligned).
import { Tape, Action, actionRequestType, MeterValuesRequest, MeterValueType, SampledValueType, UnitOfMeasureType,
  ReadingContextEnumType, MeasurandEnumType, LocationEnumType } from "../ocpp";
import { ChargerHardware } from "../hardware/hardware";
import { MEASURAND_COUNT, MEASURAND_NAMES, MEASURAND_UNITS, M_SOC, M_POWER_FACTOR, M_ENERGY_IMPORT, M_ENERGY_EXPORT, M_POWER_IMPORT,
  M_POWER_OFFERED } from "../hardware/measurands";
import { findEnum } from "../ocpp";
import { formatDateTime } from "../util/datetime";
import { clock_wall_ms } from "../host/abi";
import { EVSE_ID } from "../core/topology";
import { Block } from "../core/block";
import { Context } from "../core/context";
import { Session } from "../core/session";
import { K, intValue } from "../core/catalog";

export class MeterValues extends Block {
  private triggered: bool = false;
  private alignedDue: bool = false;
  private nextAlignedWall: i64 = i64.MAX_VALUE;
  private stamp: usize = heap.alloc(24);

  constructor(private ctx: Context, private hw: ChargerHardware, private session: Session) { super(); }

  /** Re-plans the next clock-aligned instant (AlignedDataCtrlr.Interval s; 0 = off) after a clock or setting
   *  change. */
  plan(): void {
    const intervalS = intValue(K.AlignedInterval);
    if (intervalS <= 0) { this.nextAlignedWall = i64.MAX_VALUE; return; }
    const ms = <i64>intervalS * 1000, wall = clock_wall_ms();
    this.nextAlignedWall = (wall / ms + 1) * ms;
  }

  /** TriggerMessage(MeterValues): the next one is sent with context Trigger (F06). */
  trigger(): void { this.triggered = true; }

  /** A clock-aligned sample on the wall clock goes into the running transaction (J02), else into a
   *  MeterValuesRequest (J01). */
  tick(): void {
    if (this.nextAlignedWall == i64.MAX_VALUE || clock_wall_ms() < this.nextAlignedWall) return;
    this.plan();
    if (!this.session.onClockAligned()) this.alignedDue = true;
  }

  /** The next clock-aligned instant on the station's clock, or i64.MAX_VALUE. */
  nextWakeup(): i64 {
    return this.nextAlignedWall == i64.MAX_VALUE ? i64.MAX_VALUE : this.ctx.now + max<i64>(0, this.nextAlignedWall - clock_wall_ms());
  }

  /** The due MeterValuesRequest into req, or -1: AlignedDataCtrlr.Measurands, for the clock-aligned values (J01)
   *  and the triggered ones alike, of the connector whose cable is in (else connector 1). */
  nextCall(req: Tape): i32 {
    if (!this.triggered && !this.alignedDue) return -1;
    const connector = this.session.connector, set = intValue(K.AlignedMeasurands);
    const context = this.triggered ? ReadingContextEnumType.Trigger : ReadingContextEnumType.Sample_Clock;
    this.triggered = false;
    this.alignedDue = false;
    const root = req.newRoot(actionRequestType(Action.MeterValues));
    req.setInt(root, MeterValuesRequest.evseId, EVSE_ID);
    if (!writeMeterValue(req, root, MeterValuesRequest.meterValue, this.hw, connector > 0 ? connector : 1, set, context, this.stamp)) {
      // No reading at all (meter silent): an Energy register value is still required by the schema.
      req.reset();
      return -1;
    }
    return Action.MeterValues;
  }
}

/** Adds meterValue[0] with one sampledValue per measurand of `set` that has a reading. false if none has. */
export function writeMeterValue(t: Tape, obj: i32, prop: i32, hw: ChargerHardware, connector: i32, set: i32, context: i32,
                                stamp: usize): bool {
  let n = 0;
  for (let i = 0; i < MEASURAND_COUNT; i++) if ((set & (1 << i)) != 0 && !isNaN(hw.measurand(connector, i))) n++;
  if (n == 0) return false;
  const arr = t.newArray(obj, prop, 1);
  const mv = t.arraySetObject(arr, 0);
  formatDateTime(clock_wall_ms(), stamp);
  t.setBytes(mv, MeterValueType.timestamp, stamp, 24);
  const svs = t.newArray(mv, MeterValueType.sampledValue, n);
  let k = 0;
  for (let i = 0; i < MEASURAND_COUNT; i++) {
    if ((set & (1 << i)) == 0) continue;
    const v = hw.measurand(connector, i);
    if (isNaN(v)) continue;
    const sv = t.arraySetObject(svs, k++);
    const whole = i == M_ENERGY_IMPORT || i == M_ENERGY_EXPORT || i == M_POWER_IMPORT || i == M_POWER_OFFERED || i == M_SOC;
    if (whole) t.setDecimal(sv, SampledValueType.value, <i64>Math.round(v), 0);
    else t.setDecimal(sv, SampledValueType.value, <i64>Math.round(v * 10), -1);
    t.setEnum(sv, SampledValueType.context, context);
    const name = String.UTF8.encode(MEASURAND_NAMES[i]);
    t.setEnum(sv, SampledValueType.measurand, findEnum(MeasurandEnumType.TYPE, changetype<usize>(name), name.byteLength));
    if (i == M_SOC) t.setEnum(sv, SampledValueType.location, LocationEnumType.EV);
    if (i != M_POWER_FACTOR) {
      const u = t.newObject(sv, SampledValueType.unitOfMeasure);
      t.setString(u, UnitOfMeasureType.unit, MEASURAND_UNITS[i]);
    }
  }
  return true;
}
