// Trap handling on both hosts (docs/host-abi.md): a trap or an abort inside the image is logged with its
// message and the instance is re-created from the data directory; the host itself keeps running. The image
// here is a stand-in (tests/fixtures/trap-image.wat) that traps on every tick and aborts on a GPIO event. The
// same stand-in with another abi_version is refused by both hosts.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { startCStation } = require("./helpers/station-host.js");
const { startStation } = require("../host/node/host.js");

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trap-"));
const WASM = path.join(dir, "trap.wasm");
const OLD_WASM = path.join(dir, "abi1.wasm");
const WAT = path.join(__dirname, "fixtures", "trap-image.wat");
const wasmOpt = (from, to) => execFileSync(path.join(__dirname, "..", "node_modules", ".bin", "wasm-opt"),
  [from, "-o", to, "--mvp-features", "--enable-mutable-globals", "--quiet"]);
wasmOpt(WAT, WASM);
// Revision 1: abi_version 1, no on_dgram.
const oldWat = path.join(dir, "abi1.wat");
fs.writeFileSync(oldWat, fs.readFileSync(WAT, "utf8").replace('(func (export "abi_version") (result i32) (i32.const 2))',
  '(func (export "abi_version") (result i32) (i32.const 1))').replace(/^.*"on_dgram".*\n/m, ""));
wasmOpt(oldWat, OLD_WASM);
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

const boots = (st) => st.logs.filter((l) => l.text === "booted").length;

test("[node] a trap (unreachable) and an abort are logged and the instance is re-created", async () => {
  const st = await startStation({ csmsUrl: "ws://127.0.0.1:9/ocpp", virtualClock: true, wasm: WASM });
  try {
    assert.equal(boots(st), 1);
    await st.advance(1000);
    assert.ok(st.logs.some((l) => l.level === "error" && /^trap: .*unreachable/.test(l.text)), "the trap is logged");
    assert.ok(boots(st) >= 2, "a new instance booted");
    const before = boots(st);
    st.inject({ kind: "gpio", line: 1, level: 1 });
    await st.settle();
    assert.ok(st.logs.some((l) => l.text === "trap: oops at :7:3"), "the abort message is decoded from the image's memory");
    assert.ok(boots(st) > before);
  } finally { st.stop(); }
});

test("[c] a trap is logged, the runtime is re-created, the process keeps running", async () => {
  const bin = path.join(__dirname, "..", "build", "c-host", "station");
  assert.ok(fs.existsSync(bin), "make c-host first");
  const st = await startCStation({ csmsUrl: "ws://127.0.0.1:9/ocpp", command: bin, commandArgs: ["--wasm", WASM] });
  try {
    await st.settle();
    assert.equal(boots(st), 1);
    await st.advance(1000);
    assert.ok(st.logs.some((l) => l.level === "error" && /^trap: .*unreachable/.test(l.text)), "the trap is logged");
    assert.ok(boots(st) >= 2, "a new runtime booted");
    await st.settle();
    assert.equal(st.child.exitCode, null, "the host process is still running");
  } finally { st.stop(); }
});

test("an image of ABI revision 1 is refused: the Node host throws, the C host exits naming the version", async () => {
  assert.notEqual(fs.readFileSync(OLD_WASM).length, 0);
  await assert.rejects(startStation({ csmsUrl: "ws://127.0.0.1:9/ocpp", virtualClock: true, wasm: OLD_WASM }),
    /image ABI version 1 is not supported \(want 2\)/);
  const bin = path.join(__dirname, "..", "build", "c-host", "station");
  assert.ok(fs.existsSync(bin), "make c-host first");
  const data = fs.mkdtempSync(path.join(dir, "c-"));
  let out = "";
  try { execFileSync(bin, ["--csms", "ws://127.0.0.1:9/ocpp", "--data", data, "--wasm", OLD_WASM, "--virtual-clock"], { stdio: ["ignore", "pipe", "pipe"] }); }
  catch (e) { out = String(e.stderr); assert.equal(e.status, 2, "exit status"); }
  assert.match(out, /image ABI version 1 not supported \(want 2\)/);
});
