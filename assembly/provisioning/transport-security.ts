// What the transport's failures mean for security (A00; TC_A_05_CS, TC_A_06_CS): the host reports why a connection
// attempt ended as a stream code (docs/host-abi.md), the WebSocket client as an HTTP status; this turns the ones
// that are security failures into security events. Each kind is raised once until a connection succeeds, not once
// per retry: a station that retries a bad CSMS for hours must not push its other events out of the bounded queue.
// The events wait in the security block's persistent queue and go out once a connection is accepted.
import { Context } from "../core/context";
import { SecurityEventType } from "../core/security-log";

/** The security event a failed attempt's reason stands for, -1 none (a network fault is not a security event). */
export function transportEvent(reason: i32): i32 {
  switch (reason) {
    case -11: case -12: case -13: return SecurityEventType.InvalidCsmsCertificate;   // untrusted, expired, host name
    case -14: return SecurityEventType.InvalidTLSVersion;
    case -16: return SecurityEventType.InvalidTLSCipherSuite;
    case -15: case 401: return SecurityEventType.FailedToAuthenticateAtCsms;         // client certificate, Basic auth
  }
  return -1;
}

export class TransportSecurity {
  /** Bit per event type raised since the last successful connection. */
  private raised: u32 = 0;

  constructor(private ctx: Context) {}

  /** A connection attempt (or a connection) ended with `reason` (WsConnection.lastError). */
  onAttemptEnded(reason: i32): void {
    const e = transportEvent(reason);
    if (e < 0) return;
    const bit = <u32>1 << <u32>e;
    if ((this.raised & bit) != 0) return;
    this.raised |= bit;
    this.ctx.securityLog.raise(e);
  }

  onConnected(): void { this.raised = 0; }
}
