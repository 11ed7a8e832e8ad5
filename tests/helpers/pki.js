// A test PKI made with the openssl CLI (host/node/pki.js): a CSMS root, server certificates (good, expired, wrong
// host, by IP address), an unrelated root, and a station client certificate for security profile 3.
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
  // By IP address (tests/tls.test.js, tls-matrix.test.js): "byip" names the loopback addresses, and 10.0.2.100, where
  // the emulated board finds the test machine's loopback (host/node/mcu-station.js), as iPAddress entries; "ipname"
  // names them only as dNSName entries and the CN, which never match an IP address (its one iPAddress is another).
  leaf("byip", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1,IP:10.0.2.100");
  leaf("ipname", "127.0.0.1", "subjectAltName=DNS:127.0.0.1,DNS:10.0.2.100,IP:127.0.0.2,IP:::2");
  return { dir, file, read };
}

module.exports = { makePki };
