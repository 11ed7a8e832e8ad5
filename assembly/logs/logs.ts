// GetLog (N01): the diagnostics log (diagnostics-log.ts) or the security log (core/security-log.ts, read through
// the context) uploaded to log.remoteLocation over HTTP(S) with the http/ client, as a multipart/form-data POST
// with one part "file" (docs/architecture.md "HTTP client" says why), filtered by log.oldestTimestamp and
// log.latestTimestamp; LogStatusNotification with the requestId before each attempt (Uploading) and after it
// (Uploaded, or the failure: PermissionDenied, NotSupportedOperation, BadMessage from the server's status,
// UploadFailure otherwise), retries attempts retryInterval seconds apart (from the start of the previous
// attempt). A GetLog while another runs cancels that one (C-57, N01.FR.12): AcceptedCanceled in the response and
// a LogStatusNotification AcceptedCanceled with the first one's requestId. TriggerMessage(LogStatusNotification)
// gets the current status (F06, TC_F_16_CS): Uploading with the requestId while a request runs, else Idle.
// An upload a reboot interrupts is not resumed: its notifications were not persisted either.
import {
  Tape, RpcError, Action, actionRequestType, GetLogRequest, GetLogResponse, LogParametersType, LogEnumType,
  LogStatusEnumType, LogStatusNotificationRequest, UploadLogStatusEnumType, StatusInfoType,
} from "../ocpp";
import { HttpClient, HttpListener, MultipartSource, HttpTarget, parseHttpUrl, HTTP_OK, HTTP_ERR_STATUS } from "../http";
import { Block } from "../core/block";
import { CallFailure } from "../rpc/app";
import { Context } from "../core/context";
import { parseDateTime } from "../util/datetime";
import { logInfo, logWarn } from "../util/log";
import { DiagnosticsLog } from "./diagnostics-log";
import { LogFileSource, LogRecords, DiagnosticsRecords, SecurityRecords, TimeWindow } from "./log-file";

/** Attempts when GetLog names no retries: one more after a failure. */
const DEFAULT_RETRIES: i32 = 1;
const MAX_RETRIES: i32 = 10;
/** Seconds between attempts when GetLog names no retryInterval, and the most the station waits. */
const DEFAULT_RETRY_INTERVAL_S: i32 = 60;
const MAX_RETRY_INTERVAL_S: i32 = 86400;
/** No progress for this long (station clock) fails an attempt. */
const UPLOAD_TIMEOUT_MS: i64 = 60_000;
/** LogStatusNotifications waiting to be sent. */
const QUEUE_CAPACITY: i32 = 8;

class UploadEvents extends HttpListener {
  constructor(private owner: Logs) { super(); }
  onDone(result: i32, status: i32): void { this.owner.onUploadDone(result, status); }
}

export class Logs extends Block {
  readonly diagnostics: DiagnosticsLog;
  private readonly http: HttpClient = new HttpClient(new UploadEvents(this));
  private readonly target: HttpTarget = new HttpTarget();
  private readonly window: TimeWindow = new TimeWindow();
  // The running request (active) and its attempts.
  private active: bool = false;
  private requestId: i32 = 0;
  private logType: i32 = LogEnumType.DiagnosticsLog;
  private url: string = "";
  private filename: string = "";
  private retriesLeft: i32 = 0;
  private intervalMs: i64 = 0;
  private attemptAt: i64 = i64.MAX_VALUE;
  private source: LogFileSource | null = null;
  // The LogStatusNotifications to send, oldest first: status and requestId.
  private readonly qStatus: StaticArray<i32> = new StaticArray<i32>(QUEUE_CAPACITY);
  private readonly qId: StaticArray<i32> = new StaticArray<i32>(QUEUE_CAPACITY);
  private qHead: i32 = 0;
  private qCount: i32 = 0;
  /** The outstanding call is the head of the queue (not a triggered one). */
  private sendingQueued: bool = false;

  constructor(private ctx: Context) {
    super();
    this.diagnostics = new DiagnosticsLog(ctx);
  }

  /** The stream the upload uses (0: none), for the station's routing of stream events. */
  streamHandle(): i32 { return this.http.getHandle(); }
  onStreamOpen(handle: i32, status: i32): void { this.http.onStreamOpen(handle, status, this.ctx.now); }
  onStreamData(handle: i32, ptr: usize, len: i32): void { this.http.onStreamData(handle, ptr, len, this.ctx.now); }
  onStreamClosed(handle: i32, reason: i32): void { this.http.onStreamClosed(handle, reason); }

  handleCall(action: i32, req: Tape, resp: Tape): i32 {
    const root = req.root;
    const log = req.getObject(root, GetLogRequest.log);
    const url = req.getString(log, LogParametersType.remoteLocation);
    // Only http and https are offered (OCPPCommCtrlr.FileTransferProtocols).
    if (parseHttpUrl(url, this.target) != 0) {
      resp.setEnum(resp.root, GetLogResponse.status, LogStatusEnumType.Rejected);
      const info = resp.newObject(resp.root, GetLogResponse.statusInfo);
      resp.setString(info, StatusInfoType.reasonCode, "InvalidURL");
      return RpcError.None;
    }
    let status = LogStatusEnumType.Accepted;
    if (this.active) {
      // C-57, N01.FR.12: the running upload ends here; its requestId hears AcceptedCanceled.
      this.stopAttempt();
      this.notify(UploadLogStatusEnumType.AcceptedCanceled, this.requestId);
      logInfo("logs: upload " + this.requestId.toString() + " canceled by a new GetLog");
      status = LogStatusEnumType.AcceptedCanceled;
    }
    const w = this.window;
    w.oldest = timestamp(req, log, LogParametersType.oldestTimestamp, i64.MIN_VALUE);
    w.latest = timestamp(req, log, LogParametersType.latestTimestamp, i64.MAX_VALUE);
    this.logType = req.getEnum(root, GetLogRequest.logType);
    this.requestId = <i32>req.getInt(root, GetLogRequest.requestId);
    this.url = url;
    const retries = req.has(root, GetLogRequest.retries) ? req.getInt(root, GetLogRequest.retries) : <i64>DEFAULT_RETRIES;
    this.retriesLeft = <i32>max<i64>(0, min<i64>(retries, <i64>MAX_RETRIES));
    const interval = req.has(root, GetLogRequest.retryInterval) ? req.getInt(root, GetLogRequest.retryInterval) : <i64>DEFAULT_RETRY_INTERVAL_S;
    this.intervalMs = max<i64>(0, min<i64>(interval, <i64>MAX_RETRY_INTERVAL_S)) * 1000;
    this.filename = (this.logType == LogEnumType.SecurityLog ? "SecurityLog-" : "DiagnosticsLog-") +
      this.requestId.toString() + ".log";
    this.active = true;
    this.attemptAt = this.ctx.now;   // on the next tick, after this response
    resp.setEnum(resp.root, GetLogResponse.status, status);
    resp.setString(resp.root, GetLogResponse.filename, this.filename);
    return RpcError.None;
  }

  // ---- attempts -------------------------------------------------------------------------------------------

  // Plain comparisons, not `h < 0 ? t : min(t, h)`: that form, with HttpClient.nextWakeup inlined into it, made the
  // release build (-O3) branch out of a block with an i64 on the stack above others, which wasm3 v0.5.0 got wrong
  // (next_wakeup read 0xFFFFFFFF00000007 on the C host, which then ticked every ms forever; V8 was right).
  nextWakeup(): i64 {
    let t = this.diagnostics.dueAt;
    if (this.active && this.source == null && this.attemptAt < t) t = this.attemptAt;
    const h = this.http.nextWakeup(this.ctx.now);
    if (h >= 0 && h < t) t = h;
    return t;
  }

  tick(): void {
    const now = this.ctx.now;
    this.diagnostics.tick();
    this.http.tick(now);
    if (this.active && this.source == null && now >= this.attemptAt) this.attempt();
  }

  private attempt(): void {
    const now = this.ctx.now;
    this.attemptAt = now;
    let records: LogRecords;
    if (this.logType == LogEnumType.SecurityLog) records = new SecurityRecords(this.ctx.securityLog);
    else records = new DiagnosticsRecords(this.diagnostics.seal());
    const file = new LogFileSource(records, this.window);
    this.source = file;
    // The boundary follows a line break in the body only: every diagnostics line starts with its timestamp, every
    // security-log line with its sequence number, so no line can start with "--ocpp-log-".
    const body = new MultipartSource(file, "file", this.filename, "ocpp-log-" + this.requestId.toString() + "-" + now.toString());
    this.notify(UploadLogStatusEnumType.Uploading, this.requestId);
    logInfo("logs: uploading " + this.filename + " (" + file.length().toString() + " bytes) to " + this.url);
    const r = this.http.start("POST", this.url, body, body.contentType, null, this.ctx.config.securityProfile, UPLOAD_TIMEOUT_MS, now);
    if (r != 0) this.onUploadDone(r, 0);
  }

  onUploadDone(result: i32, status: i32): void {
    this.releaseSource();
    if (!this.active) return;
    if (result == HTTP_OK) {
      this.notify(UploadLogStatusEnumType.Uploaded, this.requestId);
      logInfo("logs: " + this.filename + " uploaded");
      this.active = false;
      return;
    }
    this.notify(failureStatus(result, status), this.requestId);
    logWarn("logs: upload of " + this.filename + " failed (" + result.toString() + ", HTTP " + status.toString() + ")");
    if (this.retriesLeft <= 0) { this.active = false; return; }
    this.retriesLeft--;
    this.attemptAt = max(this.attemptAt + this.intervalMs, this.ctx.now);
  }

  private stopAttempt(): void {
    this.http.cancel();
    this.releaseSource();
    this.active = false;
  }

  private releaseSource(): void {
    const s = this.source;
    if (s != null) s.dispose();
    this.source = null;
  }

  // ---- LogStatusNotification ------------------------------------------------------------------------------

  private notify(status: i32, requestId: i32): void {
    if (this.qCount == QUEUE_CAPACITY) {   // the oldest goes: the newest statuses say where the upload is
      this.qHead = (this.qHead + 1) % QUEUE_CAPACITY;
      this.qCount--;
    }
    const at = (this.qHead + this.qCount) % QUEUE_CAPACITY;
    this.qStatus[at] = status;
    this.qId[at] = requestId;
    this.qCount++;
  }

  nextCall(req: Tape): i32 {
    if (this.qCount == 0) return -1;
    const root = req.newRoot(actionRequestType(Action.LogStatusNotification));
    req.setEnum(root, LogStatusNotificationRequest.status, this.qStatus[this.qHead]);
    req.setInt(root, LogStatusNotificationRequest.requestId, this.qId[this.qHead]);
    this.sendingQueued = true;
    return Action.LogStatusNotification;
  }

  /** TriggerMessage(LogStatusNotification), F06: the current status, built when remote control's turn comes. */
  triggeredStatus(req: Tape): i32 {
    const root = req.newRoot(actionRequestType(Action.LogStatusNotification));
    if (this.active) {
      req.setEnum(root, LogStatusNotificationRequest.status, UploadLogStatusEnumType.Uploading);
      req.setInt(root, LogStatusNotificationRequest.requestId, this.requestId);
    } else req.setEnum(root, LogStatusNotificationRequest.status, UploadLogStatusEnumType.Idle);
    this.sendingQueued = false;
    return Action.LogStatusNotification;
  }

  onCallResult(action: i32, resp: Tape): void { this.sent(); }

  /** A lost connection: the notification goes again after the reconnection. A CALLERROR or no answer: it is not
   *  sent again (the next one says where the upload is). */
  onCallFailed(action: i32, failure: i32): void {
    if (failure == CallFailure.Disconnected) { this.sendingQueued = false; return; }
    this.sent();
  }

  private sent(): void {
    if (!this.sendingQueued) return;
    this.sendingQueued = false;
    if (this.qCount == 0) return;
    this.qHead = (this.qHead + 1) % QUEUE_CAPACITY;
    this.qCount--;
  }
}

/** An optional date-time of the request as epoch ms, or `absent`. */
function timestamp(req: Tape, obj: i32, prop: i32, absent: i64): i64 {
  if (!req.has(obj, prop)) return absent;
  const t = parseDateTime(req.getStrPtr(obj, prop), req.getStrLen(obj, prop));
  return t == i64.MIN_VALUE ? absent : t;
}

/** What a failed attempt reports: the server's refusal by its status, UploadFailure for everything else. */
function failureStatus(result: i32, status: i32): i32 {
  if (result != HTTP_ERR_STATUS) return UploadLogStatusEnumType.UploadFailure;
  if (status == 401 || status == 403 || status == 407) return UploadLogStatusEnumType.PermissionDenied;
  if (status == 405 || status == 501 || status == 505) return UploadLogStatusEnumType.NotSupportedOperation;
  if (status == 400 || status == 411 || status == 413 || status == 414 || status == 415 || status == 422) return UploadLogStatusEnumType.BadMessage;
  return UploadLogStatusEnumType.UploadFailure;
}
