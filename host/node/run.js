#!/usr/bin/env node
// `make run`: the station on this host, against the built-in demo CSMS or a real one (--csms URL).
"use strict";
const { parseArgs, stationOptions } = require("./station.js");
const { startStation } = require("./host.js");
const { startDemoCsms } = require("./demo-csms.js");

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!args.csms) {
    const csms = await startDemoCsms({ port: Number(args["demo-port"] || 0) });
    delete args["demo-port"];
    args.csms = csms.url;
    console.log(`demo CSMS listening on ${args.csms}`);
  }
  const station = await startStation(stationOptions(args));
  const stop = () => { station.stop(); process.exit(0); };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e) => { console.error(`run: ${e.message}`); process.exit(2); });
