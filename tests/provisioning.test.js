// Booting behaviour beyond the certification cases (those are in tests/conformance/b-provisioning.test.js), on the
// host chosen by STATION_HOST with the hardware simulator and the virtual clock: the security events of the
// reusable state Booted (after a Reset, a power cycle, a lost link) and MinimumStatusDuration (C-04).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { chargingScenario } = require("./helpers/scenario.js");
const { HOST } = require("./helpers/station-host.js");

const COMM = { name: "OCPPCommCtrlr" };
const setVar = (name, value) => ({ component: COMM, variable: { name }, attributeValue: String(value) });
const last = (list) => list[list.length - 1];

async function setVariables(s, ...items) {
  const r = await s.call("SetVariables", { setVariableData: items.map(([n, v]) => setVar(n, v)) });
  for (const res of r.setVariableResult) assert.equal(res.attributeStatus, "Accepted", res.variable.name);
}

/** Booted: after the accepted boot, every connector with evseId/connectorId ≠ 0, then the security event. */
function assertBooted(s, { from = 0, type, statuses = ["Available", "Available"] }) {
  const after = s.csms.received.slice(from);
  const sn = after.filter((r) => r.method === "StatusNotification").map((r) => r.params);
  for (const [i, want] of statuses.entries()) {
    const c = sn.filter((p) => p.connectorId === i + 1);
    assert.ok(c.length >= 1, `connector ${i + 1} reported`);
    assert.equal(c[0].connectorStatus, want, `connector ${i + 1}`);
    assert.equal(c[0].evseId, 1);
  }
  const sec = after.findIndex((r) => r.method === "SecurityEventNotification");
  assert.ok(sec >= 0, "SecurityEventNotification after the boot");
  assert.equal(after[sec].params.type, type);
  const lastSn = after.map((r) => r.method).lastIndexOf("StatusNotification");
  assert.ok(lastSn < sec, "the connector statuses come first");
}

test(`[${HOST}] Booted: ResetOrReboot after a Reset, StartupOfTheDevice after a power cycle`, async (t) => {
  const s = await chargingScenario(t);
  assertBooted(s, { type: "StartupOfTheDevice" });
  let before = s.csms.received.length;
  assert.equal((await s.call("Reset", { type: "Immediate" })).status, "Accepted");
  await s.csms.waitFor("BootNotification", 2, 5000);
  await s.step(2000);
  assertBooted(s, { from: before, type: "ResetOrReboot" });
  before = s.csms.received.length;
  await s.st.powerCycle();
  await s.csms.waitFor("BootNotification", 3, 5000);
  await s.step(2000);
  assertBooted(s, { from: before, type: "StartupOfTheDevice" });
  assert.equal(s.sent("SecurityEventNotification").length, 3, "one event per boot");
});

test(`[${HOST}] Booted: a security event survives a lost link and a power cut until the CSMS acknowledges it`, async (t) => {
  let answer = "hang";
  const s = await chargingScenario(t, { csms: { handlers: { SecurityEventNotification: () => (answer === "ok" ? {} : new Promise(() => {})) } } });
  const first = s.sent("SecurityEventNotification");
  assert.equal(first.length, 1);
  // The link drops before the answer: the same event again after the reconnection.
  await s.csms.client().close({ code: 1001, force: true });
  await s.step(45_000);
  await s.csms.waitConnected(2, 3000);
  await s.step(1000);
  assert.equal(s.sent("SecurityEventNotification").length, 2);
  assert.deepEqual(s.sent("SecurityEventNotification")[1], first[0]);
  // Power cut before the answer: the old event is still there, and the new boot adds its own.
  answer = "ok";
  await s.st.powerCycle();
  await s.csms.waitFor("BootNotification", 2, 5000);
  await s.step(2000);
  const all = s.sent("SecurityEventNotification");
  assert.equal(all.length, 4);
  assert.deepEqual(all[2], first[0], "the unacknowledged event first, unchanged");
  assert.equal(all[3].type, "StartupOfTheDevice");
  await s.step(120_000);
  assert.equal(s.sent("SecurityEventNotification").length, 4, "acknowledged events are not sent again");
});

// ---- connector status reports (B01.FR.05, C-04) ---------------------------------------------------------

test(`[${HOST}] C-04 MinimumStatusDuration: a status is reported once it has held that long; one that flips back is never reported`, async (t) => {
  const s = await chargingScenario(t);
  await setVariables(s, ["MinimumStatusDuration", 5]);
  const n = s.sent("StatusNotification").length;
  await s.plug(1);                                   // 0.5 s
  await s.step(3000);
  assert.equal(s.sent("StatusNotification").length, n, "not yet stable for 5 s");
  await s.step(2000);
  assert.deepEqual(s.statuses(1).slice(-1), ["Occupied"]);
  assert.deepEqual(s.statuses(2), ["Available"], "the other connector stays Available (G01, the station decision): nothing new");
  const m = s.sent("StatusNotification").length;
  await s.unplug(1);
  await s.step(1000);
  await s.plug(1);                                   // back to Occupied within 5 s
  await s.step(10_000);
  assert.equal(s.sent("StatusNotification").length, m, "Available never held for 5 s");
  // A triggered report is an answer, not a change: at once.
  await s.call("TriggerMessage", { requestedMessage: "StatusNotification", evse: { id: 1, connectorId: 1 } });
  assert.equal(s.sent("StatusNotification").length, m + 1);
  await setVariables(s, ["MinimumStatusDuration", 0]);
  await s.unplug(1);
  assert.equal(last(s.statuses(1)), "Available", "0: at once");
});
