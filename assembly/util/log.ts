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
