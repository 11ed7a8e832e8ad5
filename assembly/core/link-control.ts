// What a block may ask of the CSMS connection the station owns: a new connection, after the answer being sent
// went out (A02.FR.08: a new client certificate is used by reconnecting the WebSocket and TLS connection).
export class LinkControl {
  /** Closes the WebSocket normally; the station connects again (its back-off), with what the host has now. */
  reconnect(): void {}
}
