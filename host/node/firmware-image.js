// Signed firmware images (ABI revision 3, docs/host-abi.md "Firmware slots"; docs/firmware-update.md "The signing
// recipe"): an image is build/firmware.wasm with a custom section `station.firmware_version` appended, signed over
// the whole file with node:crypto (ECDSA-SHA256 DER for an EC key, RSA PKCS#1 v1.5 SHA-256 for RSA) by a signing
// certificate a manufacturer CA (host/node/pki.js, openssl) issued. The demo of `make run` (host/node/demo-firmware.js)
// and the tests' images (tests/helpers/firmware-image.js) both build on it. Never for production keys.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { pkiIn, openssl } = require("./pki.js");

const FIRMWARE = path.join(__dirname, "..", "..", "build", "firmware.wasm");
const VERSION_SECTION = "station.firmware_version";
const SIGNING_EXT = "keyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\nbasicConstraints=critical,CA:FALSE\n";

/** Unsigned LEB128, as the wasm binary format writes sizes. */
function leb128(n) {
  const out = [];
  do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n);
  return Buffer.from(out);
}

/** A wasm custom section (id 0): name and content. */
function customSection(name, content) {
  const body = Buffer.concat([leb128(Buffer.byteLength(name)), Buffer.from(name), Buffer.from(content)]);
  return Buffer.concat([Buffer.from([0]), leb128(body.length), body]);
}

/** module bytes + the version section (UTF-8). */
function withVersion(module, version) { return Buffer.concat([module, customSection(VERSION_SECTION, Buffer.from(version, "utf8"))]); }

/** The content of the module's `station.firmware_version` section (the last one), or null. */
function versionOf(bytes) {
  try {
    const s = WebAssembly.Module.customSections(new WebAssembly.Module(bytes), VERSION_SECTION);
    return s.length ? Buffer.from(s[s.length - 1]).toString("utf8") : null;
  } catch { return null; }
}

/** The signature (raw bytes) of data with a private key: DER ECDSA-SHA256 for EC, RSA PKCS#1 v1.5 SHA-256 for RSA. */
function signBytes(data, keyPem) { return crypto.sign("sha256", data, crypto.createPrivateKey(keyPem)); }

/** A signing certificate <name>.pem / <name>.key issued by the CA of `pki` (pkiIn with root() and caConfig() done);
 *  keyAlg "ec" (P-256) or "rsa" (2048); valid 30 days or `dates` (openssl ca arguments). */
function issueSigner(pki, name, keyAlg = "ec", dates) {
  const d = pki.dir, f = (x) => path.join(d, x);
  if (keyAlg === "rsa") openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", f(`${name}.key`)], d);
  else openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", f(`${name}.key`)], d);
  fs.writeFileSync(f(`${name}.ext`), SIGNING_EXT);
  openssl(["req", "-new", "-key", f(`${name}.key`), "-out", f(`${name}.csr`), "-subj", `/O=Test/CN=Firmware signer ${name}`], d);
  openssl(["ca", "-batch", "-config", f("ca.cnf"), "-in", f(`${name}.csr`), "-out", f(`${name}.pem`), "-notext",
    "-extfile", f(`${name}.ext`), ...(dates || ["-days", "30"])], d);
  return { name, certificate: fs.readFileSync(f(`${name}.pem`), "utf8"), key: fs.readFileSync(f(`${name}.key`), "utf8") };
}

/** One update: the bytes, the signature (base64) by `signer` over them, the signing certificate (PEM). */
function signedUpdate(image, version, signer) {
  return { image, version, signature: signBytes(image, signer.key).toString("base64"), certificate: signer.certificate, signer: signer.name };
}

/** The manufacturer CA of `make run`'s firmware demo in `dir`, made once and reused on later starts: a root
 *  (root.pem, for InstallCertificate ManufacturerRootCertificate) and an EC signing certificate (signer.pem), both valid
 *  from a day back for 10 years. */
function demoManufacturer(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const pki = pkiIn(dir);
  const have = (f) => fs.existsSync(pki.file(f));
  const fresh = !have("root.pem") || !have("root.key");
  // Valid from a day back: a station whose clock runs behind (the emulated board's does) takes them at once.
  const day = 24 * 3600_000;
  const asn1 = (ms) => new Date(ms).toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z";
  const dates = ["-startdate", asn1(Date.now() - day), "-enddate", asn1(Date.now() + 3650 * day)];
  if (fresh) {
    const f = pki.file;
    pki.caConfig();
    openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", f("root.key")], dir);
    openssl(["req", "-new", "-key", f("root.key"), "-out", f("root.csr"), "-subj", "/O=Test/CN=Demo Manufacturer Root"], dir);
    fs.writeFileSync(f("root.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n");
    openssl(["ca", "-batch", "-selfsign", "-config", f("ca.cnf"), "-keyfile", f("root.key"), "-in", f("root.csr"), "-out", f("root.pem"),
      "-notext", "-extfile", f("root.ext"), ...dates], dir);
  }
  const signer = fresh || !have("signer.pem") || !have("signer.key")
    ? issueSigner(pki, "signer", "ec", dates)
    : { name: "signer", certificate: fs.readFileSync(pki.file("signer.pem"), "utf8"), key: fs.readFileSync(pki.file("signer.key"), "utf8") };
  return { dir, rootPem: fs.readFileSync(pki.file("root.pem"), "utf8"), signer };
}

module.exports = { FIRMWARE, VERSION_SECTION, leb128, customSection, withVersion, versionOf, signBytes, issueSigner, signedUpdate, demoManufacturer };
