// Device-model reports (B07, B08) on the host chosen by STATION_HOST: GetBaseReport ConfigurationInventory,
// FullInventory and SummaryInventory (C-56) and GetReport with component/variable filters and component
// criteria, answered as NotifyReport pages (requestId, generatedAt, seqNo from 0, tbc on all but the last).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { chargingScenario } = require("./helpers/scenario.js");
const { HOST } = require("./helpers/station-host.js");

const LIST_TYPES = ["OptionList", "SequenceList", "MemberList"];

/** Asks for a report and returns its pages once the last one (tbc false) arrived. */
async function report(s, method, params) {
  const answer = await s.call(method, params);
  if (answer.status !== "Accepted") return { answer, pages: [], items: [] };
  await s.step(3000);
  const pages = s.sent("NotifyReport").filter((r) => r.requestId === params.requestId);
  return { answer, pages, items: pages.flatMap((p) => p.reportData || []) };
}

/** What every report must satisfy (B07.FR.03/04/10, B08.FR.03): pages in order, characteristics on every
 *  variable, a valuesList for every list type, and no value for a write-only variable. */
function assertWellFormedReport(pages, items, requestId) {
  assert.ok(pages.length > 0, "at least one NotifyReport");
  assert.deepEqual(pages.map((p) => p.seqNo), pages.map((_, i) => i), "seqNo 0, 1, ...");
  assert.deepEqual(pages.map((p) => p.tbc === true), pages.map((_, i) => i < pages.length - 1), "tbc on all but the last");
  for (const p of pages) {
    assert.equal(p.requestId, requestId);
    assert.ok(Math.abs(Date.parse(p.generatedAt) - Date.now()) < 24 * 3600e3, "generatedAt is the station's time");
  }
  for (const d of items) {
    const where = `${d.component.name}${d.component.evse ? JSON.stringify(d.component.evse) : ""}.${d.variable.name}`;
    assert.ok(d.variableCharacteristics, `${where} has characteristics`);
    const ch = d.variableCharacteristics;
    if (LIST_TYPES.includes(ch.dataType)) {
      assert.ok(ch.valuesList && ch.valuesList.length > 0, `${where} has a valuesList`);
      const allowed = ch.valuesList.split(",");
      for (const a of d.variableAttribute) {
        if (a.value === undefined) continue;
        const members = a.value === "" ? [] : a.value.split(",");
        if (ch.dataType === "OptionList") assert.equal(members.length, 1, `${where}: one option`);
        for (const m of members) assert.ok(allowed.includes(m), `${where}: ${m} is in its valuesList`);
        assert.equal(new Set(members).size, members.length, `${where}: members once`);
      }
    }
    for (const a of d.variableAttribute) {
      if (a.mutability === "WriteOnly") assert.equal(a.value, undefined, `${where}: a write-only value is not reported`);
    }
  }
}

const key = (d) => `${d.component.name}${d.component.evse ? `[${d.component.evse.id}${d.component.evse.connectorId ? `/${d.component.evse.connectorId}` : ""}]` : ""}` +
  `.${d.variable.name}${d.variable.instance ? `[${d.variable.instance}]` : ""}`;

// The certification cases of B07 / B08 are in tests/conformance/b-device-model.test.js; these are behaviour tests.

test(`[${HOST}] B07 FullInventory: each variable once, this station's values, as GetVariables reads them, in pages that fit the transmit buffer`, async (t) => {
  const s = await chargingScenario(t);
  const { answer, pages, items } = await report(s, "GetBaseReport", { requestId: 8, reportBase: "FullInventory" });
  assert.equal(answer.status, "Accepted");
  assertWellFormedReport(pages, items, 8);
  assert.ok(pages.length >= 2, `paged (${pages.length} pages for ${items.length} variables)`);
  const byKey = new Map(items.map((d) => [key(d), d]));
  assert.equal(byKey.size, items.length, "each variable once");
  const actual = (k) => byKey.get(k).variableAttribute.find((a) => (a.type || "Actual") === "Actual");
  assert.equal(actual("Connector[1/1].ConnectorType").value, "cTesla");
  assert.equal(actual("Connector[1/2].ConnectorType").value, "cCCS1");
  assert.equal(actual("EVSE[1].SupplyPhases").value, "0", "DC");
  assert.equal(actual("Connector[1/1].AvailabilityState").value, "Available");
  assert.equal(actual("SecurityCtrlr.Identity").value, "CS001");
  assert.equal(actual("OCPPCommCtrlr.MessageTimeout[Default]").mutability, "ReadOnly");
  const power = byKey.get("EVSE[1].Power");
  assert.ok(power.variableCharacteristics.maxLimit > 0, "EVSE.Power carries the EVSE's maximum (maxLimit)");
  assert.equal(power.variableCharacteristics.unit, "W");
  assert.deepEqual(power.variableAttribute.map((a) => a.type), ["Actual", "MaxSet"]);
  const hb = byKey.get("OCPPCommCtrlr.HeartbeatInterval");
  assert.deepEqual([actual("OCPPCommCtrlr.HeartbeatInterval").value, hb.variableCharacteristics.dataType, hb.variableCharacteristics.unit],
    ["300", "integer", "s"]);
  assert.equal(actual("SecurityCtrlr.BasicAuthPassword").mutability, "WriteOnly");
  // What the report says is what GetVariables answers.
  const sample = ["OCPPCommCtrlr.OfflineThreshold", "TxCtrlr.TxStartPoint", "ClockCtrlr.TimeSource", "SampledDataCtrlr.TxUpdatedMeasurands"];
  const got = await s.call("GetVariables", { getVariableData: sample.map((k) => {
    const [c, v] = k.split(".");
    return { component: { name: c }, variable: { name: v } };
  }) });
  assert.deepEqual(got.getVariableResult.map((r) => r.attributeValue), sample.map((k) => actual(k).value));
  // Every page fits the 16 KiB transmit buffer with room to spare.
  const frames = s.csms.rawIn.filter((f) => f.includes("\"NotifyReport\""));
  assert.ok(frames.every((f) => Buffer.byteLength(f) < 16384), `page sizes ${frames.map((f) => f.length)}`);
});

test(`[${HOST}] B07 ConfigurationInventory: what the CSMS can set, and nothing it cannot`, async (t) => {
  const s = await chargingScenario(t);
  const { answer, pages, items } = await report(s, "GetBaseReport", { requestId: 9, reportBase: "ConfigurationInventory" });
  assert.equal(answer.status, "Accepted");
  assertWellFormedReport(pages, items, 9);
  const keys = items.map(key);
  for (const k of ["OCPPCommCtrlr.HeartbeatInterval", "ClockCtrlr.TimeZone", "SecurityCtrlr.BasicAuthPassword", "AuthCtrlr.Enabled"]) {
    assert.ok(keys.includes(k), `${k} is configurable`);
  }
  assert.ok(!keys.includes("SecurityCtrlr.Identity") && !keys.includes("EVSE[1].AvailabilityState") && !keys.includes("AuthCtrlr.AuthorizeRemoteStart"));
});

test(`[${HOST}] B07 SummaryInventory while a power module is faulted: Faulted availability and the Problem of the EVSE and the station`, async (t) => {
  const s = await chargingScenario(t);
  s.sim.module.fault(0x0004);
  await s.step(2000);
  const faulted = await report(s, "GetBaseReport", { requestId: 21, reportBase: "SummaryInventory" });
  assert.equal(faulted.answer.status, "Accepted");
  assertWellFormedReport(faulted.pages, faulted.items, 21);
  const f = Object.fromEntries(faulted.items.map((d) => [key(d), d.variableAttribute[0].value]));
  assert.equal(f["EVSE[1].AvailabilityState"], "Faulted");
  assert.equal(f["Connector[1/1].AvailabilityState"], "Faulted");
  assert.equal(f["EVSE[1].Problem"], "true", "a faulted power module is a problem of the EVSE");
  assert.equal(f["ChargingStation.Problem"], "true", "and, upward, of the station");
});

test(`[${HOST}] B08 GetReport filters: names case-insensitive, a whole component, an unknown component is an empty result`, async (t) => {
  const s = await chargingScenario(t);
  const one = await report(s, "GetReport", { requestId: 5, componentVariable: [{ component: { name: "DeviceDataCtrlr" }, variable: { name: "ItemsPerMessage", instance: "GetReport" } }] });
  assert.equal(one.items[0].variableAttribute[0].value, "1000", "ORS-1");
  const connectors = await report(s, "GetReport", { requestId: 7, componentVariable: [{ component: { name: "connector" }, variable: { name: "connectortype" } }] });
  assert.deepEqual(connectors.items.map((x) => [key(x), x.variableAttribute[0].value]),
    [["Connector[1/1].ConnectorType", "cTesla"], ["Connector[1/2].ConnectorType", "cCCS1"]], "names are case-insensitive");
  const tx = await report(s, "GetReport", { requestId: 8, componentVariable: [{ component: { name: "TxCtrlr" } }] });
  assert.ok(tx.items.length >= 5 && tx.items.every((x) => x.component.name === "TxCtrlr"));
  const none = await s.call("GetReport", { requestId: 9, componentVariable: [{ component: { name: "NoSuchCtrlr" } }] });
  assert.equal(none.status, "EmptyResultSet");
  assert.equal(s.sent("NotifyReport").filter((r) => r.requestId === 9).length, 0, "no report for nothing");
});

test(`[${HOST}] B08 component criteria follow the values: Enabled false leaves nothing, a faulted connector meets Problem`, async (t) => {
  const s = await chargingScenario(t);
  // After the CSMS disables authorization, nothing is enabled.
  await s.call("SetVariables", { setVariableData: [{ component: { name: "AuthCtrlr" }, variable: { name: "Enabled" }, attributeValue: "false" }] });
  assert.equal((await s.call("GetReport", { requestId: 14, componentCriteria: ["Enabled"] })).status, "EmptyResultSet");
  // A faulted connector is a problem: Problem now finds it, with the variables asked for.
  s.sim.module.fault(0x0004);
  await s.step(2000);
  const faulted = await report(s, "GetReport", { requestId: 15, componentCriteria: ["Problem"], componentVariable: [{ component: { name: "Connector" }, variable: { name: "AvailabilityState" } }] });
  assert.deepEqual(faulted.items.map((x) => [key(x), x.variableAttribute[0].value]),
    [["Connector[1/1].AvailabilityState", "Faulted"], ["Connector[1/2].AvailabilityState", "Faulted"]]);
  // Criteria alone: the criterion variables that are true (here every Problem).
  const problems = await report(s, "GetReport", { requestId: 16, componentCriteria: ["Problem"] });
  assert.ok(problems.items.length >= 3, "the station, the EVSE and the connectors have a problem");
  assert.ok(problems.items.every((x) => x.variable.name === "Problem" && x.variableAttribute[0].value === "true"));
});

test(`[${HOST}] one report at a time: a second request while pages are out is Rejected; the next one after it is Accepted`, async (t) => {
  const s = await chargingScenario(t);
  s.csms.setHandler("NotifyReport", () => new Promise((r) => setTimeout(() => r({}), 50)));
  assert.equal((await s.call("GetBaseReport", { requestId: 30, reportBase: "FullInventory" })).status, "Accepted");
  assert.equal((await s.call("GetBaseReport", { requestId: 31, reportBase: "ConfigurationInventory" })).status, "Rejected");
  for (let i = 0; i < 100 && !s.sent("NotifyReport").some((r) => r.requestId === 30 && !r.tbc); i++) await s.step(100);
  assert.ok(s.sent("NotifyReport").some((r) => r.requestId === 30 && !r.tbc), "the first report ended");
  await new Promise((r) => setTimeout(r, 200));   // the (slow) answer to the last page reaches the station
  await s.step(100);
  const { answer, pages } = await report(s, "GetBaseReport", { requestId: 32, reportBase: "ConfigurationInventory" });
  assert.equal(answer.status, "Accepted");
  assert.ok(pages.length > 0);
});
