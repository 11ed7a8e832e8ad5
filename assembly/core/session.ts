// The transaction block as the other blocks see it (authorization, remote control, availability, reset): the
// state of the EVSE's session, which only transactions/ writes, and the requests they may hand it.
// transactions/ implements it; no block imports another.
import { Block } from "./block";
import { TxRecord } from "./tx-record";

export class Session extends Block {
  /** The EVSE's transaction (active, id, idToken, groupId, authorized, ...): read it, never write it. */
  readonly rec: TxRecord = new TxRecord();
  /** The transaction ends and its Ended waits for the energy flow to stop (it is still active meanwhile). */
  ending: bool = false;
  /** The connector whose cable is in (0: none). */
  connector: i32 = 0;
  /** An authorization given before any transaction started (TxStartPoint without Authorized). */
  held: bool = false;
  /** The CSMS refused the running transaction's idToken and StopTxOnInvalidId is false: the transaction goes on
   *  without energy until the driver ends it (C15.FR.08; TC_C_26_CS). */
  withheld: bool = false;

  /** A presented idToken was accepted (locally or by the CSMS). */
  onAuthorized(token: string, type: i32, group: string): void {}
  /** RequestStartTransaction accepted (F01/F02). */
  onRemoteStart(token: string, type: i32, group: string, remoteStartId: i32): void {}
  /** Ends the authorization (stop by card, RequestStopTransaction); false when nothing was running. */
  onStopRequest(trigger: i32, reason: i32, token: string = ""): bool { return false; }
  /** TriggerMessage(TransactionEvent): report the running transaction now (F06). */
  onTrigger(): void {}
  /** Reset(Immediate) with a transaction running: it ends now (B12). */
  onReset(): void {}
  /** A clock-aligned sample is due (J02): true if it went into the running transaction. */
  onClockAligned(): bool { return false; }
}
