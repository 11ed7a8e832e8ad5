// Block B, device model (use cases B05 SetVariables, B06 GetVariables, B07 GetBaseReport, B08 GetReport): the
// certification cases of Part 6, each built from its Before section, its steps in order and its tool
// validations. Station configuration assumed: the station's defaults (TxStartPoint / TxStopPoint
// EVConnected,Authorized, AuthorizeRemoteStart false and read-only, C-48.2), one EVSE with connectors 1 (cTesla)
// and 2 (cCCS1), SummaryInventory supported (C-56 Yes, so TC_B_15_CS does not apply), no SmartChargingCtrlr and
// no ClockCtrlr.NextTimeOffsetTransitionDateTime (C-25 No). The target's ItemsPerMessage / BytesPerMessage (ORS-1
// to ORS-6: 1000 items per GetVariables / SetVariables) are not met yet (the station reports and enforces 40, see
// the DeviceDataCtrlr.ItemsPerMessage behaviour test in tests/devicemodel.test.js); no case here depends on them:
// TC_B_07_CS / TC_B_10_CS send two items, TC_B_54_CS / TC_B_55_CS check the instances, not the values.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { conformance } = require("./states.js");
const { HOST } = require("../helpers/station-host.js");

const LIST_TYPES = ["OptionList", "SequenceList", "MemberList"];
const EVSE_COUNT = 1;

// ---- helpers -----------------------------------------------------------------------------------------------

/** GetVariables of one item; the whole result. */
async function getOne(s, data) {
  const r = await s.call("GetVariables", { getVariableData: [data] });
  assert.equal(r.getVariableResult.length, 1, "one getVariableResult for one getVariableData");
  return r.getVariableResult[0];
}

/** SetVariables of one item; the whole result. */
async function setOne(s, data) {
  const r = await s.call("SetVariables", { setVariableData: [data] });
  assert.equal(r.setVariableResult.length, 1, "one setVariableResult for one setVariableData");
  return r.setVariableResult[0];
}

/** "statusInfo is absent or its reasonCode is <code>". */
function absentOr(info, code, why) {
  if (info !== undefined) assert.equal(info.reasonCode, code, `${why}: statusInfo absent or reasonCode ${code}`);
}

/** The station's clock as GetVariables reads it (ClockCtrlr.DateTime), in ms. */
async function stationTime(s) {
  const r = await getOne(s, { component: { name: "ClockCtrlr" }, variable: { name: "DateTime" } });
  return Date.parse(r.attributeValue);
}

/** Sends a GetBaseReport / GetReport (steps 1-2) and, when Accepted, lets the pages come (steps 3-4: the test
 *  CSMS answers every NotifyReportRequest) until the one with tbc false. */
async function report(s, method, params) {
  const answer = await s.call(method, params);
  const pages = () => s.sent("NotifyReport").filter((p) => p.requestId === params.requestId);
  const done = () => pages().some((p) => !p.tbc);
  if (answer.status === "Accepted") {
    for (let i = 0; i < 60 && !done(); i++) await s.step(500);
    assert.ok(done(), `${method} ${params.requestId}: the last NotifyReportRequest (tbc false) arrived`);
  } else {
    await s.step(3000);   // the OCTT waits to see that no report follows
  }
  await s.step(500);     // the answer to the last page reaches the station: the report is over
  const list = pages();
  return { answer, pages: list, items: list.flatMap((p) => p.reportData || []) };
}

/** Step 3 and "while tbc = true": requestId, generatedAt (the station's time), seqNo 0 then +1, tbc on all but
 *  the last page. */
async function assertPages(s, pages, requestId, why) {
  assert.ok(pages.length > 0, `${why}: at least one NotifyReportRequest`);
  const now = await stationTime(s);
  pages.forEach((p, i) => {
    assert.equal(p.requestId, requestId, `${why}: page ${i} requestId = <Generated requestId>`);
    assert.equal(p.seqNo, i, `${why}: seqNo ${i === 0 ? "0 on the first page" : "incremented by one"}`);
    assert.equal(p.tbc === true, i < pages.length - 1, `${why}: tbc true on every page but the last`);
    const at = Date.parse(p.generatedAt);
    assert.ok(Number.isFinite(at) && Math.abs(now - at) < 120_000,
      `${why}: generatedAt ${p.generatedAt} is the station's time of generation (station clock ${new Date(now).toISOString()})`);
  });
}

/** "if variableCharacteristics.dataType = OptionList, SequenceList or MemberList then valuesList must be
 *  provided" and the other per-variable checks of the inventory cases. */
function assertCharacteristics(items, why, { valuesAllowed = false, writeOnlyOmitted = false } = {}) {
  for (const d of items) {
    const where = `${why}: ${key(d)}`;
    const ch = d.variableCharacteristics;
    assert.ok(ch, `${where}: variableCharacteristics are present`);
    if (!LIST_TYPES.includes(ch.dataType)) continue;
    assert.ok(typeof ch.valuesList === "string" && ch.valuesList.length > 0, `${where}: valuesList provided for ${ch.dataType}`);
    if (!valuesAllowed) continue;
    const allowed = ch.valuesList.split(",").map((x) => x.trim());
    for (const a of d.variableAttribute) {
      if (a.value === undefined || a.value === "") continue;
      const members = a.value.split(",");
      if (ch.dataType === "OptionList") assert.equal(members.length, 1, `${where}: an OptionList value is one option`);
      for (const m of members) assert.ok(allowed.includes(m), `${where}: value ${m} is allowed by the valuesList`);
    }
  }
  if (writeOnlyOmitted) {
    for (const d of items) {
      for (const a of d.variableAttribute) {
        if (a.mutability === "WriteOnly") assert.equal(a.value, undefined, `${why}: ${key(d)} is WriteOnly: its value is omitted`);
      }
    }
  }
}

/** Component[evse/connector].Variable[instance]. */
const key = (d) => `${d.component.name}${d.component.evse ? `[${d.component.evse.id}${d.component.evse.connectorId ? `/${d.component.evse.connectorId}` : ""}]` : ""}` +
  `.${d.variable.name}${d.variable.instance ? `[${d.variable.instance}]` : ""}`;

/** A valuesList as its members (Part 6 writes "Available, Occupied, ..." with blanks; the value carries none). */
const members = (list) => list.split(",").map((x) => x.trim());

// The required variables (Part 2 appendix dm_components_vars.csv "Required" = yes, with errata 2.40
// ActiveNetworkProfile and 2.45 Connector.AvailabilityState) of the blocks this station implements (no
// DisplayMessage, ISO 15118, LocalAuthList, Monitoring, SmartCharging or TariffCost), for one EVSE with two
// connectors: "Charging Infrastructure Related" (station, EVSE, connector) and "Referenced Components and
// Variables" (the controllers).
const REQUIRED_INFRASTRUCTURE = [
  "ChargingStation.AvailabilityState", "ChargingStation.Available", "ChargingStation.SupplyPhases",
  "EVSE[1].AvailabilityState", "EVSE[1].Available", "EVSE[1].Power", "EVSE[1].SupplyPhases",
  ...[1, 2].flatMap((c) => ["AvailabilityState", "Available", "ConnectorType", "SupplyPhases"].map((v) => `Connector[1/${c}].${v}`)),
];
// The required ones the specification lets the CSMS write and this station implements as writable
// (AuthorizeRemoteStart, StopTxOnEVSideDisconnect and UnlockOnEVSideDisconnect are fixed here: C-48.2, C-06.2,
// C-12.2; FileTransferProtocols, MessageTimeout, DateTime, CertificateEntries, SecurityProfile and the
// DeviceDataCtrlr limits are read-only).
const REQUIRED_WRITABLE = [
  "OCPPCommCtrlr.MessageAttemptInterval[TransactionEvent]", "OCPPCommCtrlr.MessageAttempts[TransactionEvent]",
  "OCPPCommCtrlr.NetworkConfigurationPriority", "OCPPCommCtrlr.NetworkProfileConnectionAttempts",
  "OCPPCommCtrlr.OfflineThreshold", "OCPPCommCtrlr.ResetRetries",
  "TxCtrlr.EVConnectionTimeOut", "TxCtrlr.StopTxOnInvalidId", "TxCtrlr.TxStartPoint", "TxCtrlr.TxStopPoint",
  "ClockCtrlr.TimeSource", "SecurityCtrlr.OrganizationName",
  "SampledDataCtrlr.TxEndedInterval", "SampledDataCtrlr.TxEndedMeasurands", "SampledDataCtrlr.TxStartedMeasurands",
  "SampledDataCtrlr.TxUpdatedInterval", "SampledDataCtrlr.TxUpdatedMeasurands",
  "AlignedDataCtrlr.Interval", "AlignedDataCtrlr.Measurands", "AlignedDataCtrlr.TxEndedInterval", "AlignedDataCtrlr.TxEndedMeasurands",
  "AuthCtrlr.LocalAuthorizeOffline", "AuthCtrlr.LocalPreAuthorize",
];
const REQUIRED_CONTROLLERS = [
  ...REQUIRED_WRITABLE,
  "OCPPCommCtrlr.ActiveNetworkProfile", "OCPPCommCtrlr.FileTransferProtocols", "OCPPCommCtrlr.MessageTimeout[Default]",
  "OCPPCommCtrlr.UnlockOnEVSideDisconnect", "TxCtrlr.StopTxOnEVSideDisconnect", "AuthCtrlr.AuthorizeRemoteStart",
  ...["GetReport", "GetVariables", "SetVariables"].flatMap((i) => [`DeviceDataCtrlr.BytesPerMessage[${i}]`, `DeviceDataCtrlr.ItemsPerMessage[${i}]`]),
  "ClockCtrlr.DateTime", "SecurityCtrlr.CertificateEntries", "SecurityCtrlr.SecurityProfile",
];

// ---- B06 Get Variables -------------------------------------------------------------------------------------

test(`[${HOST}] TC_B_06_CS Get Variables - single value`, async (t) => {
  const s = await conformance(t);
  // Before: Configuration State OCPPCommCtrlr.OfflineThreshold is 300.
  await s.configure({ "OCPPCommCtrlr.OfflineThreshold": 300 });
  // Main, step 1: GetVariablesRequest OCPPCommCtrlr.OfflineThreshold, attributeType Actual.
  const r = await getOne(s, { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeType: "Actual" });
  // Tool validations, step 2.
  assert.equal(r.attributeStatus, "Accepted", "step 2: attributeStatus Accepted");
  assert.equal(r.attributeType, "Actual", "step 2: attributeType Actual");
  assert.equal(r.attributeValue, "300", "step 2: attributeValue 300");
  assert.equal(r.component.name, "OCPPCommCtrlr", "step 2: component.name");
  assert.equal(r.variable.name, "OfflineThreshold", "step 2: variable.name");
  absentOr(r.attributeStatusInfo, "NoError", "step 2: attributeStatusInfo");
});

// TC_B_07_CS has no text in this copy of Part 6 (Part 5: "Get Variables - multiple values", M). Built from use
// case B06 (one GetVariablesRequest with several getVariableData, one getVariableResult for each, B06.FR.01-04)
// with the variables TC_B_06_CS / TC_B_10_CS name: OCPPCommCtrlr.OfflineThreshold and AuthCtrlr.LocalAuthorizeOffline.
test(`[${HOST}] TC_B_07_CS Get Variables - multiple values`, async (t) => {
  const s = await conformance(t);
  // Before: Configuration State OfflineThreshold 300, LocalAuthorizeOffline true (as TC_B_06_CS / TC_B_10_CS).
  await s.configure({ "OCPPCommCtrlr.OfflineThreshold": 300, "AuthCtrlr.LocalAuthorizeOffline": "true" });
  // Main, step 1: one GetVariablesRequest for both.
  const res = (await s.call("GetVariables", { getVariableData: [
    { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeType: "Actual" },
    { component: { name: "AuthCtrlr" }, variable: { name: "LocalAuthorizeOffline" }, attributeType: "Actual" },
  ] })).getVariableResult;
  // Tool validations, step 2: one result per item (in any order), each Accepted with its value.
  assert.equal(res.length, 2, "step 2: two getVariableResult");
  for (const [component, variable, value] of [["OCPPCommCtrlr", "OfflineThreshold", "300"], ["AuthCtrlr", "LocalAuthorizeOffline", "true"]]) {
    const r = res.find((x) => x.component.name === component && x.variable.name === variable);
    assert.ok(r, `step 2: a result for ${component}.${variable}`);
    assert.equal(r.attributeStatus, "Accepted", `step 2: ${variable} attributeStatus Accepted`);
    assert.equal(r.attributeType, "Actual", `step 2: ${variable} attributeType Actual`);
    assert.equal(r.attributeValue, value, `step 2: ${variable} attributeValue`);
    absentOr(r.attributeStatusInfo, "NoError", `step 2: ${variable} attributeStatusInfo`);
  }
});

// TC_B_32_CS has no text in this copy of Part 6 (Part 5: "Get Variables - Unknown component", M). Built from use
// case B06 (an unknown component: UnknownComponent) as its siblings TC_B_33_CS (GetVariables) and TC_B_35_CS
// (SetVariables) are: component "UnknownComponent", variable OfflineThreshold, attributeType omitted.
test(`[${HOST}] TC_B_32_CS Get Variables - Unknown component`, async (t) => {
  const s = await conformance(t);
  // Main, step 1.
  const r = await getOne(s, { component: { name: "UnknownComponent" }, variable: { name: "OfflineThreshold" } });
  // Tool validations, step 2.
  assert.equal(r.attributeStatus, "UnknownComponent", "step 2: attributeStatus UnknownComponent");
  assert.equal(r.component.name, "UnknownComponent", "step 2: component.name");
  assert.equal(r.variable.name, "OfflineThreshold", "step 2: variable.name");
  assert.equal(r.attributeValue, undefined, "step 2: no value");
});

test(`[${HOST}] TC_B_33_CS Get Variables - Unknown variable`, async (t) => {
  const s = await conformance(t);
  // Main, step 1: variable "UnknownVariable" of OCPPCommCtrlr, attributeType omitted.
  const r = await getOne(s, { component: { name: "OCPPCommCtrlr" }, variable: { name: "UnknownVariable" } });
  // Tool validations, step 2.
  assert.equal(r.attributeStatus, "UnknownVariable", "step 2: attributeStatus UnknownVariable");
  assert.equal(r.component.name, "OCPPCommCtrlr", "step 2: component.name");
  assert.equal(r.variable.name, "UnknownVariable", "step 2: variable.name");
});

test(`[${HOST}] TC_B_34_CS Get Variables - Not supported attribute type`, async (t) => {
  const s = await conformance(t);
  // Main, step 1: OfflineThreshold has only an Actual value; ask for Target.
  const r = await getOne(s, { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeType: "Target" });
  // Tool validations, step 2.
  assert.equal(r.attributeStatus, "NotSupportedAttributeType", "step 2: attributeStatus NotSupportedAttributeType");
  assert.equal(r.component.name, "OCPPCommCtrlr", "step 2: component.name");
  assert.equal(r.variable.name, "OfflineThreshold", "step 2: variable.name");
  assert.equal(r.attributeType, "Target", "step 2: attributeType Target");
});

// ---- B05 Set Variables -------------------------------------------------------------------------------------

test(`[${HOST}] TC_B_09_CS Set Variables - single value`, async (t) => {
  const s = await conformance(t);
  // Main, step 1: OCPPCommCtrlr.OfflineThreshold = "300", attributeType Actual.
  const r = await setOne(s, { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeValue: "300", attributeType: "Actual" });
  // Tool validations, step 2.
  assert.equal(r.attributeStatus, "Accepted", "step 2: attributeStatus Accepted");
  assert.equal(r.attributeType, "Actual", "step 2: attributeType Actual");
  assert.equal(r.component.name, "OCPPCommCtrlr", "step 2: component.name");
  assert.equal(r.variable.name, "OfflineThreshold", "step 2: variable.name");
  absentOr(r.attributeStatusInfo, "NoError", "step 2: attributeStatusInfo");
});

test(`[${HOST}] TC_B_10_CS Set Variables - multiple values`, async (t) => {
  const s = await conformance(t);
  // Main, step 1: OfflineThreshold "300" and LocalAuthorizeOffline "true", both Actual (Part 6 gives the second
  // item's attributeType as setVariableData[0].attributeType, a copy slip for [1]).
  const res = (await s.call("SetVariables", { setVariableData: [
    { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeValue: "300", attributeType: "Actual" },
    { component: { name: "AuthCtrlr" }, variable: { name: "LocalAuthorizeOffline" }, attributeValue: "true", attributeType: "Actual" },
  ] })).setVariableResult;
  // Tool validations, step 2 (in arbitrary order).
  assert.equal(res.length, 2, "step 2: two setVariableResult");
  for (const [component, variable] of [["OCPPCommCtrlr", "OfflineThreshold"], ["AuthCtrlr", "LocalAuthorizeOffline"]]) {
    const r = res.find((x) => x.component.name === component && x.variable.name === variable);
    assert.ok(r, `step 2: a result for ${component}.${variable}`);
    assert.equal(r.attributeStatus, "Accepted", `step 2: ${variable} attributeStatus Accepted`);
    assert.equal(r.attributeType, "Actual", `step 2: ${variable} attributeType Actual`);
    absentOr(r.attributeStatusInfo, "NoError", `step 2: ${variable} attributeStatusInfo`);
  }
});

test(`[${HOST}] TC_B_35_CS Set Variables - Unknown component`, async (t) => {
  const s = await conformance(t);
  // Main, step 1: variable OfflineThreshold of component "UnknownComponent", attributeType omitted.
  const r = await setOne(s, { component: { name: "UnknownComponent" }, variable: { name: "OfflineThreshold" }, attributeValue: "300" });
  // Tool validations, step 2.
  assert.equal(r.attributeStatus, "UnknownComponent", "step 2: attributeStatus UnknownComponent");
  assert.equal(r.component.name, "UnknownComponent", "step 2: component.name");
  assert.equal(r.variable.name, "OfflineThreshold", "step 2: variable.name");
});

test(`[${HOST}] TC_B_36_CS Set Variables - Unknown variable`, async (t) => {
  const s = await conformance(t);
  // Main, step 1: variable "UnknownVariable" of OCPPCommCtrlr, attributeType omitted.
  const r = await setOne(s, { component: { name: "OCPPCommCtrlr" }, variable: { name: "UnknownVariable" }, attributeValue: "300" });
  // Tool validations, step 2.
  assert.equal(r.attributeStatus, "UnknownVariable", "step 2: attributeStatus UnknownVariable");
  assert.equal(r.component.name, "OCPPCommCtrlr", "step 2: component.name");
  assert.equal(r.variable.name, "UnknownVariable", "step 2: variable.name");
});

// TC_B_37_CS has no text in this copy of Part 6 (Part 5: "Set Variables - Not supported attribute type", M).
// Built from use case B05 (an attribute type the variable does not have: NotSupportedAttributeType) as its
// GetVariables sibling TC_B_34_CS is: OCPPCommCtrlr.OfflineThreshold with attributeType Target.
test(`[${HOST}] TC_B_37_CS Set Variables - Not supported attribute type`, async (t) => {
  const s = await conformance(t);
  // Main, step 1.
  const r = await setOne(s, { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeValue: "200", attributeType: "Target" });
  // Tool validations, step 2.
  assert.equal(r.attributeStatus, "NotSupportedAttributeType", "step 2: attributeStatus NotSupportedAttributeType");
  assert.equal(r.component.name, "OCPPCommCtrlr", "step 2: component.name");
  assert.equal(r.variable.name, "OfflineThreshold", "step 2: variable.name");
  assert.equal(r.attributeType, "Target", "step 2: attributeType Target");
  // And nothing was set: the Actual value is unchanged.
  assert.equal((await getOne(s, { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" } })).attributeValue, "300",
    "the Actual OfflineThreshold is unchanged");
});

// Steps 3-4 (SmartChargingCtrlr.LimitChangeSignificance) are run only when the station has that variable, steps
// 5-6 (AuthCtrlr.AuthorizeRemoteStart) only when it is read-write, steps 7-8 (ClockCtrlr.
// NextTimeOffsetTransitionDateTime) only when supported: this station has no SmartChargingCtrlr, a read-only
// AuthorizeRemoteStart (C-48.2) and no TimeOffset (C-25 No), so only steps 1-2 apply; the test checks those
// three conditions first. (The tool validations number the steps 2/4/6/8 with AuthorizeRemoteStart under 4 and
// LimitChangeSignificance under 6; the main steps decide.) The prerequisite's NextTimeOffsetTransitionDateTime
// is optional in the steps and Part 5 lists the case as mandatory, so the case is run without it.
test(`[${HOST}] TC_B_11_CS Set Variables - invalidly formatted values`, async (t) => {
  const s = await conformance(t);
  assert.equal((await getOne(s, { component: { name: "SmartChargingCtrlr" }, variable: { name: "LimitChangeSignificance" } })).attributeStatus,
    "UnknownComponent", "steps 3-4 do not apply: no SmartChargingCtrlr");
  const remoteStart = (await report(s, "GetReport", { requestId: 110, componentVariable: [{ component: { name: "AuthCtrlr" }, variable: { name: "AuthorizeRemoteStart" } }] })).items;
  assert.equal(remoteStart[0].variableAttribute[0].mutability, "ReadOnly", "steps 5-6 do not apply: AuthorizeRemoteStart is read-only");
  assert.equal((await getOne(s, { component: { name: "ClockCtrlr" }, variable: { name: "NextTimeOffsetTransitionDateTime" } })).attributeStatus,
    "UnknownVariable", "steps 7-8 do not apply: no NextTimeOffsetTransitionDateTime");
  const configured = (await getOne(s, { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" } })).attributeValue;
  const now = new Date(await stationTime(s)).toISOString();
  // Main: steps 1-2 for each value; the configured one is supported, the others are not an integer.
  for (const [value, supported] of [[configured, true], [`${configured}.1`, false], ["true", false], [now, false], ["abc", false]]) {
    const r = await setOne(s, { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeValue: value });
    const why = `step 2 (value ${value})`;
    assert.equal(r.attributeStatus, supported ? "Accepted" : "Rejected", `${why}: attributeStatus`);
    assert.equal(r.attributeType, "Actual", `${why}: attributeType Actual`);
    assert.equal(r.component.name, "OCPPCommCtrlr", `${why}: component.name`);
    assert.equal(r.variable.name, "OfflineThreshold", `${why}: variable.name`);
    if (!supported) absentOr(r.attributeStatusInfo, "InvalidValue", `${why}: attributeStatusInfo`);
  }
  assert.equal((await getOne(s, { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" } })).attributeValue, configured,
    "a refused value changes nothing");
});

test(`[${HOST}] TC_B_39_CS Set Variables - Read-only`, async (t) => {
  const s = await conformance(t);
  // Main, step 1: OCPPCommCtrlr.MessageTimeout[Default] (read-only here), attributeType omitted.
  const r = await setOne(s, { component: { name: "OCPPCommCtrlr" }, variable: { name: "MessageTimeout", instance: "Default" }, attributeValue: "45" });
  // Tool validations, step 2.
  assert.equal(r.attributeStatus, "Rejected", "step 2: attributeStatus Rejected");
  assert.equal(r.component.name, "OCPPCommCtrlr", "step 2: component.name");
  assert.equal(r.variable.name, "MessageTimeout", "step 2: variable.name");
  assert.equal(r.variable.instance, "Default", "step 2: variable.instance");
});

// ---- B07 Get Base Report -----------------------------------------------------------------------------------

test(`[${HOST}] TC_B_12_CS Get Base Report - ConfigurationInventory`, async (t) => {
  const s = await conformance(t);
  // Main, steps 1-4.
  const { answer, pages, items } = await report(s, "GetBaseReport", { requestId: 120, reportBase: "ConfigurationInventory" });
  // Tool validations, step 2.
  assert.equal(answer.status, "Accepted", "step 2: status Accepted");
  absentOr(answer.statusInfo, "NoError", "step 2: statusInfo");
  // Step 3 and while tbc = true.
  await assertPages(s, pages, 120, "step 3");
  assertCharacteristics(items, "step 3");
  // Post scenario validations: characteristics on every variable, mutability ReadWrite or WriteOnly, and at least
  // the required writable variables of the implemented blocks.
  for (const d of items) {
    for (const a of d.variableAttribute) {
      assert.ok(a.mutability === "ReadWrite" || a.mutability === "WriteOnly", `post: ${key(d)} ${a.type || "Actual"} mutability ReadWrite or WriteOnly, got ${a.mutability}`);
    }
  }
  const keys = new Set(items.map(key));
  for (const k of REQUIRED_WRITABLE) assert.ok(keys.has(k), `post: the required writable ${k} is reported`);
});

test(`[${HOST}] TC_B_13_CS Get Base Report - FullInventory`, async (t) => {
  const s = await conformance(t);
  // Main, steps 1-4.
  const { answer, pages, items } = await report(s, "GetBaseReport", { requestId: 130, reportBase: "FullInventory" });
  // Tool validations, step 2.
  assert.equal(answer.status, "Accepted", "step 2: status Accepted");
  absentOr(answer.statusInfo, "NoError", "step 2: statusInfo");
  // Step 3 and while tbc = true.
  await assertPages(s, pages, 130, "step 3");
  assertCharacteristics(items, "step 3");
  // Post scenario validations: characteristics on every variable; the required variables of "Charging
  // Infrastructure Related" and of "Referenced Components and Variables" for the implemented blocks.
  const keys = new Set(items.map(key));
  for (const k of [...REQUIRED_INFRASTRUCTURE, ...REQUIRED_CONTROLLERS]) assert.ok(keys.has(k), `post: the required ${k} is reported`);
});

test(`[${HOST}] TC_B_53_CS Get Base Report - Test mandatory DM variables via FullInventory`, async (t) => {
  const s = await conformance(t);
  // Main, steps 1-4.
  const { answer, pages, items } = await report(s, "GetBaseReport", { requestId: 530, reportBase: "FullInventory" });
  // Tool validations, step 2.
  assert.equal(answer.status, "Accepted", "step 2: status Accepted");
  absentOr(answer.statusInfo, "NoError", "step 2: statusInfo");
  // Step 3 and while tbc = true.
  await assertPages(s, pages, 530, "step 3");
  // Post scenario validations: the required components / variables; a valuesList for every list type, not empty;
  // every list value allowed by its valuesList; no value for a WriteOnly variable (errata 2.9).
  const keys = new Set(items.map(key));
  for (const k of [...REQUIRED_INFRASTRUCTURE, ...REQUIRED_CONTROLLERS]) assert.ok(keys.has(k), `post: the required ${k} is implemented`);
  assertCharacteristics(items, "post", { valuesAllowed: true, writeOnlyOmitted: true });
  assert.ok(items.some((d) => d.variableAttribute.some((a) => a.mutability === "WriteOnly")), "post: the WriteOnly check ran (BasicAuthPassword)");
  const power = items.find((d) => key(d) === "EVSE[1].Power");
  assert.ok(power.variableCharacteristics.maxLimit > 0, "post: EVSE.Power has its required maxLimit");
});

test(`[${HOST}] TC_B_14_CS Get Base Report - SummaryInventory`, async (t) => {
  const s = await conformance(t);
  // Main, steps 1-4.
  const { answer, pages, items } = await report(s, "GetBaseReport", { requestId: 140, reportBase: "SummaryInventory" });
  // Tool validations, step 2.
  assert.equal(answer.status, "Accepted", "step 2: status Accepted");
  absentOr(answer.statusInfo, "NoError", "step 2: statusInfo");
  // Step 3 and while tbc = true.
  await assertPages(s, pages, 140, "step 3");
  // Post scenario validations: characteristics and valuesList; AvailabilityState of the station, of each EVSE and
  // of each connector (this station reports the connectors always); abnormal components with their problem
  // variables (none is abnormal here, so no Problem is reported, and one reported would have to be true).
  assertCharacteristics(items, "post", { valuesAllowed: true });
  const byKey = new Map(items.map((d) => [key(d), d]));
  for (const k of ["ChargingStation.AvailabilityState", "EVSE[1].AvailabilityState", "Connector[1/1].AvailabilityState", "Connector[1/2].AvailabilityState"]) {
    assert.ok(byKey.has(k), `post: ${k} is reported`);
    assert.equal(byKey.get(k).variableAttribute[0].value, "Available", `post: ${k} Available`);
  }
  for (const d of items.filter((x) => ["Problem", "Tripped", "Overload", "Fallback"].includes(x.variable.name))) {
    assert.equal(d.variableAttribute[0].value, "true", `post: ${key(d)} is reported only for an abnormal component`);
  }
  assert.ok(items.every((d) => d.variable.name !== "Problem"), "post: no component is in an abnormal state");
});

// ---- B08 Get Custom Report ---------------------------------------------------------------------------------

// B08.FR.09 also counts a component without an Enabled variable as matching { Enabled }; such a component has
// no Enabled variable to report, and the case validates that every reportData is a variable "Enabled" with the
// value "true": the station answers componentCriteria without componentVariable with the criterion variables
// of the components that meet it.
test(`[${HOST}] TC_B_16_CS Get Custom Report - with component criteria`, async (t) => {
  const s = await conformance(t);
  // Main, steps 1-4: componentCriteria { Enabled }, no componentVariable.
  const { answer, pages, items } = await report(s, "GetReport", { requestId: 160, componentCriteria: ["Enabled"] });
  // Tool validations, step 2.
  assert.equal(answer.status, "Accepted", "step 2: status Accepted");
  absentOr(answer.statusInfo, "NoError", "step 2: statusInfo");
  // Step 3 and while tbc = true: characteristics, variable "Enabled", value "true" (only an Actual value).
  await assertPages(s, pages, 160, "step 3");
  assert.ok(items.length > 0, "step 3: reportData");
  for (const d of items) {
    assert.ok(d.variableCharacteristics, `step 3: ${key(d)} variableCharacteristics present`);
    assert.equal(d.variable.name, "Enabled", `step 3: ${key(d)}: reportData.variable.name is Enabled`);
    assert.deepEqual(d.variableAttribute.map((a) => [a.type || "Actual", a.value]), [["Actual", "true"]], `step 3: ${key(d)}: value "true"`);
  }
  // Steps 5-6: GetVariables for every reported variable; each Accepted with the value true.
  const got = (await s.call("GetVariables", { getVariableData: items.map((d) => ({ component: d.component, variable: d.variable })) })).getVariableResult;
  assert.equal(got.length, items.length, "step 6: a result for every reported variable");
  got.forEach((r, i) => {
    assert.equal(r.attributeStatus, "Accepted", `step 6: ${key(items[i])} attributeStatus Accepted`);
    assert.equal(r.attributeValue, "true", `step 6: ${key(items[i])} attributeValue true`);
  });
  // Post scenario validations: every Enabled variable that FullInventory reports as "true" is in the custom report.
  const full = await report(s, "GetBaseReport", { requestId: 161, reportBase: "FullInventory" });
  assert.equal(full.answer.status, "Accepted", "post: FullInventory Accepted");
  const enabled = full.items.filter((d) => d.variable.name === "Enabled" && d.variableAttribute.some((a) => (a.type || "Actual") === "Actual" && a.value === "true"));
  assert.ok(enabled.length > 0, "post: FullInventory has Enabled variables that are true (AuthCtrlr.Enabled)");
  const custom = new Set(items.map(key));
  for (const d of enabled) assert.ok(custom.has(key(d)), `post: ${key(d)} is in the custom report`);
});

/** Step 3 of TC_B_17_CS / TC_B_18_CS: the report of EVSE 1 AvailabilityState. */
function assertEvseAvailabilityState(items, why) {
  assert.equal(items.length, 1, `${why}: one reportData`);
  const d = items[0];
  assert.equal(d.component.name, "EVSE", `${why}: reportData.component.name EVSE`);
  assert.equal(d.component.evse && d.component.evse.id, 1, `${why}: reportData.component.evse.id 1`);
  assert.equal(d.variable.name, "AvailabilityState", `${why}: reportData.variable.name AvailabilityState`);
  assert.equal(d.variableCharacteristics.dataType, "OptionList", `${why}: dataType OptionList`);
  assert.deepEqual(members(d.variableCharacteristics.valuesList), ["Available", "Occupied", "Reserved", "Unavailable", "Faulted"],
    `${why}: valuesList Available, Occupied, Reserved, Unavailable, Faulted`);
  assert.deepEqual(d.variableAttribute.map((a) => [a.type || "Actual", a.mutability]), [["Actual", "ReadOnly"]],
    `${why}: only an Actual value, mutability ReadOnly`);
}

test(`[${HOST}] TC_B_17_CS Get Custom Report - with component/variable`, async (t) => {
  const s = await conformance(t);
  // Main, steps 1-4: componentVariable EVSE (evse.id 1) / AvailabilityState.
  const { answer, pages, items } = await report(s, "GetReport", { requestId: 170,
    componentVariable: [{ component: { name: "EVSE", evse: { id: 1 } }, variable: { name: "AvailabilityState" } }] });
  // Tool validations, step 2.
  assert.equal(answer.status, "Accepted", "step 2: status Accepted");
  absentOr(answer.statusInfo, "NoError", "step 2: statusInfo");
  // Step 3.
  await assertPages(s, pages, 170, "step 3");
  assertEvseAvailabilityState(items, "step 3");
});

test(`[${HOST}] TC_B_18_CS Get Custom Report - with component criteria and component/variable`, async (t) => {
  const s = await conformance(t);
  const cv = [{ component: { name: "EVSE", evse: { id: 1 } }, variable: { name: "AvailabilityState" } }];
  // Main, steps 1-4: EVSE 1 AvailabilityState of the Available components.
  const available = await report(s, "GetReport", { requestId: 180, componentCriteria: ["Available"], componentVariable: cv });
  // Tool validations, step 2 and step 3.
  assert.equal(available.answer.status, "Accepted", "step 2: status Accepted");
  absentOr(available.answer.statusInfo, "NoError", "step 2: statusInfo");
  await assertPages(s, available.pages, 180, "step 3");
  assertEvseAvailabilityState(available.items, "step 3");
  // Steps 5-6: the same of the components with a Problem (EVSE 1 has none).
  const problem = await report(s, "GetReport", { requestId: 181, componentCriteria: ["Problem"], componentVariable: cv });
  assert.equal(problem.answer.status, "EmptyResultSet", "step 6: status EmptyResultSet");
  absentOr(problem.answer.statusInfo, "NotFound", "step 6: statusInfo");
  assert.equal(problem.pages.length, 0, "step 6: no NotifyReportRequest for an empty result");
});

// Part 6 lists reportData[1].variable.instance as "GetVariable"; the instance Part 2 defines (and the
// appendix's required DeviceDataCtrlr.ItemsPerMessage[GetVariables]) is "GetVariables".
test(`[${HOST}] TC_B_54_CS Get Custom Report - with component/variable, but no instance`, async (t) => {
  const s = await conformance(t);
  // Main, steps 1-4: DeviceDataCtrlr / ItemsPerMessage, no instance.
  const { answer, pages, items } = await report(s, "GetReport", { requestId: 540,
    componentVariable: [{ component: { name: "DeviceDataCtrlr" }, variable: { name: "ItemsPerMessage" } }] });
  // Tool validations, step 2.
  assert.equal(answer.status, "Accepted", "step 2: status Accepted");
  absentOr(answer.statusInfo, "NoError", "step 2: statusInfo");
  // Step 3: every instance, GetReport first, then GetVariables (and SetVariables, the third required instance).
  await assertPages(s, pages, 540, "step 3");
  for (const d of items) {
    assert.equal(d.component.name, "DeviceDataCtrlr", `step 3: ${key(d)} component.name DeviceDataCtrlr`);
    assert.equal(d.variable.name, "ItemsPerMessage", `step 3: ${key(d)} variable.name ItemsPerMessage`);
  }
  assert.equal(items[0].variable.instance, "GetReport", "step 3: reportData[0].variable.instance GetReport");
  assert.equal(items[1].variable.instance, "GetVariables", "step 3: reportData[1].variable.instance GetVariables");
  assert.deepEqual(items.map((d) => d.variable.instance).sort(), ["GetReport", "GetVariables", "SetVariables"], "step 3: every instance");
});

// Part 6 writes the instance as componentVariable.instance: it is the variable's (ComponentVariableType has no
// instance of its own; the component's instance would name another component).
test(`[${HOST}] TC_B_55_CS Get Custom Report - with component/variable/instance`, async (t) => {
  const s = await conformance(t);
  // Main, steps 1-4: DeviceDataCtrlr / ItemsPerMessage / instance GetReport.
  const { answer, pages, items } = await report(s, "GetReport", { requestId: 550,
    componentVariable: [{ component: { name: "DeviceDataCtrlr" }, variable: { name: "ItemsPerMessage", instance: "GetReport" } }] });
  // Tool validations, step 2.
  assert.equal(answer.status, "Accepted", "step 2: status Accepted");
  absentOr(answer.statusInfo, "NoError", "step 2: statusInfo");
  // Step 3: that instance only.
  await assertPages(s, pages, 550, "step 3");
  assert.equal(items.length, 1, "step 3: one reportData");
  assert.equal(items[0].component.name, "DeviceDataCtrlr", "step 3: reportData[0].component.name");
  assert.equal(items[0].variable.name, "ItemsPerMessage", "step 3: reportData[0].variable.name");
  assert.equal(items[0].variable.instance, "GetReport", "step 3: reportData[0].variable.instance GetReport");
});

test(`[${HOST}] TC_B_56_CS Get Custom Report - with component/variable, but no evseId`, async (t) => {
  const s = await conformance(t);
  // Main, steps 1-4: EVSE / AvailabilityState without evse.
  const { answer, pages, items } = await report(s, "GetReport", { requestId: 560,
    componentVariable: [{ component: { name: "EVSE" }, variable: { name: "AvailabilityState" } }] });
  // Tool validations, step 2.
  assert.equal(answer.status, "Accepted", "step 2: status Accepted");
  absentOr(answer.statusInfo, "NoError", "step 2: statusInfo");
  // Step 3: EVSE AvailabilityState for every EVSE (one here).
  await assertPages(s, pages, 560, "step 3");
  for (const d of items) {
    assert.equal(d.component.name, "EVSE", `step 3: ${key(d)} component.name EVSE`);
    assert.equal(d.variable.name, "AvailabilityState", `step 3: ${key(d)} variable.name AvailabilityState`);
  }
  assert.equal(new Set(items.map((d) => d.component.evse && d.component.evse.id)).size, EVSE_COUNT, "step 3: number of EVSEs = <Configured EVSE count>");
  assert.equal(items.length, EVSE_COUNT, "step 3: one reportData per EVSE");
});
