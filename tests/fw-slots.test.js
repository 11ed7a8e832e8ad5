// Firmware slots, ABI revision 3 (docs/host-abi.md "Firmware slots"), on the host STATION_HOST names (node, c): the
// same cases on both. The image is a stand-in (tests/fixtures/slot-image.wat) that runs fw_slot_* commands sent by
// this test over a TCP connection it opens at start, and logs its config pairs (so "firmware_version<v>" says which
// image booted). The update images are that stand-in with a station.firmware_version section, signed by the test
// manufacturer CA of tests/helpers/firmware-image.js, whose root is in the data directory's store as kind 1.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { startTestStation, HOST } = require("./helpers/station-host.js");
const { makeFirmwarePki, withVersion } = require("./helpers/firmware-image.js");
const { startCommandServer, standIn } = require("./helpers/slot-stand-in.js");

if (HOST === "mcu") {
  // The board's slots are tested by its own tests (flash partitions); this file drives the Linux hosts.
  test("fw-slots: not for STATION_HOST=mcu (the board has its own slot tests)", { skip: "STATION_HOST=mcu" }, () => {});
  return;
}

const SLOT_CAPACITY = 4 * 1024 * 1024;
const base = fs.mkdtempSync(path.join(os.tmpdir(), "fw-slots-"));

// The command server the stand-in connects to (tests/helpers/slot-stand-in.js).
let server, conns;
let driver, fw;
test.before(async () => {
  server = await startCommandServer();
  conns = server.conns;
  const wat = path.join(base, "slot-image.wat");
  fs.writeFileSync(wat, fs.readFileSync(path.join(__dirname, "fixtures", "slot-image.wat"), "utf8").replace("(i32.const PORT)", `(i32.const ${server.port})`));
  driver = path.join(base, "slot-image.wasm");
  execFileSync(path.join(__dirname, "..", "node_modules", ".bin", "wasm-opt"), [wat, "-o", driver, "--mvp-features", "--enable-mutable-globals", "--quiet"]);
  fw = makeFirmwarePki({ firmware: driver });
});
test.after(() => {
  if (server) server.close();
  if (fw) fw.cleanup();
  fs.rmSync(base, { recursive: true, force: true });
});

/** A station on the factory image (the stand-in, version 1.0.0) with the manufacturer root in its store. */
async function station({ start = startTestStation, dataDir = null, ...opts } = {}) {
  if (!dataDir) {
    dataDir = fs.mkdtempSync(path.join(base, "data-"));
    fs.mkdirSync(path.join(dataDir, "certs"), { recursive: true });
    const der = new crypto.X509Certificate(fw.rootPem).raw;
    fs.writeFileSync(path.join(dataDir, "certs", `1-${crypto.createHash("sha256").update(der).digest("hex").slice(0, 16)}.pem`), fw.rootPem);
    fs.writeFileSync(path.join(dataDir, "factory.wasm"), withVersion(fs.readFileSync(driver), "1.0.0"));
  }
  const factory = path.join(dataDir, "factory.wasm");
  const before = conns.length;
  const st = await start({ csmsUrl: "ws://127.0.0.1:9/ocpp", wasm: factory, dataDir, ...opts });
  const s = {
    st, dataDir,
    stop: () => { st.stop(); fs.rmSync(dataDir, { recursive: true, force: true }); },
    ...standIn(st, server),
    state: () => s.cmd("S"),
    /** put + verify + install + system_reboot(1): the new image's first boot (its connection). */
    async installAndReboot(u) {
      assert.equal(await s.put(u.image), u.image.length);
      assert.equal(await s.verify(u), 1);
      assert.equal(await s.cmd("I"), 0, "fw_slot_install");
      const n = conns.length;
      await s.cmd("R", 1);
      return n;
    },
  };
  await s.connected(before);
  return s;
}

test(`[${HOST}] begin/write/end, then fw_slot_verify: valid EC and RSA signatures, bad signature, other CA, expired, not a certificate`, async () => {
  const s = await station();
  try {
    assert.equal(s.version(), "1.0.0", "the factory image's version section is passed as firmware_version");
    assert.equal(await s.state(), 0);
    assert.equal(await s.verify(fw.update("2.0.0")), -1, "nothing written yet: no completed image");
    assert.equal(await s.cmd("I"), -1, "install: no completed image");
    assert.equal(await s.cmd("W", 0, Buffer.from("abc")), -4, "write without begin");
    assert.equal(await s.cmd("E"), -4, "end without begin");
    assert.equal(await s.cmd("B", SLOT_CAPACITY + 1), -1, "larger than the slot");
    assert.equal(await s.cmd("B", 0), 0, "size unknown");
    assert.equal(await s.cmd("W", 0, Buffer.from("abc")), 3);
    assert.equal(await s.cmd("W", 0, Buffer.from("abc")), -1, "writes are sequential");
    assert.equal(await s.verify(fw.update("2.0.0")), -1, "not completed (no fw_slot_end)");

    const ec = fw.update("2.0.0");
    assert.equal(await s.put(ec.image), ec.image.length, "fw_slot_end: the total length");
    assert.equal(await s.cmd("E"), -4, "nothing begun after the end");
    assert.equal(await s.verify(ec), 1, "EC P-256 signer of the manufacturer CA");
    const bad = { ...ec, signature: fw.sign(Buffer.concat([ec.image, Buffer.from("x")])) };
    assert.equal(await s.verify(bad), 0, "a signature over other bytes");
    const other = fw.wrongCa("2.0.0");
    assert.equal(await s.verify({ ...other, signature: fw.sign(ec.image, "otherCa") }), -3, "a signer of another CA");
    assert.equal(await s.verify({ ...ec, certificate: fw.signers.expired.certificate, signature: fw.sign(ec.image, "expired") }), -3, "an expired signer");
    assert.equal(await s.verify({ ...ec, certificate: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" }), -2, "not a certificate");
    assert.equal(await s.verify({ ...ec, certificate: "hello" }), -2, "not PEM at all");

    const rsa = fw.update("2.0.1", "rsa");
    assert.equal(await s.put(rsa.image), rsa.image.length);
    assert.equal(await s.verify(rsa), 1, "RSA PKCS#1 v1.5 signer");
    assert.equal(await s.verify({ ...rsa, signature: fw.sign(ec.image, "rsa") }), 0);

    const tampered = fw.badSignature("2.0.2");
    assert.equal(await s.put(tampered.image), tampered.image.length);
    assert.equal(await s.verify(tampered), 0, "the image changed after signing");
    assert.equal(await s.state(), 0, "nothing installed: still permanent");
  } finally { s.stop(); }
});

test(`[${HOST}] install, trial boot (state 1, the new version), confirm: permanent across a power cut; the next update goes to the other slot`, async () => {
  const s = await station();
  try {
    const n = await s.installAndReboot(fw.update("2.0.0"));
    await s.connected(n);
    assert.equal(s.version(), "2.0.0");
    assert.equal(await s.state(), 1, "on trial");
    assert.equal(await s.cmd("B", 100), -3, "begin during the trial: busy");
    assert.equal(await s.cmd("C"), 0);
    assert.equal(await s.state(), 0, "confirmed");
    assert.equal(await s.cmd("C"), 0, "nothing to confirm is fine");
    let m = conns.length;
    await s.st.powerCycle();
    await s.connected(m);
    assert.equal(s.version(), "2.0.0", "the confirmed image boots after a power cut");
    assert.equal(await s.state(), 0);
    // A second update overwrites slot A (the factory image's place) and reverts to slot B's 2.0.0 when it fails.
    const k = await s.installAndReboot(fw.update("3.0.0"));
    await s.connected(k);
    assert.equal(s.version(), "3.0.0");
    assert.equal(await s.state(), 1);
    m = conns.length;
    assert.equal(await s.cmd("T"), null, "the trial image traps");
    await s.connected(m);
    assert.equal(s.version(), "2.0.0", "back to the confirmed 2.0.0");
    assert.equal(await s.state(), 2);
  } finally { s.stop(); }
});

test(`[${HOST}] a trial image that traps before confirming: the previous image boots with state 2 until it confirms`, async () => {
  const s = await station();
  try {
    const n = await s.installAndReboot(fw.update("2.0.0"));
    await s.connected(n);
    assert.equal(await s.state(), 1);
    const m = conns.length;
    assert.equal(await s.cmd("T"), null);
    await s.connected(m);
    assert.equal(s.version(), "1.0.0", "the factory image again");
    assert.equal(await s.state(), 2, "reverted");
    assert.equal(await s.cmd("C"), 0, "acknowledged");
    assert.equal(await s.state(), 0);
    const k = conns.length;
    await s.st.powerCycle();
    await s.connected(k);
    assert.equal(s.version(), "1.0.0", "the failed image never boots again");
  } finally { s.stop(); }
});

test(`[${HOST}] a trial image that reboots (system_reboot) or loses power before confirming: revert`, async () => {
  const s = await station();
  try {
    let n = await s.installAndReboot(fw.update("2.0.0"));
    await s.connected(n);
    assert.equal(await s.state(), 1);
    n = conns.length;
    await s.st.powerCycle();
    await s.connected(n);
    assert.equal(s.version(), "1.0.0", "a power cut during the trial: the previous image");
    assert.equal(await s.state(), 2);
    n = await s.installAndReboot(fw.update("2.1.0"));
    await s.connected(n);
    assert.equal(s.version(), "2.1.0");
    assert.equal(await s.state(), 1, "a new install after a revert: on trial again");
    n = conns.length;
    await s.cmd("R", 0);
    await s.connected(n);
    assert.equal(s.version(), "1.0.0", "system_reboot before the confirm: the previous image");
    assert.equal(await s.state(), 2);
  } finally { s.stop(); }
});

test(`[${HOST}] the trial deadline: no confirm within it, the previous image boots (state 2); a confirm in time stays`, async () => {
  const s = await station({ trialDeadlineMs: 60_000 });
  try {
    let n = await s.installAndReboot(fw.update("2.0.0"));
    await s.connected(n);
    assert.equal(await s.state(), 1);
    await s.st.advance(59_000);
    assert.equal(await s.state(), 1, "before the deadline: still on trial");
    n = conns.length;
    await s.st.advance(2_000);
    await s.connected(n);
    assert.equal(s.version(), "1.0.0");
    assert.equal(await s.state(), 2);
    n = await s.installAndReboot(fw.update("2.0.1"));
    await s.connected(n);
    await s.st.advance(30_000);
    assert.equal(await s.cmd("C"), 0);
    n = conns.length;
    await s.st.advance(120_000);
    assert.equal(conns.length, n, "no reboot after the confirm");
    assert.equal(s.version(), "2.0.1");
    assert.equal(await s.state(), 0);
  } finally { s.stop(); }
});

test(`[${HOST}] the default trial deadline is 600 s`, async () => {
  const s = await station();
  try {
    let n = await s.installAndReboot(fw.update("2.0.0"));
    await s.connected(n);
    await s.st.advance(599_000);
    assert.equal(await s.state(), 1);
    n = conns.length;
    await s.st.advance(2_000);
    await s.connected(n);
    assert.equal(await s.state(), 2);
  } finally { s.stop(); }
});

for (const [name, make] of [
  ["of another ABI revision", (v) => fw.otherAbi(v)],
  ["that is no wasm module", (v) => fw.corrupt(v)],
  ["that traps at boot", (v) => fw.bootTrap(v)],
]) {
  test(`[${HOST}] a signed image ${name} is refused or fails on trial: the previous image boots with state 2`, async () => {
    const s = await station();
    try {
      const n = await s.installAndReboot(make("9.9.9"));
      await s.connected(n);
      assert.equal(s.version(), "1.0.0");
      assert.equal(await s.state(), 2);
    } finally { s.stop(); }
  });
}

test(`[${HOST}] begin drops an installed image that has not booted; a write after a reboot needs a new begin`, async () => {
  const s = await station();
  try {
    const u = fw.update("2.0.0");
    assert.equal(await s.put(u.image), u.image.length);
    assert.equal(await s.cmd("I"), 0);
    assert.equal(await s.cmd("B", 0), 0, "a new begin erases the inactive slot");
    assert.equal(await s.cmd("I"), -1, "nothing completed any more");
    let n = conns.length;
    await s.cmd("R", 1);
    await s.connected(n);
    assert.equal(s.version(), "1.0.0", "the dropped install does not boot");
    assert.equal(await s.state(), 0);
    assert.equal(await s.cmd("W", 0, Buffer.from("x")), -4, "the begin of the last instance is gone");
    // A completed image stays completed across a reboot: it can be installed by the next instance.
    assert.equal(await s.put(u.image), u.image.length);
    n = conns.length;
    await s.st.powerCycle();
    await s.connected(n);
    assert.equal(await s.verify(u), 1);
    assert.equal(await s.cmd("I"), 0);
    n = conns.length;
    await s.st.powerCycle();
    await s.connected(n);
    assert.equal(s.version(), "2.0.0", "installed, then a power cut: the trial boot");
    assert.equal(await s.state(), 1);
  } finally { s.stop(); }
});

test(`[${HOST}] the real image with a station.firmware_version section: BootNotification carries that version, over the command line's`, async (t) => {
  const { startCsms } = require("./helpers/csms.js");
  const { FIRMWARE } = require("./helpers/firmware-image.js");
  const csms = await startCsms();
  const wasm = path.join(base, "firmware-7.7.7.wasm");
  fs.writeFileSync(wasm, withVersion(fs.readFileSync(FIRMWARE), "7.7.7"));
  const st = await startTestStation({ csmsUrl: csms.url, stationId: "CS001", wasm, config: { firmware_version: "0.0.1" } });
  t.after(() => { st.stop(); csms.close(); });
  await csms.waitFor("BootNotification");
  const boot = csms.received.find((r) => r.method === "BootNotification").params;
  assert.equal(boot.chargingStation.firmwareVersion, "7.7.7");
});

// The slot files and state record are the same on both Linux hosts (docs/host-abi.md): an update installed and
// confirmed under one host boots under the other from the same data directory, and a trial left running reverts.
test("a data directory moves between the Node host and the C host: the confirmed slot boots, a trial left running reverts", async () => {
  const C_BIN = process.env.C_STATION_BIN || path.join(__dirname, "..", "build", "c-host", "station");
  assert.ok(fs.existsSync(C_BIN), "make c-host first");
  const { startStation } = require("../host/node/host.js");
  const { startCStation } = require("./helpers/station-host.js");
  const hosts = [(o) => startStation({ virtualClock: true, ...o }), (o) => startCStation({ bin: C_BIN, ...o })];
  for (const [first, second] of [[0, 1], [1, 0]]) {
    const a = await station({ start: hosts[first] });
    let b = null;
    try {
      let n = await a.installAndReboot(fw.update("2.0.0"));
      await a.connected(n);
      assert.equal(await a.cmd("C"), 0);
      n = await a.installAndReboot(fw.update("3.0.0"));
      await a.connected(n);
      assert.equal(await a.state(), 1, "3.0.0 on trial when the first host stops");
      a.st.stop();
      b = await station({ start: hosts[second], dataDir: a.dataDir });
      assert.equal(b.version(), "2.0.0", `${first ? "c" : "node"} → ${second ? "c" : "node"}: the confirmed image, the trial reverted`);
      assert.equal(await b.state(), 2);
    } finally { if (b) b.stop(); else a.stop(); }
  }
});
