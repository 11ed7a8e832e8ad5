// Signed firmware images for the update tests (ABI revision 3, docs/host-abi.md "Firmware slots"): a test
// manufacturer CA made with the openssl CLI (its root installs as ManufacturerRootCertificate, cert_install kind 1),
// signing certificates (EC P-256, RSA 2048, one from an unrelated CA, one expired), and images: build/firmware.wasm
// with a custom section `station.firmware_version` appended, signed with node:crypto (ECDSA-SHA256 DER, or RSA
// PKCS#1 v1.5 SHA-256) over the whole file. The failure cases have their own makers below. The image format and the
// signing are host/node/firmware-image.js's, shared with `make run`'s firmware demo.
//
//   const fw = makeFirmwarePki();            // once per test file; fw.cleanup() in test.after
//   host.certs.install(1, fw.rootPem);       // or the image's InstallCertificate(ManufacturerRootCertificate)
//   const u = fw.update("2.0.0");            // { image, version, signature (base64), certificate (PEM), signer }
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { pkiIn } = require("../../host/node/pki.js");
const { FIRMWARE, VERSION_SECTION, customSection, withVersion, versionOf, signBytes, issueSigner, signedUpdate } =
  require("../../host/node/firmware-image.js");

const ROOT = path.join(__dirname, "..", "..");
const WAT = path.join(__dirname, "..", "fixtures", "trap-image.wat");

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

  const signers = {
    ec: issueSigner(maker, "signer-ec", "ec"),
    rsa: issueSigner(maker, "signer-rsa", "rsa"),
    otherCa: issueSigner(other, "signer-other", "ec"),
    expired: issueSigner(maker, "signer-expired", "ec", ["-startdate", "20200101000000Z", "-enddate", "20200201000000Z"]),
  };

  /** One update: the bytes, the signature (base64) with signer `by` over them, the signing certificate (PEM). */
  const pack = (image, version, by = "ec") => {
    const s = signers[by];
    if (!s) throw new Error(`unknown signer ${by}`);
    return signedUpdate(image, version, { ...s, name: by });
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
      '(func (export "abi_version") (result i32) (i32.const 4))', `(func (export "abi_version") (result i32) (i32.const ${abi}))`)), version), version),
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
