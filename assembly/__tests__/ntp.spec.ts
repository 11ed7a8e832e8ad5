// The SNTP client (provisioning/ntp-packet.ts, provisioning/ntp.ts) against the fake host (tests/aspect-host.js):
// timestamp conversion across the 2036 era change, the request's bytes, every reply check, the offset
// arithmetic, server URIs, and the client's schedule (query, time-out, next server, back-off, hourly poll).
import {
  NTP_PACKET_LEN, NTP_NONCE_MASK, NTP_OK, NTP_SHORT, NTP_NOT_SERVER, NTP_WRONG_ORIGIN, NTP_KISS, NTP_UNSYNCED,
  NtpReply, unixMsToNtp, ntpToUnixMs, buildRequest, parseReply, clockOffsetMs, kissText,
} from "../provisioning/ntp-packet";
import {
  NtpClient, NtpServer, parseNtpServer, validNtpServerUri, NO_OFFSET, NTP_TIMEOUT_MS, NTP_POLL_MS, NTP_BACKOFF_MIN_MS,
  NTP_BACKOFF_MAX_MS,
} from "../provisioning/ntp";
import { Context } from "../core/context";

@external("env", "test_dgram_count") declare function test_dgram_count(which: i32): i32;
@external("env", "test_dgram_open_result") declare function test_dgram_open_result(v: i32): void;
@external("env", "test_dgram_clear") declare function test_dgram_clear(): void;
@external("env", "test_dgram_last_port") declare function test_dgram_last_port(): i32;
@external("env", "test_dgram_last_host_copy") declare function test_dgram_last_host_copy(ptr: usize, cap: i32): i32;
@external("env", "test_dgram_last_closed") declare function test_dgram_last_closed(): i32;
@external("env", "test_dgram_sent") declare function test_dgram_sent(i: i32, which: i32, ptr: usize, cap: i32): i32;
@external("env", "test_set_wall") declare function test_set_wall(ms: i64): void;

const OPENED = 0, SENT = 1, CLOSED = 2;
const WALL: i64 = 1700000000000;            // the fake host's wall clock
const T2030: i64 = 1906502400000;           // 2030-06-01T00:00:00Z
const BUF: usize = heap.alloc(128);

function ts(p: usize, at: usize): u64 { return bswap<u64>(load<u64>(p + at)); }

/** A server reply in BUF: byte 0 from li/vn/mode, the given stratum, originate, receive and transmit. */
function reply(origin: u64, t2: u64, t3: u64, stratum: i32 = 2, li: i32 = 0, vn: i32 = 4, mode: i32 = 4): usize {
  memory.fill(BUF, 0, 128);
  store<u8>(BUF, <u8>((li << 6) | (vn << 3) | mode));
  store<u8>(BUF + 1, <u8>stratum);
  store<u64>(BUF + 24, bswap<u64>(origin));
  store<u64>(BUF + 32, bswap<u64>(t2));
  store<u64>(BUF + 40, bswap<u64>(t3));
  return BUF;
}

/** The transmit timestamp of the i-th datagram the client sent. */
function sentOrigin(i: i32): u64 {
  const n = test_dgram_sent(i, 0, BUF + 64, 64);
  expect<i32>(n).toBe(NTP_PACKET_LEN);
  return ts(BUF + 64, 40);
}

function lastHost(): string {
  const n = test_dgram_last_host_copy(BUF, 128);
  return String.UTF8.decodeUnsafe(BUF, <usize>min(n, 128));
}

describe("NTP timestamps", () => {
  it("puts the Unix epoch at 2208988800 s after 1900, with a 32-bit fraction", () => {
    expect<u64>(unixMsToNtp(0)).toBe(0x83aa7e8000000000);
    expect<u64>(unixMsToNtp(500)).toBe(0x83aa7e8080000000);
    expect<u64>(unixMsToNtp(T2030)).toBe(0xf54d698000000000);
    expect<i64>(ntpToUnixMs(0xf54d698000000000)).toBe(T2030);
    expect<i64>(ntpToUnixMs(0x83aa7e8040000000)).toBe(250);
  });
  it("round-trips every millisecond value (to the nearest ms)", () => {
    for (let ms: i64 = 0; ms < 2000; ms += 7) expect<i64>(ntpToUnixMs(unixMsToNtp(WALL + ms))).toBe(WALL + ms);
    expect<i64>(ntpToUnixMs(unixMsToNtp(WALL + 999))).toBe(WALL + 999);
    expect<i64>(ntpToUnixMs(unixMsToNtp(-1500))).toBe(-1500);
  });
  it("crosses the 2036 era change: a clear top bit is era 1", () => {
    const era1: i64 = 2085978496000;   // 2036-02-07T06:28:16Z, NTP seconds 0 again
    expect<u64>(unixMsToNtp(era1)).toBe(0);
    expect<u64>(unixMsToNtp(era1 - 1000)).toBe(0xffffffff00000000);
    expect<i64>(ntpToUnixMs(0xffffffff00000000)).toBe(era1 - 1000);
    expect<i64>(ntpToUnixMs(0x0000000100000000)).toBe(era1 + 1000);
    expect<i64>(ntpToUnixMs(unixMsToNtp(4102444800000))).toBe(4102444800000);   // 2100-01-01
  });
});

describe("NTP request", () => {
  it("is 48 bytes: LI 0, VN 4, mode 3, all zero but the transmit timestamp, whose sub-ms bits are the nonce", () => {
    memory.fill(BUF, 0xee, 64);
    const origin = buildRequest(BUF, T2030 + 123, 0xabcdef12);
    expect<u8>(load<u8>(BUF)).toBe(0x23);
    for (let i = 1; i < 40; i++) expect<u8>(load<u8>(BUF + <usize>i)).toBe(0);
    expect<u64>(ts(BUF, 40)).toBe(origin);
    expect<u64>(origin & ~NTP_NONCE_MASK).toBe(unixMsToNtp(T2030 + 123) & ~NTP_NONCE_MASK);
    expect<u64>(origin & NTP_NONCE_MASK).toBe(0xabcdef12 & NTP_NONCE_MASK);
    const sent = ntpToUnixMs(origin) - (T2030 + 123);       // the nonce moves the time by less than 1 ms
    expect<bool>(sent >= -1 && sent <= 1).toBe(true);
    expect<u8>(load<u8>(BUF + 48)).toBe(0xee);            // nothing written past the packet
  });
});

const ORIGIN: u64 = 0xed00378012345678;
const T2: u64 = 0xf54d698000000000;              // T2030
const T3: u64 = 0xf54d69800083126e;              // T2030 + 2 ms: floor(2^32 * 2 / 1000) = 0x83126e

describe("NTP reply checks", () => {
  it("takes a server reply that echoes our transmit timestamp", () => {
    const r = new NtpReply();
    expect<u64>(unixMsToNtp(T2030 + 2)).toBe(T3);
    expect<i32>(parseReply(reply(ORIGIN, T2, T3), 48, ORIGIN, r)).toBe(NTP_OK);
    expect<i64>(r.receiveMs).toBe(T2030);
    expect<i64>(r.transmitMs).toBe(T2030 + 2);
    expect<i32>(r.stratum).toBe(2);
    // Extension fields or a MAC after the header do not matter; version 3 servers are fine.
    expect<i32>(parseReply(reply(ORIGIN, T2, T3), 68, ORIGIN, r)).toBe(NTP_OK);
    expect<i32>(parseReply(reply(ORIGIN, T2, T3, 1, 0, 3), 48, ORIGIN, r)).toBe(NTP_OK);
  });
  it("drops what is not an answer: short, not mode 4, bad version, another originate", () => {
    const r = new NtpReply();
    expect<i32>(parseReply(reply(ORIGIN, T2, T3), 47, ORIGIN, r)).toBe(NTP_SHORT);
    expect<i32>(parseReply(reply(ORIGIN, T2, T3), 0, ORIGIN, r)).toBe(NTP_SHORT);
    expect<i32>(parseReply(reply(ORIGIN, T2, T3, 2, 0, 4, 3), 48, ORIGIN, r)).toBe(NTP_NOT_SERVER);
    expect<i32>(parseReply(reply(ORIGIN, T2, T3, 2, 0, 4, 5), 48, ORIGIN, r)).toBe(NTP_NOT_SERVER);
    expect<i32>(parseReply(reply(ORIGIN, T2, T3, 2, 0, 0), 48, ORIGIN, r)).toBe(NTP_NOT_SERVER);
    expect<i32>(parseReply(reply(ORIGIN, T2, T3, 2, 0, 5), 48, ORIGIN, r)).toBe(NTP_NOT_SERVER);
    expect<i32>(parseReply(reply(ORIGIN + 1, T2, T3), 48, ORIGIN, r)).toBe(NTP_WRONG_ORIGIN);
    expect<i32>(parseReply(reply(0, T2, T3), 48, ORIGIN, r)).toBe(NTP_WRONG_ORIGIN);
  });
  it("reads a server that cannot serve time: kiss-o'-death, LI 3, stratum 16, no transmit timestamp", () => {
    const r = new NtpReply();
    reply(ORIGIN, T2, T3, 0);
    store<u32>(BUF + 12, bswap<u32>(0x52415445));   // "RATE"
    expect<i32>(parseReply(BUF, 48, ORIGIN, r)).toBe(NTP_KISS);
    expect<string>(kissText(r.kissCode)).toBe("RATE");
    expect<i32>(parseReply(reply(ORIGIN, T2, T3, 2, 3), 48, ORIGIN, r)).toBe(NTP_UNSYNCED);
    expect<i32>(parseReply(reply(ORIGIN, T2, T3, 16), 48, ORIGIN, r)).toBe(NTP_UNSYNCED);
    expect<i32>(parseReply(reply(ORIGIN, T2, 0), 48, ORIGIN, r)).toBe(NTP_UNSYNCED);
    expect<i32>(parseReply(reply(ORIGIN, T2, T3, 15, 1), 48, ORIGIN, r)).toBe(NTP_OK);   // LI 1: a leap second ahead
  });
});

describe("NTP offset", () => {
  it("is ((T2 - T1) + (T3 - T4)) / 2: the path delay cancels out when symmetric", () => {
    // Our clock 100 ms behind, 10 ms each way, the server takes 10 ms.
    expect<i64>(clockOffsetMs(0, 110, 120, 30)).toBe(100);
    expect<i64>(clockOffsetMs(1000, 900, 905, 1015)).toBe(-105);
    expect<i64>(clockOffsetMs(WALL, T2030, T2030, WALL)).toBe(T2030 - WALL);
  });
});

describe("NTP server URIs", () => {
  it("accepts host, host:port and ntp://host[:port], IPv6 in brackets", () => {
    const s = new NtpServer();
    expect<bool>(parseNtpServer("pool.ntp.org", s)).toBe(true);
    expect<string>(s.host).toBe("pool.ntp.org");
    expect<i32>(s.port).toBe(123);
    expect<bool>(parseNtpServer("10.0.0.1:1234", s)).toBe(true);
    expect<string>(s.host).toBe("10.0.0.1");
    expect<i32>(s.port).toBe(1234);
    expect<bool>(parseNtpServer("NTP://time_1.example.com", s)).toBe(true);
    expect<string>(s.host).toBe("time_1.example.com");
    expect<i32>(s.port).toBe(123);
    expect<bool>(parseNtpServer("ntp://[2001:db8::1]:65535", s)).toBe(true);
    expect<string>(s.host).toBe("2001:db8::1");
    expect<i32>(s.port).toBe(65535);
    expect<bool>(parseNtpServer("[::1]", s)).toBe(true);
    expect<string>(s.host).toBe("::1");
    expect<bool>(parseNtpServer("a".repeat(253), s)).toBe(true);
  });
  it("refuses anything else", () => {
    const bad = ["", "ntp://", "host:", "host:0", "host:65536", "host:123456", "host:12a", "two words", "host/path",
      "udp://host", "ntp://host:123/", "[::1", "[]", "[::g]", "[::1]x", "a".repeat(254), "ntp://:123"];
    for (let i = 0; i < bad.length; i++) expect<bool>(parseNtpServer(bad[i], new NtpServer())).toBe(false, bad[i]);
    expect<bool>(validNtpServerUri("")).toBe(true);    // no server
    expect<bool>(validNtpServerUri("host:x")).toBe(false);
  });
});

/** The station's clock, which the client reads when it ticks. */
const ctx = new Context();
function tickAt(c: NtpClient, now: i64): void { ctx.now = now; c.tick(); }
function dgramAt(c: NtpClient, handle: i32, ptr: usize, len: i32, now: i64): i64 { ctx.now = now; return c.onDgram(handle, ptr, len); }

describe("NTP client", () => {
  beforeEach(() => { test_dgram_clear(); test_dgram_open_result(0); test_set_wall(WALL); });

  it("queries the first server at start, applies nothing itself, and polls again an hour after an answer", () => {
    const c = new NtpClient(ctx);
    ctx.now = 0; c.configure("127.0.0.1:4000", "ntp.example:5000", true);
    expect<i64>(c.nextWakeup()).toBe(i64.MAX_VALUE);   // not before start
    ctx.now = 1000; c.start();
    expect<i64>(c.nextWakeup()).toBe(1000);
    tickAt(c, 1000);
    expect<i32>(test_dgram_count(OPENED)).toBe(1);
    expect<string>(lastHost()).toBe("127.0.0.1");
    expect<i32>(test_dgram_last_port()).toBe(4000);
    expect<i32>(test_dgram_count(SENT)).toBe(1);
    expect<i32>(test_dgram_sent(0, 1, 0, 0)).toBe(c.handle);
    expect<i64>(c.nextWakeup()).toBe(1000 + NTP_TIMEOUT_MS);
    const origin = sentOrigin(0);
    expect<u64>(origin >> 22).toBe(unixMsToNtp(WALL) >> 22);
    const h = c.handle;
    expect<i64>(dgramAt(c, h, reply(origin, unixMsToNtp(T2030), unixMsToNtp(T2030)), 48, 1200)).toBe(T2030 - WALL);
    expect<i32>(c.handle).toBe(0);
    expect<i32>(test_dgram_last_closed()).toBe(h);
    expect<i64>(c.nextWakeup()).toBe(1200 + NTP_POLL_MS);
    tickAt(c, 1200 + NTP_POLL_MS - 1);
    expect<i32>(test_dgram_count(OPENED)).toBe(1);
    tickAt(c, 1200 + NTP_POLL_MS);
    expect<i32>(test_dgram_count(OPENED)).toBe(2);
    expect<string>(lastHost()).toBe("127.0.0.1");
  });

  it("ignores stray datagrams: the query keeps waiting and times out onto the next server after 60 s", () => {
    const c = new NtpClient(ctx);
    ctx.now = 0; c.configure("127.0.0.1:4000", "ntp://ntp.example:5000", true);
    ctx.now = 0; c.start();
    tickAt(c, 0);
    const origin = sentOrigin(0);
    const h = c.handle;
    const t = unixMsToNtp(T2030);
    expect<i64>(dgramAt(c, h, reply(origin + 1, t, t), 48, 10)).toBe(NO_OFFSET);
    expect<i64>(dgramAt(c, h, reply(origin, t, t), 40, 10)).toBe(NO_OFFSET);
    expect<i64>(dgramAt(c, h, reply(origin, t, t, 2, 0, 4, 1), 48, 10)).toBe(NO_OFFSET);
    expect<i64>(dgramAt(c, h + 1, reply(origin, t, t), 48, 10)).toBe(NO_OFFSET);   // not our socket
    expect<i32>(c.handle).toBe(h);
    expect<i32>(test_dgram_count(CLOSED)).toBe(0);
    expect<i64>(c.nextWakeup()).toBe(NTP_TIMEOUT_MS);
    tickAt(c, NTP_TIMEOUT_MS);
    expect<i32>(c.handle).toBe(0);
    expect<i32>(test_dgram_last_closed()).toBe(h);
    expect<i64>(c.nextWakeup()).toBe(NTP_TIMEOUT_MS + NTP_BACKOFF_MIN_MS);
    tickAt(c, NTP_TIMEOUT_MS + NTP_BACKOFF_MIN_MS);
    expect<string>(lastHost()).toBe("ntp.example");
    expect<i32>(test_dgram_last_port()).toBe(5000);
    // A late answer to the first request is not one to this one.
    expect<i64>(dgramAt(c, c.handle, reply(origin, t, t), 48, 70000)).toBe(NO_OFFSET);
  });

  it("backs off 60 s doubling up to an hour, round the servers; a kiss-o'-death or open failure counts as a failure", () => {
    const c = new NtpClient(ctx);
    ctx.now = 0; c.configure("a.example", "b.example", true);
    ctx.now = 0; c.start();
    let now: i64 = 0;
    tickAt(c, now);
    // kiss-o'-death from a.example: at once to b.example after 60 s.
    const origin = sentOrigin(0);
    reply(origin, unixMsToNtp(T2030), unixMsToNtp(T2030), 0);
    expect<i64>(dgramAt(c, c.handle, BUF, 48, now)).toBe(NO_OFFSET);
    expect<i32>(c.handle).toBe(0);
    expect<i64>(c.nextWakeup()).toBe(NTP_BACKOFF_MIN_MS);
    const hosts = ["b.example", "a.example", "b.example", "a.example", "b.example", "a.example", "b.example"];
    const waits: i64[] = [120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000];
    now = NTP_BACKOFF_MIN_MS;
    for (let i = 0; i < hosts.length; i++) {
      tickAt(c, now);
      expect<string>(lastHost()).toBe(hosts[i]);
      now += NTP_TIMEOUT_MS;
      tickAt(c, now);
      expect<i64>(c.nextWakeup()).toBe(now + waits[i]);
      now += waits[i];
    }
    expect<i64>(waits[waits.length - 1]).toBe(NTP_BACKOFF_MAX_MS);
    // The host cannot open a socket (link down): the same back-off, no datagram sent.
    test_dgram_open_result(-2);
    const sent = test_dgram_count(SENT);
    tickAt(c, now);
    expect<i32>(test_dgram_count(SENT)).toBe(sent);
    expect<i32>(c.handle).toBe(0);
    expect<i64>(c.nextWakeup()).toBe(now + NTP_BACKOFF_MAX_MS);
  });

  it("does nothing without NTP in TimeSource or without a usable server; a new configuration starts over", () => {
    const c = new NtpClient(ctx);
    ctx.now = 0; c.configure("127.0.0.1", "", false);
    ctx.now = 0; c.start();
    tickAt(c, 0);
    expect<i64>(c.nextWakeup()).toBe(i64.MAX_VALUE);
    ctx.now = 10; c.configure("bad host", "", true);
    tickAt(c, 10);
    expect<i64>(c.nextWakeup()).toBe(i64.MAX_VALUE);
    expect<i32>(test_dgram_count(OPENED)).toBe(0);
    ctx.now = 20; c.configure("bad host", "127.0.0.1:9", true);   // the usable one is asked
    expect<i64>(c.nextWakeup()).toBe(20);
    tickAt(c, 20);
    expect<i32>(test_dgram_last_port()).toBe(9);
    const h = c.handle;
    expect<i32>(h).toBeGreaterThan(0);
    ctx.now = 30; c.configure("bad host", "127.0.0.1:9", true);   // unchanged: the query goes on
    expect<i32>(c.handle).toBe(h);
    ctx.now = 40; c.configure("127.0.0.2", "127.0.0.1:9", true);  // changed: dropped and asked again at once
    expect<i32>(test_dgram_last_closed()).toBe(h);
    expect<i32>(c.handle).toBe(0);
    expect<i64>(c.nextWakeup()).toBe(40);
    tickAt(c, 40);
    expect<string>(lastHost()).toBe("127.0.0.2");
  });
});
