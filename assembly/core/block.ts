// A functional block as the station wires it: the CSMS calls the routing table sends it (station/station.ts,
// blockFor()), the calls it offers in its turn of the outbound priority list, and the results and failures of those
// calls (the station remembers which block issued the outstanding one), and its timers (the station's timer list,
// timerAt(): the tick runs them and next_wakeup() takes their times from the same blocks). Blocks ask each other for
// nothing through this class; see session.ts and remote-requests.ts for that.
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
  /** When a timer of its own falls due (the station's clock, ms; i64.MAX_VALUE: none). */
  nextWakeup(): i64 { return i64.MAX_VALUE; }
  /** Runs the timers due at the station's clock. */
  tick(): void {}
  /** When a call it offers in nextCall() becomes due (i64.MAX_VALUE: none, or none that waits for a time). A due
   *  call waits for the line: the station wakes for it only while the line is free. */
  nextCallAt(): i64 { return i64.MAX_VALUE; }
}
