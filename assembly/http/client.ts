// HTTP/1.1 client over the host's streams (docs/host-abi.md: stream_open with tls 0/1, stream_send,
// on_stream_open/data/closed). One request at a time, one connection per request ("Connection: close", so the
// end of the connection can end a body and nothing is left to reuse). Event-driven: start() issues
// stream_open and returns; the station forwards the stream events and tick(now); the listener hears exactly
// one onDone(result, status) per started request (not after cancel()).
//
// - GET hands a 2xx body to the sink in pieces as they arrive; a non-2xx final status ends the request with
//   HTTP_ERR_STATUS without reading its body (an error page never reaches a firmware slot).
// - PUT/POST send a body from an HttpSource with Content-Length, HTTP_PIECES_PER_EVENT pieces of
//   HTTP_TX_CAPACITY bytes per event, so a long upload never holds the station for long.
// - Redirects 301/302/303/307/308 are followed up to HTTP_MAX_REDIRECTS; 303 turns the request into a GET
//   without body (RFC 9110 §15.4.4), the others repeat the method and body (the source rewinds). A redirect
//   from https to http is refused: a log must not leave in the clear because a server said so.
// - The time-out is an idle time-out: the request fails when nothing arrives for timeoutMs (connecting,
//   waiting for the response, or between body pieces), so a large download on a slow link still completes.
import { stream_open, stream_send, stream_close } from "../host/abi";
import {
  HTTP_TX_CAPACITY, HTTP_MAX_REDIRECTS, HTTP_PIECES_PER_EVENT, HTTP_OK, HTTP_ERR_BUSY, HTTP_ERR_SEND,
  HTTP_ERR_HEAD_TOO_LONG, HTTP_ERR_SOURCE, HTTP_ERR_TIMEOUT, HTTP_ERR_CLOSED, HTTP_ERR_STATUS,
  HTTP_ERR_REDIRECTS, HTTP_ERR_LOCATION,
} from "./errors";
import { HttpTarget, parseHttpUrl, parsePathQuery, isHttpUrl } from "./url";
import { HttpResponseParser, RESP_HEADERS, RESP_DONE } from "./response";
import { HttpSink, HttpSource, HttpListener } from "./sink";

export const HTTP_IDLE: i32 = 0;
export const HTTP_CONNECTING: i32 = 1;
export const HTTP_SENDING: i32 = 2;    // head sent, body pieces still to send
export const HTTP_WAITING: i32 = 3;    // request sent, reading the response

export class HttpClient {
  state: i32 = HTTP_IDLE;
  /** Final HTTP status of the last request (0 when no response was read). */
  status: i32 = 0;
  /** Redirects followed by the last request. */
  redirects: i32 = 0;

  private listener: HttpListener;
  private handle: i32 = 0;
  private target: HttpTarget = new HttpTarget();
  private next: HttpTarget = new HttpTarget();
  private method: string = "GET";
  private contentType: string = "";
  private source: HttpSource | null = null;
  private sink: HttpSink | null = null;
  private securityProfile: i32 = 0;
  private timeoutMs: i64 = 0;
  private deadline: i64 = 0;
  private sent: i64 = 0;
  private tx: usize = heap.alloc(<usize>HTTP_TX_CAPACITY);
  private parser: HttpResponseParser = new HttpResponseParser();
  /** Bumped when a request ends, so a loop over one event's bytes stops if a callback started another. */
  private generation: i32 = 0;

  constructor(listener: HttpListener) { this.listener = listener; }

  /**
   * Starts a request; 0, or an error code at once (no onDone follows then). method is "GET", "PUT" or "POST";
   * source is the body (null: none), contentType its Content-Type; securityProfile goes to stream_open (3
   * presents the station certificate to an https server that asks for one).
   */
  start(method: string, url: string, source: HttpSource | null, contentType: string, sink: HttpSink | null,
        securityProfile: i32, timeoutMs: i64, now: i64): i32 {
    if (this.state != HTTP_IDLE) return HTTP_ERR_BUSY;
    const r = parseHttpUrl(url, this.target);
    if (r != 0) return r;
    this.method = method;
    this.source = source;
    this.contentType = contentType;
    this.sink = sink;
    this.securityProfile = securityProfile;
    this.timeoutMs = timeoutMs;
    this.status = 0;
    this.redirects = 0;
    return this.connect(now);
  }

  /** Ends the running request without onDone. */
  cancel(): void { this.teardown(); }

  getHandle(): i32 { return this.handle; }

  /** When the client next needs tick(): now while body pieces wait, the time-out otherwise; -1 when idle. */
  nextWakeup(now: i64): i64 {
    if (this.state == HTTP_IDLE) return -1;
    if (this.state == HTTP_SENDING) return now;
    return this.deadline;
  }

  tick(now: i64): void {
    if (this.state == HTTP_IDLE) return;
    if (now >= this.deadline) { this.finish(HTTP_ERR_TIMEOUT); return; }
    if (this.state == HTTP_SENDING) this.pump(now);
  }

  onStreamOpen(handle: i32, status: i32, now: i64): void {
    if (handle != this.handle || handle <= 0 || this.state != HTTP_CONNECTING) return;
    if (status != 0) { this.handle = 0; this.finish(status < 0 ? status : HTTP_ERR_CLOSED); return; }
    const n = this.writeHead();
    if (n < 0) { this.finish(n); return; }
    if (stream_send(handle, this.tx, n) != n) { this.finish(HTTP_ERR_SEND); return; }
    this.deadline = now + this.timeoutMs;
    this.sent = 0;
    this.parser.reset();
    this.state = this.source != null && this.source!.length() > 0 ? HTTP_SENDING : HTTP_WAITING;
    if (this.state == HTTP_SENDING) this.pump(now);
  }

  onStreamData(handle: i32, ptr: usize, len: i32, now: i64): void {
    if (handle != this.handle || handle <= 0 || len <= 0) return;
    if (this.state != HTTP_SENDING && this.state != HTTP_WAITING) return;
    this.deadline = now + this.timeoutMs;
    const gen = this.generation;
    const p = this.parser;
    while (len > 0) {
      const r = p.feed(ptr, len, this.sink);
      ptr += <usize>p.consumed;
      len -= p.consumed;
      if (gen != this.generation) return;
      if (r < 0) { this.finish(r); return; }
      if (r == RESP_HEADERS) {
        this.status = p.status;
        if (p.status < 200 || p.status >= 300) { this.finishStatus(now); return; }
        if (p.isDone()) { this.finish(HTTP_OK); return; }
        continue;
      }
      if (r == RESP_DONE) { this.finish(HTTP_OK); return; }
    }
  }

  onStreamClosed(handle: i32, reason: i32): void {
    if (handle != this.handle || handle <= 0) return;
    this.handle = 0;   // the host sends nothing more and needs no stream_close
    // A host error (reset, network down, TLS alert) is never a clean end, even of a body that ends at the close.
    if (this.state == HTTP_CONNECTING || reason < 0) { this.finish(reason < 0 ? reason : HTTP_ERR_CLOSED); return; }
    const r = this.parser.onClose();
    this.finish(r == RESP_DONE && this.status >= 200 && this.status < 300 ? HTTP_OK : HTTP_ERR_CLOSED);
  }

  // ---- internals ---------------------------------------------------------------------------------------

  private connect(now: i64): i32 {
    const t = this.target;
    const h = String.UTF8.encode(t.host);
    const handle = stream_open(changetype<usize>(h), h.byteLength, t.port, t.tls ? 1 : 0, this.securityProfile);
    if (handle <= 0) return handle < 0 ? handle : HTTP_ERR_CLOSED;
    this.handle = handle;
    this.state = HTTP_CONNECTING;
    this.deadline = now + this.timeoutMs;
    return 0;
  }

  /** A non-2xx final status: a redirect to follow, or the end of the request. */
  private finishStatus(now: i64): void {
    const s = this.status;
    if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308) { this.finish(HTTP_ERR_STATUS); return; }
    if (this.redirects >= HTTP_MAX_REDIRECTS) { this.finish(HTTP_ERR_REDIRECTS); return; }
    const loc = this.parser.location;
    if (this.parser.locationTooLong || loc.length == 0) { this.finish(HTTP_ERR_LOCATION); return; }
    const n = this.next;
    if (isHttpUrl(loc)) {
      if (parseHttpUrl(loc, n) != 0) { this.finish(HTTP_ERR_LOCATION); return; }
    } else if (loc.charCodeAt(0) == 0x2f && (loc.length < 2 || loc.charCodeAt(1) != 0x2f)) {
      n.copyFrom(this.target);       // an absolute path on the same origin
      if (parsePathQuery(loc, 0, n) != 0) { this.finish(HTTP_ERR_LOCATION); return; }
    } else { this.finish(HTTP_ERR_LOCATION); return; }
    if (this.target.tls && !n.tls) { this.finish(HTTP_ERR_LOCATION); return; }
    if (s == 303) { this.method = "GET"; this.source = null; this.contentType = ""; }
    else if (this.source != null && !this.source!.rewind()) { this.finish(HTTP_ERR_SOURCE); return; }
    this.closeStream();
    this.generation++;
    this.target.copyFrom(n);
    this.redirects++;
    this.status = 0;
    const r = this.connect(now);
    if (r != 0) { this.state = HTTP_IDLE; this.finish(r); }
  }

  /** Request line and headers into tx; the length or HTTP_ERR_HEAD_TOO_LONG. */
  private writeHead(): i32 {
    const t = this.target;
    let head = this.method + " " + t.path + " HTTP/1.1\r\nHost: " + t.hostHeader +
      "\r\nUser-Agent: ocpp-station\r\nAccept-Encoding: identity\r\nConnection: close\r\n";
    const src = this.source;
    if (src != null) {
      const len = src.length();
      if (len < 0) return HTTP_ERR_SOURCE;
      if (this.contentType.length > 0) head += "Content-Type: " + this.contentType + "\r\n";
      head += "Content-Length: " + len.toString() + "\r\n";
    }
    head += "\r\n";
    const n = String.UTF8.byteLength(head);
    if (n > HTTP_TX_CAPACITY) return HTTP_ERR_HEAD_TOO_LONG;
    String.UTF8.encodeUnsafe(changetype<usize>(head), head.length, this.tx);
    return n;
  }

  /** Sends up to HTTP_PIECES_PER_EVENT body pieces; the source must give exactly length() bytes. */
  private pump(now: i64): void {
    const src = this.source!;
    const total = src.length();
    for (let k = 0; k < HTTP_PIECES_PER_EVENT && this.sent < total; k++) {
      const want = <i32>min<i64>(<i64>HTTP_TX_CAPACITY, total - this.sent);
      const n = src.read(this.tx, want);
      if (n <= 0 || n > want) { this.finish(HTTP_ERR_SOURCE); return; }
      if (stream_send(this.handle, this.tx, n) != n) { this.finish(HTTP_ERR_SEND); return; }
      this.sent += n;
      this.deadline = now + this.timeoutMs;
    }
    if (this.sent >= total && this.state == HTTP_SENDING) this.state = HTTP_WAITING;
  }

  private closeStream(): void {
    if (this.handle > 0) stream_close(this.handle);
    this.handle = 0;
  }

  private teardown(): void {
    this.closeStream();
    this.state = HTTP_IDLE;
    this.generation++;
  }

  private finish(result: i32): void {
    this.teardown();
    this.listener.onDone(result, this.status);
  }
}
