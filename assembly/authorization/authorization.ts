// Local authorization of idTokens presented at the reader (C01, C02, C04, C06, C15): online through
// Authorize, offline per AuthCtrlr.LocalAuthorizeOffline and OfflineTxForUnknownIdEnabled (C-01, C-02; no
// authorization cache yet, C-49). Presenting the token of the running transaction, or one of its group,
// stops it (C01.FR.. / E07).
import {
  Tape, Action, actionRequestType, AuthorizeRequest, AuthorizeResponse, IdTokenType, IdTokenInfoType,
  IdTokenEnumType, AuthorizationStatusEnumType, TriggerReasonEnumType, ReasonEnumType,
} from "../ocpp";
import { K, boolValue } from "../core/catalog";
import { EVSE_ID } from "../core/topology";
import { Session } from "../core/session";
import { Block } from "../core/block";
import { Context } from "../core/context";
import { logInfo } from "../util/log";

const PURPOSE_NONE: i32 = 0, PURPOSE_START: i32 = 1, PURPOSE_STOP: i32 = 2;

export class Authorization extends Block {
  private token: string = "";
  private purpose: i32 = PURPOSE_NONE;
  private inFlight: bool = false;
  lastResult: string = "";

  constructor(private ctx: Context, private tx: Session) { super(); }

  /** One card presentation (idToken type ISO14443): online (the CSMS accepted us and the link is up) it asks the
   *  CSMS. */
  onCard(uid: string): void {
    const tx = this.tx, online = this.ctx.online;
    const active = tx.rec.active, authorized = active && tx.rec.authorized;
    // The transaction's own token ends it, also after the CSMS refused it with StopTxOnInvalidId false
    // (TC_C_26_CS: the transaction went on, withheld, until the driver ends it).
    if (active && tx.rec.idToken == uid && (authorized || tx.withheld)) {
      this.tx.onStopRequest(TriggerReasonEnumType.StopAuthorized, ReasonEnumType.Local, uid);
      return;
    }
    if (authorized) {
      // Another card may belong to the transaction's group: only the CSMS knows (Authorize, TC_C_04_CS).
      if (online) this.ask(uid, PURPOSE_STOP);
      else logInfo("authorization: " + uid + " ignored, a transaction is running");
      return;
    }
    if (!boolValue(K.AuthEnabled)) { this.accept(uid, ""); return; }
    if (online) { this.ask(uid, PURPOSE_START); return; }
    this.offline(uid);
  }

  private ask(uid: string, purpose: i32): void {
    if (this.inFlight) { logInfo("authorization: busy, " + uid + " ignored"); return; }
    this.token = uid;
    this.purpose = purpose;
  }

  private offline(uid: string): void {
    // Without a cache or local list every token is unknown offline: C-02 decides.
    if (boolValue(K.LocalAuthorizeOffline) && boolValue(K.OfflineTxForUnknownIdEnabled)) {
      logInfo("authorization: " + uid + " accepted offline (unknown id)");
      this.accept(uid, "");
    } else {
      this.lastResult = "Invalid";
      logInfo("authorization: " + uid + " refused offline");
    }
  }

  private accept(uid: string, group: string): void {
    this.lastResult = "Accepted";
    this.tx.onAuthorized(uid, IdTokenEnumType.ISO14443, group);
  }

  nextCall(req: Tape): i32 {
    if (this.purpose == PURPOSE_NONE || this.inFlight) return -1;
    const root = req.newRoot(actionRequestType(Action.Authorize));
    const t = req.newObject(root, AuthorizeRequest.idToken);
    req.setString(t, IdTokenType.idToken, this.token);
    req.setEnum(t, IdTokenType.type, IdTokenEnumType.ISO14443);
    this.inFlight = true;
    return Action.Authorize;
  }

  onCallResult(action: i32, resp: Tape): void {
    const info = resp.getObject(resp.root, AuthorizeResponse.idTokenInfo);
    const status = resp.getEnum(info, IdTokenInfoType.status);
    let ok = status == AuthorizationStatusEnumType.Accepted;
    // C.. : an evseId list that leaves out this EVSE is a refusal here.
    const n = resp.arrayLength(info, IdTokenInfoType.evseId);
    if (ok && n > 0) {
      ok = false;
      for (let i = 0; i < n; i++) if (resp.arrayInt(info, IdTokenInfoType.evseId, i) == EVSE_ID) ok = true;
    }
    const g = resp.getObject(info, IdTokenInfoType.groupIdToken);
    const group = g >= 0 ? resp.getString(g, IdTokenType.idToken) : "";
    const uid = this.token, purpose = this.purpose;
    this.done();
    this.lastResult = ok ? "Accepted" : "Rejected";
    logInfo("authorization: " + uid + (ok ? " accepted" : " not accepted"));
    if (!ok) return;
    if (purpose == PURPOSE_START) this.accept(uid, group);
    else if (purpose == PURPOSE_STOP && group.length > 0 && group == this.tx.rec.groupId) {
      this.tx.onStopRequest(TriggerReasonEnumType.StopAuthorized, ReasonEnumType.Local, uid);
    }
  }

  /** No answer (time-out, link lost): as offline. A CALLERROR: refused. */
  onCallFailed(action: i32, failure: i32): void {
    const uid = this.token, purpose = this.purpose;
    this.done();
    if (purpose == PURPOSE_START && failure < 0) this.offline(uid);
  }

  private done(): void { this.inFlight = false; this.purpose = PURPOSE_NONE; this.token = ""; }
}
