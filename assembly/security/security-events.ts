// Security events (A04): what happened is recorded in persistent storage first ("sec.q") and sent as
// SecurityEventNotification once the boot is accepted, oldest first. An event leaves the queue only when the
// CSMS acknowledged it (a CALLERROR would come back the same, so it counts as delivered too); a lost link or a
// time-out keeps it, and so does a power cut. The reusable state Booted expects StartupOfTheDevice after a
// power-up and ResetOrReboot after a reset.
import { Tape, Action, actionRequestType, SecurityEventNotificationRequest } from "../ocpp";
import { formatDateTime } from "../util/datetime";
import { kvGet, kvPut } from "../util/kv";
import { logInfo, logWarn } from "../util/log";
import { Block } from "../core/block";
import { SecurityEventType, SECURITY_EVENT_NAMES as NAMES } from "../core/security-log";


const KEY = "sec.q";
/** Boots between two deliveries: a station that keeps rebooting offline keeps the newest events. */
const CAPACITY: i32 = 16;
const ENTRY: i32 = 9;        // type u8, wall-clock ms i64
const SIZE: i32 = 1 + CAPACITY * ENTRY;

export class SecurityEvents extends Block {
  private count: i32 = 0;
  private inFlight: bool = false;
  private buf: usize = heap.alloc(<usize>SIZE);
  private timestamp: usize = heap.alloc(24);

  /** init: the events a previous run could not deliver. */
  load(): void {
    const n = kvGet(KEY, this.buf, SIZE);
    const c = n >= 1 ? <i32>load<u8>(this.buf) : 0;
    this.count = c <= CAPACITY && n == 1 + c * ENTRY ? c : 0;
  }

  pending(): i32 { return this.count; }

  /** Records an event; it is in storage before this returns. A full queue drops its oldest entry. */
  record(type: i32, wallMs: i64): void {
    if (type < 0 || type >= NAMES.length) return;
    if (this.count == CAPACITY) {
      logWarn("security: event queue full, oldest event dropped");
      this.drop();
    }
    const at = this.entry(this.count);
    store<u8>(at, <u8>type);
    store<i64>(at + 1, wallMs);
    this.count++;
    this.save();
    logInfo("security: " + NAMES[type]);
  }

  nextCall(req: Tape): i32 {
    if (this.inFlight || this.count == 0) return -1;
    const at = this.entry(0);
    const root = req.newRoot(actionRequestType(Action.SecurityEventNotification));
    req.setString(root, SecurityEventNotificationRequest.type, NAMES[<i32>load<u8>(at)]);
    formatDateTime(load<i64>(at + 1), this.timestamp);
    req.setBytes(root, SecurityEventNotificationRequest.timestamp, this.timestamp, 24);
    this.inFlight = true;
    return Action.SecurityEventNotification;
  }

  onCallResult(action: i32, resp: Tape): void { this.acknowledged(); }

  private acknowledged(): void {
    if (this.inFlight && this.count > 0) { this.drop(); this.save(); }
    this.inFlight = false;
  }

  /** failure > 0: a CALLERROR (delivered, refused); otherwise time-out or lost link: sent again. */
  onCallFailed(action: i32, failure: i32): void {
    if (failure > 0) { this.acknowledged(); return; }
    this.inFlight = false;
  }

  private entry(i: i32): usize { return this.buf + 1 + <usize>(i * ENTRY); }

  private drop(): void {
    memory.copy(this.entry(0), this.entry(1), <usize>((this.count - 1) * ENTRY));
    this.count--;
  }

  private save(): void {
    store<u8>(this.buf, <u8>this.count);
    if (kvPut(KEY, this.buf, 1 + this.count * ENTRY) < 0) logWarn("security: event queue not persisted");
  }
}

/** The event a boot reports: StartupOfTheDevice after a power-up, ResetOrReboot after any other boot reason. */
export function bootEvent(powerUp: bool): i32 {
  return powerUp ? SecurityEventType.StartupOfTheDevice : SecurityEventType.ResetOrReboot;
}
