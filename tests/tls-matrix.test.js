// The TLS negative matrix (issue 15 item 7) on the host chosen by STATION_HOST: a CSMS whose TLS is wrong in one way
// each (expired, not yet valid, wrong host name, by IP address a certificate naming it as no iPAddress, untrusted
// root, self-signed, TLS 1.0/1.1 only, a cipher suite the station does not offer, a handshake cut halfway, security
// profile 3 without a station certificate). In every
// case: no connection; the host's stream code in the image's log; the station keeps retrying with its back-off
// (RetryBackOff*: 10 s doubling twice, no random part, so the waits are 10, 20, 40, 40 s); nothing traps; and once
// the CSMS is right again the station connects and reports the failure's security event exactly once, however
// often it failed (a cut handshake is a network fault: no security event). Last, Basic credentials the CSMS
// refuses (HTTP 401) the same way.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { startCsms } = require("./helpers/csms.js");
const { startTestStation, HOST } = require("./helpers/station-host.js");
const { makePki } = require("./helpers/pki.js");
const { startTlsFront, extendPki } = require("./helpers/tls-front.js");
const { readLog } = require("./helpers/security-log.js");

const PASSWORD = "0123456789abcdef-secret";
const TLS_EVENTS = ["InvalidCsmsCertificate", "InvalidTLSVersion", "InvalidTLSCipherSuite", "FailedToAuthenticateAtCsms"];
/** The security events appendix marks these critical (sent); FailedToAuthenticateAtCsms is only logged. */
const CRITICAL = ["InvalidCsmsCertificate", "InvalidTLSVersion", "InvalidTLSCipherSuite"];
const BACKOFF = { "dm:OCPPCommCtrlr.RetryBackOffWaitMinimum": "10", "dm:OCPPCommCtrlr.RetryBackOffRandomRange": "0",
  "dm:OCPPCommCtrlr.RetryBackOffRepeatTimes": "2", "dm:AlignedDataCtrlr.Interval": "0" };

const pki = extendPki(makePki());
test.after(() => fs.rmSync(pki.dir, { recursive: true, force: true }));

/** The image's "connection ended (code), retry in N ms" lines: [{ code, retryMs }]. */
const endings = (st) => st.logs.map((l) => /ws: connection ended \((-?\d+)\), retry in (\d+) ms/.exec(l.text)).filter(Boolean)
  .map((m) => ({ code: Number(m[1]), retryMs: Number(m[2]) }));

async function realTime(pred, ms = 10_000) {
  const end = Date.now() + ms;
  while (!pred() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return pred();
}

/** Steps virtual time (1 s) until pred() or maxMs. */
async function stepUntil(st, pred, maxMs) {
  for (let waited = 0; !pred() && waited < maxMs; waited += 1000) {
    await st.advance(1000);
    await new Promise((r) => setTimeout(r, 5));
  }
  return pred();
}

/** Four failed attempts with the back-off between them; nothing reached the CSMS, nothing trapped. */
async function assertRefusedWithBackoff(st, csms, codes) {
  assert.ok(await realTime(() => endings(st).length >= 1), "the first attempt ends");
  assert.ok(await stepUntil(st, () => endings(st).length >= 4, 200_000), "the station keeps retrying");
  const seen = endings(st).slice(0, 4);
  for (const e of seen) assert.ok(codes.includes(e.code), `stream code ${e.code}, expected one of ${codes}`);
  assert.deepEqual(seen.map((e) => e.retryMs), [10_000, 20_000, 40_000, 40_000], "the back-off: 10 s doubling, at most twice");
  assert.equal(csms.count("BootNotification"), 0, "no connection");
  assert.equal(csms.connections.length, 0, "no WebSocket reached the CSMS");
  assert.ok(!st.logs.some((l) => /trap/.test(l.text)), "nothing trapped");
}

/** Recovery: the station connects and reports `event` once (or no TLS event at all when event is null). */
async function assertEventAfterRecovery(st, csms, event) {
  assert.ok(await stepUntil(st, () => csms.count("BootNotification") >= 1, 120_000), "the station connects once the CSMS is right");
  await stepUntil(st, () => false, 5000);
  const types = csms.received.filter((r) => r.method === "SecurityEventNotification").map((r) => r.params.type);
  const tls = types.filter((x) => TLS_EVENTS.includes(x));
  const sent = event && CRITICAL.includes(event) ? [event] : [];
  assert.deepEqual(tls, sent, `security events sent after recovery: ${types}`);
  const logged = readLog(st).entries.map((e) => e.type).filter((x) => TLS_EVENTS.includes(x));
  assert.deepEqual(logged, event ? [event] : [], "the security log holds the event once");
  assert.ok(!st.logs.some((l) => /trap/.test(l.text)), "nothing trapped");
}

async function setup(t, { as, sp = 2, station = {}, urlHost }) {
  const csms = await startCsms();
  const front = await startTlsFront(t, pki, { as, requestCert: sp === 3 });
  front.connectTo(Number(new URL(csms.url).port));
  const credentials = sp === 3 ? { clientCert: pki.file("station.pem"), clientKey: pki.file("station.key") } : { password: PASSWORD };
  const options = { csmsUrl: front.url("/ocpp", urlHost), stationId: "CS001", sim: true, securityProfile: sp, caFile: pki.file("root.pem"),
    config: BACKOFF, ...credentials, ...station };
  const st = await startTestStation(options);
  t.after(() => { st.stop(); csms.close(); });
  return { csms, front, st, options };
}

const MATRIX = [
  { name: "an expired server certificate", as: "expired", codes: [-12], event: "InvalidCsmsCertificate" },
  { name: "a server certificate not yet valid", as: "notyet", codes: [-12], event: "InvalidCsmsCertificate" },
  { name: "a server certificate for another host name", as: "wronghost", codes: [-13], event: "InvalidCsmsCertificate" },
  { name: "a server certificate from an untrusted root", as: "foreign", codes: [-11], event: "InvalidCsmsCertificate" },
  { name: "a self-signed server certificate", as: "selfsigned", codes: [-11], event: "InvalidCsmsCertificate" },
  { name: "a server with TLS 1.0/1.1 only", as: "tls11", codes: [-14], event: "InvalidTLSVersion" },
  { name: "a server with a cipher suite the station does not offer", as: "chacha", codes: [-16], event: "InvalidTLSCipherSuite" },
  { name: "a handshake cut halfway", as: "cut", codes: [-4, -10], event: null },
  // By IP address: "ipname" names 127.0.0.1 as a dNSName and the CN only, never a match for an address; the good
  // certificate ("server") names it as iPAddress. (The board connects to another address: node and C hosts only.)
  { name: "by IP address, a server certificate naming it only as dNSName and CN", as: "ipname", codes: [-13], event: "InvalidCsmsCertificate",
    urlHost: "127.0.0.1", skip: HOST === "mcu" },
];

for (const c of MATRIX) {
  test(`[${HOST}] TLS refused: ${c.name} (${c.codes.join("/")}, ${c.event || "no security event"})`, { skip: c.skip }, async (t) => {
    const { csms, front, st } = await setup(t, { as: c.as, urlHost: c.urlHost });
    await assertRefusedWithBackoff(st, csms, c.codes);
    assert.ok(front.failures() >= 4, "every attempt reached the server and failed there");
    front.use("server");
    await assertEventAfterRecovery(st, csms, c.event);
  });
}

test(`[${HOST}] TLS refused: security profile 3 without a station certificate (-15, FailedToAuthenticateAtCsms)`, async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sp3-nocert-"));
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const { csms, front, st, options } = await setup(t, { as: "server", sp: 3, station: { dataDir, clientCert: undefined, clientKey: undefined } });
  await assertRefusedWithBackoff(st, csms, [-15]);
  assert.equal(front.handshakes.length, 0, "the host does not even try a handshake it cannot authenticate");
  // Recovery: the station certificate is provisioned (same data directory, the host now has it).
  st.stop();
  const again = await startTestStation({ ...options, dataDir, clientCert: pki.file("station.pem"), clientKey: pki.file("station.key") });
  t.after(() => again.stop());
  await assertEventAfterRecovery(again, csms, "FailedToAuthenticateAtCsms");
  assert.equal(front.completed()[0].client.cn, "CS001", "profile 3 presents the station certificate");
});

test(`[${HOST}] Basic credentials refused (HTTP 401, FailedToAuthenticateAtCsms)`, async (t) => {
  const csms = await startCsms();
  csms.admit(401);
  const st = await startTestStation({ csmsUrl: csms.url, stationId: "CS001", sim: true, securityProfile: 1, password: PASSWORD, config: BACKOFF });
  t.after(() => { st.stop(); csms.close(); });
  assert.ok(await realTime(() => endings(st).length >= 1), "the first attempt ends");
  assert.ok(await stepUntil(st, () => endings(st).length >= 3, 200_000), "the station keeps retrying");
  assert.deepEqual(endings(st).slice(0, 3).map((e) => [e.code, e.retryMs]), [[401, 10_000], [401, 20_000], [401, 40_000]]);
  assert.ok(csms.attempts.length >= 3 && csms.attempts.every((a) => a.password === PASSWORD), "each attempt with the password");
  csms.admit(true);
  await assertEventAfterRecovery(st, csms, "FailedToAuthenticateAtCsms");
});
