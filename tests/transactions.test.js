// Authorization and transaction behaviour beyond the certification cases (those are in tests/conformance/),
// against the strict test CSMS, with the hardware simulator, on the host chosen by STATION_HOST, on the virtual clock. Defaults of the
// station: TxStartPoint EVConnected,Authorized; TxStopPoint EVConnected,Authorized; EVConnectionTimeOut 60 s;
// TxUpdatedInterval 60 s; StopTxOnEVSideDisconnect and StopTxOnInvalidId true.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { chargingScenario, assertWellFormed, VALID_TOKEN, OTHER_TOKEN } = require("./helpers/scenario.js");
const { HOST } = require("./helpers/station-host.js");

const last = (list) => list[list.length - 1];

const only = (events, pred) => events.filter(pred);

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

// ---- start and stop points (E01, E06, E09) ------------------------------------------------------------

/** Reusable state EnergyTransferStarted from idle, authorization first (Authorized A, then Part 1). */
async function energyTransferStarted(s) {
  await s.swipe(VALID_TOKEN);
  await s.plug(1);
  await s.ready(1);
  assert.equal(last(s.events()).transactionInfo.chargingState, "Charging", "EnergyTransferStarted");
}




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

// The remote start's idToken is kept in a reused string (issue 17: no allocation on the remote start's path):
// refused requests must not take the running transaction's token from it.
test(`[${HOST}] F01 refused remote starts during a remote-started transaction leave its idToken: the same card stops it`, async (t) => {
  const s = await chargingScenario(t);
  await s.plug(1);
  assert.equal((await s.call("RequestStartTransaction", { idToken: { idToken: VALID_TOKEN, type: "ISO14443" }, remoteStartId: 7 })).status, "Accepted");
  await s.ready(1);
  await s.step(2000);
  for (let k = 0; k < 4; k++) {
    const r = await s.call("RequestStartTransaction", { idToken: { idToken: `REFUSED${k}`, type: "ISO14443" }, remoteStartId: 8 + k });
    assert.equal(r.status, "Rejected");
  }
  await s.swipe(VALID_TOKEN);
  // The Ended goes out once no more energy flows (the module ramps down first).
  for (let i = 0; i < 30 && !s.events().some((e) => e.eventType === "Ended"); i++) await s.step(1000);
  const ended = s.events().filter((e) => e.eventType === "Ended");
  assert.equal(ended.length, 1, "the remote start's card stops the transaction");
  assert.equal(ended[0].triggerReason, "StopAuthorized");
});

// ---- transaction status, offline, retries, power loss (E12–E14) ----------------------------------------

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

