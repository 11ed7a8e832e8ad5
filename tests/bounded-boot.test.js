// A boot with every persistent store at its bound (principle 6: bounded, never a trap), on the host chosen by
// STATION_HOST, virtual clock. The stores are filled through the station's own behaviour where that is quick, the
// rest written in the store's own format while the station is off (said at each one); then the power comes back.
// Required: no trap, the BootNotification, the stored state served (the 1 000 queued transaction events delivered in
// seqNo order, the flagged security events sent). The heap's highest address is printed beside the fixed
// linear memory: on the Node host the image is build/firmware.rtrace.wasm (the release build with RTRACE hooks, as
// `make bench` measures "heap at start-up"); wasm3 has no such hooks, so the C host reports no figure.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { chargingScenario, VALID_TOKEN } = require("./helpers/scenario.js");
const { startTestStation, HOST } = require("./helpers/station-host.js");
const { readStationKey } = require("./helpers/station-kv.js");
const { pkiIn } = require("../host/node/pki.js");
const { tracedInstantiate, tracedModule, newRecord } = require("../host/node/heap-trace.js");

const SPARE_MIN = 16 * 1024;
const QUEUE_LIMIT = 1000;                  // transactions/tx-queue.ts
const SOFT_LIMIT = 400;                    // QUEUE_SOFT_LIMIT: periodic updates thinned from here on
const SAMPLES_MAX = 32;                     // transactions/ended-samples.ts
const LOG_CAPACITY = 48, LOG_ENTRY = 80, SEND_CAPACITY = 16;   // security/security-events.ts
const RTRACE_WASM = path.join(__dirname, "..", "build", "firmware.rtrace.wasm");
const LINEAR_MEMORY = require("../asconfig.json").targets.release.maximumMemory * 65536;   // fixed: initial = maximum

const kvFile = (dataDir, key) => path.join(dataDir, "kv", Buffer.from(key).toString("hex"));

/** A queued entry's parts: [request JSON][TxRecord snapshot][u16 snapshot length] (transactions.ts queueEvent). */
function entryParts(entry) {
  const snapLen = entry.readUInt16LE(entry.length - 2);
  const jsonLen = entry.length - 2 - snapLen;
  return { json: entry.subarray(0, jsonLen).toString("utf8"), snap: Buffer.from(entry.subarray(jsonLen, jsonLen + snapLen)) };
}

/** The entry with its seqNo (in the request JSON and the snapshot's next seqNo) and snapshot version rewritten. */
function withSeqNo(entry, seqNo, version) {
  const { json, snap } = entryParts(entry);
  // core/tx-record.ts: format u8, version i64, active u8, id (u8 length + bytes), seqNo i32 (the next event's)
  snap.writeBigInt64LE(BigInt(version), 1);
  snap.writeInt32LE(seqNo + 1, 11 + snap[10]);
  assert.match(json, /"seqNo":\d+/, "seqNo in the request");
  const tail = Buffer.alloc(2); tail.writeUInt16LE(snap.length);
  return Buffer.concat([Buffer.from(json.replace(/"seqNo":\d+/, `"seqNo":${seqNo}`)), snap, tail]);
}

/** The value of maximum length SetVariables may set for a reported variable, or null (keep the current one). */
function longestValue(ch) {
  if (!ch) return null;
  const list = ch.valuesList ? ch.valuesList.split(",") : null;
  switch (ch.dataType) {
    case "string": return "x".repeat(Math.min(ch.maxLimit || 1000, 1000));
    case "OptionList": return list ? list.reduce((a, b) => (b.length > a.length ? b : a)) : null;
    case "MemberList": case "SequenceList": return list ? list.join(",") : null;
    default: return null;   // integer, decimal, boolean, dateTime: a few bytes; set to the current value
  }
}

// Read-write variables not set to a long value, and why (their current value is written instead).
const KEEP = {
  "SecurityCtrlr.Identity": "the station's identity in the CSMS URL: another one is a station the CSMS does not know",
  "OCPPCommCtrlr.NetworkConfigurationPriority": "slots: the list decides where the station connects",
  "ClockCtrlr.TimeSource": "NTP sources would look up the long server names",
  "ClockCtrlr.NtpServerUri": "a long name is a DNS look-up on the host",
  "SampledDataCtrlr.TxUpdatedInterval": "1 s: the queue fills with periodic updates",
  "SampledDataCtrlr.TxEndedInterval": "1 s: the Ended samples fill",
};

test(`[${HOST}] a boot with every persistent store at its bound: no trap, BootNotification, the stored state served`, { timeout: 600_000 }, async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bounded-"));
  t.after(() => { if (!process.env.BOUNDED_KEEP) fs.rmSync(dataDir, { recursive: true, force: true }); });
  const heap = newRecord();   // heap.top: this test's phases; HEAP_HIGH_WATER (make heap-suite) gets its maximum
  let rtrace = null;
  if (HOST === "node") {
    const release = path.join(__dirname, "..", "build", "firmware.wasm");
    assert.ok(fs.existsSync(RTRACE_WASM) && fs.statSync(RTRACE_WASM).mtimeMs >= fs.statSync(release).mtimeMs,
      "build/firmware.rtrace.wasm as new as build/firmware.wasm (make build/firmware.rtrace.wasm)");
    rtrace = { module: tracedModule(), instantiate: tracedInstantiate(heap) };
  }
  const csrs = [];
  const s = await chargingScenario(t, {
    station: { dataDir, ...(rtrace || {}) },
    csms: { handlers: { SignCertificate: (p) => { csrs.push(p.csr); return { status: "Accepted" }; } } },
  });

  // Device model: every read-write variable, strings and lists at their longest (SetVariables, the station's own
  // store "dm:<Component>.<Variable>").
  assert.equal((await s.call("GetBaseReport", { requestId: 71, reportBase: "FullInventory" })).status, "Accepted");
  await s.step(2000);
  const items = s.sent("NotifyReport").filter((r) => r.requestId === 71).flatMap((r) => r.reportData || []);
  assert.ok(items.length > 50, `the full inventory (${items.length} items)`);
  let long = 0, kept = 0;
  const notSet = [];
  for (const it of items) {
    const actual = it.variableAttribute.find((a) => (a.type || "Actual") === "Actual");
    if (!actual || (actual.mutability || "ReadWrite") !== "ReadWrite") continue;
    const name = `${it.component.name}.${it.variable.name}`;
    const setOne = async (value) => {
      const r = await s.call("SetVariables", { setVariableData: [{ component: it.component, variable: it.variable, attributeValue: value }] });
      return r.setVariableResult[0].attributeStatus;
    };
    const value = KEEP[name] ? null : longestValue(it.variableCharacteristics);
    if (value !== null && ["Accepted", "RebootRequired"].includes(await setOne(value))) { long++; continue; }
    if (actual.value !== undefined && ["Accepted", "RebootRequired"].includes(await setOne(actual.value))) { kept++; continue; }
    notSet.push(name);
  }
  console.log(`# device model: ${long} read-write variables at their longest, ${kept} at their current value, not set: ${notSet.join(", ") || "none"}`);
  assert.ok(long >= 5, "string and list variables at their longest");

  // Certificates: 4 per root type (InstallCertificate into the host's store), the station's own certificate
  // (A02: CSR, CertificateSigned), then a second CSR left pending.
  const pki = pkiIn(fs.mkdtempSync(path.join(os.tmpdir(), "bounded-pki-")));
  t.after(() => fs.rmSync(pki.dir, { recursive: true, force: true }));
  const installed = {};
  for (const type of ["CSMSRootCertificate", "ManufacturerRootCertificate", "V2GRootCertificate", "MORootCertificate"]) {
    installed[type] = 0;
    for (let i = 0; i < 4; i++) {
      const name = i === 0 && type === "CSMSRootCertificate" ? "root" : `${type}-${i}`;
      pki.root(name, `${type} ${i} `.padEnd(64, "y"));   // CN at its longest
      const r = await s.call("InstallCertificate", { certificateType: type, certificate: pki.read(`${name}.pem`).toString() });
      if (r.status === "Accepted") installed[type]++;
    }
  }
  console.log(`# certificates installed: ${JSON.stringify(installed)}`);
  assert.equal(installed.CSMSRootCertificate, 4);
  assert.equal(installed.ManufacturerRootCertificate, 4);
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "SignChargingStationCertificate" })).status, "Accepted");
  await s.step(2000);
  if (csrs.length !== 1) console.log(s.st.logs.slice(-15).map((l) => `${l.level} ${l.text}`).join("\n"));
  assert.equal(csrs.length, 1, "a CSR");
  const signed = await s.call("CertificateSigned", { certificateChain: pki.signCsr(csrs[0]), certificateType: "ChargingStationCertificate" });
  assert.equal(signed.status, "Accepted", "the station's certificate");
  assert.equal((await s.call("TriggerMessage", { requestedMessage: "SignChargingStationCertificate" })).status, "Accepted");
  await s.step(2000);
  assert.equal(csrs.length, 2, "a second CSR, left pending");

  // Network profiles: every slot SetNetworkProfile may write (slot 0 is in use), the URL at the longest the store
  // keeps (255 bytes: ByteWriter.str; the schema allows 512, a longer URL would be stored cut).
  for (const slot of [1, 2]) {
    const url = `ws://127.0.0.1:1/${"p".repeat(255 - 19)}`;
    const r = await s.call("SetNetworkProfile", { configurationSlot: slot, connectionData: {
      ocppVersion: "OCPP20", ocppTransport: "JSON", ocppCsmsUrl: url, messageTimeout: 30, securityProfile: 0, ocppInterface: "Wireless3" } });
    assert.equal(r.status, "Accepted", `slot ${slot}`);
  }

  // The transaction queue and the Ended samples through the station's own behaviour: a session with an update and
  // an Ended sample every second, every measurand, the CSMS gone: 400 events queued, then periodic updates thinned.
  const measurands = ["Energy.Active.Import.Register", "Energy.Active.Export.Register", "Power.Active.Import",
    "Power.Offered", "Current.Import", "Current.Offered", "Voltage", "SoC", "Power.Factor"];   // tests/metering.test.js
  for (const v of ["TxEndedMeasurands", "TxUpdatedMeasurands"]) {
    const st = await s.setVariable("SampledDataCtrlr", v, measurands.join(","));
    if (st !== "Accepted") assert.equal(await s.setVariable("SampledDataCtrlr", v, measurands.slice(0, 4).join(",")), "Accepted");
  }
  assert.equal(await s.setVariable("SampledDataCtrlr", "TxUpdatedInterval", "1"), "Accepted");
  assert.equal(await s.setVariable("SampledDataCtrlr", "TxEndedInterval", "1"), "Accepted");
  await s.swipe(VALID_TOKEN);
  await s.plug(1);
  await s.ready(1);
  const started = s.events().filter((e) => e.eventType === "Started");
  assert.equal(started.length, 1, "the session started online");
  const txId = started[0].transactionInfo.transactionId;
  const sentOnline = s.events().filter((e) => e.transactionInfo.transactionId === txId).length;
  await s.csmsGone();
  await s.step(SOFT_LIMIT * 1000 + 60_000);
  // The Ended samples (transactions/ended-samples.ts: format u8, id, count u8, ...) fill to 32, then are thinned
  // to 16: the cut comes when 32 are stored.
  const endedCount = () => { const b = readStationKey({ dataDir }, "tx.1.ended"); return b ? b[2 + b[1]] : -1; };
  for (let i = 0; i < 600 && endedCount() !== SAMPLES_MAX; i++) await s.step(1000);
  assert.equal(endedCount(), SAMPLES_MAX, "the Ended samples at their bound");
  s.st.stop();                                   // the power cut
  const keys = fs.readdirSync(path.join(dataDir, "kv")).map((h) => Buffer.from(h, "hex").toString());
  const queued = keys.filter((k) => /^txq\.\d+$/.test(k)).map((k) => Number(k.slice(4))).sort((a, b) => a - b);
  assert.ok(queued.length >= SOFT_LIMIT && queued.length < SOFT_LIMIT + 30,
    `${queued.length} queued by the station: periodic updates thinned from ${SOFT_LIMIT} on`);
  assert.ok(readStationKey({ dataDir }, "tx.1.ended"), "the Ended samples are stored");

  // The rest of the queue in its own format: the station's newest entry again with the next seqNo (and a newer
  // snapshot version), up to one below the limit: the Ended(PowerLoss) the boot adds is the 1 000th.
  const lastKey = queued[queued.length - 1];
  const last = fs.readFileSync(kvFile(dataDir, `txq.${lastKey}`));
  const head = queued[0];
  const lastSeq = Number(/"seqNo":(\d+)/.exec(entryParts(last).json)[1]);
  const lastVersion = Number(entryParts(last).snap.readBigInt64LE(1));
  let seq = lastSeq;
  for (let k = lastKey + 1; k < head + QUEUE_LIMIT - 1; k++) {
    seq++;
    fs.writeFileSync(kvFile(dataDir, `txq.${k}`), withSeqNo(last, seq, lastVersion + (seq - lastSeq)));
  }

  // The security log in its own format (security/security-events.ts): the station's entries, then more up to 48,
  // techInfo at its longest (64 bytes), the newest 16 critical and still to send.
  const log = fs.readFileSync(kvFile(dataDir, "sec.log"));
  const count = log[1];
  let nextSeq = log.readUInt32LE(4);
  const entries = [];
  for (let i = 0; i < count; i++) entries.push(log.subarray(16 + i * LOG_ENTRY, 16 + (i + 1) * LOG_ENTRY));
  const wall0 = entries.length ? Number(entries[entries.length - 1].readBigInt64LE(0)) : Date.parse("2026-01-01T00:00:00Z");
  const markers = [];
  while (entries.length < LOG_CAPACITY) {
    const e = Buffer.alloc(LOG_ENTRY);
    e.writeBigInt64LE(BigInt(wall0 + (entries.length + 1) * 1000), 0);
    e.writeUInt32LE(nextSeq++, 8);
    e[12] = 17;                                   // TamperDetectionActivated: critical
    const tech = `bound-${nextSeq}-`.padEnd(64, "t");
    markers.push(tech);
    e[13] = LOG_CAPACITY - entries.length <= SEND_CAPACITY ? 1 : 0;
    e[14] = 64;
    e.write(tech, 16);
    entries.push(e);
  }
  const header = Buffer.from(log.subarray(0, 16));
  header[1] = LOG_CAPACITY;
  header.writeUInt32LE(nextSeq, 4);
  fs.writeFileSync(kvFile(dataDir, "sec.log"), Buffer.concat([header, ...entries]));

  // The firmware update record ("fw", firmware/update-record.ts) with location, signing certificate and signature at
  // their bounds (512, 5 500, 600 bytes), waiting for a retrieveDateTime far ahead.
  const LOC = 512, CERT = 5500, SIG = 600;
  const fw = Buffer.alloc(48 + LOC + CERT + SIG);
  fw[0] = 1; fw[1] = 1;                          // version, Phase.DownloadWait
  fw.writeInt32LE(77, 4); fw.writeInt32LE(3, 8); fw.writeInt32LE(60, 12);
  fw.writeBigInt64LE(BigInt(Date.parse("2099-01-01T00:00:00Z")), 16);
  fw.writeBigInt64LE(0n, 24);
  fw.writeUInt16LE(LOC, 32); fw.writeUInt16LE(CERT, 34); fw.writeUInt16LE(SIG, 36);
  fw.write(`https://127.0.0.1:1/${"f".repeat(LOC - 20)}`, 48);
  fw.write(`-----BEGIN CERTIFICATE-----\n${"A".repeat(CERT - 54)}\n-----END CERTIFICATE-----\n`.slice(0, CERT), 48 + LOC);
  fw.fill(0x5a, 48 + LOC + CERT);
  fs.writeFileSync(kvFile(dataDir, "fw"), fw);

  // The power comes back.
  if (process.env.BOUNDED_KEEP) fs.cpSync(dataDir, process.env.BOUNDED_KEEP, { recursive: true });
  heap.top = 0;
  const boots = s.csms.count("BootNotification");
  const st = await startTestStation({ csmsUrl: s.csms.url, stationId: "CS001", sim: true, dataDir, ...(rtrace || {}),
    config: { "dm:AlignedDataCtrlr.Interval": "0", "dm:ClockCtrlr.TimeAdjustmentReportingThreshold": "2147483647" } });
  t.after(() => st.stop());
  for (let waited = 0; s.csms.count("BootNotification") === boots && waited < 120; waited++) await st.advance(1000);
  if (s.csms.count("BootNotification") === boots) console.log(st.logs.slice(-30).map((l) => `${l.level} ${l.text}`).join("\n"));
  assert.equal(s.csms.count("BootNotification"), boots + 1, "the boot completes");
  await st.settle();
  const bootTop = heap.top;
  const txEvents = () => s.events().filter((e) => e.transactionInfo.transactionId === txId);
  for (let waited = 0; txEvents().length < sentOnline + QUEUE_LIMIT && waited < 600; waited++) {
    await st.advance(1000);
    await s.csms.quiet();
  }
  const traps = st.logs.filter((l) => /trap/.test(l.text));
  assert.deepEqual(traps.map((l) => l.text), [], "no trap");
  const got = txEvents();
  assert.equal(got.length, sentOnline + QUEUE_LIMIT, "every queued event delivered, once");
  got.forEach((e, i) => assert.equal(e.seqNo, i, "in seqNo order"));
  const ended = got[got.length - 1];
  assert.equal(ended.eventType, "Ended");
  assert.equal(ended.transactionInfo.stoppedReason, "PowerLoss");
  const security = s.sent("SecurityEventNotification").map((e) => e.techInfo);
  assert.ok(security.includes(markers[markers.length - 1]), "the newest stored security event is sent");
  const fwAfter = readStationKey({ dataDir }, "fw");
  assert.ok(fwAfter && fwAfter.length === fw.length, "the update record was read and kept (an unreadable one is deleted)");
  const samples = ended.meterValue.length - 1;
  if (heap.top) {
    console.log(`# heap (${HOST} host, RTRACE): highest address ${bootTop} B after the boot, ${heap.top} B after the queue ` +
      `drained; linear memory ${LINEAR_MEMORY} B, ${LINEAR_MEMORY - heap.top} B spare`);
    assert.ok(LINEAR_MEMORY - heap.top >= SPARE_MIN, `at least ${SPARE_MIN} B spare`);
  } else console.log(`# heap: not measured on the ${HOST} host (wasm3 has no RTRACE hooks); see the Node host's run`);
  console.log(`# queue: ${queued.length} queued by the station, ${QUEUE_LIMIT - 1 - queued.length} written, the Ended(PowerLoss) with ${samples} of the ${SAMPLES_MAX} stored samples (thinned to fit)`);
});
