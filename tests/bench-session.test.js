// The scripted bench session of the hardware issue ("Done when"), on the host chosen by STATION_HOST: through the
// bench commands only — plug, present the demo card, EV ready, 10 simulated minutes of charging, unplug — the
// built-in demo CSMS receives one complete transaction with energy.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { startDemoCsms, DEMO_CARD } = require("../host/node/demo-csms.js");
const { startTestStation, HOST } = require("./helpers/station-host.js");
const { Bench } = require("../host/bench/bench.js");
const { checkTransactions } = require("./tools/tx-checker.js");

test(`[${HOST}] bench session: plug, swipe, charge 10 minutes, unplug → a complete transaction at the demo CSMS`, async (t) => {
  const csms = await startDemoCsms({ port: 0, log: () => {} });
  const st = await startTestStation({ csmsUrl: csms.url, stationId: "BENCH1", sim: true });
  t.after(() => { st.stop(); csms.close(); });
  const bench = new Bench(st, { virtual: true });
  const run = async (cmd) => {
    const r = await bench.command(cmd);
    assert.equal(r.ok, true, `${JSON.stringify(cmd)} → ${JSON.stringify(r)}`);
    return r;
  };
  await run({ op: "time", advance_s: 3 });
  await run({ op: "plug", evse: 1, connector: 2 });
  await run({ op: "time", advance_s: 1 });
  await run({ op: "swipe", idToken: DEMO_CARD });
  await run({ op: "time", advance_s: 2 });
  await run({ op: "ev", evse: 1, state: "C", soc: 30, demand_a: 150 });
  await run({ op: "time", advance_s: 600 });
  const mid = await run({ op: "status" });
  const evse = mid.station.evses[0];
  assert.equal(evse.chargingState, "Charging");
  assert.equal(evse.connectors[1].status, "Occupied");
  assert.equal(evse.connectors[1].contactor, true);
  assert.ok(evse.energyWh > 5000, `energy after 10 minutes at 150 A: ${evse.energyWh} Wh`);
  assert.equal(mid.hardware.evs[1].plugged, true);
  await run({ op: "unplug", evse: 1, connector: 2 });
  await run({ op: "time", advance_s: 5 });
  const events = csms.received.filter((r) => r.method === "TransactionEvent").map((r) => r.params);
  const report = checkTransactions(events);
  assert.deepEqual(report.problems, []);
  assert.equal(report.transactions, 1);
  const ended = events[events.length - 1];
  assert.equal(ended.eventType, "Ended");
  assert.equal(events[0].evse.connectorId, 2);
  const energy = ended.meterValue[0].sampledValue.find((v) => v.measurand === "Energy.Active.Import.Register").value;
  assert.ok(energy > 5000, `energy at the end ${energy} Wh`);
  assert.ok(csms.received.some((r) => r.method === "Authorize" && r.params.idToken.idToken === DEMO_CARD));
  const after = await run({ op: "status" });
  assert.equal(after.station.evses[0].transactionId, null);
});
