// The DC power module: set-point (0.1 V, 0.1 A, on/off) sent on every change and re-sent with each
// poll so a module that restarted picks it up again; the status frame that answers each poll carries
// the measured output and fault bits. No status for MODULE_TIMEOUT_MS is MODULE_FAULT_SILENT.
import { can_send } from "../host/abi";
import { HardwareListener } from "./listener";
import { canId, canSrc, canFn, getU16, putU16, ADDR_CONTROLLER, FN_MODULE_SET, FN_MODULE_QUERY, FN_MODULE_STATUS,
  CAN_FLAG_EXT } from "./can-ids";

export const MODULE_POLL_MS: i64 = 250;
export const MODULE_TIMEOUT_MS: i64 = 1000;

// Fault bits (status frame bytes 5–6), plus the driver's own time-out bit.
export const MODULE_FAULT_OVERVOLTAGE: i32 = 0x0001;
export const MODULE_FAULT_OVERCURRENT: i32 = 0x0002;
export const MODULE_FAULT_OVERTEMPERATURE: i32 = 0x0004;
export const MODULE_FAULT_INPUT: i32 = 0x0008;
export const MODULE_FAULT_SHORT_CIRCUIT: i32 = 0x0010;
export const MODULE_FAULT_INTERNAL: i32 = 0x0020;
export const MODULE_FAULT_SILENT: i32 = 0x10000;

export const MODULE_STATUS_ON: i32 = 0x01;
export const MODULE_STATUS_CURRENT_LIMIT: i32 = 0x02;

/** Upper bounds of what the module can be asked for (0.1 V / 0.1 A). */
export const MODULE_MAX_VOLTAGE_DV: i32 = 10000;
export const MODULE_MAX_CURRENT_DA: i32 = 5000;

export class PowerModule {
  setVoltageDv: i32 = 0;
  setCurrentDa: i32 = 0;
  setOn: bool = false;
  voltageDv: i32 = 0;
  currentDa: i32 = 0;
  status: i32 = 0;
  temperatureC: i32 = 0;
  faults: i32 = 0;
  private lastHeard: i64 = 0;
  private nextPoll: i64 = 0;
  private started: bool = false;
  private now: i64 = 0;
  private tx: StaticArray<u8> = new StaticArray<u8>(8);

  constructor(public bus: i32, public address: u32, private listener: HardwareListener) {}

  /** Commands the output; values are clamped to the module's range. Returns the can_send result. */
  setOutput(voltageDv: i32, currentDa: i32, on: bool): i32 {
    this.setVoltageDv = voltageDv < 0 ? 0 : min(voltageDv, MODULE_MAX_VOLTAGE_DV);
    this.setCurrentDa = currentDa < 0 ? 0 : min(currentDa, MODULE_MAX_CURRENT_DA);
    this.setOn = on;
    return this.sendSetpoint();
  }

  get healthy(): bool { return this.faults == 0; }

  /** A frame from the module (already checked: extended id addressed to us). */
  onFrame(id: u32, ptr: usize, len: i32): bool {
    if (canSrc(id) != this.address || canFn(id) != FN_MODULE_STATUS) return false;
    if (len < 7) return true;   // truncated: ignored, the time-out catches a module that only sends these
    this.voltageDv = getU16(ptr);
    this.currentDa = getU16(ptr + 2);
    this.status = <i32>load<u8>(ptr + 4);
    this.temperatureC = len >= 8 ? <i32>load<u8>(ptr + 7) - 40 : 0;
    this.lastHeard = this.now;
    this.setFaults(getU16(ptr + 5) & 0xffff);
    return true;
  }

  tick(now: i64): void {
    this.now = now;
    if (!this.started) { this.started = true; this.lastHeard = now; this.nextPoll = now; }
    if (now >= this.nextPoll) {
      this.nextPoll = now + MODULE_POLL_MS;
      this.sendSetpoint();
      can_send(this.bus, canId(FN_MODULE_QUERY, this.address, ADDR_CONTROLLER), CAN_FLAG_EXT, changetype<usize>(this.tx), 0);
    }
    if (now - this.lastHeard >= MODULE_TIMEOUT_MS && (this.faults & MODULE_FAULT_SILENT) == 0) {
      this.setFaults(this.faults | MODULE_FAULT_SILENT);
    }
  }

  nextWakeup(): i64 {
    const silentAt = (this.faults & MODULE_FAULT_SILENT) == 0 ? this.lastHeard + MODULE_TIMEOUT_MS : i64.MAX_VALUE;
    return this.started ? min(this.nextPoll, silentAt) : 0;
  }

  private setFaults(f: i32): void {
    if (f == this.faults) return;
    this.faults = f;
    this.listener.onModuleFault(f);
  }

  private sendSetpoint(): i32 {
    const p = changetype<usize>(this.tx);
    putU16(p, this.setVoltageDv);
    putU16(p + 2, this.setCurrentDa);
    store<u8>(p + 4, this.setOn ? 1 : 0);
    store<u8>(p + 5, 0); store<u8>(p + 6, 0); store<u8>(p + 7, 0);
    return can_send(this.bus, canId(FN_MODULE_SET, this.address, ADDR_CONTROLLER), CAN_FLAG_EXT, p, 8);
  }
}
