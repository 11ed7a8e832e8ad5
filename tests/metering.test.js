// Meter values in transactions (Part 6 block J, use cases J01/J02 with E01–E12) against the strict test CSMS,
// with the hardware simulator, on the host chosen by STATION_HOST, on the virtual clock. Every test ends with
// the checks all J cases share: errata 6.2.15 (location EV only for SoC), errata 6.2.16 (values for every
// phase in SupplyPhases: this is a DC EVSE, so no phase at all), the unit of each measurand and one context
// per meterValue element. The certification cases of block J (clock-aligned and sampled values, Started, Updated,
// Ended) are in tests/conformance/j-meter-values.test.js; these are the behaviours beyond them.
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
 *  clock-aligned Updated samples (AlignedDataCtrlr.Interval, J01) are off (the scenario default), so every Sample.Clock value
 *  seen here is a TxEnded one. */
const meteringScenario = (t) => chargingScenario(t, { csms: { interval: 3600 } });

const energyOf = (mv) => mv.sampledValue.find((v) => measurandOf(v) === ENERGY).value;
const ms = (mv) => Date.parse(mv.timestamp);

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
