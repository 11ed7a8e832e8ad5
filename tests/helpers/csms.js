// The CSMS side of scenario tests: an ocpp-rpc server in strict mode (every message in both directions is
// validated against the official schemas) on an ephemeral loopback port, recording what the station sends.
// With `tls` (node:https server options: cert, key, ca, requestCert) it listens for wss:// as tests/tls.test.js's
// CSMS does, and records the client certificate each upgrade presented.
"use strict";
const https = require("node:https");
const { RPCServer } = require("ocpp-rpc");

async function startCsms({ handlers = {}, bootStatus = "Accepted", interval = 300, tls = null } = {}) {
  const server = new RPCServer({ protocols: ["ocpp2.0.1"], strictMode: true });
  const received = [];     // { method, params, at }
  const rawIn = [];        // raw frames the station sent (for CALLERROR checks)
  const waiters = [];
  const clients = [];
  const connections = [];
  const attempts = [];     // { endpoint, identity, accepted, at, password }: every WebSocket upgrade, refused ones too
  let admit = () => true;  // (handshake) => bool: false refuses the upgrade (HTTP 503), as a CSMS that is down; a number: that status
  let current = null;
  const defaults = {
    BootNotification: () => ({ status: bootStatus, currentTime: new Date().toISOString(), interval }),
    Heartbeat: () => ({ currentTime: new Date().toISOString() }),
    StatusNotification: () => ({}),
    // What a Core CSMS answers by default; scenario tests override where the answer matters.
    Authorize: () => ({ idTokenInfo: { status: "Accepted" } }),
    TransactionEvent: (p) => (p.idToken ? { idTokenInfo: { status: "Accepted" } } : {}),
    MeterValues: () => ({}),
    NotifyReport: () => ({}),
    NotifyEvent: () => ({}),
    LogStatusNotification: () => ({}),
    FirmwareStatusNotification: () => ({}),
    SecurityEventNotification: () => ({}),
  };
  const table = { ...defaults, ...handlers };
  const notify = () => { for (const w of [...waiters]) w(); };

  server.auth((accept, reject, handshake) => {
    const verdict = admit(handshake);
    const ok = typeof verdict === "number" ? false : !!verdict;
    const socket = handshake.request.socket;
    const peer = socket.getPeerCertificate ? socket.getPeerCertificate() : null;
    attempts.push({ endpoint: handshake.endpoint, identity: handshake.identity, accepted: ok, at: Date.now(),
      password: handshake.password ? handshake.password.toString() : null,
      clientCert: peer && peer.raw ? { subject: peer.subject, fingerprint256: peer.fingerprint256, serialNumber: peer.serialNumber } : null });
    notify();
    if (ok) accept(); else if (typeof verdict === "number") reject(verdict); else reject(503, "Service Unavailable");
  });

  server.on("client", (client) => {
    current = client;
    clients.push(client);
    connections.push({ identity: client.identity, protocol: client.protocol, endpoint: client.handshake && client.handshake.endpoint, at: Date.now() });
    client.on("message", ({ message, outbound }) => { if (!outbound) { rawIn.push(String(message)); notify(); } });
    client.on("close", () => { if (current === client) current = null; notify(); });
    client.handle(({ method, params }) => {
      received.push({ method, params, at: Date.now() });
      notify();
      const h = table[method];
      if (!h) { const e = new Error("no handler"); e.rpcErrorCode = "NotImplemented"; throw e; }
      return h(params);
    });
    notify();
  });
  let http;
  if (tls) {
    http = https.createServer({ rejectUnauthorized: !!tls.requestCert, ...tls });
    http.on("upgrade", server.handleUpgrade);
    http.on("tlsClientError", () => {});
    await new Promise((r) => http.listen(0, "127.0.0.1", r));
  } else http = await server.listen(0, "127.0.0.1");
  const port = http.address().port;

  async function waitUntil(pred, what, timeoutMs = 5000) {
    if (pred()) return pred();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { waiters.splice(waiters.indexOf(check), 1); reject(new Error(`timed out waiting for ${what}`)); }, timeoutMs);
      const check = () => { const v = pred(); if (v) { clearTimeout(timer); waiters.splice(waiters.indexOf(check), 1); resolve(v); } };
      waiters.push(check);
    });
  }

  return {
    url: tls ? `wss://localhost:${port}/ocpp` : `ws://127.0.0.1:${port}/ocpp`,
    received, rawIn, connections, attempts,
    count: (method) => received.filter((r) => r.method === method).length,
    client: () => current,
    waitFor: (method, n = 1, timeoutMs) => waitUntil(() => received.filter((r) => r.method === method).length >= n && received.filter((r) => r.method === method)[n - 1], `${method} #${n}`, timeoutMs),
    waitConnected: (n = 1, timeoutMs) => waitUntil(() => connections.length >= n && current, `connection #${n}`, timeoutMs),
    waitRaw: (pred, what, timeoutMs) => waitUntil(() => rawIn.find(pred), what, timeoutMs),
    /** After virtual time moved, lets the CSMS catch up in real time: nothing new for three 10 ms polls. */
    quiet: async () => {
      for (let same = 0, n = -1; same < 3;) {
        const m = rawIn.length + received.length;
        same = m === n ? same + 1 : 0;
        n = m;
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    setHandler: (method, fn) => { table[method] = fn; },
    /** Which upgrades to accept from now on: true, false or (handshake) => bool. */
    admit: (rule) => { admit = typeof rule === "function" ? rule : () => rule; },
    waitAttempts: (n, timeoutMs) => waitUntil(() => attempts.length >= n && attempts[n - 1], `connection attempt #${n}`, timeoutMs),
    close: () => { server.close({ force: true, awaitPending: false }); if (tls) { http.closeAllConnections(); http.close(); } },
  };
}

module.exports = { startCsms };
