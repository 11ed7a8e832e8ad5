// Block C, authorization (Part 6 §2.4), the Core cases of Part 5 that apply to the target station:
// TC_C_02_CS, TC_C_06_CS, TC_C_07_CS, TC_C_56_CS (local start refused), TC_C_04_CS (different idToken),
// TC_C_39_CS, TC_C_42_CS (GroupId), TC_C_26_CS (offline authorization of an unknown id).
// Station configuration assumed (its defaults): TxStartPoint and TxStopPoint EVConnected,Authorized;
// AuthCtrlr.Enabled true; no AuthCtrlr.DisableRemoteAuthorization (C-58 No); one RFID reader, ISO14443 (C-30);
// no cable lock (AQ-2 No); no authorization cache (C-49 No) and no local list, so the Memory States about them
// hold trivially; MessageTimeout 30 s (<Configured message timeout>).
// Not applicable (target-pics.txt): TC_C_05_CS (AQ-2 No); TC_C_45/47/48/49_CS (Master Pass, C-07 and C-08 No);
// TC_C_08..18, 32..38, 41, 44, 46, 57_CS (authorization cache, C-49 No; C_46 also C-53 No, C_57 also C-59 No).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { HOST } = require("../helpers/station-host.js");
const { OTHER_TOKEN } = require("../helpers/scenario.js");
const { conformance, states, ID_TOKEN, txEventsSince } = require("./states.js");

const OTHER = { idToken: OTHER_TOKEN, type: "ISO14443" };
const MESSAGE_TIMEOUT_MS = 30_000;

// ---- C01: local start, the CSMS refuses the idToken ------------------------------------------------------

/** TC_C_02/06/07/56_CS: the same scenario, only the AuthorizeResponse status differs. */
async function refusedLocalStart(t, status) {
  const s = await conformance(t, { csms: { handlers: { Authorize: () => ({ idTokenInfo: { status } }) } } });
  // Before: Configuration State (AuthCtrlr.Enabled is ReadWrite here); reusable state EVConnectedPreSession.
  await s.configure({ "AuthCtrlr.Enabled": true });
  await states.evConnectedPreSession(s);

  // Main: Manual Action, present the idToken; steps 1-2.
  const mark = s.mark();
  await s.swipe(OTHER.idToken);
  const auth = s.sentSince(mark, "Authorize");
  assert.equal(auth.length, 1, "step 1: one AuthorizeRequest");
  assert.deepEqual(auth[0].idToken, OTHER, "step 1: idToken.idToken and idToken.type of the presented token");
  // The OCTT waits <Configured message timeout>: no TransactionEventRequest after the AuthorizeRequest.
  await s.step(MESSAGE_TIMEOUT_MS);
  const after = s.since(mark);
  assert.equal(after[0].method, "Authorize", "step 1: the AuthorizeRequest first");
  assert.deepEqual(after.filter((r) => r.method === "TransactionEvent").map((r) => r.params.triggerReason), [],
    `no TransactionEventRequest after the AuthorizeRequest (${status})`);
}

test(`[${HOST}] TC_C_02_CS Local start transaction - Authorization Invalid/Unknown`, async (t) => {
  await refusedLocalStart(t, "Invalid");
});

test(`[${HOST}] TC_C_06_CS Local start transaction - Authorization Blocked`, async (t) => {
  // Part 6 says "after the AuthorizeRequest from step 7": the case has one AuthorizeRequest, step 1.
  await refusedLocalStart(t, "Blocked");
});

test(`[${HOST}] TC_C_07_CS Local start transaction - Authorization Expired`, async (t) => {
  // As TC_C_06_CS: "step 7" is the AuthorizeRequest of step 1.
  await refusedLocalStart(t, "Expired");
});

test(`[${HOST}] TC_C_56_CS Local start transaction - Authorization Unknown`, async (t) => {
  await refusedLocalStart(t, "Unknown");
});

// ---- C01/E07: a different idToken during a transaction ---------------------------------------------------

test(`[${HOST}] TC_C_04_CS Local Stop Transaction - Different idToken`, async (t) => {
  // Memory State: the different idToken has no GroupId matching the starting one (the CSMS gives none).
  const s = await conformance(t);
  // Before: Configuration State; reusable state EnergyTransferStarted.
  await s.configure({ "AuthCtrlr.Enabled": true });
  await states.energyTransferStarted(s);

  // Main: Manual Action, present a different idToken; steps 1-2 (Accepted).
  const mark = s.mark();
  await s.swipe(OTHER.idToken);
  const auth = s.sentSince(mark, "Authorize");
  assert.equal(auth.length, 1, "step 1: one AuthorizeRequest");
  assert.deepEqual(auth[0].idToken, OTHER, "step 1: the different idToken");
  await s.step(MESSAGE_TIMEOUT_MS);
  const events = txEventsSince(s, mark, "TC_C_04_CS");
  assert.ok(!events.some((e) => e.idToken), "no TransactionEventRequest with an idToken after the different idToken");
  // Post scenario validations
  assert.ok(!events.some((e) => e.eventType === "Ended"), "post: no TransactionEventRequest(Ended)");
  assert.ok(s.sim.module.current > 10, "the energy transfer goes on");
});

// ---- C09: GroupId --------------------------------------------------------------------------------------

const GROUP = { idToken: "GROUP0901", type: "Central" };

test(`[${HOST}] TC_C_39_CS Authorization by GroupId - Success`, async (t) => {
  // The OCTT answers every Authorize and every TransactionEvent with an idToken: Accepted with <Configured
  // groupIdToken>.
  const withGroup = () => ({ idTokenInfo: { status: "Accepted", groupIdToken: GROUP } });
  const s = await conformance(t, { csms: { handlers: {
    Authorize: withGroup,
    TransactionEvent: (p) => (p.idToken ? withGroup() : {}),
  } } });
  // Before: reusable state EVConnectedPreSession (the cable starts the transaction: EVConnected is a start point).
  await states.evConnectedPreSession(s);

  // Main: present the valid idToken with the GroupId; steps 1-4.
  let mark = s.mark();
  await states.authorized(s);
  const auth1 = s.sentSince(mark, "Authorize");
  assert.deepEqual(auth1[0].idToken, ID_TOKEN, "step 1: AuthorizeRequest with the valid idToken");
  const ev3 = s.sentSince(mark, "TransactionEvent")[0];
  assert.equal(ev3.triggerReason, "Authorized", "step 3: triggerReason Authorized");
  assert.deepEqual(ev3.idToken, ID_TOKEN, "step 3: idToken of the valid idToken");
  assert.equal(ev3.eventType, "Updated", "step 3: eventType Updated (the transaction was already started)");
  // Step 5: reusable state EnergyTransferStarted.
  await states.energyTransferStarted(s);

  // Present the other valid idToken with the same GroupId; steps 6-9.
  // Part 6 lists <Configured valid_idtoken_idtoken> under steps 6 and 8 as under steps 1 and 3, but the token
  // presented before step 6 is the other one: the AuthorizeRequest can only carry that one (C09.FR.02), and the
  // TransactionEventRequest that reports the stop names the idToken that ended the authorization.
  mark = s.mark();
  await s.swipe(OTHER.idToken);
  // The Ended goes out once no more energy flows (the module ramps down first; E06 in e-transactions.test.js).
  await s.stepUntil(() => s.sentSince(mark, "TransactionEvent").some((e) => e.eventType === "Ended"));
  const auth6 = s.sentSince(mark, "Authorize");
  assert.equal(auth6.length, 1, "step 6: one AuthorizeRequest");
  assert.deepEqual(auth6[0].idToken, OTHER, "step 6: AuthorizeRequest with the other idToken");
  const after = s.since(mark);
  const events = txEventsSince(s, mark, "TC_C_39_CS step 8");
  assert.ok(events.length >= 1, "step 8: a TransactionEventRequest");
  assert.ok(after.findIndex((r) => r.method === "Authorize") < after.findIndex((r) => r.method === "TransactionEvent"),
    "step 8 follows the AuthorizeResponse of step 7");
  const ev8 = events[0];
  assert.equal(ev8.triggerReason, "StopAuthorized", "step 8: triggerReason StopAuthorized");
  assert.deepEqual(ev8.idToken, OTHER, "step 8: idToken of the idToken presented");
  // TxStopPoint Authorized: the stop authorization ends the transaction (errata 2025-01 E07, reusable state
  // StopAuthorized).
  const ended = events.find((e) => e.eventType === "Ended");
  assert.ok(ended, "step 8: the transaction ends (TxStopPoint Authorized)");
  assert.equal(ended.transactionInfo.chargingState, "EVConnected", "step 8: chargingState EVConnected");
  assert.ok([undefined, "Local"].includes(ended.transactionInfo.stoppedReason), "step 8: stoppedReason Local or omitted");
  s.tx.authorized = false;
  // Steps 10-12: reusable states EVConnectedPostSession, EVDisconnected, ParkingBayUnoccupied.
  await states.evConnectedPostSession(s);
  await states.evDisconnected(s);
  await states.parkingBayUnoccupied(s);
});

test(`[${HOST}] TC_C_42_CS Authorization by GroupId - Not stopped by GroupId`, async (t) => {
  // The valid idToken: Accepted with the group; the invalid one: Invalid with the same group.
  const s = await conformance(t, { csms: { handlers: {
    Authorize: (p) => ({ idTokenInfo: { status: p.idToken.idToken === ID_TOKEN.idToken ? "Accepted" : "Invalid", groupIdToken: GROUP } }),
    TransactionEvent: (p) => (p.idToken ? { idTokenInfo: { status: "Accepted", groupIdToken: GROUP } } : {}),
  } } });
  // Before: reusable state EVConnectedPreSession.
  await states.evConnectedPreSession(s);

  // Main: present the valid idToken with the GroupId; steps 1-4.
  let mark = s.mark();
  await states.authorized(s);
  assert.deepEqual(s.sentSince(mark, "Authorize")[0].idToken, ID_TOKEN, "step 1: AuthorizeRequest with the valid idToken");
  const ev3 = s.sentSince(mark, "TransactionEvent")[0];
  assert.equal(ev3.triggerReason, "Authorized", "step 3: triggerReason Authorized");
  assert.deepEqual(ev3.idToken, ID_TOKEN, "step 3: idToken of the valid idToken");
  assert.equal(ev3.eventType, "Updated", "step 3: eventType Updated (the transaction was already started)");
  // Step 5: reusable state EnergyTransferStarted.
  await states.energyTransferStarted(s);

  // Present the invalid idToken with the GroupId; steps 6-7. Step 6 lists <Configured valid_idtoken_idtoken> as
  // step 1 does; the token presented is the invalid one, which is what the AuthorizeRequest carries.
  mark = s.mark();
  const receivedWh = s.sim.ev(1).receivedWh;
  await s.swipe(OTHER.idToken);
  const auth6 = s.sentSince(mark, "Authorize");
  assert.equal(auth6.length, 1, "step 6: one AuthorizeRequest");
  assert.deepEqual(auth6[0].idToken, OTHER, "step 6: AuthorizeRequest with the invalid idToken");
  // The OCTT waits to see that no TransactionEventRequest comes.
  await s.step(MESSAGE_TIMEOUT_MS);
  assert.deepEqual(s.sentSince(mark, "TransactionEvent").map((e) => e.triggerReason), [], "no TransactionEventRequest after step 7");
  // Post scenario validations: the energy transfer is not stopped.
  assert.ok(s.sim.module.current > 10, "post: current flows");
  assert.ok(s.sim.ev(1).receivedWh > receivedWh, "post: the EV still takes energy");
});

// ---- C15: offline authorization of an unknown id -----------------------------------------------------------

// Errata 2025-01 §6.2.7 adds to the main scenario: the connector status reported after the reconnection
// (Occupied), and the end by the reusable states StopAuthorized, EVConnectedPostSession, EVDisconnected.
// Part 6 puts "one of the messages: chargingState SuspendedEVSE" under step 1 with "all messages: offline
// true". With StopTxOnInvalidId false the CSMS's Invalid keeps the transaction but withdraws the energy
// (C15.FR.08 with MaxEnergyOnInvalidId 0): that SuspendedEVSE can only follow the answer to a queued event, so
// it is made online and is not offline (E12: offline marks what happened while the CSMS was away). Asserted:
// every event made offline says so, and a SuspendedEVSE event follows the Invalid while the queue empties.
test(`[${HOST}] TC_C_26_CS Offline Authorization - Unknown Id`, async (t) => {
  // The OCTT answers Invalid to the queued TransactionEventRequest that carries the idToken.
  const s = await conformance(t, { csms: { handlers: {
    TransactionEvent: (p) => (p.idToken && p.offline ? { idTokenInfo: { status: "Invalid" } } : (p.idToken ? { idTokenInfo: { status: "Accepted" } } : {})),
  } } });
  // Before: Configuration State (LocalAuthListEnabled and MaxEnergyOnInvalidId are not implemented).
  await s.configure({
    "AuthCtrlr.LocalPreAuthorize": true, "AuthCtrlr.OfflineTxForUnknownIdEnabled": true,
    "AuthCtrlr.LocalAuthorizeOffline": true, "TxCtrlr.StopTxOnInvalidId": false,
  });
  const connections = s.csms.connections.length;
  // Before: reusable state StartOfflineTransaction, with an idToken the CSMS does not know.
  const mark = await states.startOfflineTransaction(s, { idToken: OTHER });
  assert.ok(await s.stepUntilConnected(connections + 1, 180_000, 500), "StartOfflineTransaction step 2: reconnected");
  await s.step(5000);

  // Main (errata) step 1: the connector's status after the reconnection.
  const statuses = s.statusesSince(mark);
  assert.ok(statuses.some(([c, st]) => c === 1 && st === "Occupied"), "errata step 1: connector 1 reported Occupied");
  for (const [c, st] of statuses.filter(([c]) => c === 2)) assert.equal(st, "Available", "the other connector stays Available");
  const since = s.since(mark);
  assert.ok(since.findIndex((r) => r.method === "StatusNotification" && r.params.connectorId === 1) <
    since.findIndex((r) => r.method === "TransactionEvent"), "errata step 1: the status comes before the queue is emptied");
  // Steps 1-2: the queue emptied; the idToken's event answered Invalid.
  const list = txEventsSince(s, mark, "TC_C_26_CS step 1");
  const k = list.findIndex((e) => e.offline !== true);
  const queue = k < 0 ? list : list.slice(0, k);
  assert.ok(queue.length >= 2, "step 1: the events made offline");
  assert.equal(queue[0].eventType, "Started", "step 1: the Started made offline");
  for (const e of queue) assert.equal(e.offline, true, `step 1 (seqNo ${e.seqNo}, ${e.triggerReason}): offline true`);
  const refused = queue.findIndex((e) => e.idToken && e.idToken.idToken === OTHER.idToken);
  assert.ok(refused >= 0, "step 1: a queued event carries the unknown idToken (answered Invalid)");
  const suspended = list.findIndex((e) => e.transactionInfo.chargingState === "SuspendedEVSE");
  assert.ok(suspended > refused, "step 1: one of the messages has chargingState SuspendedEVSE, after the Invalid");
  assert.ok(!list.some((e) => e.eventType === "Ended"), "StopTxOnInvalidId false: the transaction goes on");
  assert.equal(s.sim.module.current === undefined ? 0 : Math.round(s.sim.module.current), 0, "no energy after the Invalid");

  // Steps 3-5 (errata): reusable states StopAuthorized (the same idToken), EVConnectedPostSession, EVDisconnected.
  const stop = await states.stopAuthorized(s, { idToken: OTHER });
  assert.equal(stop.events[0].triggerReason, "StopAuthorized", "step 3: triggerReason StopAuthorized");
  await states.evConnectedPostSession(s);
  await states.evDisconnected(s);
});
