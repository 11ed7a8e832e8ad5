// What the WebSocket and the HTTP client parse the same way in a URL: the scheme's case-insensitive prefix and the
// authority (host name or IPv4, [IPv6], optional :port). Runs once per connection or request.

/** parseAuthority's results besides 0. */
export const URL_BAD_HOST: i32 = -1;
export const URL_BAD_PORT: i32 = -2;

export class UrlAuthority {
  /** Name or IPv4, IPv6 without brackets. */
  host: string = "";
  /** Where the host as written ends (after "]" for IPv6): url.substring(start, hostEnd) keeps the brackets. */
  hostEnd: i32 = 0;
  /** The port given, or 0 when there is none. */
  port: i32 = 0;
}

@inline export function isAlnum(c: i32): bool {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

export function startsWithIgnoreCase(s: string, prefix: string): bool {
  if (s.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c += 32;
    if (c != prefix.charCodeAt(i)) return false;
  }
  return true;
}

/** Parses url[start, end) as host[:port] into out: 0, URL_BAD_HOST or URL_BAD_PORT. A host name is letters, digits,
 *  "-", "." and "_", at most maxHost characters; a port 1–65535. */
export function parseAuthority(url: string, start: i32, end: i32, maxHost: i32, out: UrlAuthority): i32 {
  let portStart: i32 = -1;
  if (start < end && url.charCodeAt(start) == 0x5b) {          // [v6]
    const close = url.indexOf("]", start);
    if (close < 0 || close >= end || close == start + 1) return URL_BAD_HOST;
    for (let k = start + 1; k < close; k++) {
      const c = url.charCodeAt(k);
      const hex = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
      if (!hex && c != 0x3a && c != 0x2e) return URL_BAD_HOST;
    }
    out.host = url.substring(start + 1, close);
    out.hostEnd = close + 1;
    if (out.hostEnd < end) {
      if (url.charCodeAt(out.hostEnd) != 0x3a) return URL_BAD_HOST;
      portStart = out.hostEnd + 1;
    }
  } else {
    let hostEnd = start;
    while (hostEnd < end && url.charCodeAt(hostEnd) != 0x3a) {
      const c = url.charCodeAt(hostEnd);
      if (!isAlnum(c) && c != 0x2d && c != 0x2e && c != 0x5f) return URL_BAD_HOST;
      hostEnd++;
    }
    if (hostEnd == start || hostEnd - start > maxHost) return URL_BAD_HOST;
    out.host = url.substring(start, hostEnd);
    out.hostEnd = hostEnd;
    if (hostEnd < end) portStart = hostEnd + 1;
  }
  out.port = 0;
  if (portStart < 0) return 0;
  if (portStart >= end || end - portStart > 5) return URL_BAD_PORT;
  let port = 0;
  for (let k = portStart; k < end; k++) {
    const c = url.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return URL_BAD_PORT;
    port = port * 10 + (c - 0x30);
  }
  if (port < 1 || port > 65535) return URL_BAD_PORT;
  out.port = port;
  return 0;
}
