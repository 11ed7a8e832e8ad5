// Core I scenarios outside the device model: connector status (G01, G02), ChangeAvailability (G03, G04),
// TriggerMessage and UnlockConnector (F05, F06), on the host chosen by
// STATION_HOST with the hardware simulator and the virtual clock.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { chargingScenario, VALID_TOKEN } = require("./helpers/scenario.js");
const { HOST } = require("./helpers/station-host.js");

const last = (list) => list[list.length - 1];

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
