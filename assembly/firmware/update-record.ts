// The firmware update in progress as it is persisted (kv "fw"), one atomic value written before the station
// relies on a new phase, so a power cut at any instant resumes the update from its last phase (docs/firmware-update.md).
// One buffer holds the record as it is stored: a header, then the location, the signing certificate (PEM) and the
// raw signature bytes. It is allocated while an update runs and freed when none does.
import { kvGet, kvPut, kvDelete } from "../util/kv";

const KEY = "fw";
/** location string[512], signingCertificate string[5500], signature string[800] in base64 (600 bytes raw). */
export const LOCATION_MAX: i32 = 512;
export const CERT_MAX: i32 = 5500;
export const SIGNATURE_MAX: i32 = 600;
const HEADER: i32 = 48;
export const RECORD_MAX: i32 = HEADER + LOCATION_MAX + CERT_MAX + SIGNATURE_MAX;
const VERSION: u8 = 1;
/** kv_get with capacity 0 answers the stored length and copies nothing; a valid address all the same. */
const PROBE: usize = memory.data(4);

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

export class UpdateRecord {
  buf: usize = 0;

  get active(): bool { return this.buf != 0; }

  /** A fresh record (allocated if none is). */
  open(): void {
    if (this.buf == 0) this.buf = heap.alloc(<usize>RECORD_MAX);
    memory.fill(this.buf, 0, <usize>HEADER);
    store<u8>(this.buf + O_VERSION, VERSION);
  }

  /** The stored record, if there is a readable one. The buffer is allocated only when there is one: every boot
   *  asks, and a 6.6 KB block allocated and freed there would set the heap's high-water (issue 17). */
  load(): bool {
    if (kvGet(KEY, PROBE, 0) == -1) {   // none stored: nothing to delete
      if (this.buf != 0) heap.free(this.buf);
      this.buf = 0;
      return false;
    }
    this.open();
    const n = kvGet(KEY, this.buf, RECORD_MAX);
    if (n < HEADER || n > RECORD_MAX || load<u8>(this.buf + O_VERSION) != VERSION ||
        HEADER + this.locLen + this.certLen + this.sigLen != n || this.phase == Phase.Idle) {
      this.close();
      return false;
    }
    return true;
  }

  /** Writes the record (atomic); false when storage failed. */
  save(): bool {
    return kvPut(KEY, this.buf, HEADER + this.locLen + this.certLen + this.sigLen) == 0;
  }

  /** No update any more: the stored record goes, the buffer is freed. */
  close(): void {
    kvDelete(KEY);
    if (this.buf != 0) heap.free(this.buf);
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
  get locPtr(): usize { return this.buf + <usize>HEADER; }
  get certPtr(): usize { return this.locPtr + <usize>this.locLen; }
  get sigPtr(): usize { return this.certPtr + <usize>this.certLen; }
  get location(): string { return String.UTF8.decodeUnsafe(this.locPtr, <usize>this.locLen); }

  /** The request's texts, in this order: location, certificate, then the signature's bytes (set by sigBuffer()). */
  setTexts(loc: usize, locLen: i32, cert: usize, certLen: i32): void {
    store<u16>(this.buf + O_LOC, <u16>locLen);
    store<u16>(this.buf + O_CERT, <u16>certLen);
    store<u16>(this.buf + O_SIG, 0);
    memory.copy(this.locPtr, loc, <usize>locLen);
    memory.copy(this.certPtr, cert, <usize>certLen);
  }
  setSigLen(n: i32): void { store<u16>(this.buf + O_SIG, <u16>n); }
  /** The FirmwareStatusEnumType values still to report, oldest first (saved with the record). */
  get queued(): i32 { return min(<i32>load<u8>(this.buf + O_QUEUED), STATUS_QUEUE_MAX); }
  queuedAt(i: i32): i32 { return <i32>load<u8>(this.buf + O_QUEUE + <usize>i); }
  setQueued(n: i32): void { store<u8>(this.buf + O_QUEUED, <u8>n); }
  setQueuedAt(i: i32, status: i32): void { store<u8>(this.buf + O_QUEUE + <usize>i, <u8>status); }
}
