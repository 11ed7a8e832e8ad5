// End-to-end figures on loopback with the real clock, per station: process start → BootNotification received by
// the CSMS, CSMS request → station answer latency (GetVariables, 1 item; p50/p99 over 300 sequential calls),
// RequestStartTransaction sent → TransactionEvent(Started) received (remote start first, no cable; 30 sessions,
// each stopped again with RequestStopTransaction), and for the C host its peak RSS and the code wasm3 compiled
// during the session. The hosts run with the simulated hardware (a silent power module would fault the EVSE).
// The floor beside them, measured in the same run by the same CSMS code: the trivial station
// (tests/bench/trivial-station.c: canned answers, nothing decoded), once as it is and once with one atomic, synced
// storage write before its remote start's answer and event ("trivial+write"), and that write alone.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawn, execFileSync } = require("node:child_process");
const { startCsms } = require("../helpers/csms.js");
const { startCStation } = require("../../host/node/c-station.js");
const { startStation } = require("../../host/node/host.js");

const ROOT = path.join(__dirname, "..", "..");
const TRIVIAL_SRC = path.join(__dirname, "trivial-station.c");
const TRIVIAL_BIN = path.join(ROOT, "build", "bench", "trivial-station");

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/** The trivial station's binary, compiled when missing or older than its source. */
function trivialBin() {
  if (!fs.existsSync(TRIVIAL_BIN) || fs.statSync(TRIVIAL_BIN).mtimeMs < fs.statSync(TRIVIAL_SRC).mtimeMs) {
    fs.mkdirSync(path.dirname(TRIVIAL_BIN), { recursive: true });
    execFileSync(process.env.CC || "cc", ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-o", TRIVIAL_BIN, TRIVIAL_SRC], { stdio: "inherit" });
  }
  return TRIVIAL_BIN;
}

/** The trivial station as a child process; its data directory (with `persist`) is removed by stop(). */
function startTrivial(csmsUrl, persist) {
  const u = new URL(csmsUrl);
  const dir = persist ? fs.mkdtempSync(path.join(os.tmpdir(), "trivial-station-")) : null;
  const args = [u.hostname, u.port, `${u.pathname}/TRIVIAL1`, ...(dir ? ["--persist", dir] : [])];
  const child = spawn(trivialBin(), args, { stdio: ["ignore", "ignore", "inherit"] });
  return { child, stop: () => { child.kill("SIGKILL"); if (dir) fs.rmSync(dir, { recursive: true, force: true }); } };
}

/** One atomic, synced storage write (temp file, fsync, rename, fsync of the directory), timed alone: p50/p99 of n. */
function storageWriteFloor(n = 200) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "write-floor-"));
  try {
    return JSON.parse(execFileSync(trivialBin(), ["--write-floor", dir, String(n)], { encoding: "utf8" }));
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
}

/** Waits for a TransactionEvent(Ended) among those after the first `after` ones. */
async function waitEnded(csms, after, timeoutMs) {
  const ended = () => csms.received.filter((r) => r.method === "TransactionEvent").slice(after).some((r) => r.params.eventType === "Ended");
  for (const until = Date.now() + timeoutMs; !ended(); await new Promise((r) => setTimeout(r, 5))) {
    if (Date.now() > until) throw new Error("timed out waiting for TransactionEvent(Ended)");
  }
}

/** hostName: "node", "c" (the stations), "trivial" or "trivial+write" (the floor). For comparisons, the C host's
 *  binary and image: c { bin, wasm } (startCStation's options). */
async function measure(hostName, c = {}) {
  const csms = await startCsms();
  const t0 = process.hrtime.bigint();
  const trivial = hostName.startsWith("trivial");
  const st = hostName === "node"
    ? await startStation({ csmsUrl: csms.url, stationId: "BENCH1", sim: true })
    : hostName === "c" ? await startCStation({ csmsUrl: csms.url, stationId: "BENCH1", realClock: true, sim: true, ...c })
      : startTrivial(csms.url, hostName === "trivial+write");
  try {
    if (trivial) await csms.waitConnected(1, 10_000);
    else await csms.waitFor("BootNotification", 1, 10_000);
    const bootMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const req = { getVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } }] };
    for (let i = 0; i < 30; i++) await csms.client().call("GetVariables", req);
    const lat = [];
    for (let i = 0; i < 300; i++) {
      const s = process.hrtime.bigint();
      await csms.client().call("GetVariables", req);
      lat.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
    lat.sort((a, b) => a - b);
    const out = { host: hostName, startToBootMs: trivial ? null : +bootMs.toFixed(1), p50Ms: +percentile(lat, 0.5).toFixed(3), p99Ms: +percentile(lat, 0.99).toFixed(3) };
    if (!trivial) await new Promise((r) => setTimeout(r, 1500));   // the hardware drivers settle (reader, module, meter)
    const starts = [];
    for (let i = 0; i < 30; i++) {
      const n = csms.count("TransactionEvent");
      const s = process.hrtime.bigint();
      const res = await csms.client().call("RequestStartTransaction", { idToken: { idToken: "04A1B2C3D4E5F6", type: "ISO14443" }, remoteStartId: i + 1 });
      if (res.status !== "Accepted") throw new Error(`RequestStartTransaction ${res.status}`);
      const started = await csms.waitFor("TransactionEvent", n + 1, 5000);
      starts.push(Number(process.hrtime.bigint() - s) / 1e6);
      if (started.params.eventType !== "Started") throw new Error("no Started");
      await csms.client().call("RequestStopTransaction", { transactionId: started.params.transactionInfo.transactionId });
      // The Ended, not just the next event: an Updated may come first, and a start before the Ended is refused.
      await waitEnded(csms, n, 5000);
    }
    starts.sort((a, b) => a - b);
    out.remoteStartP50Ms = +percentile(starts, 0.5).toFixed(3);
    out.remoteStartP99Ms = +percentile(starts, 0.99).toFixed(3);
    if (hostName === "c") {
      const status = fs.readFileSync(`/proc/${st.child.pid}/status`, "utf8");
      out.peakRssKiB = Number(/VmHWM:\s+(\d+)/.exec(status)[1]);
      const s = await st.stats();
      out.codeBytes64 = s.code_lines * s.code_line_bytes;
      out.codeBytesMcu = s.code_lines * 4;   // code_t is pointer-sized: 4 bytes on a 32-bit MCU
    }
    return out;
  } finally {
    st.stop();
    csms.close();
  }
}

module.exports = { measure, storageWriteFloor };
