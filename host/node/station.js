#!/usr/bin/env node
// The station on the Node host:
//   node host/node/station.js --csms ws://127.0.0.1:9000/ocpp --id CS001 [--data build/data] [--password P]
//        [--security-profile 0..3] [--ca file] [--client-cert file --client-key file] [--wasm file] [--virtual-clock]
"use strict";
const { startStation } = require("./host.js");

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) throw new Error(`unexpected argument ${a}`);
    const key = a.slice(2);
    if (key === "virtual-clock") { o[key] = true; continue; }
    if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
    o[key] = argv[++i];
  }
  return o;
}

function stationOptions(args) {
  if (!args.csms) throw new Error("--csms <ws://host:port/path> is required");
  const profile = args["security-profile"] === undefined ? (args.csms.startsWith("wss:") ? 2 : args.password ? 1 : 0) : Number(args["security-profile"]);
  return {
    csmsUrl: args.csms, stationId: args.id || "CS001", dataDir: args.data || "build/data", password: args.password,
    securityProfile: profile, caFile: args.ca, clientCert: args["client-cert"], clientKey: args["client-key"],
    wasm: args.wasm, virtualClock: !!args["virtual-clock"],
    onLog: (e) => console.log(`${new Date().toISOString()} ${e.level.padEnd(5)} ${e.text}`),
  };
}

async function main() {
  let args;
  try { args = parseArgs(process.argv.slice(2)); return await startStation(stationOptions(args)); } catch (e) {
    console.error(`station: ${e.message}`);
    process.exit(2);
  }
}

if (require.main === module) main();
module.exports = { parseArgs, stationOptions };
