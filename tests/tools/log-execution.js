#!/usr/bin/env node
// Where a CSMS request's work goes inside the image, by wasm function (issue 17 item 3). callgrind on the C host
// counts wasm3's instructions but sees only wasm3's op handlers; this counts the image's own function entries and
// loop iterations: binaryen's --log-execution pass puts a call to env.log_execution(id) at every function entry and
// loop head, the image runs on the Node host with that import counted inside one window, and each id is mapped to
// its function by the release build's text (build/firmware.wat, same function order). The windows are those of
// tests/bench/anchors.js. binaryen merges identical functions: a field setter shows under one of their names.
//   node tests/tools/log-execution.js gv1|gv40|gv50|start [--wasm build/firmware.wasm] [--wat build/firmware.wat] [--top 60]
// An event is not an instruction count: under wasm3 a call is ~80 native instructions, a loop iteration 100-200.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");

const ROOT = path.join(__dirname, "..", "..");
const FEATURES = ["--enable-bulk-memory", "--enable-sign-ext", "--enable-nontrapping-float-to-int", "--enable-mutable-globals"];

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
}

async function main() {
  const which = process.argv[2] || "gv1";
  const wasm = arg("--wasm", path.join(ROOT, "build", "firmware.wasm"));
  const wat = arg("--wat", path.join(ROOT, "build", "firmware.wat"));
  const top = Number(arg("--top", "60"));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "log-execution-"));
  const opt = path.join(ROOT, "node_modules", ".bin", "wasm-opt");
  const logged = path.join(dir, "logged.wasm"), loggedWat = path.join(dir, "logged.wat");
  execFileSync(opt, [...FEATURES, wasm, "--log-execution", "-o", logged]);
  execFileSync(opt, [...FEATURES, wasm, "--log-execution", "-S", "-o", loggedWat]);

  const names = [];
  for (const line of fs.readFileSync(wat, "utf8").split("\n")) {
    const m = /^ \(func (\$\S+)/.exec(line);
    if (m) names.push(m[1]);
  }
  const idFn = new Map();
  let fn = -1, pending = false;
  for (const line of fs.readFileSync(loggedWat, "utf8").split("\n")) {
    if (/^ \(func /.test(line)) { fn++; continue; }
    if (line.includes("(call $log_execution")) { pending = true; continue; }
    if (pending) {
      const m = /\(i32\.const (\d+)\)/.exec(line);
      if (m) idFn.set(Number(m[1]), fn);
      pending = false;
    }
  }
  if (fn + 1 !== names.length) throw new Error(`${wat} has ${names.length} functions, the image ${fn + 1}: not the same build`);

  const counts = new Map();
  let on = false;
  const Instance = WebAssembly.Instance;
  WebAssembly.Instance = function (mod, imports) {
    imports.env.log_execution = (id) => { if (on) counts.set(id, (counts.get(id) || 0) + 1); };
    return new Instance(mod, imports);
  };
  const { startCsms } = require("../helpers/csms.js");
  const { startStation } = require("../../host/node/host.js");
  const { getVariablesFrame } = require("../bench/messages.js");
  const csms = await startCsms();
  const st = await startStation({
    virtualClock: true, csmsUrl: csms.url, stationId: "ANCHOR1", sim: true, wasm: logged,
    config: { "dm:TxCtrlr.TxStartPoint": "Authorized", "dm:AlignedDataCtrlr.Interval": "0", "dm:ClockCtrlr.TimeAdjustmentReportingThreshold": "2147483647" },
  });
  const quiet = async () => { await st.settle(); await csms.quiet(); await st.settle(); };
  const windowed = async (step) => { await quiet(); on = true; await step(); await quiet(); on = false; };
  try {
    await csms.waitFor("BootNotification", 1, 120_000);
    await st.advance(3000);
    await quiet();
    if (which.startsWith("gv")) {
      const frame = getVariablesFrame(Number(which.slice(2)))[3];
      await csms.client().call("GetVariables", frame);   // once unmeasured, as anchors.js does
      await windowed(() => csms.client().call("GetVariables", frame));
    } else if (which === "start") {
      const token = { idToken: "04A1B2C3D4E5F6", type: "ISO14443" };
      st.sim.ev(1).plug();
      await st.advance(500);
      for (let round = 0; round < 2; round++) {
        const n = csms.count("TransactionEvent");
        const go = () => csms.client().call("RequestStartTransaction", { idToken: token, remoteStartId: round + 1 });
        if (round === 1) await windowed(go); else await go();
        const started = csms.received.filter((r) => r.method === "TransactionEvent")[n];
        await csms.client().call("RequestStopTransaction", { transactionId: started.params.transactionInfo.transactionId });
        const ended = () => csms.received.filter((r) => r.method === "TransactionEvent").slice(n).some((r) => r.params.eventType === "Ended");
        for (let i = 0; i < 100 && !ended(); i++) { await st.advance(100); await quiet(); }
        await st.advance(2000);
      }
    } else throw new Error(`unknown window ${which} (gv1, gv40, gv50, start)`);
  } finally {
    st.stop();
    csms.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const byFn = new Map();
  let total = 0;
  for (const [id, c] of counts) {
    const f = names[idFn.get(id)] || `#${idFn.get(id)}`;
    byFn.set(f, (byFn.get(f) || 0) + c);
    total += c;
  }
  console.log(`${which}: ${total} function entries and loop iterations`);
  for (const [f, c] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(String(c).padStart(8), f);
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
