// Booting (B01–B04) and the security events of the reusable state Booted, on the host chosen by STATION_HOST
// with the hardware simulator and the virtual clock: Pending and Rejected boots, offline periods against
// OCPPCommCtrlr.OfflineThreshold, MinimumStatusDuration, SecurityEventNotification after acceptance.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { chargingScenario } = require("./helpers/scenario.js");
const { HOST } = require("./helpers/station-host.js");

const now = () => new Date().toISOString();
const COMM = { name: "OCPPCommCtrlr" };
const setVar = (name, value) => ({ component: COMM, variable: { name }, attributeValue: String(value) });
const methods = (s) => s.csms.received.map((r) => r.method);
const last = (list) => list[list.length - 1];

/** A CSMS whose BootNotification answer the test switches with `boot.status`. */
function switchableBoot(status, interval) {
  const boot = { status, interval };
  return { boot, csms: { handlers: { BootNotification: () => ({ status: boot.status, currentTime: now(), interval: boot.interval }) } } };
}

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

test(`[${HOST}] TC_B_02_CS Pending: variables and the base report are served, nothing else is sent; a triggered boot is sent at once`, async (t) => {
  const { boot, csms } = switchableBoot("Pending", 300);
  const s = await chargingScenario(t, { csms });
  assert.deepEqual(methods(s), ["BootNotification"]);
  await setVariables(s, ["OfflineThreshold", 300]);
  const get = await s.call("GetVariables", { getVariableData: [{ component: COMM, variable: { name: "OfflineThreshold" } }] });
  assert.equal(get.getVariableResult[0].attributeStatus, "Accepted");
  assert.equal(get.getVariableResult[0].attributeValue, "300");
  assert.equal((await s.call("GetBaseReport", { requestId: 41, reportBase: "FullInventory" })).status, "Accepted");
  await s.step(1000);
  const pages = s.sent("NotifyReport");
  assert.ok(pages.length >= 2, "the full inventory takes several pages");
  assert.deepEqual(pages.map((p) => p.seqNo), pages.map((_, i) => i));
  assert.ok(pages.every((p) => p.requestId === 41));
  assert.ok(pages.slice(0, -1).every((p) => p.tbc === true), "tbc on every page but the last");
  assert.ok(!last(pages).tbc, "the last page closes the report");
  assert.equal((await s.call("RequestStartTransaction", { idToken: { idToken: "04A1B2C3D4E5F6", type: "ISO14443" }, remoteStartId: 5 })).status,
    "Rejected", "no transaction before the boot is accepted");
  await s.step(5000);
  assert.deepEqual([...new Set(methods(s))], ["BootNotification", "NotifyReport"], "only what the CSMS asked for while Pending");

  boot.status = "Accepted";
  const before = s.csms.received.length;
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "BootNotification" })).status, "Accepted");
  await s.csms.waitFor("BootNotification", 2, 3000);   // no virtual time passed: long before the 300 s interval
  assert.equal(last(s.sent("BootNotification")).reason, "Triggered");
  await s.step(1000);
  assertBooted(s, { from: before, type: "StartupOfTheDevice" });
  assert.equal(s.events().length, 0);
});

test(`[${HOST}] TC_B_03_CS Rejected: no message at all until the interval has passed, then BootNotification again`, async (t) => {
  const { boot, csms } = switchableBoot("Rejected", 60);
  const s = await chargingScenario(t, { csms });
  for (let i = 0; i < 56; i++) await s.step(1000);   // the scenario already moved 2 s after the boot: now 58 s
  assert.deepEqual(methods(s), ["BootNotification"]);
  assert.equal(s.csms.rawIn.length, 1, "not a single frame besides the first BootNotification");
  boot.status = "Accepted";
  await s.step(1000);
  assert.equal(s.csms.count("BootNotification"), 1, "not before the interval");
  await s.step(1000);
  await s.csms.waitFor("BootNotification", 2, 3000);
  await s.step(1000);
  assertBooted(s, { from: 1, type: "StartupOfTheDevice" });
});

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

// ---- offline periods (B04) ----------------------------------------------------------------------------

/** Connector 2 out of service first, so a connector whose status did not change while offline exists. */
async function offlineScenario(t, { thresholdS, waitS }) {
  const s = await chargingScenario(t);
  await setVariables(s, ["OfflineThreshold", thresholdS], ["RetryBackOffWaitMinimum", waitS], ["RetryBackOffRandomRange", 0]);
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Inoperative", evse: { id: 1, connectorId: 2 } })).status, "Accepted");
  await s.step(1000);
  assert.equal(last(s.statuses(2)), "Unavailable");
  s.csms.admit(false);
  await s.csms.client().close({ code: 1001, force: true });
  await s.step(500);
  await s.plug(1);
  const before = s.csms.received.length;
  s.csms.admit(true);
  return { s, before };
}

const reportedAfter = (s, from) => s.csms.received.slice(from).filter((r) => r.method === "StatusNotification").map((r) => r.params);

test(`[${HOST}] TC_B_51_CS offline longer than OfflineThreshold: every connector is reported on reconnection`, async (t) => {
  const { s, before } = await offlineScenario(t, { thresholdS: 20, waitS: 22 });
  await s.step(20_000);
  assert.equal(s.csms.connections.length, 1, "still offline");
  await s.step(3000);
  await s.csms.waitConnected(2, 3000);
  await s.step(1000);
  const sn = reportedAfter(s, before);
  assert.deepEqual(sn.map((p) => [p.evseId, p.connectorId, p.connectorStatus]), [[1, 1, "Occupied"], [1, 2, "Unavailable"]]);
});

test(`[${HOST}] TC_B_52_CS offline shorter than OfflineThreshold: only the connector that changed is reported`, async (t) => {
  const { s, before } = await offlineScenario(t, { thresholdS: 20, waitS: 18 });
  await s.step(19_000);
  await s.csms.waitConnected(2, 3000);
  await s.step(1000);
  const sn = reportedAfter(s, before);
  assert.deepEqual(sn.map((p) => [p.evseId, p.connectorId, p.connectorStatus]), [[1, 1, "Occupied"]]);
});

test(`[${HOST}] C-04 MinimumStatusDuration: a status is reported once it has held that long; one that flips back is never reported`, async (t) => {
  const s = await chargingScenario(t);
  await setVariables(s, ["MinimumStatusDuration", 5]);
  const n = s.sent("StatusNotification").length;
  await s.plug(1);                                   // 0.5 s
  await s.step(3000);
  assert.equal(s.sent("StatusNotification").length, n, "not yet stable for 5 s");
  await s.step(2000);
  assert.deepEqual(s.statuses(1).slice(-1), ["Occupied"]);
  assert.deepEqual(s.statuses(2), ["Available"], "the other connector of the EVSE stays Available (B_22/B_51/G_14)");
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
