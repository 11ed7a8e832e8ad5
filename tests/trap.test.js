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
fs.writeFileSync(oldWat, fs.readFileSync(WAT, "utf8").replace('(func (export "abi_version") (result i32) (i32.const 4))',
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
    /image ABI version 1 is not supported \(want 4\)/);
  const bin = path.join(__dirname, "..", "build", "c-host", "station");
  assert.ok(fs.existsSync(bin), "make c-host first");
  const data = fs.mkdtempSync(path.join(dir, "c-"));
  let out = "";
  try { execFileSync(bin, ["--csms", "ws://127.0.0.1:9/ocpp", "--data", data, "--wasm", OLD_WASM, "--virtual-clock"], { stdio: ["ignore", "pipe", "pipe"] }); }
  catch (e) { out = String(e.stderr); assert.equal(e.status, 2, "exit status"); }
  assert.match(out, /image ABI version 1 not supported \(want 4\)/);
});

// Restarts are bounded by nothing but time: a station that traps now and then (here: on every tick) keeps running
// past its 101st trap, and an image that traps while booting is retried with a growing pause instead of at once.
// The stand-ins below derive from trap-image.wat.
const variant = (name, edit) => {
  const wat = path.join(dir, `${name}.wat`), wasm = path.join(dir, `${name}.wasm`);
  fs.writeFileSync(wat, edit(fs.readFileSync(WAT, "utf8")));
  wasmOpt(wat, wasm);
  return wasm;
};
const INIT_TRAP_WASM = variant("init-trap", (s) => s.replace(
  '(func (export "init") (param i64) (call $log (i32.const 2) (i32.const 16) (i32.const 6)))',
  '(func (export "init") (param i64) (call $log (i32.const 2) (i32.const 16) (i32.const 6)) (unreachable))'));
const C_BIN = path.join(__dirname, "..", "build", "c-host", "station");

test("[c] a station that traps more than 100 times keeps running (traps at run time restart at once)", async () => {
  const st = await startCStation({ csmsUrl: "ws://127.0.0.1:9/ocpp", bin: process.env.C_STATION_BIN || C_BIN, wasm: WASM });
  try {
    await st.settle();
    for (let i = 0; i < 110; i++) await st.advance(10);
    assert.equal(st.child.exitCode, null, "the host process is still running");
    assert.ok(boots(st) >= 111, `one boot per trap (${boots(st)})`);
    assert.ok(!st.logs.some((l) => /next try/.test(l.text)), "no back-off: every boot completed");
  } finally { st.stop(); }
});

test("[c] an image that traps while booting is retried with a growing pause, without recursion, and never given up", async () => {
  const st = await startCStation({ csmsUrl: "ws://127.0.0.1:9/ocpp", bin: process.env.C_STATION_BIN || C_BIN, wasm: INIT_TRAP_WASM });
  try {
    await st.settle();
    assert.equal(boots(st), 1, "no retry at once");
    await st.advance(10_000);
    assert.equal(boots(st), 3, "retries after 2 s and 4 more s");
    const pauses = st.logs.filter((l) => /next try in/.test(l.text)).map((l) => Number(/in (\d+) ms/.exec(l.text)[1]));
    assert.deepEqual(pauses, [2000, 4000, 8000]);
    // Three virtual hours: far more boot traps than the old limit of 100 restarts, each from the loop.
    for (let i = 0; i < 18; i++) await st.advance(600_000);
    assert.equal(st.child.exitCode, null, "the host process is still running");
    assert.ok(boots(st) > 150, `retried every minute at most (${boots(st)} boots)`);
    assert.ok(st.logs.some((l) => /next try in 60000 ms/.test(l.text)), "the pause stops growing at a minute");
  } finally { st.stop(); }
});

// docs/host-abi.md: after stream_close the image gets no event of that stream. The stand-in opens a stream at start;
// the peer sends 4000 bytes (four RX buffers) and closes; the image closes the stream at its first piece of data.
const net = require("node:net");
async function closingImage() {
  const server = net.createServer((s) => s.end(Buffer.alloc(4000, 120)));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const wasm = variant(`stream-close-${server.address().port}`, (s) => s
    .replace('(import "env" "abort" (func $abort (param i32 i32 i32 i32)))',
      '(import "env" "abort" (func $abort (param i32 i32 i32 i32)))\n' +
      '  (import "env" "stream_open" (func $open (param i32 i32 i32 i32 i32) (result i32)))\n' +
      '  (import "env" "stream_close" (func $close (param i32)))\n' +
      '  (data (i32.const 32) "data")\n  (data (i32.const 48) "closed")\n  (data (i32.const 64) "127.0.0.1")')
    .replace('(func (export "start"))',
      `(func (export "start") (drop (call $open (i32.const 64) (i32.const 9) (i32.const ${server.address().port}) (i32.const 0) (i32.const 0))))`)
    .replace('(func (export "tick") (param i64) (unreachable))', '(func (export "tick") (param i64))')
    .replace('(func (export "on_stream_data") (param i32 i32))',
      '(func (export "on_stream_data") (param i32 i32) (call $log (i32.const 2) (i32.const 32) (i32.const 4)) (call $close (local.get 0)))')
    .replace('(func (export "on_stream_closed") (param i32 i32))',
      '(func (export "on_stream_closed") (param i32 i32) (call $log (i32.const 2) (i32.const 48) (i32.const 6)))'));
  return { server, wasm };
}
const texts = (st, t) => st.logs.filter((l) => l.text === t).length;

for (const host of ["node", "c"]) {
  test(`[${host}] no stream event is delivered after the image closed the stream`, async () => {
    const { server, wasm } = await closingImage();
    const st = host === "node"
      ? await startStation({ csmsUrl: "ws://127.0.0.1:9/ocpp", virtualClock: true, wasm })
      : await startCStation({ csmsUrl: "ws://127.0.0.1:9/ocpp", bin: process.env.C_STATION_BIN || C_BIN, wasm });
    try {
      for (let i = 0; i < 50 && texts(st, "data") === 0; i++) { await st.settle(); await new Promise((r) => setTimeout(r, 20)); }
      for (let i = 0; i < 5; i++) { await st.settle(); await new Promise((r) => setTimeout(r, 20)); }
      assert.equal(texts(st, "data"), 1, "one piece of data, then the stream is closed");
      assert.equal(texts(st, "closed"), 0, "no on_stream_closed after stream_close");
    } finally { st.stop(); server.close(); }
  });
}
