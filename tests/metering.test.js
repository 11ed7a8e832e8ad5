// Meter values in transactions (Part 6 block J, use cases J01/J02 with E01–E12) against the strict test CSMS,
// with the hardware simulator, on the host chosen by STATION_HOST, on the virtual clock. Every test ends with
// the checks all J cases share: errata 6.2.15 (location EV only for SoC), errata 6.2.16 (values for every
// phase in SupplyPhases: this is a DC EVSE, so no phase at all), the unit of each measurand and one context
// per meterValue element. Clock-aligned values outside and during a transaction (TC_J_01, TC_J_02_CS) are
// in tests/devicemodel.test.js.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { chargingScenario, assertWellFormed, VALID_TOKEN } = require("./helpers/scenario.js");
const { HOST } = require("./helpers/station-host.js");

const last = (list) => list[list.length - 1];
const ENERGY = "Energy.Active.Import.Register";
/** The unit each measurand this meter supplies is sent in (units_of_measure.csv). */
const UNITS = {
  "Energy.Active.Import.Register": "Wh", "Energy.Active.Export.Register": "Wh", "Power.Active.Import": "W",
  "Power.Offered": "W", "Current.Import": "A", "Current.Offered": "A", Voltage: "V", SoC: "Percent", "Power.Factor": undefined,
};
const measurandOf = (v) => v.measurand || ENERGY;   // the schema's default measurand

/** Every meterValue the station sent, in MeterValues and TransactionEvent requests. */
function allMeterValues(s) {
  const out = [];
  for (const r of s.csms.received) {
    if ((r.method === "MeterValues" || r.method === "TransactionEvent") && r.params.meterValue) out.push(...r.params.meterValue);
  }
  return out;
}

/** The checks Part 6 (with errata 6.2.15/6.2.16) applies to every meter value of a J test case. */
function assertMeterValuesSound(s) {
  const all = allMeterValues(s);
  assert.ok(all.length > 0, "meter values were sent");
  for (const mv of all) {
    assert.ok(mv.sampledValue.length > 0);
    const contexts = new Set(mv.sampledValue.map((v) => v.context));
    assert.equal(contexts.size, 1, `one context per meterValue element: ${[...contexts]}`);
    for (const v of mv.sampledValue) {
      const m = measurandOf(v);
      assert.ok(m in UNITS, `a measurand of this meter: ${m}`);
      assert.equal(v.unitOfMeasure ? v.unitOfMeasure.unit : undefined, UNITS[m], `unit of ${m}`);
      if (v.location === "EV") assert.equal(m, "SoC", "errata 6.2.15: location EV only for SoC");
      if (m === "SoC") assert.equal(v.location, "EV", "the SoC is the EV's");
      assert.equal(v.phase, undefined, "DC: no phase (errata 6.2.16 asks for the phases in SupplyPhases, none here)");
      assert.ok(Number.isFinite(v.value), `${m} value ${v.value}`);
    }
  }
}

/** One sampledValue per configured measurand (the measurand may be left out for the energy register). */
function assertMeasurands(mv, measurands, context, what) {
  assert.deepEqual(mv.sampledValue.map(measurandOf).sort(), [...measurands].sort(), `${what}: one element per configured measurand`);
  for (const v of mv.sampledValue) assert.equal(v.context, context, `${what}: context`);
}

/** The test CSMS tells its real time in Heartbeat answers, which does not move with the virtual clock and would
 *  set the station's clock back: the tests that compare timestamps run within one heartbeat interval. The
 *  clock-aligned Updated samples (AlignedDataCtrlr.Interval, TC_J_02_CS) are off (the scenario default), so every Sample.Clock value
 *  seen here is a TxEnded one. */
const meteringScenario = (t) => chargingScenario(t, { csms: { interval: 3600 } });

const energyOf = (mv) => mv.sampledValue.find((v) => measurandOf(v) === ENERGY).value;
const ms = (mv) => Date.parse(mv.timestamp);

test(`[${HOST}] TC_J_07_CS Started carries Transaction.Begin values, one per SampledDataCtrlr.TxStartedMeasurands`, async (t) => {
  const s = await meteringScenario(t);
  const measurands = [ENERGY, "Voltage", "Current.Import", "Power.Active.Import"];
  assert.equal(await s.setVariable("TxCtrlr", "TxStartPoint", "EVConnected"), "Accepted");
  assert.equal(await s.setVariable("SampledDataCtrlr", "TxStartedMeasurands", measurands.join(",")), "Accepted");
  await s.plug(1);                                  // EVConnectedPreSession
  await s.swipe(VALID_TOKEN);                       // EnergyTransferStarted
  await s.ready(1);
  assert.equal(last(s.events()).transactionInfo.chargingState, "Charging");
  const started = s.events().find((e) => e.eventType === "Started");
  assert.ok(started.meterValue, "Started has meterValue");
  assert.equal(started.meterValue.length, 1);
  assertMeasurands(started.meterValue[0], measurands, "Transaction.Begin", "Started");
  assert.ok(s.events().filter((e) => e !== started).every((e) => !(e.meterValue || []).some((mv) =>
    mv.sampledValue.some((v) => v.context === "Transaction.Begin"))), "Transaction.Begin only once");
  assertMeterValuesSound(s);
});

test(`[${HOST}] TC_J_08_CS authorization first: the first event that carries the evse carries the Transaction.Begin values`, async (t) => {
  const s = await meteringScenario(t);
  const measurands = [ENERGY, "Voltage"];
  assert.equal(await s.setVariable("TxCtrlr", "TxStartPoint", "Authorized"), "Accepted");
  assert.equal(await s.setVariable("SampledDataCtrlr", "TxStartedMeasurands", measurands.join(",")), "Accepted");
  await s.swipe(VALID_TOKEN);                       // EnergyTransferStarted from idle: Authorized, then Part 1
  await s.plug(1);
  await s.ready(1);
  const ev = s.events();
  assert.equal(ev[0].eventType, "Started");
  assert.equal(ev[0].triggerReason, "Authorized");
  const first = ev.find((e) => e.evse);
  assert.ok(first, "an event carries the evse");
  assert.ok(first.meterValue, `the first event with evse (${first.triggerReason}) has meterValue`);
  assertMeasurands(first.meterValue[0], measurands, "Transaction.Begin", first.triggerReason);
  const plugged = ev.find((e) => e.triggerReason === "CablePluggedIn");
  assert.deepEqual(plugged.evse, { id: 1, connectorId: 1 }, "the connector once it is known");
  assert.equal(last(ev).transactionInfo.chargingState, "Charging");
  assertMeterValuesSound(s);
});

test(`[${HOST}] TC_J_09_CS periodic Updated MeterValuePeriodic, Sample.Periodic, SampledDataCtrlr.TxUpdatedInterval apart`, async (t) => {
  const s = await meteringScenario(t);
  const measurands = [ENERGY, "Power.Active.Import", "Current.Import", "Voltage", "SoC"];
  assert.equal(await s.setVariable("SampledDataCtrlr", "TxUpdatedInterval", "30"), "Accepted");
  assert.equal(await s.setVariable("SampledDataCtrlr", "TxUpdatedMeasurands", measurands.join(",")), "Accepted");
  await s.swipe(VALID_TOKEN);                       // EnergyTransferStarted
  await s.plug(1);
  await s.ready(1);
  await s.step(5 * 60_000);                         // the transaction duration
  const periodic = s.events().filter((e) => e.triggerReason === "MeterValuePeriodic");
  assert.ok(periodic.length >= 9 && periodic.length <= 11, `every 30 s for 5 min: ${periodic.length}`);
  for (const e of periodic) {
    assert.equal(e.eventType, "Updated");
    assert.equal(e.meterValue.length, 1);
    assertMeasurands(e.meterValue[0], measurands, "Sample.Periodic", `seqNo ${e.seqNo}`);
  }
  const stamps = periodic.map((e) => ms(e.meterValue[0]));
  for (let i = 1; i < stamps.length; i++) assert.equal(stamps[i] - stamps[i - 1], 30_000, "spaced by the interval");
  const energies = periodic.map((e) => energyOf(e.meterValue[0]));
  for (let i = 1; i < energies.length; i++) assert.ok(energies[i] > energies[i - 1], "energy rises while charging");
  assertMeterValuesSound(s);
});

/** Reusable states StopAuthorized (local) through ParkingBayUnoccupied after the transaction duration; the
 *  Ended event. */
async function stopSession(s) {
  await s.swipe(VALID_TOKEN);
  await s.unplug(1);
  // The Ended goes out once the current has ramped down and the meter was read after it (E06 end energy).
  for (let waited = 0; last(s.events()).eventType !== "Ended" && waited < 10_000; waited += 250) await s.step(250);
  const end = last(s.events());
  assert.equal(end.eventType, "Ended");
  assertWellFormed(assert, s.events());
  return end;
}

test(`[${HOST}] TC_J_03_CS Ended carries the AlignedDataCtrlr.TxEndedMeasurands samples, Sample.Clock, TxEndedInterval apart`, async (t) => {
  const s = await meteringScenario(t);
  const measurands = [ENERGY, "Power.Active.Import", "SoC"];
  assert.equal(await s.setVariable("AlignedDataCtrlr", "TxEndedInterval", "60"), "Accepted");
  assert.equal(await s.setVariable("AlignedDataCtrlr", "TxEndedMeasurands", measurands.join(",")), "Accepted");
  assert.equal(await s.setVariable("SampledDataCtrlr", "TxEndedMeasurands", ""), "Accepted");
  // Started when the power path closes: by then the EV has told its SoC, so every clock-aligned sample can carry
  // it (started at the card, a sample landing before the EV's first report could not: it depends on the time).
  assert.equal(await s.setVariable("TxCtrlr", "TxStartPoint", "PowerPathClosed"), "Accepted");
  await s.swipe(VALID_TOKEN);                       // EnergyTransferStarted
  await s.plug(1);
  await s.ready(1);
  assert.equal(s.events()[0].eventType, "Started");
  const startedAt = Date.parse(s.events()[0].timestamp);
  await s.step(5 * 60_000);
  const end = await stopSession(s);
  const endedAt = Date.parse(end.timestamp);
  assert.ok(end.meterValue, "Ended has meterValue");
  const clock = end.meterValue;
  assert.ok(clock.length >= 5 && clock.length <= 6, `one per minute for 5 min: ${clock.length}`);
  for (const mv of clock) assertMeasurands(mv, measurands, "Sample.Clock", mv.timestamp);
  for (const mv of clock) {
    assert.equal(ms(mv) % 60_000, 0, `on the interval's clock instants: ${mv.timestamp}`);
    assert.ok(ms(mv) > startedAt && ms(mv) <= endedAt, "within the transaction");
  }
  for (let i = 1; i < clock.length; i++) assert.equal(ms(clock[i]) - ms(clock[i - 1]), 60_000, "spaced by TxEndedInterval");
  for (let i = 1; i < clock.length; i++) assert.ok(energyOf(clock[i]) > energyOf(clock[i - 1]), "energy rises");
  // Not as Updated events: the aligned TxEnded data belongs to the Ended only.
  assert.ok(!s.events().some((e) => e.eventType !== "Ended" && (e.meterValue || []).some((mv) =>
    mv.sampledValue.some((v) => v.context === "Sample.Clock"))));
  assertMeterValuesSound(s);
});

// TC_J_10_CS has no text in the Part 6 at hand: built from use case J02 (SampledDataCtrlr.TxEndedMeasurands and
// TxEndedInterval) and the checks TC_J_11_CS makes on the same Ended event, signing aside.
test(`[${HOST}] TC_J_10_CS Ended carries SampledDataCtrlr.TxEndedMeasurands every TxEndedInterval (Sample.Periodic) and at the end (Transaction.End)`, async (t) => {
  const s = await meteringScenario(t);
  const measurands = [ENERGY, "Current.Import", "Voltage"];
  assert.equal(await s.setVariable("SampledDataCtrlr", "TxEndedInterval", "45"), "Accepted");
  assert.equal(await s.setVariable("SampledDataCtrlr", "TxEndedMeasurands", measurands.join(",")), "Accepted");
  await s.swipe(VALID_TOKEN);
  await s.plug(1);
  await s.ready(1);
  const startedAt = Date.parse(s.events()[0].timestamp);
  await s.step(4 * 60_000);
  const end = await stopSession(s);
  const mvs = end.meterValue;
  assert.ok(mvs, "Ended has meterValue");
  const periodic = mvs.slice(0, -1), final = last(mvs);
  assert.equal(periodic.length, Math.floor((Date.parse(end.timestamp) - startedAt) / 45_000), "one per interval since the start");
  for (const mv of periodic) assertMeasurands(mv, measurands, "Sample.Periodic", mv.timestamp);
  assertMeasurands(final, measurands, "Transaction.End", "the last element");
  assert.equal(final.timestamp, end.timestamp);
  periodic.forEach((mv, i) => assert.equal(ms(mv) - startedAt, (i + 1) * 45_000, "TxEndedInterval from the start"));
  for (let i = 1; i < mvs.length; i++) assert.ok(energyOf(mvs[i]) >= energyOf(mvs[i - 1]), "the register never goes back");
  assert.ok(energyOf(final) > energyOf(periodic[0]));
  assertMeterValuesSound(s);
});

test(`[${HOST}] J02 TxEndedInterval 0: the Ended carries only the Transaction.End values`, async (t) => {
  const s = await meteringScenario(t);
  assert.equal((await s.getVariable("SampledDataCtrlr", "TxEndedInterval")).attributeValue, "0");
  assert.equal((await s.getVariable("AlignedDataCtrlr", "TxEndedInterval")).attributeValue, "0");
  await s.swipe(VALID_TOKEN);
  await s.plug(1);
  await s.ready(1);
  await s.step(3 * 60_000);
  const end = await stopSession(s);
  assert.equal(end.meterValue.length, 1);
  assertMeasurands(end.meterValue[0], [ENERGY], "Transaction.End", "Ended");
  assertMeterValuesSound(s);
});

test(`[${HOST}] J02 power cut during a transaction: the PowerLoss Ended still carries the TxEnded samples taken before the cut`, async (t) => {
  const s = await meteringScenario(t);
  assert.equal(await s.setVariable("SampledDataCtrlr", "TxEndedInterval", "30"), "Accepted");
  await s.swipe(VALID_TOKEN);
  await s.plug(1);
  await s.ready(1);
  await s.step(150_000);                            // five samples
  const sent = s.events().filter((e) => e.meterValue).flatMap((e) => e.meterValue).map(energyOf);
  await s.st.powerCycle();
  await s.csms.waitFor("BootNotification", 2);
  await s.step(5000);
  const end = s.events().find((e) => e.eventType === "Ended");
  assert.ok(end, "ended after the reboot");
  assert.equal(end.transactionInfo.stoppedReason, "PowerLoss");
  const periodic = end.meterValue.filter((mv) => mv.sampledValue[0].context === "Sample.Periodic");
  assert.equal(periodic.length, 5, "the samples persisted before the cut");
  const final = last(end.meterValue);
  assert.equal(final.sampledValue[0].context, "Transaction.End");
  const energies = end.meterValue.map(energyOf);
  for (let i = 1; i < energies.length; i++) assert.ok(energies[i] >= energies[i - 1], "the register never goes back");
  assert.ok(energyOf(final) >= Math.max(...sent), "not below anything sent before");
  assertMeterValuesSound(s);
});

test(`[${HOST}] J02 a long session with every measurand in TxEndedMeasurands: the Ended still goes out, its samples thinned evenly to fit`, async (t) => {
  const s = await meteringScenario(t);
  const measurands = Object.keys(UNITS);
  assert.equal(await s.setVariable("SampledDataCtrlr", "TxEndedInterval", "10"), "Accepted");
  assert.equal(await s.setVariable("SampledDataCtrlr", "TxEndedMeasurands", measurands.join(",")), "Accepted");
  await s.swipe(VALID_TOKEN);
  await s.plug(1);
  await s.ready(1);
  const startedAt = Date.parse(s.events()[0].timestamp);
  await s.step(20 * 60_000);                       // 120 samples: more than are kept, far more than fit
  const end = await stopSession(s);
  const periodic = end.meterValue.slice(0, -1);
  assert.ok(periodic.length >= 2, `samples in the Ended: ${periodic.length}`);
  const gaps = periodic.slice(1).map((mv, i) => ms(mv) - ms(periodic[i]));
  assert.equal(new Set(gaps).size, 1, `evenly spaced: ${gaps}`);
  assert.equal(gaps[0] % 10_000, 0, "a multiple of TxEndedInterval");
  assert.ok(Date.parse(end.timestamp) - ms(last(periodic)) <= gaps[0], "up to the end of the session");
  assert.ok(ms(periodic[0]) - startedAt <= gaps[0] + 10_000, "from its start");
  for (const mv of end.meterValue) assert.ok(mv.sampledValue.length >= 7, "the measurands with a reading");
  assertMeterValuesSound(s);
});
