// Where any block reports a security event (A04; names from the security events appendix of Part 2). The station
// wires it to the security block, which persists the event before raise() returns and sends it when online.
// The enum's order is the order of SECURITY_EVENT_NAMES; stored queues hold the number, so append only.

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
}

export const SECURITY_EVENT_NAMES: StaticArray<string> = [
  "StartupOfTheDevice", "ResetOrReboot", "FirmwareUpdated", "SettingSystemTime", "ReconfigurationOfSecurityParameters",
  "InvalidMessages", "InvalidCsmsCertificate", "InvalidTLSVersion", "InvalidTLSCipherSuite",
  "InvalidChargingStationCertificate", "FailedToAuthenticateAtCsms", "CsmsFailedToAuthenticate", "MemoryExhaustion",
  "InvalidFirmwareSignature", "InvalidFirmwareSigningCertificate", "SecurityLogWasCleared", "AttemptedReplayAttacks",
  "TamperDetectionActivated",
];

export class SecurityLog {
  /** Records the event `type` (SecurityEventType) at the station's wall-clock time. */
  raise(type: i32): void {}
}
