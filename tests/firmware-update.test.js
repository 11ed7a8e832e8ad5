// The firmware update beyond the certification cases (docs/firmware-update.md): power cuts while downloading and
// during the trial boot, and the transfers the cases do not use (https, a redirect, a chunked body, a transfer cut
// halfway and retried). Every scenario runs on the host STATION_HOST names, with the file server on loopback.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const { conformance } = require("./conformance/states.js");
const { HOST } = require("./helpers/station-host.js");
const { startFileServer } = require("./helpers/file-server.js");
const { makeFirmwarePki } = require("./helpers/firmware-image.js");
const { makePki } = require("./helpers/pki.js");

const fw = makeFirmwarePki();
const pki = makePki();
test.after(() => { fw.cleanup(); fs.rmSync(pki.dir, { recursive: true, force: true }); });
const MAX_MS = 180_000;

/** A station trusting the manufacturer root (and the test CSMS root: https file servers); the CSMS answers
 *  BootNotification with `boot.status` (Accepted unless a test changes it). */
async function station(t, { tls = false } = {}) {
  const boot = { status: "Accepted" };
  const csms = { handlers: { BootNotification: () => ({ status: boot.status, currentTime: new Date().toISOString(), interval: 300 }) } };
  const s = await conformance(t, { csms, station: HOST === "mcu" ? {} : { caFile: pki.file("root.pem") } });
  const files = await startFileServer({ tls, pki });
  t.after(() => files.close());
  const r = await s.call("InstallCertificate", { certificateType: "ManufacturerRootCertificate", certificate: fw.rootPem });
  assert.equal(r.status, "Accepted", "the manufacturer root installed");
  s.files = files;
  s.boot = boot;
  return s;
}

const request = (s, u, location, extra = {}) => s.call("UpdateFirmware", { requestId: 7, ...extra, firmware: {
  location, retrieveDateTime: new Date(Date.now() - 3600_000).toISOString(), signingCertificate: u.certificate, signature: u.signature } });
const statuses = (s, mark) => s.sentSince(mark, "FirmwareStatusNotification").map((p) => p.status);
const untilStatus = (s, mark, status, maxMs = MAX_MS) => s.stepUntil(() => statuses(s, mark).includes(status), maxMs, 500);
const FULL = ["Downloading", "Downloaded", "SignatureVerified", "Installing", "InstallRebooting", "Installed"];

async function assertRuns(s, mark, u) {
  assert.ok(await untilStatus(s, mark, "Installed"), "Installed");
  const boot = s.sentSince(mark, "BootNotification").at(-1);
  assert.equal(boot.reason, "FirmwareUpdate", "the new image's boot: reason FirmwareUpdate");
  assert.equal(boot.chargingStation.firmwareVersion, u.version, "the new image runs");
}

test(`[${HOST}] firmware update over https, through a redirect, with a chunked body`, async (t) => {
  const s = await station(t, { tls: true });
  const u = fw.update("3.0.1-https");
  s.files.file("/fw.wasm", u.image, { chunked: true, chunkSize: 1500 });
  s.files.redirect("/latest", 302, "/fw.wasm");
  const mark = s.mark();
  // By IP address: the server certificate names 127.0.0.1 as an iPAddress entry (and localhost as a DNS name);
  // every host matches an address against iPAddress entries only (tests/tls.test.js).
  assert.equal((await request(s, u, `https://127.0.0.1:${s.files.port}/latest`)).status, "Accepted");
  await assertRuns(s, mark, u);
  assert.deepEqual(statuses(s, mark), FULL, "every status once, in order");
  assert.deepEqual(s.files.requests.map((q) => q.path), ["/latest", "/fw.wasm"], "the redirect followed");
});

test(`[${HOST}] firmware update: a transfer cut halfway is retried after retryInterval, Downloading reported once`, async (t) => {
  const s = await station(t);
  const u = fw.update("3.0.2-cut");
  s.files.cut("/fw.wasm", u.image, Math.floor(u.image.length / 2));
  const mark = s.mark();
  assert.equal((await request(s, u, s.files.url("/fw.wasm"), { retries: 1, retryInterval: 60 })).status, "Accepted");
  assert.ok(await s.stepUntil(() => s.files.requests.length === 1, 10_000, 250), "the first attempt");
  s.files.file("/fw.wasm", u.image);
  await s.step(30_000);
  assert.equal(s.files.requests.length, 1, "no new attempt before retryInterval");
  await assertRuns(s, mark, u);
  assert.equal(s.files.requests.length, 2, "one retry");
  assert.deepEqual(statuses(s, mark), FULL, "Downloading once per update");
});

test(`[${HOST}] firmware update: an error status is retried \`retries\` times, \`retryInterval\` apart, then DownloadFailed`, async (t) => {
  const s = await station(t);
  const u = fw.update("3.0.5-404");
  s.files.status("/fw.wasm", 503, "busy");
  const mark = s.mark();
  assert.equal((await request(s, u, s.files.url("/fw.wasm"), { retries: 2, retryInterval: 45 })).status, "Accepted");
  assert.ok(await s.stepUntil(() => s.files.requests.length === 1, 10_000, 250), "the first attempt");
  await s.step(40_000);
  assert.equal(s.files.requests.length, 1, "no retry before retryInterval");
  await s.step(10_000);
  assert.equal(s.files.requests.length, 2, "the first retry after retryInterval");
  assert.ok(await untilStatus(s, mark, "DownloadFailed", 120_000), "DownloadFailed after the retries");
  assert.equal(s.files.requests.length, 3, "one attempt and 2 retries");
  assert.deepEqual(statuses(s, mark), ["Downloading", "DownloadFailed"]);
  assert.ok(s.sentSince(mark, "FirmwareStatusNotification").every((p) => p.requestId === 7), "requestId on each");
  // The update is over: the trigger reports Idle.
  const m2 = s.mark();
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "FirmwareStatusNotification" })).status, "Accepted");
  await s.stepUntil(() => s.sentSince(m2, "FirmwareStatusNotification").length > 0, 10_000);
  assert.deepEqual(s.sentSince(m2, "FirmwareStatusNotification"), [{ status: "Idle" }], "Idle, without requestId");
});

test(`[${HOST}] firmware update: a power cut while downloading starts the download again after the boot`, async (t) => {
  const s = await station(t);
  const u = fw.update("3.0.3-cut-download");
  s.files.stall("/fw.wasm", { bytes: 20_000, data: u.image });
  const mark = s.mark();
  assert.equal((await request(s, u, s.files.url("/fw.wasm"))).status, "Accepted");
  assert.ok(await untilStatus(s, mark, "Downloading", 10_000), "Downloading");
  await s.step(2000);
  s.files.file("/fw.wasm", u.image);
  const boots = s.sent("BootNotification").length;
  await s.st.powerCycle();
  const boot = (await s.csms.waitFor("BootNotification", boots + 1, 30_000)).params;
  assert.equal(boot.reason, "PowerUp", "the cut: a power-up boot of the old image");
  await assertRuns(s, mark, u);
  assert.deepEqual(statuses(s, mark), ["Downloading", ...FULL], "the download reported again after the boot");
  assert.equal(s.files.requests.length, 2, "downloaded again from the start");
});

test(`[${HOST}] firmware update: a power cut during the trial boot, before acceptance, reverts and reports InstallationFailed`, async (t) => {
  const s = await station(t);
  const u = fw.update("3.0.4-cut-trial");
  s.files.file("/fw.wasm", u.image);
  const mark = s.mark();
  const oldVersion = s.sent("BootNotification")[0].chargingStation.firmwareVersion;
  // The CSMS does not accept the new image's boot (Pending), so the trial does not confirm; then the power goes.
  s.boot.status = "Pending";
  assert.equal((await request(s, u, s.files.url("/fw.wasm"))).status, "Accepted");
  assert.ok(await s.stepUntil(() => s.sentSince(mark, "BootNotification").length > 0, MAX_MS, 500), "the trial boot");
  assert.equal(s.sentSince(mark, "BootNotification")[0].chargingStation.firmwareVersion, u.version, "the new image on trial");
  s.boot.status = "Accepted";
  const boots = s.sent("BootNotification").length;
  await s.st.powerCycle();
  await s.csms.waitFor("BootNotification", boots + 1, 30_000);
  assert.ok(await untilStatus(s, mark, "InstallationFailed", 60_000), "InstallationFailed");
  const last = s.sentSince(mark, "BootNotification").at(-1);
  assert.equal(last.chargingStation.firmwareVersion, oldVersion, "the previous image runs again");
  assert.equal(last.reason, "FirmwareUpdate", "its boot: reason FirmwareUpdate");
  assert.deepEqual(statuses(s, mark), ["Downloading", "Downloaded", "SignatureVerified", "Installing", "InstallRebooting", "InstallationFailed"]);
  assert.ok(!s.sentSince(mark, "SecurityEventNotification").some((e) => e.type === "FirmwareUpdated"), "no FirmwareUpdated");
  // The failure was reported once: a further boot reports nothing more.
  const boots2 = s.sent("BootNotification").length;
  await s.st.powerCycle();
  const again = (await s.csms.waitFor("BootNotification", boots2 + 1, 30_000)).params;
  await s.step(5000);
  assert.equal(again.reason, "PowerUp", "a later boot is a power-up");
  assert.equal(statuses(s, mark).filter((x) => x === "InstallationFailed").length, 1, "InstallationFailed once");
});

test(`[${HOST}] firmware update: an image signed with an RSA key installs`, async (t) => {
  const s = await station(t);
  const u = fw.update("3.0.6-rsa", "rsa");
  s.files.file("/fw.wasm", u.image);
  const mark = s.mark();
  assert.equal((await request(s, u, s.files.url("/fw.wasm"))).status, "Accepted");
  await assertRuns(s, mark, u);
  assert.deepEqual(statuses(s, mark), FULL);
});

test(`[${HOST}] firmware update: a signing certificate past its validity is InvalidCertificate at once`, async (t) => {
  const s = await station(t);
  const u = fw.expired("3.0.7-expired");
  s.files.file("/fw.wasm", u.image);
  const mark = s.mark();
  assert.equal((await request(s, u, s.files.url("/fw.wasm"))).status, "InvalidCertificate");
  assert.ok(await s.stepUntil(() => s.sentSince(mark, "SecurityEventNotification").some((e) => e.type === "InvalidFirmwareSigningCertificate"), 10_000),
    "security event InvalidFirmwareSigningCertificate");
  assert.equal(s.files.requests.length, 0, "nothing downloaded");
});

test(`[${HOST}] firmware update: a correctly signed file that is no image is refused by the host at the trial boot: InstallationFailed`, async (t) => {
  const s = await station(t);
  const u = fw.corrupt("3.0.8-corrupt");
  s.files.file("/fw.wasm", u.image);
  const mark = s.mark();
  const oldVersion = s.sent("BootNotification")[0].chargingStation.firmwareVersion;
  assert.equal((await request(s, u, s.files.url("/fw.wasm"))).status, "Accepted");
  assert.ok(await untilStatus(s, mark, "InstallationFailed"), "InstallationFailed");
  assert.deepEqual(statuses(s, mark), ["Downloading", "Downloaded", "SignatureVerified", "Installing", "InstallRebooting", "InstallationFailed"]);
  assert.equal(s.sentSince(mark, "BootNotification").at(-1).chargingStation.firmwareVersion, oldVersion, "the previous image runs");
});
