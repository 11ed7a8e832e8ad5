// What the RPC layer needs from the station: a handler for CSMS requests and a
// source of station-initiated requests (pulled one at a time, so no encoded
// message waits in RAM while another call is outstanding).
import { Tape, RpcError } from "../ocpp";

/** Why a station-initiated CALL got no CALLRESULT (besides CALLERROR codes, which are RpcError values). */
export const enum CallFailure { Timeout = -1, Disconnected = -2, BadResponse = -3 }

export abstract class RpcApp {
  /** A CSMS CALL with a valid payload. Fill `resp` (its root is the response type); return RpcError.None for a
   *  CALLRESULT or an RpcError code (NotSupported, ...) for a CALLERROR. */
  abstract handleCall(action: i32, req: Tape, resp: Tape): i32;
  /** The next CALL to send, built into `req` (use req.newRoot(actionRequestType(action))); -1 if none now. */
  abstract nextCall(req: Tape): i32;
  abstract onCallResult(action: i32, resp: Tape): void;
  /** failure: an RpcError code from a CALLERROR, or a CallFailure. */
  abstract onCallFailed(action: i32, failure: i32): void;
  /** A message of the CSMS that is not valid OCPP: a CALL answered with a CALLERROR for its frame or payload
   *  (`action` -1 when unknown), or a response that failed validation. `error` is the RpcError it failed with. */
  onInvalidMessage(action: i32, error: i32): void {}
  /** A request read and answered item by item (docs/streaming.md): for an action whose response is one array
   *  of results, that array's property of the response type; -1 (the default): handleCall builds the whole
   *  answer from the request decoded whole. */
  itemsProperty(action: i32): i32 { return -1; }
  /** Such a request begins: what the app kept of an earlier one is dropped. */
  startItems(action: i32): void {}
  /** Request item k, decoded and valid (the object `item` of `req`, valid during the call). Keep what the
   *  answer needs; nothing may take effect yet (a later item may still make the request invalid). */
  takeItem(action: i32, req: Tape, item: i32, k: i32): void {}
  /** The whole request was valid, with `count` items: the item count to answer, or -(an RpcError code) to
   *  answer a CALLERROR instead (its description in the codec's error text). Nothing has been sent yet: this
   *  is where the request takes effect. */
  beginItems(action: i32, count: i32): i32 { return -RpcError.NotSupported; }
  /** Fills the result of request item k (in order) into `item` (a root object of the array's item type in
   *  `resp`); false if it could not (the answer is then abandoned). */
  answerItem(action: i32, k: i32, resp: Tape, item: i32): bool { return false; }
  /** After the last item (also when the answer was abandoned half-way). */
  endItems(action: i32): void {}
  abstract onConnected(): void;
  abstract onDisconnected(): void;
}
