// What remote control (F01–F06) asks of the blocks that own the answer: the station forwards each request to
// its owner (registration, availability, metering) and runs react() when asked to.
import { Tape } from "../ocpp";

export class RemoteRequests {
  /** The CSMS accepted the boot (B02: while Pending, remote starts are refused). */
  registrationAccepted(): bool { return false; }
  /** TriggerMessage(BootNotification) before acceptance. */
  triggerBoot(): void {}
  /** A new session can start: the plugged connector, or any connector when none is plugged, is usable. */
  sessionPossible(): bool { return false; }
  /** TriggerMessage(StatusNotification): report this connector (0: every connector) again. */
  reportConnectorAgain(connector: i32): void {}
  /** TriggerMessage(MeterValues): a meter value was triggered. */
  meterValueTriggered(): void {}
  /** The triggered message (MessageTriggerEnumType MeterValues, Heartbeat, FirmwareStatusNotification or
   *  LogStatusNotification) built into req by the block that owns it, which then issued the call: its action, or -1. */
  triggeredCall(message: i32, req: Tape): i32 { return -1; }
  /** TriggerMessage(SignChargingStationCertificate), A02/A03: a new key pair and CSR; false if none can be made. */
  signStationCertificate(): bool { return false; }
  /** A request changed what the power path and the connector statuses follow: bring them in line now. */
  changed(): void {}
}
