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

/** What every report must satisfy (B07.FR.., TC_B_12_CS / TC_B_13_CS): pages in order, characteristics on every
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

// The required variables of the Core controllers and of the station, EVSE and connector tiers (Part 2
// appendix dm_components_vars.csv "Required" = yes, with errata 2.40 ActiveNetworkProfile and 2.45
// Connector.AvailabilityState), for this station: one EVSE with connectors 1 and 2.
const REQUIRED = [
  "ChargingStation.AvailabilityState", "ChargingStation.Available", "ChargingStation.SupplyPhases",
  "EVSE[1].AvailabilityState", "EVSE[1].Available", "EVSE[1].Power", "EVSE[1].SupplyPhases",
  ...[1, 2].flatMap((c) => ["AvailabilityState", "Available", "ConnectorType", "SupplyPhases"].map((v) => `Connector[1/${c}].${v}`)),
  "OCPPCommCtrlr.ActiveNetworkProfile", "OCPPCommCtrlr.FileTransferProtocols", "OCPPCommCtrlr.MessageTimeout[Default]",
  "OCPPCommCtrlr.MessageAttemptInterval[TransactionEvent]", "OCPPCommCtrlr.MessageAttempts[TransactionEvent]",
  "OCPPCommCtrlr.NetworkConfigurationPriority", "OCPPCommCtrlr.NetworkProfileConnectionAttempts",
  "OCPPCommCtrlr.OfflineThreshold", "OCPPCommCtrlr.ResetRetries", "OCPPCommCtrlr.UnlockOnEVSideDisconnect",
  "TxCtrlr.EVConnectionTimeOut", "TxCtrlr.StopTxOnEVSideDisconnect", "TxCtrlr.StopTxOnInvalidId", "TxCtrlr.TxStartPoint",
  "TxCtrlr.TxStopPoint",
  ...["GetReport", "GetVariables", "SetVariables"].flatMap((i) => [`DeviceDataCtrlr.BytesPerMessage[${i}]`, `DeviceDataCtrlr.ItemsPerMessage[${i}]`]),
  "ClockCtrlr.DateTime", "ClockCtrlr.TimeSource",
  "SecurityCtrlr.CertificateEntries", "SecurityCtrlr.OrganizationName", "SecurityCtrlr.SecurityProfile",
  "SampledDataCtrlr.TxEndedInterval", "SampledDataCtrlr.TxEndedMeasurands", "SampledDataCtrlr.TxStartedMeasurands",
  "SampledDataCtrlr.TxUpdatedInterval", "SampledDataCtrlr.TxUpdatedMeasurands",
  "AlignedDataCtrlr.Interval", "AlignedDataCtrlr.Measurands", "AlignedDataCtrlr.TxEndedInterval", "AlignedDataCtrlr.TxEndedMeasurands",
  "AuthCtrlr.AuthorizeRemoteStart", "AuthCtrlr.LocalAuthorizeOffline", "AuthCtrlr.LocalPreAuthorize",
];

test(`[${HOST}] TC_B_13_CS / TC_B_53_CS FullInventory: every required variable, well formed, values as GetVariables reads them`, async (t) => {
  const s = await chargingScenario(t);
  const { answer, pages, items } = await report(s, "GetBaseReport", { requestId: 8, reportBase: "FullInventory" });
  assert.equal(answer.status, "Accepted");
  assertWellFormedReport(pages, items, 8);
  assert.ok(pages.length >= 2, `paged (${pages.length} pages for ${items.length} variables)`);
  const byKey = new Map(items.map((d) => [key(d), d]));
  assert.equal(byKey.size, items.length, "each variable once");
  for (const k of REQUIRED) assert.ok(byKey.has(k), `${k} is reported`);
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

test(`[${HOST}] TC_B_12_CS ConfigurationInventory: only what the CSMS can set, each with its characteristics`, async (t) => {
  const s = await chargingScenario(t);
  const { answer, pages, items } = await report(s, "GetBaseReport", { requestId: 9, reportBase: "ConfigurationInventory" });
  assert.equal(answer.status, "Accepted");
  assertWellFormedReport(pages, items, 9);
  assert.ok(items.every((d) => d.variableAttribute.every((a) => a.mutability === "ReadWrite" || a.mutability === "WriteOnly")), "no read-only variable");
  const keys = items.map(key);
  for (const k of ["OCPPCommCtrlr.HeartbeatInterval", "OCPPCommCtrlr.OfflineThreshold", "TxCtrlr.TxStartPoint", "TxCtrlr.TxStopPoint",
    "AuthCtrlr.LocalPreAuthorize", "SampledDataCtrlr.TxUpdatedMeasurands", "AlignedDataCtrlr.Interval", "ClockCtrlr.TimeZone",
    "SecurityCtrlr.BasicAuthPassword"]) assert.ok(keys.includes(k), `${k} is configurable`);
  assert.ok(!keys.includes("SecurityCtrlr.Identity") && !keys.includes("EVSE[1].AvailabilityState"));
});

test(`[${HOST}] TC_B_14_CS SummaryInventory (C-56): availability of station, EVSE and connectors; problems while faulted`, async (t) => {
  const s = await chargingScenario(t);
  const first = await report(s, "GetBaseReport", { requestId: 20, reportBase: "SummaryInventory" });
  assert.equal(first.answer.status, "Accepted");
  assertWellFormedReport(first.pages, first.items, 20);
  const state = (items) => Object.fromEntries(items.map((d) => [key(d), d.variableAttribute[0].value]));
  assert.deepEqual(state(first.items), {
    "ChargingStation.AvailabilityState": "Available", "EVSE[1].AvailabilityState": "Available",
    "Connector[1/1].AvailabilityState": "Available", "Connector[1/2].AvailabilityState": "Available",
  });
  s.sim.module.fault(0x0004);
  await s.step(2000);
  const faulted = await report(s, "GetBaseReport", { requestId: 21, reportBase: "SummaryInventory" });
  const f = state(faulted.items);
  assert.equal(f["EVSE[1].AvailabilityState"], "Faulted");
  assert.equal(f["Connector[1/1].AvailabilityState"], "Faulted");
  assert.equal(f["EVSE[1].Problem"], "true", "a faulted power module is a problem of the EVSE");
  assert.equal(f["ChargingStation.Problem"], "true", "and, upward, of the station");
});

test(`[${HOST}] TC_B_17_CS / TC_B_54_CS / TC_B_55_CS / TC_B_56_CS GetReport with component/variable filters`, async (t) => {
  const s = await chargingScenario(t);
  const evse = await report(s, "GetReport", { requestId: 3, componentVariable: [{ component: { name: "EVSE", evse: { id: 1 } }, variable: { name: "AvailabilityState" } }] });
  assert.equal(evse.answer.status, "Accepted");
  assertWellFormedReport(evse.pages, evse.items, 3);
  assert.equal(evse.items.length, 1);
  const d = evse.items[0];
  assert.deepEqual([d.component.name, d.component.evse.id, d.variable.name], ["EVSE", 1, "AvailabilityState"]);
  assert.equal(d.variableCharacteristics.dataType, "OptionList");
  assert.equal(d.variableCharacteristics.valuesList, "Available,Occupied,Reserved,Unavailable,Faulted");
  assert.deepEqual(d.variableAttribute.map((a) => [a.type, a.mutability]), [["Actual", "ReadOnly"]]);
  // No instance given: every instance (TC_B_54_CS); an instance: that one (TC_B_55_CS).
  const all = await report(s, "GetReport", { requestId: 4, componentVariable: [{ component: { name: "DeviceDataCtrlr" }, variable: { name: "ItemsPerMessage" } }] });
  assert.deepEqual(all.items.map((x) => x.variable.instance).sort(), ["GetReport", "GetVariables", "SetVariables"]);
  const one = await report(s, "GetReport", { requestId: 5, componentVariable: [{ component: { name: "DeviceDataCtrlr" }, variable: { name: "ItemsPerMessage", instance: "GetReport" } }] });
  assert.deepEqual(one.items.map(key), ["DeviceDataCtrlr.ItemsPerMessage[GetReport]"]);
  assert.equal(one.items[0].variableAttribute[0].value, "1000", "ORS-1");
  // No evse given: every EVSE (TC_B_56_CS); a whole component when no variable is named.
  const noEvse = await report(s, "GetReport", { requestId: 6, componentVariable: [{ component: { name: "EVSE" }, variable: { name: "AvailabilityState" } }] });
  assert.deepEqual(noEvse.items.map(key), ["EVSE[1].AvailabilityState"]);
  const connectors = await report(s, "GetReport", { requestId: 7, componentVariable: [{ component: { name: "connector" }, variable: { name: "connectortype" } }] });
  assert.deepEqual(connectors.items.map((x) => [key(x), x.variableAttribute[0].value]),
    [["Connector[1/1].ConnectorType", "cTesla"], ["Connector[1/2].ConnectorType", "cCCS1"]], "names are case-insensitive");
  const tx = await report(s, "GetReport", { requestId: 8, componentVariable: [{ component: { name: "TxCtrlr" } }] });
  assert.ok(tx.items.length >= 5 && tx.items.every((x) => x.component.name === "TxCtrlr"));
  const none = await s.call("GetReport", { requestId: 9, componentVariable: [{ component: { name: "NoSuchCtrlr" } }] });
  assert.equal(none.status, "EmptyResultSet");
  assert.equal(s.sent("NotifyReport").filter((r) => r.requestId === 9).length, 0, "no report for nothing");
});

test(`[${HOST}] TC_B_16_CS / TC_B_18_CS GetReport with component criteria`, async (t) => {
  const s = await chargingScenario(t);
  // Available: EVSE 1 exists and is wired (TC_B_18_CS); Problem: it has none, so nothing matches.
  const cv = [{ component: { name: "EVSE", evse: { id: 1 } }, variable: { name: "AvailabilityState" } }];
  const available = await report(s, "GetReport", { requestId: 11, componentCriteria: ["Available"], componentVariable: cv });
  assert.equal(available.answer.status, "Accepted");
  assert.deepEqual(available.items.map(key), ["EVSE[1].AvailabilityState"]);
  const problem = await s.call("GetReport", { requestId: 12, componentCriteria: ["Problem"], componentVariable: cv });
  assert.equal(problem.status, "EmptyResultSet");
  // Enabled alone: the components that are enabled, with their variables (TC_B_16_CS).
  const enabled = await report(s, "GetReport", { requestId: 13, componentCriteria: ["Enabled"] });
  assert.equal(enabled.answer.status, "Accepted");
  assertWellFormedReport(enabled.pages, enabled.items, 13);
  assert.ok(enabled.items.every((x) => x.component.name === "AuthCtrlr"), "AuthCtrlr is the component with Enabled = true");
  assert.equal(enabled.items.find((x) => x.variable.name === "Enabled").variableAttribute[0].value, "true");
  // After the CSMS disables authorization, nothing is enabled.
  await s.call("SetVariables", { setVariableData: [{ component: { name: "AuthCtrlr" }, variable: { name: "Enabled" }, attributeValue: "false" }] });
  assert.equal((await s.call("GetReport", { requestId: 14, componentCriteria: ["Enabled"] })).status, "EmptyResultSet");
  // A faulted connector is a problem: Problem now finds it.
  s.sim.module.fault(0x0004);
  await s.step(2000);
  const faulted = await report(s, "GetReport", { requestId: 15, componentCriteria: ["Problem"], componentVariable: [{ component: { name: "Connector" }, variable: { name: "AvailabilityState" } }] });
  assert.deepEqual(faulted.items.map((x) => [key(x), x.variableAttribute[0].value]),
    [["Connector[1/1].AvailabilityState", "Faulted"], ["Connector[1/2].AvailabilityState", "Faulted"]]);
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
