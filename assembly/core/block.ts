// A functional block as the station wires it: the CSMS calls the routing table sends it (station/station.ts,
// blockFor()), the calls it offers in its turn of the outbound priority list, and the results and failures of those
// calls (the station remembers which block issued the outstanding one). Blocks ask each other for nothing through
// this class; see session.ts and remote-requests.ts for that.
import { Tape, RpcError } from "../ocpp";

export class Block {
  /** A CSMS call of an action routed here: fills resp and returns an RpcError code (None: answered). */
  handleCall(action: i32, req: Tape, resp: Tape): i32 { return RpcError.NotSupported; }
  /** The call it wants to send now, built into req (req.newRoot(actionRequestType(action))): its action, or -1. */
  nextCall(req: Tape): i32 { return -1; }
  /** The CALLRESULT of a call it issued. */
  onCallResult(action: i32, resp: Tape): void {}
  /** No CALLRESULT for a call it issued: an RpcError code from a CALLERROR, or a CallFailure (rpc/app.ts). */
  onCallFailed(action: i32, failure: i32): void {}
}
