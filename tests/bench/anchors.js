// Issue 17's anchors: wasm3 instructions the C host spends on one CSMS request, counted by callgrind over every
// image call the host makes for it (the event, the tick, next_wakeup and the __collect after each), so the
// collection is in the count. MicroOcpp v1.2.0 built natively at -Os is the reference (docs/bench.md).
//
// The C host (build/c-host/station) runs under callgrind on the virtual clock with the simulated hardware,
// collecting only inside img_deliver, img_tick and img_next_wakeup (host/c/core/image.c); a window is the
// difference between two dumps (callgrind_control -d) taken while the host is idle. Each request runs once
// unmeasured first, so wasm3's lazy compilation is not counted.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { startCsms } = require("../helpers/csms.js");
const { startCStation } = require("../../host/node/c-station.js");
const { getVariablesFrame } = require("./messages.js");

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "build", "c-host", "station");

const ANCHORS = [
  { key: "gv1", what: "GetVariables, 1 item", microocpp: 43_100 },
  { key: "gv40", what: "GetVariables, 40 items", microocpp: null },
  { key: "gv50", what: "GetVariables, 50 items", microocpp: 1_840_000 },
  // The transaction starts in the request's own event: the Started is sent before the answer. The window runs
  // until the host is idle on the unmoved clock, so it also holds the charging hardware's start (contactor, power
  // module and meter over the simulated bus) that the transaction sets going.
  { key: "start", what: "RequestStartTransaction, EV plugged: answer, TransactionEvent(Started) and the hardware's start", microocpp: 375_000 + 177_000 },
];

const TOKEN = { idToken: "04A1B2C3D4E5F6", type: "ISO14443" };

/** Total instructions collected so far (the dumps' totals summed). */
function collectedSoFar(dir, pid) {
  execFileSync("callgrind_control", ["-d", String(pid)], { stdio: "ignore" });
  let total = 0;
  for (const f of fs.readdirSync(dir)) {
    if (!f.startsWith(`cg.${pid}`)) continue;
    const m = /^(?:summary|totals): (\d+)/m.exec(fs.readFileSync(path.join(dir, f), "utf8"));
    if (m) total += Number(m[1]);
  }
  return total;
}

async function run() {
  if (!fs.existsSync(BIN)) return { skipped: "no build/c-host/station (make c-host)" };
  try { execFileSync("valgrind", ["--version"]); } catch { return { skipped: "valgrind not installed" }; }
  try { execFileSync("callgrind_control", ["--version"], { stdio: "ignore" }); } catch { return { skipped: "callgrind_control not found (valgrind)" }; }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anchors-"));
  const csms = await startCsms();
  const st = await startCStation({
    csmsUrl: csms.url, stationId: "ANCHOR1", sim: true, command: "valgrind",
    // TxStartPoint Authorized: the remote start, not the plug, starts the transaction (so the Started is its own).
    config: { "dm:TxCtrlr.TxStartPoint": "Authorized", "dm:AlignedDataCtrlr.Interval": "0", "dm:ClockCtrlr.TimeAdjustmentReportingThreshold": "2147483647" },
    commandArgs: ["--tool=callgrind", "--quiet", "--toggle-collect=img_deliver", "--toggle-collect=img_tick",
      "--toggle-collect=img_next_wakeup", `--callgrind-out-file=${dir}/cg.%p`, BIN],
  });
  const pid = st.child.pid;
  const out = {};
  const quiet = async () => { await st.settle(); await csms.quiet(); await st.settle(); };
  /** Instructions of what `step` makes the host do. */
  const measure = async (step) => {
    await quiet();
    const before = collectedSoFar(dir, pid);
    await step();
    await quiet();
    return collectedSoFar(dir, pid) - before;
  };
  try {
    await csms.waitFor("BootNotification", 1, 120_000);
    await st.advance(3000);
    await quiet();
    const gv = (n) => getVariablesFrame(n)[3];
    for (const [key, n] of [["gv1", 1], ["gv40", 40], ["gv50", 50]]) {
      // More items than DeviceDataCtrlr.ItemsPerMessage[GetVariables] is refused as a whole: no count then.
      const ok = await csms.client().call("GetVariables", gv(n)).then(() => true, () => false);
      if (ok) out[key] = await measure(() => csms.client().call("GetVariables", gv(n)));
      else out[key] = null;
    }
    // Remote start with the EV plugged: once to warm up (stopped again), then measured.
    st.sim.ev(1).plug();
    await st.advance(500);
    for (let round = 0; round < 2; round++) {
      const n = csms.count("TransactionEvent");
      let res;
      const startCount = await measure(async () => {
        res = await csms.client().call("RequestStartTransaction", { idToken: TOKEN, remoteStartId: round + 1 });
      });
      if (res.status !== "Accepted") throw new Error(`RequestStartTransaction ${res.status}`);
      const startedAlready = csms.count("TransactionEvent") > n;
      let startedCount = 0;
      if (!startedAlready) {
        startedCount = await measure(async () => {
          for (let i = 0; i < 50 && csms.count("TransactionEvent") <= n; i++) { await st.advance(10); await quiet(); }
        });
      }
      const started = csms.received.filter((r) => r.method === "TransactionEvent")[n];
      if (!started || started.params.eventType !== "Started") throw new Error(`no TransactionEvent(Started): ${JSON.stringify(csms.received.filter((r) => r.method === "TransactionEvent").map((r) => [r.params.eventType, r.params.triggerReason]))}`);
      if (round === 1) out.start = startCount + startedCount;
      await csms.client().call("RequestStopTransaction", { transactionId: started.params.transactionInfo.transactionId });
      for (let i = 0; i < 100 && !csms.received.filter((r) => r.method === "TransactionEvent").slice(n).some((r) => r.params.eventType === "Ended"); i++) {
        await st.advance(100);
        await quiet();
      }
      await st.advance(2000);
    }
  } finally {
    st.child.stdin.end();
    csms.close();
    await st.exited;
    st.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

function report(r) {
  console.log("\nIssue 17 anchors: C host, wasm3 instructions per CSMS request incl. the collection (callgrind), vs MicroOcpp v1.2.0 native -Os:");
  if (r.skipped) { console.log(`(skipped: ${r.skipped})`); return; }
  console.log("| request | instructions | MicroOcpp | ratio |");
  console.log("|---|---:|---:|---:|");
  for (const a of ANCHORS) {
    const v = r[a.key];
    const shown = v === null ? "refused (over ItemsPerMessage)" : v;
    console.log(`| ${a.what} | ${shown} | ${a.microocpp || "–"} | ${v && a.microocpp ? `${(v / a.microocpp).toFixed(1)}×` : ""} |`);
  }
}

module.exports = { run, report, ANCHORS };

if (require.main === module) run().then((r) => { report(r); console.log(JSON.stringify(r)); }).catch((e) => { console.error(e); process.exit(1); });
