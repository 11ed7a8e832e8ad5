// End-to-end figures on loopback with the real clock, per station: process start → BootNotification received by
// the CSMS, CSMS request → station answer latency (GetVariables, 1 item; p50/p99 over 300 sequential calls),
// RequestStartTransaction sent → TransactionEvent(Started) received (remote start first, no cable; 30 sessions,
// each stopped again with RequestStopTransaction), and for the C host its peak RSS and the code wasm3 compiled
// during the session. The hosts run with the simulated hardware (a silent power module would fault the EVSE).
// The CSMS runs in a worker thread of its own (tests/bench/e2e-csms.js). The floor beside them, measured in the same
// run by the same CSMS code: the trivial station
// (tests/bench/trivial-station.c: canned answers, nothing decoded), once as it is and once with one atomic, synced
// storage write before its remote start's answer and event ("trivial+write"), and that write alone.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawn, execFileSync } = require("node:child_process");
const { Worker } = require("node:worker_threads");
const { startCStation } = require("../../host/node/c-station.js");
const { startStation } = require("../../host/node/host.js");

const ROOT = path.join(__dirname, "..", "..");
const TRIVIAL_SRC = path.join(__dirname, "trivial-station.c");
const TRIVIAL_BIN = path.join(ROOT, "build", "bench", "trivial-station");

/** The trivial station's binary, compiled when missing or older than its source. */
function trivialBin() {
  if (!fs.existsSync(TRIVIAL_BIN) || fs.statSync(TRIVIAL_BIN).mtimeMs < fs.statSync(TRIVIAL_SRC).mtimeMs) {
    fs.mkdirSync(path.dirname(TRIVIAL_BIN), { recursive: true });
    execFileSync(process.env.CC || "cc", ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-o", TRIVIAL_BIN, TRIVIAL_SRC], { stdio: "inherit" });
  }
  return TRIVIAL_BIN;
}

/** The trivial station as a child process; its data directory (with `persist`, under `parent`) is removed by stop(). */
function startTrivial(csmsUrl, persist, parent) {
  const u = new URL(csmsUrl);
  const dir = persist ? fs.mkdtempSync(path.join(parent, "trivial-station-")) : null;
  const args = [u.hostname, u.port, `${u.pathname}/TRIVIAL1`, ...(dir ? ["--persist", dir] : [])];
  const child = spawn(trivialBin(), args, { stdio: ["ignore", "ignore", "inherit"] });
  return { child, stop: () => { child.kill("SIGKILL"); if (dir) fs.rmSync(dir, { recursive: true, force: true }); } };
}

/** One atomic, synced storage write (temp file, fsync, rename, fsync of the directory), timed alone: p50/p99 of n. */
function storageWriteFloor(n = 200, parent = os.tmpdir()) {
  const dir = fs.mkdtempSync(path.join(parent, "write-floor-"));
  try {
    return JSON.parse(execFileSync(trivialBin(), ["--write-floor", dir, String(n)], { encoding: "utf8" }));
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
}

/** The CSMS in its worker thread (tests/bench/e2e-csms.js): its URL, and run(options) → its figures. */
async function startCsmsWorker() {
  const worker = new Worker(path.join(__dirname, "e2e-csms.js"));
  const next = () => new Promise((resolve, reject) => { worker.once("message", resolve); worker.once("error", reject); });
  const { url } = await next();
  return {
    url,
    run: async (o) => { worker.postMessage(o); const m = await next(); if (m.error) throw new Error(m.error); return m.result; },
    stop: () => worker.terminate(),
  };
}

/** hostName: "node", "c" (the stations), "trivial" or "trivial+write" (the floor). Options: the C host's binary and
 *  image for comparisons (bin, wasm: startCStation's options); dataParent, where the C host's data directory and the
 *  trivial station's write go (default the system's temporary directory; /dev/shm takes the disk out). */
async function measure(hostName, { bin, wasm, dataParent = os.tmpdir() } = {}) {
  const csms = await startCsmsWorker();
  const t0 = process.hrtime.bigint();
  const trivial = hostName.startsWith("trivial");
  const dataDir = hostName === "c" ? fs.mkdtempSync(path.join(dataParent, "c-station-")) : null;
  const st = hostName === "node"
    ? await startStation({ csmsUrl: csms.url, stationId: "BENCH1", sim: true })
    : hostName === "c" ? await startCStation({ csmsUrl: csms.url, stationId: "BENCH1", realClock: true, sim: true, bin, wasm, dataDir })
      : startTrivial(csms.url, hostName === "trivial+write", dataParent);
  try {
    const r = await csms.run({ trivial, settleMs: trivial ? 0 : 1500 });
    const out = { host: hostName, startToBootMs: trivial ? null : +(Number(BigInt(r.bootAt) - t0) / 1e6).toFixed(1),
      p50Ms: r.p50Ms, p99Ms: r.p99Ms, remoteStartP50Ms: r.remoteStartP50Ms, remoteStartP99Ms: r.remoteStartP99Ms };
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
    await csms.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

module.exports = { measure, storageWriteFloor };
