// The SNTP wire format (RFC 4330, RFC 5905 §7.3): the 48-byte client request, the checks a server reply must
// pass, the timestamp conversions and the clock-offset arithmetic. Pure functions over byte buffers, so the
// unit specs can run them without a host.
//
// Timestamps are 64-bit fixed point, 32 bits of seconds since 1900-01-01T00:00:00Z and 32 bits of fraction,
// big-endian on the wire. The seconds wrap in 2036 (era 1); RFC 4330 §3 lets a client tell the eras apart by
// the top bit of the seconds, which maps them to 1968–2104.

/** Header and the four timestamps; replies may carry extension fields or a MAC after it. */
export const NTP_PACKET_LEN: i32 = 48;
/** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
export const NTP_UNIX_OFFSET_S: i64 = 2208988800;
/** The low 22 fraction bits, together 2^-10 s (under 1 ms, the clock's resolution): a request fills them with
 *  random bits, so an off-path sender cannot guess the originate timestamp a reply must echo. The server only
 *  echoes it; the offset uses our own T1. */
export const NTP_NONCE_MASK: u64 = 0x3fffff;

const MODE_CLIENT: i32 = 3, MODE_SERVER: i32 = 4;
const VERSION: i32 = 4;
const LI_ALARM: i32 = 3;          // leap indicator 3: the server's clock is not synchronized
const STRATUM_MAX: i32 = 15;      // 16 = unsynchronized (RFC 5905 §7.3)
const OFF_ORIGINATE: usize = 24, OFF_RECEIVE: usize = 32, OFF_TRANSMIT: usize = 40, OFF_REFID: usize = 12;

// parseReply results. The first group is not an answer to our request (junk, a stale or forged packet): the
// client drops it and keeps waiting. The second is the server's own answer saying it cannot serve time.
export const NTP_OK: i32 = 0;
export const NTP_SHORT: i32 = -1;
export const NTP_NOT_SERVER: i32 = -2;     // mode is not 4 (server) or version not 1..4
export const NTP_WRONG_ORIGIN: i32 = -3;   // originate timestamp is not the transmit timestamp we sent
export const NTP_KISS: i32 = -4;           // stratum 0: kiss-o'-death (RFC 4330 §8), reference id = kiss code
export const NTP_UNSYNCED: i32 = -5;       // LI 3, stratum 16+ or no transmit timestamp

/** What a reply said: the server's receive (T2) and transmit (T3) times as Unix ms, and its stratum. */
export class NtpReply {
  receiveMs: i64 = 0;
  transmitMs: i64 = 0;
  stratum: i32 = 0;
  /** Stratum 0: the four ASCII letters of the kiss code ("RATE", "DENY", ...), big-endian. */
  kissCode: u32 = 0;
}

/** Unix ms → NTP 32.32 (seconds mod 2^32: era 1 from 2036 on). */
export function unixMsToNtp(ms: i64): u64 {
  let s = ms / 1000, frac = ms % 1000;
  if (frac < 0) { frac += 1000; s -= 1; }
  const seconds = <u64>(<u32>(s + NTP_UNIX_OFFSET_S));
  return (seconds << 32) | ((<u64>frac << 32) / 1000);
}

/** NTP 32.32 → Unix ms, to the nearest ms. A clear top bit of the seconds means era 1 (2036–2104). */
export function ntpToUnixMs(t: u64): i64 {
  const seconds = <i64>(t >> 32);
  const unix = (seconds & 0x80000000) != 0 ? seconds - NTP_UNIX_OFFSET_S : seconds + 0x100000000 - NTP_UNIX_OFFSET_S;
  return unix * 1000 + <i64>(((t & 0xffffffff) * 1000 + 0x80000000) >> 32);
}

@inline function readTs(p: usize): u64 { return bswap<u64>(load<u64>(p)); }

/** Writes a 48-byte client request (LI 0, VN 4, mode 3) into buf with transmit time `txMs`, its sub-ms bits
 *  taken from `nonce`; returns that transmit timestamp, which the reply's originate field must repeat. */
export function buildRequest(buf: usize, txMs: i64, nonce: u32): u64 {
  memory.fill(buf, 0, <usize>NTP_PACKET_LEN);
  store<u8>(buf, <u8>((VERSION << 3) | MODE_CLIENT));
  const ts = (unixMsToNtp(txMs) & ~NTP_NONCE_MASK) | (<u64>nonce & NTP_NONCE_MASK);
  store<u64>(buf + OFF_TRANSMIT, bswap<u64>(ts));
  return ts;
}

/** Checks a datagram as the reply to the request whose transmit timestamp was `origin` and fills `out`.
 *  NTP_OK or one of the codes above. Reads only [ptr, ptr + len). */
export function parseReply(ptr: usize, len: i32, origin: u64, out: NtpReply): i32 {
  if (len < NTP_PACKET_LEN) return NTP_SHORT;
  const b0 = <i32>load<u8>(ptr);
  const version = (b0 >> 3) & 7;
  if ((b0 & 7) != MODE_SERVER || version < 1 || version > 4) return NTP_NOT_SERVER;
  if (readTs(ptr + OFF_ORIGINATE) != origin) return NTP_WRONG_ORIGIN;
  const stratum = <i32>load<u8>(ptr + 1);
  out.stratum = stratum;
  if (stratum == 0) { out.kissCode = bswap<u32>(load<u32>(ptr + OFF_REFID)); return NTP_KISS; }
  const transmit = readTs(ptr + OFF_TRANSMIT);
  if ((b0 >> 6) == LI_ALARM || stratum > STRATUM_MAX || transmit == 0) return NTP_UNSYNCED;
  out.receiveMs = ntpToUnixMs(readTs(ptr + OFF_RECEIVE));
  out.transmitMs = ntpToUnixMs(transmit);
  return NTP_OK;
}

/** RFC 4330 §5: how far our clock is behind the server's, ((T2 − T1) + (T3 − T4)) / 2, where T1/T4 are our
 *  send/receive times and T2/T3 the server's receive/transmit times (all Unix ms). */
export function clockOffsetMs(t1: i64, t2: i64, t3: i64, t4: i64): i64 {
  return ((t2 - t1) + (t3 - t4)) / 2;
}

/** A kiss code as text, for the log. */
export function kissText(code: u32): string {
  let s = "";
  for (let shift = 24; shift >= 0; shift -= 8) {
    const c = <i32>((code >> <u32>shift) & 0xff);
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : "?";
  }
  return s;
}
