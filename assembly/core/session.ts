// The transaction block as the other blocks see it (authorization, remote control): the state of the EVSE's
// session and the requests they may hand it. transactions/ implements it; no block imports another.
import { Block } from "./block";

export class Session extends Block {
  /** The connector whose cable is in (0: none). */
  connector: i32 = 0;
  /** An authorization given before any transaction started (TxStartPoint without Authorized). */
  held: bool = false;
  /** The CSMS refused the running transaction's idToken and StopTxOnInvalidId is false: the transaction goes on
   *  without energy until the driver ends it (C15.FR.08; TC_C_26_CS). */
  withheld: bool = false;

  /** A transaction is running. */
  active(): bool { return false; }
  /** The running transaction is authorized. */
  authorized(): bool { return false; }
  transactionId(): string { return ""; }
  /** The idToken and group that authorized the running transaction. */
  idToken(): string { return ""; }
  groupId(): string { return ""; }
  /** The transaction ends and its Ended waits for the energy flow to stop. */
  isEnding(): bool { return false; }

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
}
