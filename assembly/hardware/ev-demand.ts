// What the EV asks for, as relayed by the connector's EV communication controller (the ISO 15118 / DIN
// 70121 / Tesla stack runs there). Frames come every ~100 ms; none for EV_DEMAND_TIMEOUT_MS means
// the demand is stale and is treated as "stop requesting energy". Out-of-range frames are dropped.
import { HardwareListener } from "./listener";
import { getU16 } from "./can-ids";

export const EV_DEMAND_TIMEOUT_MS: i64 = 1000;
export const EV_FLAG_REQUESTING: i32 = 0x01;   // energy transfer requested; 0 = stop
export const EV_FLAG_PRECHARGE: i32 = 0x02;    // cable check / pre-charge: match voltage, no current
export const EV_SOC_UNKNOWN: i32 = 0xff;

export class EvDemand {
  targetVoltageDv: i32 = 0;
  targetCurrentDa: i32 = 0;
  /** State of charge in %, -1 unknown. */
  soc: i32 = -1;
  flags: i32 = 0;
  valid: bool = false;
  private lastHeard: i64 = 0;
  private now: i64 = 0;

  constructor(public connector: i32, private listener: HardwareListener) {}

  get requesting(): bool { return this.valid && (this.flags & EV_FLAG_REQUESTING) != 0; }

  onFrame(ptr: usize, len: i32): void {
    if (len < 6) return;
    const v = getU16(ptr), i = getU16(ptr + 2), soc = <i32>load<u8>(ptr + 4), flags = <i32>load<u8>(ptr + 5);
    if (v > 10000 || i > 5000 || (soc > 100 && soc != EV_SOC_UNKNOWN)) return;
    const was = this.requesting;
    this.targetVoltageDv = v;
    this.targetCurrentDa = i;
    this.soc = soc == EV_SOC_UNKNOWN ? -1 : soc;
    this.flags = flags;
    this.valid = true;
    this.lastHeard = this.now;
    if (was && !this.requesting) this.listener.onEvStopRequest(this.connector, false);
  }

  tick(now: i64): void {
    this.now = now;
    if (!this.valid || now - this.lastHeard < EV_DEMAND_TIMEOUT_MS) return;
    const was = this.requesting;
    this.valid = false;
    this.targetCurrentDa = 0;
    if (was) this.listener.onEvStopRequest(this.connector, true);
  }

  nextWakeup(): i64 { return this.valid ? this.lastHeard + EV_DEMAND_TIMEOUT_MS : i64.MAX_VALUE; }
}
