// Trap handling on both hosts (docs/host-abi.md): a trap or an abort inside the image is logged with its
// message and the instance is re-created from the data directory; the host itself keeps running. The image
// here is a stand-in (tests/fixtures/trap-image.wat) that traps on every tick and aborts on a GPIO event.
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
execFileSync(path.join(__dirname, "..", "node_modules", ".bin", "wasm-opt"),
  [path.join(__dirname, "fixtures", "trap-image.wat"), "-o", WASM, "--mvp-features", "--enable-mutable-globals", "--quiet"]);
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
