// The charger's hardware as seen from the image: an EV per connector, the PN532 reader, the DC power
// module and the DC meter, on a virtual clock. The host feeds the image's outputs in (onUartWrite,
// onCanSend, onGpioSet), calls advance(nowMs) as time passes, and gets the hardware's answers through
// the injected deliverUart / deliverCan / deliverGpio callbacks, which are only ever called from
// inside advance() — never from inside an on* call, so a host never re-enters the image.
"use strict";
const P = require("./protocol");
const { Pn532Sim } = require("./pn532");
const { PowerModuleSim } = require("./power-module");
const { MeterSim } = require("./meter");
const { EvSim } = require("./ev");

const DEMAND_PERIOD_MS = 100;

class ChargerSim {
  constructor({ deliverUart = () => {}, deliverCan = () => {}, deliverGpio = () => {}, connectors = 2, stepMs = 50,
    contactorDelayMs = 20, lockDelayMs = 150, ev = {}, module = {} } = {}) {
    this.out = { deliverUart, deliverCan, deliverGpio };
    this.stepMs = stepMs;
    this.contactorDelayMs = contactorDelayMs;
    this.lockDelayMs = lockDelayMs;
    this.now = null;
    this.queue = [];
    this.seq = 0;
    this.connectors = [];
    for (let c = 1; c <= connectors; c++) {
      this.connectors[c] = {
        ev: new EvSim(c, ev), duty: 1000, cpMv: null,
        contactor: { cmd: 0, fb: 0, fault: null }, lock: { cmd: 0, fb: 0, fault: null },
      };
    }
    this.reader = new Pn532Sim((bytes, delay) => this.later(delay, () => this.out.deliverUart(P.RFID_UART_PORT, bytes)));
    const canOut = (id, data, delay) => this.later(delay, () => this.out.deliverCan(P.CAN_BUS, id, P.CAN_EXT, data));
    this.module = new PowerModuleSim(canOut, module);
    this.meter = new MeterSim(canOut);
    this.nextDemand = 0;
    this.silentEvcc = false;
  }

  ev(connector) { return this.connectors[connector].ev; }

  /** Makes a contactor (or lock) misbehave: "stuck-open", "welded" or null. */
  faultOutput(connector, which, mode) { this.connectors[connector][which].fault = mode; this.settleOutput(connector, which); }

  // ---- the image's outputs ---------------------------------------------------------------------
  onUartWrite(port, bytes) { if (port === P.RFID_UART_PORT) this.reader.onBytes(bytes); return bytes.length; }

  onCanSend(bus, id, flags, data) {
    if (bus !== P.CAN_BUS || (flags & P.CAN_EXT) === 0) return 0;
    const d = Buffer.from(data);
    this.module.onFrame(id >>> 0, d, this.now || 0) || this.meter.onFrame(id >>> 0, d);
    return 0;
  }

  onGpioSet(line, level) {
    const c = Math.floor(line / P.LINE_BLOCK), off = line % P.LINE_BLOCK, k = this.connectors[c];
    if (!k) return 0;
    if (off === P.LINES.CP_PWM) { k.duty = level; this.later(0, () => this.updateCp(c)); }
    else if (off === P.LINES.CONTACTOR_OUT) { k.contactor.cmd = level ? 1 : 0; this.settleOutput(c, "contactor"); }
    else if (off === P.LINES.LOCK_OUT) { k.lock.cmd = level ? 1 : 0; this.settleOutput(c, "lock"); }
    return 0;
  }

  // ---- time ---------------------------------------------------------------------------------
  /** Moves the physics to nowMs and delivers every answer that is due by then, in time order. */
  advance(nowMs) {
    if (this.now === null) {
      this.now = nowMs;
      for (let c = 1; c < this.connectors.length; c++) this.updateCp(c);
      this.nextDemand = nowMs;
    }
    while (true) {
      const due = this.queue.length ? this.queue[0].at : Infinity;
      const target = Math.min(nowMs, due, this.nextDemand, this.now + this.stepMs);
      if (target > this.now) this.physics(target - this.now);
      this.now = Math.max(this.now, target);
      this.reader.advance(this.now);
      if (this.now >= this.nextDemand) { this.sendDemand(); this.nextDemand = this.now + DEMAND_PERIOD_MS; }
      while (this.queue.length && this.queue[0].at <= this.now) this.queue.shift().fn();
      for (let c = 1; c < this.connectors.length; c++) this.updateCp(c);
      while (this.queue.length && this.queue[0].at <= this.now) this.queue.shift().fn();
      if (this.now >= nowMs) break;
    }
  }

  /** The next virtual time at which the simulator has something to deliver. */
  nextEventMs() {
    const q = this.queue.length ? this.queue[0].at : Infinity;
    return Math.min(q, this.nextDemand);
  }

  /** The controller lost power and starts again: its outputs dropped (contactor coils, CP oscillator, module
   *  enable), and the new instance knows no line level, so the current CP readings and feedback are sent again. */
  powerCycled() {
    this.module.on = false;
    for (let c = 1; c < this.connectors.length; c++) {
      const k = this.connectors[c];
      k.duty = 1000;
      k.contactor.cmd = 0;
      k.lock.cmd = 0;
      k.contactor.fb = k.contactor.fault === "welded" ? 1 : 0;
      k.cpMv = null;
      this.updateCp(c);
      this.out.deliverGpio(P.lineOf(c, P.LINES.CONTACTOR_FB), k.contactor.fb);
    }
  }

  // ---- internals ------------------------------------------------------------------------------
  later(delayMs, fn) {
    const at = (this.now === null ? 0 : this.now) + delayMs;
    const item = { at, seq: this.seq++, fn };
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1].at > at)) i--;
    this.queue.splice(i, 0, item);
  }

  settleOutput(c, which) {
    const o = this.connectors[c][which];
    const target = o.fault === "welded" ? 1 : o.fault === "stuck-open" ? 0 : o.cmd;
    if (target === o.fb) return;
    const line = P.lineOf(c, which === "contactor" ? P.LINES.CONTACTOR_FB : P.LINES.LOCK_FB);
    this.later(which === "contactor" ? this.contactorDelayMs : this.lockDelayMs, () => {
      const now = o.fault === "welded" ? 1 : o.fault === "stuck-open" ? 0 : o.cmd;
      if (now === o.fb) return;
      o.fb = now;
      this.out.deliverGpio(line, now);
    });
  }

  updateCp(c) {
    const k = this.connectors[c];
    const mv = k.ev.cpMillivolts(k.duty);
    if (mv === k.cpMv) return;
    k.cpMv = mv;
    this.out.deliverGpio(P.lineOf(c, P.LINES.CP_SENSE), mv);
  }

  sendDemand() {
    if (this.silentEvcc) return;
    for (let c = 1; c < this.connectors.length; c++) {
      const ev = this.connectors[c].ev;
      if (!ev.plugged) continue;
      const { id, data } = ev.demandFrame();
      this.out.deliverCan(P.CAN_BUS, id, P.CAN_EXT, data);
    }
  }

  physics(dtMs) {
    // The module feeds whichever connector's contactor is (really) closed.
    let load = null;
    for (let c = 1; c < this.connectors.length; c++) if (this.connectors[c].contactor.fb) { load = this.connectors[c].ev; break; }
    const limit = load ? load.acceptedCurrent() : 0;
    this.module.step(dtMs, limit > 0, limit);
    this.meter.measure(dtMs, this.module.voltage, this.module.current);
    if (load) load.receive(this.module.voltage * this.module.current * dtMs / 3600000);
  }
}

module.exports = { ChargerSim, DEMAND_PERIOD_MS };
