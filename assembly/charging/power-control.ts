// The DC power path of the EVSE: control-pilot duty, contactor and power module, from what the
// transaction allows and what the EV asks for. Yields the OCPP chargingState (E.. ChargingStateChanged):
// Idle (no EV), EVConnected (not allowed to charge), Charging, SuspendedEV (the EV does not take energy),
// SuspendedEVSE (the station cannot give it).
import { ChargingStateEnumType } from "../ocpp";
import { ChargerHardware } from "../hardware/hardware";
import { cpEvReady, cpEvConnected } from "../hardware/control-pilot";
import { CONNECTOR_COUNT } from "../core/topology";
import { EVSE_MAX_CURRENT_DA } from "../core/limits";

/** CP duty in 0.1 %: steady +12 V, or 5 % (digital communication: the EVCC takes over, IEC 61851-1 DC). */
const DUTY_STEADY: i32 = 1000;
const DUTY_DIGITAL: i32 = 50;
/** The contactor opens only once the current is below this (0.1 A), or the module is faulted. */
const OPEN_BELOW_DA: i32 = 50;

export class PowerControl {
  chargingState: i32 = ChargingStateEnumType.Idle;
  powerPathClosed: bool = false;
  private duty: StaticArray<i32> = new StaticArray<i32>(CONNECTOR_COUNT);
  limitDa: i32 = EVSE_MAX_CURRENT_DA;

  constructor(private hw: ChargerHardware) {
    for (let i = 0; i < CONNECTOR_COUNT; i++) this.duty[i] = -1;
  }

  /** connector: the one with an EV (0 none); allowed: an authorized transaction; healthy: no EVSE fault and
   *  operative. Returns the chargingState. */
  update(connector: i32, allowed: bool, healthy: bool, txActive: bool): i32 {
    const hw = this.hw;
    for (let i = 0; i < CONNECTOR_COUNT; i++) {
      const d = i + 1 == connector && allowed && healthy ? DUTY_DIGITAL : DUTY_STEADY;
      if (d != this.duty[i]) { this.duty[i] = d; hw.cp[i].setDuty(d); }
    }
    let want = false;
    let state: i32 = ChargingStateEnumType.Idle;
    if (connector >= 1 && connector <= CONNECTOR_COUNT) {
      const i = connector - 1;
      const ev = hw.ev[i];
      const evTakes = cpEvReady(hw.cp[i].state) && ev.requesting;
      want = allowed && healthy && evTakes;
      if (!allowed) state = ChargingStateEnumType.EVConnected;
      else if (!healthy) state = ChargingStateEnumType.SuspendedEVSE;
      else if (!evTakes) state = ChargingStateEnumType.SuspendedEV;
      else state = ChargingStateEnumType.Charging;
      // While the contactor closes the EVSE does not deliver yet: SuspendedEVSE, reported only before a
      // transaction exists (TxStartPoint PowerPathClosed starts it then); otherwise the blink is hidden.
      if (want && !hw.contactor[i].settled && !txActive) state = ChargingStateEnumType.SuspendedEVSE;
      const k = hw.contactor[i];
      if (want) {
        if (!k.commanded) k.command(true);
        if (k.settled) {
          const v = ev.targetVoltageDv, a = min(ev.targetCurrentDa, this.limitDa);
          const m = hw.module;
          if (!m.setOn || m.setVoltageDv != v || m.setCurrentDa != a) m.setOutput(v, a, true);
        }
      }
    }
    this.powerPathClosed = false;
    for (let i = 0; i < CONNECTOR_COUNT; i++) {
      const k = hw.contactor[i];
      const mine = want && i + 1 == connector;
      if (!mine && k.commanded) {
        // Never break DC under load: the module ramps down first.
        if (hw.module.setOn) hw.module.setOutput(0, 0, false);
        // The EV gone (CP A, E, F) opens at once, under load if need be (IEC 61851-1 on loss of the pilot).
        if (hw.module.currentDa < OPEN_BELOW_DA || !hw.module.healthy || !cpEvConnected(hw.cp[i].state)) k.command(false);
      }
      if (k.commanded && k.settled) this.powerPathClosed = true;
    }
    if (!want && hw.module.setOn) hw.module.setOutput(0, 0, false);
    this.chargingState = state;
    return state;
  }
}
