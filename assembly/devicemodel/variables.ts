// The station-wide variables this station has today (names and instances per the Part 2 appendix,
// dm_components_vars.csv), each backed by a field of Settings or of the station configuration. A first step of
// the device model (B05–B08): GetVariables and SetVariables over these, values validated and persisted; EVSE
// and connector components, characteristics and reports come with the full model.
import { Settings, TxPoint } from "../station/settings";
import { StationConfig } from "../station/config";
import { MEASURAND_NAMES, MEASURAND_COUNT } from "../hardware/measurands";

export const enum Kind { Int = 0, Bool = 1, Text = 2, TxPoints = 3, Measurands = 4 }
export const enum Access { ReadWrite = 0, ReadOnly = 1, WriteOnly = 2 }

export class Variable {
  constructor(public component: string, public name: string, public instance: string, public kind: Kind,
              public access: Access, public min: i32 = 0, public max: i32 = 0, public rebootRequired: bool = false) {}
}

const RW = Access.ReadWrite, RO = Access.ReadOnly;

export const VARIABLES: StaticArray<Variable> = [
  new Variable("OCPPCommCtrlr", "HeartbeatInterval", "", Kind.Int, RW, 1, 86400),
  new Variable("OCPPCommCtrlr", "MessageTimeout", "Default", Kind.Int, RW, 1, 3600),
  new Variable("OCPPCommCtrlr", "MessageAttempts", "TransactionEvent", Kind.Int, RW, 1, 10),
  new Variable("OCPPCommCtrlr", "MessageAttemptInterval", "TransactionEvent", Kind.Int, RW, 1, 3600),
  new Variable("OCPPCommCtrlr", "NetworkConfigurationPriority", "", Kind.Text, RW, 1, 20, true),
  new Variable("OCPPCommCtrlr", "NetworkProfileConnectionAttempts", "", Kind.Int, RW, 1, 100),
  new Variable("OCPPCommCtrlr", "OfflineThreshold", "", Kind.Int, RW, 0, 86400),
  new Variable("OCPPCommCtrlr", "ResetRetries", "", Kind.Int, RW, 0, 10),
  new Variable("OCPPCommCtrlr", "RetryBackOffRandomRange", "", Kind.Int, RW, 0, 3600),
  new Variable("OCPPCommCtrlr", "RetryBackOffRepeatTimes", "", Kind.Int, RW, 0, 20),
  new Variable("OCPPCommCtrlr", "RetryBackOffWaitMinimum", "", Kind.Int, RW, 0, 3600),
  new Variable("OCPPCommCtrlr", "UnlockOnEVSideDisconnect", "", Kind.Bool, RO),        // C-12.2
  new Variable("OCPPCommCtrlr", "WebSocketPingInterval", "", Kind.Int, RW, 0, 3600),
  new Variable("TxCtrlr", "EVConnectionTimeOut", "", Kind.Int, RW, 1, 3600),
  new Variable("TxCtrlr", "StopTxOnEVSideDisconnect", "", Kind.Bool, RO),             // C-06.2
  new Variable("TxCtrlr", "StopTxOnInvalidId", "", Kind.Bool, RW),
  new Variable("TxCtrlr", "TxStartPoint", "", Kind.TxPoints, RW),                     // C-09
  new Variable("TxCtrlr", "TxStopPoint", "", Kind.TxPoints, RW),                      // C-10
  new Variable("AuthCtrlr", "Enabled", "", Kind.Bool, RW),
  new Variable("AuthCtrlr", "AuthorizeRemoteStart", "", Kind.Bool, RO),               // C-48.2
  new Variable("AuthCtrlr", "LocalAuthorizeOffline", "", Kind.Bool, RW),
  new Variable("AuthCtrlr", "LocalPreAuthorize", "", Kind.Bool, RW),
  new Variable("AuthCtrlr", "OfflineTxForUnknownIdEnabled", "", Kind.Bool, RW),
  new Variable("SampledDataCtrlr", "TxStartedMeasurands", "", Kind.Measurands, RW),
  new Variable("SampledDataCtrlr", "TxUpdatedMeasurands", "", Kind.Measurands, RW),
  new Variable("SampledDataCtrlr", "TxUpdatedInterval", "", Kind.Int, RW, 0, 86400),
  new Variable("SampledDataCtrlr", "TxEndedMeasurands", "", Kind.Measurands, RW),
  new Variable("SampledDataCtrlr", "TxEndedInterval", "", Kind.Int, RW, 0, 86400),
  new Variable("AlignedDataCtrlr", "Measurands", "", Kind.Measurands, RW),
  new Variable("AlignedDataCtrlr", "Interval", "", Kind.Int, RW, 0, 86400),
  new Variable("AlignedDataCtrlr", "TxEndedMeasurands", "", Kind.Measurands, RW),
  new Variable("AlignedDataCtrlr", "TxEndedInterval", "", Kind.Int, RW, 0, 86400),
  new Variable("ClockCtrlr", "TimeSource", "", Kind.Text, RO),                        // C-23
  new Variable("ClockCtrlr", "TimeZone", "", Kind.Text, RW, 0, 64),                   // C-26
  new Variable("SecurityCtrlr", "Identity", "", Kind.Text, RO),
  new Variable("SecurityCtrlr", "SecurityProfile", "", Kind.Int, RO),
  new Variable("SecurityCtrlr", "BasicAuthPassword", "", Kind.Text, Access.WriteOnly, 16, 40),
  new Variable("DeviceDataCtrlr", "ItemsPerMessage", "GetVariables", Kind.Int, RO),
  new Variable("DeviceDataCtrlr", "ItemsPerMessage", "SetVariables", Kind.Int, RO),
  new Variable("DeviceDataCtrlr", "BytesPerMessage", "GetVariables", Kind.Int, RO),
  new Variable("DeviceDataCtrlr", "BytesPerMessage", "SetVariables", Kind.Int, RO),
  new Variable("OCPPCommCtrlr", "MinimumStatusDuration", "", Kind.Int, RW, 0, 3600),  // C-04
];

/** What one GetVariables / SetVariables may carry: bounded by the 32 KiB message buffer and the 16 KiB answer. */
export const ITEMS_PER_MESSAGE: i32 = 50;
export const BYTES_PER_MESSAGE: i32 = 32768;

const TX_POINT_NAMES: StaticArray<string> = ["ParkingBayOccupancy", "EVConnected", "Authorized", "DataSigned", "PowerPathClosed", "EnergyTransfer"];
/** The target's supported points (C-09, C-10): start EVConnected, Authorized, PowerPathClosed, EnergyTransfer;
 *  stop EVConnected, Authorized, PowerPathClosed. */
const START_POINTS: i32 = TxPoint.EVConnected | TxPoint.Authorized | TxPoint.PowerPathClosed | TxPoint.EnergyTransfer;
const STOP_POINTS: i32 = TxPoint.EVConnected | TxPoint.Authorized | TxPoint.PowerPathClosed;

/** The current value of variable i as text. */
export function readValue(i: i32, s: Settings, cfg: StationConfig, activeProfile: i32): string {
  switch (i) {
    case 0: return s.heartbeatIntervalS.toString();
    case 1: return s.messageTimeoutS.toString();
    case 2: return s.messageAttemptsTransactionEvent.toString();
    case 3: return s.messageAttemptIntervalTransactionEventS.toString();
    case 4: return s.networkConfigurationPriority;
    case 5: return s.networkProfileConnectionAttempts.toString();
    case 6: return s.offlineThresholdS.toString();
    case 7: return s.resetRetries.toString();
    case 8: return s.retryBackOffRandomRangeS.toString();
    case 9: return s.retryBackOffRepeatTimes.toString();
    case 10: return s.retryBackOffWaitMinimumS.toString();
    case 11: return "false";
    case 12: return s.webSocketPingIntervalS.toString();
    case 13: return s.evConnectionTimeOutS.toString();
    case 14: return s.stopTxOnEVSideDisconnect ? "true" : "false";
    case 15: return s.stopTxOnInvalidId ? "true" : "false";
    case 16: return pointsText(s.txStartPoints);
    case 17: return pointsText(s.txStopPoints);
    case 18: return s.authEnabled ? "true" : "false";
    case 19: return s.authorizeRemoteStart ? "true" : "false";
    case 20: return s.localAuthorizeOffline ? "true" : "false";
    case 21: return s.localPreAuthorize ? "true" : "false";
    case 22: return s.offlineTxForUnknownIdEnabled ? "true" : "false";
    case 23: return measurandsText(s.txStartedMeasurands);
    case 24: return measurandsText(s.txUpdatedMeasurands);
    case 25: return s.txUpdatedIntervalS.toString();
    case 26: return measurandsText(s.txEndedMeasurands);
    case 27: return s.txEndedIntervalS.toString();
    case 28: return measurandsText(s.alignedMeasurands);
    case 29: return s.alignedIntervalS.toString();
    case 30: return measurandsText(s.alignedTxEndedMeasurands);
    case 31: return s.alignedTxEndedIntervalS.toString();
    case 32: return "Heartbeat";
    case 33: return s.timeZone;
    case 34: return cfg.stationId;
    case 35: return (activeProfile >= 0 ? activeProfile : cfg.securityProfile).toString();
    case 37: case 38: return ITEMS_PER_MESSAGE.toString();
    case 39: case 40: return BYTES_PER_MESSAGE.toString();
    case 41: return s.minimumStatusDurationS.toString();
  }
  return "";
}

/** Validates and applies `value` to variable i; false if the value is not acceptable (nothing changes). */
export function writeValue(i: i32, value: string, s: Settings, cfg: StationConfig): bool {
  const v = VARIABLES[i];
  if (v.kind == Kind.Int) {
    const n = parseIntStrict(value);
    if (n == i32.MIN_VALUE || n < v.min || n > v.max) return false;
    switch (i) {
      case 0: s.heartbeatIntervalS = n; break;
      case 1: s.messageTimeoutS = n; break;
      case 2: s.messageAttemptsTransactionEvent = n; break;
      case 3: s.messageAttemptIntervalTransactionEventS = n; break;
      case 5: s.networkProfileConnectionAttempts = n; break;
      case 6: s.offlineThresholdS = n; break;
      case 7: s.resetRetries = n; break;
      case 8: s.retryBackOffRandomRangeS = n; break;
      case 9: s.retryBackOffRepeatTimes = n; break;
      case 10: s.retryBackOffWaitMinimumS = n; break;
      case 12: s.webSocketPingIntervalS = n; break;
      case 13: s.evConnectionTimeOutS = n; break;
      case 25: s.txUpdatedIntervalS = n; break;
      case 27: s.txEndedIntervalS = n; break;
      case 29: s.alignedIntervalS = n; break;
      case 31: s.alignedTxEndedIntervalS = n; break;
      case 41: s.minimumStatusDurationS = n; break;
      default: return false;
    }
    return true;
  }
  if (v.kind == Kind.Bool) {
    if (value != "true" && value != "false") return false;
    const b = value == "true";
    switch (i) {
      case 15: s.stopTxOnInvalidId = b; break;
      case 18: s.authEnabled = b; break;
      case 20: s.localAuthorizeOffline = b; break;
      case 21: s.localPreAuthorize = b; break;
      case 22: s.offlineTxForUnknownIdEnabled = b; break;
      default: return false;
    }
    return true;
  }
  if (v.kind == Kind.TxPoints) {
    const bits = parsePoints(value, i == 16 ? START_POINTS : STOP_POINTS);
    if (bits <= 0) return false;
    if (i == 16) s.txStartPoints = bits; else s.txStopPoints = bits;
    return true;
  }
  if (v.kind == Kind.Measurands) {
    const bits = parseMeasurands(value);
    if (bits < 0) return false;
    switch (i) {
      case 23: s.txStartedMeasurands = bits; break;
      case 24: s.txUpdatedMeasurands = bits; break;
      case 26: s.txEndedMeasurands = bits; break;
      case 28: s.alignedMeasurands = bits; break;
      case 30: s.alignedTxEndedMeasurands = bits; break;
      default: return false;
    }
    return true;
  }
  // Text
  if (value.length < v.min || value.length > v.max) return false;
  if (i == 4) s.networkConfigurationPriority = value;
  else if (i == 33) s.timeZone = value;
  else if (i == 36) cfg.basicAuthPassword = value;
  else return false;
  return true;
}

function parseIntStrict(t: string): i32 {
  if (t.length == 0 || t.length > 10) return i32.MIN_VALUE;
  let n: i64 = 0;
  let i = 0;
  const neg = t.charCodeAt(0) == 45;
  if (neg) i = 1;
  if (i >= t.length) return i32.MIN_VALUE;
  for (; i < t.length; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return i32.MIN_VALUE;
    n = n * 10 + c;
  }
  if (n > i32.MAX_VALUE) return i32.MIN_VALUE;
  return neg ? -<i32>n : <i32>n;
}

/** "EVConnected,Authorized" → TxPoint bits, 0 if empty, -1 if a member is unknown, repeated or not in `allowed`. */
function parsePoints(value: string, allowed: i32): i32 {
  const parts = value.split(",");
  let bits = 0;
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k].trim();
    let bit = -1;
    for (let j = 0; j < TX_POINT_NAMES.length; j++) if (TX_POINT_NAMES[j] == p) bit = 1 << j;
    if (bit < 0 || (bit & allowed) == 0 || (bits & bit) != 0) return -1;
    bits |= bit;
  }
  return bits;
}

function pointsText(bits: i32): string {
  let out = "";
  for (let j = 0; j < TX_POINT_NAMES.length; j++) if ((bits & (1 << j)) != 0) out += (out.length > 0 ? "," : "") + TX_POINT_NAMES[j];
  return out;
}

/** Only the measurands the meter supplies are accepted (J01.FR.., J02.FR..); "" is the empty list. */
function parseMeasurands(value: string): i32 {
  if (value.length == 0) return 0;
  const parts = value.split(",");
  let bits = 0;
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k].trim();
    let bit = -1;
    for (let j = 0; j < MEASURAND_COUNT; j++) if (MEASURAND_NAMES[j] == p) bit = 1 << j;
    if (bit < 0 || (bits & bit) != 0) return -1;
    bits |= bit;
  }
  return bits;
}

function measurandsText(bits: i32): string {
  let out = "";
  for (let j = 0; j < MEASURAND_COUNT; j++) if ((bits & (1 << j)) != 0) out += (out.length > 0 ? "," : "") + MEASURAND_NAMES[j];
  return out;
}
