// Starts the station on the host chosen by STATION_HOST (default "node"). Scenario tests use only this, so
// the same scenarios run on every host; the C host joins with its issue.
"use strict";
const { startStation } = require("../../host/node/host.js");

const HOST = process.env.STATION_HOST || "node";

async function startTestStation(opts) {
  if (HOST !== "node") throw new Error(`STATION_HOST=${HOST}: only the node host exists so far`);
  return startStation({ virtualClock: true, ...opts });
}

module.exports = { startTestStation, HOST };
