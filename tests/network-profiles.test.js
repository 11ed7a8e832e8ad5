// Network connection profiles (B09, B10) beyond the certification cases (those are in
// tests/conformance/b-provisioning.test.js), on the host chosen by STATION_HOST, virtual clock. One test CSMS serves
// both profiles: the old one at /ocpp, the new one at /ocpp-new, so every connection attempt shows which profile
// the station used.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { chargingScenario } = require("./helpers/scenario.js");
const { HOST } = require("./helpers/station-host.js");

const profile = (over = {}) => ({
  ocppVersion: "OCPP20", ocppTransport: "JSON", ocppCsmsUrl: "ws://127.0.0.1:1/ocpp", messageTimeout: 30,
  securityProfile: 0, ocppInterface: "Wired0", ...over,
});

const endpoints = (s, from) => s.csms.attempts.slice(from).map((a) => `${a.endpoint} ${a.accepted ? "accepted" : "refused"}`);

test(`[${HOST}] B10 the profile the station migrated to stays in use after a power cut`, async (t) => {
  const s = await chargingScenario(t);
  const newUrl = s.csms.url.replace(/\/ocpp$/, "/ocpp-new");
  assert.equal((await s.call("SetNetworkProfile", { configurationSlot: 1, connectionData: profile({ ocppCsmsUrl: newUrl }) })).status, "Accepted");
  assert.ok(["Accepted", "RebootRequired"].includes(await s.setVariable("OCPPCommCtrlr", "NetworkConfigurationPriority", "1,0")));
  const from = s.csms.attempts.length;
  const boots = s.csms.count("BootNotification");
  assert.equal((await s.call("Reset", { type: "OnIdle" })).status, "Accepted");
  await s.csms.waitFor("BootNotification", boots + 1, 5000);
  assert.deepEqual(endpoints(s, from), ["/ocpp-new accepted"]);
  await s.st.powerCycle();
  await s.csms.waitFor("BootNotification", boots + 2, 5000);
  assert.deepEqual(endpoints(s, from), ["/ocpp-new accepted", "/ocpp-new accepted"]);
});

test(`[${HOST}] B09 a profile's URL of 400 characters (string[512]) is stored whole: the station connects to it after a power cut`, async (t) => {
  const s = await chargingScenario(t);
  const path = "/ocpp-long-" + "x".repeat(400 - s.csms.url.replace(/\/ocpp$/, "").length - "/ocpp-long-".length);
  const longUrl = s.csms.url.replace(/\/ocpp$/, path);
  assert.equal(longUrl.length, 400);
  assert.equal((await s.call("SetNetworkProfile", { configurationSlot: 1, connectionData: profile({ ocppCsmsUrl: longUrl }) })).status, "Accepted");
  assert.ok(["Accepted", "RebootRequired"].includes(await s.setVariable("OCPPCommCtrlr", "NetworkConfigurationPriority", "1,0")));
  const from = s.csms.attempts.length;
  const boots = s.csms.count("BootNotification");
  await s.st.powerCycle();
  await s.csms.waitFor("BootNotification", boots + 1, 5000);
  assert.deepEqual(endpoints(s, from), [`${path} accepted`], "the whole URL, read back from storage");
});
