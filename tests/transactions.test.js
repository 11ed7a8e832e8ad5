// Core II scenarios (Part 6 blocks C and F01–F04, block E's offline and queue cases; the online block E cases
// are in tests/conformance/e-transactions.test.js): authorization and transactions against the strict test
// CSMS, with the hardware simulator, on the host chosen by STATION_HOST, on the virtual clock. Defaults of the
// station: TxStartPoint EVConnected,Authorized; TxStopPoint EVConnected,Authorized; EVConnectionTimeOut 60 s;
// TxUpdatedInterval 60 s; StopTxOnEVSideDisconnect and StopTxOnInvalidId true.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { chargingScenario, assertWellFormed, VALID_TOKEN, OTHER_TOKEN } = require("./helpers/scenario.js");
const { HOST } = require("./helpers/station-host.js");

const last = (list) => list[list.length - 1];

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

test(`[${HOST}] TC_C_02_CS an Invalid idToken starts nothing`, async (t) => {
  const s = await chargingScenario(t, { csms: { handlers: { Authorize: () => ({ idTokenInfo: { status: "Invalid" } }) } } });
  await s.plug(1);
  const before = s.events().length;
  await s.swipe(OTHER_TOKEN);
  await s.ready(1);
  await s.step(5000);
  const ev = s.events().slice(before);
  assert.equal(ev.filter((e) => e.idToken).length, 0, "no TransactionEvent carries the refused idToken");
  assert.ok(!ev.some((e) => e.transactionInfo.chargingState === "Charging"), "no energy");
});

for (const status of ["Blocked", "Expired", "Unknown", "NoCredit", "NotAllowedTypeEVSE", "NotAtThisLocation", "NotAtThisTime", "ConcurrentTx"]) {
  test(`[${HOST}] ${status === "Blocked" ? "TC_C_06_CS" : status === "Expired" ? "TC_C_07_CS" : status === "Unknown" ? "TC_C_56_CS" : "C01"} Authorize ${status}: not authorized`, async (t) => {
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

test(`[${HOST}] TC_C_04_CS a different idToken during a transaction is authorized but does not stop it`, async (t) => {
  const s = await chargingScenario(t);
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  await s.ready(1);
  const before = s.events().length;
  await s.swipe(OTHER_TOKEN);
  await s.step(5000);
  assert.equal(last(s.sent("Authorize")).idToken.idToken, OTHER_TOKEN);
  const ev = s.events().slice(before);
  assert.ok(!ev.some((e) => e.eventType === "Ended"), "no Ended");
  assert.ok(!ev.some((e) => e.idToken), "no TransactionEvent with the other idToken");
});

test(`[${HOST}] TC_C_39_CS a card of the same group stops the transaction`, async (t) => {
  const group = { idToken: "GROUP1", type: "Central" };
  const s = await chargingScenario(t, { csms: { handlers: { Authorize: () => ({ idTokenInfo: { status: "Accepted", groupIdToken: group } }) } } });
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  await s.ready(1);
  await s.swipe(OTHER_TOKEN);
  await s.step(3000);
  const end = last(s.events());
  assert.equal(end.eventType, "Ended");
  assert.equal(end.transactionInfo.stoppedReason, "Local");
});

test(`[${HOST}] TC_C_42_CS an invalid card of the same group does not stop the transaction`, async (t) => {
  const group = { idToken: "GROUP42", type: "Central" };
  const s = await chargingScenario(t, { csms: { handlers: {
    Authorize: (p) => ({ idTokenInfo: { status: p.idToken.idToken === VALID_TOKEN ? "Accepted" : "Invalid", groupIdToken: group } }),
    TransactionEvent: (p) => (p.idToken ? { idTokenInfo: { status: "Accepted", groupIdToken: group } } : {}),
  } } });
  await s.plug(1);                                   // EVConnectedPreSession
  assert.equal(last(s.statuses(1)), "Occupied");
  await s.swipe(VALID_TOKEN);
  assert.deepEqual(s.sent("Authorize")[0].idToken, { idToken: VALID_TOKEN, type: "ISO14443" });
  const auth = s.events().find((e) => e.triggerReason === "Authorized");
  assert.ok(auth, "a TransactionEvent with triggerReason Authorized");
  assert.equal(auth.eventType, "Updated", "the cable started the transaction already");
  assert.deepEqual(auth.idToken, { idToken: VALID_TOKEN, type: "ISO14443" });
  await s.ready(1);                                  // EnergyTransferStarted
  assert.equal(last(s.events()).transactionInfo.chargingState, "Charging");
  const before = s.events().length;
  const receivedWh = s.sim.ev(1).receivedWh;
  await s.swipe(OTHER_TOKEN);
  assert.deepEqual(last(s.sent("Authorize")).idToken, { idToken: OTHER_TOKEN, type: "ISO14443" });
  await s.step(90_000);
  const ev = s.events().slice(before);
  assert.ok(!ev.some((e) => e.eventType === "Ended"), "not ended");
  assert.ok(ev.every((e) => e.triggerReason === "MeterValuePeriodic"), "only periodic samples: " + JSON.stringify(ev.map((e) => e.triggerReason)));
  assert.ok(s.sim.ev(1).receivedWh > receivedWh + 1000, "the energy transfer goes on");
  assert.ok(s.sim.module.current > 10, "current flows");
});

test(`[${HOST}] TC_E_16_CS the CSMS refuses the token in its TransactionEventResponse: Ended Deauthorized`, async (t) => {
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

// ---- remote start / stop (F01–F04) ----------------------------------------------------------------------

test(`[${HOST}] TC_F_01_CS remote start with the cable plugged in first`, async (t) => {
  const s = await chargingScenario(t);
  await s.plug(1);
  const started = s.events()[0];
  const res = await s.call("RequestStartTransaction", { idToken: { idToken: VALID_TOKEN, type: "ISO14443" }, remoteStartId: 42, evseId: 1 });
  assert.equal(res.status, "Accepted");
  assert.equal(res.transactionId, started.transactionInfo.transactionId, "the running transaction's id");
  await s.step(1000);
  const remote = s.events().find((e) => e.triggerReason === "RemoteStart");
  assert.ok(remote, "Updated RemoteStart");
  assert.equal(remote.transactionInfo.remoteStartId, 42);
  assert.equal(remote.idToken.idToken, VALID_TOKEN);
  await s.ready(1);
  assert.equal(last(s.events()).transactionInfo.chargingState, "Charging");
});

test(`[${HOST}] TC_F_03_CS remote start first (AuthorizeRemoteStart false): Started RemoteStart, no Authorize`, async (t) => {
  const s = await chargingScenario(t);
  const res = await s.call("RequestStartTransaction", { idToken: { idToken: VALID_TOKEN, type: "ISO14443" }, remoteStartId: 7 });
  assert.equal(res.status, "Accepted");
  await s.step(1000);
  const ev = s.events();
  assert.equal(ev[0].eventType, "Started");
  assert.equal(ev[0].triggerReason, "RemoteStart");
  assert.equal(ev[0].transactionInfo.remoteStartId, 7);
  assert.equal(s.sent("Authorize").length, 0);
  await s.plug(1);
  await s.ready(1);
  assert.equal(last(s.events()).transactionInfo.chargingState, "Charging");
});

test(`[${HOST}] TC_F_04_CS remote start, no cable within EVConnectionTimeOut`, async (t) => {
  const s = await chargingScenario(t);
  await s.call("RequestStartTransaction", { idToken: { idToken: VALID_TOKEN, type: "ISO14443" }, remoteStartId: 8 });
  await s.step(61_000);
  const end = last(s.events());
  assert.equal(end.eventType, "Ended");
  assert.equal(end.triggerReason, "EVConnectTimeout");
  assert.equal(end.transactionInfo.stoppedReason, "Timeout");
});

test(`[${HOST}] F01 remote start refused on an unknown EVSE or while a transaction is authorized`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.call("RequestStartTransaction", { idToken: { idToken: VALID_TOKEN, type: "ISO14443" }, remoteStartId: 1, evseId: 2 })).status, "Rejected");
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  assert.equal((await s.call("RequestStartTransaction", { idToken: { idToken: OTHER_TOKEN, type: "ISO14443" }, remoteStartId: 2 })).status, "Rejected");
});

test(`[${HOST}] TC_F_08_CS remote stop ends the transaction (RemoteStop, Remote); TC_F_09_CS unknown id Rejected`, async (t) => {
  const s = await chargingScenario(t);
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  await s.ready(1);
  assert.equal((await s.call("RequestStopTransaction", { transactionId: "no-such-transaction" })).status, "Rejected");
  const id = s.events()[0].transactionInfo.transactionId;
  assert.equal((await s.call("RequestStopTransaction", { transactionId: id })).status, "Accepted");
  await s.step(3000);
  const ev = s.events();
  assert.ok(ev.some((e) => e.triggerReason === "RemoteStop"));
  const end = last(ev);
  assert.equal(end.eventType, "Ended");
  assert.equal(end.transactionInfo.stoppedReason, "Remote");
  assertWellFormed(assert, ev);
});

// ---- transaction status, offline, retries, power loss (E12–E14) ----------------------------------------

test(`[${HOST}] TC_E_29_CS / TC_E_33_CS GetTransactionStatus while events wait in the queue`, async (t) => {
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

test(`[${HOST}] TC_E_50_CS CALLERROR: resent MessageAttemptsTransactionEvent times, interval × attempts, then dropped`, async (t) => {
  const s = await chargingScenario(t, { csms: { handlers: {
    TransactionEvent: () => { const e = new Error("no"); e.rpcErrorCode = "InternalError"; throw e; },
  } } });
  await s.plug(1);
  const attempts = () => s.events().filter((e) => e.seqNo === 0).length;
  await s.step(59_000);
  assert.equal(attempts(), 1, "first attempt only");
  await s.step(2_000);
  assert.equal(attempts(), 2, "second attempt after 60 s");
  await s.step(118_000);
  assert.equal(attempts(), 2, "the third waits 2 × 60 s");
  await s.step(2_000);
  assert.equal(attempts(), 3, "third attempt 120 s after the second");
  const ids = s.events().filter((e) => e.seqNo === 0).map((e) => e.transactionInfo.transactionId);
  assert.equal(new Set(ids).size, 1, "the same message each time");
  await s.step(400_000);
  // Dropped after 3 attempts: later events of the queue go on, this one never again.
  assert.equal(attempts(), 3);
  assert.ok(s.events().some((e) => e.seqNo > 0), "the queue moved on");
});

test(`[${HOST}] TC_E_51_CS retry succeeds before the maximum`, async (t) => {
  let n = 0;
  const s = await chargingScenario(t, { csms: { handlers: {
    TransactionEvent: () => { if (++n === 1) { const e = new Error("no"); e.rpcErrorCode = "InternalError"; throw e; } return {}; },
  } } });
  await s.plug(1);
  await s.step(61_000);
  assert.equal(s.events().filter((e) => e.seqNo === 0).length, 2);
  await s.step(300_000);
  assert.equal(s.events().filter((e) => e.seqNo === 0).length, 2, "not sent again once answered");
});

test(`[${HOST}] TC_E_40_CS / TC_E_43_CS offline: events queued with offline=true and delivered in order after reconnection`, async (t) => {
  const s = await chargingScenario(t);
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  await s.ready(1);
  const online = s.events().length;
  await s.st.setNetwork(false);
  await s.step(5 * 60_000);
  await s.swipe(VALID_TOKEN);            // offline stop: the token of the transaction is known locally
  await s.step(3000);
  await s.unplug(1);
  await s.st.setNetwork(true);
  await s.step(120_000);
  const ev = s.events();
  const offline = ev.slice(online);
  assert.ok(offline.length >= 5, `periodic samples and the end were queued (${offline.length})`);
  for (const e of offline) assert.equal(e.offline, true, `${e.triggerReason} seq ${e.seqNo} offline`);
  assert.ok(offline.filter((e) => e.triggerReason === "MeterValuePeriodic").every((e) => e.meterValue));
  assert.equal(last(ev).eventType, "Ended");
  assertWellFormed(assert, ev);
});

test(`[${HOST}] TC_C_26_CS / E04 offline start with an unknown id (OfflineTxForUnknownIdEnabled), delivered after reconnection`, async (t) => {
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

