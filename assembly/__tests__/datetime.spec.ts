import { parseDateTime, formatDateTime } from "../util/datetime";

function parse(s: string): i64 {
  const b = String.UTF8.encode(s);
  return parseDateTime(changetype<usize>(b), b.byteLength);
}
function format(ms: i64): string {
  const b = new ArrayBuffer(24);
  formatDateTime(ms, changetype<usize>(b));
  return String.UTF8.decode(b);
}

describe("RFC 3339 date-time", () => {
  it("parses UTC with and without fractions", () => {
    expect<i64>(parse("1970-01-01T00:00:00Z")).toBe(0);
    expect<i64>(parse("2013-02-01T20:53:32.486Z")).toBe(1359752012486);
    expect<i64>(parse("2024-02-29T23:59:59.9Z")).toBe(1709251199900);
  });
  it("applies offsets", () => {
    expect<i64>(parse("2013-02-01T21:53:32.486+01:00")).toBe(1359752012486);
    expect<i64>(parse("2013-02-01T15:23:32.486-05:30")).toBe(1359752012486);
  });
  it("rejects malformed text", () => {
    expect<i64>(parse("2013-02-30T20:53:32Z")).toBe(i64.MIN_VALUE);
    expect<i64>(parse("2013-02-01 20:53:32")).toBe(i64.MIN_VALUE);
    expect<i64>(parse("2013-02-01T20:53:32.Z")).toBe(i64.MIN_VALUE);
    expect<i64>(parse("2013-02-01T20:53:32+0100")).toBe(i64.MIN_VALUE);
    expect<i64>(parse("2013-13-01T20:53:32Z")).toBe(i64.MIN_VALUE);
    expect<i64>(parse("2013-02-01T20:53:32Zx")).toBe(i64.MIN_VALUE);
  });
  it("formats with milliseconds and Z", () => {
    expect<string>(format(0)).toBe("1970-01-01T00:00:00.000Z");
    expect<string>(format(1359752012486)).toBe("2013-02-01T20:53:32.486Z");
    expect<string>(format(1709251199900)).toBe("2024-02-29T23:59:59.900Z");
    expect<string>(format(-1)).toBe("1969-12-31T23:59:59.999Z");
  });
});
