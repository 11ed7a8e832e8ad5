// A DC energy meter: integrates energy from voltage × current over (virtual) time, answers queries.
"use strict";
const { ADDR, FN, canId, canFn, canSrc } = require("./protocol");

class MeterSim {
  constructor(send) {
    this.send = send;           // send(id, data, delayMs)
    this.voltage = 0;
    this.current = 0;           // A, positive into the EV
    this.importWh = 0;          // float; reported truncated to whole Wh (1 µWh tolerance for rounding)
    this.exportWh = 0;
    this.silent = false;
  }

  /** The meter's view of the DC output for dtMs: accumulates import (or export for negative current). */
  measure(dtMs, voltage, current) {
    this.voltage = voltage;
    this.current = current;
    const wh = voltage * current * dtMs / 3600000;
    if (wh >= 0) this.importWh += wh; else this.exportWh -= wh;
  }

  /** A replaced or reset meter: its registers start again from zero. */
  reset() { this.importWh = 0; this.exportWh = 0; }

  onFrame(id, data) {
    if (canSrc(id) !== ADDR.CONTROLLER || ((id >>> 8) & 0xff) !== ADDR.METER || canFn(id) !== FN.METER_QUERY) return false;
    if (this.silent) return true;
    const v = Math.round(this.voltage * 10), a = Math.round(this.current * 10), p = Math.round(this.voltage * this.current);
    const values = Buffer.alloc(8);
    values.writeUInt16BE(Math.max(0, Math.min(0xffff, v)), 0);
    values.writeInt16BE(Math.max(-32768, Math.min(32767, a)), 2);
    values.writeInt32BE(p, 4);
    const energy = Buffer.alloc(8);
    energy.writeUInt32BE(Math.floor(this.importWh + 1e-6) >>> 0, 0);
    energy.writeUInt32BE(Math.floor(this.exportWh + 1e-6) >>> 0, 4);
    this.send(canId(FN.METER_VALUES, ADDR.CONTROLLER, ADDR.METER), values, 3);
    this.send(canId(FN.METER_ENERGY, ADDR.CONTROLLER, ADDR.METER), energy, 3);
    return true;
  }
}

module.exports = { MeterSim };
