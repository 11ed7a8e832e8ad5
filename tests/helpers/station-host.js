// Starts the station on the host chosen by STATION_HOST ("node", the default, or "c"). Scenario tests use only
// this, so every scenario runs unchanged on both hosts with the virtual clock.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawn } = require("node:child_process");
const { startStation } = require("../../host/node/host.js");

const HOST = process.env.STATION_HOST || "node";
const C_STATION = process.env.C_STATION_BIN || path.join(__dirname, "..", "..", "build", "c-host", "station");

/** The C host as a child process; virtual time and power cuts through its control channel (stdin). */
async function startCStation(o) {
  if (!fs.existsSync(C_STATION)) throw new Error(`${C_STATION} missing: run make c-host`);
  const ownDir = !o.dataDir;
  const dataDir = o.dataDir || fs.mkdtempSync(path.join(os.tmpdir(), "c-station-"));
  const args = ["--csms", o.csmsUrl, "--id", o.stationId || "CS001", "--data", dataDir, o.realClock ? "--control" : "--virtual-clock"];
  if (o.password) args.push("--password", o.password);
  if (o.securityProfile !== undefined) args.push("--security-profile", String(o.securityProfile));
  if (o.caFile) args.push("--ca", o.caFile);
  if (o.clientCert) args.push("--client-cert", o.clientCert, "--client-key", o.clientKey);
  if (process.env.HOST_WASM) args.push("--wasm", process.env.HOST_WASM);
  const child = spawn(o.command || C_STATION, [...(o.commandArgs || []), ...args], { stdio: ["pipe", "pipe", "inherit"] });
  const logs = [];
  const replies = [];
  let buffered = "";
  let now = 0;
  let stats = null;
  child.stdout.on("data", (chunk) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.startsWith("@ok")) { now = Number(line.split(" ")[1]); const r = replies.shift(); if (r) r.resolve(); continue; }
      if (line.startsWith("@stats")) { stats = Object.fromEntries(line.split(" ").slice(1).map((kv) => kv.split("=")).map(([k, v]) => [k, Number(v)])); continue; }
      const m = /^\S+ (\w+)\s+(.*)$/.exec(line);
      logs.push({ t: now, level: m ? m[1] : "info", text: m ? m[2] : line });
    }
  });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => {
    // A host that dies (crash, sanitizer report) fails every command still waiting for its answer.
    for (const r of replies.splice(0)) r.reject(new Error(`the C host exited (${signal || code})`));
    resolve({ code, signal });
  }));
  const command = (line) => new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) return reject(new Error("the C host exited"));
    replies.push({ resolve, reject });
    child.stdin.write(line + "\n");
  });
  return {
    logs, child, exited,
    now: () => now,
    advance: (ms) => command(`advance ${ms}`),
    settle: () => command("sync"),
    powerCycle: () => command("power_cycle"),
    stats: async () => { await command("stats"); return stats; },
    stop: () => {
      child.stdin.end();
      child.kill("SIGKILL");
      if (ownDir) exited.then(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    },
  };
}

async function startTestStation(opts) {
  if (HOST === "node") return startStation({ virtualClock: true, ...opts });
  if (HOST === "c") return startCStation(opts);
  throw new Error(`STATION_HOST=${HOST}: unknown host (node or c)`);
}

module.exports = { startTestStation, startCStation, HOST };
