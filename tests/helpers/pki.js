// A test PKI made with the openssl CLI: a CSMS root, server certificates (good, expired, wrong host), an
// unrelated root, and a station client certificate for security profile 3.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");

function openssl(args, cwd) { execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] }); }

function makePki() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pki-"));
  const p = (f) => path.join(dir, f);
  const ecKey = (name) => openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", p(name)], dir);
  const root = (name, cn) => {
    ecKey(`${name}.key`);
    openssl(["req", "-x509", "-new", "-key", p(`${name}.key`), "-out", p(`${name}.pem`), "-subj", `/O=Test/CN=${cn}`, "-days", "30",
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], dir);
  };
  root("root", "CSMS Root");
  root("other-root", "Unrelated Root");
  fs.writeFileSync(p("index.txt"), "");
  fs.writeFileSync(p("serial"), "1000\n");
  fs.writeFileSync(p("ca.cnf"), [
    "[ca]", "default_ca = test", "[test]", `dir = ${dir}`, "database = $dir/index.txt", "serial = $dir/serial",
    "new_certs_dir = $dir", "certificate = $dir/root.pem", "private_key = $dir/root.key", "default_md = sha256",
    "policy = any", "unique_subject = no", "copy_extensions = copy", "[any]", "commonName = supplied", "organizationName = optional", "",
  ].join("\n"));
  const leaf = (name, cn, ext, dates) => {
    ecKey(`${name}.key`);
    openssl(["req", "-new", "-key", p(`${name}.key`), "-out", p(`${name}.csr`), "-subj", `/O=Test/CN=${cn}`, "-addext", ext], dir);
    openssl(["ca", "-batch", "-config", p("ca.cnf"), "-in", p(`${name}.csr`), "-out", p(`${name}.pem`), "-notext",
      ...(dates || ["-days", "30"])], dir);
  };
  leaf("server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
  leaf("expired", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1", ["-startdate", "20200101000000Z", "-enddate", "20200201000000Z"]);
  leaf("wronghost", "csms.example", "subjectAltName=DNS:csms.example");
  leaf("station", "CS001", "extendedKeyUsage=clientAuth");
  const read = (f) => fs.readFileSync(p(f));
  return { dir, file: p, read };
}

module.exports = { makePki };
