// The diagnostics log's ring (logs/diagnostics-log.ts) and the upload's file (logs/log-file.ts): lines batched
// into values of at most 1 KB, at most 16 values (bounded in entries and bytes), the newest kept; a new instance
// after a power cut goes on after the newest value; the time window; the file's length is what it sends.
import { DiagnosticsLog, CHUNK_HEADER, chunkKey } from "../logs/diagnostics-log";
import { DiagnosticsRecords, LogFileSource, TimeWindow } from "../logs/log-file";
import { Context } from "../core/context";
import { kvGet, kvDelete } from "../util/kv";
import { Level } from "../util/log";
import { DIAG_LOG_CHUNK, DIAG_LOG_CHUNKS, DIAG_LOG_FLUSH_MS } from "../core/limits";
import { K, setTypedValue } from "../core/catalog";

@external("env", "test_set_wall") declare function test_set_wall(ms: i64): void;

const T0: i64 = 1767225600000;   // 2026-01-01T00:00:00.000Z
const BUF: usize = heap.alloc(32768);

function clear(): void { for (let i = 0; i <= DIAG_LOG_CHUNKS; i++) kvDelete("dlog." + i.toString()); }

function fresh(ctx: Context): DiagnosticsLog {
  const log = new DiagnosticsLog(ctx);
  log.load();
  return log;
}

function put(log: DiagnosticsLog, level: i32, msg: string): void {
  const b = String.UTF8.encode(msg);
  log.write(level, changetype<usize>(b), b.byteLength);
}

/** The whole file an upload of the sealed ring would send, within the window. */
function file(log: DiagnosticsLog, w: TimeWindow = new TimeWindow()): string {
  const src = new LogFileSource(new DiagnosticsRecords(log.seal()), w);
  const n = <i32>src.length();
  let got = 0;
  while (got < n) {
    const r = src.read(BUF + <usize>got, min(1024, n - got));
    if (r <= 0) break;
    got += r;
  }
  expect<i32>(got).toBe(n);                    // exactly Content-Length
  expect<i32>(src.read(BUF, 16)).toBe(0);       // and nothing more
  src.dispose();
  return String.UTF8.decodeUnsafe(BUF, <usize>got);
}

function storedValues(): i32 {
  let k = 0;
  for (let i = 0; i < DIAG_LOG_CHUNKS + 1; i++) if (kvGet("dlog." + i.toString(), BUF, 0) >= 0) k++;
  return k;
}

describe("diagnostics log", () => {
  beforeEach(() => { clear(); test_set_wall(T0); setTypedValue(K.DiagnosticsLogLevel, Level.Info); });

  it("writes a batch when it is due, not per line, as timestamped lines at Info and above", () => {
    const ctx = new Context();
    const log = fresh(ctx);
    put(log, Level.Info, "one");
    put(log, Level.Warn, "two");
    put(log, 3, "debug is not kept");
    expect<i32>(storedValues()).toBe(0);
    expect<i64>(log.dueAt).toBe(DIAG_LOG_FLUSH_MS);
    ctx.now = DIAG_LOG_FLUSH_MS;
    log.tick();
    expect<i32>(storedValues()).toBe(1);
    expect<string>(file(log)).toBe("2026-01-01T00:00:00.000Z INFO one\n2026-01-01T00:00:00.000Z WARN two\n");
  });

  it("keeps at most 16 values of at most 1 KB, the newest lines; a new instance goes on after the newest", () => {
    const ctx = new Context();
    let log = fresh(ctx);
    for (let i = 0; i < 2000; i++) put(log, Level.Error, "line " + i.toString() + " " + "x".repeat(40));
    log.flush();
    expect<i32>(storedValues()).toBe(DIAG_LOG_CHUNKS);
    for (let i = 0; i < DIAG_LOG_CHUNKS; i++) expect<bool>(kvGet("dlog." + i.toString(), BUF, 0) <= CHUNK_HEADER + DIAG_LOG_CHUNK).toBe(true);
    let text = file(log);
    expect<bool>(text.length <= DIAG_LOG_CHUNKS * DIAG_LOG_CHUNK).toBe(true);
    expect<bool>(text.endsWith("ERROR line 1999 " + "x".repeat(40) + "\n")).toBe(true);
    expect<bool>(text.includes("line 0 ")).toBe(false);
    // A power cut: what was written stays, the unwritten batch is lost, the next batch follows the newest value.
    put(log, Level.Info, "not written");
    log = fresh(ctx);
    put(log, Level.Info, "after the cut");
    log.flush();
    text = file(log);
    expect<bool>(text.includes("ERROR line 1999 ")).toBe(true);
    expect<bool>(text.includes("not written")).toBe(false);
    expect<bool>(text.endsWith("INFO after the cut\n")).toBe(true);
    expect<i32>(storedValues()).toBe(DIAG_LOG_CHUNKS);
  });

  it("writes and closes a nearly full batch at the next tick, not in the event whose line fills it", () => {
    const ctx = new Context();
    const log = fresh(ctx);
    ctx.now = 5000;
    for (let i = 0; i < 9; i++) put(log, Level.Info, "line " + i.toString() + " " + "x".repeat(60));   // 9 x 100 B
    expect<i32>(storedValues()).toBe(0);
    expect<i64>(log.dueAt).toBe(5001);
    ctx.now = 5001;
    log.tick();
    expect<i32>(storedValues()).toBe(1);
    put(log, Level.Info, "next batch");
    log.flush();
    expect<i32>(storedValues()).toBe(2);
    expect<bool>(file(log).endsWith("INFO line 8 " + "x".repeat(60) + "\n2026-01-01T00:00:00.000Z INFO next batch\n")).toBe(true);
  });

  it("keeps the levels ChargingStation.DiagnosticsLogLevel allows", () => {
    const log = fresh(new Context());
    setTypedValue(K.DiagnosticsLogLevel, Level.Error);
    put(log, Level.Warn, "warn");
    put(log, Level.Error, "error");
    setTypedValue(K.DiagnosticsLogLevel, 3);
    put(log, 3, "debug");
    expect<string>(file(log)).toBe("2026-01-01T00:00:00.000Z ERROR error\n2026-01-01T00:00:00.000Z DEBUG debug\n");
  });

  it("keeps a message on one line", () => {
    const log = fresh(new Context());
    put(log, Level.Info, "a\r\nb\nc");
    expect<string>(file(log)).toBe("2026-01-01T00:00:00.000Z INFO a  b c\n");
  });

  it("cuts a long message at a character boundary", () => {
    const log = fresh(new Context());
    put(log, Level.Info, "a".repeat(199) + "é");
    expect<string>(file(log)).toBe("2026-01-01T00:00:00.000Z INFO " + "a".repeat(199) + "\n");
  });

  it("gives the lines within log.oldestTimestamp .. latestTimestamp", () => {
    const log = fresh(new Context());
    for (let i = 0; i < 5; i++) { test_set_wall(T0 + <i64>i * 1000); put(log, Level.Info, "at " + i.toString()); }
    const w = new TimeWindow();
    w.oldest = T0 + 1000;
    w.latest = T0 + 3000;
    expect<string>(file(log, w)).toBe("2026-01-01T00:00:01.000Z INFO at 1\n2026-01-01T00:00:02.000Z INFO at 2\n2026-01-01T00:00:03.000Z INFO at 3\n");
  });

  it("fails the file when a value it counted was overwritten meanwhile", () => {
    const log = fresh(new Context());
    put(log, Level.Info, "first");
    const src = new LogFileSource(new DiagnosticsRecords(log.seal()), new TimeWindow());
    expect<i64>(src.length()).toBe(36);   // "<24-byte timestamp> INFO first\n"
    for (let i = 0; i < DIAG_LOG_CHUNKS * 40; i++) put(log, Level.Info, "y".repeat(60));   // the ring wraps
    log.flush();
    expect<i32>(src.read(BUF, 1024)).toBe(-1);
    expect<string>(chunkKey(17)).toBe("dlog.1");
  });
});
