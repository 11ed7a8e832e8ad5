// What the drivers report. One listener for all of them so the station wires a single object;
// every method has a no-op default so a user overrides only what it needs.

/** Which supervised output a fault is about. */
export const OUTPUT_CONTACTOR: i32 = 0;
export const OUTPUT_LOCK: i32 = 1;

export class HardwareListener {
  /** A debounced control-pilot state change (CP_* in control-pilot.ts). */
  onCpState(connector: i32, state: i32, previous: i32): void {}
  /** A contactor or lock did not follow its command within the time-out (faulted), or follows again. */
  onOutputFault(connector: i32, output: i32, faulted: bool): void {}
  /** One card presentation: UID as upper-case hex (8, 14 or 20 digits), an idToken of type ISO14443. */
  onCardPresented(uidHex: string): void {}
  /** The RFID reader stopped answering (after retries and a re-initialisation) or answers again. */
  onReaderFault(faulted: bool): void {}
  /** Power module fault bits changed (MODULE_FAULT_* in power-module.ts; 0 = healthy). */
  onModuleFault(faultBits: i32): void {}
  /** The EV stopped requesting energy (timeout false) or its demand frames stopped arriving (timeout true). */
  onEvStopRequest(connector: i32, timeout: bool): void {}
  /** The DC meter stopped answering (faulted) or answers again. */
  onMeterFault(faulted: bool): void {}
}
