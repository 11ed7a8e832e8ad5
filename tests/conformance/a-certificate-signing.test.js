// Block A, the station's own certificate by request of the CSMS (A02/A03), the Charging Station cases of the
// Advanced Security profile in Part 5: TC_A_11_CS, TC_A_14_CS, TC_A_15_CS and TC_A_23_CS (AS-3 Yes).
//
// Every case's prerequisite is security profile 3: the test CSMS listens for wss:// with a server certificate of
// the test PKI (tests/helpers/pki.js, openssl) and asks for the station's client certificate; the station starts
// with the PKI's station certificate and key (the lab's provisioning) and the PKI's root as its installed CSMS
// root (in its certificate store, so a CertificateSigned chain can chain to it). The test CSMS signs the CSR the
// station sends with openssl, as the CA of the test PKI. Station configuration assumed: SecurityCtrlr.
// OrganizationName "Test" (the CSR's O), the station id CS001 (its CN).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { conformance } = require("./states.js");
const { HOST } = require("../helpers/station-host.js");
const { makePki } = require("../helpers/pki.js");

const pki = makePki();
const work = fs.mkdtempSync(path.join(os.tmpdir(), "signing-"));
test.after(() => { fs.rmSync(pki.dir, { recursive: true, force: true }); fs.rmSync(work, { recursive: true, force: true }); });

const ORGANIZATION = "Test";
const STATION_ID = "CS001";
let files = 0;
const file = (name) => path.join(work, `${++files}-${name}`);
const openssl = (args) => execFileSync("openssl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** openssl's form of a time `ms` from now: YYYYMMDDHHMMSSZ. */
const opensslTime = (ms) => `${new Date(Date.now() + ms).toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`;

/** The test CSMS's CA: a certificate for the CSR, signed by `ca` (a root of the test PKI), valid from an hour ago
 *  for 30 days (CAs backdate for clock skew; the board's wall clock runs on virtual time, which falls behind the
 *  real time under emulation), or within `dates` (openssl ca -startdate/-enddate, for an expired one). */
function signCsr(csrPem, { ca = "root", dates } = {}) {
  const csr = file("station.csr"), out = file("station.pem");
  fs.writeFileSync(csr, csrPem);
  if (!dates && ca === "root") {
    const ext = file("client.ext");
    fs.writeFileSync(ext, "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
    openssl(["ca", "-batch", "-config", pki.file("ca.cnf"), "-in", csr, "-out", out, "-notext", "-extfile", ext,
      "-startdate", opensslTime(-3600_000), "-enddate", opensslTime(30 * 86400_000)]);
  } else if (dates) {
    openssl(["ca", "-batch", "-config", pki.file("ca.cnf"), "-in", csr, "-out", out, "-notext", "-startdate", dates[0], "-enddate", dates[1]]);
  } else {
    const ext = file("client.ext");
    fs.writeFileSync(ext, "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
    openssl(["x509", "-req", "-in", csr, "-CA", pki.file(`${ca}.pem`), "-CAkey", pki.file(`${ca}.key`), "-extfile", ext,
      "-set_serial", `0x${crypto.randomBytes(8).toString("hex")}`, "-days", "30", "-out", out]);
  }
  return fs.readFileSync(out, "utf8");
}

/** The tool validation of every SignCertificateRequest of these cases: a PKCS#10 request (RFC 2986) in PEM whose
 *  signature verifies, an EC key of at least 224 bits (RSA: 2048), and the subject the station is configured with. */
function assertCsr(csrPem, why) {
  assert.match(csrPem, /^-----BEGIN CERTIFICATE REQUEST-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE REQUEST-----\r?\n?$/, `${why}: csr is one PEM CERTIFICATE REQUEST`);
  const f = file("check.csr");
  fs.writeFileSync(f, csrPem);
  const text = openssl(["req", "-in", f, "-verify", "-noout", "-text"]);   // throws if the self-signature is bad
  const bits = Number((/Public-Key: \((\d+) bit\)/.exec(text) || [])[1]);
  if (/rsaEncryption/.test(text)) assert.ok(bits >= 2048, `${why}: an RSA key of at least 2048 bits (${bits})`);
  else assert.ok(/id-ecPublicKey/.test(text) && bits >= 224, `${why}: an EC key of at least 224 bits (${bits})`);
  assert.match(text, new RegExp(`Subject: O ?= ?${ORGANIZATION}, CN ?= ?${STATION_ID}\\n`), `${why}: subject O = OrganizationName, CN = station id`);
}

const fingerprint = (pem) => new crypto.X509Certificate(pem).fingerprint256;

/** A station on security profile 3 against the TLS test CSMS. `signStatus` is how the CSMS answers
 *  SignCertificateRequest. */
async function securityProfile3(t, { signStatus = "Accepted", config = {} } = {}) {
  // The lab's provisioning: the CSMS root and the first station certificate from the start-up files, which the host
  // imports into its empty certificate store (docs/security.md); a CertificateSigned chain must lead to that root.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "signing-station-"));
  const s = await conformance(t, {
    csms: {
      tls: { cert: pki.read("server.pem"), key: pki.read("server.key"), ca: pki.read("root.pem"), requestCert: true },
      handlers: { SignCertificate: () => ({ status: signStatus }) },
    },
    station: { stationId: STATION_ID, securityProfile: 3, dataDir, caFile: pki.file("root.pem"),
      clientCert: pki.file("station.pem"), clientKey: pki.file("station.key") },
    config: { "dm:SecurityCtrlr.OrganizationName": ORGANIZATION, ...config },
  });
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const first = s.csms.attempts.find((a) => a.accepted);
  assert.ok(first && first.clientCert, "prerequisite: security profile 3, the station presented a client certificate");
  assert.equal(first.clientCert.fingerprint256, fingerprint(pki.read("station.pem")), "prerequisite: the provisioned station certificate");
  return s;
}

/** Main steps 1–4 (the memory state RenewChargingStationCertificate and the cases that start like it): the
 *  TriggerMessage, its answer, the SignCertificateRequest and its validations. Returns the CSR. */
async function triggerSigning(s, why) {
  const mark = s.mark();
  // Step 1: TriggerMessageRequest requestedMessage SignChargingStationCertificate.
  const r = await s.call("TriggerMessage", { requestedMessage: "SignChargingStationCertificate" });
  // Step 2: TriggerMessageResponse status Accepted.
  assert.equal(r.status, "Accepted", `${why} step 2: TriggerMessageResponse status Accepted`);
  // Step 3: SignCertificateRequest (step 4, the CSMS's answer, is its handler).
  await s.stepUntil(() => s.sentSince(mark, "SignCertificate").length > 0, 5000);
  const sent = s.sentSince(mark, "SignCertificate");
  assert.equal(sent.length, 1, `${why} step 3: one SignCertificateRequest`);
  assert.ok(sent[0].certificateType === undefined || sent[0].certificateType === "ChargingStationCertificate",
    `${why} step 3: certificateType ChargingStationCertificate (or omitted: the default)`);
  assertCsr(sent[0].csr, `${why} step 3`);
  return sent[0].csr;
}

const securityEvents = (s, mark) => s.sentSince(mark, "SecurityEventNotification").map((p) => p.type);

test(`[${HOST}] TC_A_11_CS Update Charging Station Certificate by request of CSMS - Success - Charging Station Certificate`, async (t) => {
  // A reconnection back-off of 5–7 s instead of the default 30 s (the case sets none): the emulated board pays about
  // a second of real time per second of station time, and make test runs this case there.
  const s = await securityProfile3(t, { config: { "dm:OCPPCommCtrlr.RetryBackOffWaitMinimum": "5", "dm:OCPPCommCtrlr.RetryBackOffRandomRange": "2" } });
  // Main step 1: the memory state RenewChargingStationCertificate for certificateType ChargingStationCertificate,
  // whose steps follow (Part 6, memory states).
  const csr = await triggerSigning(s, "RenewChargingStationCertificate");
  // Step 5: CertificateSignedRequest with a certificate made from the CSR of step 3, signed by the CSMS root.
  const chain = signCsr(csr);
  const mark = s.mark();
  const r = await s.call("CertificateSigned", { certificateChain: chain, certificateType: "ChargingStationCertificate" });
  // Step 6: CertificateSignedResponse status Accepted.
  assert.equal(r.status, "Accepted", "RenewChargingStationCertificate step 6: CertificateSignedResponse status Accepted");
  // A02.FR.08 (errata 2025-01): the station switches by reconnecting; the new connection presents the new
  // certificate (the requirements of the case name A02.FR.08).
  assert.ok(await s.stepUntilConnected(2, 120_000), "A02.FR.08: the station reconnects");
  const again = s.csms.attempts.filter((a) => a.accepted);
  assert.equal(again[again.length - 1].clientCert && again[again.length - 1].clientCert.fingerprint256, fingerprint(chain),
    "A02.FR.08: the new connection presents the signed certificate");
  assert.deepEqual(securityEvents(s, mark), [], "no security event for a good certificate");
  // It stays in use: a later connection (another reconnect) presents it too.
  await s.csmsGone();
  await s.csmsBack();
  assert.ok(await s.stepUntilConnected(3, 120_000), "the station reconnects after the CSMS went away");
  const last = s.csms.attempts.filter((a) => a.accepted).pop();
  assert.equal(last.clientCert.fingerprint256, fingerprint(chain), "the stored certificate is used from then on");
});

test(`[${HOST}] TC_A_14_CS Update Charging Station Certificate by request of CSMS - Invalid certificate`, async (t) => {
  const s = await securityProfile3(t);
  // Steps 1–4 (step 4: SignCertificateResponse Accepted); tool validations of steps 2 and 3.
  const csr = await triggerSigning(s, "TC_A_14_CS");
  // Step 5: CertificateSignedRequest with <Configured invalid_signingCertificate>: here the CSR's certificate
  // signed by a CA outside the Charging Station Operator hierarchy (the test PKI's unrelated root).
  const mark = s.mark();
  const r = await s.call("CertificateSigned", { certificateChain: signCsr(csr, { ca: "other-root" }), certificateType: "ChargingStationCertificate" });
  // Step 6: CertificateSignedResponse status Rejected.
  assert.equal(r.status, "Rejected", "step 6: CertificateSignedResponse status Rejected");
  // Steps 7/8: SecurityEventNotificationRequest type InvalidChargingStationCertificate, after the response.
  assert.ok(await s.stepUntil(() => securityEvents(s, mark).length > 0, 5000), "step 7: a SecurityEventNotificationRequest");
  assert.deepEqual(securityEvents(s, mark), ["InvalidChargingStationCertificate"], "step 7: type InvalidChargingStationCertificate");
  // The certificate was discarded: no reconnection, the next connection still presents the old certificate.
  assert.equal(s.csms.connections.length, 1, "no switch to a rejected certificate");
  await s.csmsGone();
  await s.csmsBack();
  assert.ok(await s.stepUntilConnected(2, 120_000), "the station reconnects after the CSMS went away");
  assert.equal(s.csms.attempts.filter((a) => a.accepted).pop().clientCert.fingerprint256, fingerprint(pki.read("station.pem")),
    "the provisioned certificate is still in use");
});

test(`[${HOST}] TC_A_15_CS Update Charging Station Certificate by request of CSMS - SignCertificateRequest Rejected`, async (t) => {
  const s = await securityProfile3(t, { signStatus: "Rejected", config: { "dm:SecurityCtrlr.CertSigningWaitMinimum": "10" } });
  // Steps 1–4 with step 4 SignCertificateResponse Rejected; step 2's validation: TriggerMessageResponse Accepted.
  const mark = s.mark();
  await triggerSigning(s, "TC_A_15_CS");
  // No post-scenario validation in the case. The CSMS refused the CSR: the station does not ask again (the repeats
  // of AS-3 are for an accepted request that gets no certificate), well past CertSigningWaitMinimum.
  await s.step(60_000);
  assert.equal(s.sentSince(mark, "SignCertificate").length, 1, "no further SignCertificateRequest after Rejected");
});

// TC_A_23_CS: no Part 6 text in this copy. Built from the use case (A02/A03 with the AS-3 feature and the Part 2
// appendix's SecurityCtrlr.CertSigningWaitMinimum / CertSigningRepeatTimes): after an accepted
// SignCertificateRequest without a CertificateSigned, the station makes a new CSR and sends it again after
// CertSigningWaitMinimum seconds, the wait doubling each time, at most CertSigningRepeatTimes times.
test(`[${HOST}] TC_A_23_CS Update Charging Station Certificate by request of CSMS - CertificateSignedRequest Timeout`, async (t) => {
  const s = await securityProfile3(t);
  // Before (Configuration State, as the lab sets it): CertSigningWaitMinimum 10 s, CertSigningRepeatTimes 2.
  await s.configure({ "SecurityCtrlr.CertSigningWaitMinimum": 10, "SecurityCtrlr.CertSigningRepeatTimes": 2 });
  const mark = s.mark();
  // Steps 1–4: TriggerMessage, Accepted; SignCertificateRequest, Accepted; no CertificateSigned follows.
  const csrs = [await triggerSigning(s, "TC_A_23_CS")];
  const requests = () => s.sentSince(mark, "SignCertificate");
  // Repeat n (1, 2) comes CertSigningWaitMinimum × 2^(n-1) seconds after the previous accepted request, with a
  // new CSR (a new key pair).
  for (const [n, waitS] of [[1, 10], [2, 20]]) {
    await s.step(waitS * 1000 - 1000);
    assert.equal(requests().length, n, `repeat ${n}: not before ${waitS} s`);
    await s.step(1500);
    assert.equal(requests().length, n + 1, `repeat ${n}: a new SignCertificateRequest after ${waitS} s`);
    const csr = requests()[n].csr;
    assertCsr(csr, `repeat ${n}`);
    assert.ok(!csrs.includes(csr), `repeat ${n}: a new CSR`);
    csrs.push(csr);
  }
  // CertSigningRepeatTimes reached: no more, not even after the doubled wait (40 s) and well beyond.
  await s.step(120_000);
  assert.equal(requests().length, 3, "no SignCertificateRequest beyond CertSigningRepeatTimes");
  // The certificate for the last CSR still comes in and is taken.
  const r = await s.call("CertificateSigned", { certificateChain: signCsr(csrs[2]), certificateType: "ChargingStationCertificate" });
  assert.equal(r.status, "Accepted", "a certificate for the last CSR is Accepted");
});

// Beyond the cases' validations: what else the host refuses in a CertificateSigned (A02.FR.06 as of errata
// 2025-01: PEM, a chain to the installed root, the validity period; and the key of our own CSR), each a Rejected
// and an InvalidChargingStationCertificate (A02.FR.07); a V2G certificate is not supported (no ISO 15118).
test(`[${HOST}] CertificateSigned: wrong key, expired, not yet valid, not PEM, root first, V2G → Rejected`, async (t) => {
  const s = await securityProfile3(t);
  const csr = await triggerSigning(s, "trigger");
  const expired = signCsr(csr, { dates: ["20200101000000Z", "20200201000000Z"] });
  const cases = [
    ["a certificate for another key (not our CSR)", pki.read("server.pem").toString(), true],
    ["an expired certificate", expired, true],
    ["a certificate not valid yet (errata 2025-01, A02.FR.06)", signCsr(csr, { dates: ["20990101000000Z", "20991231000000Z"] }), true],
    ["not a PEM certificate", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n", true],
    ["the root first, the leaf after it", pki.read("root.pem").toString() + signCsr(csr), true],
  ];
  for (const [what, chain, event] of cases) {
    const mark = s.mark();
    const r = await s.call("CertificateSigned", { certificateChain: chain, certificateType: "ChargingStationCertificate" });
    assert.equal(r.status, "Rejected", `${what}: Rejected`);
    assert.equal(r.statusInfo && r.statusInfo.reasonCode, "InvalidCertificate", `${what}: reasonCode InvalidCertificate`);
    await s.stepUntil(() => securityEvents(s, mark).length > 0, 5000);
    assert.deepEqual(securityEvents(s, mark), event ? ["InvalidChargingStationCertificate"] : [], `${what}: security event`);
  }
  const mark = s.mark();
  const v2g = await s.call("CertificateSigned", { certificateChain: signCsr(csr), certificateType: "V2GCertificate" });
  assert.equal(v2g.status, "Rejected", "V2GCertificate: Rejected (no ISO 15118)");
  await s.step(2000);
  assert.deepEqual(securityEvents(s, mark), [], "V2GCertificate: no security event");
  // An OrganizationName the CSR subject cannot carry (the ABI's subject list has no escapes): the trigger is Rejected.
  assert.equal(await s.setVariable("SecurityCtrlr", "OrganizationName", "Test, Inc."), "Accepted");
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "SignChargingStationCertificate" })).status, "Rejected",
    "no CSR for an OrganizationName with a comma");
  // After all that the right one is still taken (the key of the CSR above is still the host's pending key).
  assert.equal((await s.call("CertificateSigned", { certificateChain: signCsr(csr) })).status, "Accepted", "the good certificate, certificateType omitted");
});
