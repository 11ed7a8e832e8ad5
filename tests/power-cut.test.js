// Power-cut campaign (issue "Core behaviour II", item 5): charging sessions on the C host (wasm3; POWER_CUT_HOST=mcu:
// on the emulated Cortex-M7 board, QEMU killed) with the
// simulator, the process killed with SIGKILL at random moments — also in the middle of its work, while it
// advances virtual time, writes storage or talks to the CSMS — and started again from its data directory. After
// the campaign the CSMS-side checker requires, for every transaction, exactly-once delivery in order with
// contiguous seqNo and a proper Ended. POWER_CUTS (default 50) and POWER_CUT_SEED set the campaign; `make
// power-cuts` runs a long one.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { startCsms } = require("./helpers/csms.js");
const { startStation } = require("../host/node/host.js");
const { startCStation } = require("../host/node/c-station.js");
const { startMcuStation } = require("../host/node/mcu-station.js");
const { checkTransactions } = require("./tools/tx-checker.js");

const CUTS = Number(process.env.POWER_CUTS || 50);
const SEED = Number(process.env.POWER_CUT_SEED || 20261124);
const HOST = process.env.POWER_CUT_HOST || "c";
const TOKEN = "04A1B2C3D4E5F6";

/** xorshift32: the campaign repeats exactly for one seed. */
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >> 17; x ^= x << 5; x >>>= 0; return x / 4294967296; };
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test(`power-cut campaign on the ${HOST} host: ${CUTS} cuts, seed ${SEED}: no event lost, duplicated or out of order`, { timeout: 30 * 60_000 }, async (t) => {
  const random = rng(SEED);
  const csms = await startCsms();
  // The Ended events also carry TxEnded samples (J01/J02), which are persisted as they are taken.
  const config = { "dm:SampledDataCtrlr.TxEndedInterval": "20", "dm:AlignedDataCtrlr.TxEndedInterval": "30" };
  const opts = { csmsUrl: csms.url, stationId: "CUT1", sim: true, config };
  const st = HOST === "c" ? await startCStation(opts) : HOST === "mcu" ? await startMcuStation(opts)
    : await startStation({ ...opts, virtualClock: true });
  t.after(() => { st.stop(); csms.close(); });
  await csms.waitFor("BootNotification", 1, 20_000);
  await st.advance(2000);
  const sim = st.sim;
  // One scripted session step after the other; a cut lands at a random step, part-way through it.
  const steps = [
    async () => { sim.ev(1).plug(); await st.advance(300 + Math.floor(random() * 2000)); },
    async () => { sim.reader.present(TOKEN, 400); await st.advance(500 + Math.floor(random() * 2000)); },
    async () => { sim.ev(1).setReady(true); await st.advance(1000 + Math.floor(random() * 90_000)); },
    async () => { await st.advance(Math.floor(random() * 120_000)); },
    async () => { sim.reader.present(TOKEN, 400); await st.advance(500 + Math.floor(random() * 3000)); },
    async () => { sim.ev(1).unplug(); await st.advance(300 + Math.floor(random() * 3000)); },
  ];
  let cuts = 0, step = 0, boots = 1;
  while (cuts < CUTS) {
    const running = steps[step % steps.length]().catch(() => {});   // dies with the process at the cut
    step++;
    if (random() < 0.45) {
      await sleep(Math.floor(random() * 25));                      // real time: lands anywhere in the work
      await st.powerCycle();
      await running;
      cuts++;
      boots++;
      await csms.waitFor("BootNotification", boots, 20_000);
      await st.advance(1500);
    } else {
      await running;
    }
  }
  // Let everything settle: no EV, the queue drained.
  sim.ev(1).unplug();
  await st.advance(5000);
  await st.advance(10 * 60_000);
  const events = csms.received.filter((r) => r.method === "TransactionEvent").map((r) => r.params);
  const report = checkTransactions(events);
  const ended = events.filter((e) => e.eventType === "Ended");
  console.log(`power cuts: ${cuts}, boots: ${boots}, transactions: ${report.transactions}, events: ${report.events}, ` +
    `lost: ${report.lost}, duplicated: ${report.duplicated}, out of order: ${report.outOfOrder}, not ended: ${report.notEnded}, ` +
    `identical re-sends: ${report.resent}, ended by PowerLoss: ${ended.filter((e) => e.transactionInfo.stoppedReason === "PowerLoss").length}, ` +
    `energy going back: ${report.energyBack}, TxEnded samples in Ended events: ${ended.reduce((n, e) => n + Math.max(0, (e.meterValue || []).length - 1), 0)}`);
  assert.ok(report.transactions >= 3, "the campaign produced transactions");
  assert.ok(ended.some((e) => (e.meterValue || []).length > 1), "Ended events carried TxEnded samples");
  assert.deepEqual(report.problems, []);
  assert.equal(report.lost + report.duplicated + report.outOfOrder + report.notEnded + report.energyBack, 0);
});
