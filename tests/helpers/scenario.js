// A charging scenario for the certification tests: the strict test CSMS, the station on the host chosen by
// STATION_HOST with the hardware simulator, and the manual actions of Part 6 (plug in, present a card, EV
// ready, unplug) as calls. Everything runs on the virtual clock.
"use strict";
const { startCsms } = require("./csms.js");
const { startTestStation, HOST } = require("./station-host.js");

const VALID_TOKEN = "04A1B2C3D4E5F6";
const OTHER_TOKEN = "04112233445566";

async function chargingScenario(t, { csms: csmsOptions = {}, station: stationOptions = {}, boot = true } = {}) {
  const csms = await startCsms(csmsOptions);
  // Clock-aligned samples off (AlignedDataCtrlr.Interval 0, not the 900 s default) unless a test asks for them:
  // whether one lands in a window a test counts messages in would depend on the time of day.
  // SettingSystemTime off (a threshold of 68 years) for the same reason: the virtual clock starts at 2026-01-01 and
  // runs ahead of the CSMS's currentTime, the real time, so a boot and every heartbeat would set the station's
  // clock by far more than the default threshold. tests/security-events.test.js sets it where it tests the event.
  const config = { "dm:AlignedDataCtrlr.Interval": "0", "dm:ClockCtrlr.TimeAdjustmentReportingThreshold": "2147483647",
    ...(stationOptions.config || {}) };
  const st = await startTestStation({ csmsUrl: csms.url, stationId: "CS001", sim: true, ...stationOptions, config });
  t.after(() => { st.stop(); csms.close(); });
  const sim = st.sim;
  if (!sim) throw new Error("the station host gave no simulator (sim: true)");
  const quiet = csms.quiet;
  const advance = async (ms) => { await st.advance(ms); await quiet(); };
  const s = {
    csms, st, sim, HOST,
    /** Moves virtual time (the drivers and the simulator move with it). */
    step: advance,
    plug: async (c = 1) => { sim.ev(c).plug(); await advance(500); },
    ready: async (c = 1, ready = true) => { sim.ev(c).setReady(ready); await advance(1500); },
    unplug: async (c = 1) => { sim.ev(c).unplug(); await advance(500); },
    swipe: async (uid = VALID_TOKEN) => { sim.reader.present(uid, 400); await advance(1000); },
    call: async (method, params) => { const r = await csms.client().call(method, params); await quiet(); return r; },
    /** TransactionEvent requests the CSMS received, in order. */
    events: () => csms.received.filter((r) => r.method === "TransactionEvent").map((r) => r.params),
    statuses: (connectorId = 1) => csms.received.filter((r) => r.method === "StatusNotification" && r.params.connectorId === connectorId)
      .map((r) => r.params.connectorStatus),
    sent: (method) => csms.received.filter((r) => r.method === method).map((r) => r.params),
  };
  /** SetVariables of one variable (instance optional); its attributeStatus. */
  s.setVariable = async (component, name, attributeValue, instance) => {
    const variable = instance ? { name, instance } : { name };
    const r = await s.call("SetVariables", { setVariableData: [{ component: { name: component }, variable, attributeValue }] });
    return r.setVariableResult[0].attributeStatus;
  };
  /** GetVariables of one variable; its result (attributeStatus, attributeValue). */
  s.getVariable = async (component, name, instance) => {
    const variable = instance ? { name, instance } : { name };
    return (await s.call("GetVariables", { getVariableData: [{ component: { name: component }, variable }] })).getVariableResult[0];
  };
  /** Station time on the virtual clock (ms). */
  s.now = () => st.now();
  /** The EV stops taking energy (reusable state EnergyTransferSuspended). */
  s.suspend = async (c = 1) => { sim.ev(c).stopCharging(); await advance(1500); };
  /** The CSMS closes the WebSocket and refuses reconnects (the station's link is down) until csmsBack(). */
  s.csmsGone = async () => {
    const c = csms.client();
    if (c) await c.close({ code: 1001, force: true });
    await st.setNetwork(false);
    await quiet();
  };
  s.csmsBack = async () => { await st.setNetwork(true); await quiet(); };
  /** Steps of `ms` until the station opened connection number n (at most maxMs). */
  s.stepUntilConnected = async (n, maxMs, ms = 500) => {
    for (let waited = 0; csms.connections.length < n && waited < maxMs; waited += ms) await advance(ms);
    return csms.connections.length >= n;
  };
  if (boot) {
    await csms.waitFor("BootNotification");
    await advance(2000);
  }
  return s;
}

/** Checks what every transaction's events must satisfy: seqNo 0.. contiguous, one Started first, one Ended last. */
function assertWellFormed(assert, events) {
  const byTx = new Map();
  for (const e of events) {
    const id = e.transactionInfo.transactionId;
    if (!byTx.has(id)) byTx.set(id, []);
    byTx.get(id).push(e);
  }
  for (const [id, list] of byTx) {
    assert.deepEqual(list.map((e) => e.seqNo), list.map((_, i) => i), `seqNo of ${id}`);
    assert.equal(list[0].eventType, "Started", `${id} begins with Started`);
    assert.equal(list.filter((e) => e.eventType === "Started").length, 1, `${id} has one Started`);
    assert.ok(list.filter((e) => e.eventType === "Ended").length <= 1, `${id} has at most one Ended`);
  }
  return byTx;
}

module.exports = { chargingScenario, assertWellFormed, VALID_TOKEN, OTHER_TOKEN };
