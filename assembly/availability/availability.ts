// Connector status model (G01, B01.FR.05): each connector's status follows from its faults, its
// operative state and whether an EV is connected. A connector whose sibling on the same EVSE is in use stays
// Available (TC_B_22_CS, TC_B_51_CS, TC_G_14_CS report the other connectors Available); the EVSE still runs one
// transaction at a time (transactions/). A StatusNotification goes out whenever a connector's status differs
// from the one the CSMS last acknowledged and has held for OCPPCommCtrlr.MinimumStatusDuration (C-04; 0 = at
// once), so a status that flips back within that time is never reported. After a boot is accepted, on
// TriggerMessage and after an offline period longer than OfflineThreshold (B04.FR.01) every connector is
// reported at once. Not queued while offline (C-21: No): after a shorter offline period only what changed
// is reported on reconnection (B04.FR.02). Right after a boot no connector is reported before the hardware
// described it (its CP reading settled), for at most SENSE_GRACE_MS: an EV left plugged in across a reboot is
// reported Occupied, never Available first (TC_B_21_CS step 9, TC_B_22_CS step 7).
import {
  Tape, Action, actionRequestType, StatusNotificationRequest, ConnectorStatusEnumType,
} from "../ocpp";
import { EVSE_ID, CONNECTOR_COUNT } from "../core/topology";
import { K, intValue } from "../core/catalog";
import { Context } from "../core/context";
import { Block } from "../core/block";
import { cpEvConnected, cpError } from "../hardware/control-pilot";
import { formatDateTime } from "../util/datetime";
import { clock_wall_ms } from "../host/abi";
import { logInfo } from "../util/log";

/** How long after a boot connector reports wait for the hardware's first readings. */
export const SENSE_GRACE_MS: i64 = 1000;

/** What a control-pilot state changed (onCpState). */
export const enum CpEdge { NoConnector = -1, None = 0, Connected = 1, Disconnected = 2 }

export class ConnectorState {
  evConnected: bool = false;
  sensed: bool = false;           // the hardware described the connector to this instance (a CP state settled)
  cpFault: bool = false;          // control pilot in E, F or out of band
  outputFault: bool = false;      // contactor (or lock) does not follow its command
  operative: bool = true;
  status: i32 = ConnectorStatusEnumType.Available;
  reported: i32 = -1;             // acknowledged by the CSMS; -1 = must report now (no minimum duration)
  since: i64 = 0;                 // monotonic ms when `status` took its value
  constructor(public id: i32) {}
  faulted(): bool { return this.cpFault || this.outputFault; }
}

export class Availability extends Block {
  readonly connectors: StaticArray<ConnectorState> = new StaticArray<ConnectorState>(CONNECTOR_COUNT);
  /** EVSE-wide faults (power module, meter): every connector is Faulted (onEvseFault). */
  evseFaulted: bool = false;
  evseOperative: bool = true;
  stationOperative: bool = true;
  /** A firmware installation is due: every connector but the one in a transaction (busyConnector) is Unavailable
   *  and takes no new session (C-20 No; TC_L_15_CS). Not persisted: the reboot into the new image ends it. */
  private updateHold: bool = false;
  private busyConnector: i32 = 0;
  /** Until then (monotonic ms) connectors not yet sensed hold every report back; set at boot. */
  private senseBy: i64 = 0;
  /** Monotonic ms, set by the station before update(). */
  private offlineSince: i64 = i64.MAX_VALUE;
  private inFlight: i32 = -1;      // connector index whose StatusNotification awaits its response
  private inFlightStatus: i32 = -1;
  private timestamp: usize = heap.alloc(24);

  /** The station's clock (core/context.ts). */
  get now(): i64 { return this.ctx.now; }

  constructor(private ctx: Context) {
    super();
    for (let i = 0; i < CONNECTOR_COUNT; i++) this.connectors[i] = new ConnectorState(i + 1);
  }

  /** The boot: connectors not yet sensed hold every report back for SENSE_GRACE_MS. */
  onBoot(): void { this.senseBy = this.now + SENSE_GRACE_MS; }

  /** A settled control-pilot state of connector `id`: its fault, and whether an EV was connected or left. */
  onCpState(id: i32, state: i32): CpEdge {
    const k = this.connector(id);
    if (k == null) return CpEdge.NoConnector;
    k.cpFault = cpError(state);
    k.sensed = true;
    const connected = cpEvConnected(state);
    if (connected == k.evConnected) return CpEdge.None;
    k.evConnected = connected;
    return connected ? CpEdge.Connected : CpEdge.Disconnected;
  }

  /** The power module or the meter is faulted, or no longer is. */
  onEvseFault(faulted: bool): void { this.evseFaulted = faulted; }

  /** The contactor (or lock) of connector `id` does or no longer does follow its command. */
  onOutputFault(id: i32, faulted: bool): void {
    const k = this.connector(id);
    if (k != null) k.outputFault = faulted;
  }

  connector(id: i32): ConnectorState | null {
    return id >= 1 && id <= CONNECTOR_COUNT ? this.connectors[id - 1] : null;
  }

  /** Can a new session use this connector (operative, not faulted, not held for a firmware installation)? */
  usable(id: i32): bool {
    const c = this.connector(id);
    return c != null && !c.faulted() && !this.evseFaulted && c.operative && this.evseOperative && this.stationOperative &&
      !this.held(id);
  }

  /** The station's firmware hold (see updateHold), set before every update(). */
  holdFor(hold: bool, busyConnector: i32): void { this.updateHold = hold; this.busyConnector = busyConnector; }

  private held(id: i32): bool { return this.updateHold && id != this.busyConnector; }

  /** Recomputes every connector's status; returns true if any changed. */
  update(): bool {
    let changed = false;
    for (let i = 0; i < CONNECTOR_COUNT; i++) {
      const c = this.connectors[i];
      let s: i32;
      if (c.faulted() || this.evseFaulted) s = ConnectorStatusEnumType.Faulted;
      else if (!c.operative || !this.evseOperative || !this.stationOperative || this.held(c.id)) s = ConnectorStatusEnumType.Unavailable;
      else if (c.evConnected) s = ConnectorStatusEnumType.Occupied;
      else s = ConnectorStatusEnumType.Available;
      if (s != c.status) {
        c.status = s;
        c.since = this.now;
        changed = true;
        logInfo("connector " + c.id.toString() + ": " + statusName(s));
      }
    }
    return changed;
  }

  /** After BootNotification Accepted: every connector is reported again (B01). */
  reportAll(): void {
    for (let i = 0; i < CONNECTOR_COUNT; i++) this.connectors[i].reported = -1;
  }

  /** TriggerMessage(StatusNotification) for connector `id` (0: all of them): reported again at once. */
  reportTriggered(id: i32): void {
    for (let i = 0; i < CONNECTOR_COUNT; i++) if (id == 0 || id == i + 1) this.connectors[i].reported = -1;
  }

  /** Connector `id` is reported again at once, even unchanged (a report in flight does not count for it). */
  reportAgain(id: i32): void {
    this.connectors[id - 1].reported = -1;
    if (this.inFlight == id - 1) this.inFlightStatus = -1;
  }

  /** A connector report must wait: a change (not a forced report) younger than the minimum duration. */
  private settling(c: ConnectorState, minDurationS: i32): bool {
    return c.reported >= 0 && this.now < c.since + <i64>minDurationS * 1000;
  }

  /** A report is due for a connector the hardware has not described yet (within SENSE_GRACE_MS of the boot):
   *  no connector is reported, and nothing the boot report must precede (the security event) is sent. */
  holding(): bool {
    if (this.now >= this.senseBy) return false;
    for (let i = 0; i < CONNECTOR_COUNT; i++) {
      const c = this.connectors[i];
      if (!c.sensed && c.status != c.reported) return true;
    }
    return false;
  }

  /** When the next held-back change becomes reportable, or i64.MAX_VALUE. */
  nextCallAt(): i64 {
    const minDurationS = intValue(K.MinimumStatusDuration);
    let t = i64.MAX_VALUE;
    if (this.inFlight >= 0) return t;
    if (this.holding()) return this.senseBy;
    for (let i = 0; i < CONNECTOR_COUNT; i++) {
      const c = this.connectors[i];
      if (c.status != c.reported && this.settling(c, minDurationS)) t = min(t, c.since + <i64>minDurationS * 1000);
    }
    return t;
  }

  /** The CSMS link is gone (each failed attempt calls this too: the offline period starts at the first). */
  onLinkDown(): void {
    if (this.offlineSince == i64.MAX_VALUE) this.offlineSince = this.now;
  }

  /** Connected again: after more than OfflineThreshold offline, every connector (B04.FR.01). */
  onLinkUp(): void {
    const offlineThresholdS = intValue(K.OfflineThreshold);
    if (this.offlineSince != i64.MAX_VALUE && this.now - this.offlineSince > <i64>offlineThresholdS * 1000) this.reportAll();
    this.offlineSince = i64.MAX_VALUE;
  }

  nextCall(req: Tape): i32 {
    const minDurationS = intValue(K.MinimumStatusDuration);
    if (this.inFlight >= 0 || this.holding()) return -1;
    for (let i = 0; i < CONNECTOR_COUNT; i++) {
      const c = this.connectors[i];
      if (c.status == c.reported || this.settling(c, minDurationS)) continue;
      const root = req.newRoot(actionRequestType(Action.StatusNotification));
      formatDateTime(clock_wall_ms(), this.timestamp);
      req.setBytes(root, StatusNotificationRequest.timestamp, this.timestamp, 24);
      req.setEnum(root, StatusNotificationRequest.connectorStatus, c.status);
      req.setInt(root, StatusNotificationRequest.evseId, EVSE_ID);
      req.setInt(root, StatusNotificationRequest.connectorId, c.id);
      this.inFlight = i;
      this.inFlightStatus = c.status;
      return Action.StatusNotification;
    }
    return -1;
  }

  onCallResult(action: i32, resp: Tape): void { this.reported(); }

  private reported(): void {
    if (this.inFlight >= 0) this.connectors[this.inFlight].reported = this.inFlightStatus;
    this.inFlight = -1;
  }

  /** Time-out or lost link: it stays due and goes out again. A CALLERROR (failure > 0, an RpcError) would
   *  come back the same every time: that status counts as reported. */
  onCallFailed(action: i32, failure: i32): void {
    if (failure > 0) this.reported();
    this.inFlight = -1;
  }
}

export function statusName(s: i32): string {
  if (s == ConnectorStatusEnumType.Available) return "Available";
  if (s == ConnectorStatusEnumType.Occupied) return "Occupied";
  if (s == ConnectorStatusEnumType.Reserved) return "Reserved";
  if (s == ConnectorStatusEnumType.Unavailable) return "Unavailable";
  return "Faulted";
}
