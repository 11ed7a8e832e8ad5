// The typed copies of stored variables that behaviour reads (station/settings.ts): written from the device
// model's normalized text on load and on every accepted SetVariables, so Settings never disagrees with what
// GetVariables reports.
import { Settings, TX_POINT_NAMES } from "../core/settings";
import { StationConfig } from "../core/config";
import { MEASURAND_NAMES } from "../hardware/measurands";
import { K } from "./catalog";
import { memberBits } from "./validate";

export function applyToSettings(key: i32, value: string, s: Settings, cfg: StationConfig): void {
  const n = <i32>I32.parseInt(value);
  const b = value == "true";
  switch (key) {
    case K.HeartbeatInterval: s.heartbeatIntervalS = n; break;
    case K.MessageAttempts: s.messageAttemptsTransactionEvent = n; break;
    case K.MessageAttemptInterval: s.messageAttemptIntervalTransactionEventS = n; break;
    case K.NetworkConfigurationPriority: s.networkConfigurationPriority = value; break;
    case K.NetworkProfileConnectionAttempts: s.networkProfileConnectionAttempts = n; break;
    case K.OfflineThreshold: s.offlineThresholdS = n; break;
    case K.ResetRetries: s.resetRetries = n; break;
    case K.RetryBackOffRandomRange: s.retryBackOffRandomRangeS = n; break;
    case K.RetryBackOffRepeatTimes: s.retryBackOffRepeatTimes = n; break;
    case K.RetryBackOffWaitMinimum: s.retryBackOffWaitMinimumS = n; break;
    case K.WebSocketPingInterval: s.webSocketPingIntervalS = n; break;
    case K.MinimumStatusDuration: s.minimumStatusDurationS = n; break;
    case K.EVConnectionTimeOut: s.evConnectionTimeOutS = n; break;
    case K.StopTxOnEVSideDisconnect: s.stopTxOnEVSideDisconnect = b; break;
    case K.StopTxOnInvalidId: s.stopTxOnInvalidId = b; break;
    case K.TxStartPoint: s.txStartPoints = memberBits(value, TX_POINT_NAMES); break;
    case K.TxStopPoint: s.txStopPoints = memberBits(value, TX_POINT_NAMES); break;
    case K.AuthEnabled: s.authEnabled = b; break;
    case K.AuthorizeRemoteStart: s.authorizeRemoteStart = b; break;
    case K.LocalAuthorizeOffline: s.localAuthorizeOffline = b; break;
    case K.LocalPreAuthorize: s.localPreAuthorize = b; break;
    case K.OfflineTxForUnknownIdEnabled: s.offlineTxForUnknownIdEnabled = b; break;
    case K.TxStartedMeasurands: s.txStartedMeasurands = memberBits(value, MEASURAND_NAMES); break;
    case K.TxUpdatedMeasurands: s.txUpdatedMeasurands = memberBits(value, MEASURAND_NAMES); break;
    case K.TxUpdatedInterval: s.txUpdatedIntervalS = n; break;
    case K.TxEndedMeasurands: s.txEndedMeasurands = memberBits(value, MEASURAND_NAMES); break;
    case K.TxEndedInterval: s.txEndedIntervalS = n; break;
    case K.AlignedMeasurands: s.alignedMeasurands = memberBits(value, MEASURAND_NAMES); break;
    case K.AlignedInterval: s.alignedIntervalS = n; break;
    case K.AlignedTxEndedMeasurands: s.alignedTxEndedMeasurands = memberBits(value, MEASURAND_NAMES); break;
    case K.AlignedTxEndedInterval: s.alignedTxEndedIntervalS = n; break;
    case K.TimeZone: s.timeZone = value; break;
    case K.TimeSource: s.timeSource = value; break;
    case K.NtpServerUri1: s.ntpServerUri1 = value; break;
    case K.NtpServerUri2: s.ntpServerUri2 = value; break;
    case K.BasicAuthPassword: cfg.basicAuthPassword = value.length > 0 ? value : null; break;
  }
}
