// Block F (remote control) of Part 6: remote start (F01, F02), remote stop (F03) and TriggerMessage (F06), each
// built from its case: Before states, steps in order, tool validations.
// Station configuration assumed: the station's defaults (TxStartPoint and TxStopPoint EVConnected,Authorized,
// AuthCtrlr.AuthorizeRemoteStart false and read-only: C-48.2, EVConnectionTimeOut 60 s), one EVSE (id 1) with two
// fixed-cable connectors; <Configured evseId> 1, <Configured connectorId> 1, the configured idToken ISO14443.
// Connector status is reported with StatusNotification, so the NotifyEvent alternatives do not apply.
// Not here: TC_F_02_CS (AuthorizeRemoteStart cannot be true, C-48.1 No); TC_F_05/06/07/10_CS (UnlockConnector
// needs a detachable cable, HFS-1 No); TC_F_19_CS (UpdateFirmware, a later issue). TC_F_16_CS uploads to
// tests/helpers/file-server.js (<Configured log_location>), whose route never answers, so the upload stays Uploading.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { conformance, states, txEventsSince, EVSE_ID, CONNECTOR_ID, ID_TOKEN } = require("./states.js");
const { HOST } = require("../helpers/station-host.js");
const { startFileServer } = require("../helpers/file-server.js");
const { GUEST_HOST } = require("../../host/node/mcu-station.js");

const trigger = (s, requestedMessage, evse) => s.call("TriggerMessage", evse ? { requestedMessage, evse } : { requestedMessage });

/** Configuration State of the remote start cases: AuthCtrlr.Enabled true (implemented, ReadWrite);
 *  DisableRemoteAuthorization is not implemented (C-58 No). */
async function remoteStartConfiguration(s) {
  await s.configure({ "AuthCtrlr.Enabled": true });
}

// ---- F01 / F02 remote start ------------------------------------------------------------------------------

test(`[${HOST}] TC_F_01_CS Remote start transaction - Cable plugin first`, async (t) => {
  const s = await conformance(t);
  // Before
  await remoteStartConfiguration(s);
  await states.evConnectedPreSession(s);            // Occupied; Started (TxStartPoint EVConnected)
  // Main
  // Step 1: Authorized (remote): Accepted with the transactionId of the running transaction, no Authorize
  // (AuthorizeRemoteStart false), Updated RemoteStart with remoteStartId and the idToken.
  const { events } = await states.authorized(s, { remote: true, remoteStartId: 42 });
  assert.equal(events[0].eventType, "Updated", "step 1: the transaction started at the plug-in goes on");
  // Step 2: EnergyTransferStarted (ChargingStateChanged, Charging).
  await states.energyTransferStarted(s);
});

test(`[${HOST}] TC_F_03_CS Remote start transaction - Remote start first - AuthorizeRemoteStart is false`, async (t) => {
  const s = await conformance(t);
  // Before: AuthorizeRemoteStart false (read-only on this station, so it is checked, not set).
  await remoteStartConfiguration(s);
  const ars = await s.getVariable("AuthCtrlr", "AuthorizeRemoteStart");
  assert.equal(ars.attributeValue, "false", "Configuration State: AuthorizeRemoteStart false");
  await states.parkingBayOccupied(s);               // optional; no bay sensor
  // Main
  // Step 1: Authorized (remote); the state's RequestStartTransactionRequest carries evseId <Configured evseId>
  // (Authorized B step 1): Accepted, no AuthorizeRequest, the first
  // TransactionEvent is Started (TxStartPoint Authorized) with triggerReason RemoteStart, remoteStartId and the
  // idToken (checked by the state).
  const mark = s.mark();
  const { events } = await states.authorized(s, { remote: true, remoteStartId: 7 });
  assert.equal(events[0].eventType, "Started", "step 1: Started");
  assert.deepEqual(events[0].idToken, ID_TOKEN, "step 1: Started carries the idToken");
  assert.equal(s.sentSince(mark, "Authorize").length, 0, "step 1: no AuthorizeRequest");
  // Errata 2025-01 §6.2.28 removed the StatusNotification Occupied from Authorized B: with no cable yet the
  // connector is still Available (G01: Available -> Occupied on cable plug-in); Occupied is reported at the plug-in
  // of step 2 (EnergyTransferStarted step 1, checked there).
  assert.deepEqual(s.statusesSince(mark), [], "step 1: no connector status change before the cable");
  // Step 2: EnergyTransferStarted: cable in (Occupied, CablePluggedIn / EVConnected), then Charging.
  await states.energyTransferStarted(s);
});

// Errata 2025-01 §6.2.14 removed the prerequisite on TxStartPoint; the Configuration State still sets it to
// ParkingBayOccupancy OR Authorized, so the lab sets Authorized (C-09.2; ParkingBayOccupancy is C-09.6 No).
test(`[${HOST}] TC_F_04_CS Remote start transaction - Remote start first - Cable plugin timeout`, async (t) => {
  const timeoutS = 30;
  const s = await conformance(t, { config: { "dm:TxCtrlr.TxStartPoint": "Authorized" } });
  // Before
  await s.configure({ "TxCtrlr.EVConnectionTimeOut": timeoutS, "AuthCtrlr.Enabled": true });
  await states.authorized(s, { remote: true, remoteStartId: 8 });   // Accepted; Started RemoteStart
  assert.ok(s.tx.started && !s.tx.ended, "Before: the transaction started at the authorization");
  // Main
  let mark = s.mark();
  await s.step((timeoutS - 2) * 1000);
  assert.equal(txEventsSince(s, mark, "before the time-out").filter((e) => e.eventType === "Ended").length, 0,
    "step 1 comes after <Configured ev_connection_timeout>, not before");
  await s.step(4000);
  // Step 1 / tool validations: TransactionEvent Ended, triggerReason EVConnectTimeout.
  const ended = txEventsSince(s, mark, "step 1").filter((e) => e.eventType === "Ended");
  assert.equal(ended.length, 1, "step 1: TransactionEventRequest eventType Ended");
  assert.equal(ended[0].triggerReason, "EVConnectTimeout", "step 1: triggerReason EVConnectTimeout");
  assert.ok(s.tx.ended, "step 1 ended the transaction");
  // Step 3: Authorized (remote) again: the EVSE is ready for another session (Accepted, a new Started RemoteStart).
  const first = s.tx.id;
  mark = s.mark();
  const { events } = await states.authorized(s, { remote: true, remoteStartId: 9 });
  assert.equal(events[0].eventType, "Started", "step 3: a new transaction");
  assert.notEqual(s.tx.id, first, "step 3: a new transactionId");
});

// ---- F03 remote stop ------------------------------------------------------------------------------------

test(`[${HOST}] TC_F_08_CS Remote stop transaction - Success`, async (t) => {
  const s = await conformance(t);
  // Before
  await states.energyTransferStarted(s);
  // Main: step 1, StopAuthorized (remote): Accepted; RemoteStop; Ended with stoppedReason Remote (TxStopPoint
  // Authorized), chargingState EVConnected.
  const { events } = await states.stopAuthorized(s, { remote: true });
  assert.ok(events.some((e) => e.eventType === "Ended"), "step 1: the transaction ended");
});

test(`[${HOST}] TC_F_09_CS Remote stop transaction - Rejected`, async (t) => {
  const s = await conformance(t);
  // Before
  await states.energyTransferStarted(s);
  // Main
  const other = s.tx.id === "not-the-transaction" ? "another-transaction" : "not-the-transaction";
  const mark = s.mark();
  const r = await s.call("RequestStopTransaction", { transactionId: other });   // step 1
  await s.step(2000);
  // Tool validations
  assert.equal(r.status, "Rejected", "step 2: RequestStopTransactionResponse Rejected");
  assert.equal(txEventsSince(s, mark, "after step 2").filter((e) => e.eventType === "Ended").length, 0, "the transaction goes on");
});

// ---- F06 TriggerMessage ---------------------------------------------------------------------------------

// Part 6 has no text for TC_F_11_CS (Part 5: MeterValues - Specific EVSE). Built from use case F06 in the form of
// TC_F_12_CS with evse.id <Configured evseId> in the request: Accepted, one MeterValuesRequest for that EVSE with
// context Trigger.
test(`[${HOST}] TC_F_11_CS Trigger message - MeterValues - Specific EVSE`, async (t) => {
  const s = await conformance(t);
  // Main
  const mark = s.mark();
  const r = await trigger(s, "MeterValues", { id: EVSE_ID });
  await s.step(1000);
  // Tool validations
  assert.equal(r.status, "Accepted", "step 2: TriggerMessageResponse Accepted");
  const mv = s.sentSince(mark, "MeterValues");
  assert.equal(mv.length, 1, "step 3: one MeterValuesRequest");
  assert.equal(mv[0].evseId, EVSE_ID, "step 3: evseId <Configured evseId>");
  assert.equal(mv[0].meterValue[0].sampledValue[0].context, "Trigger", "step 3: meterValue[0].sampledValue[0].context Trigger");
});

test(`[${HOST}] TC_F_12_CS Trigger message - MeterValues - All EVSE`, async (t) => {
  const s = await conformance(t);
  // Main
  const mark = s.mark();
  const r = await trigger(s, "MeterValues");        // evse omitted
  await s.step(1000);
  // Tool validations
  assert.equal(r.status, "Accepted", "step 2: TriggerMessageResponse Accepted");
  const mv = s.sentSince(mark, "MeterValues");
  assert.deepEqual(mv.map((p) => p.evseId), [EVSE_ID], "step 3: a MeterValuesRequest for every EVSE");
  for (const p of mv) assert.equal(p.meterValue[0].sampledValue[0].context, "Trigger", "step 3: meterValue[0].sampledValue[0].context Trigger");
});

/** The F_13 / F_14 validations of the triggered TransactionEvent. */
function assertTriggeredEvent(s, mark, why) {
  const list = txEventsSince(s, mark, why);
  assert.equal(list.length, 1, `${why}: one TransactionEventRequest`);
  const e = list[0];
  assert.equal(e.evse && e.evse.id, EVSE_ID, `${why}: evse.id <Configured evseId>`);
  assert.equal(e.triggerReason, "Trigger", `${why}: triggerReason Trigger`);
  assert.equal(e.transactionInfo.chargingState, "Charging", `${why}: transactionInfo.chargingState Charging`);
  assert.ok(Array.isArray(e.meterValue) && e.meterValue.length > 0, `${why}: meterValue present`);
  assert.equal(e.meterValue[0].sampledValue[0].context, "Trigger", `${why}: meterValue[0].sampledValue[0].context Trigger`);
}

// Part 6 has no text for TC_F_13_CS (Part 5: TransactionEvent - Specific EVSE). Built from use case F06 in the
// form of TC_F_14_CS with evse.id <Configured evseId> in the request.
test(`[${HOST}] TC_F_13_CS Trigger message - TransactionEvent - Specific EVSE`, async (t) => {
  const s = await conformance(t);
  // Before
  await states.energyTransferStarted(s);
  // Main
  const mark = s.mark();
  const r = await trigger(s, "TransactionEvent", { id: EVSE_ID });
  await s.step(1000);
  // Tool validations
  assert.equal(r.status, "Accepted", "step 2: TriggerMessageResponse Accepted");
  assertTriggeredEvent(s, mark, "step 3");
});

test(`[${HOST}] TC_F_14_CS Trigger message - TransactionEvent - All EVSE`, async (t) => {
  const s = await conformance(t);
  // Before: EnergyTransferStarted for all EVSE (one).
  await states.energyTransferStarted(s);
  // Main
  const mark = s.mark();
  const r = await trigger(s, "TransactionEvent");   // evse omitted
  await s.step(1000);
  // Tool validations
  assert.equal(r.status, "Accepted", "step 2: TriggerMessageResponse Accepted");
  assertTriggeredEvent(s, mark, "step 3 (every EVSE)");
});

test(`[${HOST}] TC_F_15_CS Trigger message - LogStatusNotification - Idle`, async (t) => {
  const s = await conformance(t);
  // Main
  const mark = s.mark();
  const r = await trigger(s, "LogStatusNotification");
  await s.step(1000);
  // Tool validations
  assert.equal(r.status, "Accepted", "step 2: TriggerMessageResponse Accepted");
  const sent = s.sentSince(mark, "LogStatusNotification");
  assert.equal(sent.length, 1, "step 3: a LogStatusNotificationRequest");
  assert.equal(sent[0].status, "Idle", "step 3: status Idle");
});

test(`[${HOST}] TC_F_16_CS Trigger message - LogStatusNotification - Uploading`, async (t) => {
  const server = await startFileServer();
  t.after(() => server.close());
  server.stall("/logs");   // the upload takes longer than the case
  // The emulated board reaches the host's loopback only on the ports it is given, at GUEST_HOST.
  const s = await conformance(t, { station: { forwardPorts: [server.port] } });
  const logLocation = `http://${HOST === "mcu" ? GUEST_HOST : "127.0.0.1"}:${server.port}/logs`;
  // Main step 1: GetLogRequest logType DiagnosticsLog, log.remoteLocation <Configured log_location>.
  const mark = s.mark();
  const r = await s.call("GetLog", { logType: "DiagnosticsLog", requestId: 16, log: { remoteLocation: logLocation } });
  await s.step(1000);
  // Tool validations, step 2: GetLogResponse Accepted; step 3: LogStatusNotificationRequest Uploading.
  assert.equal(r.status, "Accepted", "step 2: GetLogResponse Accepted");
  assert.deepEqual(s.sentSince(mark, "LogStatusNotification").map((p) => p.status), ["Uploading"], "step 3: status Uploading");
  // Step 5: TriggerMessageRequest requestedMessage LogStatusNotification.
  const m2 = s.mark();
  const tr = await trigger(s, "LogStatusNotification");
  await s.step(1000);
  // Step 6: TriggerMessageResponse Accepted; step 7: LogStatusNotificationRequest Uploading (with the requestId,
  // which the schema requires while an upload runs).
  assert.equal(tr.status, "Accepted", "step 6: TriggerMessageResponse Accepted");
  const sent = s.sentSince(m2, "LogStatusNotification");
  assert.equal(sent.length, 1, "step 7: a LogStatusNotificationRequest");
  assert.equal(sent[0].status, "Uploading", "step 7: status Uploading");
  assert.equal(sent[0].requestId, 16, "step 7: the GetLogRequest's requestId");
});

// Part 6 has no text for TC_F_17_CS (Part 5: FirmwareStatusNotification - Specific EVSE not relevant). Built from
// use case F06 in the form of TC_F_18_CS with an evse in the request: the EVSE does not matter for this message,
// so the trigger is Accepted and the FirmwareStatusNotificationRequest (Idle) is sent.
test(`[${HOST}] TC_F_17_CS Trigger message - FirmwareStatusNotification - Specific EVSE not relevant`, async (t) => {
  const s = await conformance(t);
  // Main
  const mark = s.mark();
  const r = await trigger(s, "FirmwareStatusNotification", { id: EVSE_ID });
  await s.step(1000);
  // Tool validations
  assert.equal(r.status, "Accepted", "step 2: TriggerMessageResponse Accepted");
  assert.deepEqual(s.sentSince(mark, "FirmwareStatusNotification").map((p) => p.status), ["Idle"], "step 3: status Idle");
});

test(`[${HOST}] TC_F_18_CS Trigger message - FirmwareStatusNotification - Idle`, async (t) => {
  const s = await conformance(t);
  // Main
  const mark = s.mark();
  const r = await trigger(s, "FirmwareStatusNotification");
  await s.step(1000);
  // Tool validations
  assert.equal(r.status, "Accepted", "step 2: TriggerMessageResponse Accepted");
  assert.deepEqual(s.sentSince(mark, "FirmwareStatusNotification").map((p) => p.status), ["Idle"], "step 3: status Idle");
});

test(`[${HOST}] TC_F_20_CS Trigger message - Heartbeat`, async (t) => {
  const s = await conformance(t);
  // Main
  const mark = s.mark();
  const r = await trigger(s, "Heartbeat");
  await s.step(1000);
  // Tool validations
  assert.equal(r.status, "Accepted", "step 2: TriggerMessageResponse Accepted");
  assert.equal(s.sentSince(mark, "Heartbeat").length, 1, "step 3: a HeartbeatRequest");
});

/** Step 3 of F_23 / F_24: a StatusNotification of the configured connector with `status`, and only that one. */
function assertTriggeredStatus(s, mark, status) {
  const sent = s.sentSince(mark, "StatusNotification");
  assert.equal(sent.length, 1, "step 3: one StatusNotificationRequest (the connector asked for)");
  assert.equal(sent[0].evseId, EVSE_ID, "step 3: evseId");
  assert.equal(sent[0].connectorId, CONNECTOR_ID, "step 3: connectorId");
  assert.equal(sent[0].connectorStatus, status, `step 3: connectorStatus ${status}`);
}

test(`[${HOST}] TC_F_23_CS Trigger message - StatusNotification - Specific EVSE - Available`, async (t) => {
  const s = await conformance(t);
  // Main
  const mark = s.mark();
  const r = await trigger(s, "StatusNotification", { id: EVSE_ID, connectorId: CONNECTOR_ID });
  await s.step(1000);
  // Tool validations
  assert.equal(r.status, "Accepted", "step 2: TriggerMessageResponse Accepted");
  assertTriggeredStatus(s, mark, "Available");
});

test(`[${HOST}] TC_F_24_CS Trigger message - StatusNotification - Specific EVSE - Occupied`, async (t) => {
  const s = await conformance(t);
  // Before
  await states.evConnectedPreSession(s);
  // Main
  const mark = s.mark();
  const r = await trigger(s, "StatusNotification", { id: EVSE_ID, connectorId: CONNECTOR_ID });
  await s.step(1000);
  // Tool validations
  assert.equal(r.status, "Accepted", "step 2: TriggerMessageResponse Accepted");
  assertTriggeredStatus(s, mark, "Occupied");
});

// Part 6 has no text for TC_F_26_CS (Part 5: BootNotification - Rejected). Built from use case F06 (F06.FR.17):
// once the boot is accepted, a TriggerMessage for BootNotification is Rejected and no BootNotification follows.
test(`[${HOST}] TC_F_26_CS Trigger message - BootNotification - Rejected`, async (t) => {
  const s = await conformance(t);
  // Main
  const mark = s.mark();
  const r = await trigger(s, "BootNotification");
  await s.step(5000);
  // Tool validations
  assert.equal(r.status, "Rejected", "step 2: TriggerMessageResponse Rejected");
  assert.equal(s.sentSince(mark, "BootNotification").length, 0, "no BootNotificationRequest");
});

test(`[${HOST}] TC_F_27_CS Trigger message - NotImplemented`, async (t) => {
  const s = await conformance(t);
  // Main
  const r = await trigger(s, "SignCombinedCertificate");
  // Tool validations
  assert.equal(r.status, "NotImplemented", "step 2: TriggerMessageResponse NotImplemented");
});
