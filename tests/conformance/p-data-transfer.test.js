// Block P (data transfer and custom data), the Charging Station cases of the Core profile in Part 5:
// TC_P_01_CS and TC_P_03_CS. TC_P_02_CS is a CSMS case; TC_P_04_CS (customData in a charging profile) needs Smart
// Charging, which the target does not have (Part 5 lists it in no profile this station is certified for).
//
// Station configuration assumed: the defaults; the station implements no vendor-specific DataTransfer
// (assembly/diagnostics/data-transfer.ts), so any vendorId is unknown to it.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { conformance } = require("./states.js");
const { HOST } = require("../helpers/station-host.js");

/** The test tool's <Configured messageId>: one the station does not use. */
const CONFIGURED_MESSAGE_ID = "TestMessageId";
/** What the test tool may put in customData: a vendorId and any properties of its own. */
const CUSTOM_DATA = { vendorId: "org.openchargealliance.octt", note: "to be ignored", nested: { a: 1, list: [1, 2] } };

test(`[${HOST}] TC_P_01_CS Data Transfer to the Charging Station - Rejected / Unknown VendorId / Unknown MessageId`, async (t) => {
  const s = await conformance(t);
  // Before: nothing. Main step 1: the test tool sends a DataTransferRequest with its own vendorId and a messageId
  // the station does not use.
  const mark = s.mark();
  const r = await s.call("DataTransfer", { vendorId: "org.openchargealliance.octt", messageId: CONFIGURED_MESSAGE_ID });
  // Tool validations, step 2: DataTransferResponse status UnknownVendorId, UnknownMessageId or Rejected.
  assert.ok(["UnknownVendorId", "UnknownMessageId", "Rejected"].includes(r.status),
    `step 2: DataTransferResponse status UnknownVendorId, UnknownMessageId or Rejected (got ${r.status})`);
  assert.equal(r.status, "UnknownVendorId", "step 2: this station knows no vendorId (P01.FR.05)");
  assert.equal(r.data, undefined, "step 2: no data for an unknown vendor");
  // The same with data attached, and with no messageId at all (both optional in the request).
  assert.equal((await s.call("DataTransfer", { vendorId: "org.openchargealliance.octt", messageId: CONFIGURED_MESSAGE_ID, data: { x: [1, "y"] } })).status,
    "UnknownVendorId", "with data");
  assert.equal((await s.call("DataTransfer", { vendorId: "org.openchargealliance.octt" })).status, "UnknownVendorId", "without messageId");
  // Nothing else happens: the station sends nothing in reply.
  await s.step(2000);
  assert.deepEqual(s.since(mark).map((m) => m.method), [], "no message from the station after the DataTransfers");
});

// Part 6 lists the SetVariables/GetVariables steps of TC_P_03_CS without saying where the custom data goes; the
// case is "receive custom data", so the requests carry customData at every level the schema allows it (the
// request, each item, its component and variable), as the test tool sends it, and the station must take them as
// if customData were absent.
test(`[${HOST}] TC_P_03_CS CustomData - Receive custom data`, async (t) => {
  const s = await conformance(t);
  // Before: nothing. Main step 1: SetVariablesRequest OCPPCommCtrlr.OfflineThreshold = "200", attributeType Actual.
  const set = await s.call("SetVariables", { customData: CUSTOM_DATA, setVariableData: [{ customData: CUSTOM_DATA,
    component: { name: "OCPPCommCtrlr", customData: CUSTOM_DATA }, variable: { name: "OfflineThreshold", customData: CUSTOM_DATA },
    attributeValue: "200", attributeType: "Actual" }] });
  // Tool validations, step 2: setVariableResult[0].attributeStatus Accepted.
  assert.equal(set.setVariableResult.length, 1, "step 2: one result");
  assert.equal(set.setVariableResult[0].attributeStatus, "Accepted", "step 2: setVariableResult[0].attributeStatus Accepted");
  // Main step 3: GetVariablesRequest OCPPCommCtrlr.OfflineThreshold, attributeType Actual.
  const get = await s.call("GetVariables", { customData: CUSTOM_DATA, getVariableData: [{ customData: CUSTOM_DATA,
    component: { name: "OCPPCommCtrlr", customData: CUSTOM_DATA }, variable: { name: "OfflineThreshold", customData: CUSTOM_DATA },
    attributeType: "Actual" }] });
  // Tool validations, step 4: attributeStatus Accepted, attributeType Actual or omitted, attributeValue 200.
  assert.equal(get.getVariableResult.length, 1, "step 4: one result");
  const g = get.getVariableResult[0];
  assert.equal(g.attributeStatus, "Accepted", "step 4: getVariableResult[0].attributeStatus Accepted");
  assert.ok(g.attributeType === undefined || g.attributeType === "Actual", `step 4: attributeType Actual or omitted (got ${g.attributeType})`);
  assert.equal(g.attributeValue, "200", "step 4: getVariableResult[0].attributeValue 200");
});
