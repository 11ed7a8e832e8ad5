// The firmware update of `make run` (bench op `update`, docs/firmware-update.md "Try it"): a throwaway manufacturer
// CA in <data>/demo-firmware (host/node/firmware-image.js, made once per data folder), and a loopback HTTP server
// (node:http) that serves each published image: build/firmware.wasm with the version as its
// `station.firmware_version` section, signed by the CA's signing certificate. The demo CSMS sends the station the
// root (InstallCertificate ManufacturerRootCertificate, if it is not installed) and UpdateFirmware with the URL.
"use strict";
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");
const { FIRMWARE, withVersion, signedUpdate, demoManufacturer } = require("./firmware-image.js");

/** A version for BootNotification's firmwareVersion (string[0..50]): 1..50 printable ASCII characters. */
const VERSION_RE = /^[\x21-\x7e][\x20-\x7e]{0,49}$/;

/** dir: the CA's folder; firmware: the image's code (default build/firmware.wasm, read at each publish).
 *  Resolves once the file server listens on 127.0.0.1. */
async function startDemoFirmware({ dir, firmware = FIRMWARE, port = 0 } = {}) {
  let maker = null;   // the CA, made (or read) at the first publish
  const files = new Map();   // path → bytes
  let published = 0;
  const server = http.createServer((req, res) => {
    const data = req.method === "GET" ? files.get(req.url.split("?")[0]) : undefined;
    if (!data) { res.writeHead(req.method === "GET" ? 404 : 405, { "content-length": 0 }); res.end(); return; }
    res.writeHead(200, { "content-type": "application/wasm", "content-length": data.length });
    res.end(data);
  });
  const sockets = new Set();
  server.on("connection", (s) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
  await new Promise((resolve, reject) => { server.once("error", reject); server.listen(port, "127.0.0.1", resolve); });
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    port: server.address().port, origin, dir,
    /** Builds and serves the image of `version`: { version, url, bytes, signature (base64), certificate (PEM),
     *  rootPem (the manufacturer root the certificate chains to) }. */
    publish(version) {
      if (typeof version !== "string" || !VERSION_RE.test(version)) throw new Error("version: 1 to 50 printable ASCII characters");
      if (!maker) maker = demoManufacturer(dir);
      const u = signedUpdate(withVersion(fs.readFileSync(firmware), version), version, maker.signer);
      const file = `/firmware-${++published}.wasm`;
      files.set(file, u.image);
      return { version, url: origin + file, bytes: u.image.length, signature: u.signature, certificate: u.certificate, rootPem: maker.rootPem };
    },
    /** The next UpdateFirmware requestId, counted in the CA's folder: a restarted run never repeats one, so a status the
     *  station still re-sends for an earlier update (kept until acknowledged) is never taken for the new one's. */
    nextRequestId() {
      const file = path.join(dir, "last-request-id");
      let last = 0;
      try { last = Number(fs.readFileSync(file, "utf8")) || 0; } catch (e) { if (e.code !== "ENOENT") throw e; }
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(file + ".tmp", String(last + 1));
      fs.renameSync(file + ".tmp", file);
      return last + 1;
    },
    close() { for (const s of sockets) s.destroy(); server.close(); },
  };
}

module.exports = { startDemoFirmware, VERSION_RE };
