// A test image with only the charger hardware drivers, for the closed-loop test against the JavaScript
// simulator (tests/sim-loop.test.js). Same host ABI names as the firmware for the hardware events.
import { ChargerHardware, HardwareListener, HardwareConfig } from "../../../assembly/hardware";
import { RX_BUFFER, RX_CAPACITY } from "../../../assembly/host/buffers";

class Events extends HardwareListener {
  cpState: StaticArray<i32> = new StaticArray<i32>(3);
  cards: i32 = 0;
  lastUid: string = "";
  outputFaults: i32 = 0;
  readerFault: bool = false;
  moduleFaults: i32 = 0;
  evStops: i32 = 0;
  meterFault: bool = false;
  onCpState(connector: i32, state: i32, previous: i32): void { this.cpState[connector] = state; }
  onOutputFault(connector: i32, output: i32, faulted: bool): void { if (faulted) this.outputFaults++; }
  onCardPresented(uidHex: string): void { this.cards++; this.lastUid = uidHex; }
  onReaderFault(faulted: bool): void { this.readerFault = faulted; }
  onModuleFault(bits: i32): void { this.moduleFaults = bits; }
  onEvStopRequest(connector: i32, timeout: bool): void { this.evStops++; }
  onMeterFault(faulted: bool): void { this.meterFault = faulted; }
}

const events = new Events();
const hw = new ChargerHardware(events, new HardwareConfig());

export function rx_buffer(): usize { return RX_BUFFER; }
export function rx_capacity(): i32 { return RX_CAPACITY; }
export function init(now: i64): void { hw.init(now); }
export function tick(now: i64): void { hw.tick(now); }
export function next_wakeup(): i64 { return hw.nextWakeup(); }
export function on_uart_data(port: i32, len: i32): void { hw.onUartData(port, len); }
export function on_can_frame(bus: i32, id: u32, flags: i32, len: i32): void { hw.onCanFrame(bus, id, flags, len); }
export function on_gpio(line: i32, level: i32): void { hw.onGpio(line, level); }

// ---- what a station would do, driven by the test ----
export function set_duty(connector: i32, permille: i32): void { hw.cp[connector - 1].setDuty(permille); }
export function set_contactor(connector: i32, on: i32): void { hw.contactor[connector - 1].command(on != 0); }
export function contactor_settled(connector: i32): i32 { return hw.contactor[connector - 1].settled ? 1 : 0; }
/** Follows the EV's demand on a connector (what the station's charging loop does). */
export function follow_demand(connector: i32): void {
  const ev = hw.ev[connector - 1];
  hw.module.setOutput(ev.targetVoltageDv, ev.targetCurrentDa, ev.requesting);
}
export function module_off(): void { hw.module.setOutput(0, 0, false); }
export function flush(): i32 { return hw.meter.flush(); }
export function measurand(connector: i32, id: i32): f64 { return hw.measurand(connector, id); }
export function ev_requesting(connector: i32): i32 { return hw.ev[connector - 1].requesting ? 1 : 0; }

export function cp_state(connector: i32): i32 { return events.cpState[connector]; }
export function cards(): i32 { return events.cards; }
export function last_uid_len(): i32 { return events.lastUid.length; }
export function last_uid_char(i: i32): i32 { return events.lastUid.charCodeAt(i); }
export function output_faults(): i32 { return events.outputFaults; }
export function reader_fault(): i32 { return events.readerFault ? 1 : 0; }
export function module_faults(): i32 { return events.moduleFaults; }
export function ev_stops(): i32 { return events.evStops; }
export function meter_fault(): i32 { return events.meterFault ? 1 : 0; }
