// Block G (availability) of Part 6: connector status notifications (G01) and ChangeAvailability for an EVSE
// (G03), the station (G04) and a connector (G03), each built from its case: Before states, steps in order,
// tool validations and post-scenario validations.
// Station configuration assumed: the station's defaults (TxStartPoint and TxStopPoint EVConnected,Authorized),
// one EVSE (id 1) with two fixed-cable connectors (1, 2); <Configured evseId> 1, <Configured connectorId> 1.
// The station reports connector status with StatusNotification (Part 5 allows that or NotifyEvent), so the
// NotifyEvent alternatives of the validations do not apply. The other connector of the EVSE stays Available while
// one connector is in use (station decision, Part 6 B_22/B_51/G_14); the EVSE runs one transaction at a time.
// TC_G_20_CS is a CSMS-only case in Part 5 (and needs ConnectorPlugRetentionLock): not here.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { conformance, states, txEventsSince, CONNECTORS, EVSE_ID, CONNECTOR_ID } = require("./states.js");
const { HOST } = require("../helpers/station-host.js");

const change = (s, operationalStatus, evse) => s.call("ChangeAvailability", evse ? { operationalStatus, evse } : { operationalStatus });

/** The StatusNotifications of one connector from `mark` on. */
const reportsOf = (s, mark, connectorId) => s.sentSince(mark, "StatusNotification").filter((p) => p.connectorId === connectorId);

/** Every connector in `connectors` reported `status` (its latest report since `mark`), with evseId and connectorId
 *  not 0 and the evseId of the EVSE. */
function assertReported(s, mark, status, why, connectors = CONNECTORS) {
  for (const c of connectors) {
    const got = reportsOf(s, mark, c);
    assert.ok(got.length > 0, `${why}: a StatusNotification for connector ${c}`);
    const p = got[got.length - 1];
    assert.equal(p.connectorStatus, status, `${why}: connector ${c} ${status}`);
    assert.equal(p.evseId, EVSE_ID, `${why}: evseId ${EVSE_ID} (not 0)`);
    assert.notEqual(p.connectorId, 0, `${why}: connectorId not 0`);
  }
}

/** Post-scenario validation: a message reporting the state of each of `connectors` was received in the case. */
function assertAllReported(s, connectors = CONNECTORS) {
  for (const c of connectors) {
    assert.ok(s.sent("StatusNotification").some((p) => p.connectorId === c && p.evseId === EVSE_ID),
      `Post scenario: a report of the state of connector ${c}`);
  }
}

/** Connector 2 (the other connector of the EVSE) was never reported Unavailable from `mark` on. */
function assertOtherStaysAvailable(s, mark, why) {
  assert.deepEqual(reportsOf(s, mark, 2).map((p) => p.connectorStatus).filter((x) => x !== "Available"), [],
    `${why}: the other connector of the EVSE stays Available`);
}

/** EVDisconnected after a transaction that ended with an Inoperative change scheduled: the cable comes out, no
 *  TransactionEvent, and the connector stays Unavailable. Part 6's EVDisconnected state validates Available at its
 *  step 1; here the FR wins (G03.FR.05 / G04.FR.06 and the G01 transition table of errata 2025-01 §2.22: a cable
 *  unplugged from a connector scheduled to become Unavailable goes to Unavailable, not Available). */
async function evDisconnectedInoperative(s, connectors) {
  const mark = s.mark();
  await s.unplug(s.tx.connector);
  s.tx.evConnected = false;
  assert.equal(txEventsSince(s, mark, "EVDisconnected").length, 0, "EVDisconnected: nothing more for an ended transaction");
  for (const c of connectors) {
    assert.deepEqual(reportsOf(s, mark, c).filter((p) => p.connectorStatus !== "Unavailable"), [],
      `EVDisconnected: connector ${c} stays Unavailable`);
  }
}

// ---- G01 connector status notification ---------------------------------------------------------------

test(`[${HOST}] TC_G_01_CS Connector status Notification - Available to Occupied`, async (t) => {
  const s = await conformance(t);
  // Main
  const mark = s.mark();
  await states.evConnectedPreSession(s);                     // step 1: asserts StatusNotification Occupied, evseId 1
  assertOtherStaysAvailable(s, mark, "step 1");
});

test(`[${HOST}] TC_G_02_CS Connector status Notification - Occupied to Available`, async (t) => {
  const s = await conformance(t);
  // Before
  const before = s.mark();
  await states.evConnectedPreSession(s);
  // Main: manual action, the EV and EVSE are disconnected.
  const mark = s.mark();
  await s.unplug(CONNECTOR_ID);
  // Tool validations: step 3 StatusNotification Available.
  assertReported(s, mark, "Available", "step 3", [CONNECTOR_ID]);
  assertOtherStaysAvailable(s, before, "steps 1-3");
});

// ---- G03 / G04 ChangeAvailability -------------------------------------------------------------------

test(`[${HOST}] TC_G_03_CS Change Availability EVSE - Operative to inoperative`, async (t) => {
  const s = await conformance(t);
  // Main: step 1, reusable state Unavailable for the EVSE (Accepted; every connector of it Unavailable, evseId 1).
  const mark = s.mark();
  await states.unavailable(s, { evseId: EVSE_ID });
  // Post scenario: a report for every connector of the EVSE.
  assertReported(s, mark, "Unavailable", "Unavailable step 3");
  assertAllReported(s);
});

test(`[${HOST}] TC_G_04_CS Change Availability EVSE - Inoperative to operative`, async (t) => {
  const s = await conformance(t);
  // Before: memory state Unavailable for the EVSE.
  await states.unavailable(s, { evseId: EVSE_ID });
  // Main
  const mark = s.mark();
  const r = await change(s, "Operative", { id: EVSE_ID });  // step 1
  await s.step(1000);
  // Tool validations
  assert.equal(r.status, "Accepted", "step 2: ChangeAvailabilityResponse Accepted");
  assertReported(s, mark, "Available", "step 3");             // every connector of the EVSE, evseId 1
  assertAllReported(s);
});

test(`[${HOST}] TC_G_05_CS Change Availability Charging Station - Operative to inoperative`, async (t) => {
  const s = await conformance(t);
  // Main: step 1, reusable state Unavailable for the station.
  const mark = s.mark();
  await states.unavailable(s);
  // Post scenario: a report for every connector.
  assertReported(s, mark, "Unavailable", "Unavailable step 3");
  assertAllReported(s);
});

test(`[${HOST}] TC_G_06_CS Change Availability Charging Station - Inoperative to operative`, async (t) => {
  const s = await conformance(t);
  // Before
  await states.unavailable(s);
  // Main
  const mark = s.mark();
  const r = await change(s, "Operative");                      // step 1
  await s.step(1000);
  // Tool validations
  assert.equal(r.status, "Accepted", "step 2: ChangeAvailabilityResponse Accepted");
  assertReported(s, mark, "Available", "step 3");             // every connector
  assertAllReported(s);
});

test(`[${HOST}] TC_G_07_CS Change Availability Connector - Operative to inoperative`, async (t) => {
  const s = await conformance(t);
  // Main: step 1, reusable state Unavailable for the connector.
  const mark = s.mark();
  await states.unavailable(s, { evseId: EVSE_ID, connectorId: CONNECTOR_ID });
  // Post scenario: a report of that connector.
  assertReported(s, mark, "Unavailable", "Unavailable step 3", [CONNECTOR_ID]);
  assertOtherStaysAvailable(s, mark, "step 1");
});

test(`[${HOST}] TC_G_08_CS Change Availability Connector - Inoperative to operative`, async (t) => {
  const s = await conformance(t);
  // Before: memory state Unavailable for the connector.
  await states.unavailable(s, { evseId: EVSE_ID, connectorId: CONNECTOR_ID });
  // Main
  const mark = s.mark();
  const r = await change(s, "Operative", { id: EVSE_ID, connectorId: CONNECTOR_ID });   // step 1
  await s.step(1000);
  // Tool validations
  assert.equal(r.status, "Accepted", "step 2: ChangeAvailabilityResponse Accepted");
  assertReported(s, mark, "Available", "step 3", [CONNECTOR_ID]);                        // evseId 1, connectorId 1
  assert.equal(reportsOf(s, mark, CONNECTOR_ID).at(-1).connectorId, CONNECTOR_ID, "step 3: connectorId");
  assertAllReported(s, [CONNECTOR_ID]);
});

test(`[${HOST}] TC_G_09_CS Change Availability EVSE - Operative to operative`, async (t) => {
  const s = await conformance(t);
  // Main
  const r = await change(s, "Operative", { id: EVSE_ID });
  await s.step(1000);
  // Tool validations
  assert.equal(r.status, "Accepted", "step 2: ChangeAvailabilityResponse Accepted");
});

test(`[${HOST}] TC_G_10_CS Change Availability EVSE - Inoperative to inoperative`, async (t) => {
  const s = await conformance(t);
  // Before: State is Unavailable for the EVSE.
  await states.unavailable(s, { evseId: EVSE_ID });
  // Main
  const r = await change(s, "Inoperative", { id: EVSE_ID });
  await s.step(1000);
  // Tool validations
  assert.equal(r.status, "Accepted", "step 2: ChangeAvailabilityResponse Accepted");
  // Post scenario: every connector reported (Unavailable, and still so).
  assertReported(s, 0, "Unavailable", "Post scenario");
  assertAllReported(s);
});

test(`[${HOST}] TC_G_11_CS Change Availability EVSE - With ongoing transaction`, async (t) => {
  const s = await conformance(t);
  // Before: State is EnergyTransferStarted.
  await states.energyTransferStarted(s);
  // Main
  let mark = s.mark();
  const r = await change(s, "Inoperative", { id: EVSE_ID });  // step 1
  assert.equal(r.status, "Scheduled", "step 2: ChangeAvailabilityResponse Scheduled");
  await s.step(10_000);                                        // <Configured Transaction Duration>
  assert.deepEqual(s.statusesSince(mark).filter(([, st]) => st === "Unavailable"), [], "nothing Unavailable while the transaction runs");
  assert.ok(!s.tx.ended, "the transaction goes on");
  // Step 3: StopAuthorized (local) ends the transaction (TxStopPoint Authorized), so steps 4-5 follow; the later
  // steps 7, 10 and 13 are not executed (their previous steps end no transaction: it has ended already).
  mark = s.mark();
  await states.stopAuthorized(s);
  assert.ok(s.tx.ended, "step 3 ended the transaction");
  assertReported(s, mark, "Unavailable", "step 4");            // every connector of the EVSE, evseId 1
  await states.evConnectedPostSession(s);                      // step 6
  await evDisconnectedInoperative(s, CONNECTORS);              // step 9
  await states.parkingBayUnoccupied(s);                        // step 12
  // Post scenario
  assertAllReported(s);
});

test(`[${HOST}] TC_G_12_CS Change Availability Charging Station - Operative to operative`, async (t) => {
  const s = await conformance(t);
  // Main
  const r = await change(s, "Operative");
  await s.step(1000);
  // Tool validations
  assert.equal(r.status, "Accepted", "step 2: ChangeAvailabilityResponse Accepted");
  // Post scenario
  assertReported(s, 0, "Available", "Post scenario");
  assertAllReported(s);
});

test(`[${HOST}] TC_G_13_CS Change Availability Charging Station - Inoperative to inoperative`, async (t) => {
  const s = await conformance(t);
  // Before: State is Unavailable (the station).
  await states.unavailable(s);
  // Main
  const mark = s.mark();
  const r = await change(s, "Inoperative");                    // step 1
  await s.step(1000);
  // Tool validations
  assert.equal(r.status, "Accepted", "step 2: ChangeAvailabilityResponse Accepted");
  assertReported(s, mark, "Unavailable", "step 3");            // the current state of all connectors, again
  assertAllReported(s);
});

test(`[${HOST}] TC_G_14_CS Change Availability Charging Station - With ongoing transaction`, async (t) => {
  const s = await conformance(t);
  // Before: State is EnergyTransferStarted (connector 1; connector 2 of the same EVSE stays Available).
  await states.energyTransferStarted(s);
  // Main
  let mark = s.mark();
  const r = await change(s, "Inoperative");                    // step 1
  assert.equal(r.status, "Scheduled", "step 2: ChangeAvailabilityResponse Scheduled");
  await s.step(10_000);                                        // <Configured Transaction Duration>
  // Step 3 covers the EVSEs without an active transaction: there are none (one EVSE, and it has the transaction).
  assert.deepEqual(s.statusesSince(mark).filter(([, st]) => st === "Unavailable"), [], "step 3: nothing Unavailable on the EVSE in use");
  assert.ok(!s.tx.ended, "the transaction goes on");
  // Step 5: StopAuthorized ends the transaction, so step 6 reports the EVSE's connectors. Part 6 puts this step's
  // validation under "Step 7" (the OCTT's response to it); it is the report of step 6. Steps 9, 12, 15 are not
  // executed: their previous steps end no transaction.
  mark = s.mark();
  await states.stopAuthorized(s);
  assert.ok(s.tx.ended, "step 5 ended the transaction");
  assertReported(s, mark, "Unavailable", "step 6/7");          // connectorStatus Unavailable, evseId and connectorId not 0
  await states.evConnectedPostSession(s);                      // step 8
  await evDisconnectedInoperative(s, CONNECTORS);              // step 11
  await states.parkingBayUnoccupied(s);                        // step 14
  // Post scenario
  assertAllReported(s);
});

test(`[${HOST}] TC_G_15_CS Change Availability Connector - Operative to operative`, async (t) => {
  const s = await conformance(t);
  // Main
  const r = await change(s, "Operative", { id: EVSE_ID, connectorId: CONNECTOR_ID });
  await s.step(1000);
  // Tool validations
  assert.equal(r.status, "Accepted", "step 2: ChangeAvailabilityResponse Accepted");
  // Post scenario
  assertAllReported(s);
});

// Part 6 has no text for TC_G_16_CS (Part 5: Change Availability Connector - Inoperative to inoperative). Built
// from use case G03 in the form of its EVSE counterpart TC_G_10_CS (Before: Unavailable; step 2 Accepted; post
// scenario: every connector reported), not like the station case TC_G_13_CS, which adds a step 3 report.
test(`[${HOST}] TC_G_16_CS Change Availability Connector - Inoperative to inoperative`, async (t) => {
  const s = await conformance(t);
  // Before: State is Unavailable for the connector.
  await states.unavailable(s, { evseId: EVSE_ID, connectorId: CONNECTOR_ID });
  // Main
  const r = await change(s, "Inoperative", { id: EVSE_ID, connectorId: CONNECTOR_ID });
  await s.step(1000);
  // Tool validations
  assert.equal(r.status, "Accepted", "step 2: ChangeAvailabilityResponse Accepted");
  // Post scenario
  assertReported(s, 0, "Unavailable", "Post scenario", [CONNECTOR_ID]);
  assertAllReported(s);
});

test(`[${HOST}] TC_G_17_CS Change Availability Connector - With ongoing transaction`, async (t) => {
  const s = await conformance(t);
  // Before: State is EnergyTransferStarted (on the configured connector).
  await states.energyTransferStarted(s);
  // Main
  let mark = s.mark();
  const r = await change(s, "Inoperative", { id: EVSE_ID, connectorId: CONNECTOR_ID });   // step 1
  assert.equal(r.status, "Scheduled", "step 2: ChangeAvailabilityResponse Scheduled");
  await s.step(10_000);                                        // <Configured Transaction Duration>
  assert.deepEqual(s.statusesSince(mark).filter(([, st]) => st === "Unavailable"), [], "nothing Unavailable while the transaction runs");
  assert.ok(!s.tx.ended, "the transaction goes on");
  // Step 3: StopAuthorized ends the transaction, so step 4 reports the connector. Part 6 puts this validation
  // under "Step 7", which by the case's own note is only executed if step 6 ended a transaction: it cannot (the
  // transaction ended at step 3), so the validation is applied to the report of step 4 (G03.FR.05).
  mark = s.mark();
  await states.stopAuthorized(s);
  assert.ok(s.tx.ended, "step 3 ended the transaction");
  assertReported(s, mark, "Unavailable", "step 4 (validated as 'Step 7')", [CONNECTOR_ID]);
  assert.equal(reportsOf(s, mark, CONNECTOR_ID).at(-1).connectorId, CONNECTOR_ID, "connectorId <Configured connectorId>");
  await states.evConnectedPostSession(s);                      // step 6
  await evDisconnectedInoperative(s, [CONNECTOR_ID]);          // step 9
  await states.parkingBayUnoccupied(s);                        // step 12
  assertOtherStaysAvailable(s, 0, "the whole case");
  // Post scenario
  assertAllReported(s);
});

// Part 6's Before says "state is Unavailable" without naming a component. Step 3 expects the EVSEs other than the
// configured one Available, so it cannot be the whole station: it is the Unavailable state for the configured EVSE,
// which steps 1-3 then request again (Accepted, every connector reported, TC_G_10_CS / G03).
test(`[${HOST}] TC_G_18_CS Change Availability EVSE - state persists across reboot`, async (t) => {
  const s = await conformance(t);
  // Before
  await states.unavailable(s, { evseId: EVSE_ID });
  // Main
  const mark = s.mark();
  const r = await change(s, "Inoperative", { id: EVSE_ID });  // step 1
  await s.step(1000);
  assert.equal(r.status, "Accepted", "step 2: ChangeAvailabilityResponse Accepted");
  // Step 3: all connectors; the configured EVSE's Unavailable (this station has no other EVSE).
  assertReported(s, mark, "Unavailable", "step 3");
  // Step 5: Booted (by a reset); after the boot every connector of the EVSE is reported Unavailable (the case's
  // note overrides the Available of the Booted state), then the security event StartupOfTheDevice / ResetOrReboot.
  const after = await states.booted(s, { expect: { 1: "Unavailable", 2: "Unavailable" } });
  assert.equal(after.filter((m) => m.method === "BootNotification").length, 1, "step 5: one BootNotification");
  // Post scenario
  assertAllReported(s);
});

/** Booting, then the boot's messages in order: BootNotification (step 2), the connectors (step 4), the security
 *  event (step 6). Returns { after, statuses }. */
async function rebootAndCollect(s) {
  const boots = s.csms.count("BootNotification");
  const mark = await states.booting(s);                        // step 1
  await s.csms.waitFor("BootNotification", boots + 1, 10_000);
  await s.step(3000);
  const after = s.since(mark);
  const methods = after.map((m) => m.method);
  const boot = methods.indexOf("BootNotification");
  assert.ok(boot >= 0, "step 2: BootNotificationRequest");
  const afterBoot = after.slice(boot);
  const statuses = afterBoot.filter((m) => m.method === "StatusNotification").map((m) => m.params);
  const sec = afterBoot.findIndex((m) => m.method === "SecurityEventNotification");
  assert.ok(sec >= 0, "step 6: SecurityEventNotificationRequest");
  assert.ok(["StartupOfTheDevice", "ResetOrReboot"].includes(afterBoot[sec].params.type),
    `step 6: type StartupOfTheDevice or ResetOrReboot, got ${afterBoot[sec].params.type}`);
  const lastStatus = afterBoot.map((m) => m.method).lastIndexOf("StatusNotification");
  assert.ok(lastStatus >= 0 && lastStatus < sec, "steps 4 then 6: the security event after the connector statuses");
  for (const p of statuses) {
    assert.notEqual(p.evseId, 0, "step 4: evseId not 0");
    assert.notEqual(p.connectorId, 0, "step 4: connectorId not 0");
  }
  return { after, statuses };
}

const lastOf = (statuses, connectorId) => statuses.filter((p) => p.connectorId === connectorId).at(-1);

test(`[${HOST}] TC_G_19_CS Change Availability Connector - state persists across reboot`, async (t) => {
  const s = await conformance(t);
  // Before: State is Unavailable for the configured connector (step 4 expects the others Available).
  await states.unavailable(s, { evseId: EVSE_ID, connectorId: CONNECTOR_ID });
  // Main: steps 1-7
  const { statuses } = await rebootAndCollect(s);
  // Tool validations, step 4: the configured connector Unavailable, every other connector Available.
  for (const c of CONNECTORS) {
    const p = lastOf(statuses, c);
    assert.ok(p, `step 4: connector ${c} reported`);
    assert.equal(p.evseId, EVSE_ID, `step 4: connector ${c} evseId`);
    assert.equal(p.connectorStatus, c === CONNECTOR_ID ? "Unavailable" : "Available", `step 4: connector ${c}`);
  }
  // Post scenario
  assertAllReported(s);
});

test(`[${HOST}] TC_G_21_CS Change Availability Charging Station - state persists across reboot`, async (t) => {
  const s = await conformance(t);
  // Before: State is Unavailable (the station).
  await states.unavailable(s);
  // Main: steps 1-7, a reboot by Reset Immediate (Booting)
  const { statuses } = await rebootAndCollect(s);
  // Tool validations, step 4: every connector Unavailable.
  for (const c of CONNECTORS) {
    const p = lastOf(statuses, c);
    assert.ok(p, `step 4: connector ${c} reported`);
    assert.equal(p.connectorStatus, "Unavailable", `step 4: connector ${c} Unavailable`);
  }
  // Post scenario
  assertAllReported(s);
});
