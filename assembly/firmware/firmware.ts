// Firmware update (L01, secure): UpdateFirmware with a signing certificate and signature; the image is fetched with
// the HTTP client (http:// and https://, ORS-24) and streamed into the host's inactive slot (ABI revision 3,
// fw_slot_*; never held whole in RAM), its signature checked by the host against the certificate, which must chain
// to an installed ManufacturerRootCertificate; then installed and booted on trial. The trial boot confirms itself
// once its BootNotification (reason FirmwareUpdate) is Accepted and reports Installed with the security event
// FirmwareUpdated; a trial the host reverted reports InstallationFailed. FirmwareStatusNotification carries every
// status in order with the request's requestId. Each phase is persisted before it is relied on (update-record.ts),
// so a power cut resumes, reports the failure, or runs the new image. docs/firmware-update.md tells the whole of it.
//
// AQ-7 Yes: the download runs during a transaction; C-43 No: the installation waits until no transaction runs
// (InstallScheduled meanwhile), and C-20 No: the connectors not in use are Unavailable while it waits
// (holdsConnectors(), TC_L_15_CS). C-60 Yes: a new UpdateFirmware cancels one not yet installing
// (AcceptedCanceled, TC_L_10_CS).
import {
  Tape, RpcError, Action, actionRequestType, UpdateFirmwareRequest, UpdateFirmwareResponse, UpdateFirmwareStatusEnumType,
  FirmwareType, FirmwareStatusNotificationRequest, FirmwareStatusEnumType, StatusInfoType,
} from "../ocpp";
import { Block } from "../core/block";
import { Context } from "../core/context";
import { Session } from "../core/session";
import { SecurityEventType } from "../core/security-log";
import { HttpClient, HttpSink, HttpListener, HTTP_OK, parseHttpUrl, HttpTarget } from "../http";
import {
  clock_wall_ms, system_reboot, fw_slot_begin, fw_slot_write, fw_slot_end, fw_slot_verify, fw_slot_install,
  fw_slot_confirm, fw_slot_state,
} from "../host/abi";
import { parseDateTime } from "../util/datetime";
import { base64Decode } from "../util/base64";
import { logInfo, logWarn } from "../util/log";
import { UpdateRecord, Phase, LOCATION_MAX, CERT_MAX, SIGNATURE_MAX, STATUS_QUEUE_MAX } from "./update-record";
import { checkSigningCertificate, CERT_OK, CERT_NOT_A_CERTIFICATE } from "./signing-cert";

/** When the request gives no retries / retryInterval (L01 leaves them to the station). */
const DEFAULT_RETRIES: i32 = 3;
const DEFAULT_RETRY_INTERVAL_S: i32 = 60;
/** The download's idle time-out: nothing received for this long fails the attempt. */
const DOWNLOAD_TIMEOUT_MS: i64 = 60_000;
/** After InstallRebooting: the reboot waits for the queued notifications at most this long (offline). */
const REBOOT_WAIT_MS: i64 = 30_000;
/** Notifications waiting to be sent (a burst: Downloaded, SignatureVerified, InstallScheduled, ...); the running
 *  update's are also saved in its record until the CSMS acknowledges them, so a power cut loses none. */
const QUEUE_MAX: i32 = STATUS_QUEUE_MAX;
/** fw_slot_state(). */
const SLOT_PERMANENT: i32 = 0;
const SLOT_TRIAL: i32 = 1;
const SLOT_REVERTED: i32 = 2;

/** The download's body, straight into the inactive slot. */
class SlotSink extends HttpSink {
  offset: i32 = 0;
  onBody(ptr: usize, len: i32): bool {
    const n = fw_slot_write(this.offset, ptr, len);
    if (n != len) { logWarn("firmware: slot write failed (" + n.toString() + ")"); return false; }
    this.offset += len;
    return true;
  }
}

class DownloadListener extends HttpListener {
  constructor(private fw: Firmware) { super(); }
  onDone(result: i32, status: i32): void { this.fw.onDownloadDone(result, status); }
}

export class Firmware extends Block {
  readonly http: HttpClient = new HttpClient(new DownloadListener(this));
  private readonly sink: SlotSink = new SlotSink();
  private readonly rec: UpdateRecord = new UpdateRecord();
  /** Statuses to send, oldest first: status | requestId << 8 (requestId ≥ 0). */
  private readonly queue: StaticArray<i64> = new StaticArray<i64>(QUEUE_MAX);
  private queued: i32 = 0;
  /** The call in flight: 1 the queue's head, 2 a triggered status, 0 none. */
  private inFlight: i32 = 0;
  /** The last status reported of the running update (the trigger's answer while one runs). */
  private current: i32 = FirmwareStatusEnumType.Idle;
  /** The running image is on trial (fw_slot_state 1 at boot): it confirms itself once the boot is accepted. */
  private onTrial: bool = false;
  private rebootBy: i64 = i64.MAX_VALUE;
  /** This instance started the installation: the connectors stay Unavailable until the reboot. */
  private installing: bool = false;

  /** listing: CERT_LIST_CAPACITY bytes of scratch for the signing certificate's check (signing-cert.ts), or 0. */
  constructor(private ctx: Context, private session: Session, private listing: usize = 0) { super(); }

  // ---- boot ------------------------------------------------------------------------------------------------

  /** At init: the stored update resumes. True when this boot is the update's (BootNotification FirmwareUpdate). */
  load(): bool {
    const slot = fw_slot_state();
    this.onTrial = slot == SLOT_TRIAL;
    if (!this.rec.load()) return this.onTrial || slot == SLOT_REVERTED;
    const r = this.rec;
    const p = r.phase;
    // The statuses the last boot queued and the CSMS had not acknowledged go first, in their order.
    for (let i = 0, n = r.queued; i < n; i++) this.enqueue(r.queuedAt(i), false);
    this.current = FirmwareStatusEnumType.Idle;
    if (p == Phase.DownloadWait || p == Phase.Downloading) {
      // The download starts again from the start (the slot is erased by fw_slot_begin); Downloading is reported again.
      // Saved only when that changes the record: a save reads the stored texts back (update-record.ts).
      if (p == Phase.Downloading || r.announced) {
        r.phase = Phase.DownloadWait;
        r.announced = false;
        r.save();
      }
    } else if (p == Phase.Installing || p == Phase.Rebooting || p == Phase.Confirmed) {
      if (slot == SLOT_REVERTED) this.fail(FirmwareStatusEnumType.InstallationFailed);
      else if (slot == SLOT_PERMANENT && p == Phase.Installing) { r.phase = Phase.InstallWait; r.save(); }   // cut before the install took
      else if (slot == SLOT_PERMANENT && p == Phase.Rebooting) this.fail(FirmwareStatusEnumType.InstallationFailed);
      else if (slot == SLOT_PERMANENT) this.enqueueOnce(FirmwareStatusEnumType.Installed);   // confirmed before the cut
      else if (slot == SLOT_TRIAL && p == Phase.Installing) {
        // The install took and the cut came before InstallRebooting was saved: the reboot it announces happened;
        // it is reported now, before Installed, not lost (tests/update-cuts.test.js).
        r.phase = Phase.Rebooting;
        this.enqueueOnce(FirmwareStatusEnumType.InstallRebooting);
      }
      return true;
    }
    // A final status the CSMS has not acknowledged; the boot is the update's only when it follows the revert.
    if (p == Phase.Failed) { this.enqueueOnce(r.report); return slot == SLOT_REVERTED; }
    // What a trigger reports until the next status.
    this.current = p == Phase.DownloadWait ? FirmwareStatusEnumType.DownloadScheduled
      : p == Phase.Downloaded ? FirmwareStatusEnumType.Downloaded : FirmwareStatusEnumType.SignatureVerified;
    logInfo("firmware: update " + r.requestId.toString() + " resumes (phase " + p.toString() + ")");
    return slot == SLOT_REVERTED;
  }

  /** The boot was accepted: a trial image confirms itself and reports Installed (L01.FR.09..); a reverted one
   *  acknowledges the revert. */
  onBootAccepted(): void {
    const slot = fw_slot_state();
    if (slot == SLOT_TRIAL) {
      const updating = this.rec.active;
      if (updating) { this.rec.phase = Phase.Confirmed; this.rec.save(); }
      // A cut from here to the Installed's save is repaired at boot (Confirmed on a permanent slot: Installed).
      const rc = fw_slot_confirm();
      this.onTrial = false;
      if (rc != 0) {
        // The host could not make the image permanent: it reverts at the next boot (or at the trial's deadline),
        // and that boot reports InstallationFailed (Rebooting on a reverted slot). Nothing is claimed meanwhile.
        logWarn("firmware: the new image could not confirm itself (" + rc.toString() + ")");
        if (updating) { this.rec.phase = Phase.Rebooting; this.rec.save(); }
        return;
      }
      logInfo("firmware: new image confirmed");
      this.ctx.securityLog.raise(SecurityEventType.FirmwareUpdated);
      if (updating) this.enqueueOnce(FirmwareStatusEnumType.Installed);
    } else if (slot == SLOT_REVERTED) {
      logWarn("firmware: the new image failed its trial; the previous one runs");
      fw_slot_confirm();
    }
  }

  // ---- UpdateFirmware ----------------------------------------------------------------------------------------

  handleCall(action: i32, req: Tape, resp: Tape): i32 {
    const root = req.root;
    const fw = req.getObject(root, UpdateFirmwareRequest.firmware);
    let status = UpdateFirmwareStatusEnumType.Accepted;
    let reason = "";
    const locLen = req.getStrLen(fw, FirmwareType.location);
    const certLen = req.getStrLen(fw, FirmwareType.signingCertificate);
    const sigLen = req.getStrLen(fw, FirmwareType.signature);
    // Wall-clock ms; an absent installDateTime is "at once" (0). The schema checked the format; whatever did not
    // parse counts as past rather than as a time arithmetic could overflow on (wasm3 computes i64 in C).
    const retrieveAt = max<i64>(parseDateTime(req.getStrPtr(fw, FirmwareType.retrieveDateTime), req.getStrLen(fw, FirmwareType.retrieveDateTime)), 0);
    const installAt = req.has(fw, FirmwareType.installDateTime)
      ? max<i64>(parseDateTime(req.getStrPtr(fw, FirmwareType.installDateTime), req.getStrLen(fw, FirmwareType.installDateTime)), 0) : 0;
    const p = this.rec.phase;
    // Secure update only (TC_L_18_CS): no certificate or no signature is Rejected.
    if (certLen <= 0 || sigLen <= 0) { status = UpdateFirmwareStatusEnumType.Rejected; reason = "MissingSignature"; }
    else if (locLen <= 0 || locLen > LOCATION_MAX || parseHttpUrl(req.getString(fw, FirmwareType.location), new HttpTarget()) != 0) {
      status = UpdateFirmwareStatusEnumType.Rejected; reason = "UnsupportedProtocol";   // ORS-24: http, https
    } else if (certLen > CERT_MAX) { status = UpdateFirmwareStatusEnumType.InvalidCertificate; }
    else if (p == Phase.Installing || p == Phase.Rebooting) { status = UpdateFirmwareStatusEnumType.Rejected; reason = "InstallInProgress"; }
    else {
      const c = checkSigningCertificate(req.getStrPtr(fw, FirmwareType.signingCertificate), certLen, this.listing);
      if (c != CERT_OK) {
        // L01.FR.02, TC_L_05_CS: refused at once, with the security event.
        status = UpdateFirmwareStatusEnumType.InvalidCertificate;
        logWarn("firmware: signing certificate refused (" + c.toString() + ")");
        this.ctx.securityLog.raise(SecurityEventType.InvalidFirmwareSigningCertificate, c == CERT_NOT_A_CERTIFICATE ? "not a certificate" : "not trusted");
      }
    }
    if (status == UpdateFirmwareStatusEnumType.Accepted) {
      const running = p >= Phase.DownloadWait && p <= Phase.InstallWait;
      if (!this.start(req, fw, retrieveAt, installAt)) {
        status = UpdateFirmwareStatusEnumType.Rejected;
        reason = "InvalidSignature";
      } else if (running) status = UpdateFirmwareStatusEnumType.AcceptedCanceled;   // C-60, L01.FR.24, TC_L_10_CS
    }
    resp.setEnum(resp.root, UpdateFirmwareResponse.status, status);
    if (reason.length > 0) resp.setString(resp.newObject(resp.root, UpdateFirmwareResponse.statusInfo), StatusInfoType.reasonCode, reason);
    return RpcError.None;
  }

  /** A new update replaces the one running (if any); false when the signature is not base64 (nothing changed). */
  private start(req: Tape, fw: i32, retrieveAt: i64, installAt: i64): bool {
    const sig = heap.alloc(<usize>SIGNATURE_MAX);
    const n = base64Decode(req.getStrPtr(fw, FirmwareType.signature), req.getStrLen(fw, FirmwareType.signature), sig, SIGNATURE_MAX);
    if (n <= 0) { heap.free(sig); return false; }
    if (this.http.state != 0) this.http.cancel();
    // The old update's statuses not yet sent are dropped: from here on the notifications carry the new requestId.
    this.queued = this.inFlight == 1 ? 1 : 0;
    const r = this.rec;
    const root = req.root;
    const locLen = req.getStrLen(fw, FirmwareType.location), certLen = req.getStrLen(fw, FirmwareType.signingCertificate);
    r.open(locLen, certLen);
    r.setTexts(req.getStrPtr(fw, FirmwareType.location), locLen, req.getStrPtr(fw, FirmwareType.signingCertificate), certLen);
    memory.copy(r.sigDest, sig, <usize>n);
    r.setSigLen(n);
    heap.free(sig);
    r.requestId = <i32>req.getInt(root, UpdateFirmwareRequest.requestId);
    r.retriesLeft = req.has(root, UpdateFirmwareRequest.retries) ? <i32>req.getInt(root, UpdateFirmwareRequest.retries) : DEFAULT_RETRIES;
    r.retryIntervalS = req.has(root, UpdateFirmwareRequest.retryInterval) ? <i32>req.getInt(root, UpdateFirmwareRequest.retryInterval) : DEFAULT_RETRY_INTERVAL_S;
    r.retrieveAt = retrieveAt;
    r.installAt = installAt;
    r.phase = Phase.DownloadWait;
    logInfo("firmware: update " + r.requestId.toString() + " from " + r.location);
    // L01.FR.. : a retrieveDateTime in the future is reported DownloadScheduled (TC_L_03_CS); saved with the phase.
    if (retrieveAt > clock_wall_ms()) this.enqueue(FirmwareStatusEnumType.DownloadScheduled);
    else this.persist();
    return true;
  }

  // ---- the phases ---------------------------------------------------------------------------------------------

  nextWakeup(): i64 {
    let t = i64.MAX_VALUE;
    const w = this.http.nextWakeup(this.ctx.now);
    if (w >= 0) t = w;
    const p = this.rec.phase;
    if (p == Phase.DownloadWait) t = min(t, this.due(this.rec.retrieveAt));
    else if (p == Phase.Downloaded) t = this.ctx.now;
    else if (p == Phase.InstallWait && !this.session.rec.active && this.queued == 0) t = min(t, this.due(this.rec.installAt));
    else if (p == Phase.Rebooting && this.installing) t = min(t, this.queued == 0 ? this.ctx.now : this.rebootBy);
    return t;
  }

  /** The station's clock (monotonic) when the wall clock reaches `wallMs`. */
  private due(wallMs: i64): i64 {
    const wall = clock_wall_ms();
    return wallMs <= wall ? this.ctx.now : this.ctx.now + (wallMs - wall);
  }

  tick(): void {
    const now = this.ctx.now;
    this.http.tick(now);
    const r = this.rec;
    const p = r.phase;
    if (p == Phase.DownloadWait && clock_wall_ms() >= r.retrieveAt) this.download();
    else if (p == Phase.Downloaded) this.verify();
    else if (this.installDue() && !this.session.rec.active) this.install();
    else if (p == Phase.Rebooting && this.installing && (this.queued == 0 || now >= this.rebootBy)) {
      logInfo("firmware: rebooting into the new image");
      this.rebootBy = i64.MAX_VALUE;
      system_reboot(1);
    }
  }

  private download(): void {
    const r = this.rec;
    r.phase = Phase.Downloading;
    if (!r.announced) { r.announced = true; this.enqueue(FirmwareStatusEnumType.Downloading); }
    else r.save();
    const b = fw_slot_begin(0);
    if (b < 0) { logWarn("firmware: no slot to write (" + b.toString() + ")"); this.attemptFailed(); return; }
    this.sink.offset = 0;
    const rc = this.http.start("GET", r.location, null, "", this.sink, this.ctx.config.securityProfile, DOWNLOAD_TIMEOUT_MS, this.ctx.now);
    if (rc != 0) { logWarn("firmware: download not started (" + rc.toString() + ")"); this.attemptFailed(); }
  }

  /** The HTTP client's end of the download. */
  onDownloadDone(result: i32, status: i32): void {
    if (this.rec.phase != Phase.Downloading) return;
    if (result != HTTP_OK) {
      logWarn("firmware: download failed (" + result.toString() + ", HTTP " + status.toString() + ")");
      this.attemptFailed();
      return;
    }
    const total = fw_slot_end();
    if (total < 0) { logWarn("firmware: slot not completed (" + total.toString() + ")"); this.attemptFailed(); return; }
    logInfo("firmware: downloaded " + total.toString() + " bytes");
    this.rec.phase = Phase.Downloaded;
    this.enqueue(FirmwareStatusEnumType.Downloaded);
  }

  /** L01.FR.. : retries times more, retryInterval seconds apart, then DownloadFailed (TC_L_07_CS). */
  private attemptFailed(): void {
    const r = this.rec;
    if (r.retriesLeft > 0) {
      r.retriesLeft = r.retriesLeft - 1;
      r.retrieveAt = clock_wall_ms() + <i64>max(r.retryIntervalS, 0) * 1000;
      r.phase = Phase.DownloadWait;
      r.save();
      return;
    }
    this.finish(FirmwareStatusEnumType.DownloadFailed);
  }

  private verify(): void {
    const r = this.rec;
    // The certificate and signature are read from the stored record for the check only (update-record.ts).
    const whole = r.texts();
    if (whole == 0) {
      logWarn("firmware: the update record could not be read back");
      this.finish(FirmwareStatusEnumType.InstallVerificationFailed);
      return;
    }
    const v = fw_slot_verify(r.certPtr(whole), r.certLen, r.sigPtr(whole), r.sigLen);
    r.release(whole);
    if (v == 1) {
      r.phase = Phase.InstallWait;
      this.enqueue(FirmwareStatusEnumType.SignatureVerified, false);
      // InstallScheduled: installDateTime in the future (TC_L_02_CS), or a transaction to wait for (TC_L_15_CS note).
      if (r.installAt > clock_wall_ms() || this.session.rec.active) this.enqueue(FirmwareStatusEnumType.InstallScheduled, false);
      this.persist();
    } else if (v == 0) {
      // L01.FR.03, TC_L_06_CS.
      this.ctx.securityLog.raise(SecurityEventType.InvalidFirmwareSignature);
      this.finish(FirmwareStatusEnumType.InvalidSignature);
    } else if (v == -2 || v == -3) {
      // FirmwareStatusEnumType has no InvalidCertificate: the signature cannot be trusted.
      this.ctx.securityLog.raise(SecurityEventType.InvalidFirmwareSigningCertificate, "at verification");
      this.finish(FirmwareStatusEnumType.InvalidSignature);
    } else {
      logWarn("firmware: the slot holds no complete image (" + v.toString() + ")");
      this.finish(FirmwareStatusEnumType.InstallVerificationFailed);
    }
  }

  private install(): void {
    const r = this.rec;
    this.installing = true;
    r.phase = Phase.Installing;
    this.enqueue(FirmwareStatusEnumType.Installing);
    const rc = fw_slot_install();
    if (rc < 0) {
      logWarn("firmware: install refused (" + rc.toString() + ")");
      this.finish(rc == -1 ? FirmwareStatusEnumType.InstallVerificationFailed : FirmwareStatusEnumType.InstallationFailed);
      return;
    }
    // The new image boots on trial at the next boot, whatever its cause; the station reboots for it once the
    // statuses are out (RebootBeforeFirmwareActivation).
    r.phase = Phase.Rebooting;
    this.enqueue(FirmwareStatusEnumType.InstallRebooting);
    this.rebootBy = this.ctx.now + REBOOT_WAIT_MS;
  }

  /** The update ends now with a final status, kept (phase Failed) until the CSMS has it; nothing else resumes. */
  private finish(status: i32): void {
    this.installing = false;
    this.fail(status);
    this.current = FirmwareStatusEnumType.Idle;
  }

  /** A final status to report, kept until the CSMS has it (also across a power cut). */
  private fail(status: i32): void {
    this.rec.phase = Phase.Failed;
    this.rec.report = status;
    this.enqueueOnce(status);
  }

  /** The connectors not in a transaction are Unavailable: the installation is due (its time has come and the
   *  statuses before it are out, so the connectors' reports follow SignatureVerified / InstallScheduled). */
  holdsConnectors(): bool { return this.installing || this.installDue(); }

  private installDue(): bool {
    return this.rec.phase == Phase.InstallWait && this.queued == 0 && clock_wall_ms() >= this.rec.installAt;
  }

  /** The given stream is the download's. */
  owns(handle: i32): bool { return handle > 0 && handle == this.http.getHandle(); }

  // ---- FirmwareStatusNotification ----------------------------------------------------------------------------

  /** Queues a status of the running update; `save` writes it into the record with the phase set before it (one
   *  atomic write), so the phase and its status are never apart after a power cut. */
  private enqueue(status: i32, save: bool = true): void {
    const id = this.rec.active ? this.rec.requestId : -1;
    if (this.queued == QUEUE_MAX) {
      // Never more than a handful are due; the oldest not in flight makes room.
      const from = this.inFlight == 1 ? 1 : 0;
      for (let i = from; i + 1 < this.queued; i++) this.queue[i] = this.queue[i + 1];
      this.queued--;
    }
    this.queue[this.queued++] = <i64>status | (<i64>id << 8);
    this.current = status;
    if (save) this.persist();
  }

  /** Queues a status unless the running update's queue holds it already (a boot repeats what a phase implies). */
  private enqueueOnce(status: i32): void {
    const entry = <i64>status | (<i64>this.rec.requestId << 8);
    for (let i = 0; i < this.queued; i++) if (this.queue[i] == entry) { this.persist(); return; }
    this.enqueue(status);
  }

  /** Saves the record with the running update's statuses not yet acknowledged. */
  private persist(): void {
    const r = this.rec;
    if (!r.active) return;
    let n = 0;
    for (let i = 0; i < this.queued; i++) {
      const e = this.queue[i];
      if (<i32>(e >> 8) == r.requestId) r.setQueuedAt(n++, <i32>(e & 0xff));
    }
    r.setQueued(n);
    r.save();
  }

  nextCall(req: Tape): i32 {
    if (this.inFlight != 0) return -1;
    if (this.queued > 0) {
      const e = this.queue[0];
      this.build(req, <i32>(e & 0xff), <i32>(e >> 8));
      this.inFlight = 1;
      return Action.FirmwareStatusNotification;
    }
    return -1;
  }

  /** TriggerMessage(FirmwareStatusNotification), F06/L01.FR.26, TC_F_19_CS: the current status built into req
   *  (Idle when no update runs), asked for in remote control's turn through the station. */
  triggeredCall(req: Tape): i32 {
    const busy = this.rec.active && this.rec.phase != Phase.Failed && this.rec.phase != Phase.Confirmed;
    const status = busy ? this.current : FirmwareStatusEnumType.Idle;
    this.build(req, status, busy && status != FirmwareStatusEnumType.Idle ? this.rec.requestId : -1);
    this.inFlight = 2;
    return Action.FirmwareStatusNotification;
  }

  private build(req: Tape, status: i32, requestId: i32): void {
    const root = req.newRoot(actionRequestType(Action.FirmwareStatusNotification));
    req.setEnum(root, FirmwareStatusNotificationRequest.status, status);
    // L01.FR.20: the requestId of the update the status belongs to.
    if (requestId >= 0) req.setInt(root, FirmwareStatusNotificationRequest.requestId, requestId);
  }

  onCallResult(action: i32, resp: Tape): void { this.sent(); }

  /** A CALLERROR drops the notification; no answer keeps it for the next turn. */
  onCallFailed(action: i32, failure: i32): void {
    if (failure > 0) this.sent();
    else this.inFlight = 0;
  }

  private sent(): void {
    if (this.inFlight == 1 && this.queued > 0) {
      const status = <i32>(this.queue[0] & 0xff);
      for (let i = 0; i + 1 < this.queued; i++) this.queue[i] = this.queue[i + 1];
      this.queued--;
      // The reports a boot left (Installed, a failure) end the update once the CSMS has them.
      const p = this.rec.phase;
      if ((p == Phase.Confirmed && status == FirmwareStatusEnumType.Installed) || (p == Phase.Failed && status == this.rec.report)) {
        this.rec.close();
        this.current = FirmwareStatusEnumType.Idle;
      } else this.persist();
    }
    this.inFlight = 0;
  }
}
