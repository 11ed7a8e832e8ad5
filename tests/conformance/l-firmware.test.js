// Block L, firmware management: the Charging Station cases of Part 5 for the secure firmware update (L01), each
// built from its Part 6 text (Before states, steps in order, tool validations). TC_L_08_CS has no Part 6 text in
// this copy: it is built from the use case's requirements (said there).
//
// The station (PICS): secure update only (L01; an update without certificate and signature is refused), http and
// https (ORS-24), downloads during a transaction (AQ-7 Yes), installs only without one (C-43 No), no new sessions
// pending an installation (C-20 No: AllowNewSessionsPendingFirmwareUpdate false), an update can be cancelled by a
// new one (C-60 Yes). It reboots before activation (Reusable State RebootBeforeFirmwareActivation: Installing,
// InstallRebooting, then the boot of the new image on trial, BootNotification reason FirmwareUpdate); it does not
// reboot before installation, and sets its connectors Unavailable while the installation is due (the optional
// step "notifies the CSMS about the current state of all connectors" is taken, so it is asserted).
//
// Preparation as the factory does it: the test manufacturer root (tests/helpers/firmware-image.js) is installed
// as ManufacturerRootCertificate, so <Configured signingCertificate> chains to it. The file server is
// tests/helpers/file-server.js on loopback; <Configured firmware_location> is its URL of a signed image:
// build/firmware.wasm with another `station.firmware_version`, so the BootNotification after the update shows
// which image runs.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { conformance, states, CONNECTORS } = require("./states.js");
const { HOST } = require("../helpers/station-host.js");
const { startFileServer } = require("../helpers/file-server.js");
const { makeFirmwarePki } = require("../helpers/firmware-image.js");

const fw = makeFirmwarePki();
test.after(() => fw.cleanup());
const HOUR = 3600_000;
/** The CSMS's clock runs on the station's virtual time from the real time the file started (the station sets its
 *  clock from BootNotification's and Heartbeat's currentTime), so "Current DateTime + an offset" comes when the
 *  virtual clock has run that long. clock.station is the running station. */
const T0 = Date.now();
const clock = { station: null };
const csmsNow = () => new Date(T0 + (clock.station ? clock.station.now() : 0));
const csmsClock = { handlers: {
  BootNotification: () => ({ status: "Accepted", currentTime: csmsNow().toISOString(), interval: 300 }),
  Heartbeat: () => ({ currentTime: csmsNow().toISOString() }),
} };
/** "Current DateTime" ± an offset. */
const at = (offsetMs) => new Date(csmsNow().getTime() + offsetMs).toISOString();
/** What the update waits for at most: a download, a reboot and the boot of the new image on the virtual clock. */
const MAX_MS = 180_000;

/** A station that trusts the test manufacturer root, and a file server serving `u` (an update) at /fw.wasm. */
async function station(t, options = {}) {
  clock.station = null;
  const s = await conformance(t, { ...options, csms: csmsClock });
  clock.station = s.st;
  const files = await startFileServer();
  t.after(() => files.close());
  const r = await s.call("InstallCertificate", { certificateType: "ManufacturerRootCertificate", certificate: fw.rootPem });
  assert.equal(r.status, "Accepted", "preparation: the manufacturer root installed");
  s.files = files;
  return s;
}

/** UpdateFirmwareRequest with the case's parameters. */
function request(s, u, { requestId = 1, location = s.files.url("/fw.wasm"), retrieve = at(-2 * HOUR), install = at(-2 * HOUR),
  certificate = u.certificate, signature = u.signature, retries, retryInterval } = {}) {
  const firmware = { location, retrieveDateTime: retrieve };
  if (install !== null) firmware.installDateTime = install;
  if (certificate !== null) firmware.signingCertificate = certificate;
  if (signature !== null) firmware.signature = signature;
  const params = { requestId, firmware };
  if (retries !== undefined) params.retries = retries;
  if (retryInterval !== undefined) params.retryInterval = retryInterval;
  return s.call("UpdateFirmware", params);
}

const fwStatuses = (s, mark) => s.sentSince(mark, "FirmwareStatusNotification");
const until = (s, pred, maxMs = MAX_MS) => s.stepUntil(pred, maxMs, 500);
const untilStatus = (s, mark, status, maxMs) => until(s, () => fwStatuses(s, mark).some((p) => p.status === status), maxMs);

/** Index in s.since(mark) of the first message matching. */
const indexOf = (s, mark, method, pred = () => true) => s.since(mark).findIndex((r) => r.method === method && pred(r.params));

/** The statuses from `mark` on, in order, each with its requestId checked (L01.FR.20). */
function assertStatuses(s, mark, expected, requestId, why) {
  const got = fwStatuses(s, mark);
  assert.deepEqual(got.map((p) => p.status), expected, `${why}: FirmwareStatusNotification statuses in order`);
  for (const p of got) assert.equal(p.requestId, requestId, `${why}: ${p.status} carries requestId ${requestId}`);
}

/** The steps from SignatureVerified on of a successful update without reboot before installation: the
 *  connectors Unavailable (optional step, taken), Installing, RebootBeforeFirmwareActivation (InstallRebooting,
 *  BootNotification FirmwareUpdate, the connectors' states), then Installed and FirmwareUpdated in any order.
 *  `steps` names the case's step numbers: { unavailable, installing, available, installed, event }. */
async function assertInstalled(s, mark, u, steps, why, maxMs = MAX_MS) {
  assert.ok(await untilStatus(s, mark, "Installed", maxMs), `${why} step ${steps.installed}: Installed reported after the new image booted`);
  assert.ok(await until(s, () => s.sentSince(mark, "SecurityEventNotification").some((e) => e.type === "FirmwareUpdated"), 30_000),
    `${why} step ${steps.event}: SecurityEventNotification FirmwareUpdated`);
  const verified = indexOf(s, mark, "FirmwareStatusNotification", (p) => p.status === "SignatureVerified");
  const installing = indexOf(s, mark, "FirmwareStatusNotification", (p) => p.status === "Installing");
  const rebooting = indexOf(s, mark, "FirmwareStatusNotification", (p) => p.status === "InstallRebooting");
  const boot = indexOf(s, mark, "BootNotification");
  assert.ok(verified >= 0 && installing > verified, `${why} step ${steps.installing}: Installing after SignatureVerified`);
  // The optional connector step, taken: every connector Unavailable before Installing.
  for (const c of CONNECTORS) {
    const i = indexOf(s, mark, "StatusNotification", (p) => p.connectorId === c && p.connectorStatus === "Unavailable");
    assert.ok(i > verified && i < installing, `${why} step ${steps.unavailable}: connector ${c} Unavailable before Installing`);
  }
  // RebootBeforeFirmwareActivation: InstallRebooting, then the BootNotification with reason FirmwareUpdate.
  assert.ok(rebooting > installing, "RebootBeforeFirmwareActivation step 1: InstallRebooting");
  assert.ok(boot > rebooting, "RebootBeforeFirmwareActivation step 3: a BootNotification after InstallRebooting");
  const bootReq = s.since(mark)[boot].params;
  assert.equal(bootReq.reason, "FirmwareUpdate", "RebootBeforeFirmwareActivation step 3: reason FirmwareUpdate");
  assert.equal(bootReq.chargingStation.firmwareVersion, u.version, "the new image runs (its firmware version)");
  // After the reboot, every connector Available, Installed, FirmwareUpdated (in any order).
  for (const c of CONNECTORS) {
    const i = indexOf(s, mark, "StatusNotification", (p) => p.connectorId === c && p.connectorStatus === "Available");
    assert.ok(i > boot, `${why} step ${steps.available}: connector ${c} Available after the reboot`);
  }
  const installed = fwStatuses(s, mark).filter((p) => p.status === "Installed");
  assert.equal(installed.length, 1, `${why} step ${steps.installed}: one Installed`);
  assert.ok(indexOf(s, mark, "FirmwareStatusNotification", (p) => p.status === "Installed") > boot, `${why}: Installed after the boot`);
  // The trial image confirmed itself: a further power cycle keeps it.
  const boots = s.sent("BootNotification").length;
  await s.st.powerCycle();
  const last = (await s.csms.waitFor("BootNotification", boots + 1, 30_000)).params;
  await s.step(2000);
  assert.equal(last.chargingStation.firmwareVersion, u.version, "the confirmed image stays after a power cycle");
  assert.equal(last.reason, "PowerUp", "a later boot is no firmware update");
}

test(`[${HOST}] TC_L_01_CS Secure Firmware Update - Installation successful`, async (t) => {
  const s = await station(t);
  const u = fw.update("2.0.1-l01");
  s.files.file("/fw.wasm", u.image);
  const mark = s.mark();
  // Steps 1-2: installDateTime and retrieveDateTime 2 hours ago.
  const r = await request(s, u, { requestId: 101 });
  assert.equal(r.status, "Accepted", "step 2: UpdateFirmwareResponse Accepted");
  await assertInstalled(s, mark, u, { unavailable: 9, installing: 12, available: 16, installed: 18, event: 20 }, "TC_L_01_CS");
  // Steps 3, 5, 7, 12, 18 (and RebootBeforeFirmwareActivation's InstallRebooting) in this order.
  assertStatuses(s, mark, ["Downloading", "Downloaded", "SignatureVerified", "Installing", "InstallRebooting", "Installed"], 101, "TC_L_01_CS");
});

test(`[${HOST}] TC_L_02_CS Secure Firmware Update - InstallScheduled`, async (t) => {
  const s = await station(t);
  const u = fw.update("2.0.2-l02");
  s.files.file("/fw.wasm", u.image);
  const mark = s.mark();
  // installDateTime <Current DateTime + Configured Install Offset Period> (10 minutes).
  const r = await request(s, u, { requestId: 102, install: at(10 * 60_000) });
  assert.equal(r.status, "Accepted", "step 2: UpdateFirmwareResponse Accepted");
  assert.ok(await untilStatus(s, mark, "InstallScheduled", 60_000), "step 9: InstallScheduled");
  assertStatuses(s, mark, ["Downloading", "Downloaded", "SignatureVerified", "InstallScheduled"], 102, "TC_L_02_CS steps 3-9");
  // Nothing is installed before installDateTime.
  await s.step(5 * 60_000);
  assert.ok(!fwStatuses(s, mark).some((p) => p.status === "Installing"), "no Installing before installDateTime");
  await assertInstalled(s, mark, u, { unavailable: 11, installing: 14, available: 18, installed: 20, event: 22 }, "TC_L_02_CS", 10 * 60_000);
  assertStatuses(s, mark, ["Downloading", "Downloaded", "SignatureVerified", "InstallScheduled", "Installing", "InstallRebooting", "Installed"],
    102, "TC_L_02_CS");
});

test(`[${HOST}] TC_L_03_CS Secure Firmware Update - DownloadScheduled`, async (t) => {
  const s = await station(t);
  const u = fw.update("2.0.3-l03");
  s.files.file("/fw.wasm", u.image);
  const mark = s.mark();
  // retrieveDateTime <Current DateTime + Configured Download Offset Period> (10 minutes).
  const r = await request(s, u, { requestId: 103, retrieve: at(10 * 60_000) });
  assert.equal(r.status, "Accepted", "step 2: UpdateFirmwareResponse Accepted");
  assert.ok(await untilStatus(s, mark, "DownloadScheduled", 10_000), "step 3: DownloadScheduled");
  await s.step(5 * 60_000);
  assert.equal(s.files.requests.length, 0, "nothing downloaded before retrieveDateTime");
  assertStatuses(s, mark, ["DownloadScheduled"], 103, "TC_L_03_CS step 3");
  await assertInstalled(s, mark, u, { unavailable: 11, installing: 14, available: 18, installed: 20, event: 22 }, "TC_L_03_CS", 10 * 60_000);
  assertStatuses(s, mark, ["DownloadScheduled", "Downloading", "Downloaded", "SignatureVerified", "Installing", "InstallRebooting", "Installed"],
    103, "TC_L_03_CS");
});

test(`[${HOST}] TC_L_05_CS Secure Firmware Update - InvalidCertificate`, async (t) => {
  const s = await station(t);
  // Before: <Generated Invalid Firmware SigningCertificate>: a well-formed signing certificate, not the configured
  // one, from a CA that is not the installed manufacturer root.
  const u = fw.wrongCa("2.0.5-l05");
  s.files.file("/fw.wasm", u.image);
  const mark = s.mark();
  const r = await request(s, u, { requestId: 105 });
  assert.ok(["InvalidCertificate", "RevokedCertificate"].includes(r.status), `step 2: UpdateFirmwareResponse InvalidCertificate (${r.status})`);
  assert.ok(await until(s, () => s.sentSince(mark, "SecurityEventNotification").some((e) => e.type === "InvalidFirmwareSigningCertificate"), 10_000),
    "step 3: SecurityEventNotification InvalidFirmwareSigningCertificate");
  await s.step(10_000);
  assert.equal(s.files.requests.length, 0, "nothing downloaded");
  assert.deepEqual(fwStatuses(s, mark), [], "no update runs");
});

test(`[${HOST}] TC_L_06_CS Secure Firmware Update - InvalidSignature`, async (t) => {
  const s = await station(t);
  // Before: <Configured invalid firmware signature> is a real signature (of the image before a byte changed).
  const u = fw.badSignature("2.0.6-l06");
  s.files.file("/fw.wasm", u.image);
  const mark = s.mark();
  const r = await request(s, u, { requestId: 106 });
  assert.equal(r.status, "Accepted", "step 2: UpdateFirmwareResponse Accepted");
  assert.ok(await untilStatus(s, mark, "InvalidSignature", 60_000), "step 7: InvalidSignature");
  assert.ok(await until(s, () => s.sentSince(mark, "SecurityEventNotification").some((e) => e.type === "InvalidFirmwareSignature"), 10_000),
    "step 9: SecurityEventNotification InvalidFirmwareSignature");
  await s.step(10_000);
  assertStatuses(s, mark, ["Downloading", "Downloaded", "InvalidSignature"], 106, "TC_L_06_CS steps 3-7");
  assert.equal(s.sentSince(mark, "BootNotification").length, 0, "no reboot");
});

test(`[${HOST}] TC_L_07_CS Secure Firmware Update - DownloadFailed`, async (t) => {
  const s = await station(t);
  const u = fw.update("2.0.7-l07");
  s.files.file("/fw.wasm", u.image);
  const mark = s.mark();
  // firmware.location <Configured firmware location> + "_does_not_exist" (the server answers 404).
  const r = await request(s, u, { requestId: 107, location: s.files.url("/fw.wasm_does_not_exist"), retries: 2, retryInterval: 30 });
  assert.equal(r.status, "Accepted", "step 2: UpdateFirmwareResponse Accepted");
  assert.ok(await untilStatus(s, mark, "DownloadFailed", 5 * 60_000), "step 5: DownloadFailed");
  assertStatuses(s, mark, ["Downloading", "DownloadFailed"], 107, "TC_L_07_CS steps 3-5");
  // retries 2: three attempts in all, retryInterval apart.
  assert.equal(s.files.requests.filter((q) => q.path === "/fw.wasm_does_not_exist").length, 3, "one attempt and 2 retries");
});

test(`[${HOST}] TC_L_08_CS Secure Firmware Update - InstallationFailed (the new image fails its trial boot)`, async (t) => {
  // Part 6 has no text for TC_L_08_CS in this copy (Part 5: InstallVerificationFailed or InstallationFailed). Built
  // from L01: a correctly signed image that cannot run (it traps at boot) is installed; the host goes back to the
  // previous image (ABI revision 3: a trial that ends before it confirms is reverted), which reports
  // InstallationFailed for the request after its BootNotification, and keeps running.
  const s = await station(t);
  const u = fw.bootTrap("2.0.8-l08");
  s.files.file("/fw.wasm", u.image);
  const mark = s.mark();
  const r = await request(s, u, { requestId: 108 });
  assert.equal(r.status, "Accepted", "UpdateFirmwareResponse Accepted");
  assert.ok(await untilStatus(s, mark, "InstallationFailed"), "InstallationFailed after the failed trial");
  assertStatuses(s, mark, ["Downloading", "Downloaded", "SignatureVerified", "Installing", "InstallRebooting", "InstallationFailed"],
    108, "TC_L_08_CS");
  const boots = s.sentSince(mark, "BootNotification");
  assert.ok(boots.length >= 1, "the previous image booted again");
  assert.notEqual(boots.at(-1).chargingStation.firmwareVersion, u.version, "the previous image runs");
  assert.ok(!s.sentSince(mark, "SecurityEventNotification").some((e) => e.type === "FirmwareUpdated"), "no FirmwareUpdated");
});

test(`[${HOST}] TC_L_10_CS Secure Firmware Update - AcceptedCanceled`, async (t) => {
  const s = await station(t);
  const u = fw.update("2.0.10-l10");
  // The first download stalls (the station is busy downloading when the second request comes).
  s.files.stall("/slow.wasm", { bytes: 1000, data: u.image });
  s.files.file("/fw.wasm", u.image);
  const mark = s.mark();
  const r1 = await request(s, u, { requestId: 110, location: s.files.url("/slow.wasm") });
  assert.equal(r1.status, "Accepted", "step 2: UpdateFirmwareResponse Accepted");
  assert.ok(await untilStatus(s, mark, "Downloading", 10_000), "step 3: Downloading");
  await s.step(2000);
  const mark2 = s.mark();
  const r2 = await request(s, u, { requestId: 111 });
  assert.equal(r2.status, "AcceptedCanceled", "step 6: UpdateFirmwareResponse AcceptedCanceled");
  await assertInstalled(s, mark2, u, { unavailable: 13, installing: 16, available: 20, installed: 22, event: 24 }, "TC_L_10_CS");
  const first = s.since(mark).slice(0, mark2 - mark).filter((m) => m.method === "FirmwareStatusNotification").map((m) => m.params);
  assert.deepEqual(first.map((p) => [p.status, p.requestId]), [["Downloading", 110]], "TC_L_10_CS step 3: Downloading of the first request");
  // From step 6 on the requestId is the second request's.
  assertStatuses(s, mark2, ["Downloading", "Downloaded", "SignatureVerified", "Installing", "InstallRebooting", "Installed"], 111, "TC_L_10_CS");
});

test(`[${HOST}] TC_L_15_CS Secure Firmware Update - Unable to install and activate firmware with ongoing transaction - AllowNewSessionsPendingFirmwareUpdate is false`, async (t) => {
  const s = await station(t);
  // Before: AllowNewSessionsPendingFirmwareUpdate is false (read-only here, C-20 No); State is EnergyTransferStarted.
  const v = await s.getVariable("ChargingStation", "AllowNewSessionsPendingFirmwareUpdate");
  assert.equal(v.attributeValue, "false", "Configuration State: AllowNewSessionsPendingFirmwareUpdate false");
  await states.energyTransferStarted(s);
  const busy = s.tx.connector, free = CONNECTORS.filter((c) => c !== busy);
  const u = fw.update("2.0.15-l15");
  s.files.file("/fw.wasm", u.image);
  const mark = s.mark();
  const r = await request(s, u, { requestId: 115 });
  assert.equal(r.status, "Accepted", "step 2: UpdateFirmwareResponse Accepted");
  assert.ok(await untilStatus(s, mark, "InstallScheduled", 60_000), "step 9: InstallScheduled");
  assertStatuses(s, mark, ["Downloading", "Downloaded", "SignatureVerified", "InstallScheduled"], 115, "TC_L_15_CS steps 3-9");
  // Step 11: the Available connectors are set to Unavailable; the one charging is not.
  await s.step(2000);
  for (const c of free) assert.ok(s.statusesSince(mark).some(([id, st]) => id === c && st === "Unavailable"), `step 11: connector ${c} Unavailable`);
  assert.ok(!s.statusesSince(mark).some(([id]) => id === busy), `connector ${busy} keeps charging`);
  // Nothing is installed while the transaction runs.
  await s.step(60_000);
  assert.ok(!fwStatuses(s, mark).some((p) => p.status === "Installing"), "no Installing during the transaction");
  assert.equal(s.sentSince(mark, "BootNotification").length, 0, "no reboot during the transaction");
  // Step 13: ParkingBayUnoccupied for the connector: the driver leaves with the cable (no bay sensor), which ends
  // the transaction (TxStopPoint EVConnected). Played here rather than through states.evDisconnected, whose
  // "connector Available" this case replaces with its step 14 (Unavailable: the installation is pending).
  const markEnd = s.mark();
  await s.unplug(busy);
  assert.ok(await s.stepUntil(() => s.sentSince(markEnd, "TransactionEvent").some((e) => e.eventType === "Ended"), 30_000),
    "step 13: the transaction ends (TransactionEvent Ended)");
  // Step 14 (optional, taken): the last connector Unavailable, before Installing (step 17).
  assert.ok(await untilStatus(s, mark, "Installed"), "step 23: Installed");
  const sinceEnd = s.since(markEnd);
  const lastUnavailable = sinceEnd.findIndex((m) => m.method === "StatusNotification" && m.params.connectorId === busy && m.params.connectorStatus === "Unavailable");
  const installing = sinceEnd.findIndex((m) => m.method === "FirmwareStatusNotification" && m.params.status === "Installing");
  const ended = sinceEnd.findIndex((m) => m.method === "TransactionEvent" && m.params.eventType === "Ended");
  assert.ok(ended >= 0 && installing > ended, "step 17: Installing once the transaction ended");
  assert.ok(lastUnavailable >= 0 && lastUnavailable < installing, `step 14: connector ${busy} Unavailable before Installing`);
  assert.ok(await until(s, () => s.sentSince(mark, "SecurityEventNotification").some((e) => e.type === "FirmwareUpdated"), 30_000),
    "step 25: SecurityEventNotification FirmwareUpdated");
  const boot = indexOf(s, mark, "BootNotification");
  assert.equal(s.since(mark)[boot].params.reason, "FirmwareUpdate", "RebootBeforeFirmwareActivation step 3: reason FirmwareUpdate");
  for (const c of CONNECTORS) {
    assert.ok(indexOf(s, mark, "StatusNotification", (p) => p.connectorId === c && p.connectorStatus === "Available") > boot,
      `step 21: connector ${c} Available after the reboot`);
  }
  assertStatuses(s, mark, ["Downloading", "Downloaded", "SignatureVerified", "InstallScheduled", "Installing", "InstallRebooting", "Installed"],
    115, "TC_L_15_CS");
});

test(`[${HOST}] TC_L_18_CS Secure Firmware Update - Missing firmware signing certificate and signature`, async (t) => {
  const s = await station(t);
  const u = fw.update("2.0.18-l18");
  s.files.file("/fw.wasm", u.image);
  const mark = s.mark();
  const r = await request(s, u, { requestId: 118, certificate: null, signature: null });
  assert.ok(["Rejected", "InvalidCertificate"].includes(r.status), `step 2: UpdateFirmwareResponse Rejected or InvalidCertificate (${r.status})`);
  await s.step(10_000);
  assert.equal(s.files.requests.length, 0, "nothing downloaded");
  assert.deepEqual(fwStatuses(s, mark), [], "no update runs");
});
