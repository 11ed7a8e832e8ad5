// Block E (transactions while online) of Part 6, built from the cases: each test sets the case's Configuration
// State, plays its Before states and Main steps in order (tests/conformance/states.js for the reusable states)
// and asserts its tool validations, with the step in every message.
// Station configuration assumed (docs/architecture.md): TxStartPoint and TxStopPoint "EVConnected,Authorized"
// unless a case's Configuration State sets them; AuthorizeRemoteStart false (C-48.2, read-only);
// StopTxOnEVSideDisconnect true (C-06.2, read-only); UnlockOnEVSideDisconnect false (C-12.2, read-only);
// EVConnectionTimeOut 60 s; fixed cables (no detachable cable: the "Charging Station side" manual actions are
// skipped); one DC EVSE with two connectors; no parking bay sensor (ParkingBayOccupied/Unoccupied do nothing).
// The offline and queue cases E_16/29/33/40/43/45/50/51 live with block C's offline tests, not here.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { HOST } = require("../helpers/station-host.js");
const { VALID_TOKEN } = require("../helpers/scenario.js");
const { checkTransactions } = require("../tools/tx-checker.js");
const { conformance, states, ID_TOKEN, EVSE_ID, CONNECTOR_ID, txEventsSince, assertStatus } = require("./states.js");

const last = (list) => list[list.length - 1];
const energyOf = (mv) => {
  for (const m of mv || []) {
    const v = m.sampledValue.find((x) => x.measurand === "Energy.Active.Import.Register");
    if (v) return Number(v.value);
  }
  return undefined;
};
/** The Transaction.End energy register value of an Ended event. */
const endEnergy = (ev) => {
  const items = (ev.meterValue || []).flatMap((m) => m.sampledValue).filter((v) => v.context === "Transaction.End" && v.measurand === "Energy.Active.Import.Register");
  assert.equal(items.length, 1, "the Ended carries one Transaction.End energy register value");
  return Number(items[0].value);
};
/** The station's energy register as a MeterValues answer to TriggerMessage reports it. */
async function reportedEnergy(s) {
  const n = s.csms.count("MeterValues");
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "MeterValues", evse: { id: EVSE_ID } })).status, "Accepted");
  await s.csms.waitFor("MeterValues", n + 1, 5000);
  await s.step(500);
  return energyOf(last(s.sent("MeterValues")).meterValue);
}
/** Message order: the connector's Occupied StatusNotification (step 1) comes before the first TransactionEvent of
 *  the step that follows it. */
function assertOccupiedFirst(s, mark, why) {
  const after = s.since(mark);
  const occupied = after.findIndex((r) => r.method === "StatusNotification" && r.params.connectorId === CONNECTOR_ID && r.params.connectorStatus === "Occupied");
  const event = after.findIndex((r) => r.method === "TransactionEvent");
  assert.ok(occupied >= 0 && event > occupied, `${why}: the StatusNotification Occupied before the TransactionEventRequest`);
}
/** Asserts the variables a case needs read-only with the value it asks for (mutability ReadOnly: not set). */
async function assertValue(s, component, name, value, why) {
  assert.equal((await s.getVariable(component, name)).attributeValue, value, `${why}: ${component}.${name} is ${value}`);
}

// ---- E01 start points (C-09) -----------------------------------------------------------------------------

test(`[${HOST}] TC_E_01_CS Start transaction options - PowerPathClosed`, async (t) => {
  const s = await conformance(t);
  // Before: Configuration State TxStartPoint contains PowerPathClosed (PowerPathClosed alone: no earlier point
  // may start the transaction); State is Authorized (no TransactionEvent yet: the start point is not reached).
  await s.configure({ "TxCtrlr.TxStartPoint": "PowerPathClosed" });
  await states.authorized(s);
  // Main step 1: Reusable State EVConnectedPreSession. The DC power path of this station closes once the EV
  // connected is ready for the energy transfer, so the manual action "Connect the EV and EVSE" is the cable in
  // with a ready EV; that closing is the start point (E01.FR.05).
  const mark = s.mark();
  await s.plug(CONNECTOR_ID);
  assertStatus(s, mark, CONNECTOR_ID, "Occupied", "EVConnectedPreSession step 1");
  assert.equal(s.sentSince(mark, "TransactionEvent").length, 0, "no transaction before the power path closes");
  await s.ready(CONNECTOR_ID);
  const list = txEventsSince(s, mark, "EVConnectedPreSession step 3");
  assert.ok(list.length >= 1, "EVConnectedPreSession step 3: a TransactionEvent");
  const ev = list[0];
  assert.equal(ev.eventType, "Started", "EVConnectedPreSession step 3: Started (PowerPathClosed, State Authorized)");
  assert.ok(["CablePluggedIn", "ChargingStateChanged", "RemoteStart"].includes(ev.triggerReason),
    `EVConnectedPreSession step 3: triggerReason CablePluggedIn, ChargingStateChanged or RemoteStart, got ${ev.triggerReason}`);
  assert.ok(["EVConnected", "SuspendedEVSE", "Charging"].includes(ev.transactionInfo.chargingState),
    `EVConnectedPreSession step 3: chargingState, got ${ev.transactionInfo.chargingState}`);
  assert.deepEqual(ev.evse, { id: EVSE_ID, connectorId: CONNECTOR_ID }, "EVConnectedPreSession step 3: evse.id, connectorId");
  assertOccupiedFirst(s, mark, "EVConnectedPreSession steps 1, 3");
  assert.deepEqual(ev.idToken, ID_TOKEN, "State Authorized (note of step 3): the first TransactionEvent after the authorization carries the idToken");
});

test(`[${HOST}] TC_E_02_CS Start transaction options - EnergyTransfer`, async (t) => {
  const s = await conformance(t);
  // Before: TxStartPoint contains EnergyTransfer (alone); State is Authorized (no TransactionEvent yet).
  await s.configure({ "TxCtrlr.TxStartPoint": "EnergyTransfer" });
  await states.authorized(s);
  // Main: Connect the EV and EVSE (the EV takes energy once connected: the energy transfer is the start point).
  const mark = s.mark();
  await s.plug(CONNECTOR_ID);
  assertStatus(s, mark, CONNECTOR_ID, "Occupied", "Step 1");
  await s.ready(CONNECTOR_ID);
  const list = txEventsSince(s, mark, "Step 3");
  assert.ok(list.length >= 1, "Step 3: a TransactionEventRequest");
  const ev = list[0];
  assert.equal(ev.eventType, "Started", "Step 3: eventType Started");
  assert.ok(["ChargingStateChanged", "Authorized"].includes(ev.triggerReason), `Step 3: triggerReason ChargingStateChanged or Authorized, got ${ev.triggerReason}`);
  assert.deepEqual(ev.idToken, ID_TOKEN, "Step 3: idToken.idToken and type");
  assert.ok(ev.evse, "Step 3: evse provided");
  assert.equal(ev.evse.connectorId, CONNECTOR_ID, "Step 3: evse.connectorId provided");
  assert.equal(ev.transactionInfo.chargingState, "Charging", "Step 3: chargingState Charging");
  assertOccupiedFirst(s, mark, "Steps 1, 3");
});

test(`[${HOST}] TC_E_09_CS Start transaction options - EVConnected`, async (t) => {
  const s = await conformance(t);
  // Before: TxStartPoint contains EVConnected (alone); State is ParkingBayOccupied (no sensor: nothing).
  await s.configure({ "TxCtrlr.TxStartPoint": "EVConnected" });
  await states.parkingBayOccupied(s);
  // Main: Connect the EV and EVSE; no authorization before.
  const mark = s.mark();
  await s.plug(CONNECTOR_ID);
  assertStatus(s, mark, CONNECTOR_ID, "Occupied", "Step 1");
  const list = txEventsSince(s, mark, "Step 3");
  assert.ok(list.length >= 1, "Step 3: a TransactionEventRequest");
  const ev = list[0];
  assert.equal(ev.eventType, "Started", "Step 3: eventType Started");
  assert.ok(["CablePluggedIn", "ChargingStateChanged"].includes(ev.triggerReason), `Step 3: triggerReason, got ${ev.triggerReason}`);
  assert.ok(ev.evse, "Step 3: evse provided");
  assert.equal(ev.evse.connectorId, CONNECTOR_ID, "Step 3: evse.connectorId provided");
  assert.equal(ev.transactionInfo.chargingState, "EVConnected", "Step 3: chargingState EVConnected");
  assertOccupiedFirst(s, mark, "Steps 1, 3");
});

test(`[${HOST}] TC_E_10_CS Start transaction options - Authorized - Local`, async (t) => {
  const s = await conformance(t);
  // Before: TxStartPoint contains Authorized (alone); AuthCtrlr.Enabled true (DisableRemoteAuthorization: C-58 No).
  await s.configure({ "TxCtrlr.TxStartPoint": "Authorized", "AuthCtrlr.Enabled": "true" });
  // Main: Present IdToken.
  const mark = s.mark();
  await s.swipe(VALID_TOKEN);
  const auth = s.sentSince(mark, "Authorize");
  assert.equal(auth.length, 1, "Step 1: an AuthorizeRequest");
  assert.deepEqual(auth[0].idToken, ID_TOKEN, "Step 1: idToken.idToken and type");
  const list = txEventsSince(s, mark, "Step 3");
  assert.ok(list.length >= 1, "Step 3: a TransactionEventRequest");
  assert.equal(list[0].eventType, "Started", "Step 3: eventType Started");
  assert.equal(list[0].triggerReason, "Authorized", "Step 3: triggerReason Authorized");
  assert.deepEqual(list[0].idToken, ID_TOKEN, "Step 3: idToken.idToken and type");
  assert.ok(s.since(mark).findIndex((r) => r.method === "Authorize") < s.since(mark).findIndex((r) => r.method === "TransactionEvent"),
    "message order: the AuthorizeRequest before the TransactionEventRequest");
});

test(`[${HOST}] TC_E_13_CS Start transaction options - Authorized - Remote`, async (t) => {
  const s = await conformance(t);
  // Before: TxStartPoint contains Authorized (alone); AuthCtrlr.Enabled true.
  await s.configure({ "TxCtrlr.TxStartPoint": "Authorized", "AuthCtrlr.Enabled": "true" });
  await assertValue(s, "AuthCtrlr", "AuthorizeRemoteStart", "false", "Step 3 not executed (C-48.2)");
  // Main step 1: RequestStartTransaction.
  const mark = s.mark();
  const r = await s.call("RequestStartTransaction", { idToken: ID_TOKEN, evseId: EVSE_ID, remoteStartId: 13 });
  assert.equal(r.status, "Accepted", "Step 2: RequestStartTransactionResponse Accepted");
  await s.step(1000);
  assert.equal(s.sentSince(mark, "Authorize").length, 0, "Step 3: no AuthorizeRequest (AuthorizeRemoteStart false)");
  const list = txEventsSince(s, mark, "Step 5");
  assert.ok(list.length >= 1, "Step 5: a TransactionEventRequest");
  assert.equal(list[0].eventType, "Started", "Step 5: eventType Started");
  assert.equal(list[0].triggerReason, "RemoteStart", "Step 5: triggerReason RemoteStart");
  assert.deepEqual(list[0].idToken, ID_TOKEN, "Step 5: idToken.idToken and type");
  assert.equal(list[0].transactionInfo.remoteStartId, 13, "Step 5: transactionInfo.remoteStartId present");
});

// ---- E02 / E03 local start ---------------------------------------------------------------------------------

test(`[${HOST}] TC_E_03_CS Local start transaction - Cable plugin first - Success`, async (t) => {
  const s = await conformance(t);
  // Before: AuthCtrlr.Enabled true; State is EVConnectedPreSession (EVConnected starts the transaction here).
  await s.configure({ "AuthCtrlr.Enabled": "true" });
  const pre = await states.evConnectedPreSession(s);
  assert.equal(pre[0].eventType, "Started", "EVConnectedPreSession step 3: Started (TxStartPoint has EVConnected)");
  // Main step 1: Reusable State Authorized (local); step 2: Reusable State EnergyTransferStarted.
  const { events } = await states.authorized(s);
  assert.equal(events[0].eventType, "Updated", "Authorized step 3: Updated (the transaction started at the cable)");
  await states.energyTransferStarted(s);
});

test(`[${HOST}] TC_E_04_CS Local start transaction - Authorization first - Success`, async (t) => {
  const s = await conformance(t);
  // Before: AuthCtrlr.Enabled true; State is ParkingBayOccupied (optional; no sensor).
  await s.configure({ "AuthCtrlr.Enabled": "true" });
  await states.parkingBayOccupied(s);
  // Main step 1: Reusable State Authorized (local): Authorize with the idToken, Started Authorized.
  const { events } = await states.authorized(s);
  assert.equal(events[0].eventType, "Started", "Authorized step 3: Started (TxStartPoint has Authorized)");
  // Main step 2: Reusable State EnergyTransferStarted: cable (Occupied, CablePluggedIn / EVConnected), then the
  // EV takes energy: the last event ChargingStateChanged / Charging.
  const list = await states.energyTransferStarted(s);
  assert.equal(last(list).triggerReason, "ChargingStateChanged", "EnergyTransferStarted: final triggerReason ChargingStateChanged");
  assert.equal(last(list).transactionInfo.chargingState, "Charging", "EnergyTransferStarted: final chargingState Charging");
});

test(`[${HOST}] TC_E_05_CS Local start transaction - Authorization first - Cable plugin timeout`, async (t) => {
  const s = await conformance(t);
  // Before: EVConnectionTimeOut <configured> (30 s); AuthCtrlr.Enabled true; LocalPreAuthorize false
  // (AuthCacheCtrlr and DisableRemoteAuthorization are not implemented); State is Authorized (local).
  const timeoutS = 30;
  await s.configure({ "TxCtrlr.EVConnectionTimeOut": timeoutS, "AuthCtrlr.Enabled": "true", "AuthCtrlr.LocalPreAuthorize": "false" });
  await states.authorized(s);
  // Main step 1: after the time-out, a TransactionEvent (the transaction started at Authorized).
  let mark = s.mark();
  await s.step((timeoutS - 3) * 1000);
  assert.equal(s.sentSince(mark, "TransactionEvent").length, 0, "Step 1: nothing before EVConnectionTimeOut");
  await s.step(4000);
  const list = txEventsSince(s, mark, "Step 1");
  assert.equal(list.length, 1, "Step 1: one TransactionEventRequest");
  assert.equal(list[0].triggerReason, "EVConnectTimeout", "Step 1: triggerReason EVConnectTimeout");
  assert.equal(list[0].eventType, "Ended", "Step 1: eventType Ended (TxStopPoint has Authorized)");
  assert.equal(list[0].transactionInfo.stoppedReason, "Timeout", "Step 1: stoppedReason Timeout");
  // Step 3: Reusable State Authorized (local) again; step 4: EnergyTransferStarted: the EVSE is ready again.
  s.tx.authorized = false;
  await states.authorized(s);
  await states.energyTransferStarted(s);
});

test(`[${HOST}] TC_E_38_CS Local start transaction - EV not ready`, async (t) => {
  const s = await conformance(t);
  // Prerequisite: TxStartPoint is not EnergyTransfer (the station's default EVConnected,Authorized).
  const start = (await s.getVariable("TxCtrlr", "TxStartPoint")).attributeValue;
  assert.ok(!start.split(",").includes("EnergyTransfer"), `prerequisite: TxStartPoint ${start} without EnergyTransfer`);
  // Before: State is Authorized.
  await states.authorized(s);
  // Main: the EV is not ready for energy transfer (the simulated EV stays not ready); step 1 EVConnectedPreSession.
  const mark = s.mark();
  await states.evConnectedPreSession(s);
  await s.step(1000);
  // Step 2: a TransactionEvent ChargingStateChanged / SuspendedEV.
  const list = s.sentSince(mark, "TransactionEvent");
  const step2 = list.find((e) => e.transactionInfo.chargingState === "SuspendedEV");
  assert.ok(step2, `Step 2: a TransactionEventRequest with chargingState SuspendedEV (got ${JSON.stringify(list.map((e) => [e.triggerReason, e.transactionInfo.chargingState]))})`);
  assert.equal(step2.triggerReason, "ChargingStateChanged", "Step 2: triggerReason ChargingStateChanged");
  assert.ok(!list.some((e) => e.transactionInfo.chargingState === "Charging"), "the EV not ready: no Charging");
});

// ---- E06 / E07 stop ------------------------------------------------------------------------------------------

test(`[${HOST}] TC_E_06_CS Local Stop Transaction - Accepted`, async (t) => {
  const s = await conformance(t);
  // Before: AuthCtrlr.Enabled true; State is EnergyTransferStarted.
  await s.configure({ "AuthCtrlr.Enabled": "true" });
  await states.energyTransferStarted(s);
  await s.step(30_000);
  // Main: StopAuthorized (local), EVConnectedPostSession, EVDisconnected, ParkingBayUnoccupied.
  await states.stopAuthorized(s);
  await states.evConnectedPostSession(s);
  await states.evDisconnected(s);
  await states.parkingBayUnoccupied(s);
  assert.deepEqual(checkTransactions(s.events()).problems, [], "every TransactionEvent well formed");
});

test(`[${HOST}] TC_E_07_CS Stop transaction options - PowerPathClosed - Local stop`, async (t) => {
  const s = await conformance(t);
  // Before: TxStopPoint contains PowerPathClosed (without Authorized: the prerequisite); EnergyTransferStarted.
  await s.configure({ "TxCtrlr.TxStopPoint": "PowerPathClosed" });
  await states.energyTransferStarted(s);
  await s.step(30_000);
  // Main step 1: Present IdToken: Reusable State StopAuthorized (local). Errata 2025-01 (E07): an Updated
  // StopAuthorized, then the Ended when the power path opens (ChargingStateChanged / EVConnected / Local).
  const { events } = await states.stopAuthorized(s);
  assert.equal(events[0].eventType, "Updated", "StopAuthorized step 1: Updated StopAuthorized before the power path opens");
  const ended = events.find((e) => e.eventType === "Ended");
  assert.equal(ended.triggerReason, "ChargingStateChanged", "StopAuthorized step 3: Ended ChargingStateChanged");
});

// TC_E_35_CS has no text in this copy of Part 6: built from use case E06 (S5, TxStopPoint PowerPathClosed) with
// F03 and the reusable states StopAuthorized (remote, B) and EVConnectedPostSession, as TC_E_07_CS is built.
test(`[${HOST}] TC_E_35_CS Stop transaction options - PowerPathClosed - Remote stop`, async (t) => {
  const s = await conformance(t);
  await s.configure({ "TxCtrlr.TxStopPoint": "PowerPathClosed" });
  await states.energyTransferStarted(s);
  await s.step(30_000);
  const { events } = await states.stopAuthorized(s, { remote: true });
  assert.equal(events[0].eventType, "Updated", "StopAuthorized B step 3: Updated RemoteStop before the power path opens");
  const ended = events.find((e) => e.eventType === "Ended");
  assert.equal(ended.triggerReason, "ChargingStateChanged", "Ended when the power path opened");
  assert.equal(ended.transactionInfo.chargingState, "EVConnected", "Ended chargingState EVConnected");
  await states.evConnectedPostSession(s);
});

test(`[${HOST}] TC_E_15_CS Stop transaction options - StopAuthorized - Local`, async (t) => {
  const s = await conformance(t);
  // Before: TxStopPoint contains Authorized (without PowerPathClosed); State is EnergyTransferStarted.
  await s.configure({ "TxCtrlr.TxStopPoint": "Authorized" });
  await states.energyTransferStarted(s);
  // Main: the tool waits <Configured Transaction Duration> (30 s); Present IdToken.
  await s.step(30_000);
  const mark = s.mark();
  await s.swipe(VALID_TOKEN);
  await s.step(3000);
  const list = txEventsSince(s, mark, "Step 1");
  assert.equal(list.length, 1, "Step 1: one TransactionEventRequest");
  assert.equal(list[0].triggerReason, "StopAuthorized", "Step 1: triggerReason StopAuthorized");
  assert.equal(list[0].transactionInfo.stoppedReason, "Local", "Step 1: stoppedReason Local");
  assert.equal(list[0].eventType, "Ended", "Step 1: eventType Ended");
});

test(`[${HOST}] TC_E_21_CS Stop transaction options - StopAuthorized - Remote`, async (t) => {
  const s = await conformance(t);
  // Before: TxStopPoint contains Authorized (without PowerPathClosed); State is EnergyTransferStarted.
  await s.configure({ "TxCtrlr.TxStopPoint": "Authorized" });
  await states.energyTransferStarted(s);
  await s.step(30_000);
  // Main step 1: RequestStopTransaction with the transactionId of the transaction.
  const mark = s.mark();
  const r = await s.call("RequestStopTransaction", { transactionId: s.tx.id });
  assert.equal(r.status, "Accepted", "Step 2: RequestStopTransactionResponse Accepted");
  await s.step(3000);
  const list = txEventsSince(s, mark, "Step 3");
  assert.equal(list.length, 1, "Step 3: one TransactionEventRequest");
  assert.equal(list[0].triggerReason, "RemoteStop", "Step 3: triggerReason RemoteStop");
  assert.equal(list[0].transactionInfo.stoppedReason, "Remote", "Step 3: stoppedReason Remote");
  assert.equal(list[0].eventType, "Ended", "Step 3: eventType Ended");
});

/** Before of the EV-side disconnect cases: EnergyTransferStarted, then EnergyTransferSuspended. */
async function suspended(s) {
  await states.energyTransferStarted(s);
  await s.step(10_000);
  await states.energyTransferSuspended(s);
}

/** Main step 1 of the EV-side disconnect cases: the EV side disconnected (a fixed cable: the only side). */
async function evSideDisconnect(s) {
  const mark = s.mark();
  await s.unplug(CONNECTOR_ID);
  // The Ended waits until no more energy flows (the EV had only begun to ramp its current down).
  await s.stepUntil(() => s.sentSince(mark, "TransactionEvent").length > 0);
  const list = txEventsSince(s, mark, "Step 1");
  assert.equal(list.length, 1, "Step 1: one TransactionEventRequest");
  return { mark, ev: list[0] };
}

test(`[${HOST}] TC_E_17_CS Stop transaction options - Deauthorized - EV side disconnect`, async (t) => {
  const s = await conformance(t);
  // Before (errata 2025-01 6.2.10): TxStopPoint Authorized, without EVConnected, PowerPathClosed, EnergyTransfer;
  // StopTxOnEVSideDisconnect true and UnlockOnEVSideDisconnect false (read-only here); AuthCtrlr.Enabled true.
  await s.configure({ "TxCtrlr.TxStopPoint": "Authorized", "AuthCtrlr.Enabled": "true" });
  await assertValue(s, "TxCtrlr", "StopTxOnEVSideDisconnect", "true", "Configuration State");
  await assertValue(s, "OCPPCommCtrlr", "UnlockOnEVSideDisconnect", "false", "Configuration State");
  await suspended(s);
  // Main: disconnect on the EV side.
  const { mark, ev } = await evSideDisconnect(s);
  assert.equal(ev.triggerReason, "EVCommunicationLost", "Step 1: triggerReason EVCommunicationLost");
  assert.equal(ev.transactionInfo.chargingState, "Idle", "Step 1: chargingState Idle");
  assert.equal(ev.transactionInfo.stoppedReason, "EVDisconnected", "Step 1: stoppedReason EVDisconnected");
  assert.equal(ev.eventType, "Ended", "Step 1: eventType Ended");
  // No detachable cable: the card and the station-side manual actions are skipped. Step 3: Available.
  assertStatus(s, mark, CONNECTOR_ID, "Available", "Step 3");
});

test(`[${HOST}] TC_E_39_CS Stop transaction options - Deauthorized - timeout`, async (t) => {
  const s = await conformance(t);
  // Before: TxStopPoint contains Authorized (the default); EVConnectionTimeOut <configured> (30 s);
  // AuthCtrlr.Enabled true; State is Authorized (TxStartPoint has Authorized: the transaction started).
  const timeoutS = 30;
  await s.configure({ "TxCtrlr.EVConnectionTimeOut": timeoutS, "AuthCtrlr.Enabled": "true" });
  await states.authorized(s);
  const first = s.tx.id;
  // Main step 1: after the time-out, Ended EVConnectTimeout / Timeout.
  let mark = s.mark();
  await s.step((timeoutS + 1) * 1000);
  const step1 = txEventsSince(s, mark, "Step 1");
  assert.equal(step1.length, 1, "Step 1: one TransactionEventRequest");
  assert.equal(step1[0].triggerReason, "EVConnectTimeout", "Step 1: triggerReason EVConnectTimeout");
  assert.equal(step1[0].eventType, "Ended", "Step 1: eventType Ended (TxStartPoint is not ParkingBayOccupancy)");
  assert.equal(step1[0].transactionInfo.stoppedReason, "Timeout", "Step 1: stoppedReason Timeout");
  s.tx.authorized = false;
  // Manual action: connect the EV (both sides: one fixed cable). Errata 2025-01 6.2.11 step 3: Occupied.
  mark = s.mark();
  await s.plug(CONNECTOR_ID);
  assertStatus(s, mark, CONNECTOR_ID, "Occupied", "Step 3 (errata 6.2.11)");
  await s.ready(CONNECTOR_ID);
  await s.step(5000);
  // Step 5: a TransactionEvent for the cable, and no charging. Part 6 (and the errata) ask for eventType Ended
  // here, which no event of a cable plug-in can be: the timed-out transaction ended at step 1, and with
  // EVConnected in TxStartPoint the cable starts a new transaction (E01.FR.02, E01 S2), so its first event is a
  // Started with seqNo 0 (a transaction's first event is its Started). Following the requirements: the triggerReason
  // (CablePluggedIn only) and "not Charging" as the case says; eventType Started of a new transaction.
  const step5 = s.sentSince(mark, "TransactionEvent");
  assert.ok(step5.length >= 1, "Step 5: a TransactionEventRequest");
  assert.equal(step5[0].triggerReason, "CablePluggedIn", "Step 5: triggerReason CablePluggedIn");
  assertOccupiedFirst(s, mark, "Steps 3, 5");
  assert.notEqual(step5[0].transactionInfo.transactionId, first, "Step 5: not the ended transaction");
  assert.equal(step5[0].eventType, "Started", "Step 5: a new transaction (E01.FR.02), see the comment");
  for (const e of step5) assert.notEqual(e.transactionInfo.chargingState, "Charging", "Step 5: chargingState not Charging");
  assert.ok(!step5.some((e) => e.idToken), "the timed-out authorization is not reused");
});

test(`[${HOST}] TC_E_20_CS Stop transaction options - EVDisconnected - EV side (able to charge IEC 61851-1 EV)`, async (t) => {
  const s = await conformance(t);
  // Before: TxStopPoint contains EVConnected (the default EVConnected,Authorized: TxStopPoint is read-write, so
  // the excluded read-only combination does not apply); StopTxOnEVSideDisconnect read-only (not set);
  // State is EnergyTransferSuspended.
  await s.configure({ "TxCtrlr.TxStopPoint": "EVConnected,Authorized" });
  await suspended(s);
  const { ev } = await evSideDisconnect(s);
  assert.equal(ev.triggerReason, "EVCommunicationLost", "Step 1: triggerReason EVCommunicationLost");
  assert.equal(ev.transactionInfo.chargingState, "Idle", "Step 1: chargingState Idle");
  assert.equal(ev.transactionInfo.stoppedReason, "EVDisconnected", "Step 1: stoppedReason EVDisconnected");
  assert.equal(ev.eventType, "Ended", "Step 1: eventType Ended");
});

test(`[${HOST}] TC_E_54_CS Stop transaction options - EVDisconnected - EV side (not able to charge IEC 61851-1 EV)`, async (t) => {
  const s = await conformance(t);
  // Before: TxStopPoint contains EVConnected (here EVConnected alone); State is EnergyTransferSuspended (the
  // simulated EV talks high-level communication over CAN, as a DC EV does).
  await s.configure({ "TxCtrlr.TxStopPoint": "EVConnected" });
  await suspended(s);
  const { ev } = await evSideDisconnect(s);
  assert.equal(ev.triggerReason, "EVCommunicationLost", "Step 1: triggerReason EVCommunicationLost");
  assert.equal(ev.transactionInfo.chargingState, "Idle", "Step 1: chargingState Idle");
  assert.ok(["StoppedByEV", "EVDisconnected"].includes(ev.transactionInfo.stoppedReason), `Step 1: stoppedReason, got ${ev.transactionInfo.stoppedReason}`);
  assert.equal(ev.eventType, "Ended", "Step 1: eventType Ended");
});

test(`[${HOST}] TC_E_37_CS Stop transaction options - PowerPathClosed - EV side disconnect`, async (t) => {
  const s = await conformance(t);
  // Before: TxStopPoint contains PowerPathClosed (alone: the prerequisite excludes EVConnected);
  // StopTxOnEVSideDisconnect is read-only here (C-06.2), so not set; State is EnergyTransferSuspended.
  await s.configure({ "TxCtrlr.TxStopPoint": "PowerPathClosed" });
  assert.equal(await s.setVariable("TxCtrlr", "StopTxOnEVSideDisconnect", "false"), "Rejected", "StopTxOnEVSideDisconnect is ReadOnly");
  await suspended(s);
  const { ev } = await evSideDisconnect(s);
  assert.equal(ev.triggerReason, "EVCommunicationLost", "Step 1: triggerReason EVCommunicationLost");
  assert.equal(ev.transactionInfo.chargingState, "Idle", "Step 1: chargingState Idle");
  assert.ok(["StoppedByEV", "EVDisconnected"].includes(ev.transactionInfo.stoppedReason), `Step 1: stoppedReason, got ${ev.transactionInfo.stoppedReason}`);
  assert.equal(ev.eventType, "Ended", "Step 1: eventType Ended");
});

test(`[${HOST}] TC_E_25_CS Disconnect cable on EV-side - Deauthorize transaction - UnlockOnEVSideDisconnect is false`, async (t) => {
  const s = await conformance(t);
  // Before: StopTxOnEVSideDisconnect true, UnlockOnEVSideDisconnect false (both read-only with these values);
  // State is EnergyTransferSuspended.
  await assertValue(s, "TxCtrlr", "StopTxOnEVSideDisconnect", "true", "Configuration State");
  await assertValue(s, "OCPPCommCtrlr", "UnlockOnEVSideDisconnect", "false", "Configuration State");
  await suspended(s);
  const { mark, ev } = await evSideDisconnect(s);
  assert.equal(ev.triggerReason, "EVCommunicationLost", "Step 1: triggerReason EVCommunicationLost");
  assert.equal(ev.transactionInfo.chargingState, "Idle", "Step 1: chargingState Idle");
  // No detachable cable: the card and the station-side actions are skipped. Step 3: Available.
  assertStatus(s, mark, CONNECTOR_ID, "Available", "Step 3");
});

// ---- E14 transaction status ----------------------------------------------------------------------------------

// TC_E_28_CS has no text in this copy of Part 6: built from use case E14 (E14.FR.01: an unknown transactionId
// gives ongoingIndicator false, and messagesInQueue false as nothing of it is queued). The unknown id is asked
// while another transaction's events wait in the queue, so only the asked id may count.
test(`[${HOST}] TC_E_28_CS Check Transaction status - TransactionId unknown`, async (t) => {
  const s = await conformance(t, { csms: { handlers: {
    TransactionEvent: () => { const e = new Error("busy"); e.rpcErrorCode = "InternalError"; throw e; },
  } } });
  const unknown = { ongoingIndicator: false, messagesInQueue: false };
  assert.deepEqual(await s.call("GetTransactionStatus", { transactionId: "no-such-transaction" }), unknown, "idle: unknown id");
  await s.plug(CONNECTOR_ID);
  const id = s.sent("TransactionEvent")[0].transactionInfo.transactionId;
  assert.deepEqual(await s.call("GetTransactionStatus", { transactionId: id }), { ongoingIndicator: true, messagesInQueue: true }, "the known id");
  assert.deepEqual(await s.call("GetTransactionStatus", { transactionId: "no-such-transaction" }), unknown, "unknown id, another queued");
  assert.deepEqual(await s.call("GetTransactionStatus", { transactionId: id.slice(0, 8) }), unknown, "a prefix is another id");
});

test(`[${HOST}] TC_E_30_CS Check Transaction status - Transaction with id ongoing - without message in queue`, async (t) => {
  const s = await conformance(t);
  // Before: State is EnergyTransferStarted.
  await states.energyTransferStarted(s);
  // Main step 1: GetTransactionStatus with the transactionId.
  const r = await s.call("GetTransactionStatus", { transactionId: s.tx.id });
  assert.equal(r.ongoingIndicator, true, "Step 2: ongoingIndicator true");
  assert.equal(r.messagesInQueue, false, "Step 2: messagesInQueue false");
});

test(`[${HOST}] TC_E_32_CS Check Transaction status - Transaction with id ended - without message in queue`, async (t) => {
  const s = await conformance(t);
  // Before: EnergyTransferStarted, then on to ParkingBayUnoccupied: the transaction ended (local stop), the
  // cable out, every event delivered.
  await states.energyTransferStarted(s);
  await states.stopAuthorized(s);
  await states.evConnectedPostSession(s);
  await states.evDisconnected(s);
  await states.parkingBayUnoccupied(s);
  const r = await s.call("GetTransactionStatus", { transactionId: s.tx.id });
  assert.equal(r.ongoingIndicator, false, "Step 2: ongoingIndicator false");
  assert.equal(r.messagesInQueue, false, "Step 2: messagesInQueue false");
});

test(`[${HOST}] TC_E_34_CS Check Transaction status - Without transactionId - without message in queue`, async (t) => {
  const s = await conformance(t);
  const r = await s.call("GetTransactionStatus", {});
  assert.equal(r.ongoingIndicator, undefined, "Step 2: ongoingIndicator omitted");
  assert.equal(r.messagesInQueue, false, "Step 2: messagesInQueue false");
});

test(`[${HOST}] TC_E_31_CS Check Transaction status - Transaction with id ended - with message in queue`, async (t) => {
  // The CSMS holds its answers to TransactionEvents after the reconnection until it asked the status, so the
  // question surely comes while the queue is still full, as when asked the moment the connection is back.
  let release, holding = false;
  const held = new Promise((r) => { release = r; });
  const answer = (p) => (p.idToken ? { idTokenInfo: { status: "Accepted" } } : {});
  const s = await conformance(t, { csms: { handlers: {
    TransactionEvent: async (p) => { if (holding) await held; return answer(p); },
  } } });
  // Before: TxUpdatedMeasurands / TxUpdatedInterval <configured>; OfflineThreshold = wait + duration + 60;
  // RetryBackOffWaitMinimum = wait + duration; RetryBackOffRandomRange 0; State is EnergyTransferStarted.
  const waitS = 60, durationS = 60;
  await s.configure({
    "SampledDataCtrlr.TxUpdatedMeasurands": "Energy.Active.Import.Register,Power.Active.Import",
    "SampledDataCtrlr.TxUpdatedInterval": 20,
    "OCPPCommCtrlr.OfflineThreshold": waitS + durationS + 60,
    "OCPPCommCtrlr.RetryBackOffWaitMinimum": waitS + durationS,
    "OCPPCommCtrlr.RetryBackOffRandomRange": 0,
  });
  await states.energyTransferStarted(s);
  const id = s.tx.id;
  const online = s.mark();
  // Main: the OCTT closes the connection and refuses reconnects; the same idToken (scenario local); cable out;
  // the tool waits <Configured Transaction Duration>; then it accepts the reconnection.
  holding = true;
  await s.csmsGone();
  await s.step(30_000);
  await s.swipe(VALID_TOKEN);
  await s.step(2000);
  await s.unplug(CONNECTOR_ID);
  await s.step(durationS * 1000);
  await s.csmsBack();
  assert.ok(await s.stepUntilConnected(2, (waitS + durationS) * 1000, 500), "reconnected");
  // Step 1 at once: GetTransactionStatus with the transactionId.
  assert.deepEqual(await s.call("GetTransactionStatus", { transactionId: id }), { ongoingIndicator: false, messagesInQueue: true },
    "Step 2: ongoingIndicator false, messagesInQueue true");
  release();
  await s.step(20_000);
  // Step 3: the queue emptied: the events of StopAuthorized through ParkingBayUnoccupied.
  const queued = s.sentSince(online, "TransactionEvent");
  assert.ok(queued.every((e) => e.transactionInfo.transactionId === id && e.offline === true), "Step 3: the queued events, offline");
  const stop = queued.find((e) => e.triggerReason === "StopAuthorized");
  assert.ok(stop, "Step 3: StopAuthorized: triggerReason StopAuthorized");
  const end = last(queued);
  assert.equal(end.eventType, "Ended", "Step 3: the transaction's Ended last");
  assert.equal(end.transactionInfo.stoppedReason, "Local", "Step 3: StopAuthorized: stoppedReason Local");
  assert.equal(end.transactionInfo.chargingState, "EVConnected", "Step 3: StopAuthorized: chargingState EVConnected");
  assert.equal(queued.filter((e) => e.eventType === "Ended").length, 1, "Step 3: EVDisconnected adds nothing to an ended transaction");
  assert.ok(queued.some((e) => e.triggerReason === "MeterValuePeriodic"), "the offline samples too");
  assert.deepEqual(await s.call("GetTransactionStatus", { transactionId: id }), { ongoingIndicator: false, messagesInQueue: false }, "after the queue emptied");
  assert.deepEqual(checkTransactions(s.events()).problems, []);
});

// ---- E13 retries ------------------------------------------------------------------------------------------------

/** Virtual-clock checkpoints relative to t0: steps until t0 + ms. */
const stepTo = async (s, t0, ms) => { const d = t0 + ms - s.now(); if (d > 0) await s.step(d); };
const answerTx = (p) => (p.idToken ? { idTokenInfo: { status: "Accepted" } } : {});

test(`[${HOST}] TC_E_41_CS Retry sending transaction message when failed - Max retry count reached`, async (t) => {
  // The OCTT does not answer the event of EVConnectedPreSession (seqNo 1, the first after Authorized).
  const s = await conformance(t, { csms: { handlers: {
    TransactionEvent: (p) => (p.seqNo === 1 ? new Promise(() => {}) : answerTx(p)),
  } } });
  // Before: MessageAttemptsTransactionEvent 3 (> 1), MessageAttemptIntervalTransactionEvent 10 s;
  // States Authorized, then EVConnectedPreSession (its step 3 is the event left unanswered).
  assert.equal(await s.setVariable("OCPPCommCtrlr", "MessageAttempts", "3", "TransactionEvent"), "Accepted", "MessageAttemptsTransactionEvent");
  assert.equal(await s.setVariable("OCPPCommCtrlr", "MessageAttemptInterval", "10", "TransactionEvent"), "Accepted", "MessageAttemptIntervalTransactionEvent");
  const T = Number((await s.getVariable("OCPPCommCtrlr", "MessageTimeout", "Default")).attributeValue) * 1000;
  const I = 10_000;
  await states.authorized(s);
  const t0 = s.now();
  await states.evConnectedPreSession(s);
  const sends = () => s.events().filter((e) => e.seqNo === 1);
  const next = () => s.events().filter((e) => e.seqNo === 2);
  assert.equal(sends().length, 1, "Step 5: first send");
  // Steps 1 and 3 are optional (no signed data; the EV here is not ready, no SuspendedEVSE is reported).
  // Step 5: send k+1 follows send k after MessageTimeout + interval × k.
  const at2 = T + I, at3 = at2 + T + 2 * I, dropped = at3 + T;
  await stepTo(s, t0, at2 - 1000);
  assert.equal(sends().length, 1, "Step 5: no resend before MessageTimeout + interval");
  await stepTo(s, t0, at2 + 1000);
  assert.equal(sends().length, 2, "Step 5: second send");
  await stepTo(s, t0, at3 - 1000);
  assert.equal(sends().length, 2, "Step 5: no resend before MessageTimeout + 2 × interval");
  await stepTo(s, t0, at3 + 1000);
  assert.equal(sends().length, 3, "Step 5: third send");
  await stepTo(s, t0, dropped - 1000);
  assert.equal(next().length, 0, "the queue waits for the last attempt");
  await stepTo(s, t0, dropped + 1000);
  assert.equal(next().length, 1, "dropped after the last time-out: the queue moves on");
  // The OCTT waits one more iteration, the interval multiplied again: no fourth send.
  await stepTo(s, t0, dropped + T + 3 * I + 5000);
  assert.equal(sends().length, 3, "Step 5: not sent a fourth time");
  assert.equal(new Set(sends().map((e) => JSON.stringify(e))).size, 1, "Step 5: the same message each time");
  assert.deepEqual(checkTransactions(s.events(), { requireEnded: false }).problems, []);
});

// TC_E_42_CS has no text in this copy of Part 6: built from use case E13 as TC_E_41_CS, with the second send
// answered (the time-out counterpart of TC_E_51_CS).
test(`[${HOST}] TC_E_42_CS Retry sending transaction message when failed - Success before reaching the max retry count`, async (t) => {
  let n = 0;
  const s = await conformance(t, { csms: { handlers: {
    TransactionEvent: (p) => (p.seqNo === 1 && ++n === 1 ? new Promise(() => {}) : answerTx(p)),
  } } });
  assert.equal(await s.setVariable("OCPPCommCtrlr", "MessageAttempts", "3", "TransactionEvent"), "Accepted");
  assert.equal(await s.setVariable("OCPPCommCtrlr", "MessageAttemptInterval", "10", "TransactionEvent"), "Accepted");
  const T = Number((await s.getVariable("OCPPCommCtrlr", "MessageTimeout", "Default")).attributeValue) * 1000;
  const I = 10_000;
  await states.authorized(s);
  const t0 = s.now();
  await states.evConnectedPreSession(s);
  const sends = () => s.events().filter((e) => e.seqNo === 1);
  await stepTo(s, t0, T + I - 1000);
  assert.equal(sends().length, 1, "first send only");
  assert.equal(s.events().filter((e) => e.seqNo === 2).length, 0, "in order: nothing passes the unanswered event");
  await stepTo(s, t0, T + I + 1000);
  assert.equal(sends().length, 2, "second send after MessageTimeout + interval");
  assert.equal(s.events().filter((e) => e.seqNo === 2).length, 1, "the next event follows the answer");
  await stepTo(s, t0, 3 * T + 6 * I);
  assert.equal(sends().length, 2, "not sent again once answered");
  const report = checkTransactions(s.events(), { requireEnded: false });
  assert.deepEqual(report.problems, []);
  assert.equal(report.resent, 1, "one identical re-send");
});

// ---- E08 stop while offline -------------------------------------------------------------------------------

test(`[${HOST}] TC_E_44_CS Offline Behaviour - Stop transaction during offline period`, async (t) => {
  const s = await conformance(t);
  // Before: OfflineThreshold = RetryBackOffWaitMinimum + 60; RetryBackOffWaitMinimum <configured> (120 s);
  // RetryBackOffRandomRange 0; State is EnergyTransferStarted.
  const waitS = 120;
  await s.configure({
    "OCPPCommCtrlr.OfflineThreshold": waitS + 60,
    "OCPPCommCtrlr.RetryBackOffWaitMinimum": waitS,
    "OCPPCommCtrlr.RetryBackOffRandomRange": 0,
  });
  await states.energyTransferStarted(s);
  const id = s.tx.id;
  const online = s.mark();
  // Main step 1: the OCTT closes the connection and refuses reconnects; the same idToken; the cable out.
  await s.csmsGone();
  await s.step(65_000);
  await s.swipe(VALID_TOKEN);
  await s.step(2000);
  await s.unplug(CONNECTOR_ID);
  assert.equal(s.sentSince(online, "TransactionEvent").length, 0, "nothing reaches the CSMS while it is away");
  // Step 2: the OCTT accepts the reconnection; step 3: the queue is emptied.
  await s.csmsBack();
  assert.ok(await s.stepUntilConnected(2, (waitS + 10) * 1000, 1000), "Step 2: reconnected after RetryBackOffWaitMinimum");
  await s.step(10_000);
  const queued = s.sentSince(online, "TransactionEvent");
  assert.ok(queued.length >= 1, "Step 3: TransactionEventRequests");
  for (const e of queued) assert.equal(e.offline, true, `Step 3: offline true (${e.eventType} ${e.triggerReason} seqNo ${e.seqNo})`);
  const ended = queued.filter((e) => e.eventType === "Ended");
  assert.equal(ended.length, 1, "Step 3: one of the messages eventType Ended");
  assert.equal(ended[0].transactionInfo.transactionId, id, "Step 3: the Ended of the transaction");
  assert.deepEqual(checkTransactions(s.events()).problems, []);
});

// ---- beyond the cases --------------------------------------------------------------------------------------

// The Ended bills the whole transaction: its Transaction.End register value is read once no more energy flows
// (contactor open, current down), so no Wh delivered by the stop's ramp-down belongs to no transaction.
for (const [name, stop] of [["local stop (TxStopPoint Authorized)", "Authorized"], ["local stop (TxStopPoint PowerPathClosed)", "PowerPathClosed"]]) {
  test(`[${HOST}] E06 Transaction.End energy is the register once the power path is open: ${name}`, async (t) => {
    const s = await conformance(t);
    await s.configure({ "TxCtrlr.TxStopPoint": stop });
    await states.energyTransferStarted(s);
    await s.step(60_000);
    assert.ok(s.sim.module.current > 50, `charging at full current before the stop (${s.sim.module.current} A)`);
    const mark = s.mark();
    await s.swipe(VALID_TOKEN);
    for (let i = 0; i < 20 && !s.sentSince(mark, "TransactionEvent").some((e) => e.eventType === "Ended"); i++) await s.step(500);
    const ended = s.sentSince(mark, "TransactionEvent").find((e) => e.eventType === "Ended");
    assert.ok(ended, "an Ended");
    const billed = endEnergy(ended);
    assert.ok(billed > 0, "energy was delivered");
    assert.equal(Math.round(s.sim.module.current), 0, "no current at the end");
    await s.step(10_000);
    assert.equal(billed, Math.floor(s.sim.meter.importWh + 1e-6), "the meter's register equals the Transaction.End value");
    assert.equal(await reportedEnergy(s), billed, "a later reading of the station equals the Transaction.End value");
  });
}

// A power cut while the Ended waits for the ramp-down: the record still says running, so the boot ends the
// transaction (PowerLoss) once, never below an energy value sent before.
test(`[${HOST}] E06 power cut while the Ended waits for the current to ramp down: one Ended (PowerLoss) after the boot`, async (t) => {
  const s = await conformance(t);
  await states.energyTransferStarted(s);
  await s.step(60_000);
  const mark = s.mark();
  s.sim.reader.present(VALID_TOKEN, 400);
  await s.step(1100);                               // the stop authorized; the current still ramping down
  assert.ok(s.sim.module.current > 5, `still ramping down (${s.sim.module.current} A)`);
  assert.ok(!s.sentSince(mark, "TransactionEvent").some((e) => e.eventType === "Ended"), "no Ended yet");
  await s.st.powerCycle();
  await s.csms.waitFor("BootNotification", 2, 10_000);
  await s.step(10_000);
  // The EV is still plugged in: after the boot its cable starts a new transaction (EVConnected start point).
  const events = s.events().filter((e) => e.transactionInfo.transactionId === s.tx.id);
  assert.deepEqual(checkTransactions(events).problems, [], "exactly once, seqNo contiguous");
  const ended = events.filter((e) => e.eventType === "Ended");
  assert.equal(ended.length, 1, "one Ended");
  assert.equal(ended[0].transactionInfo.stoppedReason, "PowerLoss", "ended by the power loss");
  const sent = events.filter((e) => e !== ended[0] && e.meterValue).map((e) => energyOf(e.meterValue)).filter((v) => v !== undefined);
  assert.ok(endEnergy(ended[0]) >= Math.max(...sent), "the register never goes back");
});
