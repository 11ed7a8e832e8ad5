// The Node host's own mechanics: atomic storage, crypto and certificate hash data, ABI string decoding.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const crypto = require("node:crypto");
const { execFileSync } = require("node:child_process");
const { KvStore } = require("../host/node/kv-store.js");
const hostCrypto = require("../host/node/crypto.js");
const codes = require("../host/node/codes.js");

const base = fs.mkdtempSync(path.join(os.tmpdir(), "host-test-"));
const tmp = () => fs.mkdtempSync(path.join(base, "t-"));
test.after(() => fs.rmSync(base, { recursive: true, force: true }));

test("kv: absent keys, put/get/delete, keys with any bytes", () => {
  const kv = new KvStore(tmp());
  assert.equal(kv.get("a/b"), undefined);
  kv.put("a/b", Buffer.from("one"));
  kv.put("ü:/..\\x", Buffer.from("two"));
  assert.equal(kv.get("a/b").toString(), "one");
  assert.equal(kv.get("ü:/..\\x").toString(), "two");
  kv.delete("a/b");
  kv.delete("never-there");
  assert.equal(kv.get("a/b"), undefined);
});

test("kv: a crash at any step of a put leaves the old or the new value, never a mix", () => {
  for (let step = 1; step <= 3; step++) {
    const dir = tmp();
    const kv = new KvStore(dir);
    kv.put("k", Buffer.from("old value"));
    kv.put("k", Buffer.from("new"), step);             // the process "dies" after this step
    const after = new KvStore(dir);                      // restart: leftovers of the torn write are discarded
    const v = after.get("k").toString();
    assert.ok(v === "old value" || v === "new", `step ${step}: ${v}`);
    assert.equal(v, step < 3 ? "old value" : "new", `step ${step}`);
    assert.ok(!fs.readdirSync(dir).some((f) => f.endsWith(".tmp")), "temp files removed at start");
  }
});

test("crypto_hash vectors", () => {
  assert.equal(hostCrypto.hash(1, Buffer.from("abc")).toString("hex"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  assert.equal(hostCrypto.hash(2, Buffer.from("abc")).toString("hex"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.equal(hostCrypto.hash(9, Buffer.from("abc")), null);
});

test("crypto_verify: ECDSA P-256 and RSA, valid, tampered and garbage", () => {
  const ec = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  const data = Buffer.from("firmware image");
  const sig = crypto.sign("sha256", data, ec.privateKey);
  const pem = Buffer.from(ec.publicKey.export({ type: "spki", format: "pem" }));
  assert.equal(hostCrypto.verify(1, pem, data, sig), 1);
  assert.equal(hostCrypto.verify(1, pem, Buffer.from("firmware imagE"), sig), 0);
  assert.ok(hostCrypto.verify(1, Buffer.from("garbage"), data, sig) < 0);
  const rsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const rsig = crypto.sign("sha256", data, rsa.privateKey);
  assert.equal(hostCrypto.verify(3, rsa.publicKey.export({ type: "spki", format: "der" }), data, rsig), 1);
});

test("crypto_csr: a PKCS#10 request whose signature verifies with its own key", () => {
  const dir = tmp();
  const pem = hostCrypto.createCsr(dir, 0, 1, "O=OpenCharge,CN=CS001");
  assert.match(pem, /^-----BEGIN CERTIFICATE REQUEST-----\n/);
  // openssl checks the request's signature against its own key and reads the subject.
  const file = path.join(dir, "req.pem");
  fs.writeFileSync(file, pem);
  const text = execFileSync("openssl", ["req", "-in", file, "-verify", "-noout", "-subject"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  assert.match(text, /subject=O ?= ?OpenCharge, CN ?= ?CS001/);
  assert.ok(fs.existsSync(path.join(dir, "pending-key-0.pem")));
  assert.equal(hostCrypto.createCsr(dir, 0, 1, "bogus"), null);
});

test("certificate store: install, list hash data (checked against openssl), delete", (t) => {
  const dir = tmp();
  let haveOpenssl = true;
  try { execFileSync("openssl", ["version"]); } catch { haveOpenssl = false; }

  const key = path.join(dir, "k.pem"), crt = path.join(dir, "c.pem");
  if (!haveOpenssl) {
    t.skip("openssl CLI not found: the test certificate cannot be made");
    return;
  }
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
      "-out", crt, "-subj", "/O=Test/CN=Root CA", "-days", "30", "-set_serial", "0x00ABCDEF"], { stdio: "ignore" });
  const store = new hostCrypto.CertStore(dir);
  assert.equal(store.install(0, fs.readFileSync(crt, "utf8")), 0);
  assert.equal(store.install(7, fs.readFileSync(crt, "utf8")), -1);
  assert.equal(store.install(0, "not a certificate"), -2);
  const [kind, alg, nameHash, keyHash, serial] = store.list(-1).trim().split(" ");
  assert.equal(kind, "0");
  assert.equal(alg, "SHA256");
  assert.equal(serial, "abcdef");
  // issuerKeyHash: SHA-256 over the public key bits, as openssl prints them.
  const pubDer = execFileSync("openssl", ["x509", "-in", crt, "-pubkey", "-noout"]);
  const spki = crypto.createPublicKey(pubDer).export({ type: "spki", format: "der" });
  const asn = execFileSync("openssl", ["asn1parse", "-inform", "DER", "-in", "-"], { input: spki }).toString();
  const bit = /^\s*(\d+):d=1\s+hl=\s*(\d+)\s+l=\s*(\d+)\s+prim:\s*BIT STRING/m.exec(asn);
  const keyBits = spki.subarray(Number(bit[1]) + Number(bit[2]) + 1, Number(bit[1]) + Number(bit[2]) + Number(bit[3]));
  assert.equal(keyHash, crypto.createHash("sha256").update(keyBits).digest("hex"));
  const x = new crypto.X509Certificate(fs.readFileSync(crt));
  assert.equal(nameHash.length, 64);
  assert.equal(x.serialNumber.toLowerCase().replace(/^0+/, ""), serial);
  assert.equal(store.remove(`SHA256:${nameHash}:${keyHash}:${serial}`), 0);
  assert.equal(store.list(-1), "");
  assert.equal(store.remove(`SHA256:${nameHash}:${keyHash}:${serial}`), -1);
});

test("stream error codes map Node errors to the ABI codes", () => {
  assert.equal(codes.fromError({ code: "ECONNREFUSED" }), codes.REFUSED);
  assert.equal(codes.fromError({ code: "CERT_HAS_EXPIRED" }), codes.TLS_EXPIRED);
  assert.equal(codes.fromError({ code: "ERR_TLS_CERT_ALTNAME_INVALID" }), codes.TLS_HOSTNAME);
  assert.equal(codes.fromError({ code: "SELF_SIGNED_CERT_IN_CHAIN" }), codes.TLS_UNTRUSTED);
  assert.equal(codes.fromError({ code: "WHATEVER" }), codes.IO);
});
