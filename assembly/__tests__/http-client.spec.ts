// HttpClient against the fake host (tests/aspect-host.js): the request it writes, a streamed GET, redirects,
// error statuses, time-out, early close, host failures, and PUT/POST bodies from a source.
import { RX_BUFFER, RX_CAPACITY } from "../host/buffers";
import { HttpClient, HttpListener, HttpSink, HttpSource, MultipartSource, HTTP_IDLE, HTTP_SENDING, HTTP_WAITING } from "../http";
import {
  HTTP_OK, HTTP_ERR_STATUS, HTTP_ERR_TIMEOUT, HTTP_ERR_CLOSED, HTTP_ERR_REDIRECTS, HTTP_ERR_LOCATION,
  HTTP_ERR_BUSY, HTTP_ERR_URL_SCHEME, HTTP_ERR_SOURCE, HTTP_ERR_BODY_TOO_LONG, HTTP_MAX_REDIRECTS, HTTP_TX_CAPACITY,
} from "../http/errors";

import {
  test_sent_count, test_sent_copy, test_sent_clear, test_open_result, test_closed_count, test_closed_last, test_open_arg, openedHost,
} from "./stream-host";

/** Everything sent since the last test_sent_clear, as text. */
function sentText(): string {
  let s = "";
  for (let i = 0; i < test_sent_count(); i++) {
    const n = test_sent_copy(i, 0, 0);
    const a = new ArrayBuffer(n);
    test_sent_copy(i, changetype<usize>(a), n);
    s += String.UTF8.decodeUnsafe(changetype<usize>(a), <usize>n);
  }
  return s;
}

class Rec extends HttpListener {
  done: i32 = 0;
  result: i32 = 99;
  status: i32 = 0;
  onDone(result: i32, status: i32): void { this.done++; this.result = result; this.status = status; }
}
class Collect extends HttpSink {
  text: string = "";
  pieces: i32 = 0;
  onBody(ptr: usize, len: i32): bool { this.text += String.UTF8.decodeUnsafe(ptr, <usize>len); this.pieces++; return true; }
}
/** A body of `total` bytes "0123456789..." produced in reads of any size. */
class Digits extends HttpSource {
  total: i64;
  pos: i64 = 0;
  canRewind: bool = true;
  shortBy: i64 = 0;
  constructor(total: i64) { super(); this.total = total; }
  length(): i64 { return this.total; }
  read(ptr: usize, cap: i32): i32 {
    const n = <i32>min<i64>(<i64>cap, this.total - this.shortBy - this.pos);
    for (let i = 0; i < n; i++) store<u8>(ptr + <usize>i, <u8>(0x30 + ((this.pos + i) % 10)));
    this.pos += n;
    return n;
  }
  rewind(): bool { if (!this.canRewind) return false; this.pos = 0; return true; }
}

function feed(c: HttpClient, s: string, now: i64 = 0): void {
  const a = String.UTF8.encode(s);
  const p = changetype<usize>(a);
  for (let i = 0; i < a.byteLength; i += RX_CAPACITY) {
    const n = min(RX_CAPACITY, a.byteLength - i);
    memory.copy(RX_BUFFER, p + <usize>i, <usize>n);
    c.onStreamData(c.getHandle(), RX_BUFFER, n, now);
  }
}
function setup(): void { test_open_result(0); test_sent_clear(); }

describe("http client GET", () => {
  it("opens the stream and writes the request", () => {
    setup();
    const rec = new Rec();
    const c = new HttpClient(rec);
    const sink = new Collect();
    expect(c.start("GET", "https://files.test:8443/fw/a.bin?v=2", null, "", sink, 2, 30000, 1000)).toBe(0);
    expect(openedHost()).toBe("files.test");
    expect(test_open_arg(0)).toBe(8443);
    expect(test_open_arg(1)).toBe(1);
    expect(test_open_arg(2)).toBe(2);
    expect(c.start("GET", "http://x/", null, "", sink, 0, 1000, 1000)).toBe(HTTP_ERR_BUSY);
    c.onStreamOpen(c.getHandle(), 0, 1000);
    expect(sentText()).toBe("GET /fw/a.bin?v=2 HTTP/1.1\r\nHost: files.test:8443\r\nUser-Agent: ocpp-station\r\n" +
      "Accept-Encoding: identity\r\nConnection: close\r\n\r\n");
    expect(c.state).toBe(HTTP_WAITING);
    feed(c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234");
    expect(rec.done).toBe(0);
    feed(c, "56789");
    expect(rec.done).toBe(1);
    expect(rec.result).toBe(HTTP_OK);
    expect(rec.status).toBe(200);
    expect(sink.text).toBe("0123456789");
    expect(sink.pieces).toBe(2);
    expect(c.state).toBe(HTTP_IDLE);
    expect(test_closed_count() > 0).toBe(true);
  });
  it("streams a chunked body larger than the RX buffer", () => {
    setup();
    const rec = new Rec();
    const c = new HttpClient(rec);
    const sink = new Collect();
    c.start("GET", "http://h/big", null, "", sink, 0, 30000, 0);
    c.onStreamOpen(c.getHandle(), 0, 0);
    const size = RX_CAPACITY + 3000;
    const chunk = "z".repeat(size);
    feed(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + size.toString(16) + "\r\n" + chunk + "\r\n0\r\n\r\n");
    expect(rec.result).toBe(HTTP_OK);
    expect(sink.text.length).toBe(size);
    expect(sink.pieces > 1).toBe(true);
  });
  it("ends at the close when the body has no length, and calls an early close an error otherwise", () => {
    setup();
    const rec = new Rec();
    const c = new HttpClient(rec);
    const sink = new Collect();
    c.start("GET", "http://h/", null, "", sink, 0, 30000, 0);
    c.onStreamOpen(c.getHandle(), 0, 0);
    feed(c, "HTTP/1.0 200 OK\r\n\r\nall of it");
    c.onStreamClosed(c.getHandle(), 0);
    expect(rec.result).toBe(HTTP_OK);
    expect(sink.text).toBe("all of it");

    c.start("GET", "http://h/", null, "", sink, 0, 30000, 0);
    c.onStreamOpen(c.getHandle(), 0, 0);
    feed(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf");
    c.onStreamClosed(c.getHandle(), 0);
    expect(rec.done).toBe(2);
    expect(rec.result).toBe(HTTP_ERR_CLOSED);

    c.start("GET", "http://h/", null, "", sink, 0, 30000, 0);
    c.onStreamOpen(c.getHandle(), 0, 0);
    c.onStreamClosed(c.getHandle(), -4);     // network down: the host's code passes through
    expect(rec.result).toBe(-4);

    c.start("GET", "http://h/", null, "", sink, 0, 30000, 0);
    c.onStreamOpen(c.getHandle(), 0, 0);
    feed(c, "HTTP/1.0 200 OK\r\n\r\nsome");
    c.onStreamClosed(c.getHandle(), -5);     // a body that ends at the close, but the close was an error
    expect(rec.result).toBe(-5);
    expect(rec.done).toBe(4);
  });
  it("refuses a body longer than Content-Length", () => {
    setup();
    const rec = new Rec();
    const c = new HttpClient(rec);
    c.start("GET", "http://h/", null, "", new Collect(), 0, 30000, 0);
    c.onStreamOpen(c.getHandle(), 0, 0);
    feed(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nabc");
    expect(rec.result).toBe(HTTP_ERR_BODY_TOO_LONG);
  });
  it("reports an error status without handing its body to the sink", () => {
    setup();
    const rec = new Rec();
    const c = new HttpClient(rec);
    const sink = new Collect();
    c.start("GET", "http://h/missing", null, "", sink, 0, 30000, 0);
    c.onStreamOpen(c.getHandle(), 0, 0);
    feed(c, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found");
    expect(rec.result).toBe(HTTP_ERR_STATUS);
    expect(rec.status).toBe(404);
    expect(sink.text).toBe("");
  });
  it("passes connection and TLS failures from the host through", () => {
    setup();
    const rec = new Rec();
    const c = new HttpClient(rec);
    c.start("GET", "https://h/", null, "", null, 0, 30000, 0);
    c.onStreamOpen(c.getHandle(), -3, 0);
    expect(rec.result).toBe(-3);
    test_open_result(-1);
    expect(c.start("GET", "http://h/", null, "", null, 0, 30000, 0)).toBe(-1);
    expect(c.state).toBe(HTTP_IDLE);
    test_open_result(0);
    expect(c.start("GET", "ftp://h/", null, "", null, 0, 30000, 0)).toBe(HTTP_ERR_URL_SCHEME);
    expect(rec.done).toBe(1);
  });
  it("times out when nothing arrives, the deadline renewed by every piece", () => {
    setup();
    const rec = new Rec();
    const c = new HttpClient(rec);
    c.start("GET", "http://h/", null, "", new Collect(), 0, 5000, 1000);
    expect(c.nextWakeup(1000)).toBe(6000);
    c.tick(5999);
    expect(rec.done).toBe(0);
    c.onStreamOpen(c.getHandle(), 0, 5999);
    feed(c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n012", 9000);
    expect(c.nextWakeup(9000)).toBe(14000);
    c.tick(13999);
    expect(rec.done).toBe(0);
    c.tick(14000);
    expect(rec.result).toBe(HTTP_ERR_TIMEOUT);
    expect(c.nextWakeup(14000)).toBe(-1);
  });
});

describe("http client redirects", () => {
  it("follows an absolute and a relative Location", () => {
    setup();
    const rec = new Rec();
    const c = new HttpClient(rec);
    const sink = new Collect();
    c.start("GET", "http://a.test/old", null, "", sink, 0, 30000, 0);
    c.onStreamOpen(c.getHandle(), 0, 0);
    feed(c, "HTTP/1.1 301 Moved\r\nLocation: https://b.test:444/new\r\nContent-Length: 5\r\n\r\nmoved");
    expect(rec.done).toBe(0);
    expect(openedHost()).toBe("b.test");
    expect(test_open_arg(0)).toBe(444);
    expect(test_open_arg(1)).toBe(1);
    test_sent_clear();
    c.onStreamOpen(c.getHandle(), 0, 0);
    expect(sentText().startsWith("GET /new HTTP/1.1\r\nHost: b.test:444\r\n")).toBe(true);
    feed(c, "HTTP/1.1 302 Found\r\nLocation: /third?x=1\r\n\r\n");
    test_sent_clear();
    c.onStreamOpen(c.getHandle(), 0, 0);
    expect(sentText().startsWith("GET /third?x=1 HTTP/1.1\r\nHost: b.test:444\r\n")).toBe(true);
    feed(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    expect(rec.result).toBe(HTTP_OK);
    expect(c.redirects).toBe(2);
    expect(sink.text).toBe("ok");
  });
  it("stops after HTTP_MAX_REDIRECTS", () => {
    setup();
    const rec = new Rec();
    const c = new HttpClient(rec);
    c.start("GET", "http://a.test/loop", null, "", null, 0, 30000, 0);
    for (let i = 0; i <= HTTP_MAX_REDIRECTS; i++) {
      c.onStreamOpen(c.getHandle(), 0, 0);
      feed(c, "HTTP/1.1 307 Again\r\nLocation: /loop\r\n\r\n");
    }
    expect(rec.done).toBe(1);
    expect(rec.result).toBe(HTTP_ERR_REDIRECTS);
    expect(rec.status).toBe(307);
  });
  it("refuses a redirect without Location, to another scheme, or from https to http", () => {
    setup();
    const rec = new Rec();
    const c = new HttpClient(rec);
    c.start("GET", "http://a/", null, "", null, 0, 30000, 0);
    c.onStreamOpen(c.getHandle(), 0, 0);
    feed(c, "HTTP/1.1 302 Found\r\n\r\n");
    expect(rec.result).toBe(HTTP_ERR_LOCATION);
    c.start("GET", "http://a/", null, "", null, 0, 30000, 0);
    c.onStreamOpen(c.getHandle(), 0, 0);
    feed(c, "HTTP/1.1 302 Found\r\nLocation: ftp://a/x\r\n\r\n");
    expect(rec.result).toBe(HTTP_ERR_LOCATION);
    c.start("GET", "https://a/", null, "", null, 0, 30000, 0);
    c.onStreamOpen(c.getHandle(), 0, 0);
    feed(c, "HTTP/1.1 302 Found\r\nLocation: http://a/x\r\n\r\n");
    expect(rec.result).toBe(HTTP_ERR_LOCATION);
    expect(rec.done).toBe(3);
  });
});

describe("http client uploads", () => {
  it("PUTs a body in pieces with Content-Length, a few pieces per event", () => {
    setup();
    const rec = new Rec();
    const c = new HttpClient(rec);
    const src = new Digits(10 * HTTP_TX_CAPACITY + 7);
    expect(c.start("PUT", "http://up.test/logs/a.log", src, "text/plain", null, 0, 30000, 0)).toBe(0);
    c.onStreamOpen(c.getHandle(), 0, 0);
    expect(c.state).toBe(HTTP_SENDING);
    expect(c.nextWakeup(5)).toBe(5);
    for (let i = 0; i < 5 && c.state == HTTP_SENDING; i++) c.tick(10);
    expect(c.state).toBe(HTTP_WAITING);
    const sent = sentText();
    const head = "PUT /logs/a.log HTTP/1.1\r\nHost: up.test\r\nUser-Agent: ocpp-station\r\nAccept-Encoding: identity\r\n" +
      "Connection: close\r\nContent-Type: text/plain\r\nContent-Length: 10247\r\n\r\n";
    expect(sent.startsWith(head)).toBe(true);
    expect(sent.length - head.length).toBe(10247);
    expect(sent.substring(head.length, head.length + 12)).toBe("012345678901");
    feed(c, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
    expect(rec.result).toBe(HTTP_OK);
    expect(rec.status).toBe(201);
  });
  it("fails a source that runs short", () => {
    setup();
    const rec = new Rec();
    const c = new HttpClient(rec);
    const src = new Digits(100);
    src.shortBy = 10;
    c.start("PUT", "http://up.test/x", src, "", null, 0, 30000, 0);
    c.onStreamOpen(c.getHandle(), 0, 0);
    expect(rec.result).toBe(HTTP_ERR_SOURCE);
  });
  it("POSTs multipart/form-data and sends the body again after a 307", () => {
    setup();
    const rec = new Rec();
    const c = new HttpClient(rec);
    const mp = new MultipartSource(new Digits(12), "file", "station.log", "BOUNDARYx1");
    expect(mp.contentType).toBe("multipart/form-data; boundary=BOUNDARYx1");
    c.start("POST", "http://up.test/upload", mp, mp.contentType, null, 0, 30000, 0);
    c.onStreamOpen(c.getHandle(), 0, 0);
    const body = "--BOUNDARYx1\r\nContent-Disposition: form-data; name=\"file\"; filename=\"station.log\"\r\n" +
      "Content-Type: application/octet-stream\r\n\r\n012345678901\r\n--BOUNDARYx1--\r\n";
    let sent = sentText();
    expect(sent.endsWith("\r\n\r\n" + body)).toBe(true);
    expect(sent.indexOf("Content-Length: " + body.length.toString() + "\r\n") > 0).toBe(true);
    test_sent_clear();
    feed(c, "HTTP/1.1 307 Temporary\r\nLocation: /upload2\r\n\r\n");
    c.onStreamOpen(c.getHandle(), 0, 0);
    sent = sentText();
    expect(sent.startsWith("POST /upload2 HTTP/1.1\r\n")).toBe(true);
    expect(sent.endsWith("\r\n\r\n" + body)).toBe(true);
    test_sent_clear();
    feed(c, "HTTP/1.1 303 See Other\r\nLocation: /done\r\n\r\n");
    c.onStreamOpen(c.getHandle(), 0, 0);
    sent = sentText();
    expect(sent.startsWith("GET /done HTTP/1.1\r\n")).toBe(true);
    expect(sent.indexOf("Content-Length") < 0).toBe(true);
    feed(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    expect(rec.result).toBe(HTTP_OK);
  });
});
