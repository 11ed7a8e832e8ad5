// The test file server (tests/helpers/file-server.js) checked with node's own HTTP client, over http and https.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const http = require("node:http");
const https = require("node:https");
const { startFileServer } = require("./helpers/file-server.js");
const { makePki } = require("./helpers/pki.js");

/** One request with node's client: { status, headers, body, error } (error when the transfer broke). */
function request(url, { method = "GET", headers = {}, body = null, ca = null, timeout = 0 } = {}) {
  return new Promise((resolve) => {
    const mod = url.startsWith("https:") ? https : http;
    const req = mod.request(url, { method, headers, ca }, (res) => {
      const parts = [];
      res.on("data", (d) => parts.push(d));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) }));
      res.on("error", (error) => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts), error }));
      res.on("aborted", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts), error: new Error("aborted") }));
    });
    if (timeout) req.setTimeout(timeout, () => { req.destroy(new Error("timeout")); });
    req.on("error", (error) => resolve({ error }));
    if (body) req.write(body);
    req.end();
  });
}

const payload = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));

test("file server over http: serve, chunked, error status, redirect, 404", async (t) => {
  const s = await startFileServer();
  t.after(() => s.close());
  s.file("/fw.bin", payload);
  s.file("/fw-chunked.bin", payload, { chunked: true, chunkSize: 700 });
  s.status("/gone", 410, "gone");
  s.redirect("/old", 302, "/fw.bin");

  let r = await request(s.url("/fw.bin"));
  assert.equal(r.status, 200);
  assert.equal(r.headers["content-length"], "5000");
  assert.deepEqual(r.body, payload);

  r = await request(s.url("/fw-chunked.bin?x=1"));
  assert.equal(r.headers["transfer-encoding"], "chunked");
  assert.equal(r.headers["content-length"], undefined);
  assert.deepEqual(r.body, payload);

  r = await request(s.url("/gone"));
  assert.equal(r.status, 410);
  assert.equal(r.body.toString(), "gone");

  r = await request(s.url("/old"));
  assert.equal(r.status, 302);
  assert.equal(r.headers.location, "/fw.bin");

  r = await request(s.url("/nothing"));
  assert.equal(r.status, 404);
  assert.deepEqual(s.requests.map((q) => q.path), ["/fw.bin", "/fw-chunked.bin?x=1", "/gone", "/old", "/nothing"]);
});

test("file server: a stalled and a cut transfer", async (t) => {
  const s = await startFileServer();
  t.after(() => s.close());
  s.stall("/stall", { bytes: 100, data: payload });
  s.cut("/cut", payload, 2500);

  let r = await request(s.url("/stall"), { timeout: 300 });
  assert.ok(r.error, "the stalled transfer never ends");
  r = await request(s.url("/cut"));
  assert.ok(r.error, "a cut transfer is an error for the client");
  assert.equal(r.status, 200);
  assert.equal(r.headers["content-length"], "5000");
  assert.deepEqual(r.body, payload.subarray(0, 2500));
});

test("file server: uploads by PUT and multipart POST are recorded", async (t) => {
  const s = await startFileServer();
  t.after(() => s.close());
  s.upload("/logs/");
  s.upload("/put.log", { status: 200 });

  let r = await request(s.url("/put.log"), { method: "PUT", headers: { "content-type": "text/plain" }, body: "line 1\nline 2\n" });
  assert.equal(r.status, 200);

  const form = new FormData();
  form.append("file", new Blob([payload], { type: "application/octet-stream" }), "station.log");
  const mp = new Request("http://x/", { method: "POST", body: form });
  const body = Buffer.from(await mp.arrayBuffer());
  r = await request(s.url("/logs/"), { method: "POST", headers: { "content-type": mp.headers.get("content-type") }, body });
  assert.equal(r.status, 201);

  r = await request(s.url("/logs/"), { method: "GET" });
  assert.equal(r.status, 405);

  assert.equal(s.uploads.length, 2);
  assert.deepEqual({ method: s.uploads[0].method, path: s.uploads[0].path, body: s.uploads[0].body.toString(), files: s.uploads[0].files },
    { method: "PUT", path: "/put.log", body: "line 1\nline 2\n", files: [] });
  const up = s.uploads[1];
  assert.equal(up.method, "POST");
  assert.equal(up.files.length, 1);
  assert.equal(up.files[0].field, "file");
  assert.equal(up.files[0].filename, "station.log");
  assert.deepEqual(up.files[0].data, payload);
});

test("file server: malformed multipart is answered 400 and not recorded", async (t) => {
  const s = await startFileServer();
  t.after(() => s.close());
  s.upload("/logs/");
  const r = await request(s.url("/logs/"), { method: "POST", headers: { "content-type": "multipart/form-data; boundary=XX" }, body: "garbage" });
  assert.equal(r.status, 400);
  assert.equal(s.uploads.length, 0);
});

test("file server over https with the test PKI", async (t) => {
  const pki = makePki();
  const s = await startFileServer({ tls: true, pki });
  t.after(() => s.close());
  s.file("/fw.bin", payload);
  assert.ok(s.origin.startsWith("https://127.0.0.1:"));
  let r = await request(s.url("/fw.bin"), { ca: pki.read("root.pem") });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, payload);
  r = await request(s.url("/fw.bin"), { ca: pki.read("other-root.pem") });
  assert.ok(r.error, "a client that does not trust the test root refuses the server");
});
