// Bench control (docs/bench.md) and the station configuration file: every command validated before anything
// changes, one reply line per command over TCP, configuration errors that name the field.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const net = require("node:net");
const { Bench } = require("../host/bench/bench.js");
const { serveBench, MAX_LINE } = require("../host/bench/server.js");
const { ChargerSim } = require("../host/sim/sim.js");
const { parseStationConfig, loadStationConfig } = require("../host/config/load.js");

/** A station handle that records what the bench asked of it, with a real simulator. */
function fakeHandle() {
  const calls = [];
  const sim = new ChargerSim({});
  sim.advance(0);
  return {
    calls, sim,
    powerCycle: async () => { calls.push("powerCycle"); },
    setNetwork: async (up) => { calls.push(`network ${up}`); },
    advance: async (ms) => { calls.push(`advance ${ms}`); },
    now: () => 42,
    status: async () => ({ csms: "connected" }),
  };
}
const snapshot = (h) => JSON.stringify({ calls: h.calls, evs: [1, 2].map((c) => h.sim.ev(c)), fb: h.sim.connectors.map((k) => k && k.contactor),
  module: h.sim.module.faultBits, reader: h.sim.reader.card || null });

test("bench: every op does what it says", async () => {
  const h = fakeHandle();
  const b = new Bench(h, { virtual: true });
  assert.deepEqual(await b.command({ op: "plug", evse: 1, connector: 2 }), { ok: true });
  assert.equal(h.sim.ev(2).plugged, true);
  assert.deepEqual(await b.command({ op: "ev", evse: 1, state: "C", soc: 40, demand_a: 120 }), { ok: true, connector: 2 });
  assert.equal(h.sim.ev(2).ready, true);
  assert.equal(h.sim.ev(2).soc, 40);
  assert.equal(h.sim.ev(2).maxCurrent, 120);
  await b.command({ op: "ev", evse: 1, connector: 2, state: "E" });
  assert.equal(h.sim.ev(2).cpFault, "E");
  await b.command({ op: "ev", evse: 1, connector: 2, state: "A" });
  assert.equal(h.sim.ev(2).plugged, false);
  assert.equal(h.sim.ev(2).cpFault, null);
  assert.equal((await b.command({ op: "swipe", idToken: "04A1B2C3D4E5F6" })).ok, true);
  assert.equal((await b.command({ op: "fault", evse: 1, connector: 1, on: true })).ok, true);
  assert.equal(h.sim.connectors[1].contactor.fault, "welded");
  await b.command({ op: "fault", evse: 1, connector: 1, on: false });
  assert.equal(h.sim.connectors[1].contactor.fault, null);
  await b.command({ op: "module_fault", on: true });
  assert.notEqual(h.sim.module.faultBits, 0);
  await b.command({ op: "module_fault", on: false });
  assert.equal(h.sim.module.faultBits, 0);
  await b.command({ op: "power_cycle" });
  await b.command({ op: "network", up: false });
  assert.deepEqual(await b.command({ op: "time", advance_s: 3600 }), { ok: true, now_ms: 42 });
  assert.deepEqual(h.calls, ["powerCycle", "network false", "advance 3600000"]);
  const st = await b.command({ op: "status" });
  assert.equal(st.ok, true);
  assert.equal(st.station.csms, "connected");
  assert.equal(st.hardware.evs.length, 2);
});

test("bench: malformed lines, unknown ops and out-of-range values get an error naming the field and change nothing", async () => {
  const h = fakeHandle();
  const b = new Bench(h, { virtual: false });
  const bad = [
    ["not json", "not valid JSON"], ["[1,2]", "a command is a JSON object"], ["{}", "op: required"],
    ['{"op":"explode"}', "op: unknown"], ['{"op":"plug","evse":1}', "connector: required"],
    ['{"op":"plug","evse":2,"connector":1}', "evse: must be 1..1"], ['{"op":"plug","evse":1,"connector":3}', "connector: must be 1..2"],
    ['{"op":"plug","evse":1,"connector":1.5}', "connector: must be an integer"], ['{"op":"plug","evse":1,"connector":1,"x":1}', "x: unknown field"],
    ['{"op":"ev","evse":1,"state":"G"}', "state: must be one of"], ['{"op":"ev","evse":1,"soc":101}', "soc: must be 0..100"],
    ['{"op":"ev","evse":1,"demand_a":-1}', "demand_a: must be 0..500"], ['{"op":"ev","evse":1}', "at least one"],
    ['{"op":"swipe","idToken":"04a1b2c3"}', "idToken: upper-case hex"], ['{"op":"swipe","idToken":"04A1B2"}', "idToken"],
    ['{"op":"fault","evse":1,"connector":1,"on":"yes"}', "on: must be true or false"], ['{"op":"module_fault"}', "on: must be true or false"],
    ['{"op":"network","up":1}', "up: must be true or false"], ['{"op":"time","advance_s":0}', "advance_s: must be 1..604800"],
    ['{"op":"time","advance_s":60}', "real clock"], ['{"op":"power_cycle","now":true}', "now: unknown field"],
  ];
  const before = snapshot(h);
  for (const [line, why] of bad) {
    const r = JSON.parse(await b.handleLine(line));
    assert.equal(r.ok, false, line);
    assert.ok(r.error.includes(why), `${line} → ${r.error}`);
  }
  assert.equal(snapshot(h), before, "nothing changed");
});

test("bench server: several lines per packet, lines split across packets, an overlong line, two clients", async () => {
  const h = fakeHandle();
  const srv = await serveBench(new Bench(h, { virtual: true }), { port: 0 });
  const client = () => {
    const s = net.connect(srv.port, "127.0.0.1");
    s.setEncoding("utf8");
    const lines = [];
    let buf = "";
    s.on("data", (d) => { buf += d; let nl; while ((nl = buf.indexOf("\n")) >= 0) { lines.push(JSON.parse(buf.slice(0, nl))); buf = buf.slice(nl + 1); } });
    return { s, lines, ready: new Promise((r) => s.on("connect", r)) };
  };
  const waitFor = async (c, n) => { for (let i = 0; i < 200 && c.lines.length < n; i++) await new Promise((r) => setTimeout(r, 10)); };
  const a = client(), b = client();
  await a.ready; await b.ready;
  a.s.write('{"op":"plug","evse":1,"connector":1}\n{"op":"status"}\n{"op":"ti');
  a.s.write('me","advance_s":5}\r\n');
  b.s.write("x".repeat(MAX_LINE + 10));
  b.s.write('yyy\n{"op":"network","up":true}\n');
  await waitFor(a, 3); await waitFor(b, 2);
  assert.deepEqual(a.lines.map((l) => l.ok), [true, true, true]);
  assert.equal(b.lines[0].ok, false);
  assert.match(b.lines[0].error, /longer than 4096/);
  assert.deepEqual(b.lines[1], { ok: true });
  assert.deepEqual(h.calls, ["advance 5000", "network true"]);
  a.s.destroy(); b.s.destroy(); srv.close();
});

test("station config: the default matches the target (1 DC EVSE, cTesla + cCCS1 fixed cables, simulator)", () => {
  const c = loadStationConfig();
  assert.equal(c.sim, true);
  assert.equal(c.configSet["connector.1.type"], "cTesla");
  assert.equal(c.configSet["connector.2.type"], "cCCS1");
  assert.equal(c.securityProfile, 0);
});

test("station config: a bad file stops with an error naming the field", () => {
  const base = JSON.parse(require("node:fs").readFileSync(require.resolve("../host/config/station.default.json"), "utf8"));
  const bad = (mutate, why) => {
    const c = JSON.parse(JSON.stringify(base));
    mutate(c);
    assert.throws(() => parseStationConfig(c), (e) => { assert.ok(e.message.includes(why), `${e.message} should name ${why}`); return true; });
  };
  bad((c) => { c.csms.securityProfile = 4; }, "/csms/securityProfile");
  bad((c) => { delete c.identity.model; }, "\"model\"");
  bad((c) => { c.identity.stationId = "a:b"; }, "/identity/stationId");
  bad((c) => { c.evses[0].connectors[1].type = "cMagic"; }, "/evses/0/connectors/1/type");
  bad((c) => { c.evses[0].connectors[1].id = 1; }, "ids must be 1 and 2");
  bad((c) => { c.hardware = { uart: "ttyS1", can: "can0" }; }, "/hardware");
  bad((c) => { c.csms.url = "wss://x/ocpp"; }, "/csms/url");
  bad((c) => { c.csms.securityProfile = 1; }, "/csms/basicAuthPassword");
  bad((c) => { c.extra = 1; }, "unknown field \"extra\"");
  bad((c) => { c.deviceModel = { "no dots": "1" }; }, "/deviceModel");
  assert.throws(() => parseStationConfig("{nope"), /not valid JSON/);
  assert.throws(() => loadStationConfig("/nonexistent/station.json"), /cannot read/);
});
