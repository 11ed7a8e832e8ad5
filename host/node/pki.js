// A throwaway PKI made with the openssl CLI: EC P-256 roots, leaves signed by a root through `openssl ca`, and CSRs
// signed as that CA. The demo CSMS of `make run` (security profiles 2 and 3) and the tests' PKI
// (tests/helpers/pki.js) both build on it. Never for production keys: every key is a plain file.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { execFileSync } = require("node:child_process");

function openssl(args, cwd) { execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] }); }

/** The CA folder `dir`: file(name) is a path in it. */
function pkiIn(dir) {
  const p = (f) => path.join(dir, f);
  const ecKey = (name) => openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", p(name)], dir);
  /** A self-signed root <name>.pem / <name>.key, valid `days`. */
  const root = (name, cn, days = 30) => {
    ecKey(`${name}.key`);
    openssl(["req", "-x509", "-new", "-key", p(`${name}.key`), "-out", p(`${name}.pem`), "-subj", `/O=Test/CN=${cn}`, "-days", String(days),
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], dir);
  };
  /** openssl ca's files for issuing with root.pem / root.key. */
  const caConfig = () => {
    fs.writeFileSync(p("index.txt"), "");
    fs.writeFileSync(p("serial"), "1000\n");
    fs.writeFileSync(p("ca.cnf"), [
      "[ca]", "default_ca = test", "[test]", `dir = ${dir}`, "database = $dir/index.txt", "serial = $dir/serial",
      "new_certs_dir = $dir", "certificate = $dir/root.pem", "private_key = $dir/root.key", "default_md = sha256",
      "policy = any", "unique_subject = no", "copy_extensions = copy", "[any]", "commonName = supplied", "organizationName = optional", "",
    ].join("\n"));
  };
  /** A key <name>.key and a certificate <name>.pem issued by root.pem, with extension `ext`, valid 30 days or `dates`
   *  (openssl ca arguments). */
  const leaf = (name, cn, ext, dates) => {
    ecKey(`${name}.key`);
    openssl(["req", "-new", "-key", p(`${name}.key`), "-out", p(`${name}.csr`), "-subj", `/O=Test/CN=${cn}`, "-addext", ext], dir);
    openssl(["ca", "-batch", "-config", p("ca.cnf"), "-in", p(`${name}.csr`), "-out", p(`${name}.pem`), "-notext",
      ...(dates || ["-days", "30"])], dir);
  };
  /** A client certificate (PEM) for a PKCS#10 request, signed by <ca>.pem, valid `days` (A02: CertificateSigned). */
  const signCsr = (csrPem, { ca = "root", days = 30 } = {}) => {
    const tag = crypto.randomBytes(6).toString("hex");
    const csr = p(`sign-${tag}.csr`), ext = p(`sign-${tag}.ext`), out = p(`sign-${tag}.pem`);
    fs.writeFileSync(csr, csrPem);
    fs.writeFileSync(ext, "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
    try {
      openssl(["x509", "-req", "-in", csr, "-CA", p(`${ca}.pem`), "-CAkey", p(`${ca}.key`), "-extfile", ext,
        "-set_serial", `0x${crypto.randomBytes(8).toString("hex")}`, "-days", String(days), "-out", out], dir);
      return fs.readFileSync(out, "utf8");
    } finally { for (const f of [csr, ext, out]) fs.rmSync(f, { force: true }); }
  };
  return { dir, file: p, read: (f) => fs.readFileSync(p(f)), root, caConfig, leaf, signCsr };
}

/** The PKI of `make run`'s TLS demo CSMS in `dir`, made once and reused on later starts: a root (root.pem), the
 *  CSMS's server certificate for localhost / 127.0.0.1 (server.pem) and the station's client certificate with
 *  CN = stationId (station.pem, for security profile 3). */
function demoPki(dir, stationId) {
  fs.mkdirSync(dir, { recursive: true });
  const pki = pkiIn(dir);
  const have = (f) => fs.existsSync(pki.file(f));
  // A new root makes every leaf anew (the old ones would not chain to it).
  const fresh = !have("root.pem") || !have("root.key");
  if (fresh) {
    pki.root("root", "Demo CSMS Root", 3650);
    pki.caConfig();
  }
  if (fresh || !have("server.pem")) pki.leaf("server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1", ["-days", "825"]);
  // One client certificate per station id (a restart with another --id gets its own).
  const station = `station-${stationId.replace(/[^A-Za-z0-9._-]/g, "_")}`;
  if (fresh || !have(`${station}.pem`)) pki.leaf(station, stationId, "extendedKeyUsage=clientAuth", ["-days", "825"]);
  return { ...pki, rootCert: pki.file("root.pem"), serverCert: pki.file("server.pem"), serverKey: pki.file("server.key"),
    clientCert: pki.file(`${station}.pem`), clientKey: pki.file(`${station}.key`) };
}

module.exports = { pkiIn, demoPki, openssl };
