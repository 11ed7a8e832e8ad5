// Device model scenarios (B05–B08) on the host chosen by STATION_HOST: GetVariables / SetVariables with every
// result status, validation, persistence across a power cut; and the transaction options they configure
// (TxStartPoint / TxStopPoint, C-09 / C-10: TC_E_01_CS, TC_E_02_CS, TC_E_09_CS, TC_E_07_CS).
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

test(`[${HOST}] TC_B_06_CS / TC_B_33_CS / TC_B_34_CS GetVariables: a value, unknown component and variable, unsupported attribute type`, async (t) => {
  const s = await chargingScenario(t);
  const hb = await get(s, "OCPPCommCtrlr", "HeartbeatInterval");
  assert.equal(hb.attributeStatus, "Accepted");
  assert.equal(hb.attributeValue, "300");
  assert.equal((await get(s, "TxCtrlr", "TxStartPoint")).attributeValue, "EVConnected,Authorized");
  assert.equal((await get(s, "OCPPCommCtrlr", "MessageAttempts", { variable: { name: "MessageAttempts", instance: "TransactionEvent" } })).attributeValue, "3");
  assert.equal((await get(s, "NoSuchCtrlr", "HeartbeatInterval")).attributeStatus, "UnknownComponent");
  assert.equal((await get(s, "OCPPCommCtrlr", "NoSuchVariable")).attributeStatus, "UnknownVariable");
  assert.equal((await get(s, "OCPPCommCtrlr", "HeartbeatInterval", { attributeType: "MaxSet" })).attributeStatus, "NotSupportedAttributeType");
  const pw = await get(s, "SecurityCtrlr", "BasicAuthPassword");
  assert.equal(pw.attributeStatus, "Rejected", "write-only is never reported");
  assert.equal(pw.attributeValue, undefined);
});

test(`[${HOST}] TC_B_09_CS / TC_B_10_CS SetVariables single and multiple values take effect and survive a power cut`, async (t) => {
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

test(`[${HOST}] TC_B_11_CS / TC_B_35_CS / TC_B_36_CS / TC_B_39_CS SetVariables refusals`, async (t) => {
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

test(`[${HOST}] TC_E_01_CS TxStartPoint PowerPathClosed: Started when the contactor closes`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await set(s, "TxCtrlr", "TxStartPoint", "PowerPathClosed")).attributeStatus, "Accepted");
  assert.equal((await set(s, "TxCtrlr", "TxStopPoint", "PowerPathClosed")).attributeStatus, "Accepted");
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  assert.equal(s.events().length, 0, "no transaction before the power path closes");
  await s.ready(1);
  const ev = s.events();
  assert.equal(ev[0].eventType, "Started");
  assert.equal(ev[0].triggerReason, "Authorized");
  assert.equal(ev[0].transactionInfo.chargingState, "SuspendedEVSE");
  assert.deepEqual(ev[0].idToken, { idToken: VALID_TOKEN, type: "ISO14443" });
  assert.equal(last(ev).transactionInfo.chargingState, "Charging");
  // TC_E_07_CS: a local stop opens the power path, which ends the transaction.
  await s.swipe(VALID_TOKEN);
  await s.step(3000);
  assert.equal(last(s.events()).eventType, "Ended");
  assert.equal(last(s.events()).transactionInfo.stoppedReason, "Local");
});

test(`[${HOST}] TC_E_02_CS TxStartPoint EnergyTransfer: Started when energy flows`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await set(s, "TxCtrlr", "TxStartPoint", "EnergyTransfer")).attributeStatus, "Accepted");
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  assert.equal(s.events().length, 0);
  await s.ready(1);
  const ev = s.events();
  assert.equal(ev[0].eventType, "Started");
  assert.equal(ev[0].transactionInfo.chargingState, "Charging");
});

test(`[${HOST}] TC_E_09_CS TxStartPoint EVConnected only: authorization comes as an Updated`, async (t) => {
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

test(`[${HOST}] TC_J_01 / TC_J_02_CS clock-aligned values: MeterValues when idle, TransactionEvent MeterValueClock during a transaction`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await set(s, "AlignedDataCtrlr", "Interval", "60")).attributeStatus, "Accepted");
  assert.equal((await set(s, "AlignedDataCtrlr", "Measurands", "Energy.Active.Import.Register,Voltage")).attributeStatus, "Accepted");
  await s.step(125_000);
  const idle = s.sent("MeterValues");
  assert.ok(idle.length >= 2, `clock-aligned MeterValues while idle (${idle.length})`);
  assert.equal(idle[0].meterValue[0].sampledValue[0].context, "Sample.Clock");
  assert.equal(new Date(idle[0].meterValue[0].timestamp).getUTCSeconds(), 0, "on the minute");
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  await s.ready(1);
  const before = s.sent("MeterValues").length;
  await s.step(125_000);
  const clock = s.events().filter((e) => e.triggerReason === "MeterValueClock");
  assert.ok(clock.length >= 2, `in the transaction (${clock.length})`);
  assert.deepEqual(clock[0].meterValue[0].sampledValue.map((v) => [v.measurand, v.context]),
    [["Energy.Active.Import.Register", "Sample.Clock"], ["Voltage", "Sample.Clock"]]);
  assert.equal(s.sent("MeterValues").length, before, "not as MeterValues during the transaction");
});

test(`[${HOST}] TC_B_12_CS / TC_B_13_CS / TC_B_15_CS GetBaseReport: NotifyReport pages with seqNo and tbc; SummaryInventory NotSupported`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.call("GetBaseReport", { requestId: 7, reportBase: "SummaryInventory" })).status, "NotSupported");
  assert.equal((await s.call("GetBaseReport", { requestId: 8, reportBase: "FullInventory" })).status, "Accepted");
  await s.step(2000);
  const full = s.sent("NotifyReport").filter((r) => r.requestId === 8);
  assert.ok(full.length >= 4, `paged (${full.length} pages)`);
  assert.deepEqual(full.map((r) => r.seqNo), full.map((_, i) => i));
  assert.deepEqual(full.map((r) => r.tbc), full.map((_, i) => i < full.length - 1));
  const items = full.flatMap((r) => r.reportData);
  const hb = items.find((d) => d.component.name === "OCPPCommCtrlr" && d.variable.name === "HeartbeatInterval");
  assert.equal(hb.variableAttribute[0].value, "300");
  assert.equal(hb.variableAttribute[0].mutability, "ReadWrite");
  assert.equal(hb.variableCharacteristics.dataType, "integer");
  const pw = items.find((d) => d.variable.name === "BasicAuthPassword");
  assert.equal(pw.variableAttribute[0].mutability, "WriteOnly");
  assert.equal(pw.variableAttribute[0].value, undefined, "write-only values are never reported");
  assert.ok(items.some((d) => d.variable.name === "Identity"), "read-only variables are in the full inventory");
  assert.equal((await s.call("GetBaseReport", { requestId: 9, reportBase: "ConfigurationInventory" })).status, "Accepted");
  await s.step(2000);
  const config = s.sent("NotifyReport").filter((r) => r.requestId === 9).flatMap((r) => r.reportData);
  assert.ok(config.length > 0 && config.length < items.length);
  assert.ok(config.every((d) => d.variableAttribute[0].mutability !== "ReadOnly"), "only what can be configured");
});

test(`[${HOST}] TC_B_17_CS / TC_B_19_CS / TC_B_54_CS GetReport with component/variable filters; nothing matching is EmptyResultSet`, async (t) => {
  const s = await chargingScenario(t);
  assert.equal((await s.call("GetReport", { requestId: 3, componentVariable: [{ component: { name: "TxCtrlr" } }] })).status, "Accepted");
  await s.step(2000);
  const tx = s.sent("NotifyReport").filter((r) => r.requestId === 3).flatMap((r) => r.reportData);
  assert.ok(tx.length >= 4 && tx.every((d) => d.component.name === "TxCtrlr"));
  assert.equal((await s.call("GetReport", { requestId: 5, componentVariable: [{ component: { name: "NoSuchCtrlr" } }] })).status, "EmptyResultSet");
  assert.equal((await s.call("GetReport", { requestId: 6, componentVariable: [{ component: { name: "OCPPCommCtrlr" },
    variable: { name: "MessageAttempts" } }] })).status, "Accepted", "no instance given: every instance");
  await s.step(2000);
  const one = s.sent("NotifyReport").filter((r) => r.requestId === 6).flatMap((r) => r.reportData);
  assert.deepEqual(one.map((d) => [d.variable.name, d.variable.instance]), [["MessageAttempts", "TransactionEvent"]]);
  assert.equal((await s.call("GetReport", { requestId: 10, componentCriteria: ["Problem"] })).status, "NotSupported");
});
