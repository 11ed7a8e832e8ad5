// The meter data a transaction collects for its Ended event (J01 AlignedDataCtrlr.TxEnded*, TC_J_03_CS; J02
// SampledDataCtrlr.TxEnded*, TC_J_10_CS): clock-aligned samples every TxEndedInterval on the wall clock (context
// Sample.Clock, stamped with the aligned instant) and samples every TxEndedInterval from the start (context
// Sample.Periodic). Each sample is persisted when taken ("tx.1.ended", with the transaction id), so the Ended
// sent after a power cut carries them too. Bounded: at most SAMPLES_MAX; when full, every second sample is
// dropped and from then on only every second due sample is kept, so the whole session stays covered at an even
// (doubled) spacing. What does not fit into one queue entry is thinned the same way when the Ended is written.
import { ByteWriter, ByteReader } from "../util/bytes";
import { kvGet, kvPut, kvDelete } from "../util/kv";
import { logWarn } from "../util/log";
import { ReadingContextEnumType } from "../ocpp";
import { MEASURAND_COUNT, M_ENERGY_IMPORT } from "../hardware/measurands";
import { EventJson, meterValueItemBound } from "./event-json";

const KEY = "tx.1.ended";
const FORMAT: i32 = 1;
export const SAMPLES_MAX: i32 = 32;
/** header (format, id) + SAMPLES_MAX × (stamp, context, set, a value per measurand) */
export const STORE_MAX: i32 = 64 + SAMPLES_MAX * (8 + 1 + 4 + 8 * MEASURAND_COUNT);

/** What is due now (due()). */
export const DUE_NONE: i32 = 0, DUE_CLOCK: i32 = 1, DUE_PERIODIC: i32 = 2;

export class EndedSamples {
  private txId: string = "";
  count: i32 = 0;
  private stamps: StaticArray<i64> = new StaticArray<i64>(SAMPLES_MAX);
  private contexts: StaticArray<i32> = new StaticArray<i32>(SAMPLES_MAX);
  private sets: StaticArray<i32> = new StaticArray<i32>(SAMPLES_MAX);
  private values: StaticArray<f64> = new StaticArray<f64>(SAMPLES_MAX * MEASURAND_COUNT);
  private row: StaticArray<f64> = new StaticArray<f64>(MEASURAND_COUNT);
  // Plans (volatile: a transaction found at boot is ended at once)
  private alignedS: i32 = 0;
  private nextAlignedWall: i64 = i64.MAX_VALUE;
  private sampledS: i32 = 0;
  private startedAt: i64 = 0;
  private nextSampledAt: i64 = i64.MAX_VALUE;     // monotonic
  private keepEvery: i32 = 1;
  private dueClock: i32 = 0;
  private duePeriodic: i32 = 0;
  /** The wall-clock instant of the sample due() reported. */
  dueStamp: i64 = 0;

  /** buf: scratch space of at least STORE_MAX bytes for the persisted form, shared with the caller (only used
   *  within add() and load()). */
  private writer: ByteWriter = new ByteWriter(0, 0);
  constructor(private buf: usize, cap: i32) { assert(cap >= STORE_MAX); }

  /** A new transaction: nothing collected; plans from its start (now monotonic, wall the wall clock). */
  begin(txId: string, now: i64, wall: i64, alignedS: i32, sampledS: i32): void {
    this.txId = txId;
    this.count = 0;
    this.keepEvery = 1;
    this.dueClock = 0; this.duePeriodic = 0;
    this.startedAt = now;
    this.alignedS = -1; this.sampledS = -1;
    this.plan(now, wall, alignedS, sampledS);
  }

  /** Follows changed intervals (SetVariables during the transaction). */
  plan(now: i64, wall: i64, alignedS: i32, sampledS: i32): void {
    if (alignedS != this.alignedS) {
      this.alignedS = alignedS;
      const p = <i64>alignedS * 1000;
      this.nextAlignedWall = alignedS > 0 ? (wall / p + 1) * p : i64.MAX_VALUE;
    }
    if (sampledS != this.sampledS) {
      this.sampledS = sampledS;
      const p = <i64>sampledS * 1000;
      this.nextSampledAt = sampledS > 0 ? this.startedAt + (max<i64>(now - this.startedAt, 0) / p + 1) * p : i64.MAX_VALUE;
    }
  }

  /** No more samples (the transaction ended). */
  stop(): void { this.nextAlignedWall = i64.MAX_VALUE; this.nextSampledAt = i64.MAX_VALUE; }

  /** Which sample is due now, if any (one per call), with its instant in dueStamp; false (DUE_NONE) otherwise.
   *  A sample the thinning leaves out is skipped here. */
  due(now: i64, wall: i64): i32 {
    if (wall >= this.nextAlignedWall) {
      const p = <i64>this.alignedS * 1000;
      this.dueStamp = this.nextAlignedWall;
      this.nextAlignedWall = (wall / p + 1) * p;
      if (this.dueClock++ % this.keepEvery == 0) return DUE_CLOCK;
    }
    if (now >= this.nextSampledAt) {
      const p = <i64>this.sampledS * 1000;
      this.dueStamp = wall - (now - this.nextSampledAt);
      this.nextSampledAt = max(this.nextSampledAt + p, now + 1);
      if (this.duePeriodic++ % this.keepEvery == 0) return DUE_PERIODIC;
    }
    return DUE_NONE;
  }

  /** The next instant on the monotonic clock at which due() may report a sample. */
  nextWakeup(now: i64, wall: i64): i64 {
    const aligned = this.nextAlignedWall == i64.MAX_VALUE ? i64.MAX_VALUE : now + max<i64>(0, this.nextAlignedWall - wall);
    return min(aligned, this.nextSampledAt);
  }

  /** Records one sample (the measurands of `set` that have a reading) and persists the collection. */
  add(stamp: i64, due: i32, set: i32, values: StaticArray<f64>): void {
    if (this.count == SAMPLES_MAX) this.halve();
    const k = this.count++;
    this.stamps[k] = stamp;
    this.contexts[k] = due == DUE_CLOCK ? ReadingContextEnumType.Sample_Clock : ReadingContextEnumType.Sample_Periodic;
    let has = 0;
    for (let i = 0; i < MEASURAND_COUNT; i++) {
      const v = (set & (1 << i)) != 0 ? values[i] : NaN;
      this.values[k * MEASURAND_COUNT + i] = v;
      if (!isNaN(v)) has |= 1 << i;
    }
    this.sets[k] = has;
    if (has == 0) { this.count--; return; }
    this.save();
  }

  /** How many samples fit into `room` bytes of the Ended event (0: none, or nothing collected). */
  fitting(room: i32): i32 {
    let bound = 0;
    for (let k = 0; k < this.count; k++) bound = max(bound, meterValueItemBound(this.sets[k]));
    return bound > 0 && room > 0 ? min(this.count, room / bound) : 0;
  }

  /** Writes the collected samples as elements of an open meterValue array, within `room` bytes: every k-th
   *  sample when they do not all fit. Writes at least one when fitting(room) > 0. */
  write(j: EventJson, room: i32): void {
    const fit = this.fitting(room);
    if (fit <= 0) { if (this.count > 0) logWarn("ended samples: no room in the Ended event"); return; }
    const stride = (this.count + fit - 1) / fit;
    if (stride > 1) logWarn("ended samples: " + this.count.toString() + " thinned to one in " + stride.toString() + " to fit the Ended event");
    // The newest sample is always among those written.
    for (let k = (this.count - 1) % stride; k < this.count; k += stride) {
      for (let i = 0; i < MEASURAND_COUNT; i++) this.row[i] = this.values[k * MEASURAND_COUNT + i];
      j.meterValueItem(this.stamps[k], this.sets[k], this.contexts[k], this.row);
    }
  }

  /** At boot: the samples persisted for transaction txId (anything else is stale and dropped). */
  load(txId: string): void {
    this.count = 0;
    this.txId = txId;
    const n = kvGet(KEY, this.buf, STORE_MAX);
    if (n <= 0 || n > STORE_MAX) return;
    const r = new ByteReader(this.buf, n);
    if (r.u8() != FORMAT || r.str() != txId) return;
    const count = r.u8();
    for (let k = 0; k < count && k < SAMPLES_MAX && !r.bad; k++) {
      this.stamps[k] = r.i64();
      this.contexts[k] = r.u8();
      const set = r.i32();
      this.sets[k] = set;
      for (let i = 0; i < MEASURAND_COUNT; i++) {
        this.values[k * MEASURAND_COUNT + i] = (set & (1 << i)) != 0 ? reinterpret<f64>(r.i64()) : NaN;
      }
      if (!r.bad) this.count = k + 1;
    }
  }

  /** The highest energy register value collected (NaN: none): the PowerLoss end may not report less. */
  highestEnergyWh(): f64 {
    let e = NaN;
    for (let k = 0; k < this.count; k++) {
      const v = this.values[k * MEASURAND_COUNT + M_ENERGY_IMPORT];
      if (!isNaN(v) && (isNaN(e) || v > e)) e = v;
    }
    return e;
  }

  /** The Ended event is queued: the collection is no longer needed. */
  clear(): void {
    this.count = 0;
    this.stop();
    kvDelete(KEY);
  }

  private halve(): void {
    let n = 0;
    for (let k = 0; k < this.count; k += 2) {
      this.stamps[n] = this.stamps[k]; this.contexts[n] = this.contexts[k]; this.sets[n] = this.sets[k];
      for (let i = 0; i < MEASURAND_COUNT; i++) this.values[n * MEASURAND_COUNT + i] = this.values[k * MEASURAND_COUNT + i];
      n++;
    }
    this.count = n;
    this.keepEvery *= 2;
    logWarn("ended samples: full, keeping one due sample in " + this.keepEvery.toString() + " from now on");
  }

  private save(): void {
    const w = this.writer.reset(this.buf, STORE_MAX);
    w.u8(FORMAT);
    w.str(this.txId);
    w.u8(this.count);
    for (let k = 0; k < this.count; k++) {
      const set = this.sets[k];
      w.i64(this.stamps[k]);
      w.u8(this.contexts[k]);
      w.i32(set);
      for (let i = 0; i < MEASURAND_COUNT; i++) if ((set & (1 << i)) != 0) w.i64(reinterpret<i64>(this.values[k * MEASURAND_COUNT + i]));
    }
    if (w.overflow || kvPut(KEY, this.buf, w.pos) < 0) logWarn("ended samples: not persisted");
  }
}
