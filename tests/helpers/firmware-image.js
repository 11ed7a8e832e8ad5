// Signed firmware images for the update tests (ABI revision 3, docs/host-abi.md "Firmware slots"): a test
// manufacturer CA made with the openssl CLI (its root installs as ManufacturerRootCertificate, cert_install kind 1),
// signing certificates (EC P-256, RSA 2048, one from an unrelated CA, one expired), and images: build/firmware.wasm
// with a custom section `station.firmware_version` appended, signed with node:crypto (ECDSA-SHA256 DER, or RSA
// PKCS#1 v1.5 SHA-256) over the whole file. The failure cases have their own makers below.
//
//   const fw = makeFirmwarePki();            // once per test file; fw.cleanup() in test.after
//   host.certs.install(1, fw.rootPem);       // or the image's InstallCertificate(ManufacturerRootCertificate)
//   const u = fw.update("2.0.0");            // { image, version, signature (base64), certificate (PEM), signer }
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { pkiIn, openssl } = require("../../host/node/pki.js");

const ROOT = path.join(__dirname, "..", "..");
const FIRMWARE = path.join(ROOT, "build", "firmware.wasm");
const WAT = path.join(__dirname, "..", "fixtures", "trap-image.wat");
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

/** The trap stand-in (tests/fixtures/trap-image.wat) edited, as a module: another ABI revision, or a trap at init. */
function wat(dir, name, edit) {
  const src = path.join(dir, `${name}.wat`), out = path.join(dir, `${name}.wasm`);
  fs.writeFileSync(src, edit(fs.readFileSync(WAT, "utf8")));
  execFileSync(path.join(ROOT, "node_modules", ".bin", "wasm-opt"), [src, "-o", out, "--mvp-features", "--enable-mutable-globals", "--quiet"]);
  return fs.readFileSync(out);
}

/** The test manufacturer PKI in a fresh temporary folder. opts.firmware: the code of the images (default
 *  build/firmware.wasm). */
function makeFirmwarePki(opts = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fwpki-"));
  const base = opts.firmware || FIRMWARE;
  const code = () => fs.readFileSync(base);

  // The manufacturer CA (root.pem: openssl ca's files) and an unrelated one in its own folder.
  const maker = pkiIn(dir);
  maker.root("root", "Test Manufacturer Root");
  maker.caConfig();
  const otherDir = path.join(dir, "other");
  fs.mkdirSync(otherDir);
  const other = pkiIn(otherDir);
  other.root("root", "Unrelated Manufacturer Root");
  other.caConfig();

  /** A signing certificate <name>.pem / <name>.key issued by the CA of `pki`; keyAlg "ec" (P-256) or "rsa" (2048). */
  const signer = (pki, name, keyAlg, dates) => {
    const d = pki.dir, f = (x) => path.join(d, x);
    if (keyAlg === "rsa") openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", f(`${name}.key`)], d);
    else openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", f(`${name}.key`)], d);
    fs.writeFileSync(f(`${name}.ext`), SIGNING_EXT);
    openssl(["req", "-new", "-key", f(`${name}.key`), "-out", f(`${name}.csr`), "-subj", `/O=Test/CN=Firmware signer ${name}`], d);
    openssl(["ca", "-batch", "-config", f("ca.cnf"), "-in", f(`${name}.csr`), "-out", f(`${name}.pem`), "-notext",
      "-extfile", f(`${name}.ext`), ...(dates || ["-days", "30"])], d);
    return { name, certificate: fs.readFileSync(f(`${name}.pem`), "utf8"), key: fs.readFileSync(f(`${name}.key`), "utf8") };
  };
  const signers = {
    ec: signer(maker, "signer-ec", "ec"),
    rsa: signer(maker, "signer-rsa", "rsa"),
    otherCa: signer(other, "signer-other", "ec"),
    expired: signer(maker, "signer-expired", "ec", ["-startdate", "20200101000000Z", "-enddate", "20200201000000Z"]),
  };

  /** One update: the bytes, the signature (base64) with signer `by` over them, the signing certificate (PEM). */
  const pack = (image, version, by = "ec") => {
    const s = signers[by];
    if (!s) throw new Error(`unknown signer ${by}`);
    return { image, version, signature: signBytes(image, s.key).toString("base64"), certificate: s.certificate, signer: by };
  };

  let watDir = null;
  const stand = (name, edit) => {
    if (!watDir) { watDir = path.join(dir, "wat"); fs.mkdirSync(watDir); }
    return wat(watDir, name, edit);
  };

  return {
    dir,
    /** The manufacturer root (PEM): install as kind 1 (ManufacturerRootCertificate). */
    rootPem: fs.readFileSync(maker.file("root.pem"), "utf8"),
    /** An unrelated CA's root (PEM). */
    otherRootPem: fs.readFileSync(other.file("root.pem"), "utf8"),
    signers,
    /** build/firmware.wasm with the version section: a good image. */
    image: (version) => withVersion(code(), version),
    /** A good update, signed by `by` ("ec" default, "rsa", "otherCa": chains to the unrelated root, "expired"). */
    update: (version, by = "ec") => pack(withVersion(code(), version), version, by),
    /** The signature does not match: the image was changed after signing (the last byte of its version text, so
     *  the module itself stays valid). */
    badSignature: (version) => {
      const u = pack(withVersion(code(), version), version);
      const image = Buffer.from(u.image);
      image[image.length - 1] ^= 0x01;
      return { ...u, image };
    },
    /** A signing certificate from another CA (not the installed manufacturer root). */
    wrongCa: (version) => pack(withVersion(code(), version), version, "otherCa"),
    /** A signing certificate past its validity period (2020). */
    expired: (version) => pack(withVersion(code(), version), version, "expired"),
    /** Correctly signed bytes that are no wasm module (the image cut in half): refused at load. */
    corrupt: (version) => {
      const full = withVersion(code(), version);
      return pack(full.subarray(0, Math.floor(full.length / 2)), version);
    },
    /** A correctly signed module of ABI revision `abi` (default 2): refused at load. */
    otherAbi: (version, abi = 2) => pack(withVersion(stand(`abi${abi}`, (s) => s.replace(
      '(func (export "abi_version") (result i32) (i32.const 3))', `(func (export "abi_version") (result i32) (i32.const ${abi}))`)), version), version),
    /** A correctly signed revision-3 module that traps in init (logs "booted" first). */
    bootTrap: (version) => pack(withVersion(stand("init-trap", (s) => s.replace(
      '(func (export "init") (param i64) (call $log (i32.const 2) (i32.const 16) (i32.const 6)))',
      '(func (export "init") (param i64) (call $log (i32.const 2) (i32.const 16) (i32.const 6)) (unreachable))')), version), version),
    /** Sign any bytes (base64). */
    sign: (bytes, by = "ec") => signBytes(bytes, signers[by].key).toString("base64"),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

module.exports = { makeFirmwarePki, withVersion, versionOf, customSection, VERSION_SECTION, FIRMWARE };
