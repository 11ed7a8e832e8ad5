// The HTTP client's parsers (assembly/http/response.ts, chunked.ts): status line, header fields, Content-Length,
// chunked coding, each fed in every split so an arbitrary TCP segmentation gives the same result.
import { HttpResponseParser, RESP_MORE, RESP_HEADERS, RESP_DONE, BODY_LENGTH, BODY_CHUNKED, BODY_CLOSE, BODY_NONE } from "../http/response";
import { ChunkedDecoder, CHUNKED_MORE, CHUNKED_DONE } from "../http/chunked";
import { HttpSink } from "../http/sink";
import {
  HTTP_ERR_STATUS_LINE, HTTP_ERR_HEADER_TOO_LONG, HTTP_ERR_HEADER_SYNTAX, HTTP_ERR_TOO_MANY_HEADERS,
  HTTP_ERR_CONTENT_LENGTH, HTTP_ERR_ENCODING, HTTP_ERR_BODY_TOO_LONG, HTTP_ERR_CHUNK, HTTP_ERR_SINK, HTTP_ERR_CLOSED,
  HTTP_MAX_LINE, HTTP_MAX_HEADERS,
} from "../http/errors";

/** Collects the body; refuses a piece after `limit` bytes when limit >= 0. */
class Collect extends HttpSink {
  text: string = "";
  pieces: i32 = 0;
  limit: i32 = -1;
  onBody(ptr: usize, len: i32): bool {
    if (this.limit >= 0 && this.text.length + len > this.limit) return false;
    this.text += String.UTF8.decodeUnsafe(ptr, <usize>len);
    this.pieces++;
    return true;
  }
}

class Outcome { code: i32 = 0; status: i32 = 0; body: string = ""; mode: i32 = 0; location: string = ""; }

/**
 * Feeds `wire` to a fresh parser in pieces of `step` bytes (0: the cuts in `cuts`), resuming after
 * RESP_HEADERS as the client does; the code is the first error, RESP_DONE, or RESP_MORE at the end of input.
 */
function run(wire: string, step: i32, cuts: i32[] = []): Outcome {
  const p = new HttpResponseParser();
  p.reset();
  const sink = new Collect();
  const buf = String.UTF8.encode(wire);
  const base = changetype<usize>(buf);
  const total = buf.byteLength;
  const out = new Outcome();
  let at = 0, k = 0;
  let code = RESP_MORE;
  while (at < total) {
    let end = step > 0 ? min(total, at + step) : (k < cuts.length ? cuts[k++] : total);
    if (end <= at) end = total;
    let ptr = base + <usize>at, len = end - at;
    at = end;
    while (len > 0) {
      code = p.feed(ptr, len, sink);
      ptr += <usize>p.consumed; len -= p.consumed;
      if (code < 0 || code == RESP_DONE) break;
      if (code == RESP_HEADERS) {
        out.status = p.status; out.mode = p.bodyMode; out.location = p.location;
        if (p.isDone()) { code = RESP_DONE; break; }
        code = RESP_MORE;
      }
    }
    if (code == RESP_DONE && len > 0) code = p.feed(ptr, len, sink);   // bytes past the end in this piece
    if (code < 0 || code == RESP_DONE) break;
  }
  if (code == RESP_DONE && at < total) code = p.feed(base + <usize>at, total - at, sink);   // bytes past the end
  out.code = code;
  out.body = sink.text;
  return out;
}

/** The same outcome for every piece size from 1 byte to the whole message. */
function allSplits(wire: string, code: i32, body: string): void {
  const n = String.UTF8.byteLength(wire);
  for (let step = 1; step <= n; step++) {
    const o = run(wire, step);
    expect(o.code).toBe(code, "step " + step.toString());
    expect(o.body).toBe(body, "step " + step.toString());
  }
}

describe("http status line", () => {
  it("reads HTTP/1.1 and HTTP/1.0 with or without a reason phrase", () => {
    expect(run("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0).status).toBe(200);
    expect(run("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n", 0).status).toBe(404);
    expect(run("HTTP/1.1 204\r\n\r\n", 0).status).toBe(204);
    expect(run("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", 0).code).toBe(RESP_DONE);
    expect(run("HTTP/1.1 200 OK\nContent-Length: 2\n\nok", 0).body).toBe("ok");   // bare LF
  });
  it("refuses what is not a status line", () => {
    expect(run("HTTP/2 200 OK\r\n\r\n", 0).code).toBe(HTTP_ERR_STATUS_LINE);
    expect(run("HTTP/1.2 200 OK\r\n\r\n", 0).code).toBe(HTTP_ERR_STATUS_LINE);
    expect(run("HTTP/1.1 20 OK\r\n\r\n", 0).code).toBe(HTTP_ERR_STATUS_LINE);
    expect(run("HTTP/1.1 2000 OK\r\n\r\n", 0).code).toBe(HTTP_ERR_STATUS_LINE);
    expect(run("HTTP/1.1 099 OK\r\n\r\n", 0).code).toBe(HTTP_ERR_STATUS_LINE);
    expect(run("http/1.1 200 OK\r\n\r\n", 0).code).toBe(HTTP_ERR_STATUS_LINE);
    expect(run("SSH-2.0-OpenSSH_9.6\r\n", 0).code).toBe(HTTP_ERR_STATUS_LINE);
    expect(run("\r\n", 0).code).toBe(HTTP_ERR_STATUS_LINE);
  });
  it("skips a 100 Continue before the final response", () => {
    const o = run("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nabc", 0);
    expect(o.status).toBe(201);
    expect(o.code).toBe(RESP_DONE);
    expect(o.body).toBe("abc");
  });
});

describe("http headers", () => {
  it("finds Content-Length, Transfer-Encoding and Location in any case, values trimmed", () => {
    let o = run("HTTP/1.1 200 OK\r\ncontent-LENGTH:\t 5 \r\nX-Other: a:b\r\n\r\nhello", 0);
    expect(o.mode).toBe(BODY_LENGTH);
    expect(o.body).toBe("hello");
    o = run("HTTP/1.1 302 Found\r\nLOCATION:  http://h/next?x=1  \r\nContent-Length: 0\r\n\r\n", 0);
    expect(o.location).toBe("http://h/next?x=1");
    o = run("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n", 0);
    expect(o.mode).toBe(BODY_CHUNKED);
    expect(o.code).toBe(RESP_DONE);
  });
  it("bounds a line at HTTP_MAX_LINE bytes and the count at HTTP_MAX_HEADERS", () => {
    const fits = "X-A: " + "v".repeat(HTTP_MAX_LINE - 6);   // with CR: HTTP_MAX_LINE bytes kept
    expect(run("HTTP/1.1 200 OK\r\n" + fits + "\r\nContent-Length: 0\r\n\r\n", 0).code).toBe(RESP_DONE);
    expect(run("HTTP/1.1 200 OK\r\n" + fits + "v\r\n\r\n", 0).code).toBe(HTTP_ERR_HEADER_TOO_LONG);
    expect(run("HTTP/1.1 200 " + "R".repeat(HTTP_MAX_LINE) + "\r\n\r\n", 0).code).toBe(HTTP_ERR_HEADER_TOO_LONG);
    let many = "HTTP/1.1 200 OK\r\n";
    for (let i = 0; i < HTTP_MAX_HEADERS; i++) many += "X-" + i.toString() + ": 1\r\n";
    expect(run(many + "Content-Length: 0\r\n\r\n", 0).code).toBe(HTTP_ERR_TOO_MANY_HEADERS);
  });
  it("refuses malformed fields", () => {
    expect(run("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", 0).code).toBe(HTTP_ERR_HEADER_SYNTAX);
    expect(run("HTTP/1.1 200 OK\r\n: empty\r\n\r\n", 0).code).toBe(HTTP_ERR_HEADER_SYNTAX);
    expect(run("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", 0).code).toBe(HTTP_ERR_HEADER_SYNTAX);
    expect(run("HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n", 0).code).toBe(HTTP_ERR_HEADER_SYNTAX);
  });
  it("checks Content-Length and the coding", () => {
    expect(run("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", 0).code).toBe(HTTP_ERR_CONTENT_LENGTH);
    expect(run("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0).code).toBe(HTTP_ERR_CONTENT_LENGTH);
    expect(run("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", 0).code).toBe(HTTP_ERR_CONTENT_LENGTH);
    expect(run("HTTP/1.1 200 OK\r\nContent-Length: 9007199254740992\r\n\r\n", 0).code).toBe(HTTP_ERR_CONTENT_LENGTH);
    expect(run("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n", 0).code).toBe(HTTP_ERR_CONTENT_LENGTH);
    expect(run("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok", 0).code).toBe(RESP_DONE);
    expect(run("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 0).code).toBe(HTTP_ERR_ENCODING);
  });
});

describe("http body", () => {
  it("reads a Content-Length body in every split", () => {
    allSplits("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world", RESP_DONE, "hello world");
  });
  it("refuses bytes past Content-Length", () => {
    expect(run("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokX", 0).code).toBe(HTTP_ERR_BODY_TOO_LONG);
    expect(run("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokX", 1).code).toBe(HTTP_ERR_BODY_TOO_LONG);
    expect(run("HTTP/1.1 204 No Content\r\n\r\nX", 0).code).toBe(HTTP_ERR_BODY_TOO_LONG);
  });
  it("prefers chunked over Content-Length", () => {
    const o = run("HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n", 0);
    expect(o.code).toBe(RESP_DONE);
    expect(o.body).toBe("ab");
  });
  it("reads a chunked body with extensions and trailers in every split", () => {
    allSplits("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=x\r\nhello\r\n1\r\n \r\nA \r\n0123456789\r\n0\r\nX-Sum: 1\r\n\r\n",
      RESP_DONE, "hello 0123456789");
  });
  it("reads until the close when there is no length", () => {
    const p = new HttpResponseParser();
    p.reset();
    const sink = new Collect();
    const b = String.UTF8.encode("HTTP/1.1 200 OK\r\n\r\nrest of it");
    const base = changetype<usize>(b);
    expect(p.feed(base, b.byteLength, sink)).toBe(RESP_HEADERS);
    expect(p.bodyMode).toBe(BODY_CLOSE);
    const c = p.consumed;
    expect(p.feed(base + <usize>c, b.byteLength - c, sink)).toBe(RESP_MORE);
    expect(p.onClose()).toBe(RESP_DONE);
    expect(sink.text).toBe("rest of it");
  });
  it("calls an early close an error when the length is known", () => {
    const p = new HttpResponseParser();
    p.reset();
    const b = String.UTF8.encode("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf");
    const base = changetype<usize>(b);
    expect(p.feed(base, b.byteLength, null)).toBe(RESP_HEADERS);
    const c = p.consumed;
    expect(p.feed(base + <usize>c, b.byteLength - c, null)).toBe(RESP_MORE);
    expect(p.onClose()).toBe(HTTP_ERR_CLOSED);
    expect(p.bodyBytes).toBe(4);
  });
  it("stops when the sink refuses", () => {
    const p = new HttpResponseParser();
    p.reset();
    const sink = new Collect();
    sink.limit = 3;
    const b = String.UTF8.encode("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
    const base = changetype<usize>(b);
    expect(p.feed(base, b.byteLength, sink)).toBe(RESP_HEADERS);
    const c = p.consumed;
    expect(p.feed(base + <usize>c, b.byteLength - c, sink)).toBe(HTTP_ERR_SINK);
  });
  it("knows a 304 and a 204 have no body", () => {
    expect(run("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", 0).mode).toBe(BODY_NONE);
  });
});

/** Decodes `wire` fed in pieces cut at every position pair (two cuts: three pieces). */
function chunkedAllCuts(wire: string, expectCode: i32, body: string): void {
  const buf = String.UTF8.encode(wire);
  const base = changetype<usize>(buf);
  const n = buf.byteLength;
  for (let a = 0; a <= n; a++) {
    for (let b = a; b <= n; b++) {
      const d = new ChunkedDecoder();
      const sink = new Collect();
      let code = CHUNKED_MORE;
      const cuts: i32[] = [0, a, b, n];
      for (let k = 0; k < 3 && code == CHUNKED_MORE; k++) {
        if (cuts[k + 1] > cuts[k]) code = d.feed(base + <usize>cuts[k], cuts[k + 1] - cuts[k], sink);
      }
      expect(code).toBe(expectCode, "cuts " + a.toString() + "," + b.toString());
      if (expectCode == CHUNKED_DONE) expect(sink.text).toBe(body, "cuts " + a.toString() + "," + b.toString());
    }
  }
}

describe("http chunked decoder", () => {
  it("gives the same data for every split into three pieces", () => {
    chunkedAllCuts("3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n", CHUNKED_DONE, "abc0123456789abcdef");
    chunkedAllCuts("1;a=b;c\r\nZ\r\n0;last\r\nT: 1\r\nU: 2\r\n\r\n", CHUNKED_DONE, "Z");
  });
  it("stops exactly after the last chunk", () => {
    const d = new ChunkedDecoder();
    const b = String.UTF8.encode("1\r\nx\r\n0\r\n\r\nNEXT");
    expect(d.feed(changetype<usize>(b), b.byteLength, null)).toBe(CHUNKED_DONE);
    expect(d.consumed).toBe(b.byteLength - 4);
  });
  it("refuses bad syntax wherever the pieces are cut", () => {
    chunkedAllCuts("x\r\n", HTTP_ERR_CHUNK, "");                       // not hex
    chunkedAllCuts("\r\n", HTTP_ERR_CHUNK, "");                        // no size
    chunkedAllCuts("2\r\nabX\r\n", HTTP_ERR_CHUNK, "");                // data longer than its size
    chunkedAllCuts("2\nab\r\n", HTTP_ERR_CHUNK, "");                   // LF without CR
    chunkedAllCuts("1000000000000000\r\n", HTTP_ERR_CHUNK, "");        // 16 hex digits
    chunkedAllCuts("0\r\nT: 1\rX", HTTP_ERR_CHUNK, "");                // trailer line
  });
  it("bounds extension and trailer lines", () => {
    const d = new ChunkedDecoder();
    const b = String.UTF8.encode("1;" + "e".repeat(300) + "\r\n");
    expect(d.feed(changetype<usize>(b), b.byteLength, null)).toBe(HTTP_ERR_CHUNK);
    const t = new ChunkedDecoder();
    const c = String.UTF8.encode("0\r\nX: " + "v".repeat(300) + "\r\n\r\n");
    expect(t.feed(changetype<usize>(c), c.byteLength, null)).toBe(HTTP_ERR_CHUNK);
  });
});
