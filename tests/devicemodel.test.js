// Device model scenarios (B05–B08) on the host chosen by STATION_HOST: GetVariables / SetVariables with every
// result status, validation, persistence across a power cut; and the transaction options they configure
// (TxStartPoint / TxStopPoint, C-09 / C-10; their certification cases are in tests/conformance/e-transactions.test.js).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { chargingScenario, VALID_TOKEN } = require("./helpers/scenario.js");
const { HOST } = require("./helpers/station-host.js");

const last = (list) => list[list.length - 1];
const get = async (s, component, variable, extra = {}) =>
  (await s.call("GetVariables", { getVariableData: [{ component: { name: component }, variable: { name: variable }, ...extra }] })).getVariableResult[0];
const set = async (s, component, variable, attributeValue, extra = {}) =>
  (await s.call("SetVariables", { setVariableData: [{ component: { name: component }, variable: { name: variable }, attributeValue, ...extra }] })).setVariableResult[0];

// The certification cases of B05-B08 are in tests/conformance/b-device-model.test.js; these are behaviour tests.
test(`[${HOST}] B06 GetVariables: list values, an instance, and a write-only variable`, async (t) => {
  const s = await chargingScenario(t);
  const hb = await get(s, "OCPPCommCtrlr", "HeartbeatInterval");
  assert.equal(hb.attributeStatus, "Accepted");
  assert.equal(hb.attributeValue, "300");
  assert.equal((await get(s, "TxCtrlr", "TxStartPoint")).attributeValue, "EVConnected,Authorized");
  assert.equal((await get(s, "OCPPCommCtrlr", "MessageAttempts", { variable: { name: "MessageAttempts", instance: "TransactionEvent" } })).attributeValue, "3");
  assert.equal((await get(s, "OCPPCommCtrlr", "HeartbeatInterval", { attributeType: "MaxSet" })).attributeStatus, "NotSupportedAttributeType");
  const pw = await get(s, "SecurityCtrlr", "BasicAuthPassword");
  assert.equal(pw.attributeStatus, "Rejected", "write-only is never reported");
  assert.equal(pw.attributeValue, undefined);
});

test(`[${HOST}] SecurityCtrlr.BasicAuthPassword: the configured one is the first, a new one is used from the next connection attempt on, without a reboot`, async (t) => {
  const first = "0123456789abcdef-first", second = "0123456789abcdef-second";
  const s = await chargingScenario(t, { station: { securityProfile: 1, password: first } });
  assert.equal(s.csms.attempts[0].password, first);
  assert.equal((await set(s, "SecurityCtrlr", "BasicAuthPassword", second)).attributeStatus, "Accepted");
  await s.csms.client().close({ code: 1001, force: true });
  await s.step(41_000);   // RetryBackOffWaitMinimum 30 s + RandomRange 10 s
  await s.csms.waitAttempts(2);
  assert.equal(s.csms.attempts[1].password, second);
  assert.equal(s.csms.count("BootNotification"), 1, "no reboot");
});

test(`[${HOST}] SecurityCtrlr.BasicAuthPassword: 16 to 40 characters, no control characters (errata 2025-01: no character set); a refused one keeps the old`, async (t) => {
  const first = "0123456789abcdef-first";
  const s = await chargingScenario(t, { station: { securityProfile: 1, password: first } });
  const status = async (v) => (await set(s, "SecurityCtrlr", "BasicAuthPassword", v)).attributeStatus;
  assert.equal(await status("x".repeat(15)), "Rejected", "15 characters");
  assert.equal(await status("x".repeat(41)), "Rejected", "41 characters");
  assert.equal(await status("0123456789abcdef\t"), "Rejected", "a control character");
  assert.equal(await status("0123456789abcd\u0000ef"), "Rejected", "NUL");
  assert.equal(await status("x".repeat(40)), "Accepted", "40 characters");
  assert.equal(await status("pässwörd-€-0123456789"), "Accepted", "any UTF-8 character");
  const emoji = "\u{1F511}".repeat(40);
  assert.equal(await status(emoji), "Accepted", "40 characters outside the BMP (80 UTF-16 units)");
  assert.equal(await status("\u{1F511}".repeat(41)), "Rejected", "41 of them");
  // The last accepted one is used at the next connection.
  await s.csms.client().close({ code: 1001, force: true });
  await s.step(41_000);
  await s.csms.waitAttempts(2);
  assert.equal(s.csms.attempts[1].password, emoji);
});

test(`[${HOST}] B05 SetVariables: values take effect and survive a power cut`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await set(s, "OCPPCommCtrlr", "HeartbeatInterval", "120")).attributeStatus, "Accepted");
  const res = await s.call("SetVariables", { setVariableData: [
    { component: { name: "SampledDataCtrlr" }, variable: { name: "TxUpdatedInterval" }, attributeValue: "30" },
    { component: { name: "SampledDataCtrlr" }, variable: { name: "TxUpdatedMeasurands" }, attributeValue: "Energy.Active.Import.Register,SoC,Voltage" },
  ] });
  assert.deepEqual(res.setVariableResult.map((r) => r.attributeStatus), ["Accepted", "Accepted"]);
  await s.st.powerCycle();
  await s.csms.waitFor("BootNotification", 2);
  await s.step(2000);
  assert.equal((await get(s, "SampledDataCtrlr", "TxUpdatedInterval")).attributeValue, "30");
  assert.equal((await get(s, "SampledDataCtrlr", "TxUpdatedMeasurands")).attributeValue, "Energy.Active.Import.Register,Voltage,SoC");
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  await s.ready(1);
  await s.step(65_000);
  const periodic = s.events().filter((e) => e.triggerReason === "MeterValuePeriodic");
  assert.ok(periodic.length >= 2, "every 30 s");
  assert.deepEqual(periodic[0].meterValue[0].sampledValue.map((v) => v.measurand), ["Energy.Active.Import.Register", "Voltage", "SoC"]);
});

test(`[${HOST}] B05 SetVariables refusals across data types and mutabilities`, async (t) => {
  const s = await chargingScenario(t);
  for (const [c, v, value] of [["OCPPCommCtrlr", "HeartbeatInterval", "abc"], ["OCPPCommCtrlr", "HeartbeatInterval", "-5"],
    ["OCPPCommCtrlr", "HeartbeatInterval", "0"], ["AuthCtrlr", "Enabled", "yes"], ["TxCtrlr", "TxStartPoint", "DataSigned"],
    ["TxCtrlr", "TxStopPoint", "EnergyTransfer"], ["TxCtrlr", "TxStartPoint", ""], ["SampledDataCtrlr", "TxUpdatedMeasurands", "Temperature"],
    ["OCPPCommCtrlr", "NetworkConfigurationPriority", "2"]]) {
    assert.equal((await set(s, c, v, value)).attributeStatus, "Rejected", `${c}.${v} = ${value}`);
  }
  assert.equal((await set(s, "NoSuchCtrlr", "X", "1")).attributeStatus, "UnknownComponent");
  assert.equal((await set(s, "TxCtrlr", "NoSuchVariable", "1")).attributeStatus, "UnknownVariable");
  assert.equal((await set(s, "SecurityCtrlr", "Identity", "X")).attributeStatus, "Rejected", "read-only");
  assert.equal((await set(s, "AuthCtrlr", "AuthorizeRemoteStart", "true")).attributeStatus, "Rejected", "fixed false (C-48.2)");
  assert.equal((await set(s, "OCPPCommCtrlr", "HeartbeatInterval", "60", { attributeType: "Target" })).attributeStatus, "NotSupportedAttributeType");
  assert.equal((await get(s, "OCPPCommCtrlr", "HeartbeatInterval")).attributeValue, "300", "nothing changed");
  assert.equal((await set(s, "OCPPCommCtrlr", "NetworkConfigurationPriority", "0")).attributeStatus, "RebootRequired");
});

test(`[${HOST}] E01 TxStartPoint EVConnected only: an authorization before the cable joins the transaction as an Updated`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await set(s, "TxCtrlr", "TxStartPoint", "EVConnected")).attributeStatus, "Accepted");
  await s.swipe(VALID_TOKEN);
  assert.equal(s.events().length, 0, "authorization alone starts nothing");
  await s.plug(1);
  const ev = s.events();
  assert.equal(ev[0].triggerReason, "CablePluggedIn");
  assert.ok(ev.some((e) => e.idToken && e.idToken.idToken === VALID_TOKEN), "the token held since the swipe joins the transaction");
});

test(`[${HOST}] config "dm:" initial values apply unless the CSMS set the variable`, async (t) => {
  const s = await chargingScenario(t, { station: { config: { "dm:TxCtrlr.EVConnectionTimeOut": "90", "dm:OCPPCommCtrlr.MessageAttempts.TransactionEvent": "5" } } });
  assert.equal((await get(s, "TxCtrlr", "EVConnectionTimeOut")).attributeValue, "90");
  assert.equal((await get(s, "OCPPCommCtrlr", "MessageAttempts", { variable: { name: "MessageAttempts", instance: "TransactionEvent" } })).attributeValue, "5");
});

test(`[${HOST}] B06 GetVariables: several items in one request, on every tier, each with its own status`, async (t) => {
  const s = await chargingScenario(t);
  const res = (await s.call("GetVariables", { getVariableData: [
    { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeType: "Actual" },
    { component: { name: "EVSE", evse: { id: 1 } }, variable: { name: "AvailabilityState" } },
    { component: { name: "Connector", evse: { id: 1, connectorId: 2 } }, variable: { name: "ConnectorType" } },
    { component: { name: "EVSE", evse: { id: 1 } }, variable: { name: "Power" }, attributeType: "MaxSet" },
    { component: { name: "UnknownComponent" }, variable: { name: "OfflineThreshold" } },
    { component: { name: "OCPPCommCtrlr", evse: { id: 1 } }, variable: { name: "OfflineThreshold" } },
    { component: { name: "Connector", evse: { id: 1, connectorId: 3 } }, variable: { name: "ConnectorType" } },
    { component: { name: "txctrlr" }, variable: { name: "txstartpoint" } },
    { component: { name: "ClockCtrlr" }, variable: { name: "DateTime" } },
  ] })).getVariableResult;
  assert.deepEqual(res.map((r) => r.attributeStatus), ["Accepted", "Accepted", "Accepted", "Accepted", "UnknownComponent",
    "UnknownComponent", "UnknownComponent", "Accepted", "Accepted"]);
  assert.deepEqual(res.map((r) => r.attributeValue), ["300", "Available", "cCCS1", "200000", undefined, undefined, undefined,
    "EVConnected,Authorized", res[8].attributeValue]);
  assert.ok(Math.abs(Date.parse(res[8].attributeValue) - Date.now()) < 24 * 3600e3, "ClockCtrlr.DateTime is the station's clock");
  assert.ok(res.every((r) => r.attributeType === (r === res[3] ? "MaxSet" : "Actual")), "attributeType in every result (Actual when absent)");
  assert.deepEqual(res[6].component, { name: "Connector", evse: { id: 1, connectorId: 3 } }, "the component is echoed as asked");
  assert.deepEqual(res[7].variable, { name: "txstartpoint" }, "names are case-insensitive, echoed as sent");
});

test(`[${HOST}] B05 SetVariables: attribute types other than Actual cannot be set`, async (t) => {
  const s = await chargingScenario(t);
  for (const attributeType of ["Target", "MinSet", "MaxSet"]) {
    const r = await set(s, "OCPPCommCtrlr", "OfflineThreshold", "200", { attributeType });
    assert.equal(r.attributeStatus, "NotSupportedAttributeType", attributeType);
    assert.equal(r.attributeType, attributeType, "echoed");
  }
  const power = await s.call("SetVariables", { setVariableData: [{ component: { name: "EVSE", evse: { id: 1 } }, variable: { name: "Power" },
    attributeType: "MaxSet", attributeValue: "1000" }] });
  assert.equal(power.setVariableResult[0].attributeStatus, "Rejected", "the rated maximum is read-only");
  assert.equal(power.setVariableResult[0].attributeStatusInfo.reasonCode, "ReadOnly");
  assert.equal((await get(s, "OCPPCommCtrlr", "OfflineThreshold")).attributeValue, "300", "nothing changed");
});

test(`[${HOST}] SetVariables validates against the characteristics and says why (reason codes)`, async (t) => {
  const s = await chargingScenario(t);
  const cases = [
    ["OCPPCommCtrlr", "OfflineThreshold", "300.1", "InvalidValue"], ["OCPPCommCtrlr", "OfflineThreshold", "true", "InvalidValue"],
    ["OCPPCommCtrlr", "OfflineThreshold", new Date().toISOString(), "InvalidValue"], ["OCPPCommCtrlr", "OfflineThreshold", "99999999", "ValueOutOfRange"],
    ["TxCtrlr", "TxStopPoint", "Authorized,Authorized", "InvalidValue"], ["ClockCtrlr", "TimeSource", "GPS", "InvalidValue"],
    ["ClockCtrlr", "TimeZone", "x".repeat(65), "ValueOutOfRange"], ["SecurityCtrlr", "BasicAuthPassword", "short", "ValueOutOfRange"],
    ["TxCtrlr", "StopTxOnEVSideDisconnect", "false", "ReadOnly"], ["OCPPCommCtrlr", "MessageTimeout", "10", "ReadOnly"],
  ];
  for (const [c, v, value, reason] of cases) {
    const extra = v === "MessageTimeout" ? { variable: { name: v, instance: "Default" } } : {};
    const r = await set(s, c, v, value, extra);
    assert.equal(r.attributeStatus, "Rejected", `${c}.${v} = ${value}`);
    assert.equal(r.attributeStatusInfo.reasonCode, reason, `${c}.${v} = ${value}`);
  }
  // Accepted spellings are normalized: booleans in lower case, member lists in valuesList order.
  assert.equal((await set(s, "AuthCtrlr", "LocalPreAuthorize", "TRUE")).attributeStatus, "Accepted");
  assert.equal((await get(s, "AuthCtrlr", "LocalPreAuthorize")).attributeValue, "true");
  assert.equal((await set(s, "TxCtrlr", "TxStopPoint", " PowerPathClosed , EVConnected")).attributeStatus, "Accepted");
  assert.equal((await get(s, "TxCtrlr", "TxStopPoint")).attributeValue, "EVConnected,PowerPathClosed");
  assert.equal((await set(s, "SampledDataCtrlr", "TxEndedMeasurands", "")).attributeStatus, "Accepted", "an empty measurand list");
  assert.equal((await set(s, "SecurityCtrlr", "BasicAuthPassword", "0123456789abcdef")).attributeStatus, "Accepted", "16 characters");
  const pw = await get(s, "SecurityCtrlr", "BasicAuthPassword");
  assert.deepEqual([pw.attributeStatus, pw.attributeStatusInfo.reasonCode, pw.attributeValue], ["Rejected", "WriteOnly", undefined]);
});

test(`[${HOST}] DeviceDataCtrlr.ItemsPerMessage[GetVariables]: that many items with the longest names are answered, one more is refused`, async (t) => {
  const s = await chargingScenario(t);
  const limit = Number((await get(s, "DeviceDataCtrlr", "ItemsPerMessage", { variable: { name: "ItemsPerMessage", instance: "GetVariables" } })).attributeValue);
  const bytes = Number((await get(s, "DeviceDataCtrlr", "BytesPerMessage", { variable: { name: "BytesPerMessage", instance: "GetVariables" } })).attributeValue);
  assert.ok(limit >= 10 && bytes >= 16384, `limits ${limit} items, ${bytes} bytes`);
  const long = (c) => c.repeat(50);   // CiString50Type, the longest names the schema allows
  const item = (i) => ({ component: { name: long("C"), instance: long("i"), evse: { id: 1, connectorId: 1 } },
    variable: { name: long("V"), instance: long(String(i % 10)) }, attributeType: "Actual" });
  const many = Array.from({ length: limit }, (_, i) => item(i));
  assert.ok(JSON.stringify(many).length < bytes, "the request is within BytesPerMessage");
  const res = await s.call("GetVariables", { getVariableData: many });
  assert.equal(res.getVariableResult.length, limit);
  assert.ok(res.getVariableResult.every((r) => r.attributeStatus === "UnknownComponent"));
  // SetVariables has its own limit (tests/streaming.test.js: requests of that many items in every form)
  const setLimit = Number((await get(s, "DeviceDataCtrlr", "ItemsPerMessage", { variable: { name: "ItemsPerMessage", instance: "SetVariables" } })).attributeValue);
  const sets = await s.call("SetVariables", { setVariableData: many.slice(0, setLimit).map((m) => ({ ...m, attributeValue: long("x") })) });
  assert.equal(sets.setVariableResult.length, setLimit);
  const short = (i) => ({ component: { name: "C" }, variable: { name: "V" + i }, attributeValue: "x" });
  await assert.rejects(s.call("SetVariables", { setVariableData: Array.from({ length: setLimit + 1 }, (_, i) => short(i)) }),
    (e) => e.rpcErrorCode === "OccurrenceConstraintViolation");
  await assert.rejects(s.call("GetVariables", { getVariableData: [...many, item(0)] }), (e) => e.rpcErrorCode === "OccurrenceConstraintViolation");
});

test(`[${HOST}] B01 the BootNotification interval becomes OCPPCommCtrlr.HeartbeatInterval, as GetVariables reports it`, async (t) => {
  const s = await chargingScenario(t, { csms: { interval: 120 } });
  assert.equal((await get(s, "OCPPCommCtrlr", "HeartbeatInterval")).attributeValue, "120");
  const before = s.csms.count("Heartbeat");
  await s.step(121_000);
  assert.equal(s.csms.count("Heartbeat"), before + 1, "one heartbeat after 120 s");
});
