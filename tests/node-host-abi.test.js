// The Node host's imports as the image sees them (pointers into linear memory): buffer-too-small semantics,
// datagrams, bad pointers as error codes (an import never throws into the image), abort decoding; certificate
// hash data checked against openssl's own parse; the station identity for security profile 3; the demo CSMS;
// the station CLI's control channel.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { RPCClient } = require("ocpp-rpc");
const { makeEnv, TrapError, asString } = require("../host/node/image.js");
const { KvStore } = require("../host/node/kv-store.js");
const hostCrypto = require("../host/node/crypto.js");
const { startDemoCsms, DEMO_CARD } = require("../host/node/demo-csms.js");
const { makePki } = require("./helpers/pki.js");
const { startCsms } = require("./helpers/csms.js");
const { startCStation } = require("./helpers/station-host.js");

const base = fs.mkdtempSync(path.join(os.tmpdir(), "host-abi-"));
test.after(() => fs.rmSync(base, { recursive: true, force: true }));
const tmp = () => fs.mkdtempSync(path.join(base, "t-"));

/** An env bound to a bare memory, as an instance would see it; put(ptr, bytes) writes image memory. */
function bareEnv(hostOverrides = {}) {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
  const logs = [];
  const dataDir = tmp();
  const host = {
    clock: { now: () => 0, wall: () => 1_700_000_000_000, setWall: () => {} },
    log: (level, text) => logs.push({ level, text }),
    kv: new KvStore(path.join(dataDir, "kv")),
    crypto: hostCrypto, certs: new hostCrypto.CertStore(dataDir), dataDir,
    streams: { open: () => 1, send: (h, b) => b.length, close: () => {} },
    hardware: { uartWrite: (p, d) => d.length, canSend: () => 0, gpioSet: () => 0 },
    requestReboot: () => {},
    ...hostOverrides,
  };
  const env = makeEnv(host, () => ({ memory }));
  const mem = () => new Uint8Array(memory.buffer);
  const put = (ptr, bytes) => { mem().set(Buffer.from(bytes), ptr); return [ptr, Buffer.from(bytes).length]; };
  const get = (ptr, n) => Buffer.from(mem().subarray(ptr, ptr + n));
  return { env, host, memory, mem, put, get, logs };
}

/** An AssemblyScript string in memory: u32 byte length at ptr-4, UTF-16LE at ptr. */
function asStringAt(b, ptr, s) {
  const body = Buffer.from(s, "utf16le");
  const len = Buffer.alloc(4);
  len.writeUInt32LE(body.length);
  b.put(ptr - 4, Buffer.concat([len, body]));
  return ptr;
}

test("kv_get: -1 when absent; copies min(cap, length) and returns the full length; cap 0 asks the size", () => {
  const b = bareEnv();
  const [kp, kl] = b.put(100, "Device/Model");
  assert.equal(b.env.kv_get(kp, kl, 200, 64), -1);
  const [vp, vl] = b.put(300, "DC-Station-150kW");
  assert.equal(b.env.kv_put(kp, kl, vp, vl), 0);
  b.mem().fill(0xee, 1000, 1100);
  assert.equal(b.env.kv_get(kp, kl, 1000, 5), 16, "too small: full length back");
  assert.equal(b.get(1000, 6).toString("latin1"), "DC-St\xee", "exactly cap bytes written");
  assert.equal(b.env.kv_get(kp, kl, 1000, 0), 16);
  assert.equal(b.env.kv_get(kp, kl, 1000, 64), 16);
  assert.equal(b.get(1000, 16).toString(), "DC-Station-150kW");
  assert.equal(b.env.kv_delete(kp, kl), 0);
  assert.equal(b.env.kv_delete(kp, kl), 0, "deleting an absent key is not an error");
  assert.equal(b.env.kv_get(kp, kl, 1000, 64), -1);
});

test("imports never throw into the image: bad pointers and failing services are error codes", () => {
  const b = bareEnv({ kv: { get: () => { throw new Error("EIO"); }, put: () => { throw new Error("ENOSPC"); }, delete: () => { throw new Error("EIO"); } } });
  const end = b.memory.buffer.byteLength;
  assert.equal(b.env.kv_get(end - 2, 10, 0, 4), -1, "key outside memory");
  assert.equal(b.env.kv_get(0, 4, 0, 4), -2, "storage error");
  assert.equal(b.env.kv_put(0, 4, 0, 4), -2);
  assert.equal(b.env.kv_delete(0, 4), -2);
  assert.ok(b.env.random_fill(end - 4, 8) < 0);
  assert.ok(b.env.stream_send(1, -5, 4) < 0);
  assert.ok(b.env.crypto_hash(2, 0, 3, end - 8, 64) < 0);
  assert.ok(b.env.can_send(0, 1, 0, 0, 9) < 0, "a CAN payload is 0..8 bytes");
  b.env.log_write(2, end, 50);            // void imports swallow the error
  b.env.stream_close(1);
  assert.equal(b.env.random_fill(16, 32), 0);
  assert.ok(!b.get(16, 32).equals(Buffer.alloc(32)));
});

test("dgram imports through memory: name, port and bytes handed over (copied); bad pointers are error codes", () => {
  const calls = [];
  const b = bareEnv({ datagrams: {
    open: (host, port) => { calls.push(["open", host, port]); return 7; },
    send: (h, bytes) => { calls.push(["send", h, Buffer.from(bytes).toString()]); return bytes.length; },
    close: (h) => { calls.push(["close", h]); if (h !== 7) throw new Error("unknown handle"); },
  } });
  const [hp, hl] = b.put(100, "time.example");
  assert.equal(b.env.dgram_open(hp, hl, 123), 7);
  const [dp, dl] = b.put(200, "request");
  assert.equal(b.env.dgram_send(7, dp, dl), 7);
  b.env.dgram_close(7);
  b.env.dgram_close(8);                   // a void import swallows the host's error
  assert.deepEqual(calls, [["open", "time.example", 123], ["send", 7, "request"], ["close", 7], ["close", 8]]);
  const end = b.memory.buffer.byteLength;
  assert.ok(b.env.dgram_open(end - 2, 10, 123) < 0, "name outside memory");
  assert.ok(b.env.dgram_send(7, end - 2, 10) < 0, "datagram outside memory");
  assert.equal(calls.length, 4, "nothing reached the host for them");
});

test("crypto_hash through memory: digest written, length returned; cap too small and unknown alg fail", () => {
  const b = bareEnv();
  const [p, n] = b.put(64, "abc");
  assert.equal(b.env.crypto_hash(2, p, n, 512, 32), 32);
  assert.equal(b.get(512, 32).toString("hex"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.equal(b.env.crypto_hash(4, p, n, 512, 64), 64);
  assert.equal(b.get(512, 64).toString("hex"), crypto.createHash("sha512").update("abc").digest("hex"));
  assert.equal(b.env.crypto_hash(3, p, n, 512, 48), 48);
  assert.ok(b.env.crypto_hash(2, p, n, 512, 31) < 0);
  assert.ok(b.env.crypto_hash(5, p, n, 512, 64) < 0);
});

test("crypto_verify through memory with a generated EC key (PEM key, DER key)", () => {
  const b = bareEnv();
  const ec = crypto.generateKeyPairSync("ec", { namedCurve: "P-384" });
  const data = Buffer.from("signed firmware manifest");
  const sig = crypto.sign("sha384", data, ec.privateKey);
  const [kp, kl] = b.put(1000, ec.publicKey.export({ type: "spki", format: "pem" }));
  const [dp, dl] = b.put(3000, data);
  const [sp, sl] = b.put(4000, sig);
  assert.equal(b.env.crypto_verify(2, kp, kl, dp, dl, sp, sl), 1);
  assert.equal(b.env.crypto_verify(1, kp, kl, dp, dl, sp, sl), 0, "wrong digest");
  const [xp, xl] = b.put(5000, ec.publicKey.export({ type: "spki", format: "der" }));
  assert.equal(b.env.crypto_verify(2, xp, xl, dp, dl, sp, sl), 1);
  b.mem()[3000] ^= 1;
  assert.equal(b.env.crypto_verify(2, kp, kl, dp, dl, sp, sl), 0);
  assert.ok(b.env.crypto_verify(9, kp, kl, dp, dl, sp, sl) < 0);
});

test("crypto_csr through memory: PEM length returned even when cap is too small; the key is kept", () => {
  const b = bareEnv();
  const [sp, sl] = b.put(100, "O=OpenCharge,CN=CS001");
  const n = b.env.crypto_csr(1, 2, sp, sl, 1000, 20);
  assert.ok(n > 300, `length ${n}`);
  assert.equal(b.get(1000, 20).toString(), "-----BEGIN CERTIFICA");
  const m = b.env.crypto_csr(1, 2, sp, sl, 1000, 4096);
  const pem = b.get(1000, m).toString();
  assert.match(pem, /-----END CERTIFICATE REQUEST-----\n$/);
  const text = execFileSync("openssl", ["req", "-noout", "-verify", "-subject"], { input: pem, stdio: ["pipe", "pipe", "pipe"] }).toString();
  assert.match(text, /O\s*=\s*OpenCharge, CN\s*=\s*CS001/);
  const key = crypto.createPrivateKey(fs.readFileSync(path.join(b.host.dataDir, "certs", "pending-key-1.pem")));
  assert.equal(key.asymmetricKeyDetails.namedCurve, "secp384r1");
  assert.ok(b.env.crypto_csr(1, 9, sp, sl, 1000, 4096) < 0, "unknown key type");
});

test("abort: AssemblyScript strings decoded, the trap message names message, file, line and column", () => {
  const b = bareEnv();
  const msg = asStringAt(b, 104, "index out of range");
  const file = asStringAt(b, 504, "assembly/ocpp/tape.ts");
  assert.throws(() => b.env.abort(msg, file, 42, 7), (e) => e instanceof TrapError && e.message === "trap: index out of range at assembly/ocpp/tape.ts:42:7");
  assert.throws(() => b.env.abort(0, 0, 1, 2), (e) => e.message === "trap:  at :1:2");
  assert.equal(asString(b.memory, asStringAt(b, 904, "Zoë ✓")), "Zoë ✓");
  const end = b.memory.buffer.byteLength;
  b.put(end - 6, [100, 0, 0, 0]);
  assert.match(asString(b.memory, end - 2), /bad string length/, "a length past memory is not read");
  assert.match(asString(b.memory, end + 8), /bad string pointer/);
});

test("log_write: levels 0..3 map to error/warn/info/debug, text is UTF-8", () => {
  const b = bareEnv();
  const [p, n] = b.put(10, "grüße");
  for (let level = 0; level < 5; level++) b.env.log_write(level, p, n);
  assert.deepEqual(b.logs.map((l) => l.level), ["error", "warn", "info", "debug", "debug"]);
  assert.equal(b.logs[0].text, "grüße");
});

/** DER bytes of the issuer Name of a certificate, located with openssl's parser (independent of the hosts' parsers). */
function issuerDerByOpenssl(pemFile) {
  const der = execFileSync("openssl", ["x509", "-in", pemFile, "-outform", "DER"]);
  const lines = execFileSync("openssl", ["asn1parse", "-inform", "DER", "-in", "-"], { input: der }).toString().split("\n");
  // Fields of tbsCertificate are at depth 2: [0] version, serial, signature algorithm, issuer, ...
  const fields = lines.map((l) => /^\s*(\d+):d=(\d+)\s+hl=\s*(\d+)\s+l=\s*(\d+)\s+(cons|prim):\s*(.*)$/.exec(l)).filter((m) => m && m[2] === "2");
  const seqs = fields.filter((m) => m[6].trim() === "SEQUENCE");
  const issuer = seqs[1];
  const off = Number(issuer[1]);
  return der.subarray(off, off + Number(issuer[3]) + Number(issuer[4]));
}

test("cert_list hash data equals SHA-256 of the issuer Name and issuer key as openssl sees them", () => {
  const pki = makePki();
  try {
    const b = bareEnv();
    const root = pki.read("root.pem").toString();
    const [rp, rl] = b.put(1000, root);
    assert.equal(b.env.cert_install(0, rp, rl), 0);
    // A station certificate's key is one crypto_csr made: the host keeps it as a pending key.
    fs.copyFileSync(pki.file("server.key"), path.join(b.host.dataDir, "certs", "pending-key-0.pem"));
    const chain = pki.read("server.pem").toString() + root;
    const [cp, cl] = b.put(4000, chain);
    assert.equal(b.env.cert_install(4, cp, cl), 0, "a leaf chaining to the installed root");
    // The installed certificates as the image lists them.
    const n = b.env.cert_list(-1, 9000, 4096);
    const lines = b.get(9000, n).toString().trim().split("\n").map((l) => l.split(" "));
    const rootLine = lines.find((l) => l[0] === "0");
    assert.equal(rootLine[1], "SHA256");
    const issuerName = crypto.createHash("sha256").update(issuerDerByOpenssl(pki.file("root.pem"))).digest("hex");
    assert.equal(rootLine[2], issuerName);
    // issuerKeyHash: the BIT STRING value of the issuer's public key, extracted by openssl.
    const pubDer = execFileSync("openssl", ["x509", "-in", pki.file("root.pem"), "-pubkey", "-noout"]);
    const spki = crypto.createPublicKey(pubDer).export({ type: "spki", format: "der" });
    const bitLines = execFileSync("openssl", ["asn1parse", "-inform", "DER", "-in", "-"], { input: spki }).toString().split("\n");
    const bit = /^\s*(\d+):d=1\s+hl=\s*(\d+)\s+l=\s*(\d+)\s+prim:\s*BIT STRING/.exec(bitLines.find((l) => /BIT STRING/.test(l)));
    const keyBits = spki.subarray(Number(bit[1]) + Number(bit[2]) + 1, Number(bit[1]) + Number(bit[2]) + Number(bit[3]));
    assert.equal(rootLine[3], crypto.createHash("sha256").update(keyBits).digest("hex"));
    const serial = execFileSync("openssl", ["x509", "-in", pki.file("root.pem"), "-noout", "-serial"]).toString().trim().split("=")[1];
    assert.equal(rootLine[4], serial.toLowerCase().replace(/^0+(?=.)/, ""));
    // Too small an output buffer: the length it needs, and only cap bytes.
    assert.equal(b.env.cert_list(-1, 9000, 10), n);
    // Delete by hash data (upper-case input accepted), then it is gone.
    const hd = `SHA256:${rootLine[2].toUpperCase()}:${rootLine[3]}:${rootLine[4]}`;
    const [hp, hl] = b.put(20000, hd);
    assert.equal(b.env.cert_delete(hp, hl), 0);
    assert.equal(b.env.cert_delete(hp, hl), -1);
    assert.equal(b.env.cert_list(0, 9000, 4096), 0);
  } finally { fs.rmSync(pki.dir, { recursive: true, force: true }); }
});

test("a leaf's hash data names its issuer: the root's subject and key", () => {
  const pki = makePki();
  try {
    const store = new hostCrypto.CertStore(tmp());
    assert.equal(store.install(0, pki.read("root.pem").toString()), 0);
    const leaf = new crypto.X509Certificate(pki.read("server.pem"));
    const h = hostCrypto.hashData(leaf, store.entries().map((e) => e.cert));
    assert.equal(h.issuerNameHash, crypto.createHash("sha256").update(issuerDerByOpenssl(pki.file("server.pem"))).digest("hex"));
    const rootLine = store.list(0).trim().split(" ");
    assert.equal(h.issuerNameHash, rootLine[2], "self-signed root: issuer = subject");
    assert.equal(h.issuerKeyHash, rootLine[3]);
    assert.equal(h.serial, leaf.serialNumber.toLowerCase().replace(/^0+(?=.)/, ""));
  } finally { fs.rmSync(pki.dir, { recursive: true, force: true }); }
});

test("security profile 3 identity: the installed station certificate with the key crypto_csr made for it", () => {
  const pki = makePki();
  try {
    const dir = tmp();
    const store = new hostCrypto.CertStore(dir);
    assert.equal(store.stationIdentity(), null);
    const csr = hostCrypto.createCsr(path.join(dir, "certs"), 0, 1, "O=Test,CN=CS001");
    fs.writeFileSync(path.join(pki.dir, "own.csr"), csr);
    execFileSync("openssl", ["x509", "-req", "-in", path.join(pki.dir, "own.csr"), "-CA", pki.file("root.pem"), "-CAkey", pki.file("root.key"),
      "-CAcreateserial", "-days", "5", "-out", path.join(pki.dir, "own.pem")], { stdio: "ignore" });
    assert.equal(store.install(0, pki.read("root.pem").toString()), 0);
    assert.equal(store.install(4, fs.readFileSync(path.join(pki.dir, "own.pem"), "utf8")), 0);
    const id = store.stationIdentity();
    assert.ok(id, "identity found");
    const cert = new crypto.X509Certificate(id.cert);
    assert.ok(cert.checkPrivateKey(crypto.createPrivateKey(id.key)));
    assert.match(cert.subject, /CN=CS001/);
  } finally { fs.rmSync(pki.dir, { recursive: true, force: true }); }
});

test("demo CSMS: strict ocpp2.0.1, boot interval 300, the demo card Accepted, other cards Invalid, Basic auth", async (t) => {
  const lines = [];
  const csms = await startDemoCsms({ port: 0, path: "/ocpp", password: "demo-password-123", log: (l) => lines.push(l) });
  t.after(() => csms.close());
  const client = new RPCClient({ endpoint: csms.url, identity: "ANY-ID-7", protocols: ["ocpp2.0.1"], strictMode: true, password: "demo-password-123", reconnect: false });
  await client.connect();
  t.after(() => client.close({ force: true }));
  const boot = await client.call("BootNotification", { reason: "PowerUp", chargingStation: { vendorName: "V", model: "M" } });
  assert.equal(boot.status, "Accepted");
  assert.equal(boot.interval, 300);
  assert.ok(!Number.isNaN(Date.parse(boot.currentTime)));
  assert.equal((await client.call("Authorize", { idToken: { idToken: DEMO_CARD, type: "ISO14443" } })).idTokenInfo.status, "Accepted");
  assert.equal((await client.call("Authorize", { idToken: { idToken: "DEADBEEF", type: "ISO14443" } })).idTokenInfo.status, "Invalid");
  assert.ok((await client.call("Heartbeat", {})).currentTime);
  assert.deepEqual(await client.call("StatusNotification", { timestamp: new Date().toISOString(), connectorStatus: "Available", evseId: 1, connectorId: 1 }), {});
  assert.ok(lines.some((l) => /← ANY-ID-7 CALL Authorize/.test(l)) && lines.some((l) => /→ ANY-ID-7 CALLRESULT/.test(l)), "logs both directions");
  const wrong = new RPCClient({ endpoint: csms.url, identity: "X", protocols: ["ocpp2.0.1"], password: "nope-nope-nope-1", reconnect: false });
  await assert.rejects(wrong.connect());
  const badPath = new RPCClient({ endpoint: `ws://127.0.0.1:${csms.port}/other`, identity: "X", protocols: ["ocpp2.0.1"], password: "demo-password-123", reconnect: false });
  await assert.rejects(badPath.connect());
});

test("station CLI with --virtual-clock: boots, heartbeats on `advance`, power cycles on command", async (t) => {
  const csms = await startCsms();
  const st = await startCStation({ csmsUrl: csms.url, stationId: "CLI01", command: process.execPath, commandArgs: [path.join(__dirname, "..", "host", "node", "station.js")] });
  t.after(() => { st.stop(); csms.close(); });
  await csms.waitFor("BootNotification");
  assert.equal(csms.connections[0].identity, "CLI01");
  await st.settle();
  await st.advance(299_000);
  assert.equal(csms.count("Heartbeat"), 0);
  await st.advance(1_000);
  assert.equal(st.now(), 300_000);
  await csms.waitFor("Heartbeat");
  await st.powerCycle();
  await csms.waitFor("BootNotification", 2);
  assert.ok(st.logs.some((l) => /connecting to/.test(l.text)), "image logs on stdout");
});
