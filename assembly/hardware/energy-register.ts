// An energy register that never goes backwards, across meter resets, meter swaps and reboots.
// Rule: reported = raw + offset. When raw + offset would fall below the last reported value (the meter
// was reset or replaced, or the station rebooted with a persisted value ahead of the meter), the
// offset is raised so the register continues from the last reported value instead. reported and
// offset are persisted (kv key, 16 bytes: two i64 little-endian) at most every PERSIST_INTERVAL_MS
// while they change, within PERSIST_URGENT_MS after an offset change, and on flush(). After a reboot
// the persisted value is the floor: the register may repeat up to one interval's energy, never less.
import { kv_get, kv_put } from "../host/abi";

export const PERSIST_INTERVAL_MS: i64 = 60000;
export const PERSIST_URGENT_MS: i64 = 5000;

export class EnergyRegister {
  reported: i64 = 0;
  offset: i64 = 0;
  writes: i32 = 0;
  private key: ArrayBuffer;
  private buf: StaticArray<i64> = new StaticArray<i64>(2);
  private dirty: bool = false;
  private urgent: bool = false;
  private persistedAt: i64 = 0;

  constructor(key: string) { this.key = String.UTF8.encode(key); }

  /** Restores the persisted floor; a missing or malformed value starts from zero. */
  load(now: i64): void {
    this.persistedAt = now;
    const b = changetype<usize>(this.buf);
    const n = kv_get(changetype<usize>(this.key), this.key.byteLength, b, 16);
    if (n != 16) return;
    const r = this.buf[0], o = this.buf[1];
    if (r < 0) return;
    this.reported = r;
    this.offset = o;
  }

  /** A raw register reading from the meter (Wh). */
  update(raw: i64, now: i64): void {
    let v = raw + this.offset;
    if (v < this.reported) {
      this.offset = this.reported - raw;
      v = this.reported;
      this.dirty = true;
      this.urgent = true;
    }
    if (v != this.reported) { this.reported = v; this.dirty = true; }
    this.tick(now);
  }

  tick(now: i64): void {
    if (this.dirty && now - this.persistedAt >= (this.urgent ? PERSIST_URGENT_MS : PERSIST_INTERVAL_MS)) this.flush(now);
  }

  nextWakeup(): i64 {
    return this.dirty ? this.persistedAt + (this.urgent ? PERSIST_URGENT_MS : PERSIST_INTERVAL_MS) : i64.MAX_VALUE;
  }

  /** Persists now if anything changed (before a reboot or at the end of a transaction). 0 ok, < 0 kv error. */
  flush(now: i64): i32 {
    if (!this.dirty) return 0;
    this.buf[0] = this.reported;
    this.buf[1] = this.offset;
    const r = kv_put(changetype<usize>(this.key), this.key.byteLength, changetype<usize>(this.buf), 16);
    this.persistedAt = now;
    if (r < 0) return r;   // stays dirty: retried after the interval
    this.dirty = false;
    this.urgent = false;
    this.writes++;
    return 0;
  }
}
