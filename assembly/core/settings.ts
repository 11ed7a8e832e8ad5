// The typed view of the device-model variables that behaviour depends on. The device model
// (assembly/devicemodel) owns names, defaults, validation and persistence and writes the values here at
// start-up and on every accepted SetVariables; the functional blocks only read these fields. The defaults
// below only matter where Settings is used without a device model (unit tests).

/** TxCtrlr.TxStartPoint / TxStopPoint values as bits (TxStartStopPointEnumType order). */
export const enum TxPoint {
  ParkingBayOccupancy = 1, EVConnected = 2, Authorized = 4, DataSigned = 8, PowerPathClosed = 16, EnergyTransfer = 32,
}

/** Measurand bits for SampledDataCtrlr / AlignedDataCtrlr lists; bit i = M_* i in hardware/measurands.ts. */
export type MeasurandSet = i32;

/** TxStartStopPointEnumType names in TxPoint bit order. */
export const TX_POINT_NAMES: StaticArray<string> = [
  "ParkingBayOccupancy", "EVConnected", "Authorized", "DataSigned", "PowerPathClosed", "EnergyTransfer",
];

/** Told when the device model changed any value in Settings (SetVariables), so owners re-apply. */
export class SettingsListener {
  onSettingsChanged(): void {}
  /** A value the device model cannot judge alone (catalog key K; e.g. NetworkConfigurationPriority needs the
   *  stored network profiles). */
  acceptable(key: i32, value: string): bool { return true; }
}

export class Settings {
  // OCPPCommCtrlr
  heartbeatIntervalS: i32 = 300;
  messageAttemptsTransactionEvent: i32 = 3;
  messageAttemptIntervalTransactionEventS: i32 = 60;
  webSocketPingIntervalS: i32 = 120;
  retryBackOffWaitMinimumS: i32 = 30;
  retryBackOffRandomRangeS: i32 = 10;
  retryBackOffRepeatTimes: i32 = 2;
  networkConfigurationPriority: string = "0";  // slots, comma separated (provisioning/network-profiles.ts)
  networkProfileConnectionAttempts: i32 = 3;
  offlineThresholdS: i32 = 300;
  resetRetries: i32 = 1;
  minimumStatusDurationS: i32 = 0;          // C-04: a connector status must hold this long before it is reported
  // TxCtrlr
  txStartPoints: i32 = TxPoint.EVConnected | TxPoint.Authorized;
  txStopPoints: i32 = TxPoint.EVConnected | TxPoint.Authorized;
  evConnectionTimeOutS: i32 = 60;
  stopTxOnEVSideDisconnect: bool = true;   // C-06.2
  stopTxOnInvalidId: bool = true;
  maxEnergyOnInvalidId: i32 = 0;           // C-03: not supported
  // AuthCtrlr
  authEnabled: bool = true;
  authorizeRemoteStart: bool = false;      // C-48.2
  localAuthorizeOffline: bool = true;      // C-01
  localPreAuthorize: bool = false;
  offlineTxForUnknownIdEnabled: bool = true; // C-02
  // SampledDataCtrlr (measurand bit sets, see MeasurandSet)
  txStartedMeasurands: MeasurandSet = 1;   // Energy.Active.Import.Register
  txUpdatedMeasurands: MeasurandSet = 1 | 4; // + Power.Active.Import
  txUpdatedIntervalS: i32 = 60;
  txEndedMeasurands: MeasurandSet = 1;
  txEndedIntervalS: i32 = 0;
  // AlignedDataCtrlr
  alignedMeasurands: MeasurandSet = 1;
  alignedIntervalS: i32 = 900;
  alignedTxEndedMeasurands: MeasurandSet = 1;
  alignedTxEndedIntervalS: i32 = 0;
  // ClockCtrlr (C-26): for display; times on the wire stay UTC
  timeZone: string = "";
  timeSource: string = "Heartbeat";         // C-23: "Heartbeat", "NTP" in priority order
  ntpServerUri1: string = "";               // NtpServerUri instances 1 and 2; "" none
  ntpServerUri2: string = "";
}
