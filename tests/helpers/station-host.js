// Starts the station on the host chosen by STATION_HOST ("node", the default, or "c"). Scenario tests use only
// this, so every scenario runs unchanged on both hosts with the virtual clock.
"use strict";
const { startStation } = require("../../host/node/host.js");
const { startCStation: startC } = require("../../host/node/c-station.js");

const HOST = process.env.STATION_HOST || "node";

/** The C host with the tests' defaults: virtual clock unless realClock. */
const startCStation = (o) => startC(o);

async function startTestStation(opts) {
  if (HOST === "node") return startStation({ virtualClock: true, ...opts });
  if (HOST === "c") return startCStation(opts);
  throw new Error(`STATION_HOST=${HOST}: unknown host (node or c)`);
}

module.exports = { startTestStation, startCStation, HOST };
