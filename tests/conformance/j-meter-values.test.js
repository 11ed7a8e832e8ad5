// Block J (meter values), Core cases of Part 5: TC_J_01/02/03/07/08/09/10_CS, built from Part 6 and errata 2025-01.
// Not applicable to the target (target-pics.txt): TC_J_04_CS and TC_J_11_CS (signed meter values, C-42 No),
// TC_J_06_CS (AlignedDataSendDuringIdle, C-28 No).
//
// Station configuration assumed: the defaults (TxStartPoint and TxStopPoint EVConnected,Authorized,
// AuthorizeRemoteStart false); one DC EVSE (EVSE SupplyPhases 0) with two connectors, the EV on connector 1.
// Every case sets its Configuration State by SetVariables as the test tool does. The measurands configured are the
// ones the PICS lists as supported (C-40.1 to C-40.5, "Supported According to Vendor"); SoC is left out where the
// EV may not have reported it yet when the sample is taken (a reading the EV did not give cannot be sent).
// AlignedDataCtrlr.Interval is 0 (the scenario default) unless the case configures it, so no clock-aligned value
// lands among the ones a case counts. The test CSMS answers Heartbeats with its real time, which would set the
// station's (virtual) clock back: the CSMS gives a heartbeat interval of one hour, longer than any case here.
//
// Every case ends with the post-scenario checks errata 2025-01 adds to all J cases: no sampledValue has location EV
// but the SoC (6.2.15); values for the phases in SupplyPhases (6.2.16; a DC EVSE has none, so no phase at all).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { conformance, states, EVSE_ID } = require("./states.js");
const { HOST } = require("../helpers/station-host.js");

const ENERGY = "Energy.Active.Import.Register";
/** The <Configured transaction duration> of the test tool. */
const TRANSACTION_DURATION_MS = 5 * 60_000;
/** The unit each measurand of this meter is sent in (Part 2 units of measure). */
const UNITS = {
  "Energy.Active.Import.Register": "Wh", "Energy.Active.Export.Register": "Wh", "Power.Active.Import": "W",
  "Power.Offered": "W", "Current.Import": "A", "Current.Offered": "A", Voltage: "V", SoC: "Percent", "Power.Factor": undefined,
};
// The measurands per kind, from target-pics.txt C-40 ("Supported According to Vendor").
const ALIGNED = [ENERGY, "Energy.Active.Export.Register", "Voltage"];                      // C-40.4
const ALIGNED_TX_ENDED = [ENERGY, "Energy.Active.Export.Register", "Voltage"];             // C-40.5
const SAMPLED_TX_STARTED = [ENERGY, "Energy.Active.Export.Register", "Voltage"];           // C-40.1 without SoC
const SAMPLED_TX_UPDATED = ["Power.Factor", ENERGY, "Power.Active.Import", "Current.Import", "Voltage", "SoC"]; // C-40.2
const SAMPLED_TX_ENDED = [ENERGY, "Energy.Active.Export.Register", "Voltage"];             // C-40.3 without SoC

const measurandOf = (v) => v.measurand || ENERGY;   // the schema's default measurand
const ms = (stamp) => Date.parse(stamp);

/** A J case's scenario (see the header for the heartbeat interval). */
const meterScenario = (t) => conformance(t, { csms: { interval: 3600 } });

/** "sampledValue[0].context must be <context>; sampledValue must contain an element per configured measurand
 *  (the measurand may be omitted for Energy.Active.Import.Register)". One element each, no other measurand. */
function assertMeterValue(mv, measurands, context, why) {
  assert.ok(mv && Array.isArray(mv.sampledValue) && mv.sampledValue.length > 0, `${why}: a meterValue with sampledValue`);
  assert.equal(mv.sampledValue[0].context, context, `${why}: sampledValue[0].context ${context}`);
  for (const v of mv.sampledValue) assert.equal(v.context, context, `${why}: every sampledValue of the element ${context}`);
  assert.deepEqual(mv.sampledValue.map(measurandOf).sort(), [...measurands].sort(),
    `${why}: one sampledValue per configured measurand (${measurands.join(", ")})`);
}

/** Post-scenario checks of errata 2025-01 for every meter value received (MeterValues and TransactionEvent), plus
 *  the unit of each measurand; `phases` is the EVSE's SupplyPhases. */
function assertErrataChecks(s, phases = 0) {
  const all = s.csms.received.filter((r) => (r.method === "MeterValues" || r.method === "TransactionEvent") && r.params.meterValue)
    .flatMap((r) => r.params.meterValue);
  assert.ok(all.length > 0, "post-scenario: meter values were received");
  for (const mv of all) {
    for (const v of mv.sampledValue) {
      const m = measurandOf(v);
      if (v.location === "EV") assert.equal(m, "SoC", "errata 6.2.15: no location EV but for the SoC");
      assert.ok(m in UNITS, `a measurand of this meter: ${m}`);
      assert.equal(v.unitOfMeasure ? v.unitOfMeasure.unit : undefined, UNITS[m], `unit of ${m}`);
      if (phases === 0) assert.equal(v.phase, undefined, "errata 6.2.16: SupplyPhases 0 (DC), so no phase");
      assert.ok(Number.isFinite(v.value), `${m}: a number`);
    }
  }
}

/** "The intervals between the timestamps ... must equal the configured value": consecutive stamps `intervalMs`
 *  apart. */
function assertSpacing(stamps, intervalMs, why) {
  for (let i = 1; i < stamps.length; i++) {
    assert.equal(ms(stamps[i]) - ms(stamps[i - 1]), intervalMs, `${why}: ${stamps[i - 1]} to ${stamps[i]} is ${intervalMs / 1000} s`);
  }
}

/** The EVSE's SupplyPhases (errata 6.2.16: values for the phases it reports). */
async function supplyPhases(s) {
  const r = (await s.call("GetVariables", { getVariableData: [{ component: { name: "EVSE", evse: { id: EVSE_ID } },
    variable: { name: "SupplyPhases" } }] })).getVariableResult[0];
  assert.equal(r.attributeStatus, "Accepted", "EVSE SupplyPhases");
  return Number(r.attributeValue);
}

/** Main step "Execute Reusable State ParkingBayUnoccupied" from EnergyTransferStarted: the states before it
 *  (StopAuthorized, EVConnectedPostSession, EVDisconnected) first, as Part 6 chains them. Returns the Ended. */
async function parkingBayUnoccupied(s) {
  await states.stopAuthorized(s);
  await states.evConnectedPostSession(s);
  await states.evDisconnected(s);
  await states.parkingBayUnoccupied(s);
  const ended = s.events().filter((e) => e.eventType === "Ended" && e.transactionInfo.transactionId === s.tx.id);
  assert.equal(ended.length, 1, "ParkingBayUnoccupied: the transaction ended once");
  return ended[0];
}

// TC_J_01_CS has no text in this copy of Part 6: built from use case J01 (J01.FR.01–03, 06–08, 14, 15) and from
// what TC_J_02_CS and TC_J_06_CS check of the MeterValuesRequest (their step 1 and post-scenario validations), for
// a station with no transaction: clock-aligned MeterValuesRequests every AlignedDataInterval, on the interval's
// clock instants, context Sample.Clock, an element per AlignedDataMeasurands.
test(`[${HOST}] TC_J_01_CS Clock-aligned Meter Values - No transaction ongoing`, async (t) => {
  const s = await meterScenario(t);
  // Before: Configuration State AlignedDataInterval and AlignedDataMeasurands (AlignedDataSendDuringIdle is not
  // implemented, C-28 No). No transaction.
  const phases = await supplyPhases(s);
  await s.configure({ "AlignedDataCtrlr.Interval": 60, "AlignedDataCtrlr.Measurands": ALIGNED.join(",") });
  const mark = s.mark();
  // Main: the station reports its clock-aligned values while idle, for the transaction duration.
  await s.step(TRANSACTION_DURATION_MS);
  const mvs = s.sentSince(mark, "MeterValues");
  assert.ok(mvs.length >= 4, `step 1: a MeterValuesRequest per minute for 5 minutes (${mvs.length})`);
  // Tool validations, step 1: each MeterValuesRequest.
  for (const [i, r] of mvs.entries()) {
    assert.equal(r.evseId, EVSE_ID, `step 1 #${i}: evseId`);
    assert.equal(r.meterValue.length, 1, `step 1 #${i}: one sampling moment per request`);
    assertMeterValue(r.meterValue[0], ALIGNED, "Sample.Clock", `step 1 #${i}`);
    assert.equal(ms(r.meterValue[0].timestamp) % 60_000, 0, `step 1 #${i}: on the interval's clock instant (${r.meterValue[0].timestamp})`);
  }
  // Post scenario validations: timestamps AlignedDataInterval apart; no transaction, so no TransactionEvent.
  assertSpacing(mvs.map((r) => r.meterValue[0].timestamp), 60_000, "post-scenario MeterValuesRequest timestamps");
  assert.equal(s.sentSince(mark, "TransactionEvent").length, 0, "no transaction: no TransactionEventRequest");
  assertErrataChecks(s, phases);
});

// Errata 2025-01 6.2.16 adds RegisterValuesWithoutPhases false (if implemented: it is not) and values for the
// phases in SupplyPhases. The station has one EVSE, in the transaction, and no separate main meter, so it takes
// steps 3-4 (the TransactionEventRequest) and no MeterValuesRequest is due.
test(`[${HOST}] TC_J_02_CS Clock-aligned Meter Values - Transaction ongoing`, async (t) => {
  const s = await meterScenario(t);
  // Before: Configuration State AlignedDataInterval (AlignedDataSendDuringIdle: not implemented, C-28 No);
  // Reusable State EnergyTransferStarted.
  const phases = await supplyPhases(s);
  assert.equal(phases, 0, "a DC EVSE: SupplyPhases 0");
  await s.configure({ "AlignedDataCtrlr.Interval": 60, "AlignedDataCtrlr.Measurands": ALIGNED.join(",") });
  await states.energyTransferStarted(s);
  // Main: steps 3-4 for the transaction duration (the test tool then ends the case).
  const mark = s.mark();
  await s.step(TRANSACTION_DURATION_MS);
  const clock = s.sentSince(mark, "TransactionEvent").filter((e) => e.triggerReason === "MeterValueClock");
  assert.ok(clock.length >= 4, `step 3: a clock-aligned TransactionEventRequest per minute for 5 minutes (${clock.length})`);
  // Tool validations, step 3: every one of them.
  for (const e of clock) {
    const why = `step 3 seqNo ${e.seqNo}`;
    assert.equal(e.triggerReason, "MeterValueClock", `${why}: triggerReason`);
    assert.equal(e.eventType, "Updated", `${why}: eventType Updated`);
    assert.equal(e.transactionInfo.transactionId, s.tx.id, `${why}: the running transaction`);
    assert.ok(Array.isArray(e.meterValue) && e.meterValue.length >= 1, `${why}: meterValue`);
    assertMeterValue(e.meterValue[0], ALIGNED, "Sample.Clock", why);
    assert.equal(e.meterValue[0].timestamp, e.timestamp, `${why}: the sample's instant is the event's`);
    assert.equal(ms(e.timestamp) % 60_000, 0, `${why}: on the interval's clock instant (${e.timestamp})`);
  }
  // Post scenario validations: the TransactionEventRequest timestamps AlignedDataInterval apart; a
  // MeterValuesRequest (step 1) would have to be too: none is sent, the one EVSE being in the transaction.
  assertSpacing(clock.map((e) => e.timestamp), 60_000, "post-scenario TransactionEventRequest timestamps");
  const mvs = s.sentSince(mark, "MeterValues");
  assert.equal(mvs.length, 0, "step 1 not taken: no MeterValuesRequest during the transaction");
  // Energy flows: the register rises from one clock-aligned sample to the next.
  const energy = clock.map((e) => e.meterValue[0].sampledValue.find((v) => measurandOf(v) === ENERGY).value);
  for (let i = 1; i < energy.length; i++) assert.ok(energy[i] > energy[i - 1], "the energy register rises while charging");
  assertErrataChecks(s, phases);
});

test(`[${HOST}] TC_J_03_CS Clock-aligned Meter Values - EventType Ended`, async (t) => {
  const s = await meterScenario(t);
  // Before: Configuration State AlignedDataTxEndedInterval; SampledDataTxEndedMeasurands empty
  // (AlignedDataSendDuringIdle: not implemented, C-28 No); AlignedDataTxEndedMeasurands as configured.
  // Reusable State EnergyTransferStarted.
  await s.configure({
    "AlignedDataCtrlr.TxEndedInterval": 60, "AlignedDataCtrlr.TxEndedMeasurands": ALIGNED_TX_ENDED.join(","),
    "SampledDataCtrlr.TxEndedMeasurands": "",
  });
  await states.energyTransferStarted(s);
  const startedAt = ms(s.events().find((e) => e.eventType === "Started").timestamp);
  // Main step 1: after the transaction duration, Reusable State ParkingBayUnoccupied (which stops the transaction).
  await s.step(TRANSACTION_DURATION_MS);
  const ended = await parkingBayUnoccupied(s);
  // Post scenario validations: the Ended carries the meterValue field, an element per collection moment,
  // AlignedDataTxEndedInterval apart, each Sample.Clock with an element per AlignedDataTxEndedMeasurands.
  assert.ok(Array.isArray(ended.meterValue) && ended.meterValue.length > 0, "post-scenario: the Ended contains meterValue");
  const mvs = ended.meterValue;
  assert.ok(mvs.length >= 5 && mvs.length <= 6, `post-scenario: one element per minute of the 5-minute transaction (${mvs.length})`);
  for (const [i, mv] of mvs.entries()) {
    assertMeterValue(mv, ALIGNED_TX_ENDED, "Sample.Clock", `post-scenario meterValue[${i}]`);
    assert.equal(ms(mv.timestamp) % 60_000, 0, `post-scenario meterValue[${i}]: on the interval's clock instant (${mv.timestamp})`);
    assert.ok(ms(mv.timestamp) >= startedAt && ms(mv.timestamp) <= ms(ended.timestamp), `meterValue[${i}]: within the transaction`);
  }
  assertSpacing(mvs.map((mv) => mv.timestamp), 60_000, "post-scenario meterValue timestamps");
  // The aligned TxEnded data goes into the Ended only, not into the events before it.
  const earlier = s.events().filter((e) => e !== ended && e.transactionInfo.transactionId === s.tx.id);
  assert.ok(!earlier.some((e) => (e.meterValue || []).some((mv) => mv.sampledValue.some((v) => v.context === "Sample.Clock"))),
    "no Sample.Clock value before the Ended (AlignedDataCtrlr.Interval is 0)");
  assertErrataChecks(s);
});

test(`[${HOST}] TC_J_07_CS Sampled Meter Values - EventType Started - EVSE known`, async (t) => {
  const s = await meterScenario(t);
  // Before: Configuration State TxStartPoint contains EVConnected (the default EVConnected,Authorized does);
  // SampledDataTxStartedMeasurands as configured. Reusable State ParkingBayOccupied (optional; no bay sensor).
  await s.configure({ "SampledDataCtrlr.TxStartedMeasurands": SAMPLED_TX_STARTED.join(",") });
  assert.ok(s.startPoints.has("EVConnected"), "prerequisite: TxStartPoint contains EVConnected");
  assert.ok(!s.startPoints.has("ParkingBayOccupancy"), "prerequisite: TxStartPoint without ParkingBayOccupancy");
  await states.parkingBayOccupied(s);
  const mark = s.mark();
  // Main step 1: Reusable State EVConnectedPreSession (the transaction starts at the cable).
  await states.evConnectedPreSession(s);
  // Main step 2: Reusable State EnergyTransferStarted.
  await states.energyTransferStarted(s);
  // Post scenario validations: the Started carries meterValue, Transaction.Begin, an element per
  // SampledDataTxStartedMeasurands.
  const events = s.sentSince(mark, "TransactionEvent");
  const started = events.filter((e) => e.eventType === "Started");
  assert.equal(started.length, 1, "one Started");
  assert.equal(started[0].triggerReason, "CablePluggedIn", "the transaction started at the cable (EVSE known)");
  assert.deepEqual(started[0].evse, { id: EVSE_ID, connectorId: 1 }, "the Started names the EVSE");
  assert.ok(Array.isArray(started[0].meterValue) && started[0].meterValue.length > 0, "post-scenario: the Started contains meterValue");
  assertMeterValue(started[0].meterValue[0], SAMPLED_TX_STARTED, "Transaction.Begin", "post-scenario Started meterValue[0]");
  assert.ok(!events.filter((e) => e !== started[0]).some((e) => (e.meterValue || []).some((mv) =>
    mv.sampledValue.some((v) => v.context === "Transaction.Begin"))), "Transaction.Begin values only in the Started");
  assertErrataChecks(s);
});

// The post-scenario validation looks at "the first TransactionEventRequest containing a value for evse, sent during
// EVConnectedPreSession". With E01.FR.16 (evse only in the first TransactionEventRequest after the EV connected)
// and E01.FR.17 (the Transaction.Begin values go with it when the EVSE was not known at the start), that is the
// CablePluggedIn event, and the Started before it names no EVSE and carries no Transaction.Begin values.
test(`[${HOST}] TC_J_08_CS Sampled Meter Values - Context Transaction.Begin - EVSE not known`, async (t) => {
  const s = await meterScenario(t);
  // Before: Configuration State TxStartPoint contains Authorized (the default EVConnected,Authorized does);
  // SampledDataTxStartedMeasurands as configured. No reusable state. The station does not make the driver choose
  // an EVSE before authorizing (AQ-8 No), so the transaction starts at the card with no EVSE known.
  await s.configure({ "SampledDataCtrlr.TxStartedMeasurands": SAMPLED_TX_STARTED.join(",") });
  assert.ok(s.startPoints.has("Authorized"), "prerequisite: TxStartPoint contains Authorized");
  const mark = s.mark();
  // Main step 1: Reusable State EnergyTransferStarted (Authorized first, then part 1: the cable, which is the
  // EVConnectedPreSession the post-scenario validation refers to; then part 2).
  await states.authorized(s);
  const beforeCable = s.mark();
  await states.energyTransferStarted(s);
  // Post scenario validations: the first TransactionEventRequest with an evse, sent when the cable went in,
  // carries meterValue with Transaction.Begin and an element per SampledDataTxStartedMeasurands.
  const events = s.sentSince(mark, "TransactionEvent");
  assert.equal(events[0].eventType, "Started", "the transaction starts at the card");
  assert.equal(events[0].evse, undefined, "the Started names no EVSE (not known yet)");
  const first = events.find((e) => e.evse);
  assert.ok(first, "an event names the EVSE");
  assert.ok(s.sentSince(beforeCable, "TransactionEvent").includes(first), "the first event with evse is sent when the cable goes in");
  assert.equal(first.triggerReason, "CablePluggedIn", "the first event with evse: CablePluggedIn");
  assert.deepEqual(first.evse, { id: EVSE_ID, connectorId: 1 }, "evse.id and evse.connectorId");
  assert.ok(Array.isArray(first.meterValue) && first.meterValue.length > 0, "post-scenario: the first event with evse contains meterValue");
  assertMeterValue(first.meterValue[0], SAMPLED_TX_STARTED, "Transaction.Begin", "post-scenario meterValue[0]");
  assert.ok(!events.filter((e) => e !== first).some((e) => (e.meterValue || []).some((mv) =>
    mv.sampledValue.some((v) => v.context === "Transaction.Begin"))), "Transaction.Begin values only once");
  assertErrataChecks(s);
});

test(`[${HOST}] TC_J_09_CS Sampled Meter Values - EventType Updated`, async (t) => {
  const s = await meterScenario(t);
  // Before: Configuration State SampledDataTxUpdatedInterval (and SampledDataTxUpdatedMeasurands as configured);
  // Reusable State EnergyTransferStarted.
  await s.configure({ "SampledDataCtrlr.TxUpdatedInterval": 30, "SampledDataCtrlr.TxUpdatedMeasurands": SAMPLED_TX_UPDATED.join(",") });
  await states.energyTransferStarted(s);
  // Main steps 1-2: periodic TransactionEventRequests for the transaction duration.
  const mark = s.mark();
  await s.step(TRANSACTION_DURATION_MS);
  const periodic = s.sentSince(mark, "TransactionEvent");
  assert.ok(periodic.length >= 9 && periodic.length <= 11, `step 1: every 30 s for 5 minutes (${periodic.length})`);
  // Tool validations, step 1.
  for (const e of periodic) {
    const why = `step 1 seqNo ${e.seqNo}`;
    assert.equal(e.triggerReason, "MeterValuePeriodic", `${why}: triggerReason`);
    assert.equal(e.eventType, "Updated", `${why}: eventType Updated`);
    assert.ok(Array.isArray(e.meterValue) && e.meterValue.length === 1, `${why}: one meterValue`);
    assertMeterValue(e.meterValue[0], SAMPLED_TX_UPDATED, "Sample.Periodic", why);
    assert.equal(e.meterValue[0].timestamp, e.timestamp, `${why}: the sample's instant is the event's`);
  }
  // Post scenario validations: timestamps SampledDataTxUpdatedInterval apart.
  assertSpacing(periodic.map((e) => e.timestamp), 30_000, "post-scenario TransactionEventRequest timestamps");
  const energy = periodic.map((e) => e.meterValue[0].sampledValue.find((v) => measurandOf(v) === ENERGY).value);
  for (let i = 1; i < energy.length; i++) assert.ok(energy[i] > energy[i - 1], "the energy register rises while charging");
  assertErrataChecks(s);
});

// TC_J_10_CS has no text in this copy of Part 6: built from use case J02 (J02.FR.01–04, 10, 11: the
// SampledDataCtrlr.TxEnded* values in the Ended) and from TC_J_11_CS, the same case with signing, whose
// validations it takes but the signedMeterValue ones: Before SampledDataTxEndedInterval; EnergyTransferStarted;
// ParkingBayUnoccupied after the transaction duration; the Ended carries meterValue, its timestamps
// SampledDataTxEndedInterval apart, Sample.Periodic and one Transaction.End, an element per
// SampledDataTxEndedMeasurands.
test(`[${HOST}] TC_J_10_CS Sampled Meter Values - EventType Ended`, async (t) => {
  const s = await meterScenario(t);
  // Before: Configuration State SampledDataTxEndedInterval (SampledDataTxEndedMeasurands as configured);
  // Reusable State EnergyTransferStarted.
  await s.configure({ "SampledDataCtrlr.TxEndedInterval": 45, "SampledDataCtrlr.TxEndedMeasurands": SAMPLED_TX_ENDED.join(",") });
  await states.energyTransferStarted(s);
  const startedAt = ms(s.events().find((e) => e.eventType === "Started").timestamp);
  // Main step 1: after the transaction duration, Reusable State ParkingBayUnoccupied.
  await s.step(TRANSACTION_DURATION_MS);
  const ended = await parkingBayUnoccupied(s);
  // Post scenario validations.
  assert.ok(Array.isArray(ended.meterValue) && ended.meterValue.length > 0, "post-scenario: the Ended contains meterValue");
  const mvs = ended.meterValue;
  const periodic = mvs.filter((mv) => mv.sampledValue[0].context === "Sample.Periodic");
  const end = mvs.filter((mv) => mv.sampledValue[0].context === "Transaction.End");
  assert.equal(end.length, 1, "post-scenario: one element Transaction.End");
  assert.equal(periodic.length + end.length, mvs.length, "post-scenario: the others Sample.Periodic");
  assert.equal(mvs[mvs.length - 1], end[0], "Transaction.End is the last element");
  assert.equal(end[0].timestamp, ended.timestamp, "Transaction.End at the end of the transaction");
  assert.equal(periodic.length, Math.floor((ms(ended.timestamp) - startedAt) / 45_000),
    "post-scenario: an element per collection moment (every 45 s from the start)");
  for (const [i, mv] of periodic.entries()) assertMeterValue(mv, SAMPLED_TX_ENDED, "Sample.Periodic", `post-scenario meterValue[${i}]`);
  assertMeterValue(end[0], SAMPLED_TX_ENDED, "Transaction.End", "post-scenario Transaction.End element");
  assertSpacing([new Date(startedAt).toISOString(), ...periodic.map((mv) => mv.timestamp)], 45_000,
    "post-scenario Sample.Periodic timestamps (from the start)");
  const energy = mvs.map((mv) => mv.sampledValue.find((v) => measurandOf(v) === ENERGY).value);
  for (let i = 1; i < energy.length; i++) assert.ok(energy[i] >= energy[i - 1], "the register never goes back");
  assertErrataChecks(s);
});
