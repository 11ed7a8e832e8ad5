#!/usr/bin/env node
// `make run`: the station against the built-in demo CSMS or a real one (--csms URL), on the Node host or, with
// --host c, on the C host (build/c-host/station, wasm3), which then runs as a child process.
"use strict";
const path = require("node:path");
const { spawn } = require("node:child_process");
const { parseArgs, stationOptions } = require("./station.js");
const { startStation } = require("./host.js");
const { startDemoCsms } = require("./demo-csms.js");

const C_STATION = path.join(__dirname, "..", "..", "build", "c-host", "station");

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const host = args.host || "node";
  delete args.host;
  if (host !== "node" && host !== "c") throw new Error(`--host ${host}: node or c`);
  if (!args.csms) {
    const csms = await startDemoCsms({ port: Number(args["demo-port"] || 0) });
    delete args["demo-port"];
    args.csms = csms.url;
    console.log(`demo CSMS listening on ${args.csms}`);
  }
  if (host === "c") {
    const cArgs = Object.entries(args).flatMap(([k, v]) => (v === true ? [`--${k}`] : [`--${k}`, String(v)]));
    const child = spawn(C_STATION, cArgs, { stdio: ["ignore", "inherit", "inherit"] });
    child.on("exit", (code) => process.exit(code === null ? 1 : code));
    const stop = () => child.kill("SIGTERM");
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    return;
  }
  const station = await startStation(stationOptions(args));
  const stop = () => { station.stop(); process.exit(0); };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e) => { console.error(`run: ${e.message}`); process.exit(2); });
