// An EV on one connector: the control-pilot load (IEC 61851-1 states) and, through the connector's EV
// communication controller, demand frames every 100 ms while plugged (target V/A, SoC, request flag).
// SoC rises with the energy it receives; at targetSoc it stops requesting energy.
"use strict";
const { ADDR, FN, canId, CP_MV } = require("./protocol");

class EvSim {
  constructor(connector, { capacityWh = 60000, soc = 20, targetSoc = 80, voltage = 400, maxCurrent = 200 } = {}) {
    this.connector = connector;
    this.capacityWh = capacityWh;
    this.soc = soc;
    this.targetSoc = targetSoc;
    this.targetVoltage = voltage;
    this.maxCurrent = maxCurrent;
    this.plugged = false;
    this.ready = false;           // S2 closed: state C (D with ventilation)
    this.ventilation = false;
    this.cpFault = null;          // null, "E" (CP shorted) or "F"-like wiring faults, forced by tests
    this.requesting = false;      // energy transfer requested
    this.stopped = false;         // stopped requesting on its own (target SoC or stopCharging())
    this.receivedWh = 0;
  }

  plug() { this.plugged = true; this.ready = false; this.stopped = false; }
  unplug() { this.plugged = false; this.ready = false; this.requesting = false; }
  setReady(ready, ventilation = false) { this.ready = ready; this.ventilation = ventilation; this.requesting = ready && !this.stopped; }
  stopCharging() { this.stopped = true; this.requesting = false; }

  /** The CP state letter the EVSE would measure, given its own PWM duty (0 = driving -12 V). */
  cpState(evseDuty) {
    if (this.cpFault) return this.cpFault;
    if (evseDuty === 0) return "F";
    if (!this.plugged) return "A";
    if (!this.ready) return "B";
    return this.ventilation ? "D" : "C";
  }
  cpMillivolts(evseDuty) { return CP_MV[this.cpState(evseDuty)]; }

  /** Current the EV accepts now (A). */
  acceptedCurrent() { return this.plugged && this.requesting ? this.maxCurrent : 0; }

  /** Energy flowed into the battery. */
  receive(wh) {
    this.receivedWh += wh;
    this.soc = Math.min(100, this.soc + (wh / this.capacityWh) * 100);
    if (this.soc >= this.targetSoc && this.requesting) { this.requesting = false; this.stopped = true; }
  }

  demandFrame() {
    const v = Math.round(this.targetVoltage * 10), a = Math.round(this.requesting ? this.maxCurrent * 10 : 0);
    const data = Buffer.from([v >> 8, v & 0xff, a >> 8, a & 0xff, Math.floor(this.soc), this.requesting ? 1 : 0, 0, 0]);
    return { id: canId(FN.EV_DEMAND, ADDR.CONTROLLER, ADDR.EVCC_BASE + this.connector), data };
  }
}

module.exports = { EvSim };
