#!/usr/bin/env node
// A small CSMS for trying the station by hand (`make run`): ocpp-rpc in strict mode (every message in both
// directions checked against the OCPP 2.0.1 schemas), protocol ocpp2.0.1, any station id, optional Basic auth.
// Logs every message in both directions, one line each.
//   node host/node/demo-csms.js [--port 9000] [--host 127.0.0.1] [--path /ocpp] [--password SECRET]
// Stations connect to ws://<host>:<port><path>/<stationId>.
"use strict";
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

async function startDemoCsms({ port = 9000, host = "127.0.0.1", path = "/ocpp", password = null, log = console.log } = {}) {
  const server = new RPCServer({ protocols: ["ocpp2.0.1"], strictMode: true });
  const prefix = path.replace(/\/+$/, "");
  const now = () => new Date().toISOString();
  server.auth((accept, reject, handshake) => {
    // The station's URL is <path>/<stationId>; ocpp-rpc takes the last segment as the identity.
    const endpoint = handshake.endpoint.replace(/\/+$/, "");
    if (endpoint !== prefix) return reject(404, `unknown path ${handshake.endpoint}`);
    if (password !== null && (!handshake.password || handshake.password.toString() !== password)) {
      log(`csms: ${handshake.identity} refused: wrong or missing Basic auth password`);
      return reject(401);
    }
    accept();
  });
  const received = [];   // { identity, method, params } of every station CALL, for scripts and tests
  server.on("client", (client) => {
    log(`csms: ${client.identity} connected (${client.protocol})`);
    client.on("close", ({ code, reason }) => log(`csms: ${client.identity} disconnected (${code} ${reason || ""})`));
    client.on("message", ({ message, outbound }) => log(`csms: ${outbound ? "→" : "←"} ${client.identity} ${describe(message)}`));
    const authorize = (idToken) => ({ status: idToken && idToken.idToken === DEMO_CARD ? "Accepted" : "Invalid" });
    const handlers = {
      BootNotification: () => ({ status: "Accepted", currentTime: now(), interval: BOOT_INTERVAL_S }),
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
    };
    for (const [method, fn] of Object.entries(handlers)) {
      client.handle(method, (call) => { received.push({ identity: client.identity, method, params: call.params }); return fn(call); });
    }
  });
  const http = await server.listen(port, host);
  const actual = http.address().port;
  return {
    server, port: actual, url: `ws://${host}:${actual}${prefix}`, received,
    close: () => server.close({ force: true, awaitPending: false }),
  };
}

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith("--") || i + 1 >= argv.length) throw new Error(`usage: demo-csms.js [--port N] [--host ADDR] [--path /ocpp] [--password P]`);
    o[argv[i].slice(2)] = argv[i + 1];
  }
  return { port: Number(o.port || 9000), host: o.host || "127.0.0.1", path: o.path || "/ocpp", password: o.password ?? null };
}

if (require.main === module) {
  let opts;
  try { opts = parseArgs(process.argv.slice(2)); } catch (e) { console.error(e.message); process.exit(2); }
  const stamp = (line) => console.log(`${new Date().toISOString()} ${line}`);
  startDemoCsms({ ...opts, log: stamp }).then((c) => stamp(`demo CSMS on ${c.url}/<stationId>${opts.password !== null ? " (Basic auth)" : ""}`),
    (e) => { console.error(`demo-csms: ${e.message}`); process.exit(2); });
}

module.exports = { startDemoCsms, DEMO_CARD, describe };
