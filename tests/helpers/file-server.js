// An HTTP(S) file server for the firmware-download and log-upload cases (issue 16): node:http, or node:https with
// the test PKI (tests/helpers/pki.js, the "server" certificate for localhost and 127.0.0.1), on an ephemeral
// loopback port. Routes are set per path:
//   file(path, data, { chunked, chunkSize })   serve data (Content-Length, or chunked in pieces of chunkSize)
//   status(path, code, body)                   answer an error status
//   stall(path, { bytes, data })               send the head (and the first `bytes` of data), then nothing more
//   cut(path, data, bytes)                     announce all of data, send `bytes` of it, then drop the connection
//   redirect(path, code, location)             3xx with Location
//   upload(path, { status })                   receive PUT and POST bodies (multipart/form-data parsed into files)
// Every request is recorded (requests: method, path, headers) and every upload that arrived whole (uploads:
// method, path, contentType, body, files [{ field, filename, type, data }]). An unknown path answers 404.
"use strict";
const http = require("node:http");
const https = require("node:https");

/** Splits a multipart/form-data body into its parts with the platform's own parser (undici's Response.formData). */
async function parseMultipart(body, contentType) {
  const form = await new Response(body, { headers: { "content-type": contentType } }).formData();
  const files = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === "string") files.push({ field, filename: null, type: null, data: Buffer.from(value) });
    else files.push({ field, filename: value.name, type: value.type, data: Buffer.from(await value.arrayBuffer()) });
  }
  return files;
}

async function startFileServer({ tls = false, pki = null } = {}) {
  const routes = new Map();
  const requests = [];
  const uploads = [];
  const sockets = new Set();

  async function handle(req, res) {
    const path = req.url;
    requests.push({ method: req.method, path, headers: req.headers });
    const route = routes.get(path.split("?")[0]);
    if (!route) { res.writeHead(404, { "content-type": "text/plain" }); res.end("not found"); return; }
    switch (route.kind) {
      case "file": {
        if (route.chunked) {
          res.writeHead(200, { "content-type": "application/octet-stream" });   // no length: node sends it chunked
          for (let i = 0; i < route.data.length; i += route.chunkSize) res.write(route.data.subarray(i, i + route.chunkSize));
          res.end();
        } else {
          res.writeHead(200, { "content-type": "application/octet-stream", "content-length": route.data.length });
          res.end(route.data);
        }
        return;
      }
      case "status":
        res.writeHead(route.code, { "content-type": "text/plain", "content-length": Buffer.byteLength(route.body) });
        res.end(route.body);
        return;
      case "stall":
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": route.data.length });
        res.flushHeaders();
        if (route.bytes > 0) res.write(route.data.subarray(0, route.bytes));
        return;   // never ends; closed by close() or the client
      case "cut":
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": route.data.length });
        res.write(route.data.subarray(0, route.bytes), () => setImmediate(() => req.socket.destroy()));
        return;
      case "redirect":
        res.writeHead(route.code, { location: route.location, "content-length": 0 });
        res.end();
        return;
      case "upload": {
        if (req.method !== "PUT" && req.method !== "POST") { res.writeHead(405, { allow: "PUT, POST", "content-length": 0 }); res.end(); return; }
        const parts = [];
        let complete = false;
        req.on("data", (d) => parts.push(d));
        req.on("end", () => { complete = true; });
        await new Promise((resolve) => { req.on("end", resolve); req.on("close", resolve); });
        if (!complete) return;   // the client went away halfway: nothing arrived
        const body = Buffer.concat(parts);
        const contentType = req.headers["content-type"] || "";
        let files = [];
        if (contentType.startsWith("multipart/form-data")) {
          try { files = await parseMultipart(body, contentType); }
          catch (e) { res.writeHead(400, { "content-type": "text/plain" }); res.end(`bad multipart: ${e.message}`); return; }
        }
        uploads.push({ method: req.method, path, contentType, body, files });
        res.writeHead(route.status, { "content-length": 0 });
        res.end();
        return;
      }
    }
  }

  const onRequest = (req, res) => { handle(req, res).catch((e) => { res.destroy(e); }); };
  const server = tls
    ? https.createServer({ cert: pki.read("server.pem"), key: pki.read("server.key") }, onRequest)
    : http.createServer(onRequest);
  server.on("connection", (s) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
  // The emulated board reaches only the loopback ports QEMU forwarded when it started (host/node/mcu-station.js).
  const listenOn = process.env.STATION_HOST === "mcu" ? require("../../host/node/mcu-station.js").takeForwardedPort() : 0;
  await new Promise((resolve, reject) => { server.once("error", reject); server.listen(listenOn, "127.0.0.1", resolve); });
  const port = server.address().port;
  const origin = `${tls ? "https" : "http"}://127.0.0.1:${port}`;
  const asBuffer = (d) => (Buffer.isBuffer(d) ? d : Buffer.from(d));

  return {
    port, origin, requests, uploads,
    url: (path) => origin + path,
    file(path, data, { chunked = false, chunkSize = 1000 } = {}) { routes.set(path, { kind: "file", data: asBuffer(data), chunked, chunkSize }); },
    status(path, code, body = "") { routes.set(path, { kind: "status", code, body }); },
    stall(path, { bytes = 0, data = Buffer.alloc(1000) } = {}) { routes.set(path, { kind: "stall", bytes, data: asBuffer(data) }); },
    cut(path, data, bytes) { routes.set(path, { kind: "cut", data: asBuffer(data), bytes }); },
    redirect(path, code, location) { routes.set(path, { kind: "redirect", code, location }); },
    upload(path, { status = 201 } = {}) { routes.set(path, { kind: "upload", status }); },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

module.exports = { startFileServer, parseMultipart };
