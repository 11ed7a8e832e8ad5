// Block K (smart charging) cases that apply to a station without smart charging (Part 5: TC_K_38_CS is
// conditional on NOT Smart Charging). Station configuration: the defaults (TxStartPoint and TxStopPoint
// EVConnected,Authorized; AuthorizeRemoteStart false, so no AuthorizeRequest after a remote start).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { conformance, states, ID_TOKEN, EVSE_ID } = require("./states.js");
const { HOST } = require("../helpers/station-host.js");

test(`[${HOST}] TC_K_38_CS remote start with a TxProfile: the profile is ignored, the transaction starts`, async (t) => {
  const s = await conformance(t);
  // Before: State is EVConnectedPreSession (TxStartPoint EVConnected: the transaction starts here).
  await states.evConnectedPreSession(s);
  const startedId = s.tx.id;
  assert.ok(startedId, "EVConnectedPreSession started the transaction (TxStartPoint EVConnected)");
  // Main, step 1: RequestStartTransaction with a relative TxProfile without transactionId (DC: no numberPhases, W).
  const mark = s.mark();
  const r = await s.call("RequestStartTransaction", {
    idToken: ID_TOKEN, evseId: EVSE_ID, remoteStartId: 38,
    chargingProfile: {
      id: 38, stackLevel: 0, chargingProfilePurpose: "TxProfile", chargingProfileKind: "Relative",
      chargingSchedule: [{ id: 1, chargingRateUnit: "W", chargingSchedulePeriod: [{ startPeriod: 0, limit: 6000 }] }],
    },
  });
  await s.step(1000);
  // Step 2: Accepted, with the transactionId of the transaction EVConnectedPreSession started.
  assert.equal(r.status, "Accepted", "step 2: RequestStartTransactionResponse Accepted");
  assert.equal(r.transactionId, startedId, "step 2: transactionId of the first TransactionEventRequest");
  // Step 3: no AuthorizeRequest (AuthorizeRemoteStart false).
  assert.equal(s.sentSince(mark, "Authorize").length, 0, "step 3 is not due: AuthorizeRemoteStart is false");
  // Step 5: the transaction already started: an Updated with triggerReason RemoteStart and the remoteStartId.
  const ev = s.sentSince(mark, "TransactionEvent");
  assert.ok(ev.length >= 1, "step 5: a TransactionEventRequest");
  assert.equal(ev[0].eventType, "Updated", "step 5: the transaction already started");
  assert.equal(ev[0].triggerReason, "RemoteStart", "step 5: triggerReason RemoteStart");
  assert.equal(ev[0].transactionInfo.remoteStartId, 38, "step 5: transactionInfo.remoteStartId");
  assert.deepEqual(ev[0].idToken, ID_TOKEN, "step 5: the first event after the authorization carries the idToken");
  s.tx.authorized = true;
  // Step 7: Execute Reusable State EnergyTransferStarted.
  await states.energyTransferStarted(s);
});
