// Bench control (docs/bench.md): one JSON command object in, one JSON reply out, against a station handle
// (host/node/host.js startStation or host/node/c-station.js startCStation, both with the simulator). Every
// field is checked before anything changes; a bad command gets {"ok":false,"error":"..."} naming the field.
"use strict";

const CP_STATES = ["A", "B", "C", "D", "E", "F"];
const MODULE_FAULT_INTERNAL = 0x0020;

class BenchError extends Error {}
const fail = (msg) => { throw new BenchError(msg); };

function intField(cmd, name, lo, hi, { optional = false, dflt } = {}) {
  const v = cmd[name];
  if (v === undefined) { if (optional) return dflt; fail(`${name}: required`); }
  if (!Number.isInteger(v)) fail(`${name}: must be an integer`);
  if (v < lo || v > hi) fail(`${name}: must be ${lo}..${hi}`);
  return v;
}
function boolField(cmd, name) {
  if (typeof cmd[name] !== "boolean") fail(`${name}: must be true or false`);
  return cmd[name];
}
function onlyFields(cmd, allowed) {
  for (const k of Object.keys(cmd)) if (k !== "op" && !allowed.includes(k)) fail(`${k}: unknown field for op ${cmd.op}`);
}

class Bench {
  /** handle: the station handle; virtual: its clock is virtual (then "time" is allowed); updateFirmware(version):
   *  publishes a signed image and has the CSMS send UpdateFirmware (`make run` with the demo CSMS), resolving with
   *  the reply's fields; without it "update" is refused. */
  constructor(handle, { virtual = false, connectors = 2, updateFirmware = null } = {}) {
    this.handle = handle;
    this.virtual = virtual;
    this.connectors = connectors;
    this.updateFirmware = updateFirmware;
  }

  get sim() {
    const s = this.handle.sim;
    if (!s) fail("no simulated hardware on this station");
    return s;
  }

  /** The connector an EVSE-level command means: the given one, else the plugged one, else 1. */
  connectorOf(cmd) {
    if (cmd.connector !== undefined) return intField(cmd, "connector", 1, this.connectors);
    for (let c = 1; c <= this.connectors; c++) if (this.sim.ev(c).plugged) return c;
    return 1;
  }

  async command(cmd) {
    try {
      if (cmd === null || typeof cmd !== "object" || Array.isArray(cmd)) fail("a command is a JSON object");
      if (typeof cmd.op !== "string") fail("op: required (a string)");
      if (cmd.op === "\u0000overlong") fail("line longer than 4096 bytes: dropped");
      const fn = OPS[cmd.op];
      if (!fn) fail(`op: unknown "${String(cmd.op).slice(0, 40)}" (${Object.keys(OPS).join(", ")})`);
      return { ok: true, ...(await fn.call(this, cmd)) };
    } catch (e) {
      return { ok: false, error: e instanceof BenchError ? e.message : `internal: ${e.message}` };
    }
  }

  /** One line of text in, one line out (no newline). */
  async handleLine(line) {
    let cmd;
    try { cmd = JSON.parse(line); } catch { return JSON.stringify({ ok: false, error: "not valid JSON" }); }
    return JSON.stringify(await this.command(cmd));
  }
}

const OPS = {
  async plug(cmd) {
    onlyFields(cmd, ["evse", "connector"]);
    intField(cmd, "evse", 1, 1);
    const c = intField(cmd, "connector", 1, this.connectors);
    this.sim.ev(c).plug();
    return {};
  },
  async unplug(cmd) {
    onlyFields(cmd, ["evse", "connector"]);
    intField(cmd, "evse", 1, 1);
    const c = intField(cmd, "connector", 1, this.connectors);
    this.sim.ev(c).unplug();
    return {};
  },
  async ev(cmd) {
    onlyFields(cmd, ["evse", "connector", "state", "soc", "demand_a"]);
    intField(cmd, "evse", 1, 1);
    const c = this.connectorOf(cmd);
    if (cmd.state !== undefined && !CP_STATES.includes(cmd.state)) fail("state: must be one of A, B, C, D, E, F");
    const soc = intField(cmd, "soc", 0, 100, { optional: true });
    const demand = intField(cmd, "demand_a", 0, 500, { optional: true });
    if (cmd.state === undefined && soc === undefined && demand === undefined) fail("state, soc or demand_a: at least one");
    const ev = this.sim.ev(c);
    if (cmd.state !== undefined) {
      ev.cpFault = cmd.state === "E" || cmd.state === "F" ? cmd.state : null;
      if (cmd.state === "A") ev.unplug();
      else if (cmd.state === "B" || cmd.state === "C" || cmd.state === "D") {
        if (!ev.plugged) ev.plug();
        ev.stopped = false;
        ev.setReady(cmd.state !== "B", cmd.state === "D");
      }
    }
    if (soc !== undefined) ev.soc = soc;
    if (demand !== undefined) ev.maxCurrent = demand;
    return { connector: c };
  },
  async swipe(cmd) {
    onlyFields(cmd, ["idToken"]);
    if (typeof cmd.idToken !== "string" || !/^(?:[0-9A-F]{8}|[0-9A-F]{14}|[0-9A-F]{20})$/.test(cmd.idToken)) {
      fail("idToken: upper-case hex UID of 8, 14 or 20 digits (4, 7 or 10 bytes)");
    }
    this.sim.reader.present(cmd.idToken, 500);
    return {};
  },
  async fault(cmd) {
    onlyFields(cmd, ["evse", "connector", "on"]);
    intField(cmd, "evse", 1, 1);
    const c = intField(cmd, "connector", 1, this.connectors);
    const on = boolField(cmd, "on");
    // A welded contactor: the feedback contradicts the command at once, so the driver reports the fault.
    this.sim.faultOutput(c, "contactor", on ? "welded" : null);
    return {};
  },
  async module_fault(cmd) {
    onlyFields(cmd, ["on"]);
    this.sim.module.fault(boolField(cmd, "on") ? MODULE_FAULT_INTERNAL : 0);
    return {};
  },
  async power_cycle(cmd) {
    onlyFields(cmd, []);
    await this.handle.powerCycle();
    return {};
  },
  async network(cmd) {
    onlyFields(cmd, ["up"]);
    await this.handle.setNetwork(boolField(cmd, "up"));
    return {};
  },
  async time(cmd) {
    onlyFields(cmd, ["advance_s"]);
    const s = intField(cmd, "advance_s", 1, 604800);
    if (!this.virtual) fail("time: the station runs on the real clock (start it with the virtual clock)");
    await this.handle.advance(s * 1000);
    return { now_ms: this.handle.now() };
  },
  async update(cmd) {
    onlyFields(cmd, ["version"]);
    if (cmd.version !== undefined && (typeof cmd.version !== "string" || !/^[\x21-\x7e][\x20-\x7e]{0,49}$/.test(cmd.version))) {
      fail("version: 1 to 50 printable ASCII characters");
    }
    if (!this.updateFirmware) fail("update: needs the built-in demo CSMS (make run without CSMS=)");
    try { return await this.updateFirmware(cmd.version); } catch (e) { fail(`update: ${e.message}`); }
  },
  async status(cmd) {
    onlyFields(cmd, []);
    const station = (await this.handle.status()) || {};
    const sim = this.handle.sim;
    const hardware = sim ? {
      evs: Array.from({ length: this.connectors }, (_, i) => {
        const ev = sim.ev(i + 1);
        return { connector: i + 1, plugged: ev.plugged, ready: ev.ready, requesting: ev.requesting, soc: Math.round(ev.soc * 10) / 10, demand_a: ev.maxCurrent };
      }),
      module: { voltage_v: Math.round(sim.module.voltage * 10) / 10, current_a: Math.round(sim.module.current * 10) / 10, faults: sim.module.faultBits },
      meter_wh: sim.meter && sim.meter.importWh !== undefined ? Math.round(sim.meter.importWh) : undefined,
    } : undefined;
    return { station, hardware };
  },
};

module.exports = { Bench, OPS };
