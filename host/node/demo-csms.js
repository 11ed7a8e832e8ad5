#!/usr/bin/env node
// A small CSMS for trying the station by hand (`make run`): ocpp-rpc in strict mode (every message in both
// directions checked against the OCPP 2.0.1 schemas), protocol ocpp2.0.1, any station id, optional Basic auth.
// Logs every message in both directions, one line each.
//   node host/node/demo-csms.js [--port 9000] [--host 127.0.0.1] [--path /ocpp] [--password SECRET]
//                               [--tls 2|3 [--pki build/demo-pki] [--id CS001]]
// Stations connect to ws://<host>:<port><path>/<stationId> (wss://localhost:... with --tls).
// With `tls` (a PKI of host/node/pki.js, and the security profile 2 or 3) it listens for wss:// with the PKI's
// server certificate: on profile 2 with Basic auth, on profile 3 only for a client certificate signed by the
// PKI's root; there it also installs the root in each station's certificate store (unless there) and asks it once
// for a new certificate (TriggerMessage SignChargingStationCertificate, A02), signing its CSR with the root
// (CertificateSigned). updateFirmware sends a station a manufacturer root and UpdateFirmware (`make run`'s bench op
// `update`, host/node/demo-firmware.js).
"use strict";
const https = require("node:https");
const { X509Certificate } = require("node:crypto");
const { RPCServer } = require("ocpp-rpc");

const DEMO_CARD = "04A1B2C3D4E5F6";
const BOOT_INTERVAL_S = 300;

/** Human-readable form of an OCPP-J frame (Part 4 §4.1): CALL, CALLRESULT or CALLERROR. */
function describe(text) {
  let m;
  try { m = JSON.parse(text); } catch { return `unparsable frame ${JSON.stringify(String(text).slice(0, 200))}`; }
  if (!Array.isArray(m)) return `not an array: ${String(text).slice(0, 200)}`;
  if (m[0] === 2) return `CALL ${m[2]} #${m[1]} ${JSON.stringify(m[3])}`;
  if (m[0] === 3) return `CALLRESULT #${m[1]} ${JSON.stringify(m[2])}`;
  if (m[0] === 4) return `CALLERROR #${m[1]} ${m[2]} ${JSON.stringify(m[3])}`;
  return `frame type ${m[0]}: ${String(text).slice(0, 200)}`;
}

async function startDemoCsms({ port = 9000, host = "127.0.0.1", path = "/ocpp", password = null, tls = null, log = console.log } = {}) {
  const sp3 = !!tls && tls.profile === 3;
  const server = new RPCServer({ protocols: ["ocpp2.0.1"], strictMode: true });
  const prefix = path.replace(/\/+$/, "");
  const now = () => new Date().toISOString();
  server.auth((accept, reject, handshake) => {
    // The station's URL is <path>/<stationId>; ocpp-rpc takes the last segment as the identity.
    const endpoint = handshake.endpoint.replace(/\/+$/, "");
    if (endpoint !== prefix) return reject(404, `unknown path ${handshake.endpoint}`);
    if (sp3) {
      // node:https already refused a handshake without a certificate of the root (requestCert, rejectUnauthorized).
      const peer = handshake.request.socket.getPeerCertificate();
      log(`csms: ${handshake.identity} presented client certificate CN=${peer && peer.subject ? peer.subject.CN : "?"}`);
    } else if (password !== null && (!handshake.password || handshake.password.toString() !== password)) {
      log(`csms: ${handshake.identity} refused: wrong or missing Basic auth password`);
      return reject(401);
    }
    accept();
  });
  const received = [];   // { identity, method, params } of every station CALL, for scripts and tests
  const renewed = new Set();   // station ids asked for a new certificate (SP3: once per run)
  /** The station's certificate store gets the PKI's root (M05) unless it has it already (M03), so that the chain of
   *  CertificateSigned chains to an installed root; then TriggerMessage SignChargingStationCertificate (A02). */
  async function renewCertificate(client) {
    const root = tls.pki.read("root.pem").toString();
    const serial = (x) => String(x).toLowerCase().replace(/^0+(?=.)/, "");
    const rootSerial = serial(new X509Certificate(root).serialNumber);
    // Each step goes on when the one before failed: the station may still have what it needs.
    const step = (method, params) => client.call(method, params).catch((e) => { log(`csms: ${method} to ${client.identity} failed: ${e.message}`); return null; });
    const have = await step("GetInstalledCertificateIds", { certificateType: ["CSMSRootCertificate"] });
    const installed = !!have && (have.certificateHashDataChain || []).some((c) => serial(c.certificateHashData.serialNumber) === rootSerial);
    if (!installed) await step("InstallCertificate", { certificateType: "CSMSRootCertificate", certificate: root });
    await step("TriggerMessage", { requestedMessage: "SignChargingStationCertificate" });
  }
  const clients = new Map();   // station id → its connection (the last one)
  /** The station `identity` gets the manufacturer root `rootPem` (M05, unless it lists it: M03), then UpdateFirmware
   *  (L01) for the signed image at `location`; resolves with UpdateFirmwareResponse. The statuses follow as
   *  FirmwareStatusNotification. */
  async function updateFirmware(identity, { rootPem, location, signingCertificate, signature, requestId }) {
    const client = clients.get(identity);
    if (!client) throw new Error(`station ${identity} is not connected to the demo CSMS`);
    const serial = (x) => String(x).toLowerCase().replace(/^0+(?=.)/, "");
    const rootSerial = serial(new X509Certificate(rootPem).serialNumber);
    // A CALLERROR or a time-out names the request (ocpp-rpc's message alone is the error's description).
    const call = (method, params) => client.call(method, params).catch((e) => {
      throw new Error(`${method}: ${e.rpcErrorCode ? `CALLERROR ${e.rpcErrorCode} ${e.message}` : e.message}`);
    });
    const have = await call("GetInstalledCertificateIds", { certificateType: ["ManufacturerRootCertificate"] });
    if (!(have.certificateHashDataChain || []).some((c) => serial(c.certificateHashData.serialNumber) === rootSerial)) {
      const r = await call("InstallCertificate", { certificateType: "ManufacturerRootCertificate", certificate: rootPem });
      if (r.status !== "Accepted") throw new Error(`InstallCertificate ManufacturerRootCertificate: ${r.status}`);
    }
    // Retrieve at once: a second back, so a station clock a little behind the CSMS's does not schedule it.
    return call("UpdateFirmware", { requestId, firmware: { location, retrieveDateTime: new Date(Date.now() - 1000).toISOString(),
      signingCertificate, signature } });
  }
  server.on("client", (client) => {
    log(`csms: ${client.identity} connected (${client.protocol})`);
    clients.set(client.identity, client);
    client.on("close", ({ code, reason }) => {
      if (clients.get(client.identity) === client) clients.delete(client.identity);
      log(`csms: ${client.identity} disconnected (${code} ${reason || ""})`);
    });
    client.on("message", ({ message, outbound }) => log(`csms: ${outbound ? "→" : "←"} ${client.identity} ${describe(message)}`));
    const authorize = (idToken) => ({ status: idToken && idToken.idToken === DEMO_CARD ? "Accepted" : "Invalid" });
    const handlers = {
      BootNotification: () => {
        if (sp3 && !renewed.has(client.identity)) {
          renewed.add(client.identity);
          // After the boot's answer: A02 by request of the CSMS.
          setImmediate(() => renewCertificate(client).catch((e) => log(`csms: certificate renewal of ${client.identity}: ${e.message}`)));
        }
        return { status: "Accepted", currentTime: now(), interval: BOOT_INTERVAL_S };
      },
      Heartbeat: () => ({ currentTime: now() }),
      StatusNotification: () => ({}),
      Authorize: ({ params }) => ({ idTokenInfo: authorize(params.idToken) }),
      TransactionEvent: ({ params }) => (params.idToken ? { idTokenInfo: authorize(params.idToken) } : {}),
      MeterValues: () => ({}),
      NotifyReport: () => ({}),
      NotifyEvent: () => ({}),
      SecurityEventNotification: () => ({}),
      FirmwareStatusNotification: () => ({}),
      LogStatusNotification: () => ({}),
      SignCertificate: ({ params }) => {
        if (!sp3 || (params.certificateType && params.certificateType !== "ChargingStationCertificate")) return { status: "Rejected" };
        let chain;
        try { chain = tls.pki.signCsr(params.csr); } catch (e) {
          log(`csms: cannot sign the CSR of ${client.identity}: ${e.message}`);
          return { status: "Rejected" };
        }
        setImmediate(() => client.call("CertificateSigned", { certificateChain: chain, certificateType: "ChargingStationCertificate" })
          .catch((e) => log(`csms: CertificateSigned to ${client.identity} failed: ${e.message}`)));
        return { status: "Accepted" };
      },
    };
    for (const [method, fn] of Object.entries(handlers)) {
      client.handle(method, (call) => { received.push({ identity: client.identity, method, params: call.params }); return fn(call); });
    }
  });
  let http;
  if (tls) {
    http = https.createServer({ cert: tls.pki.read("server.pem"), key: tls.pki.read("server.key"), ca: tls.pki.read("root.pem"),
      requestCert: sp3, rejectUnauthorized: sp3, minVersion: "TLSv1.2" });
    http.on("upgrade", server.handleUpgrade);
    http.on("tlsClientError", (e) => log(`csms: TLS handshake failed: ${e.message}`));
    await new Promise((resolve, reject) => { http.once("error", reject); http.listen(port, host, resolve); });
  } else http = await server.listen(port, host);
  const actual = http.address().port;
  // The server certificate names localhost (and 127.0.0.1): TLS stations check the host name in the URL.
  const url = tls ? `wss://${host === "127.0.0.1" ? "localhost" : host}:${actual}${prefix}` : `ws://${host}:${actual}${prefix}`;
  return {
    server, port: actual, url, received, updateFirmware,
    close: () => { server.close({ force: true, awaitPending: false }); if (tls) { http.closeAllConnections(); http.close(); } },
  };
}

const USAGE = "usage: demo-csms.js [--port N] [--host ADDR] [--path /ocpp] [--password P] [--tls 2|3 [--pki DIR] [--id STATION]]";

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith("--") || i + 1 >= argv.length) throw new Error(USAGE);
    o[argv[i].slice(2)] = argv[i + 1];
  }
  const tls = o.tls === undefined ? 0 : Number(o.tls);
  if (![0, 2, 3].includes(tls)) throw new Error(`--tls ${o.tls}: 2 or 3; ${USAGE}`);
  return { port: Number(o.port || 9000), host: o.host || "127.0.0.1", path: o.path || "/ocpp", password: o.password ?? null,
    tls, pki: o.pki || "build/demo-pki", id: o.id || "CS001" };
}

if (require.main === module) {
  let opts;
  try { opts = parseArgs(process.argv.slice(2)); } catch (e) { console.error(e.message); process.exit(2); }
  const stamp = (line) => console.log(`${new Date().toISOString()} ${line}`);
  let tls = null;
  if (opts.tls) {
    // The PKI of host/node/pki.js in --pki (made once, reused); the station needs its root and, on 3, the client certificate.
    const pki = require("./pki.js").demoPki(opts.pki, opts.id);
    tls = { profile: opts.tls, pki };
    stamp(`PKI in ${pki.dir}: CSMS root ${pki.rootCert}${opts.tls === 3 ? `, client certificate ${pki.clientCert} and key ${pki.clientKey} for ${opts.id}` : ""}`);
  }
  startDemoCsms({ ...opts, password: opts.tls === 3 ? null : opts.password, tls, log: stamp })
    .then((c) => stamp(`demo CSMS on ${c.url}/<stationId>${opts.tls ? ` (security profile ${opts.tls})` : opts.password !== null ? " (Basic auth)" : ""}`),
      (e) => { console.error(`demo-csms: ${e.message}`); process.exit(2); });
}

module.exports = { startDemoCsms, DEMO_CARD, describe };
