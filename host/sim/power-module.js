// A DC power module: follows its set-point with a ramp, answers status queries, can fault or go silent.
"use strict";
const { ADDR, FN, canId, canFn, canSrc, CAN_EXT } = require("./protocol");

class PowerModuleSim {
  constructor(send, { address = ADDR.MODULE, voltsPerSec = 500, ampsPerSec = 100, maxV = 1000, maxA = 500 } = {}) {
    this.send = send;           // send(id, data, delayMs)
    this.address = address;
    this.voltsPerSec = voltsPerSec;
    this.ampsPerSec = ampsPerSec;
    this.maxV = maxV; this.maxA = maxA;
    this.setV = 0; this.setA = 0; this.on = false;
    this.voltage = 0;           // V at the output
    this.current = 0;           // A delivered (needs a load)
    this.faultBits = 0;         // see docs/hardware.md; any bit switches the output off
    this.silent = false;
    this.temperatureC = 35;
    this.lastSetpointAt = -Infinity;
  }

  fault(bits) { this.faultBits = bits; }

  onFrame(id, data, now) {
    if (canSrc(id) !== ADDR.CONTROLLER || ((id >>> 8) & 0xff) !== this.address) return false;
    const fn = canFn(id);
    if (fn === FN.MODULE_SET && data.length >= 5) {
      this.setV = Math.min(((data[0] << 8) | data[1]) / 10, this.maxV);
      this.setA = Math.min(((data[2] << 8) | data[3]) / 10, this.maxA);
      this.on = data[4] === 1;
      this.lastSetpointAt = now;
      return true;
    }
    if (fn === FN.MODULE_QUERY) { if (!this.silent) this.send(canId(FN.MODULE_STATUS, ADDR.CONTROLLER, this.address), this.status(), 2); return true; }
    return false;
  }

  /** Moves the output towards the set-point; loaded: a contactor is closed onto an EV that accepts current. */
  step(dtMs, loaded, limitA) {
    const active = this.on && this.faultBits === 0;
    const tv = active ? this.setV : 0;
    const ta = active && loaded ? Math.min(this.setA, limitA) : 0;
    this.voltage = ramp(this.voltage, tv, this.voltsPerSec * dtMs / 1000);
    this.current = ramp(this.current, ta, this.ampsPerSec * dtMs / 1000);
  }

  status() {
    const v = Math.round(this.voltage * 10), a = Math.round(this.current * 10);
    const st = (this.on && this.faultBits === 0 ? 1 : 0) | (this.on && this.current >= this.setA && this.setA > 0 ? 2 : 0);
    return Buffer.from([v >> 8, v & 0xff, a >> 8, a & 0xff, st, (this.faultBits >> 8) & 0xff, this.faultBits & 0xff,
      Math.max(0, Math.min(255, this.temperatureC + 40))]);
  }
}

function ramp(value, target, maxStep) {
  if (Math.abs(target - value) <= maxStep) return target;
  return value + Math.sign(target - value) * maxStep;
}

module.exports = { PowerModuleSim, ramp };
