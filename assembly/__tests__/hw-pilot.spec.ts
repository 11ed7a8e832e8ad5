// Control pilot (IEC 61851-1 states, debounce) and supervised outputs (contactor/lock feedback).
import {
  cpStateOfMillivolts, ControlPilot, CP_UNKNOWN, CP_A, CP_B, CP_C, CP_D, CP_E, CP_F, CP_INVALID, CP_DEBOUNCE_MS,
  cpEvConnected, cpEvReady, cpVentilationRequired, cpError,
} from "../hardware/control-pilot";
import { FeedbackOutput, CONTACTOR_TIMEOUT_MS } from "../hardware/feedback-output";
import { HardwareListener, OUTPUT_CONTACTOR, OUTPUT_LOCK } from "../hardware/listener";
import { ChargerHardware, HardwareConfig } from "../hardware/hardware";
import { lineOf, CP_SENSE, CP_PWM, CONTACTOR_OUT, CONTACTOR_FB, LOCK_OUT, LOCK_FB } from "../hardware/lines";

@external("env", "test_hw_count") declare function test_hw_count(): i32;
@external("env", "test_hw_clear") declare function test_hw_clear(): void;
@external("env", "test_hw_field") declare function test_hw_field(i: i32, which: i32): i32;

class Rec extends HardwareListener {
  cpEvents: i32 = 0;
  lastConnector: i32 = 0;
  lastState: i32 = 0;
  lastPrev: i32 = 0;
  faults: i32 = 0;
  faultOutput: i32 = -1;
  faulted: bool = false;
  onCpState(connector: i32, state: i32, previous: i32): void {
    this.cpEvents++; this.lastConnector = connector; this.lastState = state; this.lastPrev = previous;
  }
  onOutputFault(connector: i32, output: i32, faulted: bool): void {
    this.faults++; this.faultOutput = output; this.faulted = faulted; this.lastConnector = connector;
  }
}

/** The last gpio_set as (line, level); -1 if none. */
function lastGpio(which: i32): i32 {
  for (let i = test_hw_count() - 1; i >= 0; i--) if (test_hw_field(i, 0) == 2) return test_hw_field(i, which == 0 ? 1 : 3);
  return -1;
}

describe("hw control pilot", () => {
  it("maps voltages to IEC 61851-1 states with tolerance bands", () => {
    expect(cpStateOfMillivolts(12000)).toBe(CP_A);
    expect(cpStateOfMillivolts(11000)).toBe(CP_A);
    expect(cpStateOfMillivolts(13500)).toBe(CP_A);
    expect(cpStateOfMillivolts(13501)).toBe(CP_INVALID);
    expect(cpStateOfMillivolts(9000)).toBe(CP_B);
    expect(cpStateOfMillivolts(10499)).toBe(CP_B);
    expect(cpStateOfMillivolts(6000)).toBe(CP_C);
    expect(cpStateOfMillivolts(3000)).toBe(CP_D);
    expect(cpStateOfMillivolts(0)).toBe(CP_E);
    expect(cpStateOfMillivolts(-1000)).toBe(CP_E);
    expect(cpStateOfMillivolts(-6000)).toBe(CP_INVALID);
    expect(cpStateOfMillivolts(-12000)).toBe(CP_F);
    expect(cpStateOfMillivolts(-14000)).toBe(CP_INVALID);
    expect(cpStateOfMillivolts(i32.MAX_VALUE)).toBe(CP_INVALID);
    expect(cpStateOfMillivolts(i32.MIN_VALUE)).toBe(CP_INVALID);
  });

  it("classifies states", () => {
    expect(cpEvConnected(CP_A)).toBe(false);
    expect(cpEvConnected(CP_B)).toBe(true);
    expect(cpEvReady(CP_B)).toBe(false);
    expect(cpEvReady(CP_C)).toBe(true);
    expect(cpEvReady(CP_D)).toBe(true);
    expect(cpVentilationRequired(CP_D)).toBe(true);
    expect(cpVentilationRequired(CP_C)).toBe(false);
    expect(cpError(CP_E)).toBe(true);
    expect(cpError(CP_F)).toBe(true);
    expect(cpError(CP_INVALID)).toBe(true);
    expect(cpError(CP_D)).toBe(false);
  });

  it("reports a state only after it was stable for the debounce time", () => {
    const r = new Rec();
    const cp = new ControlPilot(1, r);
    cp.tick(1000);
    cp.onLevel(12000);
    expect(r.cpEvents).toBe(0);
    expect(cp.nextWakeup()).toBe(1000 + CP_DEBOUNCE_MS);
    cp.tick(1049);
    expect(r.cpEvents).toBe(0);
    cp.tick(1050);
    expect(r.cpEvents).toBe(1);
    expect(r.lastState).toBe(CP_A);
    expect(r.lastPrev).toBe(CP_UNKNOWN);
    expect(cp.nextWakeup()).toBe(i64.MAX_VALUE);
    // A glitch shorter than the debounce is ignored.
    cp.tick(2000);
    cp.onLevel(9000);
    cp.tick(2030);
    cp.onLevel(12100);
    cp.tick(2200);
    expect(r.cpEvents).toBe(1);
    // B, then C, each after 50 ms of stability; noise inside the band does not restart the timer.
    cp.onLevel(9000);
    cp.tick(2230);
    cp.onLevel(9400);
    cp.tick(2250);
    expect(r.lastState).toBe(CP_B);
    expect(r.lastPrev).toBe(CP_A);
    cp.onLevel(6000);
    cp.tick(2300);
    expect(r.lastState).toBe(CP_C);
    expect(r.cpEvents).toBe(3);
    cp.onLevel(-12000);
    cp.tick(2350);
    expect(r.lastState).toBe(CP_F);
  });

  it("drives the PWM line with a clamped duty", () => {
    const r = new Rec();
    const cp = new ControlPilot(2, r);
    test_hw_clear();
    cp.setDuty(50);
    expect(lastGpio(0)).toBe(lineOf(2, CP_PWM));
    expect(lastGpio(1)).toBe(50);
    cp.setDuty(5000);
    expect(lastGpio(1)).toBe(1000);
    cp.setDuty(-3);
    expect(lastGpio(1)).toBe(0);
  });
});

describe("hw supervised outputs", () => {
  it("faults a contactor that does not close within the time-out", () => {
    const r = new Rec();
    const k = new FeedbackOutput(1, OUTPUT_CONTACTOR, 12, 13, CONTACTOR_TIMEOUT_MS, r);
    k.tick(0);
    test_hw_clear();
    k.command(true);
    expect(lastGpio(0)).toBe(12);
    expect(lastGpio(1)).toBe(1);
    expect(k.settled).toBe(false);
    expect(k.nextWakeup()).toBe(CONTACTOR_TIMEOUT_MS);
    k.tick(199);
    expect(r.faults).toBe(0);
    k.tick(200);
    expect(r.faults).toBe(1);
    expect(r.faulted).toBe(true);
    expect(r.faultOutput).toBe(OUTPUT_CONTACTOR);
    // The auxiliary contact finally closes: the fault clears.
    k.onFeedback(1);
    expect(r.faults).toBe(2);
    expect(r.faulted).toBe(false);
    expect(k.settled).toBe(true);
  });

  it("accepts feedback within the time-out and detects a welded or dropping contactor", () => {
    const r = new Rec();
    const k = new FeedbackOutput(1, OUTPUT_CONTACTOR, 12, 13, CONTACTOR_TIMEOUT_MS, r);
    k.tick(0);
    k.command(true);
    k.tick(30);
    k.onFeedback(1);
    k.tick(1000);
    expect(r.faults).toBe(0);
    expect(k.settled).toBe(true);
    // Drops out on its own.
    k.onFeedback(0);
    k.tick(1199);
    expect(r.faults).toBe(0);
    k.tick(1200);
    expect(r.faults).toBe(1);
    k.onFeedback(1);
    expect(r.faulted).toBe(false);
    // Welded: commanded open, stays closed.
    k.tick(2000);
    k.command(false);
    k.tick(2300);
    expect(r.faulted).toBe(true);
    expect(k.settled).toBe(false);
  });

  it("trusts an output without feedback and ignores an absent one", () => {
    const r = new Rec();
    const noFb = new FeedbackOutput(1, OUTPUT_LOCK, 14, -1, 1000, r);
    noFb.tick(0);
    noFb.command(true);
    noFb.tick(5000);
    expect(noFb.settled).toBe(true);
    const absent = new FeedbackOutput(1, OUTPUT_LOCK, -1, -1, 1000, r);
    test_hw_clear();
    expect(absent.command(true)).toBe(0);
    expect(test_hw_count()).toBe(0);
    absent.tick(9000);
    expect(absent.settled).toBe(true);
    expect(r.faults).toBe(0);
  });
});

describe("hw gpio routing", () => {
  it("routes CP and feedback lines per connector; the lock is configurable", () => {
    const r = new Rec();
    const hw = new ChargerHardware(r);
    hw.tick(0);
    expect(hw.onGpio(lineOf(2, CP_SENSE), 6000)).toBe(true);
    hw.tick(60);
    expect(r.lastConnector).toBe(2);
    expect(r.lastState).toBe(CP_C);
    expect(hw.onGpio(lineOf(1, CONTACTOR_FB), 1)).toBe(true);
    expect(hw.onGpio(lineOf(1, LOCK_FB), 1)).toBe(false);   // no lock on a fixed cable by default
    expect(hw.onGpio(99, 1)).toBe(false);
    expect(hw.onGpio(-5, 1)).toBe(false);
    expect(hw.onGpio(lineOf(1, 9), 1)).toBe(false);

    const cfg = new HardwareConfig();
    cfg.lockPresent = true;
    const r2 = new Rec();
    const hw2 = new ChargerHardware(r2, cfg);
    hw2.tick(0);
    test_hw_clear();
    hw2.lock[0].command(true);
    expect(lastGpio(0)).toBe(lineOf(1, LOCK_OUT));
    expect(hw2.onGpio(lineOf(1, LOCK_FB), 1)).toBe(true);
    expect(hw2.lock[0].settled).toBe(true);
    hw2.contactor[1].command(true);
    hw2.tick(300);
    expect(r2.faults).toBe(1);
    expect(r2.lastConnector).toBe(2);
    expect(r2.faultOutput).toBe(OUTPUT_CONTACTOR);
    expect(hw2.onGpio(lineOf(2, CONTACTOR_OUT), 1)).toBe(false);
  });
});
