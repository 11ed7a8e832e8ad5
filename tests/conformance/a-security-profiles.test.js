// Part 6 §2.2 A Security: the security profiles on the transport (A00, A01, A05), on the host chosen by
// STATION_HOST. The tool's CSMS is the strict test CSMS; for security profiles 2 and 3 a TLS front
// (tests/helpers/tls-front.js) terminates TLS with certificates of a PKI made for the run and records each
// handshake (protocol, cipher suite, client certificate), which is what the tool validates at the TLS steps.
// The CSMS root the station trusts is in the host's certificate store: provisioned from --ca at start (the Linux
// hosts import it into an empty store, docs/security.md), or installed by InstallCertificate where a case's
// Memory State says so (TC_A_19_CS).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const { conformance, states, CONNECTORS } = require("./states.js");
const { HOST } = require("../helpers/station-host.js");
const { makePki } = require("../helpers/pki.js");
const { startTlsFront, extendPki } = require("../helpers/tls-front.js");

const PASSWORD = "0123456789abcdef-secret";   // <Configured BasicAuthPassword>
const STATION_ID = "CS001";                   // <Configured ChargingStationId>, also the station certificate's CN
// PICS C-41: the target's suites; TLS 1.3 has its own (all AEAD).
const C41 = ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384"];

const profile = (over = {}) => ({
  ocppVersion: "OCPP20", ocppTransport: "JSON", ocppCsmsUrl: "ws://127.0.0.1:1/ocpp", messageTimeout: 30,
  securityProfile: 0, ocppInterface: "Wired0", ...over,
});

/** A case whose station uses security profile `sp` (1: plain WebSocket, 2/3: through the TLS front serving `as`).
 *  boot: wait for the first BootNotification. */
async function securedCase(t, { sp = 2, as = "server", config = {}, boot = true, station = {} } = {}) {
  const pki = extendPki(makePki());
  t.after(() => fs.rmSync(pki.dir, { recursive: true, force: true }));
  const front = await startTlsFront(t, pki, { as, requestCert: sp === 3 });
  const credentials = sp === 3 ? { clientCert: pki.file("station.pem"), clientKey: pki.file("station.key") } : { password: PASSWORD };
  const s = await conformance(t, { boot: false, config, station: {
    ...(sp >= 2 ? { csmsUrl: front.url() } : {}), stationId: STATION_ID, securityProfile: sp, caFile: pki.file("root.pem"),
    ...credentials, ...station } });
  front.connectTo(Number(new URL(s.csms.url).port));
  if (boot) {
    await s.csms.waitFor("BootNotification", 1, 10_000);
    await s.step(2000);
  }
  return { s, front, pki };
}

/** Steps of virtual time until the CSMS received BootNotification number n (the station's back-off runs on the
 *  virtual clock). */
async function untilBoot(s, n, maxMs = 300_000) {
  for (let waited = 0; s.csms.count("BootNotification") < n && waited < maxMs; waited += 1000) await s.step(1000);
  assert.ok(s.csms.count("BootNotification") >= n, `BootNotification #${n} within ${maxMs} ms of station time`);
  await s.step(3000);
}

/** Real time until pred() holds: the station's first attempt after a boot happens at once. */
async function until(pred, what, ms = 10_000) {
  const end = Date.now() + ms;
  while (!pred() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.ok(pred(), what);
}

/** The TLS step validations (TC_A_04/05/06/07_CS step 2 or 4): TLS 1.2 or above; with TLS 1.2 one of the suites. */
function assertTls(h, why) {
  assert.ok(h && h.ok, `${why}: the TLS handshake completes`);
  assert.ok(["TLSv1.2", "TLSv1.3"].includes(h.protocol), `${why}: TLS 1.2 or above, got ${h.protocol}`);
  if (h.protocol === "TLSv1.2") assert.ok(C41.includes(h.cipher), `${why}: a C-41 cipher suite, got ${h.cipher}`);
}

/** Reusable State Booting over the TLS front, up to the handshake's validations at step `why`: the handshake
 *  (h), the index of the upgrade attempt (n) and the mark the booting took. */
async function bootingOverTls(s, front, why) {
  const done = front.completed().length;
  const n = s.csms.attempts.length;
  const boots = s.csms.count("BootNotification");
  const mark = await states.booting(s);
  await s.csms.waitFor("BootNotification", boots + 1, 10_000);
  await s.step(3000);
  const h = front.completed()[done];
  assertTls(h, why);
  return { h, n, mark };
}

/** Steps 9/12 of the TLS cases (the station notifies the connectors' state): StatusNotification Available each. */
function assertConnectorsAvailable(s, mark, why) {
  for (const c of CONNECTORS) {
    const got = s.sentSince(mark, "StatusNotification").filter((p) => p.connectorId === c);
    assert.ok(got.length > 0, `${why}: a StatusNotification for connector ${c}`);
    assert.equal(got[got.length - 1].connectorStatus, "Available", `${why}: connector ${c} Available`);
  }
}

/** Memory State CertificateInstalled: InstallCertificate of `type` with `certificate` (PEM); step 2 Accepted. */
async function certificateInstalled(s, type, certificate) {
  const r = await s.call("InstallCertificate", { certificateType: type, certificate });
  assert.equal(r.status, "Accepted", `Memory State CertificateInstalled step 2: InstallCertificateResponse Accepted (${type})`);
}

const bootAccepted = (s, mark, why) => {
  const boots = s.sentSince(mark, "BootNotification");
  assert.ok(boots.length >= 1, `${why}: BootNotificationRequest`);
};

// ---- A00 / A01: Basic authentication ------------------------------------------------------------------------

// Part 6 has no text for TC_A_01_CS in this copy; built from use case A00 (security profile 1): the station opens
// the WebSocket with an HTTP Basic Authorization header holding <ChargingStationId>:<BasicAuthPassword> (the
// password as configured, UTF-8), the CSMS checks it and accepts, and the station boots over that connection.
test(`[${HOST}] TC_A_01_CS Valid username/password combination`, async (t) => {
  const { s } = await securedCase(t, { sp: 1, boot: false });
  // The tool checks the upgrade's credentials.
  s.csms.admit((h) => h.identity === STATION_ID && h.password && h.password.toString() === PASSWORD);
  await s.csms.waitFor("BootNotification", 1, 10_000);
  await s.step(3000);
  const first = s.csms.attempts[0];
  assert.equal(first.identity, STATION_ID, "the username is the station identity");
  assert.equal(first.password, PASSWORD, "the password is <Configured BasicAuthPassword>");
  assert.ok(first.accepted, "the CSMS accepts the combination");
  bootAccepted(s, 0, "Booted");
  assertConnectorsAvailable(s, 0, "Booted");
  // Write-only (Part 2 appendix, SecurityCtrlr.BasicAuthPassword): never read back.
  const get = await s.getVariable("SecurityCtrlr", "BasicAuthPassword");
  assert.equal(get.attributeStatus, "Rejected", "GetVariables of a WriteOnly variable is Rejected");
  assert.equal(get.attributeStatusInfo && get.attributeStatusInfo.reasonCode, "WriteOnly", "reasonCode WriteOnly (Part 2 appendix)");
  assert.equal(get.attributeValue, undefined, "and carries no value");
});

test(`[${HOST}] TC_A_09_CS Update Charging Station Password for HTTP Basic Authentication - Accepted`, async (t) => {
  // Prerequisite: security profile 1 and/or 2; played on profile 2 (TLS with Basic authentication).
  const { s } = await securedCase(t, { sp: 2 });
  const newPassword = "Nw-pass_word:0123456789+|@.*=";
  // Main 1–2: SetVariables SecurityCtrlr.BasicAuthPassword = <NewPassword>.
  const status = await s.setVariable("SecurityCtrlr", "BasicAuthPassword", newPassword);
  assert.ok(["Accepted", "RebootRequired"].includes(status), `Step 2: Accepted or RebootRequired, got ${status}`);
  assert.equal(status, "Accepted", "this station uses the new password from the next connection on (no reboot)");
  // 3–4: the tool ends the connection; the station's next upgrade request carries <Configured ChargingStationId>:
  // <NEW BasicAuthPassword>, which the tool validates before upgrading.
  const n = s.csms.attempts.length;
  s.csms.admit((h) => h.identity === STATION_ID && h.password && h.password.toString() === newPassword);
  await s.csms.client().close({ code: 1001, force: true });
  assert.ok(await s.stepUntilConnected(2, 120_000), "Step 3: the station reconnects");
  assert.equal(s.csms.attempts[n].identity, STATION_ID, "Step 3: username <Configured ChargingStationId>");
  assert.equal(s.csms.attempts[n].password, newPassword, "Step 3: the new BasicAuthPassword");
  assert.ok(s.csms.attempts[n].accepted, "Step 4: the tool upgrades the connection");
  // 5–8 only when step 2 answered RebootRequired (not the case here).
});

test(`[${HOST}] TC_A_10_CS Update Charging Station Password for HTTP Basic Authentication - Rejected`, async (t) => {
  const { s } = await securedCase(t, { sp: 2 });
  // Main 1–2: SetVariables BasicAuthPassword = <NewPassword which is less than 16 characters>.
  assert.equal(await s.setVariable("SecurityCtrlr", "BasicAuthPassword", "short-pass-15ch"), "Rejected", "Step 2: status Rejected");
  // 3–4: the upgrade request still carries the OLD BasicAuthPassword.
  const n = s.csms.attempts.length;
  s.csms.admit((h) => h.identity === STATION_ID && h.password && h.password.toString() === PASSWORD);
  await s.csms.client().close({ code: 1001, force: true });
  assert.ok(await s.stepUntilConnected(2, 120_000), "Step 3: the station reconnects");
  assert.equal(s.csms.attempts[n].password, PASSWORD, "Step 3: the old BasicAuthPassword");
  assert.ok(s.csms.attempts[n].accepted, "Step 4: the tool upgrades the connection");
  // 5: Reusable State Booted.
  const from = s.csms.attempts.length;
  await states.booted(s);
  // Post scenario: BasicAuthPassword is still <Configured BasicAuthPassword> (write-only: seen on the wire).
  assert.equal(s.csms.attempts[from].password, PASSWORD, "Post: BasicAuthPassword is <Configured BasicAuthPassword>");
});

// ---- A00: TLS ---------------------------------------------------------------------------------------------

test(`[${HOST}] TC_A_04_CS TLS - server-side certificate - Valid certificate`, async (t) => {
  // Prerequisite: the active profile is 2. The tool's validation at step 2 asks for both C-41 suites: the front
  // serves TLS 1.2 with the first, and (a second Booting, below) with the second.
  const { s, front } = await securedCase(t, { sp: 2, as: "aes128" });
  for (const suite of ["aes128", "aes256"]) {
    front.use(suite);
    // Before: Reusable State Booting. 1–4: the TLS handshake with <Configured server certificate>.
    const { h, n, mark } = await bootingOverTls(s, front, "Step 2");
    assert.equal(h.cipher, suite === "aes128" ? C41[0] : C41[1], `Step 2: ${suite} negotiated`);
    // 5–6: the upgrade carries username/password (profile 2).
    assert.equal(s.csms.attempts[n].password, PASSWORD, "Step 5: Basic authentication in profile 2");
    // 7–8: BootNotification, Accepted.
    bootAccepted(s, mark, "Step 7");
    // 9–10: every connector Available.
    assertConnectorsAvailable(s, mark, "Step 9");
  }
});

/** TC_A_05_CS with one kind of invalid server certificate. */
async function invalidCertificate(t, kind) {
  // Before: NetworkProfileConnectionAttempts 2; Reusable State Booting.
  const { s, front } = await securedCase(t, { sp: 2, config: { "dm:OCPPCommCtrlr.NetworkProfileConnectionAttempts": "2" } });
  front.use(kind);
  const failed = front.failures();
  const mark = await states.booting(s);
  const boots = s.csms.count("BootNotification");
  // 1–3: the server hello with <Configured invalid server certificate>; the station terminates the connection.
  await until(() => front.failures() > failed, "Step 3: the station terminates the handshake");
  assert.equal(s.csms.count("BootNotification"), boots, "Step 3: no connection");
  front.use("server");
  // 4–9: a new handshake with <Configured server certificate>, the upgrade.
  await untilBoot(s, boots + 1);
  assertTls(front.completed()[front.completed().length - 1], "Step 5");
  // 10–13: BootNotification Accepted, the connectors.
  bootAccepted(s, mark, "Step 10");
  assertConnectorsAvailable(s, mark, "Step 12");
  // 14–15: SecurityEventNotification InvalidCsmsCertificate.
  const events = s.sentSince(mark, "SecurityEventNotification").map((p) => p.type);
  assert.ok(events.includes("InvalidCsmsCertificate"), `Step 14: InvalidCsmsCertificate, got ${events}`);
}

for (const [kind, what] of [["selfsigned", "Unknown certificate"], ["expired", "expired certificate"],
  ["wronghost", "commonName not the CSMS's FQDN"]]) {
  test(`[${HOST}] TC_A_05_CS TLS - server-side certificate - Invalid certificate (${what})`, (t) => invalidCertificate(t, kind));
}

test(`[${HOST}] TC_A_06_CS TLS - server-side certificate - TLS version too low`, async (t) => {
  // Before: NetworkProfileConnectionAttempts 1; no reusable state: the station starts against the tool, which
  // answers the first handshake with TLS below 1.2.
  const { s, front } = await securedCase(t, { sp: 2, as: "tls11", boot: false,
    config: { "dm:OCPPCommCtrlr.NetworkProfileConnectionAttempts": "1" } });
  // 1–3: the station notices the version and terminates the connection.
  await until(() => front.failures() > 0, "Step 3: the station terminates the handshake");
  assert.equal(s.csms.count("BootNotification"), 0, "Step 3: no connection");
  front.use("server");
  // 4–9: the next handshake with a good TLS version, the upgrade.
  await untilBoot(s, 1);
  assertTls(front.completed()[0], "Step 5");
  // 10–13: BootNotification Accepted, the connectors.
  bootAccepted(s, 0, "Step 10");
  assertConnectorsAvailable(s, 0, "Step 12");
  // 14–17: the boot's security event and InvalidTLSVersion (order not relevant).
  const events = s.sentSince(0, "SecurityEventNotification").map((p) => p.type);
  assert.ok(events.includes("StartupOfTheDevice") || events.includes("ResetOrReboot"), `Step 14: StartupOfTheDevice or ResetOrReboot, got ${events}`);
  assert.ok(events.includes("InvalidTLSVersion"), `Step 16: InvalidTLSVersion, got ${events}`);
});

test(`[${HOST}] TC_A_07_CS TLS - Client-side certificate - valid certificate`, async (t) => {
  // Prerequisite: the active profile is 3. Before: Reusable State Booting.
  const { s, front, pki } = await securedCase(t, { sp: 3 });
  // 1–4: the handshake with the client certificate; step 4's validations.
  const { h, n, mark } = await bootingOverTls(s, front, "Step 4");
  assert.ok(h.client, "Step 4: the station sends its client certificate");
  assert.ok(h.client.bits >= 224, `Step 4: an elliptic-curve key of at least 224 bits, got ${h.client.bits}`);
  assert.ok(h.client.serialNumber && h.client.serialNumber.length > 0, "Step 4: the certificate has a serial number");
  assert.equal(h.client.cn, STATION_ID, "Step 4: the subject's commonName is the station's unique serial number (its identity)");
  const pem = pki.read("station.pem").toString();
  assert.match(pem, /^-----BEGIN CERTIFICATE-----/, "Step 4: X.509 in PEM");
  assert.deepEqual(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64"), h.client.raw, "Step 4: the installed certificate");
  // 5–6: the upgrade, without username/password (profile 3).
  assert.equal(s.csms.attempts[n].password, null, "Step 5: no Basic authentication in profile 3");
  // 7–10: BootNotification Accepted, the connectors.
  bootAccepted(s, mark, "Step 7");
  assertConnectorsAvailable(s, mark, "Step 9");
});

// ---- A05: upgrading the security profile ------------------------------------------------------------------

test(`[${HOST}] TC_A_19_CS Upgrade Charging Station Security Profile - Accepted`, async (t) => {
  // Prerequisite: security profile 1, no CSMS root provisioned (no --ca): the store starts empty.
  const { s, front, pki } = await securedCase(t, { sp: 1, station: { caFile: undefined } });
  // Before, Memory State CertificateInstalled (configured profile 1): InstallCertificate of the CSMS root.
  await certificateInstalled(s, "CSMSRootCertificate", pki.read("root.pem").toString());
  const slot = 1;   // <Configured configurationSlot>: the one not in use (0 is)
  // Main 1–2: SetNetworkProfile, the configured CSMS at <Configured securityProfile + 1>.
  const set = await s.call("SetNetworkProfile", { configurationSlot: slot,
    connectionData: profile({ ocppCsmsUrl: front.url("/ocpp-sp2"), securityProfile: 2 }) });
  assert.equal(set.status, "Accepted", "Step 2: SetNetworkProfileResponse Accepted");
  // 3–4: NetworkConfigurationPriority "<slot + 1>,<slot>": the new one first.
  const prio = await s.setVariable("OCPPCommCtrlr", "NetworkConfigurationPriority", "1,0");
  assert.ok(["Accepted", "RebootRequired"].includes(prio), `Step 4: Accepted or RebootRequired, got ${prio}`);
  // 5–6: Reset OnIdle (the station said RebootRequired).
  const from = s.csms.attempts.length;
  const boots = s.csms.count("BootNotification");
  const mark = s.mark();
  if (prio === "RebootRequired") assert.equal((await s.call("Reset", { type: "OnIdle" })).status, "Accepted", "Step 6: ResetResponse Accepted");
  // 7–8: the station reconnects with security profile 2: TLS, then the upgrade with Basic authentication.
  await s.csms.waitFor("BootNotification", boots + 1, 10_000);
  await s.step(3000);
  assert.equal(s.csms.attempts[from].endpoint, "/ocpp-sp2", "Step 7: the new profile's URL");
  assert.equal(s.csms.attempts[from].password, PASSWORD, "Step 7: profile 2 sends Basic authentication");
  assertTls(front.completed()[0], "Step 7");
  // 9: Reusable State Booted (the reboot's BootNotification, connectors, security event).
  bootAccepted(s, mark, "Step 9 (Booted)");
  assertConnectorsAvailable(s, mark, "Step 9 (Booted)");
  const events = s.sentSince(mark, "SecurityEventNotification").map((p) => p.type);
  assert.ok(events.includes("ResetOrReboot") || events.includes("StartupOfTheDevice"), `Step 9 (Booted): the boot's security event, got ${events}`);
  // 10–11: SecurityCtrlr.SecurityProfile is <Configured securityProfile + 1>.
  assert.equal((await s.getVariable("SecurityCtrlr", "SecurityProfile")).attributeValue, "2", "Step 11: SecurityProfile 2");
  // 12–13: NetworkConfigurationPriority does not contain <Configured configurationSlot> any more.
  const now = (await s.getVariable("OCPPCommCtrlr", "NetworkConfigurationPriority")).attributeValue;
  assert.ok(!now.split(",").map((x) => x.trim()).includes("0"), `Step 13: the profile-1 slot left the list, got "${now}"`);
  // Never back to profile 1: a lost connection reconnects at profile 2.
  const again = s.csms.attempts.length;
  await s.csms.client().close({ code: 1001, force: true });
  assert.ok(await s.stepUntilConnected(s.csms.connections.length + 1, 120_000), "the station reconnects");
  assert.ok(s.csms.attempts.slice(again).every((a) => a.endpoint === "/ocpp-sp2"), "no attempt with the profile-1 slot");
});

// TC_A_21_CS is na for the target (cases.tsv), but its requirement stands: A05.FR.03, a slot whose security
// profile needs a certificate the station does not have must not become active. SetNetworkProfile stores such a
// profile (TC_A_21_CS step 2 expects Accepted); SetVariables NetworkConfigurationPriority putting it in the list is
// Rejected (step 4), and Accepted once the certificate is installed.
test(`[${HOST}] A05.FR.03 NetworkConfigurationPriority with a slot whose certificates are missing is Rejected`, async (t) => {
  const { s, front, pki } = await securedCase(t, { sp: 1, station: { caFile: undefined } });
  const set2 = await s.call("SetNetworkProfile", { configurationSlot: 1,
    connectionData: profile({ ocppCsmsUrl: front.url("/ocpp-sp2"), securityProfile: 2 }) });
  assert.equal(set2.status, "Accepted", "SetNetworkProfile of a profile-2 slot: Accepted");
  const set3 = await s.call("SetNetworkProfile", { configurationSlot: 2,
    connectionData: profile({ ocppCsmsUrl: front.url("/ocpp-sp3"), securityProfile: 3 }) });
  assert.equal(set3.status, "Accepted", "SetNetworkProfile of a profile-3 slot: Accepted");
  assert.equal(await s.setVariable("OCPPCommCtrlr", "NetworkConfigurationPriority", "1,0"), "Rejected",
    "profile 2 without a CSMSRootCertificate: Rejected");
  await certificateInstalled(s, "CSMSRootCertificate", pki.read("root.pem").toString());
  assert.equal(await s.setVariable("OCPPCommCtrlr", "NetworkConfigurationPriority", "2,0"), "Rejected",
    "profile 3 with the root but without a ChargingStationCertificate: Rejected");
  assert.equal(await s.setVariable("OCPPCommCtrlr", "NetworkConfigurationPriority", "0,2"), "Rejected",
    "a later slot of the list may become active too: Rejected");
  const prio = await s.setVariable("OCPPCommCtrlr", "NetworkConfigurationPriority", "1,0");
  assert.ok(["Accepted", "RebootRequired"].includes(prio), `profile 2 once the root is installed: Accepted or RebootRequired, got ${prio}`);
});

test(`[${HOST}] TC_A_22_CS Upgrade Charging Station Security Profile - Downgrade security profile - Rejected`, async (t) => {
  // Prerequisite: the station uses profile 2; the second tool endpoint is for a lower profile (1, plain ws).
  const { s } = await securedCase(t, { sp: 2 });
  // Main 1–2: SetNetworkProfile for the slot not in use, <ocppCsmsUrl that is not currently active>, profile 1.
  const lower = s.csms.url.replace(/\/ocpp$/, "/ocpp-sp1");
  const set = await s.call("SetNetworkProfile", { configurationSlot: 1,
    connectionData: profile({ ocppCsmsUrl: lower, securityProfile: 1, messageTimeout: 20 }) });
  assert.equal(set.status, "Rejected", "Step 2: SetNetworkProfileResponse Rejected");
});
