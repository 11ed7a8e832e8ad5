#!/usr/bin/env node
// The station on the Node host:
//   node host/node/station.js --csms ws://127.0.0.1:9000/ocpp --id CS001 [--data build/data] [--password P]
//        [--security-profile 0..3] [--ca file] [--client-cert file --client-key file] [--wasm file] [--virtual-clock]
// Logs what the image logs on standard output, one line each, prefixed with the time.
// With --virtual-clock, time moves only on commands read from standard input, one per line (the C host's
// control channel, so a test can drive either host the same way):
//   advance <ms>   step through every wake-up up to now + ms, then answer "@ok <now>"
//   sync           deliver what the network has ready, then answer "@ok <now>"
//   power_cycle    drop the instance and its connections without any clean-up, boot again from the data dir
// End of input stops the station.
"use strict";
const readline = require("node:readline");
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
    // Virtual time is printed as ms since start: the wall clock would say nothing about the station's time.
    onLog: (e) => console.log(`${args["virtual-clock"] ? `+${e.t}ms` : new Date().toISOString()} ${e.level.padEnd(5)} ${e.text}`),
  };
}

/** Runs the control commands of --virtual-clock one after the other. */
function control(station) {
  let chain = Promise.resolve();
  const rl = readline.createInterface({ input: process.stdin });
  rl.on("line", (line) => {
    chain = chain.then(async () => {
      const cmd = line.trim();
      const m = /^advance (\d+)$/.exec(cmd);
      if (m) await station.advance(Number(m[1]));
      else if (cmd === "sync") await station.settle();
      else if (cmd === "power_cycle") { station.powerCycle(); await station.settle(); }
      else if (cmd) console.log("@error unknown command");
      if (cmd) console.log(`@ok ${station.now()}`);
    });
  });
  rl.on("close", () => chain.then(() => { station.stop(); process.exit(0); }));
}

async function main() {
  let args, station;
  try {
    args = parseArgs(process.argv.slice(2));
    station = await startStation(stationOptions(args));
  } catch (e) {
    console.error(`station: ${e.message}`);
    process.exit(2);
  }
  if (args["virtual-clock"]) control(station);
  const stop = () => { station.stop(); process.exit(0); };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (require.main === module) main();
module.exports = { parseArgs, stationOptions };
