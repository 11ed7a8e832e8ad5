// A TLS front for the plain test CSMS (tests/helpers/csms.js): it terminates TLS with a certificate of the test PKI
// (tests/helpers/pki.js) and pipes the bytes to the CSMS, so a case's CSMS keeps its strict ocpp-rpc checks while
// the station talks TLS. What it serves can change between two connections (use()), as the tool of TC_A_05_CS and
// TC_A_06_CS serves a bad then a good handshake; it records every handshake: completed (protocol, cipher, the
// client certificate) or failed, and every connection it cut.
"use strict";
const net = require("node:net");
const tls = require("node:tls");
const { execFileSync } = require("node:child_process");

const openssl = (args, cwd) => execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });

/** Adds to a test PKI what the negative cases need: "notyet" (signed by the CSMS root, valid from 2099 on),
 *  "selfsigned" (localhost, signed by itself) and "foreign" (localhost, signed by the unrelated root). */
function extendPki(pki) {
  const key = (name) => openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", pki.file(`${name}.key`)], pki.dir);
  const csr = (name) => openssl(["req", "-new", "-key", pki.file(`${name}.key`), "-out", pki.file(`${name}.csr`), "-subj", "/O=Test/CN=localhost",
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], pki.dir);
  key("notyet"); csr("notyet");
  openssl(["ca", "-batch", "-config", pki.file("ca.cnf"), "-in", pki.file("notyet.csr"), "-out", pki.file("notyet.pem"), "-notext",
    "-startdate", "20990101000000Z", "-enddate", "20990201000000Z"], pki.dir);
  key("selfsigned");
  openssl(["req", "-x509", "-new", "-key", pki.file("selfsigned.key"), "-out", pki.file("selfsigned.pem"), "-subj", "/O=Test/CN=localhost",
    "-days", "30", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], pki.dir);
  key("foreign"); csr("foreign");
  require("node:fs").writeFileSync(pki.file("foreign.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  openssl(["x509", "-req", "-in", pki.file("foreign.csr"), "-CA", pki.file("other-root.pem"), "-CAkey", pki.file("other-root.key"),
    "-CAcreateserial", "-days", "30", "-extfile", pki.file("foreign.ext"), "-out", pki.file("foreign.pem")], pki.dir);
  return pki;
}

/** TLS settings by name: "server" (good), "expired", "wronghost", "byip", "ipname" (pki.js), "notyet", "selfsigned", "foreign"
 *  (extendPki), "tls11" (TLS 1.0/1.1 only), "chacha" (TLS 1.2 with a suite the station does not offer), "aes128" /
 *  "aes256" (TLS 1.2 with one of the target's suites, PICS C-41). requestCert: ask for and check a client
 *  certificate (security profile 3). */
function settings(pki, name, requestCert) {
  const cert = ["expired", "wronghost", "notyet", "selfsigned", "foreign", "byip", "ipname"].includes(name) ? name : "server";
  const o = { cert: pki.read(`${cert}.pem`), key: pki.read(`${cert}.key`), ca: pki.read("root.pem"), requestCert, rejectUnauthorized: requestCert };
  if (name === "tls11") Object.assign(o, { minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" });
  if (name === "chacha") Object.assign(o, { maxVersion: "TLSv1.2", ciphers: "ECDHE-ECDSA-CHACHA20-POLY1305" });
  if (name === "aes128") Object.assign(o, { maxVersion: "TLSv1.2", ciphers: "ECDHE-ECDSA-AES128-GCM-SHA256" });
  if (name === "aes256") Object.assign(o, { maxVersion: "TLSv1.2", ciphers: "ECDHE-ECDSA-AES256-GCM-SHA384" });
  return o;
}

/** The front on an ephemeral loopback port; connectTo(csmsPort) names the CSMS (connections wait until then).
 *  use("cut") makes it read the station's ClientHello and drop the connection: a handshake cut halfway. */
async function startTlsFront(t, pki, { as = "server", requestCert = false } = {}) {
  const handshakes = [];   // { ok: true, protocol, cipher, client } | { ok: false, error } | { ok: false, cut: true }
  let connectTo;
  const csmsPort = new Promise((r) => { connectTo = r; });
  let mode = as;
  const tlsServer = tls.createServer(settings(pki, as === "cut" ? "server" : as, requestCert), async (socket) => {
    const peer = socket.getPeerCertificate();
    handshakes.push({ ok: true, protocol: socket.getProtocol(), cipher: socket.getCipher().name,
      client: peer && peer.subject ? { cn: peer.subject.CN, serialNumber: peer.serialNumber, bits: peer.bits, raw: peer.raw } : null });
    socket.on("error", () => {});
    const plain = net.connect(await csmsPort, "127.0.0.1");
    plain.on("error", () => socket.destroy());
    socket.pipe(plain).pipe(socket);
    socket.on("close", () => plain.destroy());
    plain.on("close", () => socket.destroy());
  });
  tlsServer.on("tlsClientError", (err) => handshakes.push({ ok: false, error: err.code || err.message }));
  const server = net.createServer((raw) => {
    raw.on("error", () => {});
    if (mode !== "cut") { tlsServer.emit("connection", raw); return; }
    raw.once("data", () => { handshakes.push({ ok: false, cut: true }); raw.destroy(); });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => server.close());
  const port = server.address().port;
  return {
    port, handshakes, connectTo,
    /** The URL by host name, or by another host for the same loopback port ("127.0.0.1"). */
    url: (path = "/ocpp", host = "localhost") => `wss://${host}:${port}${path}`,
    /** Serves `name`'s settings (or "cut") from the next connection on. */
    use: (name) => { mode = name; if (name !== "cut") tlsServer.setSecureContext(settings(pki, name, requestCert)); },
    failures: () => handshakes.filter((h) => !h.ok).length,
    completed: () => handshakes.filter((h) => h.ok),
  };
}

module.exports = { startTlsFront, extendPki };
