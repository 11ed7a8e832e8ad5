// The station's clock (C-23: time sources Heartbeat and NTP) on the host chosen by STATION_HOST, with the
// virtual clock, the strict test CSMS (its currentTime is the real time) and a fake SNTP server in this process
// (tests/helpers/sntp-server.js) that answers 2030-06-01T00:00:00Z, far from both. ClockCtrlr.TimeSource
// decides which source sets the clock; servers come from ClockCtrlr.NtpServerUri.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { chargingScenario } = require("./helpers/scenario.js");
const { HOST } = require("./helpers/station-host.js");
const { startSntpServer, reply, NTP_TEST_TIME } = require("./helpers/sntp-server.js");

const HOUR = 3_600_000;
const VIRTUAL_START = Date.UTC(2026, 0, 1);   // both hosts' virtual wall clock at power-up

async function sntp(t, opts) {
  const server = await startSntpServer(opts);
  t.after(() => server.close());
  return server;
}

function ntpConfig(timeSource, ...servers) {
  const config = { "dm:ClockCtrlr.TimeSource": timeSource };
  servers.forEach((uri, i) => { if (uri) config[`dm:ClockCtrlr.NtpServerUri.${i + 1}`] = uri; });
  return config;
}

/** ClockCtrlr.DateTime through GetVariables (the CSMS must be connected). */
const dateTime = async (s) => Date.parse((await s.getVariable("ClockCtrlr", "DateTime")).attributeValue);
/** The station's clock from its status report, for when the CSMS is out of reach. */
const statusTime = async (s) => Date.parse((await s.st.status()).time);
const iso = (ms) => new Date(ms).toISOString();

/** The station's clock was set to `at` by a sync at some virtual time in [0, now] and ran freely since. */
async function assertSyncedTo(s, at, what, read = dateTime) {
  const dt = await read(s);
  assert.ok(dt >= at && dt <= at + s.now() + 5, `${what}: DateTime ${iso(dt)}, want ${iso(at)} + at most ${s.now()} ms`);
}

/** The clock runs on the CSMS's time (its real time, moved on by at most the virtual time since). */
async function assertCsmsTime(s, what, read = dateTime) {
  const dt = await read(s);
  assert.ok(Math.abs(dt - Date.now()) < s.now() + 10 * 60_000, `${what}: DateTime ${iso(dt)} is the CSMS's time`);
}

/** Steps until the station's virtual time is `at`. */
const stepTo = (s, at) => s.step(Math.max(0, at - s.now()));

test(`[${HOST}] NTP before Heartbeat: the SNTP server's time from the start, in DateTime and the messages; the CSMS's time is not taken; asked again an hour later`, async (t) => {
  const ntp = await sntp(t);
  const s = await chargingScenario(t, { station: { config: ntpConfig("NTP,Heartbeat", ntp.uri) } });
  assert.equal(ntp.requests.length, 1, "one query at start");
  const req = ntp.requests[0];
  assert.equal(req.length, 48);
  assert.equal(req[0], 0x23, "LI 0, VN 4, mode 3 (client)");
  assert.ok(req.subarray(1, 40).equals(Buffer.alloc(39)), "nothing but the transmit timestamp");
  const sent = (Number(req.readUInt32BE(40)) - 2208988800) * 1000;
  assert.ok(Math.abs(sent - VIRTUAL_START) < 60_000, `the transmit timestamp is the clock before the sync (${iso(sent)})`);
  await assertSyncedTo(s, NTP_TEST_TIME, "after the boot");
  const statuses = s.sent("StatusNotification");
  assert.ok(statuses.length >= 2, "the connectors were reported");
  for (const p of statuses) assert.ok(p.timestamp.startsWith("2030-06-01T00:00:0"), `StatusNotification at ${p.timestamp}`);

  await s.step(301_000);
  assert.ok(s.csms.count("Heartbeat") >= 1, "a heartbeat brought the CSMS's time");
  await assertSyncedTo(s, NTP_TEST_TIME, "after a heartbeat");
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "StatusNotification", evse: { id: 1, connectorId: 2 } })).status, "Accepted");
  await s.step(1000);
  const last = s.sent("StatusNotification").at(-1);
  assert.ok(Date.parse(last.timestamp) >= NTP_TEST_TIME + 300_000, `a later message is stamped on NTP time (${last.timestamp})`);

  ntp.timeMs = Date.UTC(2031, 0, 1);
  await stepTo(s, HOUR - 1000);
  assert.equal(ntp.requests.length, 1, "no query before the hour");
  await stepTo(s, HOUR + 2000);
  assert.equal(ntp.requests.length, 2, "the hourly query");
  await assertSyncedTo(s, ntp.timeMs, "after the hourly query");
  assert.ok(await dateTime(s) <= ntp.timeMs + 3000);
});

test(`[${HOST}] Heartbeat before NTP: the CSMS's time wins while it keeps coming; NTP takes over when the CSMS stays silent for two heartbeat intervals`, async (t) => {
  const ntp = await sntp(t);
  const s = await chargingScenario(t, { station: { config: ntpConfig("Heartbeat,NTP", ntp.uri) } });
  assert.equal(ntp.requests.length, 1, "NTP is asked at start all the same");
  await assertCsmsTime(s, "after the boot");
  for (const p of s.sent("StatusNotification")) assert.ok(!p.timestamp.startsWith("2030"), `StatusNotification at ${p.timestamp}`);

  // Another spelling of the same server is a new configuration: asked at once, answered, not taken.
  assert.equal(await s.setVariable("ClockCtrlr", "NtpServerUri", `ntp://${ntp.uri}`, "1"), "Accepted");
  await s.step(1000);
  assert.equal(ntp.requests.length, 2, "the new server is asked at once");
  await assertCsmsTime(s, "an NTP answer while the CSMS's time is recent");
  const requeryAt = s.now();

  // The CSMS goes away (the network stays up): no currentTime for far more than two 300 s intervals.
  s.csms.admit(false);
  await s.csms.client().close({ code: 1001, force: true });
  await stepTo(s, requeryAt + HOUR - 2000);
  assert.equal(ntp.requests.length, 2);
  await assertCsmsTime(s, "before the next query", statusTime);
  await stepTo(s, requeryAt + HOUR + 1000);
  assert.equal(ntp.requests.length, 3, "the hourly query");
  await assertSyncedTo(s, NTP_TEST_TIME, "the CSMS silent for two intervals", statusTime);
  assert.ok(await statusTime(s) <= NTP_TEST_TIME + 3000);
});

test(`[${HOST}] a silent first server: after the 5 s time-out and the 60 s back-off the second one is asked and sets the clock`, async (t) => {
  const silent = await sntp(t), good = await sntp(t);
  silent.behaviour = "silent";
  const s = await chargingScenario(t, { station: { config: ntpConfig("NTP", silent.uri, good.uri) } });
  assert.deepEqual([silent.requests.length, good.requests.length], [1, 0]);
  await stepTo(s, 64_000);
  assert.deepEqual([silent.requests.length, good.requests.length], [1, 0], "waiting out the back-off");
  const before = await dateTime(s);
  assert.ok(before < Date.UTC(2027, 0, 1), `not set yet (${iso(before)})`);
  await stepTo(s, 66_000);
  assert.deepEqual([silent.requests.length, good.requests.length], [1, 1]);
  await assertSyncedTo(s, NTP_TEST_TIME, "from the second server");
  assert.ok(await dateTime(s) <= NTP_TEST_TIME + 2000);
});

test(`[${HOST}] bad datagrams are ignored (short, wrong mode, wrong originate, unsynchronized); a kiss-o'-death doubles the back-off`, async (t) => {
  const ntp = await sntp(t);
  const BAD_TIME = Date.UTC(2040, 0, 1);
  // First query: junk only, every piece carrying another time. None may set the clock or end the wait early.
  ntp.behaviour = (req, send) => {
    send(reply(req, BAD_TIME, { length: 47 }));
    send(reply(req, BAD_TIME, { mode: 3 }));
    send(reply(req, BAD_TIME, { mode: 5 }));
    send(reply(req, BAD_TIME, { origin: req.readBigUInt64BE(40) ^ 1n }));
    send(reply(req, BAD_TIME, { origin: 0n }));
    send(Buffer.alloc(0));
  };
  const s = await chargingScenario(t, { station: { config: ntpConfig("NTP", ntp.uri) } });
  assert.equal(ntp.requests.length, 1);
  await stepTo(s, 62_000);
  assert.equal(ntp.requests.length, 1, "the junk did not end the query: the 5 s time-out did, then 60 s");
  let dt = await dateTime(s);
  assert.ok(dt < Date.UTC(2027, 0, 1), `clock untouched (${iso(dt)})`);
  // Second query: an unsynchronized answer (LI 3), then a kiss-o'-death; both from the server, right originate.
  ntp.behaviour = (req, send) => {
    send(reply(req, BAD_TIME, { li: 3 }));
  };
  await stepTo(s, 66_000);
  assert.equal(ntp.requests.length, 2);
  ntp.behaviour = (req, send) => send(reply(req, BAD_TIME, { stratum: 0, refid: "RATE" }));
  await stepTo(s, 65_000 + 120_000 - 1000);
  assert.equal(ntp.requests.length, 2, "LI 3 ended the query at once: 120 s back-off");
  await stepTo(s, 65_000 + 120_000 + 1000);
  assert.equal(ntp.requests.length, 3);
  dt = await dateTime(s);
  assert.ok(dt < Date.UTC(2027, 0, 1), `clock untouched (${iso(dt)})`);
  ntp.behaviour = "ok";
  await stepTo(s, 185_000 + 240_000 - 1000);
  assert.equal(ntp.requests.length, 3, "the kiss-o'-death doubled the back-off to 240 s");
  await stepTo(s, 185_000 + 240_000 + 1000);
  assert.equal(ntp.requests.length, 4);
  await assertSyncedTo(s, NTP_TEST_TIME, "a good answer at last");
  assert.ok(await dateTime(s) <= NTP_TEST_TIME + 2000);
  assert.ok(s.st.logs.some((l) => /kiss-o'-death RATE/.test(l.text)), "the kiss code is logged");
});

test(`[${HOST}] link down: an answer on the way is lost and no query leaves; after link up the next one sets the clock`, async (t) => {
  const ntp = await sntp(t);
  let held = null;
  ntp.behaviour = (req, send) => { held = () => new Promise((r) => send(reply(req, NTP_TEST_TIME), () => r())); };
  const s = await chargingScenario(t, { station: { config: ntpConfig("NTP", ntp.uri) } });
  assert.equal(ntp.requests.length, 1);
  assert.ok(held, "the first query is held by the server");
  await s.st.setNetwork(false);
  await held();
  await s.st.settle();
  await new Promise((r) => setTimeout(r, 50));
  await s.st.settle();
  let dt = await statusTime(s);
  assert.ok(dt < Date.UTC(2027, 0, 1), `the answer that arrived while down was dropped (${iso(dt)})`);
  ntp.behaviour = "ok";
  await stepTo(s, 70_000);
  assert.equal(ntp.requests.length, 1, "the query due at 65 s could not leave");
  await s.st.setNetwork(true);
  await stepTo(s, 65_000 + 120_000 - 1000);
  assert.equal(ntp.requests.length, 1, "the back-off doubled after the failed attempt");
  await stepTo(s, 65_000 + 120_000 + 1000);
  assert.equal(ntp.requests.length, 2);
  await assertSyncedTo(s, NTP_TEST_TIME, "after link up", statusTime);
  dt = await statusTime(s);
  assert.ok(dt <= NTP_TEST_TIME + 2000);
});

test(`[${HOST}] ClockCtrlr: NtpServerUri validated when set, NtpSource manual and read-only, TimeSource Heartbeat and NTP in either order`, async (t) => {
  const ntp = await sntp(t);
  const s = await chargingScenario(t);
  const get = async (name, instance) => (await s.getVariable("ClockCtrlr", name, instance)).attributeValue;
  assert.equal(await get("TimeSource"), "Heartbeat", "the default");
  assert.equal(await get("NtpServerUri", "1"), "");
  assert.equal(await get("NtpSource"), "manual");
  assert.equal(await s.setVariable("ClockCtrlr", "NtpSource", "DHCP"), "Rejected");
  for (const bad of ["host:0", "host:65536", "ntp://", "udp://host", "two words", "host/path", "[::1"]) {
    assert.equal(await s.setVariable("ClockCtrlr", "NtpServerUri", bad, "1"), "Rejected", bad);
  }
  assert.equal(await s.setVariable("ClockCtrlr", "NtpServerUri", "x", "3"), "UnknownVariable", "two instances");
  assert.equal(await s.setVariable("ClockCtrlr", "NtpServerUri", "ntp://[2001:db8::1]:123", "2"), "Accepted");
  assert.equal(await s.setVariable("ClockCtrlr", "NtpServerUri", "", "2"), "Accepted", "empty: no server");
  assert.equal(await s.setVariable("ClockCtrlr", "NtpServerUri", ntp.uri, "1"), "Accepted");
  await s.step(5000);
  assert.equal(ntp.requests.length, 0, "TimeSource without NTP: no query");
  for (const bad of ["GPS", "NTP,NTP", "Heartbeat,RealTimeClock"]) assert.equal(await s.setVariable("ClockCtrlr", "TimeSource", bad), "Rejected", bad);
  assert.equal(await s.setVariable("ClockCtrlr", "TimeSource", "NTP,Heartbeat"), "Accepted");
  assert.equal(await get("TimeSource"), "NTP,Heartbeat", "a sequence keeps its order");
  await s.step(1000);
  assert.equal(ntp.requests.length, 1, "NTP listed: asked at once");
  await assertSyncedTo(s, NTP_TEST_TIME, "NTP first");
  assert.equal(await get("NtpServerUri", "1"), ntp.uri);
  const report = await s.call("GetReport", { requestId: 5, componentVariable: [{ component: { name: "ClockCtrlr" } }] });
  assert.equal(report.status, "Accepted");
  await s.step(1000);
  const items = s.sent("NotifyReport").filter((p) => p.requestId === 5).flatMap((p) => p.reportData);
  const names = items.map((d) => d.variable.name + (d.variable.instance ? `[${d.variable.instance}]` : ""));
  for (const n of ["DateTime", "NtpServerUri[1]", "NtpServerUri[2]", "NtpSource", "TimeSource"]) assert.ok(names.includes(n), `${n} reported`);
  const source = items.find((d) => d.variable.name === "NtpSource");
  assert.equal(source.variableAttribute[0].mutability, "ReadOnly");
  assert.equal(source.variableCharacteristics.valuesList, "manual");
  assert.equal(items.find((d) => d.variable.name === "TimeSource").variableCharacteristics.valuesList, "Heartbeat,NTP");
});
