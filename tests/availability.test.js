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

test(`[${HOST}] TC_G_01_CS / TC_G_02_CS Available → Occupied → Available; the other cable of the EVSE is Unavailable meanwhile`, async (t) => {
  const s = await chargingScenario(t);
  await s.plug(1);
  assert.equal(last(s.statuses(1)), "Occupied");
  assert.equal(last(s.statuses(2)), "Unavailable");
  await s.unplug(1);
  assert.equal(last(s.statuses(1)), "Available");
  assert.equal(last(s.statuses(2)), "Available");
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

test(`[${HOST}] TC_G_03_CS / TC_G_04_CS EVSE inoperative and operative again`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Inoperative", evse: { id: 1 } })).status, "Accepted");
  await s.step(1000);
  assert.equal(last(s.statuses(1)), "Unavailable");
  assert.equal(last(s.statuses(2)), "Unavailable");
  // An inoperative EVSE starts no session.
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  assert.equal(s.events().length, 0);
  assert.equal((await s.call("RequestStartTransaction", { idToken: { idToken: VALID_TOKEN, type: "ISO14443" }, remoteStartId: 1 })).status, "Rejected");
  await s.unplug(1);
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Operative", evse: { id: 1 } })).status, "Accepted");
  await s.step(1000);
  assert.equal(last(s.statuses(1)), "Available");
  assert.equal(last(s.statuses(2)), "Available");
});

test(`[${HOST}] TC_G_05_CS / TC_G_06_CS station inoperative and back; TC_G_12_CS / TC_G_13_CS same state again is Accepted`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Operative" })).status, "Accepted");
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Inoperative" })).status, "Accepted");
  await s.step(1000);
  assert.equal(last(s.statuses(2)), "Unavailable");
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Inoperative" })).status, "Accepted");
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Operative" })).status, "Accepted");
  await s.step(1000);
  assert.equal(last(s.statuses(2)), "Available");
});

test(`[${HOST}] TC_G_07_CS / TC_G_08_CS one connector inoperative and back; unknown EVSE or connector Rejected`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Inoperative", evse: { id: 1, connectorId: 2 } })).status, "Accepted");
  await s.step(1000);
  assert.equal(last(s.statuses(2)), "Unavailable");
  assert.equal(last(s.statuses(1)), "Available");
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Operative", evse: { id: 1, connectorId: 2 } })).status, "Accepted");
  await s.step(1000);
  assert.equal(last(s.statuses(2)), "Available");
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Inoperative", evse: { id: 2 } })).status, "Rejected");
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Inoperative", evse: { id: 1, connectorId: 3 } })).status, "Rejected");
});

test(`[${HOST}] TC_G_09_CS / TC_G_10_CS / TC_G_15_CS a change to the state already in force is Accepted and reports nothing new`, async (t) => {
  const s = await chargingScenario(t);
  const before = s.sent("StatusNotification").length;
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Operative", evse: { id: 1 } })).status, "Accepted");
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Operative", evse: { id: 1, connectorId: 1 } })).status, "Accepted");
  await s.step(1000);
  assert.equal(s.sent("StatusNotification").length, before);
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Inoperative", evse: { id: 1 } })).status, "Accepted");
  await s.step(1000);
  const inoperative = s.sent("StatusNotification").length;
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Inoperative", evse: { id: 1 } })).status, "Accepted");
  await s.step(1000);
  assert.equal(s.sent("StatusNotification").length, inoperative);
  assert.equal(last(s.statuses(1)), "Unavailable");
});

test(`[${HOST}] TC_G_11_CS EVSE inoperative during a transaction is Scheduled and applied when it ends`, async (t) => {
  const s = await chargingScenario(t);
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  await s.ready(1);
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Inoperative", evse: { id: 1 } })).status, "Scheduled");
  await s.step(5000);
  assert.equal(last(s.events()).transactionInfo.chargingState, "Charging", "the transaction goes on");
  await s.swipe(VALID_TOKEN);
  await s.step(3000);
  assert.equal(last(s.events()).eventType, "Ended");
  assert.equal(last(s.statuses(1)), "Unavailable");
  assert.equal(last(s.statuses(2)), "Unavailable");
});

/** The StatusNotifications (evseId, connectorId, status) after the request at index `from` of what the CSMS received. */
const reportsAfter = (s, from) => s.csms.received.slice(from).filter((r) => r.method === "StatusNotification")
  .map((r) => [r.params.evseId, r.params.connectorId, r.params.connectorStatus]);
const endedAt = (s) => s.csms.received.findIndex((r) => r.method === "TransactionEvent" && r.params.eventType === "Ended");

/** EnergyTransferStarted: cable in, card, the EV draws power. */
async function charging(s) {
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  await s.ready(1);
  assert.equal(last(s.events()).transactionInfo.chargingState, "Charging");
}

test(`[${HOST}] TC_G_14_CS station inoperative during a transaction is Scheduled; when it ends every connector is Unavailable`, async (t) => {
  const s = await chargingScenario(t);
  await charging(s);
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Inoperative" })).status, "Scheduled");
  await s.step(10_000);
  assert.equal(last(s.events()).transactionInfo.chargingState, "Charging", "the transaction goes on");
  const end = s.csms.received.length;
  await s.swipe(VALID_TOKEN);          // StopAuthorized ends it (TxStopPoint Authorized)
  await s.step(4000);                  // the Ended once the current has ramped down (E06 end energy)
  assert.ok(endedAt(s) > end, "Ended");
  // Connector 2 has been Unavailable (reported) since the cable of connector 1 went in: nothing new to say.
  assert.deepEqual(reportsAfter(s, end), [[1, 1, "Unavailable"]], "right after the end");
  assert.equal(last(s.statuses(2)), "Unavailable");
  await s.unplug(1);                   // EVDisconnected: still out of service, both of them
  assert.deepEqual(reportsAfter(s, end), [[1, 1, "Unavailable"]]);
  assert.equal(last(s.statuses(2)), "Unavailable");
  assert.equal((await s.call("RequestStartTransaction", { idToken: { idToken: VALID_TOKEN, type: "ISO14443" }, remoteStartId: 2 })).status, "Rejected");
});

// Part 6 has no text for TC_G_16_CS; built from use case G03 like TC_G_10_CS and TC_G_13_CS.
test(`[${HOST}] TC_G_16_CS connector already inoperative: Inoperative again is Accepted and reports nothing new`, async (t) => {
  const s = await chargingScenario(t);
  const connector2 = { operationalStatus: "Inoperative", evse: { id: 1, connectorId: 2 } };
  assert.equal((await s.call("ChangeAvailability", connector2)).status, "Accepted");
  await s.step(1000);
  assert.equal(last(s.statuses(2)), "Unavailable");
  const n = s.sent("StatusNotification").length;
  assert.equal((await s.call("ChangeAvailability", connector2)).status, "Accepted");
  await s.step(1000);
  assert.equal(s.sent("StatusNotification").length, n);
  assert.equal(last(s.statuses(2)), "Unavailable");
  assert.equal(last(s.statuses(1)), "Available", "the other connector is untouched");
});

test(`[${HOST}] TC_G_17_CS connector inoperative during its transaction is Scheduled; Unavailable once the transaction ends`, async (t) => {
  const s = await chargingScenario(t);
  await charging(s);
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Inoperative", evse: { id: 1, connectorId: 1 } })).status, "Scheduled");
  await s.step(10_000);
  assert.equal(last(s.events()).transactionInfo.chargingState, "Charging", "the transaction goes on");
  assert.equal(last(s.statuses(1)), "Occupied");
  const end = s.csms.received.length;
  await s.swipe(VALID_TOKEN);
  await s.step(4000);                  // the Ended once the current has ramped down (E06 end energy)
  assert.ok(endedAt(s) > end, "Ended");
  assert.deepEqual(reportsAfter(s, end).filter(([, c]) => c === 1), [[1, 1, "Unavailable"]], "right after the end, with the EV still there");
  await s.unplug(1);
  assert.equal(last(s.statuses(1)), "Unavailable", "stays out of service");
  assert.equal(last(s.statuses(2)), "Available", "the other cable is free again");
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Operative", evse: { id: 1, connectorId: 1 } })).status, "Accepted");
  await s.step(1000);
  assert.equal(last(s.statuses(1)), "Available");
});

test(`[${HOST}] TC_G_19_CS connector inoperative survives a reset: Booting, then Unavailable and the other Available, ResetOrReboot`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.call("ChangeAvailability", { operationalStatus: "Inoperative", evse: { id: 1, connectorId: 2 } })).status, "Accepted");
  await s.step(1000);
  const from = s.csms.received.length;
  assert.equal((await s.call("Reset", { type: "Immediate" })).status, "Accepted");
  await s.csms.waitFor("BootNotification", 2, 5000);
  await s.step(2000);
  const after = s.csms.received.slice(from);
  assert.equal(after[0].method, "BootNotification");
  assert.equal(after[0].params.reason, "RemoteReset");
  assert.deepEqual(reportsAfter(s, from), [[1, 1, "Available"], [1, 2, "Unavailable"]]);
  const sec = after.findIndex((r) => r.method === "SecurityEventNotification");
  assert.ok(sec > after.map((r) => r.method).lastIndexOf("StatusNotification"), "after the statuses");
  assert.equal(after[sec].params.type, "ResetOrReboot");
});

test(`[${HOST}] TC_G_18_CS / TC_G_21_CS / TC_B_23_CS availability survives a reboot`, async (t) => {
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

test(`[${HOST}] TC_F_12_CS TriggerMessage MeterValues: context Trigger`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "MeterValues" })).status, "Accepted");
  await s.step(500);
  const mv = last(s.sent("MeterValues"));
  assert.equal(mv.evseId, 1);
  assert.equal(mv.meterValue[0].sampledValue[0].context, "Trigger");
});

test(`[${HOST}] TC_F_14_CS TriggerMessage TransactionEvent while charging`, async (t) => {
  const s = await chargingScenario(t);
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  await s.ready(1);
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "TransactionEvent" })).status, "Accepted");
  await s.step(500);
  const e = last(s.events());
  assert.equal(e.triggerReason, "Trigger");
  assert.equal(e.evse.id, 1);
  assert.equal(e.transactionInfo.chargingState, "Charging");
  assert.equal(e.meterValue[0].sampledValue[0].context, "Trigger");
});

test(`[${HOST}] TC_F_15_CS / TC_F_18_CS / TC_F_20_CS triggered LogStatusNotification, FirmwareStatusNotification (Idle) and Heartbeat`, async (t) => {
  const s = await chargingScenario(t);
  for (const m of ["LogStatusNotification", "FirmwareStatusNotification", "Heartbeat"]) {
    assert.equal((await s.call("TriggerMessage", { requestedMessage: m })).status, "Accepted", m);
  }
  await s.step(500);
  assert.equal(last(s.sent("LogStatusNotification")).status, "Idle");
  assert.equal(last(s.sent("FirmwareStatusNotification")).status, "Idle");
  assert.equal(s.sent("Heartbeat").length, 1);
});

test(`[${HOST}] TC_F_23_CS / TC_F_24_CS triggered StatusNotification for one connector`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "StatusNotification", evse: { id: 1, connectorId: 1 } })).status, "Accepted");
  await s.step(500);
  assert.deepEqual(s.statuses(1), ["Available", "Available"]);
  assert.equal(s.statuses(2).length, 1, "only the connector asked for");
  await s.plug(1);
  await s.call("TriggerMessage", { requestedMessage: "StatusNotification", evse: { id: 1, connectorId: 1 } });
  await s.step(500);
  assert.deepEqual(s.statuses(1).slice(-2), ["Occupied", "Occupied"]);
});

// Part 6 has no text for TC_F_11_CS; built from use case F06 (the TC_F_12_CS form with one EVSE named).
test(`[${HOST}] TC_F_11_CS TriggerMessage MeterValues for EVSE 1: that EVSE's values, context Trigger; an unknown EVSE Rejected`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "MeterValues", evse: { id: 1 } })).status, "Accepted");
  await s.step(500);
  const mv = s.sent("MeterValues");
  assert.equal(mv.length, 1);
  assert.equal(mv[0].evseId, 1);
  assert.ok(mv[0].meterValue[0].sampledValue.every((v) => v.context === "Trigger"));
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "MeterValues", evse: { id: 2 } })).status, "Rejected");
  await s.step(500);
  assert.equal(s.sent("MeterValues").length, 1);
});

// Part 6 has no text for TC_F_13_CS; built from use case F06 (the TC_F_14_CS form with one EVSE named).
test(`[${HOST}] TC_F_13_CS TriggerMessage TransactionEvent for EVSE 1 while charging: Updated, Trigger, that transaction`, async (t) => {
  const s = await chargingScenario(t);
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  await s.ready(1);
  const id = last(s.events()).transactionInfo.transactionId;
  const n = s.events().length;
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "TransactionEvent", evse: { id: 1 } })).status, "Accepted");
  await s.step(500);
  const e = s.events().slice(n);
  assert.equal(e.length, 1);
  assert.equal(e[0].eventType, "Updated");
  assert.equal(e[0].triggerReason, "Trigger");
  assert.equal(e[0].transactionInfo.transactionId, id);
  assert.equal(e[0].evse.id, 1);
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "TransactionEvent", evse: { id: 2 } })).status, "Rejected");
});

// Part 6 has no text for TC_F_17_CS; built from use case F06: the EVSE does not matter for this message.
test(`[${HOST}] TC_F_17_CS TriggerMessage FirmwareStatusNotification naming an EVSE: Accepted, Idle`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "FirmwareStatusNotification", evse: { id: 1 } })).status, "Accepted");
  await s.step(500);
  assert.deepEqual(s.sent("FirmwareStatusNotification").map((p) => p.status), ["Idle"]);
});

// Part 6 has no text for TC_F_26_CS; built from use case F06 (F06.FR.17).
test(`[${HOST}] TC_F_26_CS TriggerMessage BootNotification after an accepted boot: Rejected, no BootNotification`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "BootNotification" })).status, "Rejected");
  await s.step(5000);
  assert.equal(s.sent("BootNotification").length, 1);
});

test(`[${HOST}] TC_F_27_CS / F06 TriggerMessage: NotImplemented, unknown EVSE and TransactionEvent without a transaction Rejected`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "SignCombinedCertificate" })).status, "NotImplemented");
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "StatusNotification", evse: { id: 2 } })).status, "Rejected");
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "TransactionEvent" })).status, "Rejected", "no transaction");
});

// TC_F_05/06/10_CS need a detachable cable (HFS-1: No), so this is the F05 behaviour of a fixed-cable station.
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

test(`[${HOST}] TC_P_01_CS DataTransfer with an unknown vendorId`, async (t) => {
  const s = await chargingScenario(t);
  assert.deepEqual(await s.call("DataTransfer", { vendorId: "com.example", messageId: "x", data: "y" }), { status: "UnknownVendorId" });
});
