// Representative OCPP 2.0.1 payloads for the bench (and reusable by tests).
"use strict";

const ts = (i) => new Date(Date.UTC(2026, 10, 24, 12, 0, i)).toISOString();

function bootNotification() {
  return {
    reason: "PowerUp",
    chargingStation: { serialNumber: "SN-000123", model: "DC-Station", vendorName: "OpenCharge", firmwareVersion: "0.1.0",
      modem: { iccid: "89310410106543789301", imsi: "310150123456789" } },
  };
}

function transactionEvent10() {
  const measurands = [
    ["Energy.Active.Import.Register", "Wh", 123456.7], ["Energy.Active.Export.Register", "Wh", 0],
    ["Power.Active.Import", "W", 49850.5], ["Current.Import", "A", 124.6], ["Current.Offered", "A", 125],
    ["Power.Offered", "W", 50000], ["Voltage", "V", 400.2], ["SoC", "Percent", 57], ["Power.Factor", null, 0.98],
    ["Frequency", "Hz", 50.01],
  ];
  return {
    eventType: "Updated", timestamp: ts(0), triggerReason: "MeterValuePeriodic", seqNo: 12, offline: false,
    transactionInfo: { transactionId: "8a6b1c2d-0000-4e5f-9a8b-123456789abc", chargingState: "Charging" },
    evse: { id: 1, connectorId: 2 },
    meterValue: [{
      timestamp: ts(0),
      sampledValue: measurands.map(([measurand, unit, value]) => ({
        value, context: "Sample.Periodic", measurand, location: "Outlet",
        ...(unit ? { unitOfMeasure: { unit } } : {}),
      })),
    }],
  };
}

const COMPONENTS = ["OCPPCommCtrlr", "TxCtrlr", "SampledDataCtrlr", "AuthCtrlr", "ClockCtrlr"];
const VARIABLES = ["HeartbeatInterval", "EVConnectionTimeOut", "TxUpdatedInterval", "AuthEnabled", "TimeZone",
  "MessageTimeout", "TxStartPoint", "TxEndedMeasurands", "LocalPreAuthorize", "DateTime"];

function getVariables40() {
  const getVariableData = [];
  for (let i = 0; i < 40; i++) {
    const item = { component: { name: COMPONENTS[i % 5] }, variable: { name: VARIABLES[i % 10] } };
    if (i % 7 === 0) item.attributeType = "Actual";
    if (i % 11 === 0) item.component.evse = { id: 1, connectorId: 1 };
    getVariableData.push(item);
  }
  return { getVariableData };
}

function notifyReportPage(items) {
  const reportData = [];
  for (let i = 0; i < items; i++) {
    reportData.push({
      component: { name: COMPONENTS[i % 5], ...(i % 4 === 0 ? { evse: { id: 1 } } : {}) },
      variable: { name: VARIABLES[i % 10] },
      variableAttribute: [{ type: "Actual", value: String(i * 10), mutability: "ReadWrite", persistent: true, constant: false }],
      variableCharacteristics: { dataType: "integer", supportsMonitoring: false, unit: "s", maxLimit: 86400 },
    });
  }
  return { requestId: 42, generatedAt: ts(1), tbc: false, seqNo: 0, reportData };
}

/** A GetVariables CALL frame with n items the station knows. */
function getVariablesFrame(n) {
  const known = [["OCPPCommCtrlr", "HeartbeatInterval"], ["SecurityCtrlr", "Identity"], ["OCPPCommCtrlr", "WebSocketPingInterval"],
    ["OCPPCommCtrlr", "RetryBackOffWaitMinimum"], ["SecurityCtrlr", "SecurityProfile"]];
  const getVariableData = Array.from({ length: n }, (_, i) => ({ component: { name: known[i % 5][0] }, variable: { name: known[i % 5][1] } }));
  return [2, `bench-${n}`, "GetVariables", { getVariableData }];
}

module.exports = {
  getVariablesFrame,
  MESSAGES: [
    { name: "BootNotification", action: "BootNotification", isResponse: 0, payload: bootNotification() },
    { name: "TransactionEvent (10 sampled values)", action: "TransactionEvent", isResponse: 0, payload: transactionEvent10() },
    { name: "GetVariables (40 items)", action: "GetVariables", isResponse: 0, payload: getVariables40() },
    { name: "NotifyReport (40 items)", action: "NotifyReport", isResponse: 0, payload: notifyReportPage(40) },
  ],
};
