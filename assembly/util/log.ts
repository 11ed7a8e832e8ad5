// Logging through the host. Messages are built only on paths that log (not per byte).
import { log_write } from "../host/abi";

export const enum Level { Error = 0, Warn = 1, Info = 2, Debug = 3 }

/** Where the station's own log lines also go (the diagnostics log of GetLog, logs/): the station sets it. */
export class LogTap {
  /** One message (UTF-8, valid only during the call) at `level`. */
  write(level: i32, ptr: usize, len: i32): void {}
}

let tap: LogTap | null = null;
export function setLogTap(t: LogTap | null): void { tap = t; }

export function log(level: i32, msg: string): void {
  const buf = String.UTF8.encode(msg);
  log_write(level, changetype<usize>(buf), buf.byteLength);
  const t = tap;
  if (t != null) t.write(level, changetype<usize>(buf), buf.byteLength);
}
export function logError(msg: string): void { log(Level.Error, msg); }
export function logWarn(msg: string): void { log(Level.Warn, msg); }
export function logInfo(msg: string): void { log(Level.Info, msg); }

/** A UTF-8 byte range as a string, for log messages and non-hot comparisons. */
export function bytesToString(ptr: usize, len: i32): string {
  return len > 0 ? String.UTF8.decodeUnsafe(ptr, <usize>len) : "";
}

const LINE_CAP: i32 = 200;
const LINE: usize = memory.data(LINE_CAP);

/** A log line built in static memory, for paths that must not allocate (issue 17: a remote start allocates
 *  nothing, so no collection follows it): line().s("remote start ").i(id).s(" for ").s(token).info(). One line at
 *  a time; what does not fit is cut (at a whole piece). */
export class LogLine {
  len: i32 = 0;

  s(text: string): LogLine {
    const n = String.UTF8.byteLength(text);
    if (this.len + n <= LINE_CAP) {
      String.UTF8.encodeUnsafe(changetype<usize>(text), text.length, LINE + <usize>this.len);
      this.len += n;
    }
    return this;
  }

  /** n UTF-8 bytes at ptr; what does not fit is cut at a character boundary. */
  b(ptr: usize, n: i32): LogLine {
    let k = min(n, LINE_CAP - this.len);
    if (k < n) while (k > 0 && (load<u8>(ptr + <usize>k) & 0xc0) == 0x80) k--;
    if (k > 0) { memory.copy(LINE + <usize>this.len, ptr, <usize>k); this.len += k; }
    return this;
  }

  i(v: i32): LogLine {
    let u: u32 = v < 0 ? <u32>(-(<i64>v)) : <u32>v;
    let digits = 1;
    for (let t = u; t >= 10; t /= 10) digits++;
    const n = digits + (v < 0 ? 1 : 0);
    if (this.len + n > LINE_CAP) return this;
    let p = LINE + <usize>(this.len + n);
    do { p--; store<u8>(p, 48 + <u8>(u % 10)); u /= 10; } while (u != 0);
    if (v < 0) store<u8>(LINE + <usize>this.len, 0x2d);
    this.len += n;
    return this;
  }

  write(level: i32): void {
    log_write(level, LINE, this.len);
    const t = tap;
    if (t != null) t.write(level, LINE, this.len);
  }
  info(): void { this.write(Level.Info); }
  warn(): void { this.write(Level.Warn); }
}

const THE_LINE = new LogLine();
/** The log line, emptied. */
export function line(): LogLine { THE_LINE.len = 0; return THE_LINE; }
