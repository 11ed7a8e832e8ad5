// Block E, offline behaviour and the transaction message queue (Part 6 §2.6: E11, E12, E13, E14 and E06 S3):
// TC_E_16_CS, TC_E_29_CS, TC_E_33_CS, TC_E_40_CS, TC_E_43_CS, TC_E_50_CS, TC_E_51_CS.
// Station configuration assumed (its defaults): TxStartPoint and TxStopPoint EVConnected,Authorized;
// AuthCtrlr.Enabled, LocalAuthorizeOffline and OfflineTxForUnknownIdEnabled true (C-01, C-02; no authorization
// cache, C-49 No, and no local list, so the Memory States IdTokenCached / IdTokenLocalAuthList do not apply);
// StopTxOnInvalidId true; MessageTimeout 30 s; TxUpdatedInterval 60 s.
// "Offline" is what the cases do: the CSMS closes the WebSocket and refuses reconnects until it accepts one
// again (s.csmsGone / s.csmsBack).
// Not applicable: TC_E_45_CS needs a local authorization list or an authorization cache (Local Authorization
// List Management not supported, C-49 No).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { HOST } = require("../helpers/station-host.js");
const { conformance, states, txEventsSince } = require("./states.js");

const answer = (p) => (p.idToken ? { idTokenInfo: { status: "Accepted" } } : {});
const callError = () => { const e = new Error("refused by the test"); e.rpcErrorCode = "InternalError"; throw e; };

// <Configured RetryBackOffWaitMinimum_duration> and <Configured transaction_updated_metervalues_interval>: the
// interval is shorter than the wait, as the cases ask, so samples queue while the CSMS is away.
const WAIT_S = 60;
const TX_INTERVAL_S = 20;
const MEASURANDS = "Energy.Active.Import.Register,Power.Active.Import";

/** The Configuration State of TC_E_29/33/40_CS. */
const offlineConfig = {
  "SampledDataCtrlr.TxUpdatedMeasurands": MEASURANDS,
  "SampledDataCtrlr.TxUpdatedInterval": TX_INTERVAL_S,
  "OCPPCommCtrlr.OfflineThreshold": WAIT_S + 60,
  "OCPPCommCtrlr.RetryBackOffWaitMinimum": WAIT_S,
  "OCPPCommCtrlr.RetryBackOffRandomRange": 0,
};

/** Steps 1-2 of TC_E_29/33/40_CS: the CSMS closes the WebSocket, refuses reconnects for
 *  RetryBackOffWaitMinimum seconds, then accepts the next attempt. Returns the connection count before. */
async function closeAndWait(s) {
  const before = s.csms.connections.length;
  await s.csmsGone();
  await s.step(WAIT_S * 1000);
  await s.csmsBack();
  assert.ok(await s.stepUntilConnected(before + 1, 4 * WAIT_S * 1000, 500), "step 2: the station reconnects");
  return before;
}

/** The events made while the CSMS was away, as delivered after the reconnection (all TransactionEvents since
 *  `mark` up to the first one made online). */
function queued(s, mark) {
  const list = s.sentSince(mark, "TransactionEvent");
  const k = list.findIndex((e) => e.offline !== true);
  return k < 0 ? list : list.slice(0, k);
}

/** The queue of TC_E_29/33/40_CS: periodic samples only, each Updated, with meterValue, offline true. */
function assertQueuedSamples(events, step) {
  assert.ok(events.length >= 2, `${step}: the samples of the offline period were queued (${events.length})`);
  for (const e of events) {
    const what = `${step} (seqNo ${e.seqNo}, ${e.triggerReason})`;
    assert.equal(e.eventType, "Updated", `${what}: eventType Updated`);
    assert.ok(Array.isArray(e.meterValue) && e.meterValue.length > 0, `${what}: meterValue present`);
    assert.equal(e.offline, true, `${what}: offline true`);
  }
}

// ---- E06 S3 ----------------------------------------------------------------------------------------

test(`[${HOST}] TC_E_16_CS Stop transaction options - Deauthorized - Invalid idToken`, async (t) => {
  // The OCTT answers Invalid to the TransactionEventRequest that carries the idToken, everything else normally.
  const s = await conformance(t, { csms: { handlers: {
    TransactionEvent: (p) => (p.idToken ? { idTokenInfo: { status: "Invalid" } } : {}),
  } } });
  // Before: Configuration State (TxStopPoint keeps Authorized: the default).
  await s.configure({
    "AuthCtrlr.Enabled": true, "AuthCtrlr.OfflineTxForUnknownIdEnabled": true, "TxCtrlr.StopTxOnInvalidId": true,
  });
  const connections = s.csms.connections.length;
  // Before: reusable state StartOfflineTransaction (card and cable while the CSMS is away, then it is back).
  const mark = await states.startOfflineTransaction(s);
  assert.equal(s.sentSince(mark, "TransactionEvent").length, 0, "StartOfflineTransaction: nothing reaches the CSMS while it is away");
  assert.ok(await s.stepUntilConnected(connections + 1, 180_000, 500), "StartOfflineTransaction step 2: reconnected");
  await s.step(5000);

  // Main: steps 1-2, the queue emptied; steps 3-4, the deauthorization after it.
  const list = txEventsSince(s, mark, "TC_E_16_CS");
  const end = list.findIndex((e) => e.eventType === "Ended");
  assert.ok(end > 0, "step 3: an Ended after the queued events");
  const queue = list.slice(0, end);
  assert.equal(queue[0].eventType, "Started", "step 1: the queue begins with the Started made offline");
  assert.ok(queue.some((e) => e.idToken), "step 1: a queued event carries the idToken (answered Invalid)");
  for (const e of queue) assert.equal(e.offline, true, `step 1 (seqNo ${e.seqNo}, ${e.triggerReason}): offline true`);
  const ended = list[end];
  assert.equal(end, list.length - 1, "step 3: the Ended is the last event, after the queue was emptied");
  assert.equal(ended.eventType, "Ended", "step 3: eventType Ended");
  assert.equal(ended.triggerReason, "Deauthorized", "step 3: triggerReason Deauthorized");
  assert.equal(ended.transactionInfo.stoppedReason, "DeAuthorized", "step 3: stoppedReason DeAuthorized");
  // E12: offline marks what happened while the CSMS was away; the deauthorization is the CSMS's answer, online.
  assert.notEqual(ended.offline, true, "step 3: the Ended is made online, not offline");
});

// ---- E14 -----------------------------------------------------------------------------------------------

/** TC_E_29_CS and TC_E_33_CS: the same scenario; `withId` decides the GetTransactionStatus of step 3. */
async function statusWithQueue(t, withId) {
  // Step 3 is asked "the moment the WebSocket connection is restored": the test CSMS holds its answers to the
  // TransactionEvents that come after the reconnection until it has the status, so the question surely finds
  // the queue as it was at that moment (the station sends one queued event at a time, waiting for its answer).
  let holding = false, release;
  const held = new Promise((r) => { release = r; });
  const s = await conformance(t, { csms: { handlers: {
    TransactionEvent: async (p) => { if (holding) await held; return answer(p); },
  } } });
  // Before: Configuration State; reusable state EnergyTransferStarted.
  await s.configure(offlineConfig);
  await states.energyTransferStarted(s);
  const id = s.tx.id;

  // Main
  const mark = s.mark();
  holding = true;
  await closeAndWait(s);                                                   // steps 1-2
  const request = withId ? { transactionId: id } : {};
  const status = await s.call("GetTransactionStatus", request);            // steps 3-4
  if (withId) {
    assert.equal(status.ongoingIndicator, true, "step 4: ongoingIndicator true");
  } else {
    assert.equal(status.ongoingIndicator, undefined, "step 4: ongoingIndicator omitted");
  }
  assert.equal(status.messagesInQueue, true, "step 4: messagesInQueue true");
  release();
  await s.step(3000);                                                      // steps 5-6
  const events = queued(s, mark);
  assertQueuedSamples(events, "step 5");
  for (const e of events) assert.equal(e.transactionInfo.transactionId, id, "step 5: the transaction of Before");
  assert.deepEqual(await s.call("GetTransactionStatus", request), withId ? { ongoingIndicator: true, messagesInQueue: false } : { messagesInQueue: false },
    "after step 6: the queue is empty");
}

test(`[${HOST}] TC_E_29_CS Check Transaction status - Transaction with id ongoing - with message in queue`, async (t) => {
  await statusWithQueue(t, true);
});

test(`[${HOST}] TC_E_33_CS Check Transaction status - Without transactionId - with message in queue`, async (t) => {
  await statusWithQueue(t, false);
});

// ---- E11, E12 ----------------------------------------------------------------------------------------

test(`[${HOST}] TC_E_40_CS Offline Behaviour - Connection loss during transaction`, async (t) => {
  const s = await conformance(t);
  // Before: Configuration State. SampledDataCtrlr.Enabled is not implemented (sampling is always on), so
  // "SampledDataEnabled is true" holds without a setting. Reusable state EnergyTransferStarted.
  await s.configure(offlineConfig);
  await states.energyTransferStarted(s);
  const id = s.tx.id;

  // Main
  const mark = s.mark();
  await closeAndWait(s);                                                   // steps 1-2
  await s.step(3000);                                                      // steps 3-4
  const events = queued(s, mark);
  assertQueuedSamples(events, "step 3");
  for (const e of events) assert.equal(e.transactionInfo.transactionId, id, "step 3: the transaction of Before");
  // Nothing ended the transaction while offline: it goes on, online again.
  assert.ok(!s.sentSince(mark, "TransactionEvent").some((e) => e.eventType === "Ended"), "the transaction was not stopped");
  assert.deepEqual(await s.call("GetTransactionStatus", { transactionId: id }), { ongoingIndicator: true, messagesInQueue: false });
  const online = s.mark();
  await s.step(TX_INTERVAL_S * 1000 + 1000);
  const next = s.sentSince(online, "TransactionEvent");
  assert.ok(next.length >= 1 && next.every((e) => e.offline !== true), "samples made online again are not offline");
});

// Errata 2025-01 §6.2.13: TransactionEventsInQueueEnded is the Before state; the main scenario is the queue
// being emptied after the reconnection.
test(`[${HOST}] TC_E_43_CS Offline Behaviour - Transaction during offline period`, async (t) => {
  const s = await conformance(t);
  // Before: memory state TransactionEventsInQueueEnded (its Configuration State: OfflineTxForUnknownIdEnabled).
  await s.configure({ "AuthCtrlr.OfflineTxForUnknownIdEnabled": true });
  const connections = s.csms.connections.length;
  const mark = await states.transactionEventsInQueueEnded(s);
  assert.equal(s.sentSince(mark, "TransactionEvent").length, 0, "TransactionEventsInQueueEnded: the events wait in the queue");

  // Main: steps 1-2, the station empties its queue.
  assert.ok(await s.stepUntilConnected(connections + 1, 180_000, 500), "the station reconnects");
  await s.step(5000);
  const list = s.sentSince(mark, "TransactionEvent");
  assert.ok(list.length >= 2, "step 1: the queued TransactionEvents");
  for (const e of list) assert.equal(e.offline, true, `step 1 (seqNo ${e.seqNo}, ${e.eventType} ${e.triggerReason}): offline true`);
  assert.equal(list.filter((e) => e.eventType === "Started").length, 1, "step 1: one of the messages is a Started");
  assert.equal(list.filter((e) => e.eventType === "Ended").length, 1, "step 1: one of the messages is an Ended");
  assert.equal(new Set(list.map((e) => e.transactionInfo.transactionId)).size, 1, "step 1: one transaction, made offline");
  assert.equal(list[0].eventType, "Started", "step 1: in order, the Started first");
  assert.equal(list[list.length - 1].eventType, "Ended", "step 1: in order, the Ended last");
  assert.deepEqual(list.map((e) => e.seqNo), list.map((_, i) => i), "step 1: seqNo 0.. without a gap");
});

// ---- E13 -----------------------------------------------------------------------------------------------
// Interval of the resends. TC_E_50_CS says: interval × the number of preceding transmissions. TC_E_51_CS adds
// "+ OCPPCommCtrlr.MessageTimeout.Default". The requirements of E13 (and TC_E_41/42_CS, the no-answer
// variants) put the MessageTimeout into the wait only when there is no answer: the station knows of a failure
// after MessageTimeout, then waits MessageAttemptIntervalTransactionEvent × preceding transmissions. A CALLERROR
// is an answer that arrives at once, so no MessageTimeout elapses before the wait starts; the term in TC_E_51_CS
// is taken from TC_E_42_CS (the errata do not change either case). Both cases are asserted with
// interval × preceding transmissions, and TC_E_51_CS checks the second send comes well before the time the
// literal formula would give.
const ATTEMPTS = 3;
const INTERVAL_S = 10;

/** Before of TC_E_50/51_CS: Configuration State, then Authorized and EVConnectedPreSession answered normally.
 *  `refuse(p, n)` decides the answers from then on (n: the how-many-th send of p's seqNo). */
async function retryCase(t, refuse) {
  let failing = false;
  const sends = new Map();
  const s = await conformance(t, { csms: { handlers: {
    TransactionEvent: (p) => {
      if (!failing) return answer(p);
      const n = (sends.get(p.seqNo) || 0) + 1;
      sends.set(p.seqNo, n);
      return refuse(p, n) ? callError() : answer(p);
    },
  } } });
  assert.equal(await s.setVariable("OCPPCommCtrlr", "MessageAttempts", String(ATTEMPTS), "TransactionEvent"), "Accepted",
    "Configuration State MessageAttemptsTransactionEvent");
  assert.equal(await s.setVariable("OCPPCommCtrlr", "MessageAttemptInterval", String(INTERVAL_S), "TransactionEvent"), "Accepted",
    "Configuration State MessageAttemptIntervalTransactionEvent");
  await states.authorized(s);
  await states.evConnectedPreSession(s);
  await s.step(2000);
  failing = true;
  return s;
}

/** Step 5: the first TransactionEvent after the Before states (the next one the station has to send: with the
 *  EV connected and not charging, the periodic sample); its seqNo and the virtual time of its first send. */
async function firstRefused(s, mark) {
  for (let waited = 0; waited < 120_000 && s.sentSince(mark, "TransactionEvent").length === 0; waited += 500) await s.step(500);
  const list = s.sentSince(mark, "TransactionEvent");
  assert.ok(list.length >= 1, "step 5: a TransactionEvent");
  // Steps 1-4 (optional): SignedDataReceived or SuspendedEVSE before it. This station signs nothing (C-42 No).
  assert.ok(!list.some((e) => e.triggerReason === "SignedDataReceived"), "step 1 is not used here");
  return { seqNo: list[0].seqNo, at: s.now() };
}

const stepTo = async (s, at) => { const d = at - s.now(); if (d > 0) await s.step(d); };

test(`[${HOST}] TC_E_50_CS Retry sending transaction message when failed - Max retry count reached - CallError`, async (t) => {
  // Before: Configuration State (MessageAttempts 3 > 1); reusable states Authorized, EVConnectedPreSession.
  const s = await retryCase(t, () => true);
  // Main: step 5 repeated; every TransactionEvent is answered with a CALLERROR InternalError.
  const mark = s.mark();
  const { seqNo, at } = await firstRefused(s, mark);
  const sends = () => s.sentSince(mark, "TransactionEvent").filter((e) => e.seqNo === seqNo);
  const I = INTERVAL_S * 1000;
  // Send k+1 follows send k after interval × k (the number of preceding transmissions).
  let t0 = at;
  for (let k = 1; k < ATTEMPTS; k++) {
    await stepTo(s, t0 + k * I - 1000);
    assert.equal(sends().length, k, `step 5: no send ${k + 1} before ${k} × interval`);
    await stepTo(s, t0 + k * I + 1000);
    assert.equal(sends().length, k + 1, `step 5: send ${k + 1} after ${k} × interval`);
    t0 += k * I;
  }
  // The OCTT waits one more iteration, the interval multiplied again: no further send.
  await stepTo(s, t0 + ATTEMPTS * I + 2000);
  assert.equal(sends().length, ATTEMPTS, `step 5: sent ${ATTEMPTS} times (MessageAttemptsTransactionEvent), then dropped`);
  assert.equal(new Set(sends().map((e) => JSON.stringify(e))).size, 1, "step 5: the same message each time");
});

test(`[${HOST}] TC_E_51_CS Retry sending transaction message when failed - Success before reaching the max retry count - CallError`, async (t) => {
  // Before: Configuration State (MessageAttempts 3 > 2); reusable states Authorized, EVConnectedPreSession.
  // Main: a CALLERROR InternalError to every request except the second send of a message.
  const s = await retryCase(t, (p, n) => n !== 2);
  const mark = s.mark();
  const { seqNo, at } = await firstRefused(s, mark);
  const sends = () => s.sentSince(mark, "TransactionEvent").filter((e) => e.seqNo === seqNo);
  const I = INTERVAL_S * 1000;
  const T = Number((await s.getVariable("OCPPCommCtrlr", "MessageTimeout", "Default")).attributeValue) * 1000;
  assert.ok(T > 2000, "MessageTimeout");
  await stepTo(s, at + I - 1000);
  assert.equal(sends().length, 1, "step 5: no second send before the interval");
  await stepTo(s, at + I + 1000);
  assert.equal(sends().length, 2, "step 5: the second send after interval × 1 (not interval + MessageTimeout, see above)");
  // The OCTT waits one more iteration (interval × 2): answered, so not sent again.
  await stepTo(s, at + I + 2 * I + T + 2000);
  assert.equal(sends().length, 2, "step 5: sent 2 times, not again once answered");
  assert.equal(new Set(sends().map((e) => JSON.stringify(e))).size, 1, "step 5: the same message each time");
});
