// Booting and staying registered (B01–B04): BootNotification until Accepted,
// retrying at the CSMS's interval while Pending/Rejected; then Heartbeat at the
// accepted interval. Each response's currentTime goes to the time sources, which set the clock from it when
// Heartbeat is the source to use (C-23, time-source.ts).
import {
  Tape, actionRequestType, Action, BootNotificationRequest, BootNotificationResponse, ChargingStationType,
  HeartbeatResponse, RegistrationStatusEnumType, BootReasonEnumType,
} from "../ocpp";
import { TimeSources } from "./time-source";
import { parseDateTime } from "../util/datetime";
import { Context } from "../core/context";
import { Block } from "../core/block";
import { logInfo, logWarn } from "../util/log";

export const enum RegistrationState { Unsent = 0, Pending = 1, Rejected = 2, Accepted = 3 }

/** When the CSMS gives no usable interval, and after a boot that failed on the wire. */
const DEFAULT_RETRY_S: i64 = 30;
/** OCPPCommCtrlr.HeartbeatInterval when an Accepted response carries no usable interval. */
const DEFAULT_HEARTBEAT_S: i32 = 300;

export class Registration extends Block {
  state: i32 = RegistrationState.Unsent;
  bootReason: i32 = BootReasonEnumType.PowerUp;
  heartbeatIntervalS: i32 = 0;
  private bootAt: i64 = i64.MAX_VALUE;
  private heartbeatAt: i64 = i64.MAX_VALUE;

  constructor(private ctx: Context, private clock: TimeSources) { super(); }

  accepted(): bool { return this.state == RegistrationState.Accepted; }

  /** TriggerMessage BootNotification while not yet accepted (F06): send it now, reason Triggered. */
  triggerBoot(): void {
    this.bootReason = BootReasonEnumType.Triggered;
    this.bootAt = this.ctx.now;
  }

  /** A (re)connection: a station not yet accepted boots now; an accepted one carries on (no new boot). */
  onConnected(): void {
    if (!this.accepted()) this.bootAt = this.ctx.now;
  }

  nextCallAt(): i64 { return this.accepted() ? this.heartbeatAt : this.bootAt; }

  /** Builds the due CALL into req and returns its action, or -1. */
  nextCall(req: Tape): i32 {
    const now = this.ctx.now, cfg = this.ctx.config;
    if (!this.accepted()) {
      if (now < this.bootAt) return -1;
      this.bootAt = i64.MAX_VALUE;   // re-armed by the response or the failure
      const root = req.newRoot(actionRequestType(Action.BootNotification));
      req.setEnum(root, BootNotificationRequest.reason, this.bootReason);
      const cs = req.newObject(root, BootNotificationRequest.chargingStation);
      req.setString(cs, ChargingStationType.model, cfg.model);
      req.setString(cs, ChargingStationType.vendorName, cfg.vendorName);
      if (cfg.serialNumber.length > 0) req.setString(cs, ChargingStationType.serialNumber, cfg.serialNumber);
      req.setString(cs, ChargingStationType.firmwareVersion, cfg.firmwareVersion);
      return Action.BootNotification;
    }
    if (now < this.heartbeatAt) return -1;
    return this.heartbeatNow(req);
  }

  /** OCPPCommCtrlr.HeartbeatInterval changed (SetVariables, B05): a new value applies at once, the next
   *  heartbeat one new interval from now, not after the one planned under the old value. */
  setHeartbeatInterval(seconds: i32): void {
    if (seconds == this.heartbeatIntervalS) return;
    this.heartbeatIntervalS = seconds;
    if (this.accepted()) this.heartbeatAt = this.ctx.now + <i64>seconds * 1000;
  }

  /** A Heartbeat now (also on TriggerMessage); the next one an interval later. */
  heartbeatNow(req: Tape): i32 {
    this.heartbeatAt = this.ctx.now + <i64>this.heartbeatIntervalS * 1000;
    req.newRoot(actionRequestType(Action.Heartbeat));
    return Action.Heartbeat;
  }

  onCallResult(action: i32, resp: Tape): void {
    if (action == Action.BootNotification) this.onBootResponse(resp);
    else if (action == Action.Heartbeat) this.setClock(resp, resp.root, HeartbeatResponse.currentTime);
  }

  onCallFailed(action: i32, failure: i32): void {
    if (action == Action.BootNotification && !this.accepted()) this.bootAt = this.ctx.now + DEFAULT_RETRY_S * 1000;
  }

  private onBootResponse(resp: Tape): void {
    const root = resp.root, now = this.ctx.now;
    this.setClock(resp, root, BootNotificationResponse.currentTime);
    const interval = resp.getInt(root, BootNotificationResponse.interval);
    const status = resp.getEnum(root, BootNotificationResponse.status);
    if (status == RegistrationStatusEnumType.Accepted) {
      this.state = RegistrationState.Accepted;
      this.heartbeatIntervalS = interval > 0 && interval <= 86400 ? <i32>interval : DEFAULT_HEARTBEAT_S;
      this.heartbeatAt = now + <i64>this.heartbeatIntervalS * 1000;
      logInfo("registration: Accepted, heartbeat every " + this.heartbeatIntervalS.toString() + " s");
    } else {
      // B02/B03: wait the interval before the next BootNotification; 0 means "choose yourself".
      this.state = status == RegistrationStatusEnumType.Pending ? RegistrationState.Pending : RegistrationState.Rejected;
      const wait: i64 = interval > 0 && interval <= 86400 ? interval : DEFAULT_RETRY_S;
      this.bootAt = now + wait * 1000;
      logWarn("registration: " + (this.state == RegistrationState.Pending ? "Pending" : "Rejected") +
        ", retry in " + wait.toString() + " s");
    }
  }

  private setClock(t: Tape, obj: i32, prop: i32): void {
    const ms = parseDateTime(t.getStrPtr(obj, prop), t.getStrLen(obj, prop));
    if (ms != i64.MIN_VALUE) this.clock.fromCsms(ms, this.ctx.now);
  }
}
