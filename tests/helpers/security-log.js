// The station's security log as the security block stores it (docs/security.md), read where the host keeps
// it (tests/helpers/station-kv.js).
"use strict";
const assert = require("node:assert/strict");
const { readStationKey } = require("./station-kv.js");

/** SecurityEventType (core/security-log.ts): the number a log entry holds. */
const NAMES = ["StartupOfTheDevice", "ResetOrReboot", "FirmwareUpdated", "SettingSystemTime", "ReconfigurationOfSecurityParameters",
  "InvalidMessages", "InvalidCsmsCertificate", "InvalidTLSVersion", "InvalidTLSCipherSuite", "InvalidChargingStationCertificate",
  "FailedToAuthenticateAtCsms", "CsmsFailedToAuthenticate", "MemoryExhaustion", "InvalidFirmwareSignature",
  "InvalidFirmwareSigningCertificate", "SecurityLogWasCleared", "AttemptedReplayAttacks", "TamperDetectionActivated",
  "MaintenanceLoginAccepted", "MaintenanceLoginFailed"];

/** The security log as stored: { nextSeq, lastProfile, entries: [{ wall, seq, type, toSend, techInfo }] }. */
function readLog(st) {
  const b = readStationKey(st, "sec.log");
  assert.ok(b, "the security log is in storage");
  assert.equal(b[0], 1, "log format version 1");
  const count = b[1];
  assert.equal(b.length, 16 + count * 80, "header and whole entries");
  const entries = [];
  for (let i = 0; i < count; i++) {
    const e = b.subarray(16 + i * 80, 16 + (i + 1) * 80);
    entries.push({
      wall: Number(e.readBigInt64LE(0)), seq: e.readUInt32LE(8), type: NAMES[e[12]], toSend: (e[13] & 1) === 1,
      techInfo: e.subarray(16, 16 + e[14]).toString("utf8"),
    });
  }
  return { lastProfile: b[2], nextSeq: b.readUInt32LE(4), entries };
}

module.exports = { readLog, NAMES };
