// http:// and https:// URLs (RFC 3986 subset) for the HTTP client: host, port, path and query. Runs once per
// request and per redirect, so plain string handling is acceptable here. A fragment is dropped (never sent);
// user:password@ is refused (HTTP_ERR_URL_USERINFO) rather than sent in the clear.
import {
  HTTP_MAX_URL, HTTP_MAX_HOST, HTTP_ERR_URL_SCHEME, HTTP_ERR_URL_HOST, HTTP_ERR_URL_PORT, HTTP_ERR_URL_PATH,
  HTTP_ERR_URL_TOO_LONG, HTTP_ERR_URL_USERINFO,
} from "./errors";
import { UrlAuthority, parseAuthority, startsWithIgnoreCase, URL_BAD_HOST, URL_BAD_PORT } from "../util/url";

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

/** The parsed authority, reused: one request or redirect at a time. */
const authority = new UrlAuthority();

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
  const rc = parseAuthority(url, i, end, HTTP_MAX_HOST, authority);
  if (rc == URL_BAD_HOST) return HTTP_ERR_URL_HOST;
  if (rc == URL_BAD_PORT) return HTTP_ERR_URL_PORT;
  const hostEnd = authority.hostEnd;
  t.host = authority.host;
  t.port = authority.port > 0 ? authority.port : t.tls ? 443 : 80;
  const defaultPort = t.tls ? 443 : 80;
  t.hostHeader = t.port == defaultPort ? url.substring(i, hostEnd) : url.substring(i, hostEnd) + ":" + t.port.toString();
  return parsePathQuery(url, end, t);
}
