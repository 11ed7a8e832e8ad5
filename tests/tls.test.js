// TLS on every host (node, c, and the emulated board where make mcu built build/mcu/station.elf) against a local
// TLS CSMS (https + ocpp-rpc) with a PKI made by the test: security profile 2 (server authentication + Basic auth)
// and 3 (client certificate) connect; an untrusted, expired or wrong-host server certificate, a TLS 1.1-only
// server, a server without any of the station's cipher suites and profile 3 without a station certificate are
// refused, and the image is told why (stream status code). By IP address (IPv4, and IPv6 but on the board) only a
// certificate's iPAddress entries name the server. The whole negative matrix with its security events is
// tests/tls-matrix.test.js.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const https = require("node:https");
const path = require("node:path");
const { RPCServer } = require("ocpp-rpc");
const { makePki } = require("./helpers/pki.js");
const { startCStation } = require("./helpers/station-host.js");
const { startStation } = require("../host/node/host.js");
const { startMcuStation } = require("../host/node/mcu-station.js");

const pki = makePki();
test.after(() => fs.rmSync(pki.dir, { recursive: true, force: true }));
const PASSWORD = "0123456789abcdef-secret";
const C_STATION = path.join(__dirname, "..", "build", "c-host", "station");
const MCU_ELF = path.join(__dirname, "..", "build", "mcu", "station.elf");
// The emulated board (mbedTLS over lwIP) where make mcu built it.
const HOSTS = { node: (o) => startStation({ virtualClock: true, ...o }), c: (o) => startCStation(o),
  ...(fs.existsSync(MCU_ELF) ? { mcu: (o) => startMcuStation(o) } : {}) };

async function tlsCsms({ cert = "server", requestCert = false, maxVersion, ciphers, listen = "127.0.0.1" } = {}) {
  const rpc = new RPCServer({ protocols: ["ocpp2.0.1"], strictMode: true });
  const seen = { boots: 0, passwords: [], clientCerts: [] };
  rpc.auth((accept, reject, handshake) => {
    seen.passwords.push(handshake.password ? handshake.password.toString() : null);
    const peer = handshake.request.socket.getPeerCertificate ? handshake.request.socket.getPeerCertificate() : null;
    if (peer && peer.subject) seen.clientCerts.push(peer.subject.CN);
    accept();
  });
  rpc.on("client", (client) => client.handle("BootNotification", () => {
    seen.boots++;
    return { status: "Accepted", currentTime: new Date().toISOString(), interval: 300 };
  }));
  const server = https.createServer({
    cert: pki.read(`${cert}.pem`), key: pki.read(`${cert}.key`), ca: pki.read("root.pem"),
    requestCert, rejectUnauthorized: requestCert, ...(maxVersion ? { maxVersion, minVersion: "TLSv1", ciphers: "DEFAULT@SECLEVEL=0" } : {}),
    ...(ciphers ? { maxVersion: "TLSv1.2", ciphers } : {}),
  });
  server.on("upgrade", rpc.handleUpgrade);
  server.on("tlsClientError", () => {});
  await new Promise((r) => server.listen(0, listen, r));
  return { seen, port: server.address().port, close: () => { rpc.close({ force: true }); server.close(); } };
}

async function waitFor(pred, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (pred()) return true; await new Promise((r) => setTimeout(r, 20)); }
  return false;
}

for (const [hostName, start] of Object.entries(HOSTS)) {
  // The emulated board does the handshake's public-key work in QEMU (TCG): seconds on a loaded machine.
  const limit = hostName === "mcu" ? 60_000 : 5000;
  const station = async (t, csms, extra) => {
    if (hostName === "c" && !fs.existsSync(C_STATION)) assert.fail(`${C_STATION} missing: run make c-host`);
    const st = await start({ csmsUrl: `wss://localhost:${csms.port}/ocpp`, stationId: "CS001", caFile: pki.file("root.pem"), ...extra });
    t.after(() => { st.stop(); csms.close(); });
    return st;
  };
  const refusedWith = async (st, codes) => {
    assert.ok(await waitFor(() => st.logs.some((l) => /connection ended \(-1\d\)/.test(l.text)), limit), "the image logs why");
    const line = st.logs.find((l) => /connection ended \(-1\d\)/.test(l.text)).text;
    const code = Number(/\((-\d+)\)/.exec(line)[1]);
    assert.ok(codes.includes(code), `${line} (expected ${codes})`);
  };

  test(`[${hostName}] security profile 2: TLS with the CSMS root, Basic auth as station id + password`, async (t) => {
    const csms = await tlsCsms();
    await station(t, csms, { securityProfile: 2, password: PASSWORD });
    assert.ok(await waitFor(() => csms.seen.boots === 1, limit), "BootNotification over TLS");
    assert.deepEqual(csms.seen.passwords, [PASSWORD]);
  });

  test(`[${hostName}] security profile 3: the server sees the station's client certificate`, async (t) => {
    const csms = await tlsCsms({ requestCert: true });
    await station(t, csms, { securityProfile: 3, clientCert: pki.file("station.pem"), clientKey: pki.file("station.key") });
    assert.ok(await waitFor(() => csms.seen.boots === 1, limit), "BootNotification over mutual TLS");
    assert.deepEqual(csms.seen.clientCerts, ["CS001"]);
    assert.deepEqual(csms.seen.passwords, [null], "no Basic auth in profile 3");
  });

  test(`[${hostName}] an untrusted server certificate is refused (-11)`, async (t) => {
    const csms = await tlsCsms();
    const st = await station(t, csms, { securityProfile: 2, password: PASSWORD, caFile: pki.file("other-root.pem") });
    await refusedWith(st, [-11]);
    assert.equal(csms.seen.boots, 0);
  });

  test(`[${hostName}] an expired server certificate is refused (-12)`, async (t) => {
    const csms = await tlsCsms({ cert: "expired" });
    const st = await station(t, csms, { securityProfile: 2, password: PASSWORD });
    await refusedWith(st, [-12]);
    assert.equal(csms.seen.boots, 0);
  });

  test(`[${hostName}] a certificate for another host name is refused (-13)`, async (t) => {
    const csms = await tlsCsms({ cert: "wronghost" });
    const st = await station(t, csms, { securityProfile: 2, password: PASSWORD });
    await refusedWith(st, [-13]);
    assert.equal(csms.seen.boots, 0);
  });

  // By IP address: the address is matched against the certificate's iPAddress entries only, exactly (the board
  // connects to 10.0.2.100, which "byip" names too and "ipname" only as a dNSName: mcu-station.js rewrites the URL).
  test(`[${hostName}] by IP address: a certificate naming it as iPAddress is accepted`, async (t) => {
    const csms = await tlsCsms({ cert: "byip" });
    await station(t, csms, { securityProfile: 2, password: PASSWORD, csmsUrl: `wss://127.0.0.1:${csms.port}/ocpp` });
    assert.ok(await waitFor(() => csms.seen.boots === 1, limit), "BootNotification over TLS by IP address");
  });

  test(`[${hostName}] by IP address: a certificate naming it only as dNSName and CN is refused (-13)`, async (t) => {
    const csms = await tlsCsms({ cert: "ipname" });
    const st = await station(t, csms, { securityProfile: 2, password: PASSWORD, csmsUrl: `wss://127.0.0.1:${csms.port}/ocpp` });
    await refusedWith(st, [-13]);
    assert.equal(csms.seen.boots, 0);
  });

  // The board's network is IPv4 only.
  if (hostName !== "mcu") {
    test(`[${hostName}] by IPv6 address: [::1] named as iPAddress is accepted, an IPv6 address not named is refused (-13)`, async (t) => {
      const good = await tlsCsms({ cert: "byip", listen: "::1" });
      await station(t, good, { securityProfile: 2, password: PASSWORD, csmsUrl: `wss://[::1]:${good.port}/ocpp` });
      assert.ok(await waitFor(() => good.seen.boots === 1, limit), "BootNotification over TLS by IPv6 address");
      const bad = await tlsCsms({ cert: "ipname", listen: "::1" });
      const st = await station(t, bad, { securityProfile: 2, password: PASSWORD, csmsUrl: `wss://[::1]:${bad.port}/ocpp` });
      await refusedWith(st, [-13]);
      assert.equal(bad.seen.boots, 0);
    });
  }

  test(`[${hostName}] a server that offers only TLS 1.1 is refused`, async (t) => {
    const csms = await tlsCsms({ maxVersion: "TLSv1.1" });
    const st = await station(t, csms, { securityProfile: 2, password: PASSWORD });
    await refusedWith(st, [-14, -10]);
    assert.equal(csms.seen.boots, 0);
  });

  test(`[${hostName}] a server without any of the station's cipher suites is refused (-16)`, async (t) => {
    const csms = await tlsCsms({ ciphers: "ECDHE-ECDSA-CHACHA20-POLY1305" });
    const st = await station(t, csms, { securityProfile: 2, password: PASSWORD });
    await refusedWith(st, [-16]);
    assert.equal(csms.seen.boots, 0);
  });

  test(`[${hostName}] security profile 3 without a station certificate is refused (-15)`, async (t) => {
    const csms = await tlsCsms({ requestCert: true });
    const st = await station(t, csms, { securityProfile: 3 });
    await refusedWith(st, [-15]);
    assert.equal(csms.seen.boots, 0);
  });

  // The board's trust store (host/c/mcu/certs.c): the --ca file is provisioning, installed into the store at
  // start when it holds no CSMS root, and the store's roots are what TLS trusts from then on. (The Linux hosts
  // get the same rule from their own trust-store work; this one runs on the board only.)
  if (hostName === "mcu") {
    test("[mcu] the --ca root joins the store at the first start; later starts trust the store, not the --ca file", async (t) => {
      const dataDir = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "mcu-trust-"));
      t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
      const first = await tlsCsms();
      const st = await station(t, first, { securityProfile: 2, password: PASSWORD, dataDir });
      assert.ok(await waitFor(() => first.seen.boots === 1, limit), "first start: BootNotification over TLS");
      assert.ok(st.logs.some((l) => /--ca roots installed as CSMS roots/.test(l.text)), "first start: the --ca root installed in the store");
      st.stop();
      await new Promise((r) => setTimeout(r, 500));
      // The same flash, now with an unrelated root as --ca: the store's root (root.pem) still decides.
      const second = await tlsCsms();
      const again = await station(t, second, { securityProfile: 2, password: PASSWORD, dataDir, caFile: pki.file("other-root.pem") });
      assert.ok(await waitFor(() => second.seen.boots === 1, limit), "second start: trusted through the store's root");
      assert.ok(!again.logs.some((l) => /--ca roots installed/.test(l.text)), "second start: the store has a CSMS root, --ca is not installed");
    });
  }
}
