// Where any block reports a security event (A04; names from the security events appendix of Part 2). The station
// wires it to the security block, which logs every event before raise() returns and sends the critical ones when
// online (docs/security.md).
// The enum's order is the order of SECURITY_EVENT_NAMES; the stored log holds the number, so append only.

export const enum SecurityEventType {
  StartupOfTheDevice = 0,
  ResetOrReboot = 1,
  FirmwareUpdated = 2,
  SettingSystemTime = 3,
  ReconfigurationOfSecurityParameters = 4,
  InvalidMessages = 5,
  InvalidCsmsCertificate = 6,
  InvalidTLSVersion = 7,
  InvalidTLSCipherSuite = 8,
  InvalidChargingStationCertificate = 9,
  FailedToAuthenticateAtCsms = 10,
  CsmsFailedToAuthenticate = 11,
  MemoryExhaustion = 12,
  InvalidFirmwareSignature = 13,
  InvalidFirmwareSigningCertificate = 14,
  SecurityLogWasCleared = 15,
  AttemptedReplayAttacks = 16,
  TamperDetectionActivated = 17,
  MaintenanceLoginAccepted = 18,
  MaintenanceLoginFailed = 19,
}

export const SECURITY_EVENT_NAMES: StaticArray<string> = [
  "StartupOfTheDevice", "ResetOrReboot", "FirmwareUpdated", "SettingSystemTime", "ReconfigurationOfSecurityParameters",
  "InvalidMessages", "InvalidCsmsCertificate", "InvalidTLSVersion", "InvalidTLSCipherSuite",
  "InvalidChargingStationCertificate", "FailedToAuthenticateAtCsms", "CsmsFailedToAuthenticate", "MemoryExhaustion",
  "InvalidFirmwareSignature", "InvalidFirmwareSigningCertificate", "SecurityLogWasCleared", "AttemptedReplayAttacks",
  "TamperDetectionActivated", "MaintenanceLoginAccepted", "MaintenanceLoginFailed",
];

/** The longest techInfo the log keeps (UTF-8 bytes); a longer one is cut at a character boundary. */
export const TECH_INFO_MAX: i32 = 64;

export class SecurityLog {
  /** Records the event `type` (SecurityEventType) at the station's wall-clock time, with an optional techInfo
   *  (at most TECH_INFO_MAX bytes kept; sent in SecurityEventNotification.techInfo when the event is critical). */
  raise(type: i32, techInfo: string = ""): void {}

  // Reading the security log (for GetLog SecurityLog, N-block): its entries oldest first, at most
  // LOG_CAPACITY of them (security/security-events.ts; the stored format is in docs/security.md).

  /** How many entries the log holds now. */
  entries(): i32 { return 0; }
  /** Entry `index` (0 = oldest) as one line of text without a line break, written to out (cap bytes):
   *  "<seq> <timestamp> <type>[ <techInfo>]", seq a decimal sequence number that grows by one per event,
   *  timestamp the wall-clock time of the event as an RFC 3339 UTC date-time. Its length, or -1 (no such
   *  entry, or cap too small). */
  line(index: i32, out: usize, cap: i32): i32 { return -1; }
}
