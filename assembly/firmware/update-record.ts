// The firmware update in progress as it is persisted (kv "fw"), one atomic value written before the station
// relies on a new phase, so a power cut at any instant resumes the update from its last phase (docs/firmware-update.md).
// The record as it is stored: a header, then the location, the signing certificate (PEM) and the raw signature
// bytes. Only the header is held in RAM (static); the texts are read from storage when they are needed (the
// download's location, the signature check) and for each save, which rewrites the stored value whole with the new
// header (the same single atomic write as before, the stored format unchanged). Between a new update's start and
// its first successful save the whole record is held in a block of its own (issue 17: the 6.6 KB record held while
// an update ran set the heap's high-water).
import { kvGet, kvPut, kvDelete } from "../util/kv";

const KEY = "fw";
/** location string[512], signingCertificate string[5500], signature string[800] in base64 (600 bytes raw). */
export const LOCATION_MAX: i32 = 512;
export const CERT_MAX: i32 = 5500;
export const SIGNATURE_MAX: i32 = 600;
const HEADER: i32 = 48;
export const RECORD_MAX: i32 = HEADER + LOCATION_MAX + CERT_MAX + SIGNATURE_MAX;
const VERSION: u8 = 1;

// Header offsets.
const O_VERSION = 0, O_PHASE = 1, O_REPORT = 2, O_ANNOUNCED = 3, O_REQUEST = 4, O_RETRIES = 8, O_INTERVAL = 12,
  O_RETRIEVE = 16, O_INSTALL = 24, O_LOC = 32, O_CERT = 34, O_SIG = 36, O_QUEUED = 38, O_QUEUE = 39;
/** The statuses of this update not yet acknowledged by the CSMS, kept in the header (firmware.ts). */
export const STATUS_QUEUE_MAX: i32 = 8;

/** The phases of an update; the stored ones are what a boot resumes from. */
export const enum Phase {
  Idle = 0,
  /** Waiting for retrieveDateTime, or for the next attempt after a failed one. */
  DownloadWait = 1,
  Downloading = 2,
  /** The image is complete in the inactive slot; its signature is to be checked. */
  Downloaded = 3,
  /** Verified; waiting for installDateTime and for the transaction to end. */
  InstallWait = 4,
  /** fw_slot_install is (being) called: the next boot is the trial of the new image. */
  Installing = 5,
  /** Installed and InstallRebooting sent: the reboot is due. */
  Rebooting = 6,
  /** The trial boot was accepted and confirmed: Installed is to be reported. */
  Confirmed = 7,
  /** A final status (report) is to be reported after a boot (the trial failed). */
  Failed = 8,
}

/** The header of the running update's record. */
const HDR: usize = memory.data(HEADER);

export class UpdateRecord {
  /** HDR while an update runs, else 0. */
  buf: usize = 0;
  /** The whole record of an update not yet stored, else 0. */
  private unsaved: usize = 0;

  get active(): bool { return this.buf != 0; }

  /** A fresh record of a location and certificate of these lengths and a signature of at most SIGNATURE_MAX bytes,
   *  its texts to be set (setTexts, sigDest/setSigLen) and saved. The block is as long as this record needs. */
  open(locLen: i32, certLen: i32): void {
    this.dropUnsaved();
    this.unsaved = heap.alloc(<usize>(HEADER + locLen + certLen + SIGNATURE_MAX));
    this.buf = HDR;
    memory.fill(HDR, 0, <usize>HEADER);
    store<u8>(HDR + O_VERSION, VERSION);
  }

  /** The stored record's header, if there is a readable record (its texts stay in storage). */
  load(): bool {
    this.dropUnsaved();
    const n = kvGet(KEY, HDR, HEADER);
    if (n == -1) { this.buf = 0; return false; }   // none stored: nothing to delete
    this.buf = HDR;
    if (n < HEADER || n > RECORD_MAX || load<u8>(HDR + O_VERSION) != VERSION ||
        this.length != n || this.phase == Phase.Idle) {
      this.close();
      return false;
    }
    return true;
  }

  /** Length of the record as stored. */
  get length(): i32 { return HEADER + this.locLen + this.certLen + this.sigLen; }

  /** Writes the record (atomic); false when storage failed (an unsaved record is kept for the next save). */
  save(): bool {
    const len = this.length;
    if (this.unsaved != 0) {
      memory.copy(this.unsaved, HDR, <usize>HEADER);
      if (kvPut(KEY, this.unsaved, len) != 0) return false;
      this.dropUnsaved();
      return true;
    }
    const whole = this.readWhole();
    if (whole == 0) return false;
    memory.copy(whole, HDR, <usize>HEADER);
    const ok = kvPut(KEY, whole, len) == 0;
    heap.free(whole);
    return ok;
  }

  /** The whole record (header, location, certificate, signature) in a block of `length` bytes, or 0 when storage
   *  does not hold this record; give it back with release(). */
  texts(): usize {
    return this.unsaved != 0 ? this.unsaved : this.readWhole();
  }
  release(whole: usize): void { if (whole != this.unsaved) heap.free(whole); }
  certPtr(whole: usize): usize { return whole + <usize>HEADER + <usize>this.locLen; }
  sigPtr(whole: usize): usize { return this.certPtr(whole) + <usize>this.certLen; }

  private readWhole(): usize {
    const len = this.length;
    const whole = heap.alloc(<usize>len);
    if (kvGet(KEY, whole, len) != len) { heap.free(whole); return 0; }
    return whole;
  }

  private dropUnsaved(): void {
    if (this.unsaved != 0) heap.free(this.unsaved);
    this.unsaved = 0;
  }

  /** No update any more: the stored record goes. */
  close(): void {
    kvDelete(KEY);
    this.dropUnsaved();
    this.buf = 0;
  }

  get phase(): i32 { return this.buf == 0 ? Phase.Idle : <i32>load<u8>(this.buf + O_PHASE); }
  set phase(p: i32) { store<u8>(this.buf + O_PHASE, <u8>p); }
  /** Failed: the FirmwareStatusEnumType to report. */
  get report(): i32 { return <i32>load<u8>(this.buf + O_REPORT); }
  set report(s: i32) { store<u8>(this.buf + O_REPORT, <u8>s); }
  /** Downloading was reported for this update (retries do not report it again). */
  get announced(): bool { return load<u8>(this.buf + O_ANNOUNCED) != 0; }
  set announced(v: bool) { store<u8>(this.buf + O_ANNOUNCED, v ? 1 : 0); }
  get requestId(): i32 { return load<i32>(this.buf + O_REQUEST); }
  set requestId(v: i32) { store<i32>(this.buf + O_REQUEST, v); }
  get retriesLeft(): i32 { return load<i32>(this.buf + O_RETRIES); }
  set retriesLeft(v: i32) { store<i32>(this.buf + O_RETRIES, v); }
  get retryIntervalS(): i32 { return load<i32>(this.buf + O_INTERVAL); }
  set retryIntervalS(v: i32) { store<i32>(this.buf + O_INTERVAL, v); }
  /** Wall-clock ms: when the (next) download attempt may start. */
  get retrieveAt(): i64 { return load<i64>(this.buf + O_RETRIEVE); }
  set retrieveAt(v: i64) { store<i64>(this.buf + O_RETRIEVE, v); }
  /** Wall-clock ms: when the installation may start. */
  get installAt(): i64 { return load<i64>(this.buf + O_INSTALL); }
  set installAt(v: i64) { store<i64>(this.buf + O_INSTALL, v); }

  get locLen(): i32 { return <i32>load<u16>(this.buf + O_LOC); }
  get certLen(): i32 { return <i32>load<u16>(this.buf + O_CERT); }
  get sigLen(): i32 { return <i32>load<u16>(this.buf + O_SIG); }
  /** The location, read from the stored record (its first bytes) or the unsaved one; "" when storage fails. */
  get location(): string {
    const n = HEADER + this.locLen;
    if (this.unsaved != 0) return String.UTF8.decodeUnsafe(this.unsaved + <usize>HEADER, <usize>this.locLen);
    const head = heap.alloc(<usize>n);
    const got = kvGet(KEY, head, n);
    const loc = got == this.length ? String.UTF8.decodeUnsafe(head + <usize>HEADER, <usize>this.locLen) : "";
    heap.free(head);
    return loc;
  }

  /** A new record's texts (after open()), in this order: location, certificate, then the signature's bytes
   *  (written at sigDest, then setSigLen). */
  setTexts(loc: usize, locLen: i32, cert: usize, certLen: i32): void {
    store<u16>(HDR + O_LOC, <u16>locLen);
    store<u16>(HDR + O_CERT, <u16>certLen);
    store<u16>(HDR + O_SIG, 0);
    memory.copy(this.unsaved + <usize>HEADER, loc, <usize>locLen);
    memory.copy(this.certPtr(this.unsaved), cert, <usize>certLen);
  }
  get sigDest(): usize { return this.sigPtr(this.unsaved); }
  setSigLen(n: i32): void { store<u16>(HDR + O_SIG, <u16>n); }
  /** The FirmwareStatusEnumType values still to report, oldest first (saved with the record). */
  get queued(): i32 { return min(<i32>load<u8>(this.buf + O_QUEUED), STATUS_QUEUE_MAX); }
  queuedAt(i: i32): i32 { return <i32>load<u8>(this.buf + O_QUEUE + <usize>i); }
  setQueued(n: i32): void { store<u8>(this.buf + O_QUEUED, <u8>n); }
  setQueuedAt(i: i32, status: i32): void { store<u8>(this.buf + O_QUEUE + <usize>i, <u8>status); }
}
