// The DC energy meter on the charger CAN bus: polled every METER_POLL_MS, it answers with a values
// frame (voltage, current, power) and an energy frame (import/export registers). No answer for
// METER_TIMEOUT_MS is a meter fault. The registers reported upward are EnergyRegister-monotonic.
import { can_send } from "../host/abi";
import { HardwareListener } from "./listener";
import { EnergyRegister } from "./energy-register";
import { canId, canSrc, canFn, getU16, getI16, getU32, ADDR_CONTROLLER, ADDR_METER, FN_METER_QUERY, FN_METER_VALUES,
  FN_METER_ENERGY, CAN_FLAG_EXT } from "./can-ids";

export const METER_POLL_MS: i64 = 1000;
export const METER_TIMEOUT_MS: i64 = 3000;

export class DcMeter {
  voltageDv: i32 = 0;
  /** Signed: positive into the EV. */
  currentDa: i32 = 0;
  powerW: i32 = 0;
  faulted: bool = false;
  /** Energy frames received since start (0: registers not yet read from this meter). */
  energyFrames: i32 = 0;
  readonly importReg: EnergyRegister = new EnergyRegister("hw.meter.import");
  readonly exportReg: EnergyRegister = new EnergyRegister("hw.meter.export");
  private lastHeard: i64 = 0;
  private nextPoll: i64 = 0;
  private started: bool = false;
  private now: i64 = 0;
  private tx: StaticArray<u8> = new StaticArray<u8>(8);

  constructor(public bus: i32, private listener: HardwareListener) {}

  /** Restores the persisted register floors; call once at start-up. */
  load(now: i64): void { this.importReg.load(now); this.exportReg.load(now); }

  onFrame(id: u32, ptr: usize, len: i32): bool {
    if (canSrc(id) != ADDR_METER) return false;
    const fn = canFn(id);
    if (fn == FN_METER_VALUES && len >= 8) {
      const v = getU16(ptr), i = getI16(ptr + 2), p = <i32>getU32(ptr + 4);
      this.voltageDv = v; this.currentDa = i; this.powerW = p;
      this.heard();
    } else if (fn == FN_METER_ENERGY && len >= 8) {
      this.importReg.update(<i64>getU32(ptr), this.now);
      this.exportReg.update(<i64>getU32(ptr + 4), this.now);
      this.energyFrames++;
      this.heard();
    }
    return fn == FN_METER_VALUES || fn == FN_METER_ENERGY;
  }

  tick(now: i64): void {
    this.now = now;
    if (!this.started) { this.started = true; this.lastHeard = now; this.nextPoll = now; }
    if (now >= this.nextPoll) {
      this.nextPoll = now + METER_POLL_MS;
      can_send(this.bus, canId(FN_METER_QUERY, ADDR_METER, ADDR_CONTROLLER), CAN_FLAG_EXT, changetype<usize>(this.tx), 0);
    }
    if (!this.faulted && now - this.lastHeard >= METER_TIMEOUT_MS) { this.faulted = true; this.listener.onMeterFault(true); }
    this.importReg.tick(now);
    this.exportReg.tick(now);
  }

  nextWakeup(): i64 {
    if (!this.started) return 0;
    let t = min(this.nextPoll, min(this.importReg.nextWakeup(), this.exportReg.nextWakeup()));
    if (!this.faulted) t = min(t, this.lastHeard + METER_TIMEOUT_MS);
    return t;
  }

  /** Reads the meter at the next tick (a reading taken from now on). */
  pollSoon(now: i64): void { if (this.nextPoll > now) this.nextPoll = now; }

  /** Persists both registers now. 0 ok, < 0 kv error. */
  flush(): i32 { const a = this.importReg.flush(this.now); const b = this.exportReg.flush(this.now); return a < 0 ? a : b; }

  private heard(): void {
    this.lastHeard = this.now;
    if (this.faulted) { this.faulted = false; this.listener.onMeterFault(false); }
  }
}
