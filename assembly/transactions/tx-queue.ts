// The persistent FIFO of TransactionEvent requests (E04, E12; principle: persist before you rely on it).
// Entry n lives under key "txq.<n>": [request JSON][transaction record snapshot][u16 snapshot length].
// Only the head index is persisted ("txq.head"); the tail is found at boot by probing forward, so a push
// is one atomic write and a pop is a delete followed by the head update — a power cut between any two
// writes leaves a state that load() repairs (missing entries at the head are skipped).
// The transaction record ("tx.1") is saved at the next pop, not with every push (deferSave): until then the
// newest entry's snapshot holds its state, which the boot takes when it is newer, so the event's own write is
// the only one on its way out (a remote start's answer and its Started wait for one storage write, not two).
// Flash budget: QUEUE_LIMIT entries of at most ENTRY_MAX bytes (typically ~600 B each).
import { kvGet, kvPut, kvGetAt, kvPutAt, kvDeleteAt } from "../util/kv";
import { logWarn } from "../util/log";
import { TxRecord } from "../core/tx-record";

export const ENTRY_MAX: i32 = 6144;
/** Beyond this many queued events, periodic meter-value-only updates are thinned (not queued). */
export const QUEUE_SOFT_LIMIT: i32 = 400;
/** Hard limit: beyond it nothing more is queued (Started/Ended included) and the loss is logged. */
export const QUEUE_LIMIT: i32 = 1000;

export class TxQueue {
  head: i32 = 0;
  tail: i32 = 0;
  private idx: StaticArray<i32> = new StaticArray<i32>(1);
  private unsaved: TxRecord | null = null;
  private scratch: usize = 0;

  count(): i32 { return this.tail - this.head; }

  load(buf: usize): void {
    const p = changetype<usize>(this.idx);
    this.head = kvGet("txq.head", p, 4) == 4 ? max(this.idx[0], 0) : 0;
    // Skip entries popped before the head index was updated, then find the end.
    let probes = 0;
    while (probes < QUEUE_LIMIT + 8 && kvGetAt(KEY, this.head, buf, 2) < 0 && kvGetAt(KEY, this.head + 1, buf, 2) >= 0) {
      this.head++; probes++;
    }
    this.tail = this.head;
    while (this.tail - this.head < QUEUE_LIMIT + 8 && kvGetAt(KEY, this.tail, buf, 2) >= 0) this.tail++;
  }

  /** Persists one entry; 0 ok, < 0 not stored. */
  push(ptr: usize, len: i32): i32 {
    if (this.count() >= QUEUE_LIMIT) { logWarn("txq: full, event lost"); return -1; }
    const rc = kvPutAt(KEY, this.tail, ptr, len);
    if (rc < 0) { logWarn("txq: storage write failed (" + rc.toString() + ")"); return rc; }
    this.tail++;
    return 0;
  }

  /** Reads the head entry into buf; its length, or -1 when empty. */
  peek(buf: usize, cap: i32): i32 {
    while (this.head < this.tail) {
      const n = kvGetAt(KEY, this.head, buf, cap);
      if (n > 0 && n <= cap) return n;
      logWarn("txq: entry " + this.head.toString() + " unreadable, skipped");
      this.pop();
    }
    return -1;
  }

  /** Reads entry k (head <= k < tail); its length or < 0. */
  read(k: i32, buf: usize, cap: i32): i32 { return kvGetAt(KEY, k, buf, cap); }

  /** Reads the newest entry (for recovery at boot); its length or -1. */
  peekLast(buf: usize, cap: i32): i32 {
    if (this.tail == this.head) return -1;
    const n = kvGetAt(KEY, this.tail - 1, buf, cap);
    return n > 0 && n <= cap ? n : -1;
  }

  /** The record's state is in the entry just pushed: its own save waits for the next pop (scratch: a buffer of
   *  RECORD_MAX bytes free at every pop). */
  deferSave(r: TxRecord, scratch: usize): void {
    this.unsaved = r;
    this.scratch = scratch;
  }

  /** Saves a record whose save was deferred: before an entry holding its newest snapshot goes. */
  saveRecord(): void {
    const r = this.unsaved;
    if (r == null) return;
    this.unsaved = null;
    r.save(this.scratch);
  }

  pop(): void {
    if (this.head >= this.tail) return;
    this.saveRecord();
    kvDeleteAt(KEY, this.head);
    this.head++;
    this.idx[0] = this.head;
    kvPut("txq.head", changetype<usize>(this.idx), 4);
  }
}

/** Entry n's key is KEY + n (built without a string: load() probes a thousand of them). */
const KEY = "txq.";
