// Block B, provisioning: booting (B01–B03), status after offline periods (B04), network connection profiles (B09,
// B10), reset (B11, B12) and reconnection (Part 4 §5.3): the Core cases of Part 5 for these use cases, each built
// from its Part 6 text (Before states, steps in order, tool validations, post-scenario validations).
// The device-model B cases (GetVariables, SetVariables, reports) are in another file.
//
// Station configuration assumed (the station's defaults): one EVSE (id 1) with two connectors (1 and 2, fixed
// cables); <Configured evseId> 1, <Configured connectorId> 1; TxStartPoint and TxStopPoint "EVConnected,Authorized";
// AuthorizeRemoteStart false; per-EVSE reset not supported (C-13 No); reconnect after
// NetworkProfileConnectionAttempts supported (C-47 Yes); two network configuration slots (0 in use, 1 free).
// Connector states are reported with StatusNotification (the NotifyEvent alternative is not used).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { conformance, states, CONNECTORS, EVSE_ID, CONNECTOR_ID, ID_TOKEN } = require("./states.js");
const { HOST } = require("../helpers/station-host.js");
const fs = require("node:fs");
const net = require("node:net");
const tls = require("node:tls");
const { execFileSync } = require("node:child_process");
const { makePki } = require("../helpers/pki.js");

const openssl = (args) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });

const now = () => new Date().toISOString();
const OTHERS = CONNECTORS.filter((c) => c !== CONNECTOR_ID);

/** A CSMS whose BootNotification answer the test switches with `boot.status`. */
function switchableBoot(status, interval) {
  const boot = { status, interval };
  return { boot, csms: { handlers: { BootNotification: () => ({ status: boot.status, currentTime: now(), interval: boot.interval }) } } };
}

/** The StatusNotifications of one connector from `mark` on. */
const reportsOf = (s, mark, connectorId) => s.sentSince(mark, "StatusNotification").filter((p) => p.connectorId === connectorId);

/** "The Charging Station notifies the CSMS about the current state of all connectors" after the BootNotification at
 *  index `bootAt` of what the CSMS received: for each connector the first report after the boot has the status
 *  `expect[connectorId]` (default Available), evseId <Configured evseId>, connectorId not 0. */
function assertConnectorsAfterBoot(s, bootAt, expect, step) {
  for (const c of CONNECTORS) {
    const got = reportsOf(s, bootAt, c);
    assert.ok(got.length > 0, `${step}: a StatusNotification for connector ${c} after the boot`);
    assert.equal(got[0].connectorStatus, expect[c] || "Available", `${step}: connector ${c} ${expect[c] || "Available"}`);
    assert.equal(got[0].evseId, EVSE_ID, `${step}: connector ${c} evseId`);
  }
  for (const p of s.sentSince(bootAt, "StatusNotification")) {
    assert.notEqual(p.evseId, 0, `${step}: evseId not 0`);
    assert.notEqual(p.connectorId, 0, `${step}: connectorId not 0`);
  }
}

/** Post scenario validation: a message reporting the state of a connector has been received for every connector. */
function assertAllConnectorsReported(s, mark) {
  for (const c of CONNECTORS) {
    assert.ok(reportsOf(s, mark, c).length > 0, `Post scenario: the state of connector ${c} has been reported`);
  }
}

/** The index (in what the CSMS received) of the n-th BootNotification, waiting for it first. */
async function bootNumber(s, n, timeoutMs = 10_000) {
  await s.csms.waitFor("BootNotification", n, timeoutMs);
  let seen = 0;
  return s.csms.received.findIndex((r) => r.method === "BootNotification" && ++seen === n);
}

/** The SecurityEventNotification of the reusable state Booted (step 7), after the boot at `bootAt` and after the
 *  report of every connector (step 5). */
function assertBootSecurityEvent(s, bootAt, step) {
  const after = s.since(bootAt);
  const at = after.findIndex((r) => r.method === "SecurityEventNotification");
  assert.ok(at >= 0, `${step}: a SecurityEventNotification after the boot`);
  const type = after[at].params.type;
  assert.ok(["StartupOfTheDevice", "ResetOrReboot"].includes(type), `${step}: type StartupOfTheDevice or ResetOrReboot, got ${type}`);
  for (const c of CONNECTORS) {
    const reported = after.findIndex((r) => r.method === "StatusNotification" && r.params.connectorId === c);
    assert.ok(reported >= 0 && reported < at, `${step}: the security event follows the report of connector ${c}`);
  }
}

// ---- B01–B03 booting ----------------------------------------------------------------------------------

test(`[${HOST}] TC_B_01_CS Cold Boot Charging Station - Accepted`, async (t) => {
  // Before: nothing (the station runs, as the lab finds it).
  const s = await conformance(t);
  // Main 1: Execute Reusable State Booted (a cold boot: the power-cycle form). The state asserts its own
  // validations: BootNotification Accepted, every connector Available with evseId/connectorId not 0, and the
  // SecurityEventNotification StartupOfTheDevice or ResetOrReboot.
  const mark = s.mark();
  const after = await states.booted(s, { via: "powerCycle" });
  assert.equal(after[0].method, "BootNotification", "Booted step 3: the BootNotification comes first");
  const bootAt = await bootNumber(s, 2);
  assertConnectorsAfterBoot(s, bootAt, {}, "Booted step 5");
  // Post scenario validations.
  assertAllConnectorsReported(s, mark);
});

test(`[${HOST}] TC_B_02_CS Cold Boot Charging Station - Pending`, async (t) => {
  // Before: nothing. Prerequisites TC_B_06/09/13_CS are covered by the device-model file.
  const { boot, csms } = switchableBoot("Accepted", 300);
  const s = await conformance(t, { csms });
  // Main. Manual Action: reboot the Charging Station; 1–2: BootNotification, answered Pending.
  boot.status = "Pending";
  const mark = s.mark();
  await s.st.powerCycle();
  const pendingAt = await bootNumber(s, 2);
  await s.step(1000);
  assert.deepEqual(s.since(mark).map((r) => r.method), ["BootNotification"], "Step 1: only the BootNotification while Pending");
  // 3–4: SetVariables OCPPCommCtrlr.OfflineThreshold = 300 (attributeType omitted).
  const set = await s.call("SetVariables", { setVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeValue: "300" }] });
  assert.equal(set.setVariableResult[0].attributeStatus, "Accepted", "Step 4: setVariableResult[0].attributeStatus Accepted");
  // 5–6: GetVariables of the same variable.
  const get = await s.call("GetVariables", { getVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" } }] });
  assert.equal(get.getVariableResult[0].attributeStatus, "Accepted", "Step 6: getVariableResult[0].attributeStatus Accepted");
  // 7–10: GetBaseReport FullInventory; the report in as many NotifyReports as needed.
  const requestId = 41;
  const report = await s.call("GetBaseReport", { requestId, reportBase: "FullInventory" });
  assert.equal(report.status, "Accepted", "Step 8: GetBaseReportResponse Accepted");
  await s.step(2000);
  const pages = s.sentSince(pendingAt, "NotifyReport").filter((p) => p.requestId === requestId);
  assert.ok(pages.length >= 1, "Step 9: NotifyReportRequest");
  assert.deepEqual(pages.map((p) => p.seqNo), pages.map((_, i) => i), "Step 9: seqNo 0, 1, ...");
  assert.ok(!pages[pages.length - 1].tbc, "Step 9: the last page has tbc false");
  // 11–12: after the whole report, RequestStartTransaction is Rejected while Pending.
  const start = await s.call("RequestStartTransaction", { idToken: ID_TOKEN, evseId: EVSE_ID, remoteStartId: 5 });
  assert.equal(start.status, "Rejected", "Step 12: RequestStartTransactionResponse Rejected");
  await s.step(2000);
  assert.deepEqual([...new Set(s.since(pendingAt).map((r) => r.method))], ["BootNotification", "NotifyReport"],
    "Steps 1–12: nothing but what the CSMS asked for while Pending (B02.FR.02)");
  // 13–16: TriggerMessage BootNotification; the station sends it at once, long before the 300 s interval.
  boot.status = "Accepted";
  const trigger = await s.call("TriggerMessage", { requestedMessage: "BootNotification" });
  assert.ok(["Accepted", "NotImplemented"].includes(trigger.status), "Step 14: TriggerMessageResponse Accepted or NotImplemented");
  assert.equal(trigger.status, "Accepted", "Step 14: this station implements the trigger (C-29.6)");
  const acceptedAt = await bootNumber(s, 3, 3000);
  assert.equal(s.csms.received[acceptedAt].params.reason, "Triggered", "Step 15: BootNotificationRequest reason Triggered");
  await s.step(2000);
  // 17–18: every connector Available.
  assertConnectorsAfterBoot(s, acceptedAt, {}, "Step 17");
  assert.equal(s.sentSince(mark, "TransactionEvent").length, 0, "no transaction was started");
  // Post scenario validations.
  assertAllConnectorsReported(s, acceptedAt);
});

test(`[${HOST}] TC_B_03_CS Cold Boot Charging Station - Rejected`, async (t) => {
  const interval = 60;   // <Configured heartbeatInterval>
  const { boot, csms } = switchableBoot("Accepted", interval);
  const s = await conformance(t, { csms });
  // Main. Manual Action: reboot; 1–2: BootNotification, answered Rejected.
  boot.status = "Rejected";
  const mark = s.mark();
  const raw = s.csms.rawIn.length;
  await s.st.powerCycle();
  await bootNumber(s, 2);
  // 3: no message at all before the interval has passed (a closed connection is allowed).
  for (let i = 0; i < interval - 2; i++) await s.step(1000);
  assert.deepEqual(s.since(mark).map((r) => r.method), ["BootNotification"], "Step 3 note: no other message in the meantime");
  assert.equal(s.csms.rawIn.length, raw + 1, "Step 3 note: not a single frame besides the first BootNotification");
  boot.status = "Accepted";
  await s.step(1000);
  assert.equal(s.sentSince(mark, "BootNotification").length, 1, "Step 3 note: not before the interval");
  // 3–4: the BootNotification again once the interval has passed, answered Accepted.
  for (let i = 0; i < 10 && s.sentSince(mark, "BootNotification").length < 2; i++) await s.step(1000);
  const acceptedAt = await bootNumber(s, 3, 3000);
  await s.step(2000);
  // 5–6: every connector Available.
  assertConnectorsAfterBoot(s, acceptedAt, {}, "Step 5");
  // Post scenario validations.
  assertAllConnectorsReported(s, acceptedAt);
});

// Part 6 has no text for TC_B_30_CS (this copy has none); built from use cases B02 and B03 with the CSMS rule of
// the errata (2025-01, FR.04): while its boot is not accepted, the CSMS answers any request of the station but
// BootNotification with a CALLERROR SecurityError. The station has something to send (the transaction of the
// memory state TransactionEventsInQueueEnded and its boot's security event), so the case checks it holds all of
// it while Rejected and while Pending (B02.FR.02, B03.FR.02), never provokes a SecurityError, and delivers it once
// accepted. The other direction (B03.FR.07): while Rejected the station answers the CSMS's requests with a
// CALLERROR SecurityError, and serves them again once accepted; while Pending it serves what B02 lets the CSMS ask
// (reading and setting the configuration, B02.FR.01) and answers the rest (Reset, ChangeAvailability,
// DataTransfer) with a CALLERROR SecurityError as well.
test(`[${HOST}] TC_B_30_CS Cold Boot Charging Station - Pending/Rejected - SecurityError`, async (t) => {
  const interval = 20;
  const { boot, csms } = switchableBoot("Accepted", interval);
  const refused = [];
  for (const action of ["TransactionEvent", "StatusNotification", "SecurityEventNotification", "Heartbeat", "NotifyEvent",
    "MeterValues", "Authorize", "NotifyReport", "LogStatusNotification", "FirmwareStatusNotification"]) {
    csms.handlers[action] = (p) => {
      if (boot.status !== "Accepted") {
        refused.push(action);
        const e = new Error("not accepted");
        e.rpcErrorCode = "SecurityError";
        throw e;
      }
      return action === "TransactionEvent" && p.idToken ? { idTokenInfo: { status: "Accepted" } } : {};
    };
  }
  const s = await conformance(t, { csms });
  // Before (Memory State): TransactionEventsInQueueEnded: a whole transaction while the CSMS was away.
  await states.transactionEventsInQueueEnded(s);
  // Manual Action: reboot the Charging Station before it reconnected; its BootNotification is answered Rejected.
  boot.status = "Rejected";
  const mark = s.mark();
  await s.st.powerCycle();
  await s.csmsBack();
  for (let i = 0; i < 120 && s.sentSince(mark, "BootNotification").length === 0; i++) await s.step(1000);
  const rejectedAt = await bootNumber(s, 2, 3000);
  // Rejected, the other direction (B03.FR.07): a request of the CSMS is answered with CALLERROR SecurityError.
  await assert.rejects(s.call("GetBaseReport", { requestId: 30, reportBase: "FullInventory" }),
    (e) => e.rpcErrorCode === "SecurityError", "Rejected: GetBaseReport answered CALLERROR SecurityError (B03.FR.07)");
  await assert.rejects(s.call("RequestStartTransaction", { idToken: ID_TOKEN, evseId: EVSE_ID, remoteStartId: 30 }),
    (e) => e.rpcErrorCode === "SecurityError", "Rejected: RequestStartTransaction answered CALLERROR SecurityError (B03.FR.07)");
  // Rejected: nothing at all until the interval has passed, then BootNotification again, answered Pending.
  for (let i = 0; i < interval - 2; i++) await s.step(1000);
  assert.deepEqual(s.since(rejectedAt).map((r) => r.method), ["BootNotification"], "Rejected: no other message (B03.FR.02)");
  boot.status = "Pending";
  for (let i = 0; i < 10 && s.sentSince(rejectedAt, "BootNotification").length < 2; i++) await s.step(1000);
  const pendingAt = await bootNumber(s, 3, 3000);
  // Pending, the other direction: the configuration may be read (B02.FR.01), anything else is refused.
  const get = await s.call("GetVariables", { getVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" } }] });
  assert.equal(get.getVariableResult[0].attributeStatus, "Accepted", "Pending: GetVariables served (B02.FR.01)");
  for (const [action, params] of [["Reset", { type: "Immediate" }], ["ChangeAvailability", { operationalStatus: "Inoperative" }],
    ["DataTransfer", { vendorId: "org.example" }]]) {
    await assert.rejects(s.call(action, params), (e) => e.rpcErrorCode === "SecurityError", `Pending: ${action} answered CALLERROR SecurityError`);
  }
  // Pending: nothing but BootNotification either (B02.FR.02), for more than one interval.
  for (let i = 0; i < interval + 5; i++) await s.step(1000);
  assert.deepEqual([...new Set(s.since(pendingAt).map((r) => r.method))], ["BootNotification"], "Pending: no other message (B02.FR.02)");
  assert.deepEqual(refused, [], "no request of the station was answered SecurityError");
  // Accepted (at the next BootNotification): the connectors, the security event and the held transaction follow.
  boot.status = "Accepted";
  const before = s.sentSince(0, "BootNotification").length;
  for (let i = 0; i < interval + 5 && s.sentSince(0, "BootNotification").length === before; i++) await s.step(1000);
  const acceptedAt = await bootNumber(s, before + 1, 3000);
  await s.step(5000);
  assert.deepEqual(refused, [], "no request of the station was answered SecurityError");
  assertConnectorsAfterBoot(s, acceptedAt, {}, "after acceptance");
  assertBootSecurityEvent(s, acceptedAt, "after acceptance");
  const events = s.sentSince(acceptedAt, "TransactionEvent");
  assert.deepEqual(events.map((e) => e.eventType).filter((e) => e !== "Updated"), ["Started", "Ended"], "the held transaction, delivered once accepted");
  assert.ok(events.every((e) => e.offline === true), "its events were made offline");
  assertAllConnectorsReported(s, acceptedAt);
  assert.equal((await s.call("GetBaseReport", { requestId: 31, reportBase: "SummaryInventory" })).status, "Accepted",
    "accepted: the CSMS's requests are served again");
});

// ---- B04 offline periods --------------------------------------------------------------------------------

/** Steps 1–3 of TC_B_51/52_CS: the CSMS closes the connection and refuses reconnects; the EV is plugged in; the
 *  CSMS accepts reconnection again. Returns the mark before the cable went in. */
async function offlinePlug(s) {
  s.csms.admit(false);
  await s.csms.client().close({ code: 1001, force: true });   // 1
  await s.step(500);
  const mark = s.mark();
  await s.plug(CONNECTOR_ID);                                  // 2
  s.csms.admit(true);                                          // 3: from now on
  return mark;
}

// The case's prerequisite says that with a single EVSE it equals TC_B_52_CS; this station's one EVSE has two
// connectors, so "all other EVSE/Connector(s)" is connector 2, and B04.FR.01 (every connector after more than
// OfflineThreshold offline) is what tells the two cases apart.
test(`[${HOST}] TC_B_51_CS Status change during offline period - > Offline Threshold`, async (t) => {
  const threshold = 20;
  const s = await conformance(t);
  // Before (Configuration State): OfflineThreshold, RetryBackOffWaitMinimum = threshold + 2 s, RandomRange 0.
  await s.configure({ "OCPPCommCtrlr.OfflineThreshold": threshold, "OCPPCommCtrlr.RetryBackOffWaitMinimum": threshold + 2,
    "OCPPCommCtrlr.RetryBackOffRandomRange": 0 });
  // Main 1–2.
  const mark = await offlinePlug(s);
  await s.step(threshold * 1000);
  assert.equal(s.csms.connections.length, 1, "Step 3: still offline when the threshold is exceeded");
  // 3: the reconnection attempt after the threshold is accepted.
  assert.ok(await s.stepUntilConnected(2, 10_000), "Step 3: the station reconnects");
  await s.step(1000);
  // 4: the state of every connector: the configured one Occupied, every other one Available.
  const one = reportsOf(s, mark, CONNECTOR_ID);
  assert.equal(one.length, 1, "Step 4: connector 1 reported once");
  assert.equal(one[0].connectorStatus, "Occupied", "Step 4: connector 1 Occupied");
  assert.equal(one[0].evseId, EVSE_ID, "Step 4: evseId <Configured evseId>");
  assert.equal(one[0].connectorId, CONNECTOR_ID, "Step 4: connectorId <Configured connectorId>");
  for (const c of OTHERS) {
    const other = reportsOf(s, mark, c);
    assert.equal(other.length, 1, `Step 4: connector ${c} reported`);
    assert.equal(other[0].connectorStatus, "Available", `Step 4: connector ${c} Available`);
  }
});

test(`[${HOST}] TC_B_52_CS Status change during offline period - < Offline Threshold`, async (t) => {
  const threshold = 20;
  const s = await conformance(t);
  // Before (Configuration State): OfflineThreshold, RetryBackOffWaitMinimum = threshold - 2 s, RandomRange 0.
  await s.configure({ "OCPPCommCtrlr.OfflineThreshold": threshold, "OCPPCommCtrlr.RetryBackOffWaitMinimum": threshold - 2,
    "OCPPCommCtrlr.RetryBackOffRandomRange": 0 });
  // Main 1–3.
  const mark = await offlinePlug(s);
  assert.ok(await s.stepUntilConnected(2, (threshold - 1) * 1000), "Step 3: the station reconnects before the threshold");
  await s.step(1000);
  // 4 (validated as "Step 3" in Part 6): the configured connector Occupied; only connectors that changed are
  // reported (B04.FR.02), and connector 2 did not change.
  const one = reportsOf(s, mark, CONNECTOR_ID);
  assert.equal(one.length, 1, "Step 4: connector 1 reported once");
  assert.equal(one[0].connectorStatus, "Occupied", "Step 4: connectorStatus Occupied");
  assert.equal(one[0].evseId, EVSE_ID, "Step 4: evseId <Configured evseId>");
  assert.equal(one[0].connectorId, CONNECTOR_ID, "Step 4: connectorId <Configured connectorId>");
  for (const c of OTHERS) assert.equal(reportsOf(s, mark, c).length, 0, `Step 4: connector ${c} did not change: not reported`);
});

// ---- B11, B12 reset ---------------------------------------------------------------------------------------

test(`[${HOST}] TC_B_20_CS Reset Charging Station - Without ongoing transaction - OnIdle`, async (t) => {
  const s = await conformance(t);
  const mark = s.mark();
  // Main 1–2: Reset OnIdle (no evseId).
  assert.equal((await s.call("Reset", { type: "OnIdle" })).status, "Accepted", "Step 2: ResetResponse Accepted");
  // 3–4: the station reboots and sends BootNotification, Accepted.
  const bootAt = await bootNumber(s, 2);
  await s.step(3000);
  // 5–6: every connector Available.
  assertConnectorsAfterBoot(s, bootAt, {}, "Step 5");
  // Post scenario validations.
  assertAllConnectorsReported(s, mark);
});

test(`[${HOST}] TC_B_21_CS Reset Charging Station - With Ongoing Transaction - OnIdle`, async (t) => {
  const s = await conformance(t);
  // Before: State is EnergyTransferStarted.
  await states.energyTransferStarted(s);
  const mark = s.mark();
  // Main 1–2: Reset OnIdle: Scheduled, the transaction goes on.
  assert.equal((await s.call("Reset", { type: "OnIdle" })).status, "Scheduled", "Step 2: ResetResponse Scheduled");
  await s.step(30_000);
  assert.equal(s.sentSince(mark, "BootNotification").length, 0, "Step 2: no reboot while the transaction runs");
  // 3: Execute Reusable State StopAuthorized (the card again). TxStopPoint contains Authorized, so the transaction
  // ends here (the state asserts the Ended).
  await states.stopAuthorized(s);
  // 4–5 (EVConnectedPostSession, EVDisconnected) and 6 (ParkingBayUnoccupied) are not executed: their notes name
  // TxStartPoint, but either way this station's start and stop points both contain Authorized (and EVConnected),
  // so the EV stays plugged in.
  // 7–8: the reboot follows the end of the transaction; BootNotification reason ScheduledReset.
  const bootAt = await bootNumber(s, 2);
  const endedAt = s.csms.received.findIndex((r, i) => i >= mark && r.method === "TransactionEvent" && r.params.eventType === "Ended");
  assert.ok(endedAt >= 0 && endedAt < bootAt, "Step 7: the BootNotification comes after the transaction ended");
  assert.equal(s.csms.received[bootAt].params.reason, "ScheduledReset", "Step 7: BootNotificationRequest reason ScheduledReset");
  await s.step(3000);
  // 9–10: the transaction was stopped at step 3 with the EV still plugged in: connector 1 Occupied; the other
  // connector Available.
  assertConnectorsAfterBoot(s, bootAt, { [CONNECTOR_ID]: "Occupied" }, "Step 9");
  // 11–12: SecurityEventNotification.
  assertBootSecurityEvent(s, bootAt, "Step 11");
  // Post scenario validations.
  assertAllConnectorsReported(s, bootAt);
});

test(`[${HOST}] TC_B_22_CS Reset Charging Station - With Ongoing Transaction - Immediate`, async (t) => {
  const s = await conformance(t);
  // Before: State is EnergyTransferStarted.
  await states.energyTransferStarted(s);
  const txId = s.tx.id;
  const mark = s.mark();
  // Main 1–2: Reset Immediate (no evseId).
  assert.equal((await s.call("Reset", { type: "Immediate" })).status, "Accepted", "Step 2: ResetResponse Accepted");
  // 5–6: the station reboots; BootNotification reason RemoteReset.
  const bootAt = await bootNumber(s, 2);
  // 3–4: before it, the TransactionEvent Ended of the running transaction.
  const ended = s.since(mark).map((r, i) => ({ ...r, i: mark + i }))
    .filter((r) => r.method === "TransactionEvent" && r.params.eventType === "Ended");
  assert.equal(ended.length, 1, "Step 3: one TransactionEventRequest Ended");
  const end = ended[0].params;
  assert.ok(ended[0].i < bootAt, "Step 3: the Ended comes before the reboot");
  assert.equal(end.transactionInfo.transactionId, txId, "Step 3: the running transaction");
  assert.equal(end.triggerReason, "ResetCommand", "Step 3: triggerReason ResetCommand");
  assert.equal(end.transactionInfo.chargingState, "EVConnected", "Step 3: transactionInfo.chargingState EVConnected");
  assert.equal(end.transactionInfo.stoppedReason, "ImmediateReset", "Step 3: transactionInfo.stoppedReason ImmediateReset");
  assert.equal(end.idToken, undefined, "Step 3: idToken omitted");
  assert.equal(s.csms.received[bootAt].params.reason, "RemoteReset", "Step 5: BootNotificationRequest reason RemoteReset");
  await s.step(3000);
  // 7–8: the EV is still plugged in: <Configured connectorId> Occupied, the other connector(s) Available.
  assertConnectorsAfterBoot(s, bootAt, { [CONNECTOR_ID]: "Occupied" }, "Step 7");
  // Post scenario validations.
  assertAllConnectorsReported(s, bootAt);
});

test(`[${HOST}] TC_B_23_CS Reset Charging Station - Unavailable persists reset`, async (t) => {
  const s = await conformance(t);
  // Before (Memory State): Unavailable for <Configured connectorId> (the reusable state Unavailable).
  await states.unavailable(s, { evseId: EVSE_ID, connectorId: CONNECTOR_ID });
  const mark = s.mark();
  // Main 1–2: Reset OnIdle.
  assert.equal((await s.call("Reset", { type: "OnIdle" })).status, "Accepted", "Step 2: ResetResponse Accepted");
  // 3–4: BootNotification reason RemoteReset.
  const bootAt = await bootNumber(s, 2);
  assert.equal(s.csms.received[bootAt].params.reason, "RemoteReset", "Step 3: BootNotificationRequest reason RemoteReset");
  await s.step(3000);
  // 5–6: <Configured connectorId> Unavailable, the other connector(s) Available.
  assertConnectorsAfterBoot(s, bootAt, { [CONNECTOR_ID]: "Unavailable" }, "Step 5");
  // Post scenario validations.
  assertAllConnectorsReported(s, mark);
});

test(`[${HOST}] TC_B_28_CS Reset EVSE - Not Supported`, async (t) => {
  const s = await conformance(t);
  // Main 1–2: Reset OnIdle for <Configured evseId>: this station cannot reset one EVSE (C-13 No).
  assert.equal((await s.call("Reset", { type: "OnIdle", evseId: EVSE_ID })).status, "Rejected", "Step 2: ResetResponse Rejected");
  await s.step(15_000);
  assert.equal(s.sent("BootNotification").length, 1, "Step 2: Rejected, so no reboot");
});

test(`[${HOST}] TC_B_29_CS Reset EVSE - With ongoing transaction - Not Supported`, async (t) => {
  const s = await conformance(t);
  // Before: State is EnergyTransferStarted.
  await states.energyTransferStarted(s);
  const mark = s.mark();
  // Main 1–2: Reset OnIdle for <Configured evseId> during the transaction.
  assert.equal((await s.call("Reset", { type: "OnIdle", evseId: EVSE_ID })).status, "Rejected", "Step 2: ResetResponse Rejected");
  await s.step(15_000);
  assert.equal(s.sentSince(mark, "BootNotification").length, 0, "Step 2: Rejected, so no reboot");
  assert.ok(!s.sentSince(mark, "TransactionEvent").some((e) => e.eventType === "Ended"), "Step 2: Rejected, so the transaction goes on");
});

// A behaviour test beyond the cases (the C host once lost the CP reading over an in-process reboot): an EV left
// plugged in across a Reset is seen after the boot (B01.FR.05: the current state of every connector), and
// unplugging it later is reported.
test(`[${HOST}] B11 an EV left plugged in across a Reset Immediate: Occupied after the boot, Available once unplugged`, async (t) => {
  const s = await conformance(t);
  await s.plug(CONNECTOR_ID);
  const mark = s.mark();
  assert.equal((await s.call("Reset", { type: "Immediate" })).status, "Accepted");
  const bootAt = await bootNumber(s, 2);
  await s.step(3000);
  assertConnectorsAfterBoot(s, bootAt, { [CONNECTOR_ID]: "Occupied" }, "after the boot");
  const started = s.sentSince(bootAt, "TransactionEvent").filter((e) => e.eventType === "Started");
  assert.equal(started.length, 1, "TxStartPoint EVConnected: the EV still plugged in starts a transaction after the boot");
  assert.equal(started[0].triggerReason, "CablePluggedIn");
  const unplugged = s.mark();
  await s.unplug(CONNECTOR_ID);
  await s.step(1000);
  const reports = reportsOf(s, unplugged, CONNECTOR_ID);
  assert.equal(reports.length, 1, "unplugging is reported");
  assert.equal(reports[0].connectorStatus, "Available");
  const ended = s.sentSince(unplugged, "TransactionEvent").filter((e) => e.eventType === "Ended");
  assert.equal(ended.length, 1, "the transaction started after the boot ends when the cable comes out");
  assert.ok(mark < bootAt);
});

// ---- B09, B10 network connection profiles ------------------------------------------------------------------
// One test CSMS serves both profiles: the one in use (slot 0) at /ocpp, the new one at /ocpp-new, so every
// connection attempt shows which profile the station used; the CSMS refuses the upgrades a case wants refused.

const profile = (over = {}) => ({
  ocppVersion: "OCPP20", ocppTransport: "JSON", ocppCsmsUrl: "ws://127.0.0.1:1/ocpp", messageTimeout: 30,
  securityProfile: 0, ocppInterface: "Wired0", ...over,
});
const endpoints = (s, from) => s.csms.attempts.slice(from).map((a) => `${a.endpoint} ${a.accepted ? "accepted" : "refused"}`);

/** Steps 1–6 of TC_B_45/46/49_CS: a profile for the endpoint not in use in the free slot (1), then
 *  NetworkConfigurationPriority "1,0", then Reset OnIdle (the station does not reboot on its own). */
async function migrate(s) {
  const newUrl = s.csms.url.replace(/\/ocpp$/, "/ocpp-new");
  const set = await s.call("SetNetworkProfile", { configurationSlot: 1, connectionData: profile({ ocppCsmsUrl: newUrl }) });
  assert.equal(set.status, "Accepted", "Step 2: SetNetworkProfileResponse Accepted");
  const prio = await s.setVariable("OCPPCommCtrlr", "NetworkConfigurationPriority", "1,0");
  assert.ok(["Accepted", "RebootRequired"].includes(prio), `Step 4: setVariableResult[0].attributeStatus Accepted or RebootRequired, got ${prio}`);
  const from = s.csms.attempts.length;
  const mark = s.mark();
  assert.equal((await s.call("Reset", { type: "OnIdle" })).status, "Accepted", "Step 6: ResetResponse Accepted");
  return { from, mark };
}

/** Reusable state Booted, its steps 3–8 (the reset was the case's own step 5): BootNotification Accepted, every
 *  connector Available with evseId/connectorId not 0, then SecurityEventNotification. */
async function bootedAfterMigration(s, mark, step) {
  const n = s.sentSince(0, "BootNotification").length - s.sentSince(mark, "BootNotification").length + 1;
  const bootAt = await bootNumber(s, n);
  await s.step(3000);
  assertConnectorsAfterBoot(s, bootAt, {}, `${step} (Booted step 5)`);
  assertBootSecurityEvent(s, bootAt, `${step} (Booted step 7)`);
  return bootAt;
}

// Part 6 has no text for TC_B_43_CS (this copy has none); built from use case B09: the station answers Rejected
// to a profile it cannot use (the slot in use, a slot it does not have, another OCPP version or transport, a URL
// that is no WebSocket, security profile 1 over wss) and Accepted to one it can.
test(`[${HOST}] TC_B_43_CS Set new NetworkConnectionProfile - Rejected`, async (t) => {
  const s = await conformance(t);
  const set = async (configurationSlot, over) => (await s.call("SetNetworkProfile", { configurationSlot, connectionData: profile(over) })).status;
  assert.equal(await set(0), "Rejected", "B09: the slot in use");
  assert.equal(await set(3), "Rejected", "B09: no such slot");
  assert.equal(await set(1, { ocppVersion: "OCPP16" }), "Rejected", "B09: another OCPP version");
  assert.equal(await set(1, { ocppTransport: "SOAP" }), "Rejected", "B09: another transport");
  assert.equal(await set(1, { ocppCsmsUrl: "http://x/ocpp" }), "Rejected", "B09: not a WebSocket URL");
  assert.equal(await set(1, { ocppCsmsUrl: "wss://x/ocpp", securityProfile: 1 }), "Rejected", "B09: profile 1 runs over ws://");
  assert.equal(await set(1), "Accepted", "B09: a usable profile in the free slot");
  assert.equal(await set(1, { ocppCsmsUrl: "wss://x/ocpp", securityProfile: 2 }), "Accepted", "B09: an upgrade is fine");
});

test(`[${HOST}] TC_B_45_CS Migrate to new ConnectionProfile - Success - Same CSMS Root`, async (t) => {
  const s = await conformance(t);
  // Main 1–6.
  const { from, mark } = await migrate(s);
  // 7: Booted, over <Configured connectionData2>.
  await s.csms.waitAttempts(from + 1, 5000);
  await bootedAfterMigration(s, mark, "Step 7");
  assert.deepEqual(endpoints(s, from), ["/ocpp-new accepted"], "Step 7 note: the station connects with the new profile");
});

test(`[${HOST}] TC_B_46_CS Migrate to new ConnectionProfile - Fallback mechanism - Same CSMS Root`, async (t) => {
  const s = await conformance(t);
  // Before (Configuration State): NetworkProfileConnectionAttempts 2.
  await s.configure({ "OCPPCommCtrlr.NetworkProfileConnectionAttempts": 2 });
  // Main 1–6. 7: the tool does not accept the two attempts with the first slot (the new profile); 8: it accepts the
  // attempt with the second one.
  s.csms.admit((h) => h.endpoint !== "/ocpp-new");
  const { from, mark } = await migrate(s);
  await s.csms.waitAttempts(from + 1, 5000);
  for (let i = 0; i < 30 && s.sentSince(mark, "BootNotification").length === 0; i++) await s.step(10_000);
  // 9: Booted, over <Configured connectionData>.
  await bootedAfterMigration(s, mark, "Step 9");
  assert.deepEqual(endpoints(s, from), ["/ocpp-new refused", "/ocpp-new refused", "/ocpp accepted"],
    "Steps 7–8: two attempts with the new profile, then the previous one");
});

test(`[${HOST}] TC_B_49_CS Migrate to new ConnectionProfile - Fallback after NetworkProfileConnectionAttempts per NetworkConfigurationPriority failed - Same CSMS Root`, async (t) => {
  const waitS = 20;   // <Configured RetryBackOffWaitMinimum>
  const s = await conformance(t);
  // Before (Configuration State).
  await s.configure({ "OCPPCommCtrlr.NetworkProfileConnectionAttempts": 1, "OCPPCommCtrlr.RetryBackOffRepeatTimes": 0,
    "OCPPCommCtrlr.RetryBackOffRandomRange": 0, "OCPPCommCtrlr.RetryBackOffWaitMinimum": waitS });
  s.csms.admit(false);
  // Main 1–6.
  const { from, mark } = await migrate(s);
  // 7–8: an attempt with the new profile, refused.
  await s.csms.waitAttempts(from + 1, 5000);
  assert.deepEqual(endpoints(s, from), ["/ocpp-new refused"], "Step 7: the alternative endpoint first");
  // 9–10: back to the previous profile, refused.
  for (let i = 0; i < 2 * waitS && s.csms.attempts.length < from + 2; i++) await s.step(1000);
  assert.deepEqual(endpoints(s, from), ["/ocpp-new refused", "/ocpp refused"], "Step 9: the previous profile");
  // 11–12: RetryBackOffWaitMinimum later (not doubled: RepeatTimes 0) the previous profile again, accepted.
  s.csms.admit(true);
  await s.step(waitS * 1000 - 1000);
  assert.equal(s.csms.attempts.length, from + 2, "Step 11: the station waits RetryBackOffWaitMinimum");
  for (let i = 0; i < 10 && s.csms.attempts.length < from + 3; i++) await s.step(500);
  assert.deepEqual(endpoints(s, from), ["/ocpp-new refused", "/ocpp refused", "/ocpp accepted"], "Step 11: the last profile that connected");
  // 13: Booted.
  await bootedAfterMigration(s, mark, "Step 13");
});

/** A TLS endpoint for the test CSMS: terminates TLS with `name`.pem/.key of the PKI and passes the bytes on to the
 *  CSMS's plain port once `target.port` is known (so the station may start before the CSMS's port is read). */
async function tlsFront(t, pki, name, target) {
  const server = tls.createServer({ cert: pki.read(`${name}.pem`), key: pki.read(`${name}.key`) }, async (socket) => {
    socket.on("error", () => {});
    await target.ready;
    const plain = net.connect(target.port, "127.0.0.1");
    plain.on("error", () => socket.destroy());
    socket.pipe(plain).pipe(socket);
    socket.on("close", () => plain.destroy());
    plain.on("close", () => socket.destroy());
  });
  server.on("tlsClientError", () => {});
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => server.close());
  return server.address().port;
}

test(`[${HOST}] TC_B_50_CS Migrate to new ConnectionProfile - Success - New CSMS Root - New CSMS`, async (t) => {
  // Prerequisite: the station is connected with security profile 2 (TLS, server certificate from <Configured CSMS
  // Root certificate>, Basic auth). The "new CSMS" is the tool's other endpoint, with a server certificate from
  // <Configured (new) CSMS Root certificate 2>.
  const pki = makePki();
  t.after(() => fs.rmSync(pki.dir, { recursive: true, force: true }));
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", pki.file("new-server.key")]);
  openssl(["req", "-new", "-key", pki.file("new-server.key"), "-out", pki.file("new-server.csr"), "-subj", "/O=Test/CN=localhost"]);
  fs.writeFileSync(pki.file("new-server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  openssl(["x509", "-req", "-in", pki.file("new-server.csr"), "-CA", pki.file("other-root.pem"), "-CAkey", pki.file("other-root.key"),
    "-CAcreateserial", "-days", "30", "-extfile", pki.file("new-server.ext"), "-out", pki.file("new-server.pem")]);
  const target = {};
  target.ready = new Promise((r) => { target.go = r; });
  const oldPort = await tlsFront(t, pki, "server", target);
  const newPort = await tlsFront(t, pki, "new-server", target);
  const s = await conformance(t, { boot: false, station: { csmsUrl: `wss://localhost:${oldPort}/ocpp`, securityProfile: 2,
    password: "0123456789abcdef-secret", caFile: pki.file("root.pem") } });
  target.port = Number(new URL(s.csms.url).port);
  target.go();
  await s.csms.waitFor("BootNotification", 1, 10_000);
  await s.step(2000);
  // Before (Memory State): CertificateInstalled, CSMSRootCertificate <Configured (new) CSMS Root certificate 2>.
  const installed = await s.call("InstallCertificate", { certificateType: "CSMSRootCertificate", certificate: pki.read("other-root.pem").toString() });
  assert.equal(installed.status, "Accepted", "Memory State CertificateInstalled step 2: InstallCertificateResponse Accepted");
  // Main 1–2: a profile for the other endpoint in the free slot (1), security profile 2 as in use.
  const newUrl = `wss://localhost:${newPort}/ocpp-new`;
  const set = await s.call("SetNetworkProfile", { configurationSlot: 1, connectionData: profile({ ocppCsmsUrl: newUrl, securityProfile: 2 }) });
  assert.equal(set.status, "Accepted", "Step 2: SetNetworkProfileResponse Accepted");
  // 3–4: NetworkConfigurationPriority: the new slot first, then the one in use.
  const prio = await s.setVariable("OCPPCommCtrlr", "NetworkConfigurationPriority", "1,0");
  assert.ok(["Accepted", "RebootRequired"].includes(prio), `Step 4: Accepted or RebootRequired, got ${prio}`);
  // 5–6: Reset OnIdle.
  const from = s.csms.attempts.length;
  const mark = s.mark();
  assert.equal((await s.call("Reset", { type: "OnIdle" })).status, "Accepted", "Step 6: ResetResponse Accepted");
  // 7–8: the station connects to the other endpoint, accepting its certificate from the new root; accepted.
  await s.csms.waitAttempts(from + 1, 10_000);
  assert.deepEqual(endpoints(s, from), ["/ocpp-new accepted"], "Step 7: the station connects to the alternative endpoint over TLS");
  // 9: Booted.
  await bootedAfterMigration(s, mark, "Step 9");
});

// ---- Part 4 §5.3 reconnection ----------------------------------------------------------------------------

test(`[${HOST}] TC_B_57_CS Network Reconnection - After connection loss`, async (t) => {
  const waitS = 10;   // <Configured RetryBackOffWaitMinimum>
  const s = await conformance(t);
  // Before (Configuration State).
  await s.configure({ "OCPPCommCtrlr.RetryBackOffRepeatTimes": 2, "OCPPCommCtrlr.RetryBackOffRandomRange": 0,
    "OCPPCommCtrlr.RetryBackOffWaitMinimum": waitS });
  const close = async () => { await s.csms.client().close({ code: 1001, force: true }); await s.step(0); return s.now(); };
  /** Steps until the next connection attempt; none may come within `notBeforeMs` of `since`. Its station time. */
  const nextAttempt = async (since, notBeforeMs, what) => {
    const n = s.csms.attempts.length;
    await s.step(since + notBeforeMs - 1 - s.now());
    assert.equal(s.csms.attempts.length, n, `${what}: no attempt within ${notBeforeMs} ms`);
    await s.step(1);
    for (let i = 0; i < 200 && s.csms.attempts.length === n; i++) await s.step(100);
    assert.ok(s.csms.attempts.length > n, `${what}: the station reconnects`);
    return { at: s.now(), accepted: s.csms.attempts[n].accepted };
  };
  // Main 1: the tool closes the WebSocket; 2–3: the station waits RetryBackOffWaitMinimum, reconnects, accepted.
  let closedAt = await close();
  const first = await nextAttempt(closedAt, waitS * 1000, "Step 2");
  assert.ok(first.accepted, "Step 3: accepted");
  assert.ok(first.at - closedAt >= waitS * 1000, "Step 2: the reconnection time is at least RetryBackOffWaitMinimum");
  await s.csms.waitConnected(2, 3000);
  // 4: closed again; 5–6: after RetryBackOffWaitMinimum, refused.
  s.csms.admit(false);
  closedAt = await close();
  const fifth = await nextAttempt(closedAt, waitS * 1000, "Step 5");
  assert.equal(fifth.accepted, false, "Step 6: refused");
  const step5 = fifth.at - closedAt;
  // 7–8: after twice that time, accepted.
  s.csms.admit(true);
  const seventh = await nextAttempt(fifth.at, 2 * waitS * 1000, "Step 7");
  assert.ok(seventh.accepted, "Step 8: accepted");
  assert.ok(seventh.at - fifth.at >= 2 * waitS * 1000 && seventh.at - fifth.at >= 2 * step5 - 100,
    `Step 7: the reconnection time (${seventh.at - fifth.at} ms) is at least twice that of step 5 (${step5} ms)`);
  await s.csms.waitConnected(3, 3000);
});
