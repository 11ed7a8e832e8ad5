// The state of the EVSE's transaction that must survive a power cut (E.. power-loss rules): kept under
// "tx.1" and, with every queued event, as a snapshot in the queue entry; at boot the newer of the two
// (by version) wins, so seqNo stays contiguous whichever write a power cut interrupted.
import { ByteWriter, ByteReader } from "../util/bytes";
import { kvGet, kvPut } from "../util/kv";

const RECORD_KEY = "tx.1";
const FORMAT: i32 = 1;
export const RECORD_MAX: i32 = 512;
/** save()'s writer, reused: a record is saved with every transaction event. */
const SAVE_WRITER = new ByteWriter(0, 0);

export class TxRecord {
  version: i64 = 0;
  active: bool = false;
  id: string = "";
  seqNo: i32 = 0;                 // the next event's seqNo
  connector: i32 = 0;
  idToken: string = "";
  idTokenType: i32 = -1;          // IdTokenEnumType, -1 = none
  groupId: string = "";
  authorized: bool = false;
  remoteStartId: i32 = -1;
  chargingState: i32 = -1;        // last reported ChargingStateEnumType
  stoppedReason: i32 = -1;        // ReasonEnumType decided before the end (e.g. Local while still plugged)
  startedAtMs: i64 = 0;           // wall clock
  lastEnergyWh: f64 = NaN;        // last meter reading put into an event (for the PowerLoss end)

  clear(): void {
    this.active = false; this.id = ""; this.seqNo = 0; this.connector = 0; this.idToken = "";
    this.idTokenType = -1; this.groupId = ""; this.authorized = false; this.remoteStartId = -1;
    this.chargingState = -1; this.stoppedReason = -1; this.startedAtMs = 0; this.lastEnergyWh = NaN;
  }

  write(w: ByteWriter): void {
    w.u8(FORMAT); w.i64(this.version); w.u8(this.active ? 1 : 0); w.str(this.id); w.i32(this.seqNo);
    w.i32(this.connector); w.str(this.idToken); w.i32(this.idTokenType); w.str(this.groupId);
    w.u8(this.authorized ? 1 : 0); w.i32(this.remoteStartId); w.i32(this.chargingState); w.i32(this.stoppedReason);
    w.i64(this.startedAtMs); w.i64(isNaN(this.lastEnergyWh) ? -1 : <i64>this.lastEnergyWh);
  }

  /** false if the bytes are not a record of this format (then nothing changes). */
  read(r: ByteReader): bool {
    if (r.u8() != FORMAT) return false;
    const t = new TxRecord();
    t.version = r.i64(); t.active = r.u8() != 0; t.id = r.str(); t.seqNo = r.i32(); t.connector = r.i32();
    t.idToken = r.str(); t.idTokenType = r.i32(); t.groupId = r.str(); t.authorized = r.u8() != 0;
    t.remoteStartId = r.i32(); t.chargingState = r.i32(); t.stoppedReason = r.i32(); t.startedAtMs = r.i64();
    const e = r.i64();
    t.lastEnergyWh = e < 0 ? NaN : <f64>e;
    if (r.bad) return false;
    this.copyFrom(t);
    return true;
  }

  copyFrom(t: TxRecord): void {
    this.version = t.version; this.active = t.active; this.id = t.id; this.seqNo = t.seqNo; this.connector = t.connector;
    this.idToken = t.idToken; this.idTokenType = t.idTokenType; this.groupId = t.groupId; this.authorized = t.authorized;
    this.remoteStartId = t.remoteStartId; this.chargingState = t.chargingState; this.stoppedReason = t.stoppedReason;
    this.startedAtMs = t.startedAtMs; this.lastEnergyWh = t.lastEnergyWh;
  }

  save(buf: usize): i32 {
    const w = SAVE_WRITER.reset(buf, RECORD_MAX);
    this.write(w);
    return kvPut(RECORD_KEY, buf, w.pos);
  }

  load(buf: usize): bool {
    const n = kvGet(RECORD_KEY, buf, RECORD_MAX);
    return n > 0 && this.read(new ByteReader(buf, n));
  }
}
