// The CSMS side of tests/bench/e2e.js, in a worker thread of its own: the station's process, its log lines on
// standard output and the hardware simulator are handled by the bench's main thread, so none of them waits in the
// event loop that times the requests (the trivial station has neither logs nor a simulator; with them in the same
// loop, the C host's figures held up to a millisecond of the harness's own work).
"use strict";
const { parentPort } = require("node:worker_threads");
const { startCsms } = require("../helpers/csms.js");

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const now = () => process.hrtime.bigint();   // the process's monotonic clock, shared with the main thread

/** Waits for a TransactionEvent(Ended) among those after the first `after` ones. */
async function waitEnded(csms, after, timeoutMs) {
  const ended = () => csms.received.filter((r) => r.method === "TransactionEvent").slice(after).some((r) => r.params.eventType === "Ended");
  for (const until = Date.now() + timeoutMs; !ended(); await new Promise((r) => setTimeout(r, 5))) {
    if (Date.now() > until) throw new Error("timed out waiting for TransactionEvent(Ended)");
  }
}

/** GetVariables (1 item): 30 warm-up calls, then p50/p99 of 300; then 30 remote starts, each stopped again. */
async function run(csms, { trivial, settleMs }) {
  if (trivial) await csms.waitConnected(1, 10_000);
  else await csms.waitFor("BootNotification", 1, 10_000);
  const bootAt = now();
  const req = { getVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } }] };
  for (let i = 0; i < 30; i++) await csms.client().call("GetVariables", req);
  const lat = [];
  for (let i = 0; i < 300; i++) {
    const s = now();
    await csms.client().call("GetVariables", req);
    lat.push(Number(now() - s) / 1e6);
  }
  lat.sort((a, b) => a - b);
  await new Promise((r) => setTimeout(r, settleMs));   // the hardware drivers settle (reader, module, meter)
  const starts = [];
  for (let i = 0; i < 30; i++) {
    const n = csms.count("TransactionEvent");
    const s = now();
    const res = await csms.client().call("RequestStartTransaction", { idToken: { idToken: "04A1B2C3D4E5F6", type: "ISO14443" }, remoteStartId: i + 1 });
    if (res.status !== "Accepted") throw new Error(`RequestStartTransaction ${res.status}`);
    const started = await csms.waitFor("TransactionEvent", n + 1, 5000);
    starts.push(Number(now() - s) / 1e6);
    if (started.params.eventType !== "Started") throw new Error("no Started");
    await csms.client().call("RequestStopTransaction", { transactionId: started.params.transactionInfo.transactionId });
    // The Ended, not just the next event: an Updated may come first, and a start before the Ended is refused.
    await waitEnded(csms, n, 5000);
  }
  starts.sort((a, b) => a - b);
  return {
    bootAt: String(bootAt), p50Ms: +percentile(lat, 0.5).toFixed(3), p99Ms: +percentile(lat, 0.99).toFixed(3),
    remoteStartP50Ms: +percentile(starts, 0.5).toFixed(3), remoteStartP99Ms: +percentile(starts, 0.99).toFixed(3),
  };
}

(async () => {
  const csms = await startCsms();
  parentPort.once("message", async (o) => {
    try { parentPort.postMessage({ result: await run(csms, o) }); } catch (e) { parentPort.postMessage({ error: e.message }); }
    csms.close();
  });
  parentPort.postMessage({ url: csms.url });
})();
