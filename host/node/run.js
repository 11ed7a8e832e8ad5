#!/usr/bin/env node
// `make run`: the station with simulated hardware, against the built-in demo CSMS or a real one, on the C host
// (wasm3, default), the Node host or the emulated Cortex-M7 board (mcu: QEMU); bench control on a loopback port; a live status line whenever it changes.
//   node host/node/run.js [--host c|node|mcu] [--config FILE] [--csms URL] [--id ID] [--data DIR] [--bench PORT]
//                         [--password P] [--virtual-clock] [--csms-tls 2|3]
// --csms-tls 2|3: the demo CSMS listens for wss:// on loopback, with a throwaway PKI (openssl) kept in
// <data>/demo-pki so a restart reuses it; the station trusts its root and connects with security profile 2
// (TLS + Basic auth: the configured password, else DEMO_PASSWORD) or 3 (TLS + the PKI's client certificate).
// With the demo CSMS, the bench op {"op":"update","version":"..."} tries a firmware update: a signed image of
// build/firmware.wasm with that version, from a throwaway manufacturer CA in <data>/demo-firmware, served on
// loopback; the demo CSMS installs the CA's root if needed and sends UpdateFirmware (host/node/demo-firmware.js).
"use strict";
const path = require("node:path");
const { loadStationConfig, DEFAULT_FILE } = require("../config/load.js");
const { startStation } = require("./host.js");
const { startCStation } = require("./c-station.js");
const { startMcuStation } = require("./mcu-station.js");
const { startDemoCsms } = require("./demo-csms.js");
const { Bench } = require("../bench/bench.js");
const { serveBench } = require("../bench/server.js");
const { parseArgs } = require("./station.js");
const { demoPki } = require("./pki.js");
const { startDemoFirmware } = require("./demo-firmware.js");

// SecurityCtrlr.BasicAuthPassword for a security profile 2 demo when the configuration has none (16..40 characters).
const DEMO_PASSWORD = "demo-password-0123456";

const stamp = () => new Date().toISOString().slice(11, 23);
const fmt = (v, unit, digits = 1) => (v === null || v === undefined ? "–" : `${Number(v).toFixed(digits)} ${unit}`);

/** One human-readable line of the station's state. */
function statusLine(s) {
  if (!s || !s.evses) return "status: (not available)";
  const e = s.evses[0];
  const cons = e.connectors.map((c) => `#${c.id} ${c.type} ${c.status} CP ${c.cp}${c.contactor ? " contactor closed" : ""}`).join(" | ");
  const tx = e.transactionId ? `tx ${e.transactionId.slice(0, 8)} ${e.chargingState}${e.idToken ? ` (${e.idToken})` : ""}` : "no transaction";
  const power = `${fmt(e.powerW / 1000, "kW")} ${fmt(e.voltageV, "V")} ${fmt(e.currentA, "A")} ${fmt(e.energyWh / 1000, "kWh", 2)}${e.soc !== null ? ` SoC ${e.soc}%` : ""}`;
  const faults = [e.moduleFaults ? `module fault ${e.moduleFaults}` : "", e.meterFault ? "meter fault" : "", e.readerFault ? "reader fault" : ""].filter(Boolean).join(", ");
  return `CSMS ${s.csms}/${s.registration}${s.queuedEvents ? ` (${s.queuedEvents} queued)` : ""} · ${cons} · ${tx} · ${power}${faults ? ` · ${faults}` : ""}`;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const host = args.host || "c";
  if (!["node", "c", "mcu"].includes(host)) throw new Error(`--host ${host}: node, c or mcu`);
  const cfg = loadStationConfig(args.config || DEFAULT_FILE);
  const virtual = !!args["virtual-clock"];
  const tlsProfile = args["csms-tls"] === undefined || args["csms-tls"] === "" ? 0 : Number(args["csms-tls"]);
  if (![0, 2, 3].includes(tlsProfile)) throw new Error(`--csms-tls ${args["csms-tls"]}: 2 (TLS + Basic auth) or 3 (TLS + client certificate)`);
  if (tlsProfile && args.csms) throw new Error("--csms-tls is for the built-in demo CSMS: leave out --csms");
  const stationId = args.id || cfg.stationId;
  const dataDir = args.data || "build/data";
  let password = args.password || cfg.password;
  if (tlsProfile === 2 && !password) password = DEMO_PASSWORD;
  let demo = null;
  let pki = null;
  let csmsUrl = args.csms || "";
  if (!csmsUrl) {
    if (tlsProfile) pki = demoPki(path.join(dataDir, "demo-pki"), stationId);
    demo = await startDemoCsms({ port: Number(args["demo-port"] || 0), password: tlsProfile === 3 ? null : password || null,
      tls: pki ? { profile: tlsProfile, pki } : null, log: (l) => console.log(`${stamp()} ${l}`) });
    csmsUrl = demo.url;
    console.log(`${stamp()} demo CSMS on ${demo.url}/<stationId> (authorizes the demo card 04A1B2C3D4E5F6)` +
      (pki ? `, security profile ${tlsProfile}: ${tlsProfile === 2 ? "TLS + Basic auth" : "TLS + client certificate"}, PKI in ${pki.dir}` : ""));
  }
  // The images' file server listens before the station starts: the board reaches only the ports QEMU forwards.
  const firmware = demo ? await startDemoFirmware({ dir: path.join(dataDir, "demo-firmware") }) : null;
  const opts = {
    csmsUrl, stationId, dataDir,
    password, securityProfile: tlsProfile || (cfg.securityProfile === 0 && password ? 1 : cfg.securityProfile),
    caFile: pki ? pki.rootCert : cfg.caFile,
    clientCert: tlsProfile === 3 ? pki.clientCert : cfg.clientCert, clientKey: tlsProfile === 3 ? pki.clientKey : cfg.clientKey,
    sim: cfg.sim, hardware: cfg.hardware, config: cfg.configSet,
    onLog: (e) => console.log(`${stamp()} ${e.level.padEnd(5)} ${e.text}`),
  };
  const station = host === "node"
    ? await startStation({ ...opts, virtualClock: virtual, hardware: undefined })
    : host === "mcu" ? await startMcuStation({ ...opts, hardware: undefined, realClock: !virtual, forwardPorts: firmware ? [firmware.port] : [] })
    : await startCStation({ ...opts, realClock: !virtual });
  /** The bench op `update`: publish the signed image of `version`, then the demo CSMS's UpdateFirmware. */
  const updateFirmware = firmware && (async (version) => {
    const v = version || `demo-${new Date().toISOString().replace(/[-:]/g, "").slice(0, 15)}`;
    const image = firmware.publish(v);
    const id = firmware.nextRequestId();
    console.log(`${stamp()} update: image ${v} (${image.bytes} bytes) signed by the demo manufacturer CA in ${firmware.dir}, served at ${image.url}`);
    const r = await demo.updateFirmware(stationId, { rootPem: image.rootPem, location: image.url, signingCertificate: image.certificate,
      signature: image.signature, requestId: id });
    console.log(`${stamp()} update: UpdateFirmware requestId ${id} ${r.status}` + (r.status === "Accepted" || r.status === "AcceptedCanceled"
      ? `; watch FirmwareStatusNotification up to Installed, then BootNotification with firmwareVersion ${v}` : ""));
    return { version: v, requestId: id, location: image.url, status: r.status, ...(r.statusInfo ? { reasonCode: r.statusInfo.reasonCode } : {}) };
  });
  const bench = new Bench(station, { virtual, updateFirmware });
  const benchPort = Number(args.bench || 7777);
  const server = await serveBench(bench, { port: benchPort });
  console.log(`${stamp()} station ${opts.stationId} on the ${{ c: "C host (wasm3)", node: "Node host", mcu: "emulated Cortex-M7 board (QEMU mps2-an500)" }[host]}, ` +
    `${cfg.sim ? "simulated hardware" : "real hardware"}, ${virtual ? "virtual" : "real"} clock; bench control on 127.0.0.1:${server.port}`);
  console.log(`${stamp()} try: echo '{"op":"plug","evse":1,"connector":1}' | nc -q1 127.0.0.1 ${server.port}`);
  if (firmware) console.log(`${stamp()} firmware update: echo '{"op":"update","version":"2.0.0"}' | nc -q1 127.0.0.1 ${server.port}`);
  let last = "";
  const poll = setInterval(async () => {
    try {
      const line = statusLine(await station.status());
      if (line !== last) { last = line; console.log(`${stamp()} STATUS ${line}`); }
    } catch { /* the station is restarting (power cycle) */ }
  }, 1000);
  const stop = () => { clearInterval(poll); server.close(); station.stop(); if (demo) demo.close(); if (firmware) firmware.close(); process.exit(0); };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (require.main === module) main().catch((e) => { console.error(`run: ${e.message}`); process.exit(2); });
module.exports = { statusLine, DEMO_PASSWORD };
