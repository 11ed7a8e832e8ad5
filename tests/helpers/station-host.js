// Starts the station on the host chosen by STATION_HOST ("node", the default, "c", or "mcu": the C host on the
// emulated Cortex-M7 board in QEMU). Scenario tests use only
// this, so every scenario runs unchanged on both hosts with the virtual clock.
"use strict";
const { startStation } = require("../../host/node/host.js");
const { startCStation: startC } = require("../../host/node/c-station.js");
const { startMcuStation } = require("../../host/node/mcu-station.js");

const HOST = process.env.STATION_HOST || "node";

/** The C host with the tests' defaults: virtual clock unless realClock. */
const startCStation = (o) => startC(o);

async function startTestStation(opts) {
  if (HOST === "node") return startStation({ virtualClock: true, ...opts });
  if (HOST === "c") return startCStation(opts);
  if (HOST === "mcu") return startMcuStation(opts);
  throw new Error(`STATION_HOST=${HOST}: unknown host (node, c or mcu)`);
}

module.exports = { startTestStation, startCStation, HOST };
