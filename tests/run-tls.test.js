// `make run CSMS_TLS=2|3` (host/node/run.js --csms-tls): the demo CSMS listens for wss:// with a throwaway PKI in
// the run's data folder, and the station connects with security profile 2 (TLS + Basic auth) or 3 (TLS + the
// PKI's client certificate; the demo CSMS then installs its root, triggers SignChargingStationCertificate and
// signs the CSR: the A02 round trip). Each run is the real program, stopped with SIGTERM; every wait is on its
// output, with a time-out (tests/helpers/run-process.js). On the Node host and the C host (where make c-host built it); on the emulated board
// (where make mcu built it) the two connections, through its guestfwd relay.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { RPCClient } = require("ocpp-rpc");
const { DEMO_PASSWORD } = require("../host/node/run.js");
const { startRun: startRunProcess } = require("./helpers/run-process.js");

const ROOT = path.join(__dirname, "..");
const C_STATION = path.join(ROOT, "build", "c-host", "station");
const MCU_ELF = path.join(ROOT, "build", "mcu", "station.elf");
// The board does the handshake's public-key work in QEMU (TCG): seconds on a loaded machine.
const LIMIT_MS = fs.existsSync(MCU_ELF) ? 60_000 : 20_000;

/** run.js with `args` (tests/helpers/run-process.js). */
const startRun = (t, args) => startRunProcess(t, args, { limitMs: LIMIT_MS });

const BOOT_ACCEPTED = [/csms: ← CS001 CALL BootNotification /, /info +registration: Accepted/];

const HOSTS = ["node", "c"];
for (const host of HOSTS) {
  const tmp = (t) => {
    if (host === "c" && !fs.existsSync(C_STATION)) assert.fail(`${C_STATION} missing: run make c-host`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `run-tls-${host}-`));
    // Runs after this (hooks go in order) stop their program; on a failure the station may still write here.
    t.after(() => { try { fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 }); } catch (e) { console.log(`# run-tls: ${dir} left: ${e.message}`); } });
    return dir;
  };

  test(`[${host}] make run CSMS_TLS=2: wss:// demo CSMS, Basic auth, the station's boot Accepted; a wrong password refused`, async (t) => {
    const data = tmp(t);
    const run = startRun(t, ["--host", host, "--data", data, "--csms-tls", "2"]);
    const banner = await run.waitFor(/demo CSMS on wss:\/\/localhost:\d+\/ocpp\/<stationId>.*security profile 2/, "the demo CSMS's wss:// URL");
    for (const re of BOOT_ACCEPTED) await run.waitFor(re, `${re}`);
    const url = /(wss:\/\/localhost:\d+\/ocpp)/.exec(banner)[1];
    for (const f of ["root.pem", "server.pem", "server.key"]) assert.ok(fs.existsSync(path.join(data, "demo-pki", f)), `demo-pki/${f} in the data folder`);

    // The same CSMS with a wrong Basic auth password: refused (HTTP 401), and the log says why.
    const ca = fs.readFileSync(path.join(data, "demo-pki", "root.pem"));
    const intruder = new RPCClient({ endpoint: url, identity: "CS999", password: "not-the-demo-password", protocols: ["ocpp2.0.1"],
      reconnect: false, wsOpts: { ca } });
    await assert.rejects(intruder.connect(), /Unauthorized/);   // HTTP 401
    await run.waitFor(/csms: CS999 refused: wrong or missing Basic auth password/, "the refusal in the log");
    assert.ok(DEMO_PASSWORD.length >= 16 && DEMO_PASSWORD.length <= 40, "the demo password is a valid BasicAuthPassword");
    await run.stop();
  });

  test(`[${host}] make run CSMS_TLS=3: client certificate, boot Accepted, CertificateSigned round trip; a restart reuses the PKI`, async (t) => {
    const data = tmp(t);
    const run = startRun(t, ["--host", host, "--data", data, "--csms-tls", "3"]);
    await run.waitFor(/csms: CS001 presented client certificate CN=CS001/, "the station's client certificate");
    for (const re of BOOT_ACCEPTED) await run.waitFor(re, `${re}`);
    // The PKI's root comes in as the host's start-up provisioning (--ca fills an empty store: docs/host-abi.md), so
    // the demo CSMS finds it listed and installs nothing.
    await run.waitFor(/host: CSMS root from .*root\.pem installed in the store/, "the root provisioned into the store");
    await run.waitFor(/csms: ← CS001 CALL SignCertificate .*BEGIN CERTIFICATE REQUEST/, "SignCertificateRequest");
    const call = await run.waitFor(/csms: → CS001 CALL CertificateSigned #\S+ .*BEGIN CERTIFICATE/, "CertificateSignedRequest");
    const id = /CertificateSigned #(\S+)/.exec(call)[1];
    const answer = await run.waitFor(new RegExp(`csms: ← CS001 CALLRESULT #${id} `), "CertificateSignedResponse");
    assert.match(answer, /\{"status":"Accepted"/, "CertificateSignedResponse status Accepted");
    await run.waitFor(/station certificate: installed/, "the station's certificate installed");
    assert.ok(!run.lines.some((l) => /CALL InstallCertificate/.test(l)), "the provisioned root is listed: no InstallCertificate");
    await run.stop();

    const root = fs.readFileSync(path.join(data, "demo-pki", "root.pem"), "utf8");
    const again = startRun(t, ["--host", host, "--data", data, "--csms-tls", "3"]);
    for (const re of BOOT_ACCEPTED) await again.waitFor(re, `${re} after the restart`);
    await again.waitFor(/csms: → CS001 CALL TriggerMessage /, "TriggerMessage after the restart");
    assert.equal(fs.readFileSync(path.join(data, "demo-pki", "root.pem"), "utf8"), root, "the restart reuses the PKI's root");
    assert.ok(!again.lines.some((l) => /CALL InstallCertificate/.test(l)), "the root is already installed: no InstallCertificate");
    await again.stop();
  });
}

// The board: TLS passes through the guestfwd relay unchanged; the wss:// host name localhost is mapped in its
// hosts table (host/node/mcu-station.js). Its certificate signing request is the board's own work (crypto_csr):
// the A02 round trip is not asserted here.
if (fs.existsSync(MCU_ELF)) {
  test("[mcu] make run CSMS_TLS=2 and CSMS_TLS=3 on the emulated board: boot Accepted over TLS", async (t) => {
    for (const profile of ["2", "3"]) {
      const data = fs.mkdtempSync(path.join(os.tmpdir(), `run-tls-mcu-${profile}-`));
      t.after(() => fs.rmSync(data, { recursive: true, force: true }));
      const run = startRun(t, ["--host", "mcu", "--data", data, "--csms-tls", profile]);
      if (profile === "3") await run.waitFor(/csms: CS001 presented client certificate CN=CS001/, "the board's client certificate");
      for (const re of BOOT_ACCEPTED) await run.waitFor(re, `${re} (profile ${profile})`);
      await run.stop();
    }
  });
} else {
  console.log(`# run-tls: ${MCU_ELF} missing (make mcu): the board's runs are left out`);
}
