// Core II scenarios (Part 6 blocks C, E and F01–F04): authorization and transactions against the strict test
// CSMS, with the hardware simulator, on the host chosen by STATION_HOST, on the virtual clock. Defaults of the
// station: TxStartPoint EVConnected,Authorized; TxStopPoint EVConnected,Authorized; EVConnectionTimeOut 60 s;
// TxUpdatedInterval 60 s; StopTxOnEVSideDisconnect and StopTxOnInvalidId true.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { chargingScenario, assertWellFormed, VALID_TOKEN, OTHER_TOKEN } = require("./helpers/scenario.js");
const { HOST } = require("./helpers/station-host.js");
const { checkTransactions } = require("./tools/tx-checker.js");

const last = (list) => list[list.length - 1];

const only = (events, pred) => events.filter(pred);

test(`[${HOST}] TC_E_03_CS cable plugged in first, then authorized, then charging`, async (t) => {
  const s = await chargingScenario(t);
  await s.plug(1);
  assert.equal(last(s.statuses(1)), "Occupied");
  let ev = s.events();
  assert.equal(ev.length, 1);
  assert.equal(ev[0].eventType, "Started");
  assert.equal(ev[0].triggerReason, "CablePluggedIn");
  assert.equal(ev[0].transactionInfo.chargingState, "EVConnected");
  assert.deepEqual(ev[0].evse, { id: 1, connectorId: 1 });
  assert.equal(ev[0].meterValue[0].sampledValue[0].context, "Transaction.Begin");
  await s.swipe(VALID_TOKEN);
  assert.equal(last(s.sent("Authorize")).idToken.idToken, VALID_TOKEN);
  ev = s.events();
  const auth = ev.find((e) => e.triggerReason === "Authorized");
  assert.ok(auth, "an Updated with triggerReason Authorized");
  assert.deepEqual(auth.idToken, { idToken: VALID_TOKEN, type: "ISO14443" });
  await s.ready(1);
  ev = s.events();
  assert.equal(last(ev).triggerReason, "ChargingStateChanged");
  assert.equal(last(ev).transactionInfo.chargingState, "Charging");
  assertWellFormed(assert, ev);
});

test(`[${HOST}] TC_E_04_CS authorized first: Started on authorization, cable plugged in, charging`, async (t) => {
  const s = await chargingScenario(t);
  await s.swipe(VALID_TOKEN);
  let ev = s.events();
  assert.equal(ev.length, 1);
  assert.equal(ev[0].eventType, "Started");
  assert.equal(ev[0].triggerReason, "Authorized");
  assert.deepEqual(ev[0].idToken, { idToken: VALID_TOKEN, type: "ISO14443" });
  assert.equal(ev[0].evse, undefined, "E01.FR.16: no EVSE named before the EV is connected (E01.FR.17: the Transaction.Begin values come with the cable)");
  sim(s).ev(1).plug();
  sim(s).ev(1).setReady(true);
  await s.step(3000);
  ev = s.events();
  const plugged = ev.find((e) => e.triggerReason === "CablePluggedIn");
  assert.ok(plugged, "Updated CablePluggedIn");
  assert.equal(plugged.transactionInfo.chargingState, "EVConnected");
  assert.deepEqual(plugged.evse, { id: 1, connectorId: 1 });
  assert.equal(last(ev).transactionInfo.chargingState, "Charging");
  assert.equal(last(s.statuses(1)), "Occupied");
  assertWellFormed(assert, ev);
});

test(`[${HOST}] TC_E_05_CS authorized but no cable within EVConnectionTimeOut: Ended EVConnectTimeout/Timeout`, async (t) => {
  const s = await chargingScenario(t);
  await s.swipe(VALID_TOKEN);
  await s.step(55_000);
  assert.equal(s.events().length, 1, "still waiting for the cable: " + JSON.stringify(s.events().map((e) => [e.seqNo, e.eventType, e.triggerReason])));
  await s.step(6_000);
  const ev = s.events();
  assert.equal(ev.length, 2);
  assert.equal(ev[1].eventType, "Ended");
  assert.equal(ev[1].triggerReason, "EVConnectTimeout");
  assert.equal(ev[1].transactionInfo.stoppedReason, "Timeout");
  // The EVSE is ready for another session.
  await s.swipe(VALID_TOKEN);
  await s.plug(1);
  await s.ready(1);
  assert.equal(last(s.events()).transactionInfo.chargingState, "Charging");
  assertWellFormed(assert, s.events());
});

test(`[${HOST}] TC_E_39_CS after EVConnectionTimeOut a cable plugged in later does not charge`, async (t) => {
  const s = await chargingScenario(t);
  await s.swipe(VALID_TOKEN);
  await s.step(61_000);
  assert.equal(last(s.events()).triggerReason, "EVConnectTimeout");
  await s.plug(1);
  await s.ready(1);
  await s.step(5000);
  const after = s.events().filter((e) => e.transactionInfo.transactionId !== s.events()[0].transactionInfo.transactionId);
  assert.ok(!after.some((e) => e.transactionInfo.chargingState === "Charging"), "no energy without a new authorization");
  assert.ok(!after.some((e) => e.idToken), "the expired authorization is not reused");
});

// Not TC_E_38_CS: that case needs a station without EnergyTransfer as a start point (C-09.5 is Yes here).
test(`[${HOST}] E03 EV not ready after authorization and plug-in: SuspendedEV until it is, then Charging`, async (t) => {
  const s = await chargingScenario(t);
  await s.swipe(VALID_TOKEN);
  await s.plug(1);
  await s.step(1000);
  assert.equal(last(s.events()).transactionInfo.chargingState, "SuspendedEV");
  assert.equal(last(s.events()).triggerReason, "ChargingStateChanged");
  await s.ready(1);
  assert.equal(last(s.events()).transactionInfo.chargingState, "Charging");
});

// TC_E_15_CS: with Authorized in TxStopPoint (the default) the stop authorization is the end: one Ended that
// carries StopAuthorized and Local (the reusable state's optional ChargingStateChanged event is not sent). After
// it, the cable out (not TC_E_14_CS, which needs a detachable cable) only reports the connector Available.
test(`[${HOST}] TC_E_06_CS / TC_E_15_CS local stop with the same idToken: Ended StopAuthorized/Local; the cable out adds no event`, async (t) => {
  const s = await chargingScenario(t);
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  await s.ready(1);
  await s.step(30_000);
  const before = s.events().length;
  await s.swipe(VALID_TOKEN);
  await s.step(3000);
  let ev = s.events();
  assert.equal(ev.length, before + 1, "one event for the stop");
  const end = last(ev);
  assert.equal(end.eventType, "Ended");
  assert.equal(end.triggerReason, "StopAuthorized");
  assert.equal(end.transactionInfo.chargingState, "EVConnected");
  assert.equal(end.transactionInfo.stoppedReason, "Local");
  assert.ok(end.idToken === undefined || end.idToken.idToken === VALID_TOKEN);
  const energy = end.meterValue[0].sampledValue.find((v) => v.measurand === "Energy.Active.Import.Register");
  assert.ok(energy.value > 0, "energy was delivered");
  assert.equal(energy.context, "Transaction.End");
  const count = ev.length;
  await s.unplug(1);
  assert.equal(last(s.statuses(1)), "Available");
  assert.equal(s.events().length, count, "nothing more after the Ended");
  assert.equal(s.sim.module.current === undefined ? 0 : Math.round(s.sim.module.current), 0, "no current after the stop");
  assertWellFormed(assert, s.events());
});

test(`[${HOST}] TC_E_20_CS cable out while charging: Ended EVCommunicationLost, Idle, EVDisconnected`, async (t) => {
  const s = await chargingScenario(t);
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  await s.ready(1);
  await s.unplug(1);
  const end = last(s.events());
  assert.equal(end.eventType, "Ended");
  assert.equal(end.triggerReason, "EVCommunicationLost");
  assert.equal(end.transactionInfo.chargingState, "Idle");
  assert.equal(end.transactionInfo.stoppedReason, "EVDisconnected");
  assertWellFormed(assert, s.events());
});

// ---- start and stop points (E01, E06, E09) ------------------------------------------------------------

/** Reusable state EnergyTransferStarted from idle, authorization first (Authorized A, then Part 1). */
async function energyTransferStarted(s) {
  await s.swipe(VALID_TOKEN);
  await s.plug(1);
  await s.ready(1);
  assert.equal(last(s.events()).transactionInfo.chargingState, "Charging", "EnergyTransferStarted");
}

/** Reusable state StopAuthorized (remote, B) after half a minute of charging: RequestStopTransaction for the
 *  running transaction is Accepted; returns the events it brought. */
async function stopRemotely(s) {
  await s.step(30_000);
  const id = s.events()[0].transactionInfo.transactionId;
  const before = s.events().length;
  assert.equal((await s.call("RequestStopTransaction", { transactionId: id })).status, "Accepted");
  await s.step(3000);
  return s.events().slice(before);
}

/** Reusable state EnergyTransferSuspended: the EV stops taking energy, reported as SuspendedEV. */
async function energyTransferSuspended(s) {
  await energyTransferStarted(s);
  await s.step(10_000);
  await s.suspend(1);
  const e = last(s.events());
  assert.equal(e.eventType, "Updated");
  assert.equal(e.triggerReason, "ChargingStateChanged");
  assert.equal(e.transactionInfo.chargingState, "SuspendedEV", "EnergyTransferSuspended");
}

/** Disconnecting at the EV side (a fixed cable: the only side there is) gives this Ended. */
function assertEvSideEnded(end, stoppedReasons) {
  assert.equal(end.eventType, "Ended");
  assert.equal(end.triggerReason, "EVCommunicationLost");
  assert.equal(end.transactionInfo.chargingState, "Idle");
  assert.ok(stoppedReasons.includes(end.transactionInfo.stoppedReason), `stoppedReason ${end.transactionInfo.stoppedReason}`);
}

test(`[${HOST}] TC_E_10_CS TxStartPoint Authorized, local: a card without a cable starts the transaction`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal(await s.setVariable("TxCtrlr", "TxStartPoint", "Authorized"), "Accepted");
  assert.equal(await s.setVariable("AuthCtrlr", "Enabled", "true"), "Accepted");
  await s.swipe(VALID_TOKEN);
  assert.deepEqual(s.sent("Authorize").map((a) => a.idToken), [{ idToken: VALID_TOKEN, type: "ISO14443" }]);
  const ev = s.events();
  assert.equal(ev.length, 1);
  assert.equal(ev[0].eventType, "Started");
  assert.equal(ev[0].triggerReason, "Authorized");
  assert.deepEqual(ev[0].idToken, { idToken: VALID_TOKEN, type: "ISO14443" });
  assert.equal(last(s.statuses(1)), "Available", "no cable yet");
  // The driver then plugs in and charges in the same transaction.
  await s.plug(1);
  await s.ready(1);
  assert.equal(last(s.events()).transactionInfo.chargingState, "Charging");
  assert.equal(new Set(s.events().map((e) => e.transactionInfo.transactionId)).size, 1);
  assertWellFormed(assert, s.events());
});

test(`[${HOST}] TC_E_13_CS TxStartPoint Authorized, remote: RequestStartTransaction starts it (RemoteStart, remoteStartId), no Authorize`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal(await s.setVariable("TxCtrlr", "TxStartPoint", "Authorized"), "Accepted");
  assert.equal(await s.setVariable("AuthCtrlr", "Enabled", "true"), "Accepted");
  const res = await s.call("RequestStartTransaction", { idToken: { idToken: VALID_TOKEN, type: "ISO14443" }, remoteStartId: 13, evseId: 1 });
  assert.equal(res.status, "Accepted");
  await s.step(1000);
  assert.equal(s.sent("Authorize").length, 0, "AuthorizeRemoteStart is false (C-48.2)");
  const ev = s.events();
  assert.equal(ev.length, 1);
  assert.equal(ev[0].eventType, "Started");
  assert.equal(ev[0].triggerReason, "RemoteStart");
  assert.deepEqual(ev[0].idToken, { idToken: VALID_TOKEN, type: "ISO14443" });
  assert.equal(ev[0].transactionInfo.remoteStartId, 13);
  await s.plug(1);
  await s.ready(1);
  assert.equal(last(s.events()).transactionInfo.chargingState, "Charging");
  assertWellFormed(assert, s.events());
});

test(`[${HOST}] TC_E_21_CS TxStopPoint Authorized, remote stop: Ended RemoteStop/Remote`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal(await s.setVariable("TxCtrlr", "TxStopPoint", "Authorized"), "Accepted");
  await energyTransferStarted(s);
  const ev = await stopRemotely(s);
  assert.equal(ev.length, 1, "the stop is the end: " + JSON.stringify(ev.map((e) => [e.eventType, e.triggerReason])));
  assert.equal(ev[0].eventType, "Ended");
  assert.equal(ev[0].triggerReason, "RemoteStop");
  assert.equal(ev[0].transactionInfo.stoppedReason, "Remote");
  assert.ok(Math.round(s.sim.module.current) === 0, "no current after the stop");
  assertWellFormed(assert, s.events());
});

test(`[${HOST}] TC_E_07_CS TxStopPoint PowerPathClosed, local stop: Updated StopAuthorized, then Ended ChargingStateChanged/EVConnected/Local`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal(await s.setVariable("TxCtrlr", "TxStopPoint", "PowerPathClosed"), "Accepted");
  await energyTransferStarted(s);
  await s.step(30_000);
  const before = s.events().length;
  await s.swipe(VALID_TOKEN);
  await s.step(3000);
  const ev = s.events().slice(before);
  // Reusable state StopAuthorized (local): the stop authorization, then the end when the power path opens.
  assert.equal(ev.length, 2, JSON.stringify(ev.map((e) => [e.eventType, e.triggerReason])));
  assert.equal(ev[0].eventType, "Updated");
  assert.equal(ev[0].triggerReason, "StopAuthorized");
  assert.ok(ev[0].idToken === undefined || ev[0].idToken.idToken === VALID_TOKEN);
  assert.equal(ev[1].eventType, "Ended");
  assert.equal(ev[1].triggerReason, "ChargingStateChanged");
  assert.equal(ev[1].transactionInfo.chargingState, "EVConnected");
  assert.equal(ev[1].transactionInfo.stoppedReason, "Local", "Part 6 also allows it omitted");
  await s.unplug(1);
  assert.equal(s.events().length, before + 2, "nothing after the Ended");
  assert.equal(last(s.statuses(1)), "Available");
  assertWellFormed(assert, s.events());
});

// TC_E_35_CS has no text in the Part 6 at hand: built from use case E06 (S5, PowerPathClosed) with F03 and the
// reusable states StopAuthorized (remote, B) and EVConnectedPostSession.
test(`[${HOST}] TC_E_35_CS TxStopPoint PowerPathClosed, remote stop: Updated RemoteStop, then Ended ChargingStateChanged/EVConnected/Remote`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal(await s.setVariable("TxCtrlr", "TxStopPoint", "PowerPathClosed"), "Accepted");
  await energyTransferStarted(s);
  const ev = await stopRemotely(s);
  assert.equal(ev.length, 2, JSON.stringify(ev.map((e) => [e.eventType, e.triggerReason])));
  assert.equal(ev[0].eventType, "Updated");
  assert.equal(ev[0].triggerReason, "RemoteStop");
  assert.equal(ev[1].eventType, "Ended");
  assert.equal(ev[1].triggerReason, "ChargingStateChanged");
  assert.equal(ev[1].transactionInfo.chargingState, "EVConnected");
  assert.equal(ev[1].transactionInfo.stoppedReason, "Remote");
  assertWellFormed(assert, s.events());
});

test(`[${HOST}] TC_E_17_CS TxStopPoint Authorized only (errata 6.2.10), EV side disconnect while suspended: Ended EVCommunicationLost/Idle/EVDisconnected, then Available`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal(await s.setVariable("TxCtrlr", "TxStopPoint", "Authorized"), "Accepted");
  assert.equal(await s.setVariable("AuthCtrlr", "Enabled", "true"), "Accepted");
  // C-06.2 and C-12.2: both read-only with the values the test case asks for.
  assert.equal((await s.getVariable("TxCtrlr", "StopTxOnEVSideDisconnect")).attributeValue, "true");
  assert.equal((await s.getVariable("OCPPCommCtrlr", "UnlockOnEVSideDisconnect")).attributeValue, "false");
  await energyTransferSuspended(s);
  const before = s.events().length;
  await s.unplug(1);
  const ev = s.events().slice(before);
  assert.equal(ev.length, 1);
  assertEvSideEnded(ev[0], ["EVDisconnected"]);
  assert.equal(last(s.statuses(1)), "Available");
  assertWellFormed(assert, s.events());
});

test(`[${HOST}] TC_E_25_CS EV side disconnect with StopTxOnEVSideDisconnect true, UnlockOnEVSideDisconnect false: EVCommunicationLost/Idle, then Available`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.getVariable("TxCtrlr", "StopTxOnEVSideDisconnect")).attributeValue, "true");
  assert.equal((await s.getVariable("OCPPCommCtrlr", "UnlockOnEVSideDisconnect")).attributeValue, "false");
  await energyTransferSuspended(s);
  const before = s.events().length;
  await s.unplug(1);
  const ev = s.events().slice(before);
  assert.equal(ev.length, 1);
  assert.equal(ev[0].triggerReason, "EVCommunicationLost");
  assert.equal(ev[0].transactionInfo.chargingState, "Idle");
  // Deauthorized by the disconnect: with the default stop points that ends the transaction.
  assert.equal(ev[0].eventType, "Ended");
  assert.equal(last(s.statuses(1)), "Available");
  // Not resumed: plugging in again starts a new transaction, without the old authorization.
  await s.plug(1);
  await s.ready(1);
  const next = s.events().filter((e) => e.transactionInfo.transactionId !== ev[0].transactionInfo.transactionId);
  assert.equal(next[0].eventType, "Started");
  assert.ok(!next.some((e) => e.transactionInfo.chargingState === "Charging"), "no energy without a new authorization");
  assertWellFormed(assert, s.events());
});

test(`[${HOST}] TC_E_37_CS TxStopPoint PowerPathClosed, EV side disconnect while suspended: Ended EVCommunicationLost/Idle`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal(await s.setVariable("TxCtrlr", "TxStopPoint", "PowerPathClosed"), "Accepted");
  // StopTxOnEVSideDisconnect is read-only true here (C-06.2), so it cannot be set false as Part 6 asks if writable.
  assert.equal(await s.setVariable("TxCtrlr", "StopTxOnEVSideDisconnect", "false"), "Rejected");
  await energyTransferSuspended(s);
  const before = s.events().length;
  await s.unplug(1);
  const ev = s.events().slice(before);
  assert.equal(ev.length, 1);
  assertEvSideEnded(ev[0], ["StoppedByEV", "EVDisconnected"]);
  assertWellFormed(assert, s.events());
});

test(`[${HOST}] TC_E_54_CS TxStopPoint EVConnected, EV side disconnect while suspended (DC, high-level communication): Ended EVCommunicationLost/Idle`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal(await s.setVariable("TxCtrlr", "TxStopPoint", "EVConnected"), "Accepted");
  await energyTransferSuspended(s);
  const before = s.events().length;
  await s.unplug(1);
  const ev = s.events().slice(before);
  assert.equal(ev.length, 1);
  assertEvSideEnded(ev[0], ["StoppedByEV", "EVDisconnected"]);
  assertWellFormed(assert, s.events());
});

// Invalid, Blocked, Expired and Unknown: tests/conformance/c-authorization.test.js.
for (const status of ["NoCredit", "NotAllowedTypeEVSE", "NotAtThisLocation", "NotAtThisTime", "ConcurrentTx"]) {
  test(`[${HOST}] C01 Authorize ${status}: not authorized`, async (t) => {
    const s = await chargingScenario(t, { csms: { handlers: { Authorize: () => ({ idTokenInfo: { status } }) } } });
    await s.swipe(OTHER_TOKEN);
    await s.plug(1);
    await s.ready(1);
    assert.ok(!s.events().some((e) => e.idToken), "no authorized transaction");
    assert.ok(!s.events().some((e) => e.transactionInfo.chargingState === "Charging"));
  });
}

test(`[${HOST}] C01 idTokenInfo.evseId without this EVSE: not authorized here`, async (t) => {
  const s = await chargingScenario(t, { csms: { handlers: { Authorize: () => ({ idTokenInfo: { status: "Accepted", evseId: [2] } }) } } });
  await s.swipe(VALID_TOKEN);
  assert.equal(s.events().length, 0);
});

test(`[${HOST}] E06 online: the CSMS refuses the token in its TransactionEventResponse: Ended Deauthorized`, async (t) => {
  const s = await chargingScenario(t, { csms: { handlers: {
    TransactionEvent: (p) => (p.idToken ? { idTokenInfo: { status: "Invalid" } } : {}),
  } } });
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  await s.ready(1);
  await s.step(2000);
  const end = last(s.events());
  assert.equal(end.eventType, "Ended");
  assert.equal(end.triggerReason, "Deauthorized");
  assert.equal(end.transactionInfo.stoppedReason, "DeAuthorized");
});

// ---- remote start / stop (F01–F04; the certification cases: tests/conformance/f-remote-control.test.js) --

test(`[${HOST}] F01 remote start refused on an unknown EVSE or while a transaction is authorized`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.call("RequestStartTransaction", { idToken: { idToken: VALID_TOKEN, type: "ISO14443" }, remoteStartId: 1, evseId: 2 })).status, "Rejected");
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  assert.equal((await s.call("RequestStartTransaction", { idToken: { idToken: OTHER_TOKEN, type: "ISO14443" }, remoteStartId: 2 })).status, "Rejected");
});

// ---- transaction status, offline, retries, power loss (E12–E14) ----------------------------------------

test(`[${HOST}] TC_E_30_CS / TC_E_32_CS / TC_E_34_CS GetTransactionStatus`, async (t) => {
  const s = await chargingScenario(t);
  assert.deepEqual(await s.call("GetTransactionStatus", {}), { messagesInQueue: false });
  await s.plug(1);
  const id = s.events()[0].transactionInfo.transactionId;
  assert.deepEqual(await s.call("GetTransactionStatus", { transactionId: id }), { ongoingIndicator: true, messagesInQueue: false });
  await s.unplug(1);
  assert.deepEqual(await s.call("GetTransactionStatus", { transactionId: id }), { ongoingIndicator: false, messagesInQueue: false });
});

test(`[${HOST}] E14 GetTransactionStatus while events wait for a retry after a CALLERROR`, async (t) => {
  let failing = true;
  const s = await chargingScenario(t, { csms: { handlers: {
    TransactionEvent: () => { if (failing) { const e = new Error("busy"); e.rpcErrorCode = "InternalError"; throw e; } return {}; },
  } } });
  await s.plug(1);
  const id = s.events()[0].transactionInfo.transactionId;
  assert.deepEqual(await s.call("GetTransactionStatus", { transactionId: id }), { ongoingIndicator: true, messagesInQueue: true });
  assert.deepEqual(await s.call("GetTransactionStatus", {}), { messagesInQueue: true });
  failing = false;
  await s.step(70_000);
  assert.deepEqual(await s.call("GetTransactionStatus", {}), { messagesInQueue: false });
});

/** Virtual-clock checkpoints relative to t0: steps until t0 + ms. */
const stepTo = async (s, t0, ms) => { const d = t0 + ms - s.now(); if (d > 0) await s.step(d); };
const answer = (p) => (p.idToken ? { idTokenInfo: { status: "Accepted" } } : {});

test(`[${HOST}] TC_E_41_CS no answer: the event is sent MessageAttempts times, MessageTimeout + interval × earlier sends apart, then dropped`, async (t) => {
  // The CSMS never answers the event that reports the cable (seqNo 1, the first after the Authorized state).
  const s = await chargingScenario(t, { csms: { handlers: {
    TransactionEvent: (p) => (p.seqNo === 1 ? new Promise(() => {}) : answer(p)),
  } } });
  assert.equal(await s.setVariable("OCPPCommCtrlr", "MessageAttempts", "3", "TransactionEvent"), "Accepted");
  assert.equal(await s.setVariable("OCPPCommCtrlr", "MessageAttemptInterval", "10", "TransactionEvent"), "Accepted");
  const T = Number((await s.getVariable("OCPPCommCtrlr", "MessageTimeout", "Default")).attributeValue) * 1000;
  const I = 10_000;
  await s.swipe(VALID_TOKEN);                                    // Authorized
  assert.equal(s.events().length, 1);
  const t0 = s.now();
  await s.plug(1);                                               // EVConnectedPreSession
  const sends = () => s.events().filter((e) => e.seqNo === 1);
  const next = () => s.events().filter((e) => e.seqNo === 2);
  assert.equal(sends().length, 1);
  assert.equal(sends()[0].triggerReason, "CablePluggedIn");
  // Send k+1 follows send k after the time-out plus interval × k.
  const at2 = T + I, at3 = at2 + T + 2 * I, dropped = at3 + T;
  await stepTo(s, t0, at2 - 1000);
  assert.equal(sends().length, 1, "no resend before MessageTimeout + interval");
  await stepTo(s, t0, at2 + 1000);
  assert.equal(sends().length, 2, "second send");
  await stepTo(s, t0, at3 - 1000);
  assert.equal(sends().length, 2, "no resend before MessageTimeout + 2 × interval");
  await stepTo(s, t0, at3 + 1000);
  assert.equal(sends().length, 3, "third send");
  await stepTo(s, t0, dropped - 1000);
  assert.equal(next().length, 0, "the queue waits for the last attempt");
  await stepTo(s, t0, dropped + 1000);
  assert.equal(next().length, 1, "dropped after the last time-out: the queue moves on");
  await stepTo(s, t0, dropped + T + 3 * I + 5000);
  assert.equal(sends().length, 3, "not sent a fourth time");
  assert.equal(new Set(sends().map((e) => JSON.stringify(e))).size, 1, "the same message each time");
  assert.deepEqual(checkTransactions(s.events(), { requireEnded: false }).problems, []);
});

// TC_E_42_CS has no text in the Part 6 at hand: built from use case E13 as TC_E_41_CS, with the second send
// answered (the time-out counterpart of the CALLERROR case in tests/conformance/).
test(`[${HOST}] TC_E_42_CS no answer, then an answer to the second send: not sent again, the queue goes on`, async (t) => {
  let n = 0;
  const s = await chargingScenario(t, { csms: { handlers: {
    TransactionEvent: (p) => (p.seqNo === 1 && ++n === 1 ? new Promise(() => {}) : answer(p)),
  } } });
  assert.equal(await s.setVariable("OCPPCommCtrlr", "MessageAttempts", "3", "TransactionEvent"), "Accepted");
  assert.equal(await s.setVariable("OCPPCommCtrlr", "MessageAttemptInterval", "10", "TransactionEvent"), "Accepted");
  const T = 30_000, I = 10_000;
  assert.equal((await s.getVariable("OCPPCommCtrlr", "MessageTimeout", "Default")).attributeValue, "30");
  await s.swipe(VALID_TOKEN);
  const t0 = s.now();
  await s.plug(1);
  const sends = () => s.events().filter((e) => e.seqNo === 1);
  await stepTo(s, t0, T + I - 1000);
  assert.equal(sends().length, 1);
  assert.equal(s.events().filter((e) => e.seqNo === 2).length, 0, "in order: nothing passes the unanswered event");
  await stepTo(s, t0, T + I + 1000);
  assert.equal(sends().length, 2);
  assert.equal(s.events().filter((e) => e.seqNo === 2).length, 1, "the next event follows the answer");
  await stepTo(s, t0, 3 * T + 6 * I);
  assert.equal(sends().length, 2, "not sent again once answered");
  const report = checkTransactions(s.events(), { requireEnded: false });
  assert.deepEqual(report.problems, []);
  assert.equal(report.resent, 1, "one identical re-send");
});

test(`[${HOST}] TC_E_28_CS GetTransactionStatus with an unknown transactionId: ongoingIndicator false, messagesInQueue false`, async (t) => {
  // TC_E_28_CS has no text in the Part 6 at hand: built from use case E14. The unknown id is asked while another
  // transaction's events wait in the queue, so only the asked id may count.
  const s = await chargingScenario(t, { csms: { handlers: {
    TransactionEvent: () => { const e = new Error("busy"); e.rpcErrorCode = "InternalError"; throw e; },
  } } });
  const unknown = { ongoingIndicator: false, messagesInQueue: false };
  assert.deepEqual(await s.call("GetTransactionStatus", { transactionId: "no-such-transaction" }), unknown);
  await s.plug(1);
  const id = s.events()[0].transactionInfo.transactionId;
  assert.deepEqual(await s.call("GetTransactionStatus", { transactionId: id }), { ongoingIndicator: true, messagesInQueue: true });
  assert.deepEqual(await s.call("GetTransactionStatus", { transactionId: "no-such-transaction" }), unknown);
  assert.deepEqual(await s.call("GetTransactionStatus", { transactionId: id.slice(0, 8) }), unknown, "a prefix is another id");
});

test(`[${HOST}] TC_E_44_CS stop during an offline period: every queued event offline=true, one Ended, sent after reconnection`, async (t) => {
  const s = await chargingScenario(t);
  const waitS = 120;
  assert.equal(await s.setVariable("OCPPCommCtrlr", "OfflineThreshold", String(waitS + 60)), "Accepted");
  assert.equal(await s.setVariable("OCPPCommCtrlr", "RetryBackOffWaitMinimum", String(waitS)), "Accepted");
  assert.equal(await s.setVariable("OCPPCommCtrlr", "RetryBackOffRandomRange", "0"), "Accepted");
  await energyTransferStarted(s);
  const id = s.events()[0].transactionInfo.transactionId;
  const online = s.events().length;
  await s.csmsGone();
  await s.step(65_000);                  // a periodic sample while offline
  await s.swipe(VALID_TOKEN);            // the same idToken: a local stop, decided offline
  await s.unplug(1);
  assert.equal(s.events().length, online, "nothing reaches the CSMS while it is away");
  await s.csmsBack();
  assert.ok(await s.stepUntilConnected(2, (waitS + 10) * 1000, 1000), "reconnected after RetryBackOffWaitMinimum");
  await s.step(10_000);
  const queued = s.events().slice(online);
  assert.ok(queued.length >= 2, `queued: ${queued.length}`);
  for (const e of queued) assert.equal(e.offline, true, `${e.eventType} ${e.triggerReason} seqNo ${e.seqNo}`);
  const ended = queued.filter((e) => e.eventType === "Ended");
  assert.equal(ended.length, 1);
  assert.equal(ended[0].transactionInfo.transactionId, id);
  assert.equal(ended[0].triggerReason, "StopAuthorized");
  assert.equal(ended[0].transactionInfo.stoppedReason, "Local");
  assert.ok(queued.some((e) => e.triggerReason === "MeterValuePeriodic"), "the offline sample too");
  assertWellFormed(assert, s.events());
});

test(`[${HOST}] TC_E_31_CS GetTransactionStatus at reconnection for a transaction ended offline: ongoingIndicator false, messagesInQueue true`, async (t) => {
  // The CSMS holds its answers to TransactionEvents after the reconnection until it has the status, so the
  // question surely comes while the queue is still full, as when asked the moment the connection is back.
  let release, holding = false;
  const held = new Promise((r) => { release = r; });
  const s = await chargingScenario(t, { csms: { handlers: {
    TransactionEvent: async (p) => { if (holding) await held; return answer(p); },
  } } });
  const waitS = 60, durationS = 60;
  assert.equal(await s.setVariable("SampledDataCtrlr", "TxUpdatedMeasurands", "Energy.Active.Import.Register,Power.Active.Import"), "Accepted");
  assert.equal(await s.setVariable("SampledDataCtrlr", "TxUpdatedInterval", "20"), "Accepted");
  assert.equal(await s.setVariable("OCPPCommCtrlr", "OfflineThreshold", String(waitS + durationS + 60)), "Accepted");
  assert.equal(await s.setVariable("OCPPCommCtrlr", "RetryBackOffWaitMinimum", String(waitS + durationS)), "Accepted");
  assert.equal(await s.setVariable("OCPPCommCtrlr", "RetryBackOffRandomRange", "0"), "Accepted");
  await energyTransferStarted(s);
  const id = s.events()[0].transactionInfo.transactionId;
  const online = s.events().length;
  holding = true;
  await s.csmsGone();
  await s.step(30_000);
  await s.swipe(VALID_TOKEN);            // local stop (the configured scenario is local)
  await s.unplug(1);
  await s.step(durationS * 1000);
  await s.csmsBack();
  assert.ok(await s.stepUntilConnected(2, (waitS + durationS) * 1000, 500), "reconnected");
  assert.deepEqual(await s.call("GetTransactionStatus", { transactionId: id }), { ongoingIndicator: false, messagesInQueue: true });
  release();
  await s.step(20_000);
  const queued = s.events().slice(online);
  assert.ok(queued.filter((e) => e.triggerReason === "MeterValuePeriodic").length >= 1, "offline samples");
  const end = last(queued);
  assert.equal(end.eventType, "Ended");
  assert.equal(end.triggerReason, "StopAuthorized");
  assert.equal(end.transactionInfo.stoppedReason, "Local");
  assert.ok(queued.every((e) => e.offline === true && e.transactionInfo.transactionId === id));
  assert.deepEqual(await s.call("GetTransactionStatus", { transactionId: id }), { ongoingIndicator: false, messagesInQueue: false });
  assertWellFormed(assert, s.events());
});

test(`[${HOST}] E04/C15 offline start with an unknown id (OfflineTxForUnknownIdEnabled): charges offline, delivered after reconnection`, async (t) => {
  const s = await chargingScenario(t);
  await s.st.setNetwork(false);
  await s.step(1000);
  await s.plug(1);
  await s.swipe(OTHER_TOKEN);
  await s.ready(1);
  await s.step(60_000);
  assert.equal(s.sent("Authorize").length, 0);
  await s.st.setNetwork(true);
  await s.step(120_000);
  const ev = s.events();
  assert.ok(ev.length >= 3);
  const offlinePart = ev.slice(0, 4);
  assert.ok(offlinePart.every((e) => e.offline === true), "events of the offline period say so");
  assert.equal(ev[0].eventType, "Started");
  assert.ok(offlinePart.some((e) => e.idToken && e.idToken.idToken === OTHER_TOKEN), "the token authorized offline");
  assert.ok(offlinePart.some((e) => e.transactionInfo.chargingState === "Charging"), "charged while offline");
  assertWellFormed(assert, ev);
});

test(`[${HOST}] power loss while charging: after reboot the transaction is Ended with PowerLoss, seqNo contiguous`, async (t) => {
  const s = await chargingScenario(t);
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  await s.ready(1);
  await s.step(120_000);
  await s.st.powerCycle();
  await s.csms.waitFor("BootNotification", 2);
  await s.step(10_000);
  const ev = s.events();
  const byTx = assertWellFormed(assert, ev);
  const first = byTx.get(ev[0].transactionInfo.transactionId);
  const end = first.find((e) => e.eventType === "Ended");
  assert.ok(end, "the interrupted transaction is ended");
  assert.equal(end.transactionInfo.stoppedReason, "PowerLoss");
  assert.equal(end.triggerReason, "AbnormalCondition");
  const periodic = first.filter((e) => e.triggerReason === "MeterValuePeriodic");
  const lastEnergy = (e) => e.meterValue[0].sampledValue.find((v) => v.measurand === "Energy.Active.Import.Register").value;
  assert.ok(lastEnergy(end) >= lastEnergy(last(periodic)), "the energy register never goes back");
  const ids = ev.map((e) => `${e.transactionInfo.transactionId}/${e.seqNo}`);
  assert.equal(new Set(ids).size, ids.length, "nothing sent twice");
});

function sim(s) { return s.sim; }
