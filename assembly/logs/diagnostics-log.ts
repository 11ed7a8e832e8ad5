// The diagnostics log (GetLog DiagnosticsLog, N01): the station's own log lines (util/log.ts), kept as a ring in
// host storage. Lines are batched in RAM and written as one value ("dlog.<slot>", the sequence number u32 LE,
// then the lines) when the batch is nearly full (at the next tick) or DIAG_LOG_FLUSH_MS after its first unwritten
// line, so a busy log costs one flash write per KB or per minute. Each value is written whole (kv_put is atomic)
// and carries its own sequence number, so the ring needs no index of its own: the newest value is the one with the
// highest number, and a power cut loses at most the batch not yet written, never a written line. The slot of
// sequence number s is s % DIAG_LOG_CHUNKS: a new batch overwrites the oldest value once the ring is full (16 KB
// at most).
// Line format: "<RFC 3339 UTC timestamp of the wall clock> <LEVEL> <message>\n".
import { LogTap } from "../util/log";
import { K, intValue } from "../core/catalog";
import { kvGet, kvPut } from "../util/kv";
import { formatDateTime } from "../util/datetime";
import { clock_wall_ms } from "../host/abi";
import { Context } from "../core/context";
import { DIAG_LOG_CHUNK, DIAG_LOG_CHUNKS, DIAG_LOG_MESSAGE_MAX, DIAG_LOG_FLUSH_MS } from "../core/limits";

/** Bytes before the lines in a stored value: the sequence number. */
export const CHUNK_HEADER: i32 = 4;
const LEVEL_NAMES: StaticArray<string> = ["ERROR", "WARN", "INFO", "DEBUG"];
/** Room a batch keeps for a usual line (timestamp, level, a message of 120 bytes); with less left it is closed at
 *  the next tick, so a value holds at least DIAG_LOG_CHUNK - DIAG_LOG_HEADROOM bytes of lines. */
const DIAG_LOG_HEADROOM: i32 = 160;

export function chunkKey(seq: u32): string { return "dlog." + (seq % <u32>DIAG_LOG_CHUNKS).toString(); }

export class DiagnosticsLog extends LogTap {
  /** The batch: header and lines, as stored. */
  private batch: usize = heap.alloc(<usize>(CHUNK_HEADER + DIAG_LOG_CHUNK));
  private used: i32 = 0;
  /** The batch's sequence number (1 the first ever). */
  private seq: u32 = 1;
  /** The batch has lines not yet written. */
  private dirty: bool = false;
  private loaded: bool = false;
  private writing: bool = false;
  /** When the batch is written at the latest (station clock; i64.MAX_VALUE: nothing waits). */
  dueAt: i64 = i64.MAX_VALUE;

  constructor(private ctx: Context) { super(); }

  /** Finds the newest stored value: the next batch follows it. Lines logged before keep their place. */
  load(): void {
    const hdr = memory.data(8);
    let newest: u32 = 0;
    for (let i = 0; i < DIAG_LOG_CHUNKS; i++) {
      if (kvGet("dlog." + i.toString(), hdr, CHUNK_HEADER) < CHUNK_HEADER) continue;
      const s = load<u32>(hdr);
      if (s > newest) newest = s;
    }
    this.seq = newest + 1;
    this.loaded = true;
  }

  write(level: i32, ptr: usize, len: i32): void {
    // ChargingStation.DiagnosticsLogLevel: the most verbose level kept (util/log.ts Level); the rest stays on the
    // host's console.
    if (level > intValue(K.DiagnosticsLogLevel) || level < 0 || this.writing) return;
    let n = min(len, DIAG_LOG_MESSAGE_MAX);
    if (n < len) while (n > 0 && (load<u8>(ptr + <usize>n) & 0xC0) == 0x80) n--;   // a whole character
    const name = LEVEL_NAMES[level];
    const lineLen = 24 + 1 + name.length + 1 + n + 1;
    if (this.used + lineLen > DIAG_LOG_CHUNK) {
      if (!this.loaded) return;   // before load() the next slot is unknown: nothing is overwritten blindly
      this.flush();
      this.seq++;
      this.used = 0;
    }
    let p = this.batch + <usize>(CHUNK_HEADER + this.used);
    p += <usize>formatDateTime(clock_wall_ms(), p);
    store<u8>(p++, 0x20);
    for (let i = 0; i < name.length; i++) store<u8>(p++, <u8>name.charCodeAt(i));
    store<u8>(p++, 0x20);
    // One line per message: a line break inside one becomes a space, so every line starts with its timestamp
    // (the time filter reads it, and the upload's multipart boundary can follow only a line's end).
    for (let i = 0; i < n; i++) {
      const c = load<u8>(ptr + <usize>i);
      store<u8>(p++, c == 0x0a || c == 0x0d ? 0x20 : c);
    }
    store<u8>(p, 0x0a);
    this.used += lineLen;
    this.dirty = true;
    if (this.dueAt == i64.MAX_VALUE) this.dueAt = this.ctx.now + DIAG_LOG_FLUSH_MS;
    // Nearly full: written and closed at the next tick rather than by the line that would overflow it, so the
    // batch's storage write does not land in the middle of an event's way out (a remote start's answer and its
    // Started wait for their own write only; docs/bench.md "Issue 17: latency"). A longer line still overflows.
    if (this.used > DIAG_LOG_CHUNK - DIAG_LOG_HEADROOM && this.dueAt > this.ctx.now + 1) this.dueAt = this.ctx.now + 1;
  }

  /** Writes the batch if it has unwritten lines. */
  flush(): void {
    this.dueAt = i64.MAX_VALUE;
    if (!this.dirty || !this.loaded) return;
    store<u32>(this.batch, this.seq);
    this.writing = true;   // a warning logged by the host call would come back here
    kvPut(chunkKey(this.seq), this.batch, CHUNK_HEADER + this.used);
    this.writing = false;
    this.dirty = false;
  }

  tick(): void {
    if (this.ctx.now < this.dueAt) return;
    this.flush();
    if (this.loaded && this.used > DIAG_LOG_CHUNK - DIAG_LOG_HEADROOM) { this.seq++; this.used = 0; }
  }

  /** Writes the batch and closes it, so every stored value up to the returned sequence number stays as it is
   *  while an upload reads it (until the ring wraps). The newest sequence number stored (0: none). */
  seal(): u32 {
    this.flush();
    if (!this.loaded) return 0;
    if (this.used > 0) { this.seq++; this.used = 0; }
    return this.seq - 1;
  }
}
