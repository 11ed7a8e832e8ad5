// Power-loss states the random campaign (power-cut.test.js) reaches only by chance, built exactly on the host
// chosen by STATION_HOST: the persisted files are set to what a cut between two writes leaves, then the station
// boots from them. The CSMS-side checker requires exactly-once delivery with contiguous seqNo.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { chargingScenario, VALID_TOKEN } = require("./helpers/scenario.js");
const { HOST } = require("./helpers/station-host.js");
const { checkTransactions } = require("./tools/tx-checker.js");

/** The file both hosts keep a storage key in: <data>/kv/<hex of the key>. */
const kvFile = (st, key) => path.join(st.dataDir || st.host.dataDir, "kv", Buffer.from(key).toString("hex"));

test(`[${HOST}] a cut between queuing the Ended and saving the record: the Ended is sent once, and once delivered the transaction stays ended`, async (t) => {
  const s = await chargingScenario(t);
  await s.plug(1);
  await s.swipe(VALID_TOKEN);
  await s.ready(1);
  await s.step(5000);
  const record = kvFile(s.st, "tx.1");
  const running = fs.readFileSync(record);                 // the record while the transaction runs
  await s.st.setNetwork(false);
  await s.unplug(1);                                       // the Ended is queued; the link is down
  await s.step(3000);                                      // (once the current has ramped down: E06 end energy)
  fs.writeFileSync(record, running);                       // the record as if the cut came before its save
  await s.st.powerCycle();
  await s.st.setNetwork(true);
  await s.step(90_000);                                    // reconnects (back-off); the queued Ended goes out
  assert.equal(s.csms.count("BootNotification"), 2);
  assert.equal(s.events().filter((e) => e.eventType === "Ended").length, 1);
  await s.st.powerCycle();                                 // the next boot must not end it again
  await s.step(90_000);
  assert.equal(s.csms.count("BootNotification"), 3);
  const events = s.events();
  const report = checkTransactions(events);
  assert.deepEqual(report.problems, []);
  assert.deepEqual(events.filter((e) => e.eventType === "Ended").map((e) => e.transactionInfo.stoppedReason), ["EVDisconnected"]);
});
