// Which source may set the clock (ClockCtrlr.TimeSource, C-23: Heartbeat, NTP). The list is in priority order;
// the first source in it that has the time wins:
// - a CSMS currentTime (BootNotification, Heartbeat) applies when Heartbeat is listed and comes before NTP, or
//   when NTP has not answered within the last two hours;
// - an NTP answer applies when NTP is listed and comes before Heartbeat, or when no CSMS time arrived within
//   the last two heartbeat intervals (the CSMS is out of reach).
// A source's time counts as "arrived" whether or not it was applied. Times here are the monotonic clock.
// A04: a change of the clock by more than ClockCtrlr.TimeAdjustmentReportingThreshold seconds is the security event
// SettingSystemTime. Not every setting: a CSMS's currentTime is late by the network's delay and its own clock
// error, and NTP corrects a drift of milliseconds, so applying either to a clock that is already right moves it
// a little, every heartbeat; that is not a setting of the time worth a critical event.
import { clock_wall_ms, clock_set_wall_ms } from "../host/abi";
import { Context } from "../core/context";
import { K, intValue } from "../core/catalog";
import { SecurityEventType } from "../core/security-log";
import { formatDateTime } from "../util/datetime";

/** How long an NTP answer keeps NTP "synchronized" for the CSMS time's rule. */
export const NTP_SYNC_VALID_MS: i64 = 7_200_000;

export class TimeSources {
  /** Positions in ClockCtrlr.TimeSource, -1 when not listed. */
  heartbeatPos: i32 = 0;
  ntpPos: i32 = -1;
  /** OCPPCommCtrlr.HeartbeatInterval (s). */
  heartbeatIntervalS: i32 = 300;
  private csmsAt: i64 = i64.MIN_VALUE;
  private ntpAt: i64 = i64.MIN_VALUE;

  constructor(private ctx: Context) {}

  /** The device model's normalized TimeSource ("Heartbeat", "NTP,Heartbeat", ...). */
  configure(timeSource: string, heartbeatIntervalS: i32): void {
    const parts = timeSource.split(",");
    this.heartbeatPos = parts.indexOf("Heartbeat");
    this.ntpPos = parts.indexOf("NTP");
    this.heartbeatIntervalS = heartbeatIntervalS;
  }

  get ntpListed(): bool { return this.ntpPos >= 0; }

  /** NTP answered within the last two hours. */
  ntpSynced(now: i64): bool { return this.ntpAt != i64.MIN_VALUE && now - this.ntpAt <= NTP_SYNC_VALID_MS; }

  /** A CSMS time arrived within the last two heartbeat intervals. */
  csmsRecent(now: i64): bool {
    return this.csmsAt != i64.MIN_VALUE && now - this.csmsAt <= <i64>this.heartbeatIntervalS * 2000;
  }

  /** The CSMS's currentTime (Unix ms) arrived; true if it set the clock. */
  fromCsms(wallMs: i64, now: i64): bool {
    this.csmsAt = now;
    const hb = this.heartbeatPos, ntp = this.ntpPos;
    if (hb < 0 || (ntp >= 0 && ntp < hb && this.ntpSynced(now))) return false;
    this.set(wallMs, "CSMS time");
    return true;
  }

  /** A good NTP answer: our clock is `offsetMs` behind the server's; true if it set the clock. */
  fromNtp(offsetMs: i64, now: i64): bool {
    this.ntpAt = now;
    const hb = this.heartbeatPos, ntp = this.ntpPos;
    if (ntp < 0 || (hb >= 0 && hb < ntp && this.csmsRecent(now))) return false;
    this.set(clock_wall_ms() + offsetMs, "NTP");
    return true;
  }

  /** Sets the clock; a change beyond the reporting threshold is a security event, with the time it replaced. */
  private set(wallMs: i64, source: string): void {
    const before = clock_wall_ms();
    clock_set_wall_ms(wallMs);
    const change = wallMs - before;
    if ((change < 0 ? -change : change) <= <i64>intValue(K.TimeAdjustmentReportingThreshold) * 1000) return;
    const was = heap.alloc(32);
    const n = formatDateTime(before, was);
    const techInfo = source + "; was " + String.UTF8.decodeUnsafe(was, <usize>n);
    heap.free(was);
    this.ctx.securityLog.raise(SecurityEventType.SettingSystemTime, techInfo);
  }
}
