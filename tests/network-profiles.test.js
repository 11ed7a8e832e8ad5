// Network connection profiles (B09, B10) on the host chosen by STATION_HOST, virtual clock. One test CSMS
// serves both profiles: the old one at /ocpp, the new one at /ocpp-new, so every connection attempt shows
// which profile the station used, and the CSMS refuses the upgrades a test wants refused.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { chargingScenario } = require("./helpers/scenario.js");
const { HOST } = require("./helpers/station-host.js");

const profile = (over = {}) => ({
  ocppVersion: "OCPP20", ocppTransport: "JSON", ocppCsmsUrl: "ws://127.0.0.1:1/ocpp", messageTimeout: 30,
  securityProfile: 0, ocppInterface: "Wired0", ...over,
});
const COMM = { name: "OCPPCommCtrlr" };

async function setVariables(s, items) {
  const r = await s.call("SetVariables", { setVariableData: items.map(([name, v]) => ({ component: COMM, variable: { name }, attributeValue: String(v) })) });
  return r.setVariableResult.map((x) => x.attributeStatus);
}

/** Steps 1–6 of TC_B_45/46/49_CS: a profile for the new endpoint in slot 1, priority new first, Reset OnIdle. */
async function migrate(s) {
  const newUrl = s.csms.url.replace(/\/ocpp$/, "/ocpp-new");
  assert.equal((await s.call("SetNetworkProfile", { configurationSlot: 1, connectionData: profile({ ocppCsmsUrl: newUrl }) })).status, "Accepted");
  const [prio] = await setVariables(s, [["NetworkConfigurationPriority", "1,0"]]);
  assert.ok(["Accepted", "RebootRequired"].includes(prio), prio);
  const from = s.csms.attempts.length;
  const bootsBefore = s.csms.count("BootNotification");
  assert.equal((await s.call("Reset", { type: "OnIdle" })).status, "Accepted");
  return { from, bootsBefore };
}

/** Reusable state Booted after the migration's reset: BootNotification RemoteReset, all connectors, ResetOrReboot. */
async function assertBooted(s, bootsBefore) {
  await s.csms.waitFor("BootNotification", bootsBefore + 1, 5000);
  await s.step(2000);
  const i = s.csms.received.findLastIndex((r) => r.method === "BootNotification");
  assert.equal(s.csms.received[i].params.reason, "RemoteReset");
  const after = s.csms.received.slice(i + 1);
  const sn = after.filter((r) => r.method === "StatusNotification").map((r) => [r.params.evseId, r.params.connectorId, r.params.connectorStatus]);
  assert.deepEqual(sn, [[1, 1, "Available"], [1, 2, "Available"]]);
  assert.equal(after.find((r) => r.method === "SecurityEventNotification").params.type, "ResetOrReboot");
}

const endpoints = (s, from) => s.csms.attempts.slice(from).map((a) => `${a.endpoint} ${a.accepted ? "accepted" : "refused"}`);

// Part 6 has no text for TC_B_43_CS; built from use case B09: a profile the station cannot use is Rejected.
test(`[${HOST}] TC_B_43_CS (B09) SetNetworkProfile: a free slot is Accepted; the slot in use, other versions or transports, bad URLs Rejected`, async (t) => {
  const s = await chargingScenario(t);
  const set = async (configurationSlot, over) => (await s.call("SetNetworkProfile", { configurationSlot, connectionData: profile(over) })).status;
  assert.equal(await set(1), "Accepted");
  assert.equal(await set(2, { ocppCsmsUrl: "ws://csms.example:8080/ocpp/v2" }), "Accepted");
  assert.equal(await set(0), "Rejected", "slot 0 is in use");
  assert.equal(await set(3), "Rejected", "no such slot");
  assert.equal(await set(1, { ocppVersion: "OCPP16" }), "Rejected");
  assert.equal(await set(1, { ocppTransport: "SOAP" }), "Rejected");
  assert.equal(await set(1, { ocppCsmsUrl: "http://x/ocpp" }), "Rejected");
  assert.equal(await set(1, { ocppCsmsUrl: "wss://x/ocpp", securityProfile: 1 }), "Rejected", "profile 1 runs over ws://");
  assert.equal(await set(1, { ocppCsmsUrl: "wss://x/ocpp", securityProfile: 2 }), "Accepted", "an upgrade is fine");
});

test(`[${HOST}] TC_B_45_CS migrate to a new profile: after the reset the station connects to the new URL and boots`, async (t) => {
  const s = await chargingScenario(t);
  const { from, bootsBefore } = await migrate(s);
  await s.csms.waitAttempts(from + 1, 5000);
  await assertBooted(s, bootsBefore);
  assert.deepEqual(endpoints(s, from), ["/ocpp-new accepted"]);
  // The new profile stays in use after a power cut too.
  await s.st.powerCycle();
  await s.csms.waitFor("BootNotification", bootsBefore + 2, 5000);
  assert.deepEqual(endpoints(s, from), ["/ocpp-new accepted", "/ocpp-new accepted"]);
});

test(`[${HOST}] TC_B_46_CS the new profile does not connect: after NetworkProfileConnectionAttempts (2) the old one is used`, async (t) => {
  const s = await chargingScenario(t);
  assert.deepEqual(await setVariables(s, [["NetworkProfileConnectionAttempts", 2]]), ["Accepted"]);
  s.csms.admit((h) => h.endpoint !== "/ocpp-new");
  const { from, bootsBefore } = await migrate(s);
  await s.csms.waitAttempts(from + 1, 5000);
  for (let i = 0; i < 30 && s.csms.count("BootNotification") === bootsBefore; i++) await s.step(10_000);
  await assertBooted(s, bootsBefore);
  assert.deepEqual(endpoints(s, from), ["/ocpp-new refused", "/ocpp-new refused", "/ocpp accepted"]);
});

test(`[${HOST}] TC_B_49_CS every profile failed: back to the last one that connected, reconnecting after RetryBackOffWaitMinimum`, async (t) => {
  const s = await chargingScenario(t);
  assert.deepEqual(await setVariables(s, [["NetworkProfileConnectionAttempts", 1], ["RetryBackOffRepeatTimes", 0],
    ["RetryBackOffRandomRange", 0], ["RetryBackOffWaitMinimum", 20]]), ["Accepted", "Accepted", "Accepted", "Accepted"]);
  s.csms.admit(false);
  const { from, bootsBefore } = await migrate(s);
  await s.csms.waitAttempts(from + 1, 5000);
  await s.step(19_000);
  assert.deepEqual(endpoints(s, from), ["/ocpp-new refused"]);
  await s.step(1000);
  await s.csms.waitAttempts(from + 2, 3000);
  assert.deepEqual(endpoints(s, from), ["/ocpp-new refused", "/ocpp refused"]);
  s.csms.admit(true);
  await s.step(19_000);
  assert.equal(s.csms.attempts.length, from + 2, "RetryBackOffWaitMinimum, not doubled (RepeatTimes 0)");
  await s.step(1000);
  await assertBooted(s, bootsBefore);
  assert.deepEqual(endpoints(s, from), ["/ocpp-new refused", "/ocpp refused", "/ocpp accepted"], "the last profile that connected");
});
