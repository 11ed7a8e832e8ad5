// http:// and https:// URLs (RFC 3986 subset) for the HTTP client: host, port, path and query. Runs once per
// request and per redirect, so plain string handling is acceptable here. A fragment is dropped (never sent);
// user:password@ is refused (HTTP_ERR_URL_USERINFO) rather than sent in the clear.
import {
  HTTP_MAX_URL, HTTP_MAX_HOST, HTTP_ERR_URL_SCHEME, HTTP_ERR_URL_HOST, HTTP_ERR_URL_PORT, HTTP_ERR_URL_PATH,
  HTTP_ERR_URL_TOO_LONG, HTTP_ERR_URL_USERINFO,
} from "./errors";

export class HttpTarget {
  tls: bool = false;
  port: i32 = 0;
  /** Host for stream_open: name or IPv4, IPv6 without brackets. */
  host: string = "";
  /** Value of the Host header: the host as written (brackets kept), ":port" only when not the default. */
  hostHeader: string = "";
  /** Request target: path and query, "/" when the URL has none. */
  path: string = "";

  copyFrom(o: HttpTarget): void {
    this.tls = o.tls; this.port = o.port; this.host = o.host; this.hostHeader = o.hostHeader; this.path = o.path;
  }
}

@inline function isAlnum(c: i32): bool {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function startsWithIgnoreCase(s: string, prefix: string): bool {
  if (s.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c += 32;
    if (c != prefix.charCodeAt(i)) return false;
  }
  return true;
}

/** True when s starts with an http or https scheme (a redirect's Location is absolute then). */
export function isHttpUrl(s: string): bool {
  return startsWithIgnoreCase(s, "http://") || startsWithIgnoreCase(s, "https://");
}

/** Path and query from `from` on: printable ASCII only; the fragment is cut. 0 or HTTP_ERR_URL_PATH. */
export function parsePathQuery(url: string, from: i32, t: HttpTarget): i32 {
  let end = url.length;
  for (let k = from; k < url.length; k++) {
    const c = url.charCodeAt(k);
    if (c == 0x23) { end = k; break; }
    if (c <= 0x20 || c >= 0x7f) return HTTP_ERR_URL_PATH;
  }
  let path = url.substring(from, end);
  if (path.length == 0) path = "/";
  else if (path.charCodeAt(0) == 0x3f) path = "/" + path;   // "http://h?q" asks for "/?q"
  else if (path.charCodeAt(0) != 0x2f) return HTTP_ERR_URL_PATH;
  t.path = path;
  return 0;
}

/** Fills t from an absolute http(s) URL; 0 or an HTTP_ERR_URL_* code (t is then unspecified). */
export function parseHttpUrl(url: string, t: HttpTarget): i32 {
  if (url.length > HTTP_MAX_URL) return HTTP_ERR_URL_TOO_LONG;
  let i: i32;
  if (startsWithIgnoreCase(url, "http://")) { t.tls = false; i = 7; }
  else if (startsWithIgnoreCase(url, "https://")) { t.tls = true; i = 8; }
  else return HTTP_ERR_URL_SCHEME;

  let end = i;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c == 0x2f || c == 0x3f || c == 0x23) break;
    if (c == 0x40) return HTTP_ERR_URL_USERINFO;
    end++;
  }
  let hostEnd: i32;
  let portStart: i32 = -1;
  if (i < end && url.charCodeAt(i) == 0x5b) {          // [v6]
    const close = url.indexOf("]", i);
    if (close < 0 || close >= end || close == i + 1) return HTTP_ERR_URL_HOST;
    for (let k = i + 1; k < close; k++) {
      const c = url.charCodeAt(k);
      const hex = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
      if (!hex && c != 0x3a && c != 0x2e) return HTTP_ERR_URL_HOST;
    }
    t.host = url.substring(i + 1, close);
    hostEnd = close + 1;
    if (hostEnd < end) {
      if (url.charCodeAt(hostEnd) != 0x3a) return HTTP_ERR_URL_HOST;
      portStart = hostEnd + 1;
    }
  } else {
    hostEnd = i;
    while (hostEnd < end && url.charCodeAt(hostEnd) != 0x3a) {
      const c = url.charCodeAt(hostEnd);
      if (!isAlnum(c) && c != 0x2d && c != 0x2e && c != 0x5f) return HTTP_ERR_URL_HOST;
      hostEnd++;
    }
    if (hostEnd == i || hostEnd - i > HTTP_MAX_HOST) return HTTP_ERR_URL_HOST;
    t.host = url.substring(i, hostEnd);
    if (hostEnd < end) portStart = hostEnd + 1;
  }
  if (portStart >= 0) {
    if (portStart >= end || end - portStart > 5) return HTTP_ERR_URL_PORT;
    let port = 0;
    for (let k = portStart; k < end; k++) {
      const c = url.charCodeAt(k);
      if (c < 0x30 || c > 0x39) return HTTP_ERR_URL_PORT;
      port = port * 10 + (c - 0x30);
    }
    if (port < 1 || port > 65535) return HTTP_ERR_URL_PORT;
    t.port = port;
  } else {
    t.port = t.tls ? 443 : 80;
  }
  const defaultPort = t.tls ? 443 : 80;
  t.hostHeader = t.port == defaultPort ? url.substring(i, hostEnd) : url.substring(i, hostEnd) + ":" + t.port.toString();
  return parsePathQuery(url, end, t);
}
