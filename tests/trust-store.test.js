// The Linux hosts' trust rule (docs/security.md): TLS trusts exactly the CSMSRootCertificates in the certificate
// store; --ca and --client-cert/--client-key only provision an empty store at start. The same session on the Node
// host and on the C host: the provisioned root is listed, another root is installed, the provisioned one deleted
// (no longer the last), and from then on a CSMS whose certificate the deleted root signed is refused, also after
// a restart with the same --ca (the store has a root, so nothing is imported again), while one the new root signed
// is trusted.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { startCsms } = require("./helpers/csms.js");
const { startCStation } = require("./helpers/station-host.js");
const { startStation } = require("../host/node/host.js");
const { makePki } = require("./helpers/pki.js");
const { startTlsFront, extendPki } = require("./helpers/tls-front.js");
const { hashData } = require("./helpers/cert-hash.js");

const C_STATION = path.join(__dirname, "..", "build", "c-host", "station");
const PASSWORD = "0123456789abcdef-trust";

const hashesOf = (resp) => (resp.certificateHashDataChain || []).map((e) => JSON.stringify(e.certificateHashData));

/** Virtual time in steps until pred() holds (the station's back-off runs on the virtual clock). */
async function stepUntil(st, pred, what, maxMs = 300_000) {
  for (let waited = 0; !pred() && waited < maxMs; waited += 2000) await st.advance(2000);
  assert.ok(pred(), what);
}

async function trustSession(t, start, pki, host) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `trust-${host}-`));
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const csms = await startCsms({ interval: 300 });
  t.after(() => csms.close());
  const front = await startTlsFront(t, pki, { as: "server" });   // server.pem: signed by root.pem
  front.connectTo(Number(new URL(csms.url).port));
  const options = { csmsUrl: front.url(), stationId: "TRUST1", virtualClock: true, securityProfile: 2, password: PASSWORD,
    caFile: pki.file("root.pem"), dataDir,
    config: { "dm:OCPPCommCtrlr.RetryBackOffRandomRange": "0", "dm:OCPPCommCtrlr.RetryBackOffWaitMinimum": "10" } };
  let st = await start(options);
  try {
    await csms.waitFor("BootNotification", 1, 10_000);
    await st.advance(3000);
    const root = JSON.stringify(hashData(pki.file("root.pem")));
    const other = JSON.stringify(hashData(pki.file("other-root.pem")));
    const first = await csms.client().call("GetInstalledCertificateIds", { certificateType: ["CSMSRootCertificate"] });
    assert.deepEqual(hashesOf(first), [root], `${host}: the --ca root is in the store and listed`);
    const installed = await csms.client().call("InstallCertificate", { certificateType: "CSMSRootCertificate",
      certificate: pki.read("other-root.pem").toString() });
    assert.equal(installed.status, "Accepted", `${host}: another CSMS root installed`);
    const deleted = await csms.client().call("DeleteCertificate", { certificateHashData: JSON.parse(root) });
    assert.equal(deleted.status, "Accepted", `${host}: the provisioned root can be deleted: it is no longer the last`);
    const after = await csms.client().call("GetInstalledCertificateIds", { certificateType: ["CSMSRootCertificate"] });
    assert.deepEqual(hashesOf(after), [other], `${host}: only the installed root is left`);

    // The connection drops; the front still serves the certificate the deleted root signed: refused.
    const failures = front.failures(), connections = csms.connections.length;
    await csms.client().close({ code: 1001, force: true });
    await stepUntil(st, () => front.failures() >= failures + 2, `${host}: the server signed by the deleted root is refused (twice)`);
    assert.equal(csms.connections.length, connections, `${host}: no connection through an untrusted server`);

    // A restart with the same --ca: the store holds a CSMS root, so the file is not imported again.
    st.stop();
    st = await start(options);
    const restarted = front.failures();
    await stepUntil(st, () => front.failures() > restarted, `${host}: after a restart the deleted root is still not trusted`);
    assert.equal(csms.connections.length, connections, `${host}: still no connection`);

    // A server the installed root signed is trusted.
    front.use("foreign");
    await stepUntil(st, () => csms.connections.length > connections, `${host}: the server signed by the installed root is trusted`);
    await st.advance(3000);
    const last = await csms.client().call("GetInstalledCertificateIds", { certificateType: ["CSMSRootCertificate"] });
    assert.deepEqual(hashesOf(last), [other], `${host}: the restart did not bring the --ca root back`);
  } finally {
    st.stop();
  }
}

test("trust store: both Linux hosts list the provisioned root and trust exactly the store's CSMS roots", async (t) => {
  if (!fs.existsSync(C_STATION)) assert.fail(`${C_STATION} missing: make test builds it (make c-host)`);
  const pki = extendPki(makePki());
  t.after(() => fs.rmSync(pki.dir, { recursive: true, force: true }));
  await trustSession(t, startStation, pki, "node");
  await trustSession(t, startCStation, pki, "c");
});

/** The store's files of `kind` (and the provisioned key) in a data directory. */
const storeFiles = (dataDir, re) => fs.readdirSync(path.join(dataDir, "certs")).filter((f) => re.test(f));

async function provisioningSession(t, start, pki, host) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `provision-${host}-`));
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const csms = await startCsms({ interval: 300 });
  t.after(() => csms.close());
  // One --ca file with two roots and a certificate that is no CA (left out); a client certificate with a key that
  // is not its pair (left out).
  const bundle = path.join(dataDir, "bundle.pem");
  fs.writeFileSync(bundle, Buffer.concat([pki.read("root.pem"), pki.read("server.pem"), pki.read("other-root.pem")]));
  const options = { csmsUrl: csms.url, stationId: "TRUST2", virtualClock: true, dataDir, caFile: bundle,
    clientCert: pki.file("station.pem"), clientKey: pki.file("root.key") };
  let st = await start(options);
  try {
    await csms.waitFor("BootNotification", 1, 10_000);
    await st.advance(3000);
    const listed = await csms.client().call("GetInstalledCertificateIds", { certificateType: ["CSMSRootCertificate"] });
    assert.deepEqual(hashesOf(listed).sort(), [JSON.stringify(hashData(pki.file("root.pem"))),
      JSON.stringify(hashData(pki.file("other-root.pem")))].sort(), `${host}: both roots of the --ca file, not the leaf`);
    assert.ok(st.logs.some((l) => l.level === "warn" && /not a valid CA root/.test(l.text)), `${host}: the leaf is reported`);
    assert.ok(st.logs.some((l) => l.level === "warn" && /station certificate .* not installed \(-5/.test(l.text)),
      `${host}: the mismatched key is reported`);
    assert.deepEqual(storeFiles(dataDir, /^4-|^pending-key-/), [], `${host}: no station certificate without its key`);
    // The right key at the next start: the station certificate and its key enter the store.
    st.stop();
    st = await start({ ...options, clientKey: pki.file("station.key") });
    await st.advance(1000);
    assert.equal(storeFiles(dataDir, /^4-.*\.pem$/).length, 1, `${host}: the station certificate is stored`);
    assert.deepEqual(storeFiles(dataDir, /^pending-key-/), ["pending-key-1000.pem"], `${host}: its key, in the provisioning slot`);
    assert.ok(!st.logs.some((l) => /CSMS root from/.test(l.text)), `${host}: the store had roots: the --ca file was not read again`);
    assert.ok(st.logs.some((l) => /station certificate from .* installed/.test(l.text)), `${host}: the import is logged`);
  } finally {
    st.stop();
  }
}

test("trust store: provisioning takes the --ca file's CA certificates and only a matching --client-cert/--client-key pair", async (t) => {
  if (!fs.existsSync(C_STATION)) assert.fail(`${C_STATION} missing: make test builds it (make c-host)`);
  const pki = makePki();
  t.after(() => fs.rmSync(pki.dir, { recursive: true, force: true }));
  await provisioningSession(t, startStation, pki, "node");
  await provisioningSession(t, startCStation, pki, "c");
});
