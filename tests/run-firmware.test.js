// `make run`'s firmware update (bench op `update`, docs/firmware-update.md "Try it"): the run publishes a signed image
// of build/firmware.wasm with the asked version (a throwaway manufacturer CA in <data>/demo-firmware, made once) on a
// loopback file server; the demo CSMS installs the CA's root (InstallCertificate ManufacturerRootCertificate) unless
// the station lists it, and sends UpdateFirmware. The station reports FirmwareStatusNotification up to Installed and
// boots with the new firmwareVersion. Each run is the real program (tests/helpers/run-process.js), on the Node host
// and the C host (where make c-host built it), and one update on the emulated board (where make mcu built it: the
// file server's port is one QEMU forwards); the bench op's checks run against the Bench class.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");
const { startRun } = require("./helpers/run-process.js");
const { Bench } = require("../host/bench/bench.js");

const ROOT = path.join(__dirname, "..");
const C_STATION = path.join(ROOT, "build", "c-host", "station");
const MCU_ELF = path.join(ROOT, "build", "mcu", "station.elf");
// The board verifies the signature and boots the new image in QEMU (TCG): longer on a loaded machine.
const LIMIT_MS = fs.existsSync(MCU_ELF) ? 120_000 : 60_000;

/** One bench command over TCP; resolves with the parsed reply line. */
function bench(port, cmd) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, "127.0.0.1", () => sock.write(JSON.stringify(cmd) + "\n"));
    let buf = "";
    sock.setEncoding("utf8");
    sock.on("data", (d) => {
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl >= 0) { sock.end(); resolve(JSON.parse(buf.slice(0, nl))); }
    });
    sock.on("error", reject);
  });
}

const STATUSES = ["Downloading", "Downloaded", "SignatureVerified", "Installing", "InstallRebooting", "Installed"];
const BOOT = /csms: ← CS001 CALL BootNotification #\S+ (\{.*\})$/;
const boots = (run) => run.lines.map((l) => BOOT.exec(l)).filter(Boolean).map((m) => JSON.parse(m[1]));

/** Sends the bench op `update` for `version` and follows the update to Installed and the boot of the new image;
 *  returns the lines of the run from the command on. */
async function update(run, port, version, requestId) {
  const from = run.lines.length;
  const reply = await bench(port, { op: "update", version });
  assert.equal(reply.ok, true, `update ${version}: ${JSON.stringify(reply)}`);
  assert.equal(reply.status, "Accepted", "UpdateFirmwareResponse status");
  assert.equal(reply.version, version);
  assert.equal(reply.requestId, requestId);
  assert.match(reply.location, /^http:\/\/127\.0\.0\.1:\d+\/firmware-\d+\.wasm$/);
  await run.waitFor(new RegExp(`csms: ← CS001 CALL FirmwareStatusNotification #\\S+ \\{"status":"Installed","requestId":${requestId}\\}`),
    `FirmwareStatusNotification Installed of ${version}`);
  const lines = run.lines.slice(from);
  // This update's statuses (a status of an earlier one, kept until acknowledged, may be sent again after a restart).
  const statuses = lines.map((l) => /CALL FirmwareStatusNotification #\S+ (\{.*\})$/.exec(l)).filter(Boolean).map((m) => JSON.parse(m[1]))
    .filter((p) => p.requestId === requestId);
  assert.deepEqual(statuses, STATUSES.map((status) => ({ status, requestId })), "the statuses in order, each with the requestId");
  const boot = lines.findIndex((l) => BOOT.test(l));
  const installed = lines.findIndex((l) => /"status":"Installed"/.test(l));
  assert.ok(boot >= 0 && boot < installed, "the new image's BootNotification before Installed");
  const params = JSON.parse(BOOT.exec(lines[boot])[1]);
  assert.equal(params.reason, "FirmwareUpdate");
  assert.equal(params.chargingStation.firmwareVersion, version, "the new image's version in BootNotification");
  const call = lines.find((l) => /csms: → CS001 CALL UpdateFirmware /.test(l));
  const firmware = JSON.parse(/CALL UpdateFirmware #\S+ (\{.*\})$/.exec(call)[1]).firmware;
  assert.equal(firmware.location, reply.location);
  assert.match(firmware.signingCertificate, /^-----BEGIN CERTIFICATE-----/);
  assert.ok(Buffer.from(firmware.signature, "base64").length > 0, "a signature");
  return lines;
}

test("bench op update: checked before anything happens; refused without the demo CSMS", async () => {
  const asked = [];
  const handle = { sim: null };
  const b = new Bench(handle, { updateFirmware: async (v) => { asked.push(v); return { version: v || "default", status: "Accepted" }; } });
  assert.deepEqual(await b.command({ op: "update", version: "2.0.0" }), { ok: true, version: "2.0.0", status: "Accepted" });
  assert.deepEqual(await b.command({ op: "update" }), { ok: true, version: "default", status: "Accepted" });
  for (const [cmd, error] of [[{ op: "update", version: "" }, /version: 1 to 50/], [{ op: "update", version: "x".repeat(51) }, /version: 1 to 50/],
    [{ op: "update", version: 2 }, /version: 1 to 50/], [{ op: "update", version: "a\nb" }, /version: 1 to 50/],
    [{ op: "update", url: "http://x" }, /url: unknown field/]]) {
    const r = await b.command(cmd);
    assert.equal(r.ok, false, JSON.stringify(cmd));
    assert.match(r.error, error);
  }
  assert.deepEqual(asked, ["2.0.0", undefined], "only the valid commands reached the CSMS side");
  const failing = new Bench(handle, { updateFirmware: async () => { throw new Error("station CS001 is not connected to the demo CSMS"); } });
  assert.deepEqual(await failing.command({ op: "update" }), { ok: false, error: "update: station CS001 is not connected to the demo CSMS" });
  const r = await new Bench(handle).command({ op: "update", version: "2.0.0" });
  assert.equal(r.ok, false);
  assert.match(r.error, /needs the built-in demo CSMS/);
});

for (const host of ["node", "c"]) {
  test(`[${host}] make run, bench op update: the root installed, UpdateFirmware, statuses to Installed, the boot with the new version; a restart reuses the CA`, async (t) => {
    if (host === "c" && !fs.existsSync(C_STATION)) assert.fail(`${C_STATION} missing: run make c-host`);
    const data = fs.mkdtempSync(path.join(os.tmpdir(), `run-fw-${host}-`));
    const runs = [];
    // Both runs stopped before their data folder goes (a running station writes into it).
    t.after(async () => { for (const r of runs) await r.stop(); fs.rmSync(data, { recursive: true, force: true }); });
    const run = startRun(t, ["--host", host, "--data", data], { limitMs: LIMIT_MS });
    runs.push(run);
    const port = Number(/bench control on 127\.0\.0\.1:(\d+)/.exec(await run.waitFor(/bench control on 127\.0\.0\.1:\d+/, "the bench port"))[1]);
    await run.waitFor(/info +registration: Accepted/, "the boot accepted");
    assert.equal(boots(run)[0].chargingStation.firmwareVersion, "0.1.0", "the factory image's version first");

    const first = await update(run, port, "9.1.0-run", 1);
    assert.ok(first.some((l) => /csms: → CS001 CALL GetInstalledCertificateIds .*ManufacturerRootCertificate/.test(l)), "the CSMS asks for the roots");
    const install = first.find((l) => /csms: → CS001 CALL InstallCertificate /.test(l));
    assert.match(install || "", /"certificateType":"ManufacturerRootCertificate"/, "InstallCertificate ManufacturerRootCertificate");
    const root = path.join(data, "demo-firmware", "root.pem");
    assert.equal(JSON.parse(/CALL InstallCertificate #\S+ (\{.*\})$/.exec(install)[1]).certificate, fs.readFileSync(root, "utf8"),
      "the root of the CA in <data>/demo-firmware");
    await run.stop();

    // The same data folder: the station runs the updated image, and the CA is reused, so its root is listed and not
    // installed again.
    const rootPem = fs.readFileSync(root, "utf8");
    const again = startRun(t, ["--host", host, "--data", data], { limitMs: LIMIT_MS });
    runs.push(again);
    const port2 = Number(/bench control on 127\.0\.0\.1:(\d+)/.exec(await again.waitFor(/bench control on 127\.0\.0\.1:\d+/, "the bench port"))[1]);
    await again.waitFor(/info +registration: Accepted/, "the boot accepted after the restart");
    assert.equal(boots(again)[0].chargingStation.firmwareVersion, "9.1.0-run", "the updated image runs after the restart");
    const second = await update(again, port2, "9.2.0-run", 2);
    assert.ok(!second.some((l) => /CALL InstallCertificate /.test(l)), "the root is listed: no InstallCertificate");
    assert.equal(fs.readFileSync(root, "utf8"), rootPem, "the restart reuses the manufacturer CA");
    await again.stop();
  });
}

if (fs.existsSync(MCU_ELF)) {
  test("[mcu] make run HOST=mcu, bench op update: the board installs the signed image and boots it", async (t) => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), "run-fw-mcu-"));
    let run = null;
    t.after(async () => { if (run) await run.stop(); fs.rmSync(data, { recursive: true, force: true }); });
    run = startRun(t, ["--host", "mcu", "--data", data], { limitMs: LIMIT_MS });
    const port = Number(/bench control on 127\.0\.0\.1:(\d+)/.exec(await run.waitFor(/bench control on 127\.0\.0\.1:\d+/, "the bench port"))[1]);
    await run.waitFor(/info +registration: Accepted/, "the boot accepted");
    const lines = await update(run, port, "9.1.0-mcu", 1);
    assert.ok(lines.some((l) => /csms: → CS001 CALL InstallCertificate .*"certificateType":"ManufacturerRootCertificate"/.test(l)), "the root installed");
    await run.stop();
  });
} else {
  console.log(`# run-firmware: ${MCU_ELF} missing (make mcu): the board's run is left out`);
}
