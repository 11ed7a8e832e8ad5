// Block N, GetLog (N01): TC_N_25_CS, TC_N_26_CS, TC_N_35_CS from Part 6, and TC_N_36_CS (Part 5: "Second
// Request", C-57 Yes), whose text this copy of Part 6 lacks: it is built from N01 (N01.FR.12: a GetLog while an
// upload runs cancels it and is answered AcceptedCanceled) in the form of TC_N_25_CS. The log server is
// tests/helpers/file-server.js on loopback (<Configured log_location>); the station uploads the file as a
// multipart/form-data POST with one part "file" (docs/architecture.md "HTTP client"), and every case checks the
// file the server received: the expected log lines, the time filter applied.
// Station configuration assumed: the defaults (OCPPCommCtrlr.FileTransferProtocols HTTP,HTTPS).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { HOST } = require("../helpers/station-host.js");
const { startFileServer } = require("../helpers/file-server.js");
const { conformance } = require("./states.js");
const { makePki } = require("../helpers/pki.js");

/** A log server on loopback; closed after the test. */
async function logServer(t) {
  const server = await startFileServer();
  t.after(() => server.close());
  return server;
}

/** The one file of the multipart upload number `i`, checked for its form: POST, one part "file" named `filename`. */
function uploadedFile(server, i, filename) {
  const u = server.uploads[i];
  assert.ok(u, `upload ${i} arrived`);
  assert.equal(u.method, "POST", "the log is POSTed");
  assert.match(u.contentType, /^multipart\/form-data; boundary=/);
  assert.equal(u.files.length, 1, "one part");
  assert.equal(u.files[0].field, "file");
  assert.equal(u.files[0].filename, filename, "the part is named with the GetLogResponse's filename");
  return u.files[0].data.toString("utf8");
}

/** The lines of a diagnostics log file: "<timestamp> <LEVEL> <message>". */
function diagnosticsLines(text) {
  const lines = text.split("\n").filter(Boolean);
  for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (ERROR|WARN|INFO|DEBUG) /, `a diagnostics line: ${l}`);
  return lines;
}

/** The LogStatusNotifications from mark on as [status, requestId]. */
const logStatuses = (s, mark) => s.sentSince(mark, "LogStatusNotification").map((p) => [p.status, p.requestId]);

test(`[${HOST}] TC_N_25_CS Retrieve Log Information - Diagnostics Log - Success`, async (t) => {
  const s = await conformance(t);
  const server = await logServer(t);
  server.upload("/logs");
  // Before: N/a. Prerequisites: the station has log information (its boot and connection are logged) and the log
  // server supports HTTP, which FileTransferProtocols lists.
  const ftp = await s.getVariable("OCPPCommCtrlr", "FileTransferProtocols");
  assert.match(ftp.attributeValue, /\bHTTP\b/, "FileTransferProtocols lists HTTP");
  // Main step 1: GetLogRequest logType DiagnosticsLog.
  const mark = s.mark();
  const r = await s.call("GetLog", { logType: "DiagnosticsLog", requestId: 25, log: { remoteLocation: server.url("/logs") } });
  // Tool validations, step 2: status Accepted, filename not omitted and not empty.
  assert.equal(r.status, "Accepted", "step 2: GetLogResponse status Accepted");
  assert.ok(typeof r.filename === "string" && r.filename.length > 0, "step 2: filename not omitted and not empty");
  await s.step(3000);
  // Steps 3-6: Uploading, then Uploaded, both with the GetLogRequest's requestId.
  assert.deepEqual(logStatuses(s, mark), [["Uploading", 25], ["Uploaded", 25]], "steps 3 and 5");
  // The file: the station's own log, with the lines of its boot and connection.
  assert.equal(server.uploads.length, 1, "one upload");
  const lines = diagnosticsLines(uploadedFile(server, 0, r.filename));
  assert.ok(lines.some((l) => / INFO station CS001 connecting to /.test(l)), "the log holds the start-up line");
  assert.ok(lines.some((l) => / INFO station: connected to the CSMS/.test(l)), "the log holds the connection line");
});

test(`[${HOST}] TC_N_26_CS Retrieve Log Information - Diagnostics Log - Upload failed`, async (t) => {
  const s = await conformance(t);
  const server = await logServer(t);
  server.status("/logs", 500, "disk full");
  // Before: the retry interval longer than an attempt takes (an attempt on loopback takes well under a second).
  const RETRY_INTERVAL = 20;
  // Main step 1: GetLogRequest logType DiagnosticsLog, retries 3, retryInterval <Configured retryInterval>.
  const mark = s.mark();
  const r = await s.call("GetLog", { logType: "DiagnosticsLog", requestId: 26, retries: 3, retryInterval: RETRY_INTERVAL,
    log: { remoteLocation: server.url("/logs") } });
  // Tool validations, step 2: status Accepted.
  assert.equal(r.status, "Accepted", "step 2: GetLogResponse status Accepted");
  const times = [];
  const seen = () => s.sentSince(mark, "LogStatusNotification").length;
  let last = 0;
  for (let waited = 0; waited < 5 * RETRY_INTERVAL * 1000; waited += 500) {
    await s.step(500);
    for (; last < seen(); last++) times.push(s.now());
  }
  const statuses = logStatuses(s, mark);
  // Steps 3 and 5, four times (1 + retries): Uploading, then a failure status, with the requestId.
  assert.equal(statuses.length, 8, `four attempts: ${JSON.stringify(statuses)}`);
  for (let i = 0; i < 8; i += 2) {
    assert.deepEqual(statuses[i], ["Uploading", 26], `attempt ${i / 2 + 1}: step 3 Uploading`);
    assert.ok(["UploadFailure", "BadMessage", "PermissionDenied", "NotSupportedOperation"].includes(statuses[i + 1][0]),
      `attempt ${i / 2 + 1}: step 5 a failure status (${statuses[i + 1][0]})`);
    assert.equal(statuses[i + 1][1], 26, `attempt ${i / 2 + 1}: step 5 requestId`);
  }
  assert.equal(statuses[7][0], "UploadFailure", "a server error is an UploadFailure");
  // The time between the first Uploading and the last failure is 3 × retryInterval (within the 0.5 s steps).
  const span = times[7] - times[0];
  assert.ok(Math.abs(span - 3 * RETRY_INTERVAL * 1000) <= 1000, `first Uploading to last failure: ${span} ms`);
  assert.equal(server.requests.filter((q) => q.path === "/logs").length, 4, "the server saw four attempts");
});

test(`[${HOST}] TC_N_35_CS Retrieve Log Information - Security Log - Success`, async (t) => {
  const s = await conformance(t);
  const server = await logServer(t);
  server.upload("/security");
  // Before, Memory State: the station has log information (the boot is the security event StartupOfTheDevice).
  // Main step 1: GetLogRequest logType SecurityLog.
  const mark = s.mark();
  const r = await s.call("GetLog", { logType: "SecurityLog", requestId: 35, log: { remoteLocation: server.url("/security") } });
  // Tool validations, step 2: status Accepted.
  assert.equal(r.status, "Accepted", "step 2: GetLogResponse status Accepted");
  await s.step(3000);
  // Steps 3-6: Uploading, then Uploaded, with the requestId.
  assert.deepEqual(logStatuses(s, mark), [["Uploading", 35], ["Uploaded", 35]], "steps 3 and 5");
  const lines = uploadedFile(server, 0, r.filename).split("\n").filter(Boolean);
  assert.ok(lines.length >= 1, "the security log has the boot's event");
  for (const l of lines) assert.match(l, /^\d+ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z [A-Za-z]+/, `a security log line: ${l}`);
  assert.ok(lines.some((l) => / StartupOfTheDevice\b/.test(l)), "the boot's event StartupOfTheDevice");
});

// Part 6 has no text for TC_N_36_CS (Part 5: Second Request, C-57 Yes). Built from N01: a first GetLog uploads to
// a server that never answers (the upload stays Uploading); a second GetLog is answered AcceptedCanceled
// (N01.FR.12), the first request's upload ends with LogStatusNotification AcceptedCanceled and its requestId, and
// the second one runs as in TC_N_25_CS (Uploading, Uploaded with its requestId).
test(`[${HOST}] TC_N_36_CS Retrieve Log Information - Second Request`, async (t) => {
  const s = await conformance(t);
  const server = await logServer(t);
  server.stall("/slow");
  server.upload("/logs");
  const mark = s.mark();
  const first = await s.call("GetLog", { logType: "DiagnosticsLog", requestId: 361, log: { remoteLocation: server.url("/slow") } });
  assert.equal(first.status, "Accepted", "first GetLogResponse Accepted");
  await s.step(2000);
  assert.deepEqual(logStatuses(s, mark), [["Uploading", 361]], "the first upload runs");
  const second = await s.call("GetLog", { logType: "DiagnosticsLog", requestId: 362, log: { remoteLocation: server.url("/logs") } });
  assert.equal(second.status, "AcceptedCanceled", "second GetLogResponse AcceptedCanceled (N01.FR.12)");
  assert.ok(second.filename, "the second response names its file");
  await s.step(3000);
  assert.deepEqual(logStatuses(s, mark),
    [["Uploading", 361], ["AcceptedCanceled", 361], ["Uploading", 362], ["Uploaded", 362]],
    "the first ends AcceptedCanceled, the second is uploaded");
  assert.equal(server.uploads.length, 1, "only the second upload arrived whole");
  assert.equal(server.uploads[0].path, "/logs");
  diagnosticsLines(uploadedFile(server, 0, second.filename));
  await s.step(70_000);
  assert.equal(logStatuses(s, mark).length, 4, "nothing more about the canceled upload (no late time-out)");
});

// Not certification cases: the time filter, https and a refused URL as this station implements N01.

test(`[${HOST}] GetLog: log.oldestTimestamp / latestTimestamp keep only the lines in the window`, async (t) => {
  const s = await conformance(t);
  const server = await logServer(t);
  server.upload("/all");
  server.upload("/window");
  // Lines minutes apart in station time: each upload logs a line when it starts ("logs: uploading <file>").
  let r = await s.call("GetLog", { logType: "DiagnosticsLog", requestId: 1, log: { remoteLocation: server.url("/all") } });
  await s.step(120_000);
  r = await s.call("GetLog", { logType: "DiagnosticsLog", requestId: 2, log: { remoteLocation: server.url("/all") } });
  await s.step(120_000);
  r = await s.call("GetLog", { logType: "DiagnosticsLog", requestId: 3, log: { remoteLocation: server.url("/all") } });
  await s.step(120_000);
  // The whole log so far (an upload's own line follows the file it describes).
  r = await s.call("GetLog", { logType: "DiagnosticsLog", requestId: 9, log: { remoteLocation: server.url("/all") } });
  await s.step(3000);
  const all = diagnosticsLines(uploadedFile(server, 3, r.filename));
  const stamp = (l) => l.slice(0, 24);
  const marks = all.filter((l) => / INFO logs: uploading DiagnosticsLog-\d\.log /.test(l));
  assert.equal(marks.length, 3, `three upload lines in the log: ${marks.join(" | ")}`);
  // The window from the second upload's start to just before the third's: its lines, not the first's or third's.
  const oldest = stamp(marks[1]);
  const latest = new Date(Date.parse(stamp(marks[2])) - 1).toISOString();
  const mark = s.mark();
  r = await s.call("GetLog", { logType: "DiagnosticsLog", requestId: 4, log: { remoteLocation: server.url("/window"), oldestTimestamp: oldest, latestTimestamp: latest } });
  assert.equal(r.status, "Accepted");
  await s.step(3000);
  assert.deepEqual(logStatuses(s, mark), [["Uploading", 4], ["Uploaded", 4]]);
  const win = diagnosticsLines(uploadedFile(server, 4, r.filename));
  assert.ok(win.length >= 2, `lines in the window: ${win.length}`);
  for (const l of win) assert.ok(stamp(l) >= oldest && stamp(l) <= latest, `${l} within ${oldest} .. ${latest}`);
  assert.ok(win.some((l) => / logs: uploading DiagnosticsLog-2\.log /.test(l)), "the second upload's line is in");
  assert.ok(!win.some((l) => /DiagnosticsLog-[13]\.log/.test(l)), "the first and third uploads' lines are not");
  assert.deepEqual(win, all.filter((l) => stamp(l) >= oldest && stamp(l) <= latest), "exactly the lines of the window");
});

test(`[${HOST}] GetLog: a location that is not http(s) is Rejected (InvalidURL); refused uploads are PermissionDenied, NotSupportedOperation, BadMessage`, async (t) => {
  const s = await conformance(t);
  const server = await logServer(t);
  server.status("/denied", 403, "no");
  let mark = s.mark();
  let r = await s.call("GetLog", { logType: "SecurityLog", requestId: 7, log: { remoteLocation: "ftp://127.0.0.1/logs" } });
  assert.equal(r.status, "Rejected");
  assert.equal(r.statusInfo.reasonCode, "InvalidURL");
  await s.step(2000);
  assert.deepEqual(logStatuses(s, mark), [], "nothing uploads");
  mark = s.mark();
  r = await s.call("GetLog", { logType: "SecurityLog", requestId: 8, retries: 0, log: { remoteLocation: server.url("/denied") } });
  assert.equal(r.status, "Accepted");
  await s.step(3000);
  assert.deepEqual(logStatuses(s, mark), [["Uploading", 8], ["PermissionDenied", 8]]);
  // A server that does not take the method, or refuses the body.
  server.status("/no-post", 405, "no");
  server.status("/too-big", 413, "no");
  mark = s.mark();
  await s.call("GetLog", { logType: "SecurityLog", requestId: 9, retries: 0, log: { remoteLocation: server.url("/no-post") } });
  await s.step(3000);
  await s.call("GetLog", { logType: "SecurityLog", requestId: 10, retries: 0, log: { remoteLocation: server.url("/too-big") } });
  await s.step(3000);
  assert.deepEqual(logStatuses(s, mark), [["Uploading", 9], ["NotSupportedOperation", 9], ["Uploading", 10], ["BadMessage", 10]]);
});

test(`[${HOST}] GetLog: the diagnostics log survives a power cut (the lines written before it are uploaded after)`, async (t) => {
  const s = await conformance(t);
  const server = await logServer(t);
  server.upload("/logs");
  // The boot's lines are written a minute after the first of them at the latest.
  await s.step(61_000);
  const boots = s.sent("BootNotification").length;
  await s.st.powerCycle();
  assert.ok(await s.stepUntilConnected(2, 120_000), "the station reconnects after the cut");
  for (let i = 0; i < 20 && s.sent("BootNotification").length === boots; i++) await s.step(500);
  await s.step(2000);
  const mark = s.mark();
  const r = await s.call("GetLog", { logType: "DiagnosticsLog", requestId: 5, log: { remoteLocation: server.url("/logs") } });
  assert.equal(r.status, "Accepted");
  await s.step(3000);
  assert.deepEqual(logStatuses(s, mark), [["Uploading", 5], ["Uploaded", 5]]);
  const lines = diagnosticsLines(uploadedFile(server, 0, r.filename));
  assert.equal(lines.filter((l) => / INFO station CS001 connecting to /.test(l)).length, 2, "both boots' start-up lines");
});

test(`[${HOST}] GetLog: ChargingStation.DiagnosticsLogLevel sets the most verbose level the diagnostics log keeps`, async (t) => {
  const s = await conformance(t);
  const server = await logServer(t);
  server.upload("/logs");
  server.status("/fail", 500);
  const level = await s.getVariable("ChargingStation", "DiagnosticsLogLevel");
  assert.equal(level.attributeValue, "2", "Info by default");
  // Warning and above from now on: an upload's INFO line is not kept, a failed upload's WARN line is.
  assert.equal(await s.setVariable("ChargingStation", "DiagnosticsLogLevel", "1"), "Accepted");
  assert.equal(await s.setVariable("ChargingStation", "DiagnosticsLogLevel", "4"), "Rejected", "0..3");
  await s.call("GetLog", { logType: "DiagnosticsLog", requestId: 41, retries: 0, log: { remoteLocation: server.url("/fail") } });
  await s.step(3000);
  const r = await s.call("GetLog", { logType: "DiagnosticsLog", requestId: 42, log: { remoteLocation: server.url("/logs") } });
  await s.step(3000);
  const lines = diagnosticsLines(uploadedFile(server, 0, r.filename));
  assert.ok(lines.some((l) => / WARN logs: upload of DiagnosticsLog-41\.log failed/.test(l)), "the WARN line is kept");
  assert.ok(!lines.some((l) => / INFO logs: uploading DiagnosticsLog-4[12]\.log/.test(l)), "INFO lines after the change are not");
  assert.ok(lines.some((l) => / INFO station CS001 connecting to /.test(l)), "INFO lines from before the change stay");
});

test(`[${HOST}] GetLog: an https location, the server checked against the station's CSMS roots`, async (t) => {
  const pki = makePki();
  t.after(() => require("node:fs").rmSync(pki.dir, { recursive: true, force: true }));
  const s = await conformance(t, { station: { caFile: pki.file("root.pem") } });
  const server = await startFileServer({ tls: true, pki });
  t.after(() => server.close());
  server.upload("/logs");
  let mark = s.mark();
  // By name: the server's certificate is for localhost (the C host's mbedTLS matches DNS names, not IP addresses).
  let r = await s.call("GetLog", { logType: "SecurityLog", requestId: 51, log: { remoteLocation: `https://localhost:${server.port}/logs` } });
  assert.equal(r.status, "Accepted");
  await s.step(3000);
  assert.deepEqual(logStatuses(s, mark), [["Uploading", 51], ["Uploaded", 51]], "uploaded over TLS");
  assert.match(uploadedFile(server, 0, r.filename), / StartupOfTheDevice\b/);
  // A server whose certificate no CSMS root signed: the TLS handshake fails, nothing leaves.
  const other = makePki();
  t.after(() => require("node:fs").rmSync(other.dir, { recursive: true, force: true }));
  const stranger = await startFileServer({ tls: true, pki: other });
  t.after(() => stranger.close());
  stranger.upload("/logs");
  mark = s.mark();
  r = await s.call("GetLog", { logType: "SecurityLog", requestId: 52, retries: 0, log: { remoteLocation: `https://localhost:${stranger.port}/logs` } });
  assert.equal(r.status, "Accepted");
  await s.step(3000);
  assert.deepEqual(logStatuses(s, mark), [["Uploading", 52], ["UploadFailure", 52]], "an untrusted server fails the upload");
  assert.equal(stranger.uploads.length, 0);
});

test(`[${HOST}] GetLog: a LogStatusNotification cut off by a lost connection is sent again after the reconnection`, async (t) => {
  let s = null, dropped = false;
  const handlers = { LogStatusNotification: (p) => {
    if (p.status !== "Uploaded" || dropped) return {};
    dropped = true;   // no answer: the connection goes down under the call
    setImmediate(() => s.csms.client().close({ code: 1001, force: true }));
    return new Promise(() => {});
  } };
  s = await conformance(t, { csms: { handlers } });
  const server = await logServer(t);
  server.upload("/logs");
  const mark = s.mark();
  await s.call("GetLog", { logType: "SecurityLog", requestId: 60, log: { remoteLocation: server.url("/logs") } });
  await s.step(3000);
  assert.ok(dropped, "the CSMS dropped the connection during the Uploaded");
  assert.ok(await s.stepUntilConnected(2, 120_000), "the station reconnects");
  await s.step(5000);
  assert.deepEqual(logStatuses(s, mark), [["Uploading", 60], ["Uploaded", 60], ["Uploaded", 60]], "Uploaded again after the reconnection");
});
