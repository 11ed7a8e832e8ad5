// Opening handshake (RFC 6455 §4.1, OCPP-J Part 4 §3.1): request writer and response checker.
// The response header is collected up to a fixed bound; bytes after the blank line belong to the frame stream.
import { crypto_hash } from "../host/abi";
import { base64Encode } from "./base64";
import {
  WS_ERR_HS_TOO_LARGE, WS_ERR_HS_MALFORMED, WS_ERR_HS_UPGRADE, WS_ERR_HS_ACCEPT, WS_ERR_HS_PROTOCOL,
  WS_ERR_HS_EXTENSION,
} from "./errors";

export const HS_MAX_HEADER: i32 = 4096;
export const KEY_LEN: i32 = 24;     // base64 of 16 random bytes
export const ACCEPT_LEN: i32 = 28;  // base64 of a SHA-1 digest
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const SUBPROTOCOL = "ocpp2.0.1";

/** Appends an ASCII string constant at p; returns the new end. */
export function putStr(p: usize, s: string): usize {
  for (let i = 0; i < s.length; i++) store<u8>(p + <usize>i, <u8>s.charCodeAt(i));
  return p + <usize>s.length;
}

export function putBuf(p: usize, b: ArrayBuffer): usize {
  memory.copy(p, changetype<usize>(b), <usize>b.byteLength);
  return p + <usize>b.byteLength;
}

/** base64(SHA-1(key + GUID)) into out (28 bytes); scratch needs 84 bytes. false if the host cannot hash. */
export function computeAccept(key: usize, out: usize, scratch: usize): bool {
  memory.copy(scratch, key, <usize>KEY_LEN);
  putStr(scratch + <usize>KEY_LEN, GUID);
  const digest = scratch + 64;
  if (crypto_hash(1, scratch, KEY_LEN + GUID.length, digest, 20) != 20) return false;
  base64Encode(digest, 20, out);
  return true;
}

/** Writes the GET request at out; auth is base64("id:password") or null. Returns its length. */
export function writeRequest(out: usize, path: ArrayBuffer, hostHeader: ArrayBuffer, key: usize, auth: ArrayBuffer | null): i32 {
  let p = putStr(out, "GET ");
  p = putBuf(p, path);
  p = putStr(p, " HTTP/1.1\r\nHost: ");
  p = putBuf(p, hostHeader);
  p = putStr(p, "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ");
  memory.copy(p, key, <usize>KEY_LEN);
  p += <usize>KEY_LEN;
  p = putStr(p, "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: " + SUBPROTOCOL + "\r\n");
  if (auth) {
    p = putStr(p, "Authorization: Basic ");
    p = putBuf(p, auth);
    p = putStr(p, "\r\n");
  }
  p = putStr(p, "\r\n");
  return <i32>(p - out);
}

@inline function lower(c: i32): i32 { return c >= 0x41 && c <= 0x5a ? c + 32 : c; }

/** Case-insensitive compare of bytes with a lower-case ASCII constant. */
function eqNoCase(p: usize, len: i32, s: string): bool {
  if (len != s.length) return false;
  for (let i = 0; i < len; i++) if (lower(<i32>load<u8>(p + <usize>i)) != s.charCodeAt(i)) return false;
  return true;
}

function eqExact(p: usize, len: i32, s: string): bool {
  if (len != s.length) return false;
  for (let i = 0; i < len; i++) if (<i32>load<u8>(p + <usize>i) != s.charCodeAt(i)) return false;
  return true;
}

/** True if the comma-separated list contains token (case-insensitive), e.g. Connection: keep-alive, Upgrade. */
function hasToken(p: usize, len: i32, token: string): bool {
  let i = 0;
  while (i <= len) {
    let s = i;
    while (i < len && load<u8>(p + <usize>i) != 0x2c) i++;
    let e = i;
    while (s < e && (load<u8>(p + <usize>s) == 0x20 || load<u8>(p + <usize>s) == 0x09)) s++;
    while (e > s && (load<u8>(p + <usize>(e - 1)) == 0x20 || load<u8>(p + <usize>(e - 1)) == 0x09)) e--;
    if (eqNoCase(p + <usize>s, e - s, token)) return true;
    i++;
  }
  return false;
}

/** Collects the response header; stops at the blank line. */
export class HandshakeReader {
  readonly buf: usize;
  len: i32 = 0;
  done: bool = false;
  error: i32 = 0;
  private match: i32 = 0;   // progress through "\r\n\r\n"

  constructor(buf: usize) { this.buf = buf; }

  reset(): void { this.len = 0; this.done = false; this.error = 0; this.match = 0; }

  /** Consumes header bytes; returns how many were used (the rest of the chunk is frame data once done). */
  feed(ptr: usize, len: i32): i32 {
    let i = 0;
    while (i < len && !this.done) {
      if (this.len >= HS_MAX_HEADER) { this.error = WS_ERR_HS_TOO_LARGE; return i; }
      const c = load<u8>(ptr + <usize>i);
      store<u8>(this.buf + <usize>this.len, c);
      this.len++;
      i++;
      const m = this.match;
      if (c == (m & 1 ? 0x0a : 0x0d)) this.match = m + 1;
      else this.match = c == 0x0d ? 1 : 0;
      if (this.match == 4) this.done = true;
    }
    return i;
  }

  /** Checks the collected response: 0 ok, an HTTP status (≠101), or a WS_ERR_HS_* code. */
  verify(expectedAccept: usize): i32 {
    const b = this.buf;
    const n = this.len;
    let i = 0;
    let status = -1;
    let upgrade = false, connection = false, accept = false, protocol = false;
    while (i < n) {
      let e = i;
      while (e < n && load<u8>(b + <usize>e) != 0x0a) e++;
      let le = e;
      if (le > i && load<u8>(b + <usize>(le - 1)) == 0x0d) le--;
      const line = b + <usize>i;
      const ll = le - i;
      i = e + 1;
      if (status < 0) {
        // "HTTP/1.x SP 3DIGIT" (RFC 7230 §3.1.2)
        if (ll < 12 || !eqExact(line, 7, "HTTP/1.") || load<u8>(line + 8) != 0x20) return WS_ERR_HS_MALFORMED;
        status = 0;
        for (let k = 9; k < 12; k++) {
          const d = <i32>load<u8>(line + <usize>k) - 0x30;
          if (d < 0 || d > 9) return WS_ERR_HS_MALFORMED;
          status = status * 10 + d;
        }
        if (ll > 12 && load<u8>(line + 12) != 0x20) return WS_ERR_HS_MALFORMED;
        if (status != 101) return status < 100 ? WS_ERR_HS_MALFORMED : status;
        continue;
      }
      if (ll == 0) break;
      let colon = 0;
      while (colon < ll && load<u8>(line + <usize>colon) != 0x3a) colon++;
      if (colon == 0 || colon == ll) return WS_ERR_HS_MALFORMED;
      let vs = colon + 1;
      let ve = ll;
      while (vs < ve && (load<u8>(line + <usize>vs) == 0x20 || load<u8>(line + <usize>vs) == 0x09)) vs++;
      while (ve > vs && (load<u8>(line + <usize>(ve - 1)) == 0x20 || load<u8>(line + <usize>(ve - 1)) == 0x09)) ve--;
      const v = line + <usize>vs;
      const vl = ve - vs;
      if (eqNoCase(line, colon, "upgrade")) upgrade = eqNoCase(v, vl, "websocket");
      else if (eqNoCase(line, colon, "connection")) connection = hasToken(v, vl, "upgrade");
      else if (eqNoCase(line, colon, "sec-websocket-accept")) accept = vl == ACCEPT_LEN && memory.compare(v, expectedAccept, <usize>ACCEPT_LEN) == 0;
      // Part 4 §3.1.2: the value is case-sensitive; a server that agreed on none omits the header.
      else if (eqNoCase(line, colon, "sec-websocket-protocol")) protocol = eqExact(v, vl, SUBPROTOCOL);
      else if (eqNoCase(line, colon, "sec-websocket-extensions") && vl > 0) return WS_ERR_HS_EXTENSION;
    }
    if (status < 0) return WS_ERR_HS_MALFORMED;
    if (!upgrade || !connection) return WS_ERR_HS_UPGRADE;
    if (!accept) return WS_ERR_HS_ACCEPT;
    if (!protocol) return WS_ERR_HS_PROTOCOL;
    return 0;
  }
}

