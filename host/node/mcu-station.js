// The C host on the emulated Cortex-M7 board (build/mcu/station.elf in QEMU's mps2-an500), driven like the other
// hosts: the control channel on UART0 (QEMU's standard input and output), the charger simulator served from this
// process over three UARTs, each a QEMU socket chardev to a loopback port of the simulator's: the sim bus (GPIO
// lines, the virtual clock) on UART1, the PN532 reader's own frames on UART2, the CAN bus as an SLCAN adapter's
// lines on UART3 (host/sim/simbus.js with links; docs/porting.md). The network through
// QEMU user networking with restrict=on: the guest reaches only the forwarded loopback ports, at 10.0.2.100.
// The storage is a file on the host (semihosting), so powerCycle (kill QEMU, start it again) keeps it.
"use strict";
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");
const { driveChild } = require("./control-channel.js");
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

// A server a test starts after the board (the file server of UpdateFirmware and GetLog) must listen on a port QEMU
// forwarded when it started: each start reserves SPARE_PORTS free loopback ports (takeForwardedPort hands them
// out), and the board's hosts table sends 127.0.0.1, the test machine's loopback where those servers listen, to
// GUEST_HOST, so the URLs they give (http://127.0.0.1:PORT/...) work unchanged.
const SPARE_PORTS = 2;
const sparePorts = [];
/** A loopback port the last board started forwards, for a server started after it; 0 (any port) when none is left. */
function takeForwardedPort() { return sparePorts.shift() || 0; }

// QEMU's user networking (libslirp) compares a guestfwd rule's port with the rules before it in the other byte
// order, so it refuses two ports that are each other's byte swap ("Conflicting/invalid host:port", seen with 46005
// and 46515): the spare ports are picked to avoid that with each other and the given ones.
const byteSwapped = (p) => ((p & 0xff) << 8) | (p >> 8);
const slirpClash = (p, ports) => ports.some((x) => x !== p && (x === byteSwapped(p)));

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Options as startCStation (csmsUrl, stationId, dataDir, realClock, password, securityProfile, caFile, clientCert,
 *  clientKey, config, sim, manufacturerCaFile (ManufacturerRootCertificates provisioned at start), wasm (a factory image file in place of the one linked into the ELF), trialDeadlineMs,
 *  onLog), plus elf, forwardPorts (more host TCP ports the guest may reach at 10.0.2.100), icount (QEMU
 *  -icount shift=N: instructions as time, for exact counts), qemuArgs (more QEMU arguments). */
async function startMcuStation(o) {
  const given = guestView(o.csmsUrl, o.forwardPorts || []).ports;
  const clash = given.find((p) => slirpClash(p, given));
  if (clash) throw new Error(`mcu host: ports ${clash} and ${byteSwapped(clash)} cannot both be forwarded (QEMU's user networking takes them for one)`);
  const elf = o.elf || process.env.MCU_STATION_ELF || DEFAULT_ELF;
  if (!fs.existsSync(elf)) throw new Error(`${elf} missing: run make mcu`);
  const ownDir = !o.dataDir;
  const dataDir = o.dataDir || fs.mkdtempSync(path.join(os.tmpdir(), "mcu-station-"));
  fs.mkdirSync(dataDir, { recursive: true });
  const flashFile = path.resolve(dataDir, "flash.bin");
  const bus = o.sim ? await serveSimBus({ virtual: !o.realClock, links: true, simOptions: o.sim === true ? {} : o.sim }) : null;
  const spare = [];
  while (spare.length < SPARE_PORTS) {
    const p = await freePort();
    if (!given.includes(p) && !spare.includes(p) && !slirpClash(p, [...given, ...spare])) spare.push(p);
  }
  sparePorts.splice(0, sparePorts.length, ...spare);
  const { url, ports, hosts = [] } = guestView(o.csmsUrl, [...(o.forwardPorts || []), ...spare]);
  hosts.push(`127.0.0.1=${GUEST_HOST}`);
  const args = ["station", "--csms", url, "--id", o.stationId || "CS001", "--flash", flashFile, o.realClock ? "--control" : "--virtual-clock"];
  if (o.wasm) args.push("--wasm", path.resolve(o.wasm));
  if (o.trialDeadlineMs !== undefined) args.push("--trial-deadline", String(o.trialDeadlineMs));   // the factory image in place of the linked one
  if (o.password) args.push("--password", o.password);
  if (o.securityProfile !== undefined) args.push("--security-profile", String(o.securityProfile));
  if (bus) args.push("--sim");
  for (const h of hosts) args.push("--host", h);
  if (o.caFile) args.push("--ca", path.resolve(o.caFile));
  if (o.manufacturerCaFile) args.push("--manufacturer-ca", path.resolve(o.manufacturerCaFile));
  if (o.clientCert) args.push("--client-cert", path.resolve(o.clientCert), "--client-key", path.resolve(o.clientKey));
  for (const [k, v] of Object.entries(o.config || {})) if (v !== undefined && v !== null) args.push("--set", `${k}=${v}`);
  for (const a of args) if (/\s/.test(a)) throw new Error(`mcu host: no spaces in arguments (semihosting command line): ${a}`);
  // One relay process per guest connection (guestfwd.js), to 127.0.0.1 only.
  const relay = `${process.execPath} ${path.join(__dirname, "guestfwd.js")}`;
  const fwd = ports.map((p) => `guestfwd=tcp:${GUEST_HOST}:${p}-cmd:${q(relay)} ${p}`).join(",");
  const qemuArgs = [
    "-M", "mps2-an500", "-display", "none", "-monitor", "none", "-serial", "stdio",
    // -serial in order: UART0 stdio, UART1 the sim bus, UART2 the PN532 reader, UART3 the SLCAN adapter.
    ...(bus ? ["-chardev", `socket,id=sim,host=127.0.0.1,port=${bus.port}`, "-serial", "chardev:sim",
      "-chardev", `socket,id=pn532,host=127.0.0.1,port=${bus.pn532Port}`, "-serial", "chardev:pn532",
      "-chardev", `socket,id=slcan,host=127.0.0.1,port=${bus.slcanPort}`, "-serial", "chardev:slcan"] : []),
    "-netdev", `user,id=n0,restrict=on${fwd ? "," + fwd : ""}`, "-net", "nic,netdev=n0",
    "-semihosting-config", `enable=on,target=native,${args.map((a) => `arg=${q(a)}`).join(",")}`,
    ...(o.icount !== undefined ? ["-icount", `shift=${o.icount}`] : []),
    ...(o.qemuArgs || []),
    "-kernel", elf,
  ];

  const handle = driveChild({
    what: "QEMU", command: "qemu-system-arm", args: qemuArgs, cwd: ROOT, bus, dataDir, ownDir, onLog: o.onLog,
    trace: !!process.env.MCU_STATION_LOG, extra: { flashFile, bus },
    // A power cut: the new QEMU's links count their bytes from nothing (the old ones' may not have closed yet).
    beforeRespawn: () => { if (bus) bus.newHost(); },
    // The board re-created its instance in process: the simulator reports the line levels again, as it does for a
    // new bus connection on the other hosts.
    onEvent: (line) => { if (line === "@hw_restarted" && bus) bus.sim.powerCycled(); return true; },
  });
  /** Starts the board's work count (stats: work_ns, work_passes) again. */
  handle.mark = () => handle.command("mark");
  // QEMU's start and wasm3's first compilation take a moment: the board is handed over once its loop answers.
  // A QEMU that exits instead (a refused option) must not leave the sim bus's servers holding the caller's process.
  try { await handle.settle(); } catch (e) { handle.stop(); throw e; }
  return handle;
}

module.exports = { startMcuStation, guestView, takeForwardedPort, GUEST_HOST };
