// The SNTP client (ClockCtrlr.TimeSource "NTP", C-23): one query at start and every hour after an answer, to
// the servers of ClockCtrlr.NtpServerUri (instance 1 first: the instance is the priority, 1 the highest). A
// query is one UDP socket (dgram_open), one 48-byte request and at most NTP_TIMEOUT_MS of waiting; it never
// blocks, and its wake-ups (time-out, next query) go into the station's next_wakeup.
//
// Datagrams that are not an answer to the request (short, not from a server, another originate timestamp)
// are dropped and the wait goes on, so a stray or forged packet can neither set the clock nor cut a query
// short. A server that answers but cannot serve time (kiss-o'-death, not synchronized) and a server that stays
// silent both move the client to the next server after a back-off: 60 s, doubling up to an hour. The offset
// of a good answer goes to the station, which decides whether NTP may set the clock (time-source.ts).
import { dgram_open, dgram_send, dgram_close, clock_wall_ms, random_fill } from "../host/abi";
import {
  NTP_PACKET_LEN, NTP_OK, NTP_KISS, NTP_UNSYNCED, NtpReply, buildRequest, parseReply, clockOffsetMs, kissText,
} from "./ntp-packet";
import { logInfo, logWarn } from "../util/log";
import { startsWithIgnoreCase } from "../util/text";
import { Block } from "../core/block";
import { Context } from "../core/context";

export const NTP_DEFAULT_PORT: i32 = 123;
export const NTP_TIMEOUT_MS: i64 = 5000;
export const NTP_POLL_MS: i64 = 3_600_000;
export const NTP_BACKOFF_MIN_MS: i64 = 60_000;
export const NTP_BACKOFF_MAX_MS: i64 = 3_600_000;
/** onDgram's answer when the datagram gave no offset. */
export const NO_OFFSET: i64 = i64.MIN_VALUE;

const MAX_HOST: i32 = 253;

export class NtpServer {
  /** Name or IPv4 address; IPv6 without the brackets. */
  host: string = "";
  port: i32 = NTP_DEFAULT_PORT;
}

@inline function isHostChar(c: i32): bool {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x2d || c == 0x2e || c == 0x5f;
}

@inline function isHex(c: i32): bool {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** "host", "host:port" or "ntp://host[:port]" ("[v6]" in brackets) into out; false if it is none of these. */
export function parseNtpServer(uri: string, out: NtpServer): bool {
  let i = 0;
  if (startsWithIgnoreCase(uri, 0, "ntp://")) i = 6;
  const n = uri.length;
  let hostEnd: i32, next: i32;
  if (i < n && uri.charCodeAt(i) == 0x5b) {
    const close = uri.indexOf("]", i);
    if (close < 0 || close == i + 1) return false;
    for (let k = i + 1; k < close; k++) {
      const c = uri.charCodeAt(k);
      if (!isHex(c) && c != 0x3a && c != 0x2e) return false;
    }
    out.host = uri.substring(i + 1, close);
    hostEnd = close;
    next = close + 1;
  } else {
    hostEnd = i;
    while (hostEnd < n && uri.charCodeAt(hostEnd) != 0x3a) {
      if (!isHostChar(uri.charCodeAt(hostEnd))) return false;
      hostEnd++;
    }
    if (hostEnd == i) return false;
    out.host = uri.substring(i, hostEnd);
    next = hostEnd;
  }
  if (out.host.length > MAX_HOST) return false;
  out.port = NTP_DEFAULT_PORT;
  if (next == n) return true;
  if (uri.charCodeAt(next) != 0x3a || n - next - 1 < 1 || n - next - 1 > 5) return false;
  let port = 0;
  for (let k = next + 1; k < n; k++) {
    const c = uri.charCodeAt(k) - 0x30;
    if (c < 0 || c > 9) return false;
    port = port * 10 + c;
  }
  if (port < 1 || port > 65535) return false;
  out.port = port;
  return true;
}

/** A value ClockCtrlr.NtpServerUri accepts: empty (no server) or a server parseNtpServer understands. */
export function validNtpServerUri(uri: string): bool {
  return uri.length == 0 || parseNtpServer(uri, new NtpServer());
}

export class NtpClient extends Block {
  constructor(private ctx: Context) { super(); }

  /** The socket of the query in flight, 0 when none. */
  handle: i32 = 0;
  /** NtpServerUri instances 1 and 2, the usable ones first. */
  private servers: StaticArray<NtpServer> = [new NtpServer(), new NtpServer()];
  private count: i32 = 0;
  private uri1: string = "";
  private uri2: string = "";
  private enabled: bool = false;
  private running: bool = false;
  /** The server the next query goes to. */
  private current: i32 = 0;
  private nextAt: i64 = i64.MAX_VALUE;
  private deadline: i64 = i64.MAX_VALUE;
  private backoffMs: i64 = 0;
  /** The request in flight: its transmit timestamp as sent, and our wall clock then (T1). */
  private origin: u64 = 0;
  private t1: i64 = 0;
  private packet: usize = heap.alloc(<usize>NTP_PACKET_LEN);
  private nonce: usize = heap.alloc(4);
  private readonly reply: NtpReply = new NtpReply();

  /** The servers configure() was given last, and whether NTP was listed. */
  get server1(): string { return this.uri1; }
  get server2(): string { return this.uri2; }
  get listed(): bool { return this.enabled; }

  /** The servers (NtpServerUri instances 1 and 2, "" = none) and whether TimeSource lists NTP. A change starts
   *  over: the query in flight is dropped and, once running, the first server is asked at once. */
  configure(uri1: string, uri2: string, enabled: bool): void {
    if (uri1 == this.uri1 && uri2 == this.uri2 && enabled == this.enabled) return;
    this.uri1 = uri1; this.uri2 = uri2; this.enabled = enabled;
    this.count = 0;
    this.add(uri1);
    this.add(uri2);
    this.restart();
  }

  /** The station started: the first query goes out now. */
  start(): void {
    this.running = true;
    this.restart();
  }

  nextWakeup(): i64 { return this.handle > 0 ? this.deadline : this.nextAt; }

  tick(): void {
    const now = this.ctx.now;
    if (this.handle > 0) {
      if (now < this.deadline) return;
      logWarn("ntp: no answer from " + this.servers[this.current].host);
      this.fail(now);
      return;
    }
    if (now >= this.nextAt) this.query(now);
  }

  /** A datagram for `handle` at [ptr, ptr + len): the clock offset (ms) of a good answer, else NO_OFFSET. */
  onDgram(handle: i32, ptr: usize, len: i32): i64 {
    const now = this.ctx.now;
    if (handle <= 0 || handle != this.handle) return NO_OFFSET;
    const r = this.reply;
    const rc = parseReply(ptr, len, this.origin, r);
    if (rc == NTP_OK) {
      const offset = clockOffsetMs(this.t1, r.receiveMs, r.transmitMs, clock_wall_ms());
      logInfo("ntp: answer from " + this.servers[this.current].host + " (stratum " + r.stratum.toString() +
        "), offset " + offset.toString() + " ms");
      this.close();
      this.current = 0;     // the next regular query asks the highest priority again
      this.backoffMs = 0;
      this.nextAt = now + NTP_POLL_MS;
      return offset;
    }
    if (rc == NTP_KISS || rc == NTP_UNSYNCED) {
      const host = this.servers[this.current].host;
      logWarn(rc == NTP_KISS ? "ntp: " + host + " sent kiss-o'-death " + kissText(r.kissCode)
        : "ntp: " + host + " is not synchronized (stratum " + r.stratum.toString() + ")");
      this.fail(now);
    }
    return NO_OFFSET;
  }

  private add(uri: string): void {
    if (uri.length == 0) return;
    if (parseNtpServer(uri, this.servers[this.count])) this.count++;
    else logWarn("ntp: server \"" + uri + "\" not usable");
  }

  private restart(): void {
    this.close();
    this.current = 0;
    this.backoffMs = 0;
    this.nextAt = this.running && this.enabled && this.count > 0 ? this.ctx.now : i64.MAX_VALUE;
  }

  private query(now: i64): void {
    const s = this.servers[this.current];
    const host = String.UTF8.encode(s.host);
    const handle = dgram_open(changetype<usize>(host), host.byteLength, s.port);
    if (handle <= 0) {
      logWarn("ntp: cannot reach " + s.host + " (" + handle.toString() + ")");
      this.fail(now);
      return;
    }
    this.handle = handle;
    this.nextAt = i64.MAX_VALUE;
    this.deadline = now + NTP_TIMEOUT_MS;
    if (random_fill(this.nonce, 4) != 0) store<u32>(this.nonce, 0);
    this.t1 = clock_wall_ms();
    this.origin = buildRequest(this.packet, this.t1, load<u32>(this.nonce));
    // A send that fails is a lost request: the time-out moves on, as for one lost on the way.
    dgram_send(handle, this.packet, NTP_PACKET_LEN);
  }

  private fail(now: i64): void {
    this.close();
    if (this.count > 0) this.current = (this.current + 1) % this.count;
    this.backoffMs = this.backoffMs == 0 ? NTP_BACKOFF_MIN_MS : min(this.backoffMs * 2, NTP_BACKOFF_MAX_MS);
    this.nextAt = now + this.backoffMs;
  }

  private close(): void {
    if (this.handle > 0) dgram_close(this.handle);
    this.handle = 0;
    this.deadline = i64.MAX_VALUE;
  }
}
