// What the client hands a response body to, and where an upload's body comes from. Both work in pieces, so a
// firmware file or a log is never held whole in RAM.

/** Receives a 2xx response's body in pieces as they arrive (already de-chunked). */
export class HttpSink {
  /** One piece; (ptr, len) is valid only during the call. Return false to abort (HTTP_ERR_SINK). */
  onBody(ptr: usize, len: i32): bool { return true; }
}

/** Produces a request body piecewise. */
export class HttpSource {
  /** Total bytes the source will produce (sent as Content-Length). */
  length(): i64 { return 0; }
  /** Writes up to cap bytes at ptr; returns the count, 0 at the end, < 0 on failure (HTTP_ERR_SOURCE). */
  read(ptr: usize, cap: i32): i32 { return 0; }
  /** Starts over (a 307/308 redirect sends the body again); false when it cannot. */
  rewind(): bool { return false; }
}

/** Reports the end of a request exactly once: 0 (a 2xx read to its end) or an error code (errors.ts). */
export class HttpListener {
  onDone(result: i32, status: i32): void {}
}
