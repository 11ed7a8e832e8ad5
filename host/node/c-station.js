// The C host (build/c-host/station, wasm3) as a child process, driven like the in-process Node host: virtual
// time, power cuts, the network switch and status through its control channel (standard input), and the
// charger simulator served from this process over the sim bus. Used by the scenario tests and `make run`.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawn } = require("node:child_process");
const { serveSimBus } = require("../sim/simbus.js");

const DEFAULT_BIN = path.join(__dirname, "..", "..", "build", "c-host", "station");

/** Options: csmsUrl, stationId, dataDir (default: a temporary directory removed by stop()), realClock (default:
 *  virtual), password, securityProfile, caFile, clientCert, clientKey, wasm, config {key: value} (more config_set
 *  pairs), sim (true or ChargerSim options), bin, command/commandArgs (a wrapper such as valgrind), onLog(entry),
 *  hardware { uart, can, gpioChip, gpioOut, gpioIn } (real devices instead of the simulator). */
async function startCStation(o) {
  const bin = o.bin || process.env.C_STATION_BIN || DEFAULT_BIN;
  if (!fs.existsSync(bin)) throw new Error(`${bin} missing: run make c-host`);
  const ownDir = !o.dataDir;
  const dataDir = o.dataDir || fs.mkdtempSync(path.join(os.tmpdir(), "c-station-"));
  const bus = o.sim ? await serveSimBus({ virtual: !o.realClock, simOptions: o.sim === true ? {} : o.sim }) : null;
  const args = ["--csms", o.csmsUrl, "--id", o.stationId || "CS001", "--data", dataDir, o.realClock ? "--control" : "--virtual-clock"];
  if (o.password) args.push("--password", o.password);
  if (o.securityProfile !== undefined) args.push("--security-profile", String(o.securityProfile));
  if (o.caFile) args.push("--ca", o.caFile);
  if (o.clientCert) args.push("--client-cert", o.clientCert, "--client-key", o.clientKey);
  const wasm = o.wasm || process.env.HOST_WASM;
  if (wasm) args.push("--wasm", wasm);
  if (bus) args.push("--sim-bus", `127.0.0.1:${bus.port}`);
  const hw = o.hardware || {};
  if (hw.uart) args.push("--uart", hw.uart);
  if (hw.can) args.push("--can", hw.can);
  if (hw.gpioChip) args.push("--gpio-chip", hw.gpioChip, "--gpio-out", hw.gpioOut || "", "--gpio-in", hw.gpioIn || "");
  for (const [k, v] of Object.entries(o.config || {})) if (v !== undefined && v !== null) args.push("--set", `${k}=${v}`);

  const logs = [];
  let now = 0, stats = null, status = null, child = null, exited = null;
  let replies = [];
  let stopped = false;
  const spawnChild = () => {
    const c = spawn(o.command || bin, [...(o.commandArgs || []), ...args], { stdio: ["pipe", "pipe", "inherit"] });
    let buffered = "";
    c.stdout.on("data", (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith("@ok")) { now = Number(line.split(" ")[1]); const r = replies.shift(); if (r) r.resolve(); continue; }
        if (line.startsWith("@stats")) { stats = Object.fromEntries(line.split(" ").slice(1).map((kv) => kv.split("=")).map(([k, v]) => [k, Number(v)])); continue; }
        if (line.startsWith("@status ")) { try { status = JSON.parse(line.slice(8)); } catch { status = null; } continue; }
        const m = /^\S+ (\w+)\s+(.*)$/.exec(line);
        const entry = { t: now, level: m ? m[1] : "info", text: m ? m[2] : line };
        logs.push(entry);
        if (o.onLog) o.onLog(entry);
      }
    });
    c.stdin.on("error", () => {});
    exited = new Promise((resolve) => c.on("exit", (code, signal) => {
      // A host that dies (crash, sanitizer report, power cut) fails every command still waiting for its answer.
      if (c === child) for (const r of replies.splice(0)) r.reject(new Error(`the C host exited (${signal || code})`));
      resolve({ code, signal });
    }));
    child = c;
  };
  spawnChild();
  const command = (line) => new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) return reject(new Error("the C host exited"));
    replies.push({ resolve, reject });
    child.stdin.write(line + "\n");
  });
  const handle = {
    logs, dataDir,
    get child() { return child; },
    get exited() { return exited; },
    sim: bus ? bus.sim : null,
    now: () => now,
    advance: (ms) => command(`advance ${Math.max(0, Math.round(ms))}`),
    settle: () => command("sync"),
    /** Hard power loss: SIGKILL, then the same command line again on the same data directory. The simulator keeps
     *  its state (EV still plugged) and the new process reconnects to it. Virtual time starts again from 0. */
    powerCycle: async () => {
      const old = child;
      for (const r of replies.splice(0)) r.reject(new Error("power cut"));
      old.kill("SIGKILL");
      await exited;
      if (stopped) return;
      replies = [];
      spawnChild();
      await command("sync");
    },
    setNetwork: (up) => command(`network ${up ? "up" : "down"}`),
    status: async () => { status = null; await command("status"); return status; },
    stats: async () => { await command("stats"); return stats; },
    stop: () => {
      stopped = true;
      child.stdin.end();
      child.kill("SIGKILL");
      if (bus) bus.close();
      if (ownDir) exited.then(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    },
  };
  return handle;
}

module.exports = { startCStation };
