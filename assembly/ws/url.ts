// Connection URL (Part 4 §3.1.1): "<ws|wss>://host[:port][/path]" + "/" + percent-encoded station id.
// Runs only in configure(), so plain string handling is acceptable here.
import {
  WS_ERR_URL_SCHEME, WS_ERR_URL_HOST, WS_ERR_URL_PORT, WS_ERR_URL_PATH, WS_ERR_STATION_ID,
} from "./errors";
import { UrlAuthority, parseAuthority, isAlnum, startsWithIgnoreCase, URL_BAD_HOST, URL_BAD_PORT } from "../util/url";

/** ConnectionUrl is string[512] in the device model; the station id is identifierString[48] (Part 4 §3.1.1). */
const MAX_URL: i32 = 512;
const MAX_STATION_ID: i32 = 48;
const HEX = "0123456789ABCDEF";

export class WsTarget {
  tls: bool = false;
  port: i32 = 0;
  /** Host for stream_open: name or IPv4, IPv6 without brackets. */
  host: string = "";
  /** Value of the Host header: host as written in the URL (brackets kept), ":port" only when not the default. */
  hostHeader: string = "";
  /** Request target: endpoint path + "/" + percent-encoded station id. */
  path: string = "";
}

@inline function isUnreserved(c: i32): bool {
  return isAlnum(c) || c == 0x2d || c == 0x2e || c == 0x5f || c == 0x7e;
}

/** The parsed authority, reused: configure() runs once per connection attempt. */
const authority = new UrlAuthority();

/** RFC 3986 §2.1: everything but unreserved characters is sent as %XX of its UTF-8 bytes. */
export function percentEncode(s: string): string {
  const raw = String.UTF8.encode(s);
  const p = changetype<usize>(raw);
  let out = "";
  for (let i = 0; i < raw.byteLength; i++) {
    const b = <i32>load<u8>(p + <usize>i);
    if (isUnreserved(b)) out += String.fromCharCode(b);
    else out += "%" + HEX.charAt(b >> 4) + HEX.charAt(b & 15);
  }
  return out;
}

/** Fills t from the CSMS endpoint url and station id; 0 or a WS_ERR_* code. */
export function parseWsUrl(url: string, stationId: string, t: WsTarget): i32 {
  if (url.length > MAX_URL) return WS_ERR_URL_PATH;
  let i: i32;
  if (startsWithIgnoreCase(url, "ws://")) { t.tls = false; i = 5; }
  else if (startsWithIgnoreCase(url, "wss://")) { t.tls = true; i = 6; }
  else return WS_ERR_URL_SCHEME;

  // authority: host [":" port]; userinfo is refused (credentials go in the Authorization header).
  let end = i;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c == 0x2f || c == 0x3f || c == 0x23) break;
    end++;
  }
  const rc = parseAuthority(url, i, end, 253, authority);
  if (rc == URL_BAD_HOST) return WS_ERR_URL_HOST;
  if (rc == URL_BAD_PORT) return WS_ERR_URL_PORT;
  t.host = authority.host;
  t.port = authority.port > 0 ? authority.port : t.tls ? 443 : 80;
  t.hostHeader = url.substring(i, end);

  // The station id is appended to the path, so a query or fragment cannot be kept in front of it.
  for (let k = end; k < url.length; k++) {
    const c = url.charCodeAt(k);
    if (c <= 0x20 || c >= 0x7f || c == 0x3f || c == 0x23) return WS_ERR_URL_PATH;
  }
  if (stationId.length == 0 || String.UTF8.byteLength(stationId) > MAX_STATION_ID) return WS_ERR_STATION_ID;
  // The path ("/" when none), a "/" unless it ends with one, the encoded id: copied into one string made at its
  // length (a substring and two concatenations left 2.4 KB of garbage for a URL of 400 characters, issue 17).
  const id = percentEncode(stationId);
  const n = url.length - end;
  const slash = n == 0 || url.charCodeAt(url.length - 1) != 0x2f ? 1 : 0;
  const path = changetype<string>(__new(<usize>(n + slash + id.length) << 1, idof<string>()));
  const dst = changetype<usize>(path);
  memory.copy(dst, changetype<usize>(url) + (<usize>end << 1), <usize>n << 1);
  if (slash != 0) store<u16>(dst + (<usize>n << 1), 0x2f);
  memory.copy(dst + (<usize>(n + slash) << 1), changetype<usize>(id), <usize>id.length << 1);
  t.path = path;
  return 0;
}
