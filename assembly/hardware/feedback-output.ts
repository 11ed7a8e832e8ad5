// An output whose real position is read back (contactor auxiliary contact, lock switch). A mismatch
// between command and feedback that lasts longer than the time-out is a fault: a contactor that
// does not close, a welded one that does not open, or one that drops out on its own.
import { gpio_set } from "../host/abi";
import { HardwareListener } from "./listener";

export const CONTACTOR_TIMEOUT_MS: i64 = 200;
export const LOCK_TIMEOUT_MS: i64 = 1000;

export class FeedbackOutput {
  commanded: bool = false;
  feedback: bool = false;
  faulted: bool = false;
  private mismatchSince: i64 = 0;
  private now: i64 = 0;

  /** outLine < 0: the device is absent (commands succeed, never faults).
   *  fbLine < 0: no feedback wired (the output is trusted to follow). */
  constructor(public connector: i32, public output: i32, public outLine: i32, public fbLine: i32,
              public timeoutMs: i64, private listener: HardwareListener) {}

  get present(): bool { return this.outLine >= 0; }

  /** Closes (true) or opens the output. Returns the gpio_set result (0 ok). */
  command(on: bool): i32 {
    if (!this.present) { this.commanded = on; this.feedback = on; return 0; }
    if (on != this.commanded) { this.commanded = on; this.mismatchSince = this.now; }
    if (this.fbLine < 0) this.feedback = on;
    return gpio_set(this.outLine, on ? 1 : 0);
  }

  /** True once the feedback confirms the command (what the station waits for before energising). */
  get settled(): bool { return this.feedback == this.commanded && !this.faulted; }

  onFeedback(level: i32): void {
    const fb = level != 0;
    if (fb == this.feedback) return;
    this.feedback = fb;
    if (fb != this.commanded) this.mismatchSince = this.now;
    this.check();
  }

  tick(now: i64): void { this.now = now; this.check(); }

  nextWakeup(): i64 {
    return this.feedback != this.commanded && !this.faulted ? this.mismatchSince + this.timeoutMs : i64.MAX_VALUE;
  }

  private check(): void {
    const bad = this.feedback != this.commanded && this.now - this.mismatchSince >= this.timeoutMs;
    // A fault clears only when command and feedback agree again.
    const f = this.faulted ? this.feedback != this.commanded : bad;
    if (f == this.faulted) return;
    this.faulted = f;
    this.listener.onOutputFault(this.connector, this.output, f);
  }
}
