// A test PKI made with the openssl CLI (host/node/pki.js): a CSMS root, server certificates (good, expired, wrong
// host), an unrelated root, and a station client certificate for security profile 3.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { pkiIn } = require("../../host/node/pki.js");

function makePki() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pki-"));
  const { root, caConfig, leaf, file, read } = pkiIn(dir);
  root("root", "CSMS Root");
  root("other-root", "Unrelated Root");
  caConfig();
  leaf("server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
  leaf("expired", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1", ["-startdate", "20200101000000Z", "-enddate", "20200201000000Z"]);
  leaf("wronghost", "csms.example", "subjectAltName=DNS:csms.example");
  leaf("station", "CS001", "extendedKeyUsage=clientAuth");
  return { dir, file, read };
}

module.exports = { makePki };
