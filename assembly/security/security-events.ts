// Security events and the security log (A04). Every event any block raises goes into the security log: the last
// LOG_CAPACITY events, persisted as one storage value ("sec.log", one atomic write per event) before raise()
// returns. The critical ones of the security events appendix (Part 2) are also sent as SecurityEventNotification
// once the boot is accepted, oldest first; they carry a "to send" mark in the same log entry, so an event is
// stored once however a power cut falls, and the mark goes only when the CSMS acknowledged it (a CALLERROR counts
// as delivered: it would come back the same). A lost link or a time-out keeps it, and so does a power cut.
// The ring never drops an entry that is still to be sent: the oldest entry without the mark goes instead; at most
// SEND_CAPACITY events wait to be sent (a station that keeps rebooting offline keeps the newest; the older lose the
// mark, not their place in the log). The reusable state Booted expects StartupOfTheDevice after a power-up and
// ResetOrReboot after a reset. Stored format: docs/security.md.
import { Tape, Action, actionRequestType, SecurityEventNotificationRequest, actionName, rpcErrorName } from "../ocpp";
import { formatDateTime } from "../util/datetime";
import { kvGet, kvPut, kvDelete } from "../util/kv";
import { logInfo, logWarn } from "../util/log";
import { Block } from "../core/block";
import { Context } from "../core/context";
import { SecurityEventType, SECURITY_EVENT_NAMES as NAMES, TECH_INFO_MAX } from "../core/security-log";

const KEY = "sec.log";
/** The queue of an earlier image (type u8 + wall-clock ms i64 per entry after a count byte): taken over once. */
const OLD_QUEUE_KEY = "sec.q";
const VERSION: u8 = 1;
/** Entries the log holds. */
export const LOG_CAPACITY: i32 = 48;
/** Critical events waiting for delivery at most. */
export const SEND_CAPACITY: i32 = 16;
const HEADER: i32 = 16;
export const ENTRY: i32 = 16 + TECH_INFO_MAX;
const SIZE: i32 = HEADER + LOG_CAPACITY * ENTRY;
// Entry fields (little-endian): wall-clock ms i64, seq u32, type u8, flags u8, techInfo length u8, reserved u8,
// then techInfo (UTF-8).
const E_WALL: usize = 0, E_SEQ: usize = 8, E_TYPE: usize = 12, E_FLAGS: usize = 13, E_TECH_LEN: usize = 14, E_TECH: usize = 16;
/** flags: a critical event not yet acknowledged by the CSMS. */
const TO_SEND: u8 = 1;
// Header fields: version u8, entry count u8, security profile of the last connection u8 (0xFF none yet),
// reserved u8, the next event's seq u32, reserved.
const H_COUNT: usize = 1, H_PROFILE: usize = 2, H_NEXT_SEQ: usize = 4;
const NO_PROFILE: u8 = 0xFF;

/** The critical column of the security events appendix, as bits by SecurityEventType. */
const CRITICAL: u32 =
  (1 << SecurityEventType.FirmwareUpdated) | (1 << SecurityEventType.SettingSystemTime) |
  (1 << SecurityEventType.StartupOfTheDevice) | (1 << SecurityEventType.ResetOrReboot) |
  (1 << SecurityEventType.SecurityLogWasCleared) | (1 << SecurityEventType.MemoryExhaustion) |
  (1 << SecurityEventType.TamperDetectionActivated) | (1 << SecurityEventType.InvalidFirmwareSignature) |
  (1 << SecurityEventType.InvalidFirmwareSigningCertificate) | (1 << SecurityEventType.InvalidCsmsCertificate) |
  (1 << SecurityEventType.InvalidChargingStationCertificate) | (1 << SecurityEventType.InvalidTLSVersion) |
  (1 << SecurityEventType.InvalidTLSCipherSuite) | (1 << SecurityEventType.MaintenanceLoginAccepted) |
  (1 << SecurityEventType.MaintenanceLoginFailed);

export function isCritical(type: i32): bool { return ((CRITICAL >> <u32>type) & 1) != 0; }

/** InvalidMessages: the first one of a window is logged at once, the rest of the window as one summary at its
 *  end, so a CSMS that sends nothing but broken messages costs one storage write per window, not one per message. */
export const INVALID_WINDOW_MS: i64 = 300_000;

export class SecurityEvents extends Block {
  private buf: usize = heap.alloc(<usize>SIZE);
  private timestamp: usize = heap.alloc(32);
  /** The seq of the event in flight (SecurityEventNotification sent, no answer yet), -1 none. */
  private inFlight: i64 = -1;
  private invalidWindowEnd: i64 = i64.MIN_VALUE;
  private invalidSuppressed: i32 = 0;
  private invalidLastAction: i32 = -1;
  private invalidLastError: i32 = 0;

  constructor(private ctx: Context) {
    super();
    memory.fill(this.buf, 0, <usize>HEADER);
    store<u8>(this.buf, VERSION);
    store<u8>(this.buf + H_PROFILE, NO_PROFILE);
  }

  /** init: the log and the events a previous run could not deliver. */
  load(): void {
    const n = kvGet(KEY, this.buf, SIZE);
    const c = n >= HEADER ? <i32>load<u8>(this.buf + H_COUNT) : -1;
    if (n < 0 || load<u8>(this.buf) != VERSION || c > LOG_CAPACITY || n != HEADER + c * ENTRY) {
      if (n >= 0) logWarn("security: log unreadable, started again");
      memory.fill(this.buf, 0, <usize>HEADER);
      store<u8>(this.buf, VERSION);
      store<u8>(this.buf + H_PROFILE, NO_PROFILE);
    }
    this.takeOverOldQueue();
  }

  /** Events of the earlier queue ("sec.q") go into the log, still to be sent; then the old key goes. */
  private takeOverOldQueue(): void {
    const old = heap.alloc(1 + 16 * 9);
    const n = kvGet(OLD_QUEUE_KEY, old, 1 + 16 * 9);
    if (n >= 1) {
      const c = <i32>load<u8>(old);
      if (c <= 16 && n == 1 + c * 9) {
        for (let i = 0; i < c; i++) this.append(<i32>load<u8>(old + 1 + <usize>(i * 9)), load<i64>(old + 2 + <usize>(i * 9)), "");
        this.save();
      }
      kvDelete(OLD_QUEUE_KEY);
    }
    heap.free(old);
  }

  /** Critical events not yet acknowledged. */
  pending(): i32 {
    let k = 0;
    for (let i = 0; i < this.count; i++) if (load<u8>(this.entry(i) + E_FLAGS) & TO_SEND) k++;
    return k;
  }

  get count(): i32 { return <i32>load<u8>(this.buf + H_COUNT); }

  /** Records an event; it is in storage before this returns. */
  record(type: i32, wallMs: i64, techInfo: string): void {
    if (type < 0 || type >= NAMES.length) return;
    this.append(type, wallMs, techInfo);
    this.save();
    logInfo("security: " + NAMES[type] + (techInfo.length > 0 ? " (" + techInfo + ")" : ""));
  }

  private append(type: i32, wallMs: i64, techInfo: string): void {
    const critical = isCritical(type);
    if (critical && this.pending() >= SEND_CAPACITY) {
      logWarn("security: too many events to send, the oldest one is not sent");
      for (let i = 0; i < this.count; i++) {
        const e = this.entry(i);
        if (load<u8>(e + E_FLAGS) & TO_SEND && <i64>load<u32>(e + E_SEQ) != this.inFlight) { store<u8>(e + E_FLAGS, 0); break; }
      }
    }
    if (this.count == LOG_CAPACITY) this.dropOldestSent();
    const e = this.entry(this.count);
    memory.fill(e, 0, <usize>ENTRY);
    const seq = load<u32>(this.buf + H_NEXT_SEQ);
    store<i64>(e + E_WALL, wallMs);
    store<u32>(e + E_SEQ, seq);
    store<u8>(e + E_TYPE, <u8>type);
    store<u8>(e + E_FLAGS, critical ? TO_SEND : 0);
    store<u8>(e + E_TECH_LEN, <u8>copyTechInfo(techInfo, e + E_TECH));
    store<u32>(this.buf + H_NEXT_SEQ, seq + 1);
    store<u8>(this.buf + H_COUNT, <u8>(this.count + 1));
  }

  /** Makes room: the oldest entry that is not waiting to be sent leaves the log. */
  private dropOldestSent(): void {
    const c = this.count;
    for (let i = 0; i < c; i++) {
      if (load<u8>(this.entry(i) + E_FLAGS) & TO_SEND) continue;
      memory.copy(this.entry(i), this.entry(i + 1), <usize>((c - 1 - i) * ENTRY));
      store<u8>(this.buf + H_COUNT, <u8>(c - 1));
      return;
    }
  }

  // ---- InvalidMessages (rate-limited) ------------------------------------------------------------------------

  /** A CSMS message that is not valid OCPP (answered with a CALLERROR, or a response that fails validation):
   *  `action` its action (-1 unknown), `error` the RpcError it failed with. */
  invalidMessage(action: i32, error: i32): void {
    const now = this.ctx.now;
    if (this.invalidWindowEnd != i64.MIN_VALUE && now < this.invalidWindowEnd) {
      this.invalidSuppressed++;
      this.invalidLastAction = action;
      this.invalidLastError = error;
      return;
    }
    this.invalidWindowEnd = now + INVALID_WINDOW_MS;
    this.ctx.securityLog.raise(SecurityEventType.InvalidMessages, invalidText(action, error));
  }

  nextWakeup(): i64 { return this.invalidSuppressed > 0 ? this.invalidWindowEnd : i64.MAX_VALUE; }

  tick(): void {
    if (this.invalidSuppressed == 0 || this.ctx.now < this.invalidWindowEnd) return;
    const n = this.invalidSuppressed;
    this.invalidSuppressed = 0;
    this.invalidWindowEnd = this.ctx.now + INVALID_WINDOW_MS;
    this.ctx.securityLog.raise(SecurityEventType.InvalidMessages,
      n.toString() + " more; last " + invalidText(this.invalidLastAction, this.invalidLastError));
  }

  // ---- ReconfigurationOfSecurityParameters: the security profile in use --------------------------------------

  /** Connected to the CSMS with security profile `profile`: a profile other than the last connection's is a
   *  change of the security profile used (A05 upgrade, another network profile). */
  onConnected(profile: i32): void {
    const last = load<u8>(this.buf + H_PROFILE);
    if (<i32>last == profile) return;
    store<u8>(this.buf + H_PROFILE, <u8>profile);
    if (last == NO_PROFILE) { this.save(); return; }
    // raise() saves the record, the new profile with it.
    this.ctx.securityLog.raise(SecurityEventType.ReconfigurationOfSecurityParameters,
      "SecurityProfile " + last.toString() + " to " + profile.toString());
  }

  // ---- sending -------------------------------------------------------------------------------------------------

  nextCall(req: Tape): i32 {
    if (this.inFlight >= 0) return -1;
    for (let i = 0; i < this.count; i++) {
      const e = this.entry(i);
      if ((load<u8>(e + E_FLAGS) & TO_SEND) == 0) continue;
      const root = req.newRoot(actionRequestType(Action.SecurityEventNotification));
      req.setString(root, SecurityEventNotificationRequest.type, NAMES[<i32>load<u8>(e + E_TYPE)]);
      const ts = formatDateTime(load<i64>(e + E_WALL), this.timestamp);
      req.setBytes(root, SecurityEventNotificationRequest.timestamp, this.timestamp, ts);
      const t = <i32>load<u8>(e + E_TECH_LEN);
      if (t > 0) req.setBytes(root, SecurityEventNotificationRequest.techInfo, e + E_TECH, t);
      this.inFlight = <i64>load<u32>(e + E_SEQ);
      return Action.SecurityEventNotification;
    }
    return -1;
  }

  onCallResult(action: i32, resp: Tape): void { this.acknowledged(); }

  /** failure > 0: a CALLERROR (delivered, refused); otherwise time-out or lost link: sent again. */
  onCallFailed(action: i32, failure: i32): void {
    if (failure > 0) { this.acknowledged(); return; }
    this.inFlight = -1;
  }

  private acknowledged(): void {
    for (let i = 0; i < this.count; i++) {
      const e = this.entry(i);
      if (<i64>load<u32>(e + E_SEQ) != this.inFlight) continue;
      store<u8>(e + E_FLAGS, load<u8>(e + E_FLAGS) & ~TO_SEND);
      this.save();
      break;
    }
    this.inFlight = -1;
  }

  // ---- reading the log -------------------------------------------------------------------------------------

  /** Entry `index` (0 = oldest) as "<seq> <timestamp> <type>[ <techInfo>]" into out; its length or -1. */
  line(index: i32, out: usize, cap: i32): i32 {
    if (index < 0 || index >= this.count) return -1;
    const e = this.entry(index);
    const head = load<u32>(e + E_SEQ).toString() + " ";
    const ts = formatDateTime(load<i64>(e + E_WALL), this.timestamp);
    const name = NAMES[<i32>load<u8>(e + E_TYPE)];
    const t = <i32>load<u8>(e + E_TECH_LEN);
    const len = head.length + ts + 1 + name.length + (t > 0 ? 1 + t : 0);
    if (len > cap) return -1;
    let p = putAscii(out, head);
    memory.copy(p, this.timestamp, <usize>ts);
    p += <usize>ts;
    store<u8>(p++, 0x20);
    p = putAscii(p, name);
    if (t > 0) { store<u8>(p++, 0x20); memory.copy(p, e + E_TECH, <usize>t); }
    return len;
  }

  private entry(i: i32): usize { return this.buf + <usize>(HEADER + i * ENTRY); }

  private save(): void {
    if (kvPut(KEY, this.buf, HEADER + this.count * ENTRY) < 0) logWarn("security: log not persisted");
  }
}

/** The event a boot reports: StartupOfTheDevice after a power-up, ResetOrReboot after any other boot reason. */
export function bootEvent(powerUp: bool): i32 {
  return powerUp ? SecurityEventType.StartupOfTheDevice : SecurityEventType.ResetOrReboot;
}

function invalidText(action: i32, error: i32): string {
  return (action >= 0 ? actionName(action) : "unknown action") + " " + rpcErrorName(error);
}

/** techInfo as UTF-8 at out, at most TECH_INFO_MAX bytes, cut before a character that does not fit; its length. */
function copyTechInfo(s: string, out: usize): i32 {
  if (s.length == 0) return 0;
  const b = String.UTF8.encode(s);
  let n = b.byteLength;
  const p = changetype<usize>(b);
  if (n > TECH_INFO_MAX) {
    n = TECH_INFO_MAX;
    while (n > 0 && (load<u8>(p + <usize>n) & 0xC0) == 0x80) n--;
  }
  memory.copy(out, p, <usize>n);
  return n;
}

function putAscii(p: usize, s: string): usize {
  for (let i = 0; i < s.length; i++) store<u8>(p + <usize>i, <u8>s.charCodeAt(i));
  return p + <usize>s.length;
}
