// An HTTP/1.1 response read incrementally (RFC 9112): status line, header fields, then the body by
// Content-Length, chunked coding or until the connection closes. Lines are gathered in one fixed buffer of
// HTTP_MAX_LINE bytes; body bytes are handed to the sink as slices of the input, never copied. feed() stops
// right after the header section (RESP_HEADERS) so the caller can decide (redirect, error status, body wanted)
// before any body byte is used; 1xx interim responses are skipped.
import {
  HTTP_MAX_LINE, HTTP_MAX_URL, HTTP_MAX_HEADERS, HTTP_ERR_STATUS_LINE, HTTP_ERR_HEADER_TOO_LONG,
  HTTP_ERR_HEADER_SYNTAX, HTTP_ERR_TOO_MANY_HEADERS, HTTP_ERR_CONTENT_LENGTH, HTTP_ERR_ENCODING,
  HTTP_ERR_BODY_TOO_LONG, HTTP_ERR_SINK, HTTP_ERR_CLOSED,
} from "./errors";
import { ChunkedDecoder, CHUNKED_DONE } from "./chunked";
import { HttpSink } from "./sink";
import { bytesEqualIgnoreCase } from "../util/text";

export const RESP_MORE: i32 = 0;
export const RESP_HEADERS: i32 = 1;
export const RESP_DONE: i32 = 2;

const ST_STATUS: i32 = 0;
const ST_HEADERS: i32 = 1;
const ST_BODY: i32 = 2;
const ST_DONE: i32 = 3;
const ST_ERROR: i32 = 4;

/** How the body's end is known (RFC 9112 §6.3). */
export const BODY_NONE: i32 = 0;
export const BODY_LENGTH: i32 = 1;
export const BODY_CHUNKED: i32 = 2;
export const BODY_CLOSE: i32 = 3;

/** Largest Content-Length accepted: 2^53 - 1 keeps every count exact. */
const MAX_CONTENT_LENGTH: i64 = 9007199254740991;

export class HttpResponseParser {
  status: i32 = 0;
  bodyMode: i32 = BODY_NONE;
  /** Content-Length when bodyMode is BODY_LENGTH, else -1. */
  contentLength: i64 = -1;
  /** Body bytes handed out so far (after de-chunking). */
  bodyBytes: i64 = 0;
  /** Location header, "" when absent or longer than HTTP_MAX_URL (HttpClient reports that as a bad redirect). */
  location: string = "";
  locationTooLong: bool = false;
  /** Bytes of the last feed() input used. */
  consumed: i32 = 0;

  private state: i32 = ST_STATUS;
  private line: usize = heap.alloc(<usize>HTTP_MAX_LINE);
  private lineLen: i32 = 0;
  private headerCount: i32 = 0;
  private chunked: bool = false;
  private remaining: i64 = 0;
  private noBody: bool = false;
  private decoder: ChunkedDecoder = new ChunkedDecoder();

  /** Starts a new response; noBody for a response that has none whatever its headers say (HEAD). */
  reset(noBody: bool = false): void {
    this.status = 0; this.bodyMode = BODY_NONE; this.contentLength = -1; this.bodyBytes = 0;
    this.location = ""; this.locationTooLong = false; this.consumed = 0;
    this.state = ST_STATUS; this.lineLen = 0; this.headerCount = 0; this.chunked = false; this.remaining = 0;
    this.noBody = noBody;
    this.decoder.reset();
  }

  /** RESP_MORE, RESP_HEADERS (stopped after the header section), RESP_DONE, or an error code. */
  feed(ptr: usize, len: i32, sink: HttpSink | null): i32 {
    let i = 0;
    while (i < len) {
      const st = this.state;
      if (st == ST_BODY) {
        const r = this.body(ptr + <usize>i, len - i, sink);
        i += this.consumed;
        this.consumed = i;
        if (r == RESP_DONE && i < len) return this.fail(HTTP_ERR_BODY_TOO_LONG);
        return r;
      }
      if (st == ST_DONE) { this.consumed = i; return this.fail(HTTP_ERR_BODY_TOO_LONG); }
      if (st == ST_ERROR) { this.consumed = i; return HTTP_ERR_STATUS_LINE; }
      const c = <i32>load<u8>(ptr + <usize>i);
      i++;
      if (c != 0x0a) {
        if (this.lineLen >= HTTP_MAX_LINE) { this.consumed = i; return this.fail(HTTP_ERR_HEADER_TOO_LONG); }
        store<u8>(this.line + <usize>this.lineLen, <u8>c);
        this.lineLen++;
        continue;
      }
      // A line is complete; a bare LF is accepted as its end (RFC 9112 §2.2), a CR before it is dropped.
      let n = this.lineLen;
      if (n > 0 && load<u8>(this.line + <usize>(n - 1)) == 0x0d) n--;
      this.lineLen = 0;
      const r = st == ST_STATUS ? this.statusLine(n) : this.headerLine(n);
      if (r != RESP_MORE) { this.consumed = i; return r < 0 ? this.fail(r) : r; }
    }
    this.consumed = len;
    return RESP_MORE;
  }

  /** The stream closed: RESP_DONE when that ends the body, else the error it is. */
  onClose(): i32 {
    if (this.state == ST_DONE) return RESP_DONE;
    if (this.state == ST_BODY && this.bodyMode == BODY_CLOSE) { this.state = ST_DONE; return RESP_DONE; }
    return HTTP_ERR_CLOSED;
  }

  private fail(code: i32): i32 { this.state = ST_ERROR; return code; }

  private body(ptr: usize, len: i32, sink: HttpSink | null): i32 {
    if (this.bodyMode == BODY_CHUNKED) {
      const before = this.bodyBytes;
      const r = this.decoder.feed(ptr, len, sink == null ? null : this.counting(sink));
      this.consumed = this.decoder.consumed;
      if (sink == null) this.bodyBytes = before;   // discarded bytes are not counted
      if (r < 0) return this.fail(r);
      if (r == CHUNKED_DONE) { this.state = ST_DONE; return RESP_DONE; }
      return RESP_MORE;
    }
    let n = len;
    if (this.bodyMode == BODY_LENGTH && <i64>n > this.remaining) n = <i32>this.remaining;
    if (n > 0) {
      if (sink != null && !sink.onBody(ptr, n)) { this.consumed = n; return this.fail(HTTP_ERR_SINK); }
      this.bodyBytes += n;
      if (this.bodyMode == BODY_LENGTH) this.remaining -= n;
    }
    this.consumed = n;
    if (this.bodyMode == BODY_LENGTH && this.remaining == 0) { this.state = ST_DONE; return RESP_DONE; }
    return RESP_MORE;
  }

  // Chunked pieces pass through a counter so bodyBytes counts de-chunked bytes; one wrapper, made once.
  private counter: CountingSink = new CountingSink();
  private counting(sink: HttpSink): HttpSink { this.counter.target = sink; this.counter.parser = this; return this.counter; }

  /** "HTTP/1.x NNN reason" (RFC 9112 §4); the reason phrase may be empty or missing. */
  private statusLine(n: i32): i32 {
    const p = this.line;
    if (n < 12) return HTTP_ERR_STATUS_LINE;
    if (load<u8>(p) != 0x48 || load<u8>(p + 1) != 0x54 || load<u8>(p + 2) != 0x54 || load<u8>(p + 3) != 0x50 ||
        load<u8>(p + 4) != 0x2f || load<u8>(p + 5) != 0x31 || load<u8>(p + 6) != 0x2e) return HTTP_ERR_STATUS_LINE;
    const minor = <i32>load<u8>(p + 7);
    if ((minor != 0x30 && minor != 0x31) || load<u8>(p + 8) != 0x20) return HTTP_ERR_STATUS_LINE;
    let status = 0;
    for (let k = 9; k < 12; k++) {
      const d = <i32>load<u8>(p + <usize>k) - 0x30;
      if (d < 0 || d > 9) return HTTP_ERR_STATUS_LINE;
      status = status * 10 + d;
    }
    if (status < 100 || (n > 12 && load<u8>(p + 12) != 0x20)) return HTTP_ERR_STATUS_LINE;
    this.status = status;
    this.state = ST_HEADERS;
    return RESP_MORE;
  }

  private headerLine(n: i32): i32 {
    const p = this.line;
    if (n == 0) return this.endOfHeaders();
    const first = <i32>load<u8>(p);
    if (first == 0x20 || first == 0x09) return HTTP_ERR_HEADER_SYNTAX;   // obsolete line folding (§5.2)
    if (++this.headerCount > HTTP_MAX_HEADERS) return HTTP_ERR_TOO_MANY_HEADERS;
    let colon = -1;
    for (let k = 0; k < n; k++) {
      const c = <i32>load<u8>(p + <usize>k);
      if (c == 0x3a) { colon = k; break; }
      if (c <= 0x20 || c >= 0x7f) return HTTP_ERR_HEADER_SYNTAX;        // no space before the colon (§5.1)
    }
    if (colon <= 0) return HTTP_ERR_HEADER_SYNTAX;
    let vs = colon + 1, ve = n;
    while (vs < ve && isSpace(load<u8>(p + <usize>vs))) vs++;
    while (ve > vs && isSpace(load<u8>(p + <usize>(ve - 1)))) ve--;
    if (bytesEqualIgnoreCase(p, colon, "content-length")) return this.contentLengthValue(p + <usize>vs, ve - vs);
    if (bytesEqualIgnoreCase(p, colon, "transfer-encoding")) {
      // Only "chunked" is supported; a coding we cannot undo (gzip, ...) must not reach the sink as the file.
      if (!bytesEqualIgnoreCase(p + <usize>vs, ve - vs, "chunked")) return HTTP_ERR_ENCODING;
      this.chunked = true;
      return RESP_MORE;
    }
    if (bytesEqualIgnoreCase(p, colon, "location")) {
      if (ve - vs > HTTP_MAX_URL) { this.locationTooLong = true; return RESP_MORE; }
      this.location = String.UTF8.decodeUnsafe(p + <usize>vs, <usize>(ve - vs));
    }
    return RESP_MORE;
  }

  private contentLengthValue(v: usize, n: i32): i32 {
    if (n == 0 || n > 16) return HTTP_ERR_CONTENT_LENGTH;
    let x: i64 = 0;
    for (let k = 0; k < n; k++) {
      const d = <i32>load<u8>(v + <usize>k) - 0x30;
      if (d < 0 || d > 9) return HTTP_ERR_CONTENT_LENGTH;
      x = x * 10 + d;
    }
    if (x > MAX_CONTENT_LENGTH || (this.contentLength >= 0 && this.contentLength != x)) return HTTP_ERR_CONTENT_LENGTH;
    this.contentLength = x;
    return RESP_MORE;
  }

  private endOfHeaders(): i32 {
    const s = this.status;
    if (s < 200) {   // 1xx interim response: the real one follows (RFC 9110 §15.2)
      this.reset(this.noBody);
      return RESP_MORE;
    }
    if (this.noBody || s == 204 || s == 304) {
      this.bodyMode = BODY_NONE;
      this.state = ST_DONE;
    } else if (this.chunked) {   // chunked wins over Content-Length (RFC 9112 §6.3)
      this.bodyMode = BODY_CHUNKED;
      this.contentLength = -1;
      this.state = ST_BODY;
    } else if (this.contentLength >= 0) {
      this.bodyMode = BODY_LENGTH;
      this.remaining = this.contentLength;
      this.state = this.remaining == 0 ? ST_DONE : ST_BODY;
    } else {
      this.bodyMode = BODY_CLOSE;
      this.state = ST_BODY;
    }
    return RESP_HEADERS;
  }

  /** True once the response is complete (after RESP_HEADERS for a response without a body). */
  isDone(): bool { return this.state == ST_DONE; }

  addBody(n: i32): void { this.bodyBytes += n; }
}

class CountingSink extends HttpSink {
  target: HttpSink | null = null;
  parser: HttpResponseParser | null = null;
  onBody(ptr: usize, len: i32): bool {
    this.parser!.addBody(len);
    return this.target!.onBody(ptr, len);
  }
}

@inline function isSpace(c: u8): bool { return c == 0x20 || c == 0x09; }
