// The C host (build/c-host/station, wasm3) as a child process, driven like the in-process Node host: virtual
// time, power cuts, the network switch and status through its control channel (standard input), and the
// charger simulator served from this process over the sim bus. Used by the scenario tests and `make run`.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { driveChild } = require("./control-channel.js");
const { serveSimBus } = require("../sim/simbus.js");

const DEFAULT_BIN = path.join(__dirname, "..", "..", "build", "c-host", "station");

/** Options: csmsUrl, stationId, dataDir (default: a temporary directory removed by stop()), realClock (default:
 *  virtual), password, securityProfile, caFile, clientCert, clientKey, wasm, config {key: value} (more config_set
 *  pairs), sim (true or ChargerSim options), bin, command/commandArgs (a wrapper such as valgrind), onLog(entry),
 *  hardware { uart, can, gpioChip, gpioOut, gpioIn } (real devices instead of the simulator), trialDeadlineMs
 *  (firmware slots: the trial deadline, default 600 s). */
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
  if (o.trialDeadlineMs !== undefined) args.push("--trial-deadline", String(o.trialDeadlineMs));
  for (const [k, v] of Object.entries(o.config || {})) if (v !== undefined && v !== null) args.push("--set", `${k}=${v}`);

  return driveChild({ what: "the C host", command: o.command || bin, args: [...(o.commandArgs || []), ...args], bus, dataDir, ownDir,
    onLog: o.onLog });
}

module.exports = { startCStation };
