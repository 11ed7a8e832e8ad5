// The C host on the emulated Cortex-M7 board (build/mcu/station.elf in QEMU's mps2-an500), driven like the other
// hosts: the control channel on UART0 (QEMU's standard input and output), the charger simulator served from this
// process over the sim bus on UART1 (a QEMU socket chardev to the bus's loopback port), the network through
// QEMU user networking with restrict=on: the guest reaches only the forwarded loopback ports, at 10.0.2.100.
// The storage is a file on the host (semihosting), so powerCycle (kill QEMU, start it again) keeps it.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawn } = require("node:child_process");
const { serveSimBus } = require("../sim/simbus.js");

const ROOT = path.join(__dirname, "..", "..");
const DEFAULT_ELF = path.join(ROOT, "build", "mcu", "station.elf");
const GUEST_HOST = "10.0.2.100";   // where the guest finds the host's loopback services (guestfwd rules)

// QEMU's option syntax doubles a comma inside a value.
const q = (s) => String(s).replace(/,/g, ",,");

/** The CSMS URL as the guest sees it, and the host ports to forward (the URL's, and forwardPorts). */
function guestView(csmsUrl, forwardPorts = []) {
  const u = new URL(csmsUrl);
  const port = Number(u.port || (u.protocol === "wss:" ? 443 : 80));
  const bare = u.pathname === "/" && !csmsUrl.endsWith("/");   // URL adds a "/" to an empty path: keep it out
  // TLS checks the server certificate's name: a wss name stays, and the board's hosts table (--host) maps it.
  const hosts = u.protocol === "wss:" && !/^[\d.]+$|:/.test(u.hostname) ? [`${u.hostname}=${GUEST_HOST}`] : [];
  if (!hosts.length) u.hostname = GUEST_HOST;
  const s = u.toString();
  return { url: bare ? s.slice(0, -1) : s, ports: [...new Set([port, ...forwardPorts])], ...(hosts.length ? { hosts } : {}) };
}

/** Options as startCStation (csmsUrl, stationId, dataDir, realClock, password, securityProfile, caFile, clientCert,
 *  clientKey, config, sim,
 *  onLog), plus elf, forwardPorts (more host TCP ports the guest may reach at 10.0.2.100), icount (QEMU
 *  -icount shift=N: instructions as time, for exact counts), qemuArgs (more QEMU arguments). */
async function startMcuStation(o) {
  const elf = o.elf || process.env.MCU_STATION_ELF || DEFAULT_ELF;
  if (!fs.existsSync(elf)) throw new Error(`${elf} missing: run make mcu`);
  const ownDir = !o.dataDir;
  const dataDir = o.dataDir || fs.mkdtempSync(path.join(os.tmpdir(), "mcu-station-"));
  fs.mkdirSync(dataDir, { recursive: true });
  const flashFile = path.resolve(dataDir, "flash.bin");
  const bus = o.sim ? await serveSimBus({ virtual: !o.realClock, simOptions: o.sim === true ? {} : o.sim }) : null;
  const { url, ports, hosts = [] } = guestView(o.csmsUrl, o.forwardPorts);
  const args = ["station", "--csms", url, "--id", o.stationId || "CS001", "--flash", flashFile, o.realClock ? "--control" : "--virtual-clock"];
  if (o.password) args.push("--password", o.password);
  if (o.securityProfile !== undefined) args.push("--security-profile", String(o.securityProfile));
  if (bus) args.push("--sim");
  for (const h of hosts) args.push("--host", h);
  if (o.caFile) args.push("--ca", path.resolve(o.caFile));
  if (o.clientCert) args.push("--client-cert", path.resolve(o.clientCert), "--client-key", path.resolve(o.clientKey));
  for (const [k, v] of Object.entries(o.config || {})) if (v !== undefined && v !== null) args.push("--set", `${k}=${v}`);
  for (const a of args) if (/\s/.test(a)) throw new Error(`mcu host: no spaces in arguments (semihosting command line): ${a}`);
  // One relay process per guest connection (guestfwd.js), to 127.0.0.1 only.
  const relay = `${process.execPath} ${path.join(__dirname, "guestfwd.js")}`;
  const fwd = ports.map((p) => `guestfwd=tcp:${GUEST_HOST}:${p}-cmd:${q(relay)} ${p}`).join(",");
  const qemuArgs = [
    "-M", "mps2-an500", "-display", "none", "-monitor", "none", "-serial", "stdio",
    ...(bus ? ["-chardev", `socket,id=sim,host=127.0.0.1,port=${bus.port}`, "-serial", "chardev:sim"] : []),
    "-netdev", `user,id=n0,restrict=on${fwd ? "," + fwd : ""}`, "-net", "nic,netdev=n0",
    "-semihosting-config", `enable=on,target=native,${args.map((a) => `arg=${q(a)}`).join(",")}`,
    ...(o.icount !== undefined ? ["-icount", `shift=${o.icount}`] : []),
    ...(o.qemuArgs || []),
    "-kernel", elf,
  ];

  const logs = [];
  let now = 0, stats = null, status = null, child = null, exited = null;
  let replies = [];
  let stopped = false;
  const spawnChild = () => {
    const c = spawn("qemu-system-arm", qemuArgs, { stdio: ["pipe", "pipe", "inherit"], cwd: ROOT });
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
        // The board re-created its instance in process: the simulator reports the line levels again, as it does
        // for a new bus connection on the other hosts.
        if (line === "@hw_restarted") { if (bus) bus.sim.powerCycled(); continue; }
        if (line.startsWith("@")) continue;
        const m = /^\S+ (\w+)\s+(.*)$/.exec(line);
        const entry = { t: now, level: m ? m[1] : "info", text: m ? m[2] : line };
        logs.push(entry);
        if (o.onLog) o.onLog(entry);
        if (process.env.MCU_STATION_LOG) process.stderr.write(`[mcu ${now}] ${line}\n`);
      }
    });
    c.stdin.on("error", () => {});
    // QEMU outlives a parent that exits without stop() (a failed test): take it along.
    const reap = () => { try { c.kill("SIGKILL"); } catch { /* gone */ } };
    process.once("exit", reap);
    c.once("exit", () => process.removeListener("exit", reap));
    exited = new Promise((resolve) => c.on("exit", (code, signal) => {
      if (c === child) for (const r of replies.splice(0)) r.reject(new Error(`QEMU exited (${signal || code})`));
      resolve({ code, signal });
    }));
    child = c;
  };
  spawnChild();
  const command = (line) => new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) return reject(new Error("QEMU exited"));
    replies.push({ resolve, reject });
    if (process.env.MCU_STATION_LOG) process.stderr.write(`[mcu ${now}] > ${line}\n`);
    child.stdin.write(line + "\n");
  });
  const handle = {
    logs, dataDir, flashFile,
    get child() { return child; },
    get exited() { return exited; },
    sim: bus ? bus.sim : null,
    now: () => now,
    advance: (ms) => command(`advance ${Math.max(0, Math.round(ms))}`),
    settle: () => command("sync"),
    /** Power cut: SIGKILL to QEMU at whatever instant, then the same board again on the same flash file. */
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
    /** Starts the board's work count (stats: work_ns, work_passes) again. */
    mark: () => command("mark"),
    stop: () => {
      stopped = true;
      child.stdin.end();
      child.kill("SIGKILL");
      if (bus) bus.close();
      if (ownDir) exited.then(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    },
  };
  // QEMU's start and wasm3's first compilation take a moment: the board is handed over once its loop answers.
  await command("sync");
  return handle;
}

module.exports = { startMcuStation, guestView, GUEST_HOST };
