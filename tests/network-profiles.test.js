// Network connection profiles (B09, B10) on the host chosen by STATION_HOST, virtual clock.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { chargingScenario } = require("./helpers/scenario.js");
const { HOST } = require("./helpers/station-host.js");

const profile = (over = {}) => ({
  ocppVersion: "OCPP20", ocppTransport: "JSON", ocppCsmsUrl: "ws://127.0.0.1:1/ocpp", messageTimeout: 30,
  securityProfile: 0, ocppInterface: "Wired0", ...over,
});

test(`[${HOST}] TC_B_45_CS (B09) SetNetworkProfile: a free slot is Accepted; the slot in use, other versions or transports, bad URLs Rejected`, async (t) => {
  const s = await chargingScenario(t);
  const set = async (configurationSlot, over) => (await s.call("SetNetworkProfile", { configurationSlot, connectionData: profile(over) })).status;
  assert.equal(await set(1), "Accepted");
  assert.equal(await set(2, { ocppCsmsUrl: "ws://csms.example:8080/ocpp/v2" }), "Accepted");
  assert.equal(await set(0), "Rejected", "slot 0 is in use");
  assert.equal(await set(3), "Rejected", "no such slot");
  assert.equal(await set(1, { ocppVersion: "OCPP16" }), "Rejected");
  assert.equal(await set(1, { ocppTransport: "SOAP" }), "Rejected");
  assert.equal(await set(1, { ocppCsmsUrl: "http://x/ocpp" }), "Rejected");
  assert.equal(await set(1, { ocppCsmsUrl: "wss://x/ocpp", securityProfile: 1 }), "Rejected", "profile 1 runs over ws://");
  assert.equal(await set(1, { ocppCsmsUrl: "wss://x/ocpp", securityProfile: 2 }), "Accepted", "an upgrade is fine");
});
