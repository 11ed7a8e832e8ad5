// Host parity: the same scripted session on the Node host and on the C host (wasm3) must put the same
// frames on the wire, apart from message ids and timestamps.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { startCsms } = require("./helpers/csms.js");
const { startCStation } = require("./helpers/station-host.js");
const { startStation } = require("../host/node/host.js");
const { makePki } = require("./helpers/pki.js");
const { makeRoot } = require("./helpers/cert-hash.js");

const C_STATION = path.join(__dirname, "..", "build", "c-host", "station");

function normalize(frame) {
  const msg = JSON.parse(frame);
  msg[1] = "<id>";   // station ids are random per boot, CSMS ids are UUIDs
  return JSON.stringify(msg).replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>");
}

async function session(start, pki) {
  const csms = await startCsms({ interval: 120 });
  const st = await start({ csmsUrl: csms.url, stationId: "PARITY1", virtualClock: true });
  try {
    await csms.waitFor("BootNotification");
    await st.settle();
    await csms.client().call("GetVariables", { getVariableData: [
      { component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } },
      { component: { name: "Nope" }, variable: { name: "X" } }] });
    // Certificate management: the same hash data from node:crypto/@peculiar/x509 and from mbedTLS.
    for (const f of ["root.pem", "other-root.pem", "expired-root.pem"]) {
      await csms.client().call("InstallCertificate", { certificateType: "CSMSRootCertificate", certificate: pki.read(f).toString() });
    }
    const listed = await csms.client().call("GetInstalledCertificateIds", {});
    await csms.client().call("DeleteCertificate", { certificateHashData: listed.certificateHashDataChain[0].certificateHashData });
    await csms.client().call("GetInstalledCertificateIds", { certificateType: ["CSMSRootCertificate"] });
    for (const raw of ['[2,"p1","FooBar",{}]', '[2,"p2","GetVariables",{}]', '[2,"p3","Reset",{"type":"Immediate"}]', '[5,"p4",{}]']) {
      const before = csms.rawIn.length;
      csms.client().sendRaw(raw);
      await csms.waitRaw((m, i) => i >= before, `answer to ${raw}`);
    }
    await st.advance(120_000);
    await csms.waitFor("Heartbeat", 1);
    await st.advance(120_000);
    await csms.waitFor("Heartbeat", 2);
    await st.settle();
    return csms.rawIn.map(normalize);
  } finally {
    st.stop();
    csms.close();
  }
}

test("parity: Node host and C host (wasm3) send identical frames for a scripted session", async (t) => {
  if (!fs.existsSync(C_STATION)) assert.fail(`${C_STATION} missing: make test builds it (make c-host)`);
  const pki = makePki();
  t.after(() => fs.rmSync(pki.dir, { recursive: true, force: true }));
  makeRoot(pki, "expired-root", "Expired Root", { expired: true });
  const node = await session(startStation, pki);
  const c = await session(startCStation, pki);
  assert.ok(node.length >= 8, `session produced ${node.length} frames`);
  assert.deepStrictEqual(c, node);
});

// The same over TLS (security profile 2, through the TLS front of tests/helpers/tls-front.js): the first handshake
// meets an expired server certificate, so both hosts also report the failure the same way (the back-off, then
// SecurityEventNotification InvalidCsmsCertificate after the boot).
const { startTlsFront } = require("./helpers/tls-front.js");

async function tlsSession(t, start, pki) {
  const csms = await startCsms({ interval: 120 });
  const front = await startTlsFront(t, pki, { as: "expired" });
  front.connectTo(Number(new URL(csms.url).port));
  const st = await start({ csmsUrl: front.url(), stationId: "PARITY1", virtualClock: true, securityProfile: 2,
    password: "0123456789abcdef-parity", caFile: pki.file("root.pem"),
    config: { "dm:OCPPCommCtrlr.RetryBackOffRandomRange": "0", "dm:OCPPCommCtrlr.RetryBackOffWaitMinimum": "10" } });
  try {
    for (let i = 0; i < 500 && front.failures() === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(front.failures(), 1, "the first handshake fails");
    front.use("server");
    await st.advance(10_000);
    await csms.waitFor("BootNotification");
    await st.settle();
    await st.advance(5000);
    await csms.waitFor("SecurityEventNotification", 2);
    await csms.client().call("GetVariables", { getVariableData: [{ component: { name: "SecurityCtrlr" }, variable: { name: "SecurityProfile" } }] });
    await st.advance(120_000);
    await csms.waitFor("Heartbeat", 1);
    await st.settle();
    return { frames: csms.rawIn.map(normalize), handshake: front.completed()[0] };
  } finally {
    st.stop();
    csms.close();
  }
}

test("parity: Node host and C host (wasm3) send identical frames over TLS, after the same refused handshake", async (t) => {
  if (!fs.existsSync(C_STATION)) assert.fail(`${C_STATION} missing: make test builds it (make c-host)`);
  const pki = makePki();
  t.after(() => fs.rmSync(pki.dir, { recursive: true, force: true }));
  const node = await tlsSession(t, startStation, pki);
  const c = await tlsSession(t, startCStation, pki);
  assert.ok(node.frames.some((f) => f.includes('"InvalidCsmsCertificate"')), "the failure is reported");
  assert.deepStrictEqual(c.frames, node.frames);
  for (const h of [node.handshake, c.handshake]) assert.ok(["TLSv1.2", "TLSv1.3"].includes(h.protocol), h.protocol);
});
