// CSMS-initiated control (F01–F06): RequestStartTransaction, RequestStopTransaction, UnlockConnector and
// TriggerMessage. The answers follow the target's features: AuthorizeRemoteStart false (C-48.2), fixed
// cables (HFS-2; a lock only if the hardware has one), TriggerMessage for the messages of C-29 and the station
// certificate's CSR (A02, made by the station-certificate block).
import {
  Tape, RpcError, Action, actionRequestType,
  RequestStartTransactionRequest, RequestStartTransactionResponse, RequestStartStopStatusEnumType,
  RequestStopTransactionRequest, RequestStopTransactionResponse, UnlockConnectorRequest, UnlockConnectorResponse,
  UnlockStatusEnumType, TriggerMessageRequest, TriggerMessageResponse, TriggerMessageStatusEnumType,
  MessageTriggerEnumType, EVSEType, IdTokenType, TriggerReasonEnumType, ReasonEnumType, StatusInfoType,
} from "../ocpp";
import { EVSE_ID, CONNECTOR_COUNT } from "../core/topology";
import { Session } from "../core/session";
import { RemoteRequests } from "../core/remote-requests";
import { Block } from "../core/block";
import { ChargerHardware } from "../hardware/hardware";
import { line } from "../util/log";
import { StringRing } from "../util/string-ring";

/** Messages a TriggerMessage asked for, sent in remote control's turn of the outbound priority list (bits of
 *  MessageTriggerEnumType). */
export class TriggerRequests {
  pending: i32 = 0;
  has(m: i32): bool { return (this.pending & (1 << m)) != 0; }
  set(m: i32): void { this.pending |= 1 << m; }
  take(m: i32): bool { const h = this.has(m); this.pending &= ~(1 << m); return h; }
}

/** Handles the CSMS's control requests; asks the transaction block (Session) and the station (RemoteRequests)
 *  for what they own. */
export class RemoteControl extends Block {
  private readonly triggers: TriggerRequests = new TriggerRequests();

  constructor(private session: Session, private requests: RemoteRequests, private hw: ChargerHardware) { super(); }

  /** The messages TriggerMessage asked for (F06): a meter value, a heartbeat, the firmware status and the log
   *  upload's status, each built by its owner. */
  nextCall(req: Tape): i32 {
    const t = this.triggers;
    if (t.pending == 0) return -1;   // asked after every message: nothing triggered is the common case
    if (t.take(MessageTriggerEnumType.MeterValues)) {
      const a = this.requests.triggeredCall(MessageTriggerEnumType.MeterValues, req);
      if (a >= 0) return a;
    }
    if (t.take(MessageTriggerEnumType.Heartbeat)) return this.requests.triggeredCall(MessageTriggerEnumType.Heartbeat, req);
    if (t.take(MessageTriggerEnumType.LogStatusNotification)) return this.requests.triggeredCall(MessageTriggerEnumType.LogStatusNotification, req);
    if (t.take(MessageTriggerEnumType.FirmwareStatusNotification)) {
      return this.requests.triggeredCall(MessageTriggerEnumType.FirmwareStatusNotification, req);   // the firmware block's status
    }
    return -1;
  }

  handleCall(action: i32, req: Tape, resp: Tape): i32 {
    if (action == Action.RequestStartTransaction) return this.handleRequestStart(req, resp);
    if (action == Action.RequestStopTransaction) return this.handleRequestStop(req, resp);
    if (action == Action.UnlockConnector) return this.handleUnlock(req, resp);
    return this.handleTrigger(req, resp);
  }

  private handleRequestStart(req: Tape, resp: Tape): i32 {
    const root = req.root;
    const evse = req.has(root, RequestStartTransactionRequest.evseId) ? <i32>req.getInt(root, RequestStartTransactionRequest.evseId) : EVSE_ID;
    const tok = req.getObject(root, RequestStartTransactionRequest.idToken);
    const type = req.getEnum(tok, IdTokenType.type);
    const g = req.getObject(root, RequestStartTransactionRequest.groupIdToken);
    const group = g >= 0 ? req.getString(g, IdTokenType.idToken) : "";
    const remoteStartId = <i32>req.getInt(root, RequestStartTransactionRequest.remoteStartId);
    const tx = this.session;
    // F01.FR.. : an unknown or unusable EVSE, or one whose transaction is already authorized, refuses; so does a
    // station whose boot is not accepted yet (B02, TC_B_02_CS: Pending), and one whose transaction is ending
    // (its Ended waits for the current to ramp down).
    const ok = this.requests.registrationAccepted() && evse == EVSE_ID && this.requests.sessionPossible() &&
      !(tx.rec.active && tx.rec.authorized) && !tx.held && !tx.ending;
    resp.setEnum(resp.root, RequestStartTransactionResponse.status,
      ok ? RequestStartStopStatusEnumType.Accepted : RequestStartStopStatusEnumType.Rejected);
    if (!ok) return RpcError.None;
    // Only an accepted request takes one of the ring's strings: a refused one would overwrite the running
    // transaction's token.
    const token = ringToken(req, tok);
    // The transaction a plugged cable already started is the one this request joins (F01.FR..).
    if (tx.rec.active) resp.setString(resp.root, RequestStartTransactionResponse.transactionId, tx.rec.id);
    line().s("remote start ").i(remoteStartId).s(" for ").s(token).info();
    tx.onRemoteStart(token, type, group, remoteStartId);
    this.requests.changed();
    return RpcError.None;
  }

  private handleRequestStop(req: Tape, resp: Tape): i32 {
    const tx = this.session;
    const ok = tx.rec.active && req.strEquals(req.root, RequestStopTransactionRequest.transactionId, tx.rec.id);
    resp.setEnum(resp.root, RequestStopTransactionResponse.status,
      ok ? RequestStartStopStatusEnumType.Accepted : RequestStartStopStatusEnumType.Rejected);
    if (ok) {
      tx.onStopRequest(TriggerReasonEnumType.RemoteStop, ReasonEnumType.Remote);
      this.requests.changed();
    }
    return RpcError.None;
  }

  private handleUnlock(req: Tape, resp: Tape): i32 {
    const evse = <i32>req.getInt(req.root, UnlockConnectorRequest.evseId);
    const c = <i32>req.getInt(req.root, UnlockConnectorRequest.connectorId);
    let status: i32;
    if (evse != EVSE_ID || c < 1 || c > CONNECTOR_COUNT) status = UnlockStatusEnumType.UnknownConnector;
    else if (this.session.rec.active && this.session.rec.authorized && this.session.connector == c) status = UnlockStatusEnumType.OngoingAuthorizedTransaction;
    else {
      const lock = this.hw.lock[c - 1];
      if (lock.present) status = lock.command(false) == 0 ? UnlockStatusEnumType.Unlocked : UnlockStatusEnumType.UnlockFailed;
      else {
        // F05: a fixed cable without a lock has nothing to release; the reason code says why.
        status = UnlockStatusEnumType.UnlockFailed;
        const info = resp.newObject(resp.root, UnlockConnectorResponse.statusInfo);
        resp.setString(info, StatusInfoType.reasonCode, "FixedCable");
      }
    }
    resp.setEnum(resp.root, UnlockConnectorResponse.status, status);
    return RpcError.None;
  }

  private handleTrigger(req: Tape, resp: Tape): i32 {
    const root = req.root;
    const m = req.getEnum(root, TriggerMessageRequest.requestedMessage);
    const e = req.getObject(root, TriggerMessageRequest.evse);
    const evse = e >= 0 ? <i32>req.getInt(e, EVSEType.id) : 0;
    const connector = e >= 0 && req.has(e, EVSEType.connectorId) ? <i32>req.getInt(e, EVSEType.connectorId) : 0;
    let status = TriggerMessageStatusEnumType.Accepted;
    // F06.FR.. : a requested EVSE/connector that does not exist is rejected.
    if (e >= 0 && (evse != EVSE_ID || connector < 0 || connector > CONNECTOR_COUNT)) status = TriggerMessageStatusEnumType.Rejected;
    else if (m == MessageTriggerEnumType.BootNotification) {
      // F06.FR.17: no BootNotification on request once accepted.
      if (this.requests.registrationAccepted()) status = TriggerMessageStatusEnumType.Rejected;
      else this.requests.triggerBoot();
    } else if (m == MessageTriggerEnumType.StatusNotification) {
      this.requests.reportConnectorAgain(connector);
    } else if (m == MessageTriggerEnumType.TransactionEvent) {
      if (!this.session.rec.active) status = TriggerMessageStatusEnumType.Rejected;
      else this.session.onTrigger();
    } else if (m == MessageTriggerEnumType.SignChargingStationCertificate) {
      // A02/A03: the station-certificate block makes the CSR and sends it (TC_A_11_CS).
      if (!this.requests.signStationCertificate()) status = TriggerMessageStatusEnumType.Rejected;
    } else if (m == MessageTriggerEnumType.Heartbeat || m == MessageTriggerEnumType.MeterValues ||
               m == MessageTriggerEnumType.LogStatusNotification || m == MessageTriggerEnumType.FirmwareStatusNotification) {
      this.triggers.set(m);
      if (m == MessageTriggerEnumType.MeterValues) this.requests.meterValueTriggered();
    } else {
      status = TriggerMessageStatusEnumType.NotImplemented;
    }
    resp.setEnum(resp.root, TriggerMessageResponse.status, status);
    return RpcError.None;
  }
}

/** The idTokens of remote starts (IdTokenType.idToken: at most 36 characters), reused: the session keeps one in its
 *  record and at most one more held, and a remote start is refused while one is held or authorized. */
const TOKENS = new StringRing(3, 36);

function ringToken(req: Tape, tok: i32): string {
  const len = req.getStrLen(tok, IdTokenType.idToken);
  if (len <= 0) return "";
  const s = TOKENS.fromAscii(req.getStrPtr(tok, IdTokenType.idToken), len);
  return s != null ? s : req.getString(tok, IdTokenType.idToken);
}
