// Keys and certificates on both hosts: the certificate store lists the same OCPP hash data in the Node host
// (node:crypto) and the C host (mbedTLS) for the same certificates; deletion by hash data; CSRs that openssl
// accepts as self-consistent PKCS#10 requests.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { makePki } = require("./helpers/pki.js");
const { makeRoot } = require("./helpers/cert-hash.js");
const hostCrypto = require("../host/node/crypto.js");

const CLI = path.join(__dirname, "..", "build", "c-host", "certs_cli");
const pki = makePki();
const work = fs.mkdtempSync(path.join(os.tmpdir(), "certs-"));
test.after(() => { fs.rmSync(pki.dir, { recursive: true, force: true }); fs.rmSync(work, { recursive: true, force: true }); });

const c = (...args) => execFileSync(CLI, args, { encoding: "utf8" });
/** A key as crypto_csr would have kept it in a host's data directory: a station certificate must pair with one. */
const csrKey = (dataDir, keyFile) => {
  fs.mkdirSync(path.join(dataDir, "certs"), { recursive: true });
  fs.copyFileSync(pki.file(keyFile), path.join(dataDir, "certs", "pending-key-0.pem"));
};

test("certificate store: the same hash data on both hosts; delete by hash data", () => {
  assert.ok(fs.existsSync(CLI), "make c-host builds build/c-host/certs_cli");
  const nodeDir = path.join(work, "node"), cDir = path.join(work, "c");
  const store = new hostCrypto.CertStore(nodeDir);
  csrKey(nodeDir, "station.key"); csrKey(cDir, "station.key");
  const installs = [[0, "root.pem"], [0, "other-root.pem"], [4, "station.pem"]];
  for (const [kind, file] of installs) {
    assert.equal(store.install(kind, pki.read(file).toString()), 0);
    assert.equal(c(cDir, "install", String(kind), pki.file(file)).trim(), "0");
  }
  assert.equal(c(cDir, "install", "9", pki.file("root.pem")).trim(), "-1");
  fs.writeFileSync(path.join(work, "junk.pem"), "not a certificate");
  assert.equal(c(cDir, "install", "0", path.join(work, "junk.pem")).trim(), "-2");
  const sort = (s) => s.trim().split("\n").sort().join("\n");
  const nodeList = store.list(-1);
  assert.equal(sort(c(cDir, "list", "-1")), sort(nodeList));
  assert.equal(nodeList.trim().split("\n").length, 3);
  // The station certificate is issued by the root: its issuerKeyHash is the root's key, not its own.
  const stationLine = store.list(4).trim().split(" ");
  const rootLine = store.list(0).trim().split("\n").map((l) => l.split(" ")).find((l) => l[2] === stationLine[2]);
  assert.ok(rootLine, "root and station certificate share the issuer name hash");
  assert.equal(stationLine[3], rootLine[3]);
  const [, alg, nameHash, keyHash, serial] = stationLine;
  const hd = `${alg}:${nameHash}:${keyHash}:${serial}`;
  assert.equal(c(cDir, "delete", hd).trim(), "0");
  assert.equal(c(cDir, "delete", hd).trim(), "-1");
  assert.equal(c(cDir, "list", "4"), "");
});

test("cert_install checks chains: roots must be CAs, station certificates must chain to an installed root", () => {
  const nodeDir = path.join(work, "node-chain"), cDir = path.join(work, "c-chain");
  const store = new hostCrypto.CertStore(nodeDir);
  const both = (kind, file) => {
    const n = store.install(kind, pki.read(file).toString());
    const cc = Number(c(cDir, "install", String(kind), pki.file(file)).trim());
    assert.equal(cc, n, `C and Node agree on installing ${file} as kind ${kind}`);
    return n;
  };
  csrKey(nodeDir, "station.key"); csrKey(cDir, "station.key");
  assert.equal(both(4, "station.pem"), -3, "no root installed yet");
  assert.equal(both(0, "station.pem"), -4, "a leaf is not a root");
  assert.equal(both(0, "other-root.pem"), 0);
  assert.equal(both(4, "station.pem"), -3, "an unrelated root does not help");
  assert.equal(both(0, "root.pem"), 0);
  assert.equal(both(4, "station.pem"), 0, "chains to the installed root");
  assert.equal(both(4, "expired.pem"), -3, "outside its validity period");
  assert.equal(both(4, "server.pem"), -5, "a valid chain, but its key is none that crypto_csr made");
  makeRoot(pki, "expired-root", "Expired Root", { expired: true });
  assert.equal(both(0, "expired-root.pem"), -3, "a root outside its validity period");
});

test("crypto_csr on the C host: a PKCS#10 request that verifies, with the subject asked for", () => {
  for (const [type, algo] of [[1, "id-ecPublicKey"], [2, "id-ecPublicKey"], [3, "rsaEncryption"]]) {
    const pem = c(path.join(work, "csr"), "csr", "0", String(type), "O=OpenCharge,CN=CS001");
    assert.match(pem, /-----BEGIN CERTIFICATE REQUEST-----/);
    const file = path.join(work, `req${type}.pem`);
    fs.writeFileSync(file, pem);
    const text = execFileSync("openssl", ["req", "-in", file, "-verify", "-noout", "-text"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    assert.match(text, /O ?= ?OpenCharge, CN ?= ?CS001/);
    assert.match(text, new RegExp(algo));
  }
  const key = path.join(work, "csr", "certs", "pending-key-0.pem");
  assert.ok(fs.existsSync(key));
  assert.equal(fs.statSync(key).mode & 0o077, 0, "the private key is readable by its owner only");
  assert.equal(c(path.join(work, "csr"), "csr", "0", "7", "CN=x").trim(), "-1");
});
