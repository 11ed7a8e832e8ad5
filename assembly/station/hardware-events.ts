// Hardware driver events into the station's blocks.
import { HardwareListener, OUTPUT_CONTACTOR } from "../hardware/listener";
import { Station } from "./station";

export class HardwareEvents extends HardwareListener {
  constructor(private station: Station) { super(); }
  onCpState(connector: i32, state: i32, previous: i32): void { this.station.onCpState(connector, state); }
  onOutputFault(connector: i32, output: i32, faulted: bool): void {
    if (output == OUTPUT_CONTACTOR) this.station.onContactorFault(connector, faulted);
  }
  onCardPresented(uidHex: string): void { this.station.onCard(uidHex); }
  onModuleFault(faultBits: i32): void { this.station.onEvseFault(); }
  onMeterFault(faulted: bool): void { this.station.onEvseFault(); }
}
