// The crypto the host owns (docs/host-abi.md): hashes, signature checks, key pairs with PKCS#10 requests,
// and the certificate store with OCPP certificate hash data.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
require("reflect-metadata");   // @peculiar/x509's dependency injection needs it loaded first
const x509 = require("@peculiar/x509");
const { AsnConvert } = require("@peculiar/asn1-schema");
const asnX509 = require("@peculiar/asn1-x509");
const asnCsr = require("@peculiar/asn1-csr");

const HASHES = { 1: "sha1", 2: "sha256", 3: "sha384", 4: "sha512" };
const VERIFY = { 1: ["sha256", "ec"], 2: ["sha384", "ec"], 3: ["sha256", "rsa"], 4: ["sha384", "rsa"], 5: ["sha512", "rsa"] };
const CERT_KINDS = ["CSMSRootCertificate", "ManufacturerRootCertificate", "V2GRootCertificate", "MORootCertificate", "ChargingStationCertificate"];

function hash(alg, data) {
  const name = HASHES[alg];
  return name ? crypto.createHash(name).update(data).digest() : null;
}

function publicKeyOf(bytes) {
  const text = Buffer.from(bytes).toString("latin1");
  if (text.includes("BEGIN CERTIFICATE")) return new crypto.X509Certificate(text).publicKey;
  if (text.includes("BEGIN")) return crypto.createPublicKey(text);
  try { return new crypto.X509Certificate(Buffer.from(bytes)).publicKey; } catch { /* not a certificate */ }
  return crypto.createPublicKey({ key: Buffer.from(bytes), format: "der", type: "spki" });
}

/** 1 valid, 0 invalid, < 0 error. */
function verify(alg, key, data, sig) {
  const v = VERIFY[alg];
  if (!v) return -1;
  try {
    return crypto.verify(v[0], data, publicKeyOf(key), sig) ? 1 : 0;
  } catch {
    return -2;
  }
}

/** "O=...,CN=..." as an X.500 name (the attributes the ABI allows, C as PrintableString, the rest UTF8String). */
function x500Name(subject) {
  const rdns = [];
  for (const part of subject.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 1) return null;
    const key = part.slice(0, eq).trim().toUpperCase();
    if (!NAME_OIDS[key]) return null;
    const text = part.slice(eq + 1).trim();
    const value = new asnX509.AttributeValue(key === "C" ? { printableString: text } : { utf8String: text });
    rdns.push(new asnX509.RelativeDistinguishedName([new asnX509.AttributeTypeAndValue({ type: NAME_OIDS[key], value })]));
  }
  return new asnX509.Name(rdns);
}

const NAME_OIDS = { C: "2.5.4.6", O: "2.5.4.10", OU: "2.5.4.11", CN: "2.5.4.3", L: "2.5.4.7", ST: "2.5.4.8" };
const SIGNATURE_OIDS = { 1: "1.2.840.10045.4.3.2", 2: "1.2.840.10045.4.3.3", 3: "1.2.840.113549.1.1.11" };   // ecdsa-with-SHA256/384, sha256WithRSA

/** A new key pair (kept under dir for slot) and its PKCS#10 request as PEM; null if the input is bad. The
 *  request's structure is @peculiar/asn1-csr's; node:crypto makes the key and the signature. */
function createCsr(dir, slot, keyType, subject) {
  const name = x500Name(subject);
  if (!name) return null;
  let pair;
  if (keyType === 1) pair = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  else if (keyType === 2) pair = crypto.generateKeyPairSync("ec", { namedCurve: "P-384" });
  else if (keyType === 3) pair = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  else return null;
  const spki = pair.publicKey.export({ type: "spki", format: "der" });
  const info = new asnCsr.CertificationRequestInfo({
    version: 0, subject: name, subjectPKInfo: AsnConvert.parse(spki, asnX509.SubjectPublicKeyInfo), attributes: new asnCsr.Attributes(),
  });
  const infoDer = Buffer.from(AsnConvert.serialize(info));
  const signature = crypto.sign(keyType === 2 ? "sha384" : "sha256", infoDer, pair.privateKey);
  // RSA algorithm identifiers carry NULL parameters (RFC 4055), ECDSA ones none (RFC 5758).
  const signatureAlgorithm = new asnX509.AlgorithmIdentifier({ algorithm: SIGNATURE_OIDS[keyType], parameters: keyType === 3 ? null : undefined });
  const csr = new asnCsr.CertificationRequest({ certificationRequestInfo: info, signatureAlgorithm, signature: new Uint8Array(signature).buffer });
  fs.mkdirSync(dir, { recursive: true });
  writeAtomic(path.join(dir, `pending-key-${slot}.pem`), pair.privateKey.export({ type: "pkcs8", format: "pem" }), 0o600);
  const b64 = Buffer.from(AsnConvert.serialize(csr)).toString("base64").replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN CERTIFICATE REQUEST-----\n${b64}-----END CERTIFICATE REQUEST-----\n`;
}

/** OCPP CertificateHashDataType fields (SHA256) for a certificate (node:crypto's X509Certificate), given the store
 *  to find its issuer in: SHA-256 of the DER issuer name and of the issuer's public key bits (@peculiar/x509's
 *  parse), the serial in hex without leading zeros. */
function hashData(cert, store) {
  const parsed = new x509.X509Certificate(cert.raw);
  const issuer = cert.checkIssued(cert) ? cert : store.find((c) => cert.checkIssued(c)) || cert;
  const keyBits = new x509.X509Certificate(issuer.raw).asn.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey;
  const sha256 = (bytes) => crypto.createHash("sha256").update(Buffer.from(bytes)).digest("hex");
  return {
    alg: "SHA256",
    issuerNameHash: sha256(parsed.issuerName.toArrayBuffer()),
    issuerKeyHash: sha256(keyBits),
    serial: Buffer.from(parsed.asn.tbsCertificate.serialNumber).toString("hex").replace(/^0+(?=.)/, ""),
  };
}

/** A crypto_csr slot the image never asks for: the key of the station certificate provisioned at start. */
const PROVISIONED_SLOT = 1000;

function writeAtomic(file, data, mode) {
  fs.writeFileSync(file + ".tmp", data, mode ? { mode } : undefined);
  fs.renameSync(file + ".tmp", file);
}

/** The certificate store: PEM files per kind under dir/certs. */
class CertStore {
  constructor(dir) { this.dir = path.join(dir, "certs"); fs.mkdirSync(this.dir, { recursive: true }); }

  entries() {
    const out = [];
    for (const f of fs.readdirSync(this.dir).sort()) {
      const m = /^(\d)-([0-9a-f]+)\.pem$/.exec(f);
      if (!m) continue;
      try { out.push({ kind: Number(m[1]), file: path.join(this.dir, f), cert: new crypto.X509Certificate(fs.readFileSync(path.join(this.dir, f))) }); } catch { /* unreadable file: not a certificate */ }
    }
    return out;
  }

  /** A root must be a CA within its validity period; a station certificate (kind 4) must chain, through the
   *  intermediates sent with it, to an installed root, every certificate within its validity period. */
  checkChain(kind, chain) {
    const now = Date.now();
    const valid = (c) => Date.parse(c.validFrom) <= now && now <= Date.parse(c.validTo);
    if (kind < 4) return !chain[0].ca ? -4 : valid(chain[0]) ? 0 : -3;
    const roots = this.entries().filter((e) => e.kind < 4).map((e) => e.cert);
    for (let i = 0; i < chain.length; i++) {
      const cert = chain[i];
      if (!valid(cert)) return -3;
      const issuer = chain[i + 1] && cert.checkIssued(chain[i + 1]) ? chain[i + 1] : roots.find((r) => cert.checkIssued(r));
      if (!issuer || !cert.verify(issuer.publicKey)) return -3;
      if (roots.includes(issuer)) return valid(issuer) ? 0 : -3;
    }
    return -3;
  }

  install(kind, pem) {
    if (!(kind >= 0 && kind < CERT_KINDS.length)) return -1;
    let cert, chain;
    try {
      chain = (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) || []).map((p) => new crypto.X509Certificate(p));
      cert = chain[0];
      if (!cert) return -2;
    } catch { return -2; }
    const chainCheck = this.checkChain(kind, chain);
    if (chainCheck !== 0) return chainCheck;
    if (kind === 4 && !this.pairsWithCsrKey(cert)) return -5;
    writeAtomic(this.fileFor(kind, cert), pem);
    return 0;
  }

  /** A02.FR.06: a station certificate answers one of our CSRs, so its key is one crypto_csr made. */
  pairsWithCsrKey(cert) {
    const spki = cert.publicKey.export({ type: "spki", format: "der" });
    return fs.readdirSync(this.dir).filter((f) => /^pending-key-\d+\.pem$/.test(f)).some((f) => {
      try { return crypto.createPublicKey(fs.readFileSync(path.join(this.dir, f))).export({ type: "spki", format: "der" }).equals(spki); } catch { return false; }
    });
  }

  list(kind) {
    const all = this.entries();
    const certs = all.map((e) => e.cert);
    return all.filter((e) => kind < 0 || e.kind === kind).map((e) => {
      const h = hashData(e.cert, certs);
      return `${e.kind} ${h.alg} ${h.issuerNameHash} ${h.issuerKeyHash} ${h.serial}\n`;
    }).join("");
  }

  remove(hd) {
    const [alg, nameHash, keyHash, serial] = hd.toLowerCase().split(":");
    const all = this.entries();
    const certs = all.map((e) => e.cert);
    const hit = all.find((e) => {
      const h = hashData(e.cert, certs);
      return alg === "sha256" && h.issuerNameHash === nameHash && h.issuerKeyHash === keyHash && h.serial === serial;
    });
    if (!hit) return -1;
    fs.rmSync(hit.file);
    return 0;
  }

  /** The station's own certificate (kind 4, newest file first) with the private key crypto_csr generated for it,
   *  or null. The key is found by matching public keys, so it does not matter which slot asked for the CSR. */
  stationIdentity() {
    const keys = [];
    for (const f of fs.readdirSync(this.dir)) {
      if (!/^pending-key-\d+\.pem$/.test(f)) continue;
      try { keys.push(crypto.createPrivateKey(fs.readFileSync(path.join(this.dir, f)))); } catch { /* unreadable key */ }
    }
    const own = this.entries().filter((e) => e.kind === 4)
      .sort((a, b) => fs.statSync(b.file).mtimeMs - fs.statSync(a.file).mtimeMs);
    for (const e of own) {
      const spki = e.cert.publicKey.export({ type: "spki", format: "der" });
      const key = keys.find((k) => crypto.createPublicKey(k).export({ type: "spki", format: "der" }).equals(spki));
      if (key) return { cert: fs.readFileSync(e.file, "utf8"), key: key.export({ type: "pkcs8", format: "pem" }) };
    }
    return null;
  }

  /** Start-up provisioning (docs/security.md): when the store has no CSMS root, each PEM certificate of caFile is
   *  installed as kind 0 (the checks of cert_install); when it has no station certificate, the clientCert chain
   *  as kind 4, its clientKey kept as crypto_csr keeps its keys (slot PROVISIONED_SLOT; the operator's files need
   *  no chain to an installed root). log(level, text) says what happened. */
  provision({ caFile, clientCert, clientKey }, log) {
    const has = (kind) => this.entries().some((e) => e.kind === kind);
    if (caFile && !has(0)) {
      let text = null;
      try { text = fs.readFileSync(caFile, "latin1"); } catch { log("error", `host: cannot read the CA file ${caFile} (-2)`); }
      const pems = text === null ? [] : text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) || [];
      if (text !== null && !pems.length) log("warn", `host: no PEM certificate in ${caFile} (0)`);
      pems.forEach((pem, i) => {
        const rc = this.install(0, pem);
        if (rc === 0) log("info", `host: CSMS root from ${caFile} installed in the store (${i + 1})`);
        else log("warn", `host: a certificate of ${caFile} is not a valid CA root, not installed (${rc})`);
      });
    }
    if (clientCert && clientKey && !has(4)) {
      let rc = -2;
      try {
        const pem = fs.readFileSync(clientCert, "latin1");
        const leaf = new crypto.X509Certificate(pem);
        const key = crypto.createPrivateKey(fs.readFileSync(clientKey));
        const spki = (k) => k.export({ type: "spki", format: "der" });
        if (!spki(leaf.publicKey).equals(spki(crypto.createPublicKey(key)))) rc = -5;
        else {
          writeAtomic(path.join(this.dir, `pending-key-${PROVISIONED_SLOT}.pem`), key.export({ type: "pkcs8", format: "pem" }), 0o600);
          writeAtomic(this.fileFor(4, leaf), pem);
          rc = 0;
        }
      } catch { rc = -2; }
      if (rc === 0) log("info", `host: station certificate from ${clientCert} installed in the store (0)`);
      else log("warn", `host: station certificate ${clientCert} not installed (${rc}: unreadable, or not the key's pair)`);
    }
  }

  fileFor(kind, leaf) { return path.join(this.dir, `${kind}-${crypto.createHash("sha256").update(leaf.raw).digest("hex").slice(0, 16)}.pem`); }

  pems(kind) { return this.entries().filter((e) => e.kind === kind).map((e) => fs.readFileSync(e.file, "utf8")); }
}

module.exports = { hash, verify, createCsr, hashData, CertStore, CERT_KINDS };
