// CAN drivers: power module (set-point, polling, status, silent fault), EV demand, DC meter with the
// monotonic energy register (persistence rule), measurands, and the facade's frame routing.
import {
  PowerModule, MODULE_POLL_MS, MODULE_TIMEOUT_MS, MODULE_FAULT_SILENT, MODULE_FAULT_OVERTEMPERATURE,
} from "../hardware/power-module";
import { EvDemand, EV_DEMAND_TIMEOUT_MS } from "../hardware/ev-demand";
import { DcMeter, METER_POLL_MS, METER_TIMEOUT_MS } from "../hardware/dc-meter";
import { EnergyRegister, PERSIST_INTERVAL_MS, PERSIST_URGENT_MS } from "../hardware/energy-register";
import { canId, ADDR_CONTROLLER, ADDR_MODULE, ADDR_METER, ADDR_EVCC_BASE, FN_MODULE_SET, FN_MODULE_QUERY,
  FN_MODULE_STATUS, FN_EV_DEMAND, FN_METER_QUERY, FN_METER_VALUES, FN_METER_ENERGY } from "../hardware/can-ids";
import { HardwareListener } from "../hardware/listener";
import { ChargerHardware } from "../hardware/hardware";
import { M_ENERGY_IMPORT, M_ENERGY_EXPORT, M_POWER_IMPORT, M_CURRENT_IMPORT, M_CURRENT_OFFERED, M_POWER_OFFERED,
  M_VOLTAGE, M_SOC, M_POWER_FACTOR, measurandId, MEASURAND_NAMES, MEASURAND_COUNT } from "../hardware/measurands";
import { RX_BUFFER } from "../host/buffers";
import { kv_delete } from "../host/abi";

@external("env", "test_hw_count") declare function test_hw_count(): i32;
@external("env", "test_hw_clear") declare function test_hw_clear(): void;
@external("env", "test_hw_field") declare function test_hw_field(i: i32, which: i32): i32;
@external("env", "test_hw_copy") declare function test_hw_copy(i: i32, ptr: usize, cap: i32): i32;
@external("env", "test_kv_fail") declare function test_kv_fail(v: i32): void;

class Rec extends HardwareListener {
  moduleFaults: i32 = 0;
  moduleEvents: i32 = 0;
  stops: i32 = 0;
  stopTimeout: bool = false;
  stopConnector: i32 = 0;
  meterEvents: i32 = 0;
  meterFaulted: bool = false;
  onModuleFault(bits: i32): void { this.moduleEvents++; this.moduleFaults = bits; }
  onEvStopRequest(connector: i32, timeout: bool): void { this.stops++; this.stopTimeout = timeout; this.stopConnector = connector; }
  onMeterFault(faulted: bool): void { this.meterEvents++; this.meterFaulted = faulted; }
}

function buf(a: u8[]): Uint8Array {
  const b = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) b[i] = a[i];
  return b;
}
function hex(a: Uint8Array): string {
  let s = "";
  for (let i = 0; i < a.length; i++) s += (a[i] < 16 ? "0" : "") + a[i].toString(16);
  return s;
}
/** Index of the last can_send with this id, -1 if none. */
function lastCan(id: u32): i32 {
  for (let i = test_hw_count() - 1; i >= 0; i--) if (test_hw_field(i, 0) == 1 && <u32>test_hw_field(i, 2) == id) return i;
  return -1;
}
function canData(i: i32): string {
  const n = test_hw_field(i, 4);
  const a = new Uint8Array(n);
  test_hw_copy(i, a.dataStart, n);
  return hex(a);
}
function moduleStatus(m: PowerModule, a: u8[]): void {
  const b = buf(a);
  m.onFrame(canId(FN_MODULE_STATUS, ADDR_CONTROLLER, ADDR_MODULE), b.dataStart, b.length);
}
function meterFrame(m: DcMeter, fn: u32, a: u8[]): void {
  const b = buf(a);
  m.onFrame(canId(fn, ADDR_CONTROLLER, ADDR_METER), b.dataStart, b.length);
}
function energy(m: DcMeter, imp: u32, exp: u32): void {
  meterFrame(m, FN_METER_ENERGY, [<u8>(imp >> 24), <u8>(imp >> 16), <u8>(imp >> 8), <u8>imp,
    <u8>(exp >> 24), <u8>(exp >> 16), <u8>(exp >> 8), <u8>exp]);
}
function clearKv(): void {
  const a = String.UTF8.encode("hw.meter.import"), b = String.UTF8.encode("hw.meter.export"), c = String.UTF8.encode("t.reg");
  kv_delete(changetype<usize>(a), a.byteLength);
  kv_delete(changetype<usize>(b), b.byteLength);
  kv_delete(changetype<usize>(c), c.byteLength);
}

describe("hw can ids", () => {
  it("builds 29-bit ids as function << 16 | destination << 8 | source", () => {
    expect(canId(FN_MODULE_SET, ADDR_MODULE, ADDR_CONTROLLER)).toBe(0x1001f0);
    expect(canId(FN_EV_DEMAND, ADDR_CONTROLLER, ADDR_EVCC_BASE + 2)).toBe(0x20f032);
  });
});

describe("hw power module", () => {
  it("sends the set-point (0.1 V / 0.1 A big-endian, on/off) and polls", () => {
    const rec = new Rec();
    const m = new PowerModule(0, ADDR_MODULE, rec);
    test_hw_clear();
    m.tick(1000);
    expect(lastCan(canId(FN_MODULE_QUERY, ADDR_MODULE, ADDR_CONTROLLER))).toBeGreaterThanOrEqual(0);
    m.setOutput(4000, 1255, true);            // 400.0 V, 125.5 A
    const i = lastCan(canId(FN_MODULE_SET, ADDR_MODULE, ADDR_CONTROLLER));
    expect(canData(i)).toBe("0fa004e701000000");
    expect(test_hw_field(i, 3)).toBe(1);      // extended id
    m.setOutput(99999, -5, false);
    expect(m.setVoltageDv).toBe(10000);
    expect(m.setCurrentDa).toBe(0);
    expect(m.nextWakeup()).toBe(1000 + MODULE_POLL_MS);
    test_hw_clear();
    m.tick(1000 + MODULE_POLL_MS);
    expect(lastCan(canId(FN_MODULE_SET, ADDR_MODULE, ADDR_CONTROLLER))).toBeGreaterThanOrEqual(0);
    expect(lastCan(canId(FN_MODULE_QUERY, ADDR_MODULE, ADDR_CONTROLLER))).toBeGreaterThanOrEqual(0);
  });

  it("reads the status frame and reports fault bits", () => {
    const rec = new Rec();
    const m = new PowerModule(0, ADDR_MODULE, rec);
    m.tick(0);
    moduleStatus(m, [0x0f, 0x9c, 0x04, 0xd2, 0x01, 0x00, 0x00, 65]);
    expect(m.voltageDv).toBe(3996);
    expect(m.currentDa).toBe(1234);
    expect(m.status).toBe(1);
    expect(m.temperatureC).toBe(25);
    expect(rec.moduleEvents).toBe(0);
    moduleStatus(m, [0x0f, 0x9c, 0x04, 0xd2, 0x01, 0x00, 0x04, 120]);
    expect(rec.moduleFaults).toBe(MODULE_FAULT_OVERTEMPERATURE);
    expect(m.healthy).toBe(false);
    moduleStatus(m, [0x0f, 0x9c, 0x04, 0xd2, 0x01, 0x00, 0x00, 65]);
    expect(rec.moduleFaults).toBe(0);
    // Truncated frames and other sources are not status.
    moduleStatus(m, [0xff, 0xff]);
    expect(m.voltageDv).toBe(3996);
    const b = buf([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(m.onFrame(canId(FN_MODULE_STATUS, ADDR_CONTROLLER, 0x07), b.dataStart, 8)).toBe(false);
  });

  it("faults a silent module and recovers when it answers", () => {
    const rec = new Rec();
    const m = new PowerModule(0, ADDR_MODULE, rec);
    m.tick(0);
    for (let t: i64 = 0; t < MODULE_TIMEOUT_MS; t += MODULE_POLL_MS) m.tick(t);
    expect(rec.moduleEvents).toBe(0);
    expect(m.nextWakeup()).toBeLessThanOrEqual(MODULE_TIMEOUT_MS);
    m.tick(MODULE_TIMEOUT_MS);
    expect(rec.moduleFaults).toBe(MODULE_FAULT_SILENT);
    m.tick(MODULE_TIMEOUT_MS + 5000);
    expect(rec.moduleEvents).toBe(1);
    moduleStatus(m, [0, 0, 0, 0, 0, 0, 0, 40]);
    expect(rec.moduleFaults).toBe(0);
    expect(rec.moduleEvents).toBe(2);
  });
});

describe("hw ev demand", () => {
  it("parses demand, reports stop requests and stale demand", () => {
    const rec = new Rec();
    const ev = new EvDemand(2, rec);
    ev.tick(0);
    const d = buf([0x0f, 0xa0, 0x03, 0xe8, 55, 0x01]);
    ev.onFrame(d.dataStart, d.length);
    expect(ev.targetVoltageDv).toBe(4000);
    expect(ev.targetCurrentDa).toBe(1000);
    expect(ev.soc).toBe(55);
    expect(ev.requesting).toBe(true);
    const stop = buf([0x0f, 0xa0, 0x00, 0x00, 80, 0x00]);
    ev.tick(100);
    ev.onFrame(stop.dataStart, stop.length);
    expect(rec.stops).toBe(1);
    expect(rec.stopTimeout).toBe(false);
    expect(rec.stopConnector).toBe(2);
    ev.onFrame(d.dataStart, d.length);
    // Out-of-range or short frames are dropped.
    const bad = buf([0xff, 0xff, 0x00, 0x10, 50, 0x01]);
    ev.onFrame(bad.dataStart, bad.length);
    expect(ev.targetVoltageDv).toBe(4000);
    const badSoc = buf([0x0f, 0xa0, 0x00, 0x10, 101, 0x01]);
    ev.onFrame(badSoc.dataStart, badSoc.length);
    expect(ev.soc).toBe(55);
    ev.onFrame(d.dataStart, 5);
    const unknownSoc = buf([0x0f, 0xa0, 0x03, 0xe8, 0xff, 0x01]);
    ev.onFrame(unknownSoc.dataStart, unknownSoc.length);
    expect(ev.soc).toBe(-1);
    expect(ev.nextWakeup()).toBe(100 + EV_DEMAND_TIMEOUT_MS);
    ev.tick(100 + EV_DEMAND_TIMEOUT_MS);
    expect(rec.stops).toBe(2);
    expect(rec.stopTimeout).toBe(true);
    expect(ev.valid).toBe(false);
    expect(ev.requesting).toBe(false);
  });
});

describe("hw energy register", () => {
  it("never goes backwards and persists at a bounded rate", () => {
    clearKv();
    const r = new EnergyRegister("t.reg");
    r.load(0);
    r.update(1000, 10);
    expect(r.reported).toBe(1000);
    expect(r.writes).toBe(0);
    r.update(1500, PERSIST_INTERVAL_MS - 1);
    expect(r.writes).toBe(0);
    expect(r.nextWakeup()).toBe(PERSIST_INTERVAL_MS);
    r.tick(PERSIST_INTERVAL_MS);
    expect(r.writes).toBe(1);
    for (let i = 0; i < 100; i++) r.update(1500 + i, PERSIST_INTERVAL_MS + <i64>i);
    expect(r.writes).toBe(1);
    // Meter reset: continues from the last reported value; the offset is persisted soon.
    r.update(3, PERSIST_INTERVAL_MS + 200);
    expect(r.reported).toBe(1599);
    r.update(10, PERSIST_INTERVAL_MS + 300);
    expect(r.reported).toBe(1606);
    r.tick(PERSIST_INTERVAL_MS + PERSIST_URGENT_MS);
    expect(r.writes).toBe(2);
    // Reboot: the persisted value is the floor, the offset continues.
    const r2 = new EnergyRegister("t.reg");
    r2.load(0);
    expect(r2.reported).toBe(1606);
    r2.update(20, 1);
    expect(r2.reported).toBe(1616);
    // A replaced meter after the reboot reading far below: still monotonic.
    r2.update(0, 2);
    expect(r2.reported).toBe(1616);
    // A failing kv store keeps the value dirty and retries after the interval.
    test_kv_fail(1);
    expect(r2.flush(3)).toBeLessThan(0);
    test_kv_fail(0);
    expect(r2.flush(4)).toBe(0);
    const r3 = new EnergyRegister("t.reg");
    r3.load(0);
    expect(r3.reported).toBe(1616);
    clearKv();
  });
});

describe("hw dc meter", () => {
  it("polls, parses values and energy, and faults when silent", () => {
    clearKv();
    const rec = new Rec();
    const m = new DcMeter(0, rec);
    m.load(0);
    test_hw_clear();
    m.tick(0);
    const q = lastCan(canId(FN_METER_QUERY, ADDR_METER, ADDR_CONTROLLER));
    expect(q).toBeGreaterThanOrEqual(0);
    expect(test_hw_field(q, 4)).toBe(0);
    // 400.0 V, -12.5 A (export), -5000 W
    meterFrame(m, FN_METER_VALUES, [0x0f, 0xa0, 0xff, 0x83, 0xff, 0xff, 0xec, 0x78]);
    expect(m.voltageDv).toBe(4000);
    expect(m.currentDa).toBe(-125);
    expect(m.powerW).toBe(-5000);
    energy(m, 123456, 789);
    expect(m.importReg.reported).toBe(123456);
    expect(m.exportReg.reported).toBe(789);
    meterFrame(m, FN_METER_VALUES, [0x0f, 0xa0]);   // truncated: ignored
    expect(m.voltageDv).toBe(4000);
    m.tick(METER_TIMEOUT_MS - 1);
    expect(rec.meterEvents).toBe(0);
    m.tick(METER_TIMEOUT_MS);
    expect(rec.meterFaulted).toBe(true);
    energy(m, 100, 789);                            // meter swapped while silent: register holds
    expect(rec.meterFaulted).toBe(false);
    expect(m.importReg.reported).toBe(123456);
    energy(m, 150, 789);
    expect(m.importReg.reported).toBe(123506);
    expect(m.flush()).toBe(0);
    const again = new DcMeter(0, rec);
    again.load(0);
    again.tick(0);
    energy(again, 160, 789);
    expect(again.importReg.reported).toBe(123516);
    clearKv();
  });
});

describe("hw facade and measurands", () => {
  it("routes CAN frames and reads measurands", () => {
    clearKv();
    const rec = new Rec();
    const hw = new ChargerHardware(rec);
    hw.init(0);
    hw.tick(0);
    expect(isNaN(hw.measurand(1, M_ENERGY_IMPORT))).toBe(true);
    const put = (a: u8[]): i32 => { for (let i = 0; i < a.length; i++) store<u8>(RX_BUFFER + <usize>i, a[i]); return a.length; };
    expect(hw.onCanFrame(0, canId(FN_METER_ENERGY, ADDR_CONTROLLER, ADDR_METER), 1, put([0, 0, 0x30, 0x39, 0, 0, 0, 7]))).toBe(true);
    expect(hw.onCanFrame(0, canId(FN_METER_VALUES, ADDR_CONTROLLER, ADDR_METER), 1, put([0x0f, 0xa0, 0x03, 0xe8, 0, 0x00, 0x9c, 0x40]))).toBe(true);
    expect(hw.onCanFrame(0, canId(FN_EV_DEMAND, ADDR_CONTROLLER, ADDR_EVCC_BASE + 1), 1, put([0x0f, 0xa0, 0x03, 0xe8, 42, 1]))).toBe(true);
    expect(hw.onCanFrame(0, canId(FN_MODULE_STATUS, ADDR_CONTROLLER, ADDR_MODULE), 1, put([0x0f, 0xa0, 0x03, 0xe8, 1, 0, 0, 60]))).toBe(true);
    // Standard ids, RTR, other destinations, other buses, unknown EVCC addresses: not ours.
    expect(hw.onCanFrame(0, canId(FN_EV_DEMAND, ADDR_CONTROLLER, ADDR_EVCC_BASE + 1), 0, 6)).toBe(false);
    expect(hw.onCanFrame(0, canId(FN_EV_DEMAND, ADDR_CONTROLLER, ADDR_EVCC_BASE + 1), 3, 6)).toBe(false);
    expect(hw.onCanFrame(0, canId(FN_EV_DEMAND, 0x55, ADDR_EVCC_BASE + 1), 1, 6)).toBe(false);
    expect(hw.onCanFrame(1, canId(FN_EV_DEMAND, ADDR_CONTROLLER, ADDR_EVCC_BASE + 1), 1, 6)).toBe(false);
    expect(hw.onCanFrame(0, canId(FN_EV_DEMAND, ADDR_CONTROLLER, ADDR_EVCC_BASE + 3), 1, 6)).toBe(false);
    expect(hw.onCanFrame(0, canId(FN_EV_DEMAND, ADDR_CONTROLLER, ADDR_EVCC_BASE), 1, 6)).toBe(false);
    expect(hw.onCanFrame(0, 0xffffffff, 1, 6)).toBe(false);
    expect(hw.onCanFrame(0, canId(FN_EV_DEMAND, ADDR_CONTROLLER, ADDR_EVCC_BASE + 1), 1, 9)).toBe(false);
    hw.module.setOutput(4000, 1000, true);
    expect(hw.measurand(1, M_ENERGY_IMPORT)).toBe(12345);
    expect(hw.measurand(1, M_ENERGY_EXPORT)).toBe(7);
    expect(hw.measurand(1, M_VOLTAGE)).toBe(400);
    expect(hw.measurand(1, M_CURRENT_IMPORT)).toBe(100);
    expect(hw.measurand(1, M_POWER_IMPORT)).toBe(40000);
    expect(hw.measurand(1, M_CURRENT_OFFERED)).toBe(100);
    expect(hw.measurand(1, M_POWER_OFFERED)).toBe(40000);
    expect(hw.measurand(1, M_SOC)).toBe(42);
    expect(isNaN(hw.measurand(2, M_SOC))).toBe(true);
    expect(hw.measurand(1, M_POWER_FACTOR)).toBe(1.0);
    expect(isNaN(hw.measurand(1, 99))).toBe(true);
    expect(measurandId("SoC")).toBe(M_SOC);
    expect(measurandId("Energy.Active.Import.Register")).toBe(M_ENERGY_IMPORT);
    expect(measurandId("Frequency")).toBe(-1);
    expect(MEASURAND_NAMES.length).toBe(MEASURAND_COUNT);
    expect(hw.nextWakeup()).toBeGreaterThan(0);
    clearKv();
  });

  it("never traps on random CAN frames", () => {
    const rec = new Rec();
    const hw = new ChargerHardware(rec);
    hw.init(0);
    let seed: u32 = 7;
    let t: i64 = 0;
    for (let round = 0; round < 3000; round++) {
      seed = seed * 1103515245 + 12345;
      const r = seed;
      const fns: u32[] = [FN_MODULE_STATUS, FN_EV_DEMAND, FN_METER_VALUES, FN_METER_ENERGY, r >> 20];
      const srcs: u32[] = [ADDR_MODULE, ADDR_METER, ADDR_EVCC_BASE + 1, ADDR_EVCC_BASE + 2, r & 0xff];
      const id = canId(fns[<i32>(r % 5)], (r & 0x100) != 0 ? ADDR_CONTROLLER : (r >> 9) & 0xff, srcs[<i32>((r >> 3) % 5)]);
      const len = <i32>((r >> 12) % 12) - 1;
      for (let i = 0; i < 8; i++) { seed = seed * 1103515245 + 12345; store<u8>(RX_BUFFER + <usize>i, <u8>(seed >> 24)); }
      hw.onCanFrame(<i32>((r >> 28) & 1), id, <i32>((r >> 16) & 3), len);
      if (round % 10 == 0) { t += 100; hw.tick(t); }
    }
    expect(hw.meter.importReg.reported).toBeGreaterThanOrEqual(0);
    clearKv();
  });
});
