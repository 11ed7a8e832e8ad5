// Unit tests of the WebSocket building blocks: base64, UTF-8, URL, back-off, accept key, frame parser.
import { base64Encode, base64Len } from "../ws/base64";
import { validUtf8, Utf8Stream } from "../ws/utf8";
import { parseWsUrl, WsTarget, percentEncode } from "../ws/url";
import { backoffDelayMs } from "../ws/backoff";
import { computeAccept } from "../ws/handshake";
import { FrameParser, EV_NONE, EV_MESSAGE, EV_CONTROL, EV_ERROR, EV_TOO_BIG, EV_PART, EV_LAST_PART, OP_TEXT, OP_PING, OP_CLOSE } from "../ws/frame";
import {
  WS_ERR_URL_SCHEME, WS_ERR_URL_HOST, WS_ERR_URL_PORT, WS_ERR_URL_PATH, WS_ERR_STATION_ID,
} from "../ws/errors";

function bytesOf(s: string): ArrayBuffer { return String.UTF8.encode(s); }
function b64(s: string): string {
  const src = bytesOf(s);
  const out = new ArrayBuffer(base64Len(src.byteLength));
  const n = base64Encode(changetype<usize>(src), src.byteLength, changetype<usize>(out));
  return String.UTF8.decodeUnsafe(changetype<usize>(out), <usize>n);
}
function utf8ok(a: u8[]): bool {
  const b = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) b[i] = a[i];
  return validUtf8(b.dataStart, a.length);
}

describe("ws base64", () => {
  it("matches the RFC 4648 §10 vectors", () => {
    expect(b64("")).toBe("");
    expect(b64("f")).toBe("Zg==");
    expect(b64("fo")).toBe("Zm8=");
    expect(b64("foo")).toBe("Zm9v");
    expect(b64("foob")).toBe("Zm9vYg==");
    expect(b64("fooba")).toBe("Zm9vYmE=");
    expect(b64("foobar")).toBe("Zm9vYmFy");
  });
});

describe("ws utf8", () => {
  it("accepts valid text", () => {
    expect(utf8ok([0x41, 0xc3, 0xbc, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80])).toBe(true);
    expect(utf8ok([0xf4, 0x8f, 0xbf, 0xbf])).toBe(true);
    expect(utf8ok([])).toBe(true);
  });
  it("rejects overlongs, surrogates, out of range and truncation", () => {
    expect(utf8ok([0xc0, 0x80])).toBe(false);
    expect(utf8ok([0xe0, 0x80, 0x80])).toBe(false);
    expect(utf8ok([0xed, 0xa0, 0x80])).toBe(false);
    expect(utf8ok([0xf4, 0x90, 0x80, 0x80])).toBe(false);
    expect(utf8ok([0xf5, 0x80, 0x80, 0x80])).toBe(false);
    expect(utf8ok([0x41, 0xe2, 0x82])).toBe(false);
    expect(utf8ok([0x80])).toBe(false);
    expect(utf8ok([0xe2, 0x28, 0xa1])).toBe(false);
  });
});

/** The incremental check fed in pieces of `step` bytes agrees with the whole-buffer one. */
function utf8StreamOk(a: u8[], step: i32): bool {
  const b = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) b[i] = a[i];
  const u = new Utf8Stream();
  for (let i = 0; i < a.length; i += step) {
    if (!u.feed(b.dataStart + <usize>i, min(step, a.length - i))) return false;
  }
  return u.complete();
}

describe("ws utf8 stream", () => {
  it("agrees with the whole-buffer check in every split", () => {
    const cases: u8[][] = [
      [0x41, 0xc3, 0xbc, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], [0xf4, 0x8f, 0xbf, 0xbf], [],
      [0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80],
      [0x41, 0xe2, 0x82], [0x80], [0xe2, 0x28, 0xa1], [0xe0, 0xa0, 0x80], [0xed, 0x9f, 0xbf], [0xf0, 0x90, 0x80, 0x80],
    ];
    for (let c = 0; c < cases.length; c++) {
      for (let step = 1; step <= 4; step++) expect(utf8StreamOk(cases[c], step)).toBe(utf8ok(cases[c]));
    }
  });
  it("checks characters after, inside and between ASCII runs taken eight bytes at a time", () => {
    const tails: u8[][] = [[0xc3, 0xbc], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80],
      [0x80], [0xe2, 0x82], [0xff]];
    for (let t = 0; t < tails.length; t++) {
      const valid = utf8ok(tails[t]);
      for (let before = 0; before <= 19; before++) {
        for (let after = 0; after <= 11; after += 11) {
          const a: u8[] = [];
          for (let i = 0; i < before; i++) a.push(<u8>(0x30 + i));
          for (let i = 0; i < tails[t].length; i++) a.push(tails[t][i]);
          for (let i = 0; i < after; i++) a.push(0x61);
          // A truncated character followed by ASCII is invalid too.
          const expected = valid;
          expect(utf8ok(a)).toBe(expected);
          for (let step = 1; step <= 9; step += 4) expect(utf8StreamOk(a, step)).toBe(expected);
        }
      }
    }
  });
});

describe("ws url", () => {
  it("parses ws with path and appends the station id", () => {
    const t = new WsTarget();
    expect(parseWsUrl("ws://csms.example.com/ocpp", "CS001", t)).toBe(0);
    expect(t.tls).toBe(false);
    expect(t.port).toBe(80);
    expect(t.host).toBe("csms.example.com");
    expect(t.hostHeader).toBe("csms.example.com");
    expect(t.path).toBe("/ocpp/CS001");
  });
  it("handles wss, explicit port, trailing slash and percent-encoding (Part 4 §3.1.1 example 2)", () => {
    const t = new WsTarget();
    expect(parseWsUrl("WSS://csms.example.com:8443/ocppj/", "RDAM 123", t)).toBe(0);
    expect(t.tls).toBe(true);
    expect(t.port).toBe(8443);
    expect(t.hostHeader).toBe("csms.example.com:8443");
    expect(t.path).toBe("/ocppj/RDAM%20123");
    expect(parseWsUrl("wss://10.0.0.1", "A/b?c", t)).toBe(0);
    expect(t.port).toBe(443);
    expect(t.host).toBe("10.0.0.1");
    expect(t.path).toBe("/A%2Fb%3Fc");
    expect(percentEncode("ü-_.~")).toBe("%C3%BC-_.~");
  });
  it("accepts an IPv6 literal", () => {
    const t = new WsTarget();
    expect(parseWsUrl("ws://[fe80::1]:9000/x", "S", t)).toBe(0);
    expect(t.host).toBe("fe80::1");
    expect(t.hostHeader).toBe("[fe80::1]:9000");
    expect(t.port).toBe(9000);
    expect(t.path).toBe("/x/S");
  });
  it("rejects other schemes, bad hosts, ports, paths and ids", () => {
    const t = new WsTarget();
    expect(parseWsUrl("http://a/b", "S", t)).toBe(WS_ERR_URL_SCHEME);
    expect(parseWsUrl("ws:/a", "S", t)).toBe(WS_ERR_URL_SCHEME);
    expect(parseWsUrl("ws:///a", "S", t)).toBe(WS_ERR_URL_HOST);
    expect(parseWsUrl("ws://user@a/b", "S", t)).toBe(WS_ERR_URL_HOST);
    expect(parseWsUrl("ws://[zz]/b", "S", t)).toBe(WS_ERR_URL_HOST);
    expect(parseWsUrl("ws://[::1/b", "S", t)).toBe(WS_ERR_URL_HOST);
    expect(parseWsUrl("ws://a:/b", "S", t)).toBe(WS_ERR_URL_PORT);
    expect(parseWsUrl("ws://a:0/b", "S", t)).toBe(WS_ERR_URL_PORT);
    expect(parseWsUrl("ws://a:65536/b", "S", t)).toBe(WS_ERR_URL_PORT);
    expect(parseWsUrl("ws://a:8x/b", "S", t)).toBe(WS_ERR_URL_PORT);
    expect(parseWsUrl("ws://a/b?q=1", "S", t)).toBe(WS_ERR_URL_PATH);
    expect(parseWsUrl("ws://a/b c", "S", t)).toBe(WS_ERR_URL_PATH);
    expect(parseWsUrl("ws://a/b", "", t)).toBe(WS_ERR_STATION_ID);
    expect(parseWsUrl("ws://a/b", "0123456789012345678901234567890123456789012345678", t)).toBe(WS_ERR_STATION_ID);
  });
});

describe("ws backoff", () => {
  it("doubles RepeatTimes times and then stays (fixed random)", () => {
    // WaitMinimum 30 s, RandomRange 10 s, RepeatTimes 2, random 1234 → +1.234 s
    expect(backoffDelayMs(0, 30, 10, 2, 1234)).toBe(31234);
    expect(backoffDelayMs(1, 30, 10, 2, 1234)).toBe(61234);
    expect(backoffDelayMs(2, 30, 10, 2, 1234)).toBe(121234);
    expect(backoffDelayMs(3, 30, 10, 2, 1234)).toBe(121234);
    expect(backoffDelayMs(50, 30, 10, 2, 1234)).toBe(121234);
  });
  it("bounds the random part by RandomRange", () => {
    expect(backoffDelayMs(0, 30, 10, 2, 10000)).toBe(40000);
    expect(backoffDelayMs(0, 30, 10, 2, 10001)).toBe(30000);
    expect(backoffDelayMs(0, 30, 0, 2, 0xffffffff)).toBe(30000);
    expect(backoffDelayMs(1, 5, 0, 0, 7)).toBe(5000);
    expect(backoffDelayMs(100, 30, 0, 1000, 0)).toBe(<i64>30000 << 16);
  });
});

describe("ws accept key", () => {
  it("matches the RFC 6455 §1.3 example", () => {
    const key = bytesOf("dGhlIHNhbXBsZSBub25jZQ==");
    const out = new ArrayBuffer(28);
    const scratch = new ArrayBuffer(128);
    expect(computeAccept(changetype<usize>(key), changetype<usize>(out), changetype<usize>(scratch))).toBe(true);
    expect(String.UTF8.decode(out)).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  });
});

// ---- frame parser ---------------------------------------------------------------
const MSG_CAP: i32 = 1000;
const msg = new ArrayBuffer(MSG_CAP);
const ctrl = new ArrayBuffer(128);
const parser = new FrameParser(changetype<usize>(msg), MSG_CAP, changetype<usize>(ctrl));

function frame(b0: i32, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const h = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const f = new Uint8Array(h + n);
  f[0] = <u8>b0;
  if (n < 126) f[1] = <u8>n;
  else if (n < 65536) { f[1] = 126; f[2] = <u8>(n >> 8); f[3] = <u8>n; }
  else { f[1] = 127; f[6] = <u8>(n >> 24); f[7] = <u8>(n >> 16); f[8] = <u8>(n >> 8); f[9] = <u8>n; }
  for (let i = 0; i < n; i++) f[h + i] = payload[i];
  return f;
}
function text(s: string): Uint8Array { return Uint8Array.wrap(bytesOf(s)); }
function filled(n: i32): Uint8Array {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = <u8>(0x61 + i % 26);
  return a;
}

/** Feeds f in pieces of `step` bytes; returns the first event (and its end offset in lastEnd). */
let lastEnd: i32 = 0;
function feedSteps(f: Uint8Array, step: i32): i32 {
  let i = 0;
  while (i < f.length) {
    const n = min(step, f.length - i);
    const used = parser.feed(f.dataStart + <usize>i, n);
    i += used;
    if (parser.event != EV_NONE) { lastEnd = i; return parser.event; }
    if (used != n) return -1;
  }
  lastEnd = i;
  return EV_NONE;
}

describe("ws frame parser", () => {
  it("decodes 7-bit and 16-bit lengths, whole and byte by byte", () => {
    for (let step = 1; step <= 500; step += 499) {
      parser.reset();
      expect(feedSteps(frame(0x81, text("hello")), step)).toBe(EV_MESSAGE);
      expect(parser.eventOpcode).toBe(OP_TEXT);
      expect(parser.eventLen).toBe(5);
      expect(String.UTF8.decodeUnsafe(parser.msgBuf, 5)).toBe("hello");
      expect(feedSteps(frame(0x81, filled(300)), step)).toBe(EV_MESSAGE);
      expect(parser.eventLen).toBe(300);
      expect(load<u8>(parser.msgBuf + 299)).toBe(<u8>(0x61 + 299 % 26));
    }
  });
  it("accepts an empty text frame", () => {
    parser.reset();
    expect(feedSteps(frame(0x81, new Uint8Array(0)), 10)).toBe(EV_MESSAGE);
    expect(parser.eventLen).toBe(0);
  });
  it("stops after each event so the rest of the chunk can be fed later", () => {
    parser.reset();
    const a = frame(0x89, text("p"));
    const b = frame(0x81, text("xy"));
    const both = new Uint8Array(a.length + b.length);
    both.set(a, 0); both.set(b, a.length);
    const used = parser.feed(both.dataStart, both.length);
    expect(used).toBe(a.length);
    expect(parser.event).toBe(EV_CONTROL);
    expect(parser.eventOpcode).toBe(OP_PING);
    expect(parser.feed(both.dataStart + <usize>used, both.length - used)).toBe(b.length);
    expect(parser.event).toBe(EV_MESSAGE);
  });
  it("reports the close code and validates close payloads", () => {
    parser.reset();
    const p = new Uint8Array(4); p[0] = 0x03; p[1] = 0xe8; p[2] = 0x6f; p[3] = 0x6b;
    expect(feedSteps(frame(0x88, p), 100)).toBe(EV_CONTROL);
    expect(parser.eventOpcode).toBe(OP_CLOSE);
    expect(parser.closeCode()).toBe(1000);
    parser.reset();
    expect(feedSteps(frame(0x88, new Uint8Array(1)), 100)).toBe(EV_ERROR);
    expect(parser.errorCode).toBe(1002);
    parser.reset();
    const bad = new Uint8Array(2); bad[0] = 0x03; bad[1] = 0xed; // 1005 may not be sent
    expect(feedSteps(frame(0x88, bad), 100)).toBe(EV_ERROR);
    expect(parser.errorCode).toBe(1002);
  });
  it("keeps the first bytes of a message longer than the buffer and reports its whole length", () => {
    for (let step = 1; step <= 5001; step += 5000) {
      parser.reset();
      const f = frame(0x81, filled(MSG_CAP * 3 + 7));
      expect(feedSteps(f, step)).toBe(EV_TOO_BIG);
      expect(lastEnd).toBe(f.length);
      expect(parser.eventLen).toBe(MSG_CAP);
      expect(parser.eventTotal).toBe(MSG_CAP * 3 + 7);
      expect(load<u8>(parser.msgBuf + <usize>(MSG_CAP - 1))).toBe(<u8>(0x61 + (MSG_CAP - 1) % 26));
      // the parser goes on with the next message
      expect(feedSteps(frame(0x81, text("next")), step)).toBe(EV_MESSAGE);
      expect(parser.eventLen).toBe(4);
      expect(parser.eventTotal).toBe(4);
    }
  });
  it("reports an oversized fragmented message once, after its last fragment, pings in between", () => {
    parser.reset();
    expect(feedSteps(frame(0x01, filled(MSG_CAP - 10)), 700)).toBe(EV_NONE);
    expect(feedSteps(frame(0x89, text("p")), 700)).toBe(EV_CONTROL);
    expect(feedSteps(frame(0x00, filled(MSG_CAP)), 700)).toBe(EV_NONE);
    expect(feedSteps(frame(0x00, new Uint8Array(0)), 700)).toBe(EV_NONE);
    expect(feedSteps(frame(0x89, text("q")), 700)).toBe(EV_CONTROL);
    expect(feedSteps(frame(0x80, filled(3)), 700)).toBe(EV_TOO_BIG);
    expect(parser.eventLen).toBe(MSG_CAP);
    expect(parser.eventTotal).toBe(MSG_CAP * 2 - 7);
  });
  it("offers a message longer than the buffer in parts: what is consumed leaves, the rest stays in front", () => {
    // fragments of a 3 507-byte message, pings between them, fed in chunks of 1, 333 and 5 000 bytes; the taker
    // consumes a third of each part (never less than one byte) and rebuilds the message from what it consumed
    const total = MSG_CAP * 3 + 507;
    const whole = filled(total);
    const cuts: i32[] = [0, 10, 1500, 1501, 3000, total];
    const steps: i32[] = [1, 333, 5000];
    for (let s = 0; s < steps.length; s++) {
      parser.reset();
      parser.offerParts = true;
      const got = new Uint8Array(total);
      let have = 0, parts = 0, pings = 0, last = 0;
      for (let c = 0; c + 1 < cuts.length; c++) {
        const f = frame((c == 0 ? 0x01 : 0x00) | (c + 2 == cuts.length ? 0x80 : 0), whole.subarray(cuts[c], cuts[c + 1]));
        const fs: Uint8Array[] = [f, frame(0x89, text("p"))];
        for (let k = 0; k < 2; k++) {
          const g = fs[k];
          let i = 0;
          while (i < g.length) {
            const n = min(steps[s], g.length - i);
            i += parser.feed(g.dataStart + <usize>i, n);
            const ev = parser.event;
            if (ev == EV_PART) {
              expect(parser.eventLen).toBe(MSG_CAP);
              const take = max(1, parser.eventLen / 3);
              memory.copy(got.dataStart + <usize>have, parser.msgBuf, <usize>take);
              have += take;
              parts++;
              parser.consumePart(take);
            } else if (ev == EV_CONTROL) pings++;
            else if (ev == EV_LAST_PART) {
              memory.copy(got.dataStart + <usize>have, parser.msgBuf, <usize>parser.eventLen);
              have += parser.eventLen;
              last++;
            } else expect(ev).toBe(EV_NONE);
          }
        }
      }
      expect(last).toBe(1);
      expect(pings).toBe(cuts.length - 1);
      expect(parts > 3).toBe(true);
      expect(have).toBe(total);
      expect(memory.compare(got.dataStart, whole.dataStart, <usize>total)).toBe(0);
      // a message that fits is whole, as before; a part the taker refuses makes the message oversized
      expect(feedSteps(frame(0x81, text("next")), steps[s])).toBe(EV_MESSAGE);
      const big = frame(0x81, filled(MSG_CAP + 1));
      const used = parser.feed(big.dataStart, big.length);
      expect(parser.event).toBe(EV_PART);
      parser.consumePart(-1);
      expect(parser.feed(big.dataStart + <usize>used, big.length - used)).toBe(big.length - used);
      expect(parser.event).toBe(EV_TOO_BIG);
      expect(parser.eventTotal).toBe(MSG_CAP + 1);
      parser.offerParts = false;
    }
  });
  it("checks the UTF-8 of the bytes it drops, and of characters split between fragments", () => {
    parser.reset();
    const p = filled(MSG_CAP + 100); p[MSG_CAP + 50] = 0xff;
    expect(feedSteps(frame(0x81, p), 1000)).toBe(EV_ERROR);
    expect(parser.errorCode).toBe(1007);
    parser.reset();
    const a = new Uint8Array(2); a[0] = 0x41; a[1] = 0xe2;
    const b = new Uint8Array(2); b[0] = 0x82; b[1] = 0xac;
    expect(feedSteps(frame(0x01, a), 1)).toBe(EV_NONE);
    expect(feedSteps(frame(0x80, b), 1)).toBe(EV_MESSAGE);
    expect(parser.eventLen).toBe(4);
    parser.reset();
    expect(feedSteps(frame(0x01, a), 1)).toBe(EV_NONE);
    expect(feedSteps(frame(0x80, new Uint8Array(0)), 1)).toBe(EV_ERROR);   // a character left unfinished
    expect(parser.errorCode).toBe(1007);
  });
  it("takes a 64-bit frame length it cannot hold and drops the excess", () => {
    parser.reset();
    const h = new Uint8Array(10); h[0] = 0x01; h[1] = 127; h[5] = 1;   // 2^32 bytes announced, fin = 0
    expect(feedSteps(h, 3)).toBe(EV_NONE);
    const body = filled(MSG_CAP + 5);
    expect(feedSteps(body, 4096)).toBe(EV_NONE);
    expect(parser.event).toBe(EV_NONE);
  });
  it("rejects a 64-bit length with the top bit set", () => {
    parser.reset();
    const f = new Uint8Array(10); f[0] = 0x81; f[1] = 127; f[2] = 0x80;
    expect(feedSteps(f, 3)).toBe(EV_ERROR);
    expect(parser.errorCode).toBe(1002);
  });
});
