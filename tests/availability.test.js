// Core I scenarios outside the device model: connector status (G01, G02), ChangeAvailability (G03, G04),
// Reset (B11, B12), TriggerMessage and UnlockConnector (F05, F06), DataTransfer (P01), on the host chosen by
// STATION_HOST with the hardware simulator and the virtual clock.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { chargingScenario, VALID_TOKEN } = require("./helpers/scenario.js");
const { HOST } = require("./helpers/station-host.js");

const last = (list) => list[list.length - 1];

test(`[${HOST}] TC_B_01_CS after an accepted boot every connector is reported Available`, async (t) => {
  const s = await chargingScenario(t);
  assert.deepEqual(s.statuses(1), ["Available"]);
  assert.deepEqual(s.statuses(2), ["Available"]);
  assert.deepEqual(s.sent("StatusNotification").map((p) => p.evseId), [1, 1]);
});

test(`[${HOST}] G05 a power-module fault makes the connectors Faulted, and clearing it Available`, async (t) => {
  const s = await chargingScenario(t);
  s.sim.module.fault(0x0004);
  await s.step(2000);
  assert.equal(last(s.statuses(1)), "Faulted");
  assert.equal(last(s.statuses(2)), "Faulted");
  s.sim.module.fault(0);
  await s.step(2000);
  assert.equal(last(s.statuses(1)), "Available");
});

test(`[${HOST}] G03 ChangeAvailability for an unknown EVSE or connector is Rejected`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Inoperative", evse: { id: 2 } })).status, "Rejected");
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Inoperative", evse: { id: 1, connectorId: 3 } })).status, "Rejected");
});

test(`[${HOST}] TC_B_23_CS availability survives a reboot`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Inoperative", evse: { id: 1, connectorId: 1 } })).status, "Accepted");
  await s.step(1000);
  await s.st.powerCycle();
  await s.csms.waitFor("BootNotification", 2);
  await s.step(3000);
  assert.equal(last(s.statuses(1)), "Unavailable");
  assert.equal(last(s.statuses(2)), "Available");
  assert.equal((await s.call("Reset", { type: "OnIdle" })).status, "Accepted");
  await s.csms.waitFor("BootNotification", 3);
  await s.step(3000);
  assert.equal(last(s.sent("BootNotification")).reason, "RemoteReset");
  assert.equal(last(s.statuses(1)), "Unavailable", "still inoperative after the reset");
});

test(`[${HOST}] TC_B_20_CS Reset OnIdle without a transaction: reboot, BootNotification RemoteReset, connectors reported`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.call("Reset", { type: "OnIdle" })).status, "Accepted");
  await s.step(2000);
  await s.csms.waitFor("BootNotification", 2);
  await s.step(2000);
  assert.equal(last(s.sent("BootNotification")).reason, "RemoteReset");
  assert.equal(s.statuses(1).length, 2, "connector 1 reported again after the reboot");
});

test(`[${HOST}] TC_B_21_CS Reset OnIdle during a transaction is Scheduled until it ends`, async (t) => {
  const s = await chargingScenario(t);
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  await s.ready(1);
  assert.equal((await s.call("Reset", { type: "OnIdle" })).status, "Scheduled");
  await s.step(60_000);
  assert.equal(s.sent("BootNotification").length, 1, "no reboot while charging");
  await s.unplug(1);          // the transaction ends; the reboot follows once its messages are out
  await s.step(3000);
  await s.csms.waitFor("BootNotification", 2);
  assert.equal(last(s.sent("BootNotification")).reason, "RemoteReset");
  assert.equal(s.events().filter((e) => e.eventType === "Ended").length, 1);
});

test(`[${HOST}] TC_B_22_CS Reset Immediate ends the transaction (ResetCommand, ImmediateReset) before rebooting`, async (t) => {
  const s = await chargingScenario(t);
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  await s.ready(1);
  assert.equal((await s.call("Reset", { type: "Immediate" })).status, "Accepted");
  await s.step(2000);
  await s.csms.waitFor("BootNotification", 2);
  const end = s.events().find((e) => e.eventType === "Ended");
  assert.ok(end);
  assert.equal(end.triggerReason, "ResetCommand");
  assert.equal(end.transactionInfo.stoppedReason, "ImmediateReset");
  assert.equal(end.transactionInfo.chargingState, "EVConnected");
  assert.equal(end.idToken, undefined);
  const endAt = s.csms.received.findIndex((r) => r.method === "TransactionEvent" && r.params.eventType === "Ended");
  const bootAt = s.csms.received.findIndex((r, i) => i > 0 && r.method === "BootNotification");
  assert.ok(endAt < bootAt, "Ended delivered before the reboot");
  assert.equal(last(s.sent("BootNotification")).reason, "RemoteReset");
});

test(`[${HOST}] TC_B_28_CS / TC_B_29_CS Reset of one EVSE is not supported (C-13): Rejected`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.call("Reset", { type: "OnIdle", evseId: 1 })).status, "Rejected");
  await s.plug(1);
  assert.equal((await s.call("Reset", { type: "Immediate", evseId: 1 })).status, "Rejected");
  await s.step(15_000);
  assert.equal(s.sent("BootNotification").length, 1);
});

test(`[${HOST}] F06 TriggerMessage: an unknown EVSE, and TransactionEvent without a transaction, Rejected`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "StatusNotification", evse: { id: 2 } })).status, "Rejected");
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "MeterValues", evse: { id: 2 } })).status, "Rejected");
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "TransactionEvent" })).status, "Rejected", "no transaction");
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "TransactionEvent", evse: { id: 2 } })).status, "Rejected");
  await s.step(500);
  assert.equal(s.sent("MeterValues").length, 0, "nothing sent for a rejected trigger");
});

// The F05 certification cases need a detachable cable (HFS-1: No), so this is the F05 behaviour of a fixed-cable station.
test(`[${HOST}] F05 UnlockConnector on fixed cables: UnlockFailed (FixedCable), UnknownConnector, OngoingAuthorizedTransaction`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.call("UnlockConnector", { evseId: 1, connectorId: 3 })).status, "UnknownConnector");
  assert.equal((await s.call("UnlockConnector", { evseId: 2, connectorId: 1 })).status, "UnknownConnector");
  assert.deepEqual(await s.call("UnlockConnector", { evseId: 1, connectorId: 1 }), { status: "UnlockFailed", statusInfo: { reasonCode: "FixedCable" } });
  await s.plug(1);
  assert.deepEqual(await s.call("UnlockConnector", { evseId: 1, connectorId: 2 }), { status: "UnlockFailed", statusInfo: { reasonCode: "FixedCable" } },
    "the other cable, not in the transaction");
  await s.swipe(VALID_TOKEN);
  assert.equal((await s.call("UnlockConnector", { evseId: 1, connectorId: 1 })).status, "OngoingAuthorizedTransaction");
});
