// IEC 61851-1 control pilot: the EV's state read from the CP high-side voltage.
// The ADC line reports millivolts; each nominal level (12, 9, 6, 3, 0, -12 V) owns the band up to
// half-way to its neighbours, so any reading maps to exactly one state and noise near a border is
// absorbed by the debounce. Readings outside every band (above 13.5 V, between -10.5 V and -1.5 V,
// below -13.5 V) are CP_INVALID: a wiring or diode fault.
import { gpio_set } from "../host/abi";
import { HardwareListener } from "./listener";
import { lineOf, CP_PWM } from "./lines";

export const CP_UNKNOWN: i32 = 0;
export const CP_A: i32 = 1;
export const CP_B: i32 = 2;
export const CP_C: i32 = 3;
export const CP_D: i32 = 4;
export const CP_E: i32 = 5;
export const CP_F: i32 = 6;
export const CP_INVALID: i32 = 7;

/** A reading must stay in one band this long before the state changes. */
export const CP_DEBOUNCE_MS: i64 = 50;

/** The raw (undebounced) state of a CP high-side voltage in millivolts. */
export function cpStateOfMillivolts(mv: i32): i32 {
  if (mv > 13500) return CP_INVALID;
  if (mv >= 10500) return CP_A;
  if (mv >= 7500) return CP_B;
  if (mv >= 4500) return CP_C;
  if (mv >= 1500) return CP_D;
  if (mv > -1500) return CP_E;
  if (mv > -10500) return CP_INVALID;
  if (mv >= -13500) return CP_F;
  return CP_INVALID;
}

export function cpEvConnected(s: i32): bool { return s >= CP_B && s <= CP_D; }
export function cpEvReady(s: i32): bool { return s == CP_C || s == CP_D; }
export function cpVentilationRequired(s: i32): bool { return s == CP_D; }
export function cpError(s: i32): bool { return s >= CP_E; }

export class ControlPilot {
  state: i32 = CP_UNKNOWN;
  private candidate: i32 = CP_UNKNOWN;
  private candidateSince: i64 = 0;
  private now: i64 = 0;

  constructor(public connector: i32, private listener: HardwareListener) {}

  /** A new CP voltage reading (millivolts). */
  onLevel(mv: i32): void {
    const s = cpStateOfMillivolts(mv);
    if (s != this.candidate) { this.candidate = s; this.candidateSince = this.now; }
    this.settle();
  }

  tick(now: i64): void { this.now = now; this.settle(); }

  /** When the pending candidate becomes stable; i64.MAX_VALUE if nothing is pending. */
  nextWakeup(): i64 {
    return this.candidate != this.state ? this.candidateSince + CP_DEBOUNCE_MS : i64.MAX_VALUE;
  }

  /** Drives the CP oscillator: duty in 0.1 % (1000 steady +12 V, 50 = 5 % for digital communication, 0 = -12 V). */
  setDuty(permille: i32): i32 {
    return gpio_set(lineOf(this.connector, CP_PWM), permille < 0 ? 0 : permille > 1000 ? 1000 : permille);
  }

  private settle(): void {
    if (this.candidate == this.state || this.now - this.candidateSince < CP_DEBOUNCE_MS) return;
    const prev = this.state;
    this.state = this.candidate;
    this.listener.onCpState(this.connector, this.state, prev);
  }
}
