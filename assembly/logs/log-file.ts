// The file a GetLog uploads, produced piece by piece as the HTTP client sends it (never held whole in RAM): the
// log's records (a stored batch of diagnostics lines, one security event) in order, each with only the lines whose
// timestamp lies within log.oldestTimestamp .. log.latestTimestamp (N01.FR.. : both optional). Content-Length must
// be known before the first byte, so the constructor renders every record once to count; a record that changed in
// between (the ring wrapped, the security log dropped its oldest event) fails the upload rather than send a file
// of another length.
import { HttpSource } from "../http";
import { parseDateTime } from "../util/datetime";
import { kvGet } from "../util/kv";
import { SecurityLog } from "../core/security-log";
import { DIAG_LOG_CHUNK, DIAG_LOG_CHUNKS } from "../core/limits";
import { CHUNK_HEADER, chunkKey } from "./diagnostics-log";

/** Room for one rendered record. */
export const RECORD_CAPACITY: i32 = CHUNK_HEADER + DIAG_LOG_CHUNK;

/** The time window of a request (epoch ms, inclusive; i64.MIN_VALUE / MAX_VALUE when open). */
export class TimeWindow {
  oldest: i64 = i64.MIN_VALUE;
  latest: i64 = i64.MAX_VALUE;
}

/** A log as a sequence of records. */
export class LogRecords {
  count(): i32 { return 0; }
  /** Record i's lines ("...\n" each) within the window, written to out (RECORD_CAPACITY bytes): their length,
   *  or -1 when the record is no longer what it was. */
  render(i: i32, out: usize, w: TimeWindow): i32 { return -1; }
}

/** Keeps the lines of buf[0, len) whose timestamp (24 bytes after the line's first `skip` spaces) lies in the
 *  window; compacts them to the front. Their length. */
function filterLines(buf: usize, len: i32, skip: i32, w: TimeWindow): i32 {
  let out = 0, start = 0;
  while (start < len) {
    let end = start;
    while (end < len && load<u8>(buf + <usize>end) != 0x0a) end++;
    const lineEnd = end < len ? end + 1 : end;
    let ts = start;
    for (let k = 0; k < skip; k++) {
      while (ts < end && load<u8>(buf + <usize>ts) != 0x20) ts++;
      ts++;
    }
    const t = ts + 24 <= end ? parseDateTime(buf + <usize>ts, 24) : i64.MIN_VALUE;
    if (t != i64.MIN_VALUE && t >= w.oldest && t <= w.latest) {
      const n = lineEnd - start;
      if (out != start) memory.copy(buf + <usize>out, buf + <usize>start, <usize>n);
      out += n;
    }
    start = lineEnd;
  }
  return out;
}

/** The diagnostics ring's stored batches first .. last (sequence numbers), as sealed when the upload began. */
export class DiagnosticsRecords extends LogRecords {
  private first: u32;
  constructor(private last: u32) {
    super();
    // A full ring: the oldest slot is the one the next batch (sealed while this upload runs) reuses, so the file
    // starts one batch later and never reads a slot that changes under it.
    this.first = last >= <u32>DIAG_LOG_CHUNKS ? last - <u32>DIAG_LOG_CHUNKS + 2 : 1;
  }
  count(): i32 { return this.last >= this.first ? <i32>(this.last - this.first + 1) : 0; }
  render(i: i32, out: usize, w: TimeWindow): i32 {
    const seq = this.first + <u32>i;
    const n = kvGet(chunkKey(seq), out, RECORD_CAPACITY);
    if (n < 0) return 0;   // never written (a batch lost to a power cut): nothing
    if (n < CHUNK_HEADER || n > RECORD_CAPACITY) return -1;
    if (load<u32>(out) != seq) return -1;   // overwritten since
    memory.copy(out, out + <usize>CHUNK_HEADER, <usize>(n - CHUNK_HEADER));
    return filterLines(out, n - CHUNK_HEADER, 0, w);
  }
}

/** The security log's events (core/security-log.ts), one record each, by their sequence numbers at the start. */
export class SecurityRecords extends LogRecords {
  private firstSeq: i64 = -1;
  private entries: i32;
  constructor(private log: SecurityLog) {
    super();
    this.entries = log.entries();
    this.firstSeq = this.seqAt(0);
  }
  count(): i32 { return this.firstSeq < 0 ? 0 : this.entries; }
  render(i: i32, out: usize, w: TimeWindow): i32 {
    // Events are numbered one by one: the entry of sequence number firstSeq + i is that far from today's oldest.
    const now0 = this.seqAt(0);
    if (now0 < 0) return -1;
    const index = <i32>(this.firstSeq + <i64>i - now0);
    const n = this.log.line(index, out, RECORD_CAPACITY - 1);
    if (n < 0 || seqOf(out, n) != this.firstSeq + <i64>i) return -1;
    for (let k = 0; k < n; k++) {   // one line per event, whatever its techInfo holds
      const c = load<u8>(out + <usize>k);
      if (c == 0x0a || c == 0x0d) store<u8>(out + <usize>k, 0x20);
    }
    store<u8>(out + <usize>n, 0x0a);
    return filterLines(out, n + 1, 1, w);
  }
  private seqAt(index: i32): i64 {
    const tmp = memory.data(256);
    const n = this.log.line(index, tmp, 256);
    return n < 0 ? -1 : seqOf(tmp, n);
  }
}

/** The decimal number a security-log line starts with, or -1. */
function seqOf(p: usize, len: i32): i64 {
  let v: i64 = 0, i = 0;
  while (i < len) {
    const c = <i32>load<u8>(p + <usize>i) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    i++;
  }
  return i > 0 ? v : -1;
}

/** The upload's body: the records within the window, rendered one at a time into a buffer of RECORD_CAPACITY. */
export class LogFileSource extends HttpSource {
  private total: i64 = 0;
  private record: i32 = 0;
  private buf: usize = heap.alloc(<usize>RECORD_CAPACITY);
  private bufLen: i32 = 0;
  private bufPos: i32 = 0;
  private failed: bool = false;

  constructor(private records: LogRecords, private window: TimeWindow) {
    super();
    const n = records.count();
    for (let i = 0; i < n; i++) {
      const r = records.render(i, this.buf, window);
      if (r < 0) { this.failed = true; break; }
      this.total += r;
    }
  }

  /** Frees the buffer (the source is not used again). */
  dispose(): void {
    if (this.buf != 0) heap.free(this.buf);
    this.buf = 0;
  }

  length(): i64 { return this.failed ? -1 : this.total; }

  read(ptr: usize, cap: i32): i32 {
    if (this.buf == 0) return -1;
    let done = 0;
    while (done < cap) {
      if (this.bufPos == this.bufLen) {
        if (this.record >= this.records.count()) break;
        const r = this.records.render(this.record++, this.buf, this.window);
        if (r < 0) return -1;
        this.bufLen = r;
        this.bufPos = 0;
        continue;
      }
      const n = min(cap - done, this.bufLen - this.bufPos);
      memory.copy(ptr + <usize>done, this.buf + <usize>this.bufPos, <usize>n);
      this.bufPos += n;
      done += n;
    }
    return done;
  }

  rewind(): bool {
    this.record = 0;
    this.bufLen = 0;
    this.bufPos = 0;
    return this.buf != 0;
  }
}
