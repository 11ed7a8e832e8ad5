// The security log (security/security-events.ts): the lines its read API gives (for GetLog SecurityLog), the
// techInfo bound, persistence across instances, and the takeover of an earlier image's queue ("sec.q").
import { SecurityEvents, isCritical, LOG_CAPACITY } from "../security/security-events";
import { SecurityEventType } from "../core/security-log";
import { Context } from "../core/context";
import { kvGet, kvPut, kvDelete } from "../util/kv";

const T0: i64 = 1767225600000;   // 2026-01-01T00:00:00.000Z
const OUT: usize = heap.alloc(256);

function lineOf(log: SecurityEvents, i: i32): string {
  const n = log.line(i, OUT, 256);
  return n < 0 ? "<none>" : String.UTF8.decodeUnsafe(OUT, <usize>n);
}

function fresh(): SecurityEvents {
  const log = new SecurityEvents(new Context());
  log.load();
  return log;
}

describe("security log", () => {
  beforeEach(() => { kvDelete("sec.log"); kvDelete("sec.q"); });

  it("gives each entry as one line: seq, time, type, techInfo", () => {
    const log = fresh();
    log.record(SecurityEventType.StartupOfTheDevice, T0, "");
    log.record(SecurityEventType.InvalidMessages, T0 + 1500, "SetVariables OccurrenceConstraintViolation");
    expect<i32>(log.count).toBe(2);
    expect<string>(lineOf(log, 0)).toBe("0 2026-01-01T00:00:00.000Z StartupOfTheDevice");
    expect<string>(lineOf(log, 1)).toBe("1 2026-01-01T00:00:01.500Z InvalidMessages SetVariables OccurrenceConstraintViolation");
    expect<string>(lineOf(log, 2)).toBe("<none>");
    expect<i32>(log.line(1, OUT, 40)).toBe(-1);   // does not fit
  });

  it("keeps at most 64 bytes of techInfo, cut before a character that does not fit", () => {
    const log = fresh();
    log.record(SecurityEventType.SettingSystemTime, T0, "a".repeat(63) + "é");
    expect<string>(lineOf(log, 0)).toBe("0 2026-01-01T00:00:00.000Z SettingSystemTime " + "a".repeat(63));
  });

  it("comes back from storage in a new instance, the next seq after the last", () => {
    let log = fresh();
    log.record(SecurityEventType.ResetOrReboot, T0, "");
    log.record(SecurityEventType.ReconfigurationOfSecurityParameters, T0, "x");
    expect<i32>(log.pending()).toBe(1);
    log = fresh();
    expect<i32>(log.count).toBe(2);
    expect<i32>(log.pending()).toBe(1);
    log.record(SecurityEventType.InvalidMessages, T0, "");
    expect<string>(lineOf(log, 2)).toBe("2 2026-01-01T00:00:00.000Z InvalidMessages");
  });

  it("replaces its oldest entries when full", () => {
    const log = fresh();
    for (let i = 0; i < LOG_CAPACITY + 5; i++) log.record(SecurityEventType.InvalidMessages, T0, i.toString());
    expect<i32>(log.count).toBe(LOG_CAPACITY);
    expect<string>(lineOf(log, 0)).toBe("5 2026-01-01T00:00:00.000Z InvalidMessages 5");
  });

  it("takes over the queue of an earlier image, still to be sent, and removes it", () => {
    const old = heap.alloc(10);
    store<u8>(old, 1);
    store<u8>(old + 1, <u8>SecurityEventType.StartupOfTheDevice);
    store<i64>(old + 2, T0);
    kvPut("sec.q", old, 10);
    const log = fresh();
    expect<i32>(log.count).toBe(1);
    expect<i32>(log.pending()).toBe(1);
    expect<string>(lineOf(log, 0)).toBe("0 2026-01-01T00:00:00.000Z StartupOfTheDevice");
    expect<i32>(kvGet("sec.q", old, 10)).toBe(-1);
  });

  it("marks the appendix's critical events", () => {
    expect<bool>(isCritical(SecurityEventType.SettingSystemTime)).toBe(true);
    expect<bool>(isCritical(SecurityEventType.InvalidCsmsCertificate)).toBe(true);
    expect<bool>(isCritical(SecurityEventType.MaintenanceLoginFailed)).toBe(true);
    expect<bool>(isCritical(SecurityEventType.InvalidMessages)).toBe(false);
    expect<bool>(isCritical(SecurityEventType.ReconfigurationOfSecurityParameters)).toBe(false);
    expect<bool>(isCritical(SecurityEventType.FailedToAuthenticateAtCsms)).toBe(false);
    expect<bool>(isCritical(SecurityEventType.AttemptedReplayAttacks)).toBe(false);
  });
});
