// Certificates for the certificate-management tests, made and read with the openssl CLI (independent of both
// hosts' parsers): more CA roots beside tests/helpers/pki.js's, an expired one, and the OCPP hash data
// (CertificateHashDataType: SHA-256 of the DER issuer name and of the issuer's public key bits, the serial in hex
// without leading zeros) a test tool computes for a certificate.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const { execFileSync } = require("node:child_process");

const openssl = (args, input) => execFileSync("openssl", args, { input, stdio: [input ? "pipe" : "ignore", "pipe", "pipe"] });

/** A self-signed CA root `name`.pem/.key in the PKI's folder; `expired`: valid only in January 2020; `serial`: its
 *  serial number (hex), else a random one. */
function makeRoot(pki, name, cn, { expired = false, serial } = {}) {
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", pki.file(`${name}.key`)]);
  const subj = `/O=Test/CN=${cn}`;
  const ext = ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"];
  if (!expired) {
    openssl(["req", "-x509", "-new", "-key", pki.file(`${name}.key`), "-out", pki.file(`${name}.pem`), "-subj", subj, "-days", "30", ...ext,
      ...(serial ? ["-set_serial", `0x${serial}`] : [])]);
    return pki.file(`${name}.pem`);
  }
  // openssl 3.0's req has no start date: the PKI's ca signs the request with its own key (-selfsign).
  openssl(["req", "-new", "-key", pki.file(`${name}.key`), "-out", pki.file(`${name}.csr`), "-subj", subj, ...ext]);
  openssl(["ca", "-batch", "-config", pki.file("ca.cnf"), "-selfsign", "-keyfile", pki.file(`${name}.key`), "-in", pki.file(`${name}.csr`),
    "-out", pki.file(`${name}.pem`), "-notext", "-startdate", "20200101000000Z", "-enddate", "20200201000000Z"]);
  return pki.file(`${name}.pem`);
}

/** The DER fields of `openssl asn1parse` output at a depth: [offset, headerLength, length, type]. */
function fieldsAt(der, depth) {
  return openssl(["asn1parse", "-inform", "DER", "-in", "-"], der).toString().split("\n")
    .map((l) => /^\s*(\d+):d=(\d+)\s+hl=\s*(\d+)\s+l=\s*(\d+)\s+(?:cons|prim):\s*(\S+)/.exec(l))
    .filter((m) => m && Number(m[2]) === depth).map((m) => [Number(m[1]), Number(m[3]), Number(m[4]), m[5]]);
}

const sha256 = (b) => crypto.createHash("sha256").update(b).digest("hex");

/** CertificateHashDataType of the certificate in certFile, issued by the one in issuerFile (itself for a root). */
function hashData(certFile, issuerFile = certFile) {
  const der = openssl(["x509", "-in", certFile, "-outform", "DER"]);
  // tbsCertificate at depth 2: [0] version, serialNumber, signature, issuer, ...: the issuer is its second SEQUENCE.
  const [off, hl, len] = fieldsAt(der, 2).filter((f) => f[3] === "SEQUENCE")[1];
  const spki = crypto.createPublicKey(openssl(["x509", "-in", issuerFile, "-pubkey", "-noout"])).export({ type: "spki", format: "der" });
  const [boff, bhl, blen] = fieldsAt(spki, 1).find((f) => f[3] === "BIT");
  const serial = openssl(["x509", "-in", certFile, "-noout", "-serial"]).toString().trim().split("=")[1];
  return {
    hashAlgorithm: "SHA256",
    issuerNameHash: sha256(der.subarray(off, off + hl + len)),
    issuerKeyHash: sha256(spki.subarray(boff + bhl + 1, boff + bhl + blen)),   // the key bits, after the unused-bits byte
    serialNumber: serial.toLowerCase().replace(/^0+(?=.)/, ""),
  };
}

const pem = (file) => fs.readFileSync(file, "utf8");

module.exports = { makeRoot, hashData, pem };
