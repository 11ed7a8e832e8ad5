// URLs of the HTTP client (assembly/http/url.ts): schemes, hosts, ports, path and query, bounds, codes.
import { HttpTarget, parseHttpUrl } from "../http/url";
import {
  HTTP_ERR_URL_SCHEME, HTTP_ERR_URL_HOST, HTTP_ERR_URL_PORT, HTTP_ERR_URL_PATH, HTTP_ERR_URL_TOO_LONG,
  HTTP_ERR_URL_USERINFO,
} from "../http/errors";

function parse(url: string): HttpTarget {
  const t = new HttpTarget();
  expect(parseHttpUrl(url, t)).toBe(0, url);
  return t;
}
function code(url: string): i32 { return parseHttpUrl(url, new HttpTarget()); }

describe("http url", () => {
  it("reads http and https with their default ports", () => {
    let t = parse("http://files.example.com/fw/image.bin");
    expect(t.tls).toBe(false);
    expect(t.port).toBe(80);
    expect(t.host).toBe("files.example.com");
    expect(t.hostHeader).toBe("files.example.com");
    expect(t.path).toBe("/fw/image.bin");
    t = parse("HTTPS://Files.Example.com");
    expect(t.tls).toBe(true);
    expect(t.port).toBe(443);
    expect(t.path).toBe("/");
    t = parse("https://h:443/a");
    expect(t.hostHeader).toBe("h");
  });
  it("keeps a port that is not the default in the Host header", () => {
    const t = parse("http://127.0.0.1:8080/up?id=7&x=%20y");
    expect(t.port).toBe(8080);
    expect(t.host).toBe("127.0.0.1");
    expect(t.hostHeader).toBe("127.0.0.1:8080");
    expect(t.path).toBe("/up?id=7&x=%20y");
  });
  it("reads an IPv6 literal, brackets only in the Host header", () => {
    const t = parse("https://[::1]:8443/logs");
    expect(t.host).toBe("::1");
    expect(t.hostHeader).toBe("[::1]:8443");
    expect(t.port).toBe(8443);
  });
  it("gives a query without a path the root path and drops the fragment", () => {
    expect(parse("http://h?q=1").path).toBe("/?q=1");
    expect(parse("http://h/a#frag").path).toBe("/a");
    expect(parse("http://h#frag").path).toBe("/");
  });
  it("answers each mistake with its code", () => {
    expect(code("ftp://h/x")).toBe(HTTP_ERR_URL_SCHEME);
    expect(code("wss://h/x")).toBe(HTTP_ERR_URL_SCHEME);
    expect(code("h/x")).toBe(HTTP_ERR_URL_SCHEME);
    expect(code("http:///x")).toBe(HTTP_ERR_URL_HOST);
    expect(code("http://ho st/x")).toBe(HTTP_ERR_URL_HOST);
    expect(code("http://[::1/x")).toBe(HTTP_ERR_URL_HOST);
    expect(code("http://[]/x")).toBe(HTTP_ERR_URL_HOST);
    expect(code("http://[::1]x/")).toBe(HTTP_ERR_URL_HOST);
    expect(code("http://" + "a".repeat(254) + "/")).toBe(HTTP_ERR_URL_HOST);
    expect(code("http://h:0/")).toBe(HTTP_ERR_URL_PORT);
    expect(code("http://h:65536/")).toBe(HTTP_ERR_URL_PORT);
    expect(code("http://h:/")).toBe(HTTP_ERR_URL_PORT);
    expect(code("http://h:8o/")).toBe(HTTP_ERR_URL_PORT);
    expect(code("http://h/a b")).toBe(HTTP_ERR_URL_PATH);
    expect(code("http://h/\u00e9")).toBe(HTTP_ERR_URL_PATH);
    expect(code("http://h/a\r\nX: y")).toBe(HTTP_ERR_URL_PATH);
    expect(code("http://user:pw@h/")).toBe(HTTP_ERR_URL_USERINFO);
  });
  it("bounds the URL at 512 characters (string[512] in UpdateFirmware and GetLog)", () => {
    const base = "http://h/";
    expect(code(base + "a".repeat(512 - base.length))).toBe(0);
    expect(code(base + "a".repeat(513 - base.length))).toBe(HTTP_ERR_URL_TOO_LONG);
  });
});
