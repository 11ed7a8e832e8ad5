// Update power-cut campaign (issue 16, item 3): firmware updates (UpdateFirmware, L01) one after the other on the
// C host (UPDATE_CUT_HOST=node: the Node host's in-process power cycle; mcu: the emulated board, QEMU killed), the
// process killed with SIGKILL at random moments: while the image downloads into the inactive slot, verifies it,
// installs it, reboots into it, runs it on trial or confirms it. After every boot the station must come up (never
// bricked) and run one of the two images of the update in progress, whole (its BootNotification's firmwareVersion
// is the old or the new one: the host refuses a torn image, which would also fail its trial). Every update must
// end, once the cuts stop, in one outcome for its requestId: Installed with the new image running and staying
// (confirmed: a further power cycle keeps it), or a failure status with the old image running; and its
// FirmwareStatusNotifications follow L01's order with none lost (the statuses are saved until acknowledged). UPDATE_CUTS
// (default 20) and UPDATE_CUT_SEED set the campaign; `make update-cuts` runs a long one.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { startCsms } = require("./helpers/csms.js");
const { startFileServer } = require("./helpers/file-server.js");
const { makeFirmwarePki } = require("./helpers/firmware-image.js");
const { startStation } = require("../host/node/host.js");
const { startCStation } = require("../host/node/c-station.js");
const { startMcuStation } = require("../host/node/mcu-station.js");

const CUTS = Number(process.env.UPDATE_CUTS || 20);
const SEED = Number(process.env.UPDATE_CUT_SEED || 20261207);
const HOST = process.env.UPDATE_CUT_HOST || "c";
const FAILURES = ["DownloadFailed", "InvalidSignature", "InvalidCertificate", "InstallVerificationFailed", "InstallationFailed"];
/** Station time an update may take once the cuts stop: a download, the install, the reboot and the trial. */
const SETTLE_MS = 15 * 60_000;

/** The statuses of one update, in the order L01 gives them; a boot may repeat the one in flight or start the
 *  download again (Downloading once more), never skip one. */
const PATH = ["Downloading", "Downloaded", "SignatureVerified", "Installing", "InstallRebooting", "Installed"];
function assertPath(got, n) {
  let at = -1;
  for (const [i, s] of got.entries()) {
    const k = PATH.indexOf(s);
    if (FAILURES.includes(s)) { assert.equal(i, got.length - 1, `update ${n}: ${s} ends it (${got.join(", ")})`); break; }
    assert.ok(k >= 0, `update ${n}: unexpected status ${s}`);
    assert.ok(k === at + 1 || k === at || (k === 0 && at === 0), `update ${n}: ${s} after ${PATH[at] || "the request"}: none lost (${got.join(", ")})`);
    at = k;
  }
  const end = got.at(-1);
  if (end === "Installed") assert.equal(at, PATH.length - 1);
}

/** xorshift32: the campaign repeats exactly for one seed. */
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >> 17; x ^= x << 5; x >>>= 0; return x / 4294967296; };
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test(`update power-cut campaign on the ${HOST} host: ${CUTS} cuts, seed ${SEED}: never bricked, never a mix, every update ends`, { timeout: 30 * 60_000 }, async (t) => {
  const random = rng(SEED);
  const fw = makeFirmwarePki();
  const csms = await startCsms();
  const files = await startFileServer();
  const opts = { csmsUrl: csms.url, stationId: "UPD1", sim: true, config: { "dm:AlignedDataCtrlr.Interval": "0" } };
  const st = HOST === "c" ? await startCStation(opts) : HOST === "mcu" ? await startMcuStation(opts)
    : await startStation({ ...opts, virtualClock: true });
  t.after(() => { st.stop(); csms.close(); files.close(); fw.cleanup(); });
  const boots = () => csms.received.filter((r) => r.method === "BootNotification").map((r) => r.params);
  const statuses = (requestId) => csms.received
    .filter((r) => r.method === "FirmwareStatusNotification" && r.params.requestId === requestId).map((r) => r.params.status);
  await csms.waitFor("BootNotification", 1, 20_000);
  await st.advance(2000);
  const installed = await csms.client().call("InstallCertificate", { certificateType: "ManufacturerRootCertificate", certificate: fw.rootPem });
  assert.equal(installed.status, "Accepted", "the manufacturer root installed");

  let running = boots()[0].chargingStation.firmwareVersion;
  let cuts = 0;
  const outcomes = {};
  /** A power cut part-way through a step of `ms` station time; the station must boot again. */
  const phases = {};
  let span = 400;   // real ms an update takes from the request to Installed, measured on the first (uncut) one
  async function cutDuring(ms, known, requestId) {
    const before = boots().length;
    const work = st.advance(ms).catch(() => {});   // dies with the process at the cut
    await sleep(Math.floor(random() * span));         // real time: lands anywhere in the update's work
    const phase = statuses(requestId).at(-1) || "requested";
    await st.powerCycle();
    await work;
    cuts++;
    phases[phase] = (phases[phase] || 0) + 1;
    await csms.waitFor("BootNotification", before + 1, 30_000);   // not bricked
    const v = boots().at(-1).chargingStation.firmwareVersion;
    assert.ok(known.includes(v), `after cut ${cuts} the station runs ${v}, one of ${known.join(", ")}`);
    running = v;
    await st.advance(1500);
  }

  for (let n = 1; cuts < CUTS; n++) {
    const u = fw.update(`9.${n}.0-cut`);
    files.file(`/fw-${n}.wasm`, u.image);
    const old = running;
    const known = [old, u.version];
    const r = await csms.client().call("UpdateFirmware", {
      requestId: n, retries: 3, retryInterval: 10,
      firmware: { location: files.url(`/fw-${n}.wasm`), retrieveDateTime: new Date(Date.now() - 3600_000).toISOString(),
        signingCertificate: u.certificate, signature: u.signature },
    });
    assert.equal(r.status, "Accepted", `update ${n} accepted`);
    const started = Date.now();
    // Cuts at random moments of the update (the first one runs uncut: it measures how long an update takes), with
    // random stretches of station time between them.
    for (let i = 0; i < 3 && cuts < CUTS && n > 1; i++) {
      const ms = 200 + Math.floor(random() * 6000);
      if (i === 0 || random() < 0.5) await cutDuring(ms, known, n);
      else await st.advance(ms);
    }
    // No more cuts for this update: it must end.
    const ended = () => statuses(n).some((s) => s === "Installed" || FAILURES.includes(s));
    for (let waited = 0; !ended() && waited < SETTLE_MS; waited += 5000) await st.advance(5000);
    if (n === 1) span = Math.max(50, Date.now() - started);
    const got = statuses(n);
    assertPath(got, n);
    const outcome = got.find((s) => s === "Installed" || FAILURES.includes(s));
    assert.ok(outcome, `update ${n} ended (statuses: ${got.join(", ")})`);
    outcomes[outcome] = (outcomes[outcome] || 0) + 1;
    await st.advance(5000);
    const want = outcome === "Installed" ? u.version : old;
    assert.equal(running = boots().at(-1).chargingStation.firmwareVersion, want, `update ${n} ${outcome}: the image that runs`);
    // What runs stays: a clean power cycle boots the same image (an Installed one was confirmed).
    const before = boots().length;
    await st.powerCycle();
    await csms.waitFor("BootNotification", before + 1, 30_000);
    assert.equal(boots().at(-1).chargingStation.firmwareVersion, want, `update ${n}: the same image after a power cycle`);
    await st.advance(2000);
    console.log(`update ${n}: ${old} -> ${u.version}: ${got.join(", ")}`);
  }
  console.log(`update cuts: ${cuts}, boots: ${boots().length}, outcomes: ${JSON.stringify(outcomes)}, ` +
    `cuts after the last status: ${JSON.stringify(phases)}, an update's span ${span} ms`);
  assert.ok(outcomes.Installed >= 1, "at least one update was installed during the campaign");
});
