// Block M, certificate management: the Charging Station cases of Core and Advanced Security in Part 5 for
// GetInstalledCertificateIds (M03), DeleteCertificate (M04) and InstallCertificate (M05), each built from its
// Part 6 text (Before states, steps in order, tool validations). TC_M_01_CS, TC_M_02_CS and TC_M_18_CS have no
// Part 6 text in this copy: they are built from the use cases (said at each).
//
// Station configuration assumed: the target runs security profile 2 or 3 in the field, so it holds its
// <Configured CSMS Root certificate>: provisioned as the factory does (tests/helpers/pki.js's root.pem; on the Linux
// hosts --ca, which they import into their empty store at start, docs/security.md), while the test CSMS is reached over ws:// to keep
// the cases independent of TLS (tests/tls.test.js covers that). No ISO 15118 (PICS): V2G and MO roots are refused.
// AQ-1 No: the last CSMSRootCertificate cannot be removed; AQ-3 No: nor the ChargingStationCertificate.
// At most 4 roots per type (assembly/core/limits.ts CERT_ROOTS_PER_TYPE).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { conformance } = require("./states.js");
const { HOST } = require("../helpers/station-host.js");
const { makePki } = require("../helpers/pki.js");
const { makeRoot, hashData, pem } = require("../helpers/cert-hash.js");
const { CertStore } = require("../../host/node/crypto.js");

const ROOTS_PER_TYPE = 4;
const pki = makePki();
// <Configured CSMS Root certificate> is root.pem; the tool's other certificates:
const NEW_CSMS_ROOT = makeRoot(pki, "csms-root-2", "CSMS Root 2");
const MANUFACTURER_ROOT = makeRoot(pki, "manufacturer-root", "Manufacturer Root");
const EXPIRED_ROOT = makeRoot(pki, "expired-root", "Expired Root", { expired: true });
const SHORT_SERIAL_ROOT = makeRoot(pki, "short-serial-root", "Short Serial Root", { serial: "0abcde" });
const EXTRA_ROOTS = [1, 2, 3, 4].map((i) => makeRoot(pki, `extra-${i}`, `Extra Root ${i}`));
test.after(() => fs.rmSync(pki.dir, { recursive: true, force: true }));

/** A station whose store holds the configured CSMS root (and `withStationCertificate`: a ChargingStationCertificate
 *  from it). The Linux hosts take both from their start-up files (--ca, --client-cert/--client-key) into the empty
 *  store; the board's store is in its flash, so there the root comes in through InstallCertificate once the
 *  station is up, and the station certificate through the renewal itself (renewOnBoard). */
async function station(t, { withStationCertificate = false } = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "m-certs-"));
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const files = HOST === "mcu" ? {} : { caFile: pki.file("root.pem"),
    ...(withStationCertificate ? { clientCert: pki.file("station.pem"), clientKey: pki.file("station.key") } : {}) };
  const csms = withStationCertificate ? { handlers: { SignCertificate: () => ({ status: "Accepted" }) } } : undefined;
  const s = await conformance(t, { station: { dataDir, ...files }, csms });
  if (HOST === "mcu") await certificateInstalled(s, "CSMSRootCertificate", pki.file("root.pem"), "provisioning: the configured CSMS root");
  if (HOST === "mcu" && withStationCertificate) await renewOnBoard(s);
  s.dataDir = dataDir;
  return s;
}

/** The board's flash cannot be written from here: its station certificate comes as the memory state
 *  RenewChargingStationCertificate plays it (TriggerMessage SignChargingStationCertificate, the station's
 *  SignCertificateRequest, the CSMS's Accepted, then CertificateSigned with the CSR signed by root.pem, Accepted).
 *  Returns the signed certificate's file. */
async function renewOnBoard(s) {
  const mark = s.mark();
  const r = await s.call("TriggerMessage", { requestedMessage: "SignChargingStationCertificate" });
  assert.equal(r.status, "Accepted", "RenewChargingStationCertificate: TriggerMessageResponse Accepted");
  await s.stepUntil(() => s.sentSince(mark, "SignCertificate").length > 0, 5000);
  const sent = s.sentSince(mark, "SignCertificate");
  assert.equal(sent.length, 1, "RenewChargingStationCertificate: one SignCertificateRequest");
  const csr = path.join(pki.dir, "board.csr"), ext = path.join(pki.dir, "board.ext"), out = path.join(pki.dir, "board-station.pem");
  fs.writeFileSync(csr, sent[0].csr);
  fs.writeFileSync(ext, "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
  // Valid from an hour ago: the board's wall clock runs on virtual time, behind the real time under emulation.
  const at = (ms) => `${new Date(Date.now() + ms).toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`;
  execFileSync("openssl", ["ca", "-batch", "-config", pki.file("ca.cnf"), "-in", csr, "-out", out, "-notext", "-extfile", ext,
    "-startdate", at(-3600_000), "-enddate", at(30 * 86400_000)], { stdio: ["ignore", "ignore", "pipe"] });
  const signed = await s.call("CertificateSigned", { certificateChain: fs.readFileSync(out, "utf8"), certificateType: "ChargingStationCertificate" });
  assert.equal(signed.status, "Accepted", "RenewChargingStationCertificate: CertificateSignedResponse Accepted");
  s.stationCertificate = out;
  return out;
}

/** Memory State CertificateInstalled: InstallCertificate of `type` with the certificate in `file`; Accepted. */
async function certificateInstalled(s, type, file, why = "CertificateInstalled") {
  const r = await s.call("InstallCertificate", { certificateType: type, certificate: pem(file) });
  assert.equal(r.status, "Accepted", `${why} step 2: InstallCertificateResponse Accepted`);
}

/** The chain entries of a GetInstalledCertificateIds answer that carry the hash data of the certificate in `file`. */
const entriesOf = (resp, file, issuer) => (resp.certificateHashDataChain || [])
  .filter((e) => JSON.stringify(e.certificateHashData) === JSON.stringify(hashData(file, issuer)));

/** Reusable State GetInstalledCertificates for `types` (one value, or several): Accepted, and for each
 *  [type, file] of `expect` an entry of that type with the file's hash data. Returns the response. */
async function getInstalledCertificates(s, types, expect, why = "GetInstalledCertificates") {
  const certificateType = types === undefined ? undefined : [].concat(types);
  const r = await s.call("GetInstalledCertificateIds", certificateType ? { certificateType } : {});
  assert.equal(r.status, "Accepted", `${why} step 2: status Accepted`);
  for (const [type, file] of expect) {
    const hits = entriesOf(r, file);
    assert.ok(hits.length > 0, `${why} step 2: an entry with the hash data of ${path.basename(file)}`);
    assert.ok(hits.some((e) => e.certificateType === type), `${why} step 2: that entry has certificateType ${type}`);
  }
  return r;
}

test(`[${HOST}] TC_M_01_CS Install CA certificate - CSMSRootCertificate`, async (t) => {
  // No Part 6 text in this copy; built from M05 as TC_M_03_CS is written for its type: CertificateInstalled for
  // CSMSRootCertificate, then GetInstalledCertificates for CSMSRootCertificate (M05.FR.01, M05.FR.02).
  const s = await station(t);
  await certificateInstalled(s, "CSMSRootCertificate", NEW_CSMS_ROOT, "Step 1 CertificateInstalled");
  const r = await getInstalledCertificates(s, "CSMSRootCertificate", [["CSMSRootCertificate", NEW_CSMS_ROOT]], "Step 2");
  assert.equal(entriesOf(r, pki.file("root.pem")).length, 1, "Step 2: the configured root is kept beside the new one");
});

test(`[${HOST}] TC_M_02_CS Install CA certificate - ManufacturerRootCertificate`, async (t) => {
  // No Part 6 text in this copy; built from M05 as for TC_M_01_CS, with ManufacturerRootCertificate.
  const s = await station(t);
  await certificateInstalled(s, "ManufacturerRootCertificate", MANUFACTURER_ROOT, "Step 1 CertificateInstalled");
  await getInstalledCertificates(s, "ManufacturerRootCertificate", [["ManufacturerRootCertificate", MANUFACTURER_ROOT]], "Step 2");
});

test(`[${HOST}] TC_M_07_CS Install CA certificate - Rejected - Certificate invalid`, async (t) => {
  const s = await station(t);
  // 1–2: an expired CSMS root.
  const r = await s.call("InstallCertificate", { certificateType: "CSMSRootCertificate", certificate: pem(EXPIRED_ROOT) });
  assert.equal(r.status, "Rejected", "Step 2: InstallCertificateResponse Rejected");
  // 3–4: the CSMS roots: Accepted (the configured one), and none with the expired certificate's hash data.
  const got = await s.call("GetInstalledCertificateIds", { certificateType: ["CSMSRootCertificate"] });
  assert.equal(got.status, "Accepted", "Step 4: GetInstalledCertificateIdsResponse Accepted");
  assert.equal(entriesOf(got, EXPIRED_ROOT).length, 0, "Step 4: no entry with the hash data of the rejected certificate");
});

test(`[${HOST}] TC_M_12_CS Retrieve certificates from Charging Station - CSMSRootCertificate`, async (t) => {
  const s = await station(t);
  // Memory State: CertificateInstalled for CSMSRootCertificate.
  await certificateInstalled(s, "CSMSRootCertificate", NEW_CSMS_ROOT);
  // 1: GetInstalledCertificates for CSMSRootCertificate.
  const r = await getInstalledCertificates(s, "CSMSRootCertificate", [["CSMSRootCertificate", NEW_CSMS_ROOT]], "Step 1");
  assert.ok(r.certificateHashDataChain.every((e) => e.certificateType === "CSMSRootCertificate"), "Step 1: only the type asked for (M03.FR.03)");
});

test(`[${HOST}] TC_M_13_CS Retrieve certificates from Charging Station - ManufacturerRootCertificate`, async (t) => {
  const s = await station(t);
  await certificateInstalled(s, "ManufacturerRootCertificate", MANUFACTURER_ROOT);
  const r = await getInstalledCertificates(s, "ManufacturerRootCertificate", [["ManufacturerRootCertificate", MANUFACTURER_ROOT]], "Step 1");
  assert.ok(r.certificateHashDataChain.every((e) => e.certificateType === "ManufacturerRootCertificate"), "Step 1: only the type asked for (M03.FR.03)");
});

test(`[${HOST}] TC_M_17_CS Retrieve certificates from Charging Station - CSMSRootCertificate & ManufacturerRootCertificate`, async (t) => {
  const s = await station(t);
  await certificateInstalled(s, "CSMSRootCertificate", NEW_CSMS_ROOT);
  await certificateInstalled(s, "ManufacturerRootCertificate", MANUFACTURER_ROOT);
  const r = await getInstalledCertificates(s, ["CSMSRootCertificate", "ManufacturerRootCertificate"],
    [["CSMSRootCertificate", NEW_CSMS_ROOT], ["ManufacturerRootCertificate", MANUFACTURER_ROOT]], "Step 1");
  assert.ok(r.certificateHashDataChain.every((e) => ["CSMSRootCertificate", "ManufacturerRootCertificate"].includes(e.certificateType)),
    "Step 1: only the types asked for");
});

test(`[${HOST}] TC_M_18_CS Retrieve certificates from Charging Station - All certificateTypes`, async (t) => {
  // No Part 6 text in this copy; built from M03 (M03.FR.01, M03.FR.03, M03.FR.04): with every certificateType
  // value, and with certificateType omitted, the station reports every installed certificate of those types.
  const s = await station(t);
  await certificateInstalled(s, "CSMSRootCertificate", NEW_CSMS_ROOT);
  await certificateInstalled(s, "ManufacturerRootCertificate", MANUFACTURER_ROOT);
  const all = [["CSMSRootCertificate", pki.file("root.pem")], ["CSMSRootCertificate", NEW_CSMS_ROOT], ["ManufacturerRootCertificate", MANUFACTURER_ROOT]];
  const every = ["V2GRootCertificate", "MORootCertificate", "CSMSRootCertificate", "V2GCertificateChain", "ManufacturerRootCertificate"];
  const r = await getInstalledCertificates(s, every, all, "every certificateType");
  assert.equal(r.certificateHashDataChain.length, 3, "every certificateType: the three installed roots, nothing else");
  const omitted = await getInstalledCertificates(s, undefined, all, "certificateType omitted");
  assert.equal(omitted.certificateHashDataChain.length, 3, "certificateType omitted: the same three");
});

test(`[${HOST}] TC_M_19_CS Retrieve certificates from Charging Station - No matching certificate found`, async (t) => {
  const s = await station(t);
  // Before: the tool makes sure no MORootCertificate is installed (and deletes one if there is).
  const before = await s.call("GetInstalledCertificateIds", { certificateType: ["MORootCertificate"] });
  for (const e of before.certificateHashDataChain || []) {
    assert.equal((await s.call("DeleteCertificate", { certificateHashData: e.certificateHashData })).status, "Accepted", "Before: delete the MO root");
  }
  // 1–2.
  const r = await s.call("GetInstalledCertificateIds", { certificateType: ["MORootCertificate"] });
  assert.equal(r.status, "NotFound", "Step 2: status NotFound");
  assert.equal(r.certificateHashDataChain, undefined, "Step 2: certificateHashDataChain omitted");
});

test(`[${HOST}] TC_M_20_CS Delete a certificate from a Charging Station - Success`, async (t) => {
  const s = await station(t);
  // Before: GetInstalledCertificates for CSMSRootCertificate, and CertificateInstalled when none is returned. This
  // station always has its configured root, which it may not lose (AQ-1 No: DeleteCertificate of the last CSMS
  // root is Failed), so the tool installs the certificate it will delete beside it.
  await getInstalledCertificates(s, "CSMSRootCertificate", [["CSMSRootCertificate", pki.file("root.pem")]], "Before");
  await certificateInstalled(s, "CSMSRootCertificate", NEW_CSMS_ROOT, "Before: CertificateInstalled");
  // 1: GetInstalledCertificates; the certificate to delete is present.
  const listed = await getInstalledCertificates(s, "CSMSRootCertificate", [["CSMSRootCertificate", NEW_CSMS_ROOT]], "Step 1");
  const target = entriesOf(listed, NEW_CSMS_ROOT)[0].certificateHashData;
  // 2–3.
  assert.equal((await s.call("DeleteCertificate", { certificateHashData: target })).status, "Accepted", "Step 3: DeleteCertificateResponse Accepted");
  // 4: GetInstalledCertificates; it is gone.
  const after = await getInstalledCertificates(s, "CSMSRootCertificate", [["CSMSRootCertificate", pki.file("root.pem")]], "Step 4");
  assert.equal(entriesOf(after, NEW_CSMS_ROOT).length, 0, "Step 4: the deleted certificate is not present any more");
});

test(`[${HOST}] TC_M_22_CS Delete a certificate from a Charging Station - No matching certificate found`, async (t) => {
  const s = await station(t);
  // 1: GetInstalledCertificates for CSMSRootCertificate.
  await getInstalledCertificates(s, "CSMSRootCertificate", [["CSMSRootCertificate", pki.file("root.pem")]], "Step 1");
  // 2–3: the hash data of a certificate the station does not have.
  const r = await s.call("DeleteCertificate", { certificateHashData: hashData(pki.file("other-root.pem")) });
  assert.equal(r.status, "NotFound", "Step 3: DeleteCertificateResponse NotFound");
});

test(`[${HOST}] TC_M_23_CS Delete a certificate from a Charging Station - Unable to delete the Charging Station Certificate`, async (t) => {
  // Before (Reusable State RenewChargingStationCertificate): the station holds a ChargingStationCertificate signed
  // by the CSMS root. A02/A03 are another block's work; the harness provisions the certificate the renewal would
  // have stored (station.pem, from root.pem) through the host's start-up files.
  const s = await station(t, { withStationCertificate: true });
  const stationPem = s.stationCertificate || pki.file("station.pem");
  // 1: GetInstalledCertificates with certificateType omitted.
  await getInstalledCertificates(s, undefined, [["CSMSRootCertificate", pki.file("root.pem")]], "Step 1");
  // 2–3: DeleteCertificate with the hash data of the ChargingStationCertificate.
  const r = await s.call("DeleteCertificate", { certificateHashData: hashData(stationPem, pki.file("root.pem")) });
  assert.ok(["NotFound", "Failed"].includes(r.status), `Step 3: DeleteCertificateResponse NotFound or Failed (got ${r.status})`);
  if (HOST === "mcu") {
    // The board's store is in its flash, out of this test's reach: the image's answer above is the check there.
    t.diagnostic("board: the store's station certificate is not read back (its flash is not readable from the test)");
  } else {
    assert.equal(new CertStore(s.dataDir).list(4).split("\n").filter(Boolean).length, 1, "the station certificate is still stored");
  }
});

// ---- beyond the cases: the store's bounds, the PICS answers, persistence ------------------------------------

test(`[${HOST}] certificates: the last CSMS root cannot be deleted (AQ-1 No)`, async (t) => {
  const s = await station(t);
  const r = await s.call("DeleteCertificate", { certificateHashData: hashData(pki.file("root.pem")) });
  assert.equal(r.status, "Failed");
  await getInstalledCertificates(s, "CSMSRootCertificate", [["CSMSRootCertificate", pki.file("root.pem")]], "after");
});

test(`[${HOST}] certificates: DeleteCertificate matches hex in any case and a serial with leading zeros; SHA-256 only`, async (t) => {
  const s = await station(t);
  await certificateInstalled(s, "CSMSRootCertificate", SHORT_SERIAL_ROOT);
  const hd = hashData(SHORT_SERIAL_ROOT);
  assert.equal(hd.serialNumber, "abcde", "the serial in hex without leading zeros");
  const sha384 = await s.call("DeleteCertificate", { certificateHashData: { ...hd, hashAlgorithm: "SHA384" } });
  assert.equal(sha384.status, "NotFound", "the store keeps SHA-256 hash data only");
  const loose = { ...hd, issuerNameHash: hd.issuerNameHash.toUpperCase(), issuerKeyHash: hd.issuerKeyHash.toUpperCase(), serialNumber: `00${hd.serialNumber}` };
  assert.equal((await s.call("DeleteCertificate", { certificateHashData: loose })).status, "Accepted");
  const after = await s.call("GetInstalledCertificateIds", { certificateType: ["CSMSRootCertificate"] });
  assert.equal(entriesOf(after, SHORT_SERIAL_ROOT).length, 0);
});

test(`[${HOST}] certificates: a full type answers Rejected and replaces nothing; no ISO 15118 roots; not a CA`, async (t) => {
  const s = await station(t);
  for (const file of EXTRA_ROOTS) await certificateInstalled(s, "ManufacturerRootCertificate", file, path.basename(file));
  const full = await s.call("InstallCertificate", { certificateType: "ManufacturerRootCertificate", certificate: pem(MANUFACTURER_ROOT) });
  assert.equal(full.status, "Rejected", `a ${ROOTS_PER_TYPE + 1}th root of a type`);
  assert.equal(full.statusInfo.reasonCode, "OutOfStorage");
  const listed = await s.call("GetInstalledCertificateIds", { certificateType: ["ManufacturerRootCertificate"] });
  assert.equal(listed.certificateHashDataChain.length, ROOTS_PER_TYPE);
  for (const file of EXTRA_ROOTS) assert.equal(entriesOf(listed, file).length, 1, `${path.basename(file)} kept`);
  for (const type of ["V2GRootCertificate", "MORootCertificate"]) {
    const r = await s.call("InstallCertificate", { certificateType: type, certificate: pem(NEW_CSMS_ROOT) });
    assert.equal(r.status, "Rejected", `${type}: no ISO 15118 on this station`);
  }
  const leaf = await s.call("InstallCertificate", { certificateType: "CSMSRootCertificate", certificate: pem(pki.file("server.pem")) });
  assert.equal(leaf.status, "Rejected", "a certificate that is no CA");
  const junk = await s.call("InstallCertificate", { certificateType: "CSMSRootCertificate", certificate: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" });
  assert.equal(junk.status, "Rejected", "not a certificate");
  assert.equal(junk.statusInfo.reasonCode, "InvalidCertificate");
});

test(`[${HOST}] certificates: installed roots survive a power cycle`, async (t) => {
  const s = await station(t);
  await certificateInstalled(s, "CSMSRootCertificate", NEW_CSMS_ROOT);
  const boots = s.csms.count("BootNotification");
  await s.st.powerCycle();
  await s.csms.waitFor("BootNotification", boots + 1, 10_000);
  await s.step(2000);
  await getInstalledCertificates(s, "CSMSRootCertificate", [["CSMSRootCertificate", NEW_CSMS_ROOT], ["CSMSRootCertificate", pki.file("root.pem")]], "after the power cycle");
});
