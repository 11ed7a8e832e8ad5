// The firmware slots on the emulated board (ABI revision 3; host/c/mcu/fwslots.c, docs/porting.md "Firmware
// slots"): partitions of the flash file, RAM-loaded into SSRAM1, the state record in its own record store. The
// factory image is tests/fixtures/slot-image.wat (the stand-in of tests/fw-slots.test.js, which runs fw_slot_*
// commands sent over TCP) given with --wasm; here it reaches the command server at 10.0.2.100 (QEMU's guestfwd)
// and carries a 160 KiB padding section, so an update is larger than the real image (141 KB) and spans several
// flash sectors. The manufacturer root is provisioned with --manufacturer-ca. One QEMU process for the whole
// sequence: reboots and traps re-create the instance in it; a power cut is a QEMU kill and a new process.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { startMcuStation } = require("../host/node/mcu-station.js");
const { makeFirmwarePki, withVersion, customSection } = require("./helpers/firmware-image.js");
const { startCommandServer, standIn } = require("./helpers/slot-stand-in.js");

const ROOT = path.join(__dirname, "..");

test("[mcu] slots: write, verify, install, trial boot with its version, confirm across a power cut; rollback after a trap and after a power cut during the trial; cuts while writing, after the end, after the install", { timeout: 5 * 60_000 }, async (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "mcu-fw-slots-"));
  const server = await startCommandServer();
  const conns = server.conns;
  const port = server.port;
  let st = null, fw = null;
  t.after(() => {
    if (st) st.stop();
    server.close();
    if (fw) fw.cleanup();
    fs.rmSync(base, { recursive: true, force: true });
  });

  // The stand-in as the board sees its server: 10.0.2.100 (10 bytes) in place of 127.0.0.1.
  const src = fs.readFileSync(path.join(__dirname, "fixtures", "slot-image.wat"), "utf8");
  const wat = src.replace('(data (i32.const 64) "127.0.0.1")', '(data (i32.const 64) "10.0.2.100")')
    .replace("(call $open (i32.const 64) (i32.const 9) (i32.const PORT)", `(call $open (i32.const 64) (i32.const 10) (i32.const ${port})`);
  assert.notEqual(wat, src.replace("(i32.const PORT)", `(i32.const ${port})`), "the stand-in's server address was rewritten");
  fs.writeFileSync(path.join(base, "slot-image.wat"), wat);
  const driver = path.join(base, "slot-image.wasm");
  execFileSync(path.join(ROOT, "node_modules", ".bin", "wasm-opt"), [path.join(base, "slot-image.wat"), "-o", driver, "--mvp-features", "--enable-mutable-globals", "--quiet"]);
  const padded = path.join(base, "slot-image-padded.wasm");
  fs.writeFileSync(padded, Buffer.concat([fs.readFileSync(driver), customSection("padding", Buffer.alloc(160 * 1024, 0x5a))]));
  fw = makeFirmwarePki({ firmware: padded });
  const factory = path.join(base, "factory.wasm");
  fs.writeFileSync(factory, withVersion(fs.readFileSync(driver), "1.0.0"));
  const rootFile = path.join(base, "manufacturer-root.pem");
  fs.writeFileSync(rootFile, fw.rootPem);

  const dataDir = path.join(base, "data");
  st = await startMcuStation({ csmsUrl: "ws://127.0.0.1:9/ocpp", stationId: "CS001", dataDir, wasm: factory, manufacturerCaFile: rootFile, forwardPorts: [port] });

  const { connected, cmd, put, verify, version } = standIn(st, server, { polls: 400 });
  const installAndReboot = async (u) => {
    assert.equal(await put(u.image), u.image.length, "fw_slot_end: the total length");
    assert.equal(await verify(u), 1, "fw_slot_verify");
    assert.equal(await cmd("I"), 0, "fw_slot_install");
    const n = conns.length;
    await cmd("R", 1);
    await connected(n);
  };
  const powerCut = async () => { const n = conns.length; await st.powerCycle(); await connected(n); };

  await connected(0);
  assert.equal(version(), "1.0.0", "the factory image (--wasm) runs, its version section passed as firmware_version");
  assert.equal(await cmd("S"), 0);

  // Slot B: write, then hal_fw_verify on the board's store (mbedTLS): good, tampered, another CA, not a certificate.
  const v2 = fw.update("2.0.0");
  assert.ok(v2.image.length > 160 * 1024 && v2.image.length < 512 * 1024, `${v2.image.length}`);
  assert.equal(await put(v2.image), v2.image.length);
  assert.equal(await verify(v2), 1, "the EC signer of the provisioned manufacturer root");
  assert.equal(await verify({ ...v2, signature: fw.sign(Buffer.concat([v2.image, Buffer.from("x")])) }), 0, "a signature over other bytes");
  assert.equal(await verify({ ...v2, certificate: fw.signers.otherCa.certificate, signature: fw.sign(v2.image, "otherCa") }), -3, "another CA");
  assert.equal(await verify({ ...v2, certificate: "hello" }), -2, "not a certificate");
  assert.equal(await verify(fw.update("2.0.0", "rsa")), 1, "an RSA signer over the same bytes");

  // Install, reboot: the trial boot of slot B (state 1, version 2.0.0); confirm; a power cut keeps it.
  assert.equal(await cmd("I"), 0, "fw_slot_install");
  let n = conns.length;
  await cmd("R", 1);
  await connected(n);
  assert.equal(version(), "2.0.0", "slot B boots on trial");
  assert.equal(await cmd("S"), 1, "on trial");
  assert.equal(await cmd("B", 100), -3, "no begin during the trial: slot A holds the fallback");
  assert.equal(await cmd("C"), 0, "fw_slot_confirm");
  assert.equal(await cmd("S"), 0);
  await powerCut();
  assert.equal(version(), "2.0.0", "the confirmed slot B boots after a power cut");
  assert.equal(await cmd("S"), 0);

  // Rollback 1: 3.0.0 overwrites slot A (the factory image's place) and traps on its trial: slot B again, state 2.
  await installAndReboot(fw.update("3.0.0"));
  assert.equal(version(), "3.0.0");
  assert.equal(await cmd("S"), 1);
  n = conns.length;
  assert.equal(await cmd("T"), null, "the trial image traps");
  await connected(n);
  assert.equal(version(), "2.0.0", "back to the confirmed 2.0.0");
  assert.equal(await cmd("S"), 2, "reverted");
  assert.equal(await cmd("C"), 0, "the revert acknowledged");
  assert.equal(await cmd("S"), 0);

  // Rollback 2: a power cut (QEMU killed) during the trial of 3.1.0: slot B again, state 2, also after another cut.
  await installAndReboot(fw.update("3.1.0"));
  assert.equal(version(), "3.1.0");
  assert.equal(await cmd("S"), 1);
  await powerCut();
  assert.equal(version(), "2.0.0", "a power cut during the trial: the previous image");
  assert.equal(await cmd("S"), 2);
  await powerCut();
  assert.equal(version(), "2.0.0", "the failed trial never boots again");
  assert.equal(await cmd("S"), 2, "state 2 stays until confirmed");

  // A power cut while an update is being written into slot A: nothing completed, the running image stays.
  const v4 = fw.update("4.0.0");
  assert.equal(await cmd("B", v4.image.length), 0);
  assert.equal(await cmd("W", 0, v4.image.subarray(0, 65536)), 65536);
  await powerCut();
  assert.equal(version(), "2.0.0");
  assert.equal(await verify(v4), -1, "no completed image after the cut");
  assert.equal(await cmd("I"), -1, "nothing to install");

  // A cut after fw_slot_end: the image stays completed; a cut after fw_slot_install: the next boot is its trial.
  const v5 = fw.update("5.0.0");
  assert.equal(await put(v5.image), v5.image.length);
  await powerCut();
  assert.equal(version(), "2.0.0");
  assert.equal(await verify(v5), 1, "still completed after the cut");
  assert.equal(await cmd("I"), 0);
  await powerCut();
  assert.equal(version(), "5.0.0", "installed, then a cut: its trial boot");
  assert.equal(await cmd("S"), 1);
  assert.equal(await cmd("C"), 0);
  await powerCut();
  assert.equal(version(), "5.0.0", "confirmed in slot A");
  assert.equal(await cmd("S"), 0);
  const stats = await st.stats();
  t.diagnostic(`slot loads ${stats.slot_loads}, heap high water ${stats.heap_high_water} B, static RAM ${stats.static_ram} B`);
});
