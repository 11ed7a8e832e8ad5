// Which source sets the clock (provisioning/time-source.ts): ClockCtrlr.TimeSource order, NTP "synchronized"
// for two hours after an answer, CSMS time "recent" for two heartbeat intervals. The fake host's wall clock
// (tests/aspect-host.js) shows what was set.
import { TimeSources, NTP_SYNC_VALID_MS } from "../provisioning/time-source";
import { Context } from "../core/context";
import { clock_wall_ms } from "../host/abi";

@external("env", "test_set_wall") declare function test_set_wall(ms: i64): void;

const WALL: i64 = 1700000000000;
const CSMS: i64 = 1800000000000;
const HOUR: i64 = 3_600_000;

describe("time sources", () => {
  beforeEach(() => { test_set_wall(WALL); });

  it("Heartbeat only: the CSMS's time always, NTP never", () => {
    const c = new TimeSources(new Context());
    c.configure("Heartbeat", 300);
    expect<bool>(c.ntpListed).toBe(false);
    expect<bool>(c.fromNtp(5000, 0)).toBe(false);
    expect<i64>(clock_wall_ms()).toBe(WALL);
    expect<bool>(c.fromCsms(CSMS, 10)).toBe(true);
    expect<i64>(clock_wall_ms()).toBe(CSMS);
  });

  it("NTP only: NTP's offset from the current clock, the CSMS's time never", () => {
    const c = new TimeSources(new Context());
    c.configure("NTP", 300);
    expect<bool>(c.ntpListed).toBe(true);
    expect<bool>(c.fromCsms(CSMS, 0)).toBe(false);
    expect<i64>(clock_wall_ms()).toBe(WALL);
    expect<bool>(c.fromNtp(-2500, 10)).toBe(true);
    expect<i64>(clock_wall_ms()).toBe(WALL - 2500);
  });

  it("NTP before Heartbeat: the CSMS's time only while NTP has not answered for two hours", () => {
    const c = new TimeSources(new Context());
    c.configure("NTP,Heartbeat", 300);
    expect<bool>(c.fromCsms(CSMS, 0)).toBe(true);            // no NTP answer yet
    expect<bool>(c.fromNtp(1000, 1000)).toBe(true);
    expect<i64>(clock_wall_ms()).toBe(CSMS + 1000);
    expect<bool>(c.fromCsms(CSMS + 5, 2000)).toBe(false);
    expect<bool>(c.ntpSynced(1000 + NTP_SYNC_VALID_MS)).toBe(true);
    expect<bool>(c.fromCsms(CSMS + 5, 1000 + NTP_SYNC_VALID_MS)).toBe(false);
    expect<bool>(c.fromCsms(CSMS + 7, 1001 + NTP_SYNC_VALID_MS)).toBe(true);
    expect<i64>(clock_wall_ms()).toBe(CSMS + 7);
  });

  it("Heartbeat before NTP: NTP only when no CSMS time arrived within two heartbeat intervals", () => {
    const c = new TimeSources(new Context());
    c.configure("Heartbeat,NTP", 300);
    expect<bool>(c.fromNtp(1000, 0)).toBe(true);             // no CSMS time yet
    expect<i64>(clock_wall_ms()).toBe(WALL + 1000);
    expect<bool>(c.fromCsms(CSMS, 10)).toBe(true);           // first in the list: always
    expect<bool>(c.fromNtp(1000, HOUR / 6)).toBe(false);
    expect<i64>(clock_wall_ms()).toBe(CSMS);
    expect<bool>(c.fromNtp(1000, 10 + 600_000)).toBe(false);
    expect<bool>(c.fromNtp(1000, 11 + 600_000)).toBe(true);  // 600 s = two intervals without CSMS time
    expect<i64>(clock_wall_ms()).toBe(CSMS + 1000);
    expect<bool>(c.fromCsms(CSMS, 12 + 600_000)).toBe(true); // an NTP answer never holds the CSMS's time back here
    // A longer interval waits longer.
    c.configure("Heartbeat,NTP", 3600);
    expect<bool>(c.fromNtp(1000, 12 + 600_000 + HOUR)).toBe(false);
  });
});
