// A station host in a child process (the C host, or QEMU running the board), driven over its control channel:
// commands on the child's standard input, "@" answers and log lines on its standard output (the protocol of
// host/c/posix/main.c and host/c/mcu/main.c). Power cuts kill the child and start it again on the same storage.
"use strict";
const fs = require("node:fs");
const { spawn } = require("node:child_process");

/** o: what (the host's name in errors), command + args (how to start the child), cwd, bus (the sim bus or null),
 *  dataDir + ownDir (removed by stop() when own), onLog(entry), onEvent(line) (an "@" line of the host's own;
 *  true when taken), trace (echo the exchange to stderr), extra (more fields for the handle), beforeRespawn() (after a
 *  power cut's kill, before the new child starts). */
function driveChild(o) {
  const logs = [];
  let now = 0, stats = null, status = null, child = null, exited = null;
  let replies = [];
  let stopped = false;
  const spawnChild = () => {
    const c = spawn(o.command, o.args, { stdio: ["pipe", "pipe", "inherit"], cwd: o.cwd });
    let buffered = "";
    c.stdout.on("data", (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl).replace(/\r$/, "");
        buffered = buffered.slice(nl + 1);
        if (line.startsWith("@ok")) { now = Number(line.split(" ")[1]); const r = replies.shift(); if (r) r.resolve(); continue; }
        if (line.startsWith("@stats")) { stats = Object.fromEntries(line.split(" ").slice(1).map((kv) => kv.split("=")).map(([k, v]) => [k, Number(v)])); continue; }
        if (line.startsWith("@status ")) { try { status = JSON.parse(line.slice(8)); } catch { status = null; } continue; }
        if (line.startsWith("@") && o.onEvent && o.onEvent(line)) continue;
        const m = /^\S+ (\w+)\s+(.*)$/.exec(line);
        const entry = { t: now, level: m ? m[1] : "info", text: m ? m[2] : line };
        logs.push(entry);
        if (o.onLog) o.onLog(entry);
        if (o.trace) process.stderr.write(`[${o.what} ${now}] ${line}\n`);
      }
    });
    c.stdin.on("error", () => {});
    // A child outlives a parent that exits without stop() (a failed test): take it along.
    const reap = () => { try { c.kill("SIGKILL"); } catch { /* gone */ } };
    process.once("exit", reap);
    exited = new Promise((resolve) => c.on("exit", (code, signal) => {
      process.removeListener("exit", reap);
      // A host that dies (crash, sanitizer report, power cut) fails every command still waiting for its answer.
      if (c === child) for (const r of replies.splice(0)) r.reject(new Error(`${o.what} exited (${signal || code})`));
      resolve({ code, signal });
    }));
    child = c;
  };
  spawnChild();
  const command = (line) => new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`${o.what} exited`));
    replies.push({ resolve, reject });
    if (o.trace) process.stderr.write(`[${o.what} ${now}] > ${line}\n`);
    child.stdin.write(line + "\n");
  });
  return {
    ...o.extra,
    logs, dataDir: o.dataDir,
    get child() { return child; },
    get exited() { return exited; },
    sim: o.bus ? o.bus.sim : null,
    now: () => now,
    advance: (ms) => command(`advance ${Math.max(0, Math.round(ms))}`),
    settle: () => command("sync"),
    /** Hard power loss: SIGKILL at whatever instant, then the same command line again on the same storage. The
     *  simulator keeps its state (EV still plugged). Virtual time starts again from 0. */
    powerCycle: async () => {
      const old = child;
      for (const r of replies.splice(0)) r.reject(new Error("power cut"));
      old.kill("SIGKILL");
      await exited;
      if (stopped) return;
      replies = [];
      if (o.beforeRespawn) o.beforeRespawn();
      spawnChild();
      await command("sync");
    },
    /** One line of the control channel, answered by "@ok". */
    command,
    setNetwork: (up) => command(`network ${up ? "up" : "down"}`),
    status: async () => { status = null; await command("status"); return status; },
    stats: async () => { await command("stats"); return stats; },
    stop: () => {
      stopped = true;
      child.stdin.end();
      child.kill("SIGKILL");
      if (o.bus) o.bus.close();
      if (o.ownDir) exited.then(() => fs.rmSync(o.dataDir, { recursive: true, force: true }));
    },
  };
}

module.exports = { driveChild };
