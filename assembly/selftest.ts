// Self-test exports for the schema conformance suite and the bench: decode a payload as an action's request
// or response and re-encode it, through the same tapes and writer the RPC layer uses; build a whole report. They borrow
// the WebSocket message buffer, so they are only meaningful before start() (tests never start the station).
import { station } from "./station/station";
import { JsonReader, RpcError, rpcErrorName, lastErrorPtr, lastErrorLen, decodePayload, encodePayload,
  actionByName, actionRequestType, actionResponseType, Action, GetBaseReportRequest, GetBaseReportResponse,
  GenericDeviceModelStatusEnumType, JsonWriter, JsonSink } from "./ocpp";
import { WS_MAX_MESSAGE } from "./ws";

const reader = new JsonReader();
/** The round trip's writer: its output, as long as the message buffer, goes back into that buffer, whose strings
 *  the tape still borrows while it is written. Allocated on the first round trip (tests only), not at start-up:
 *  the RPC's transmit buffer is a few KiB and streams. */
let roundTripWriter: JsonWriter | null = null;

/** Counts what a streaming writer drains (selftest_report: pages longer than the transmit buffer). */
class CountingSink extends JsonSink {
  drain(ptr: usize, len: i32): bool { return true; }
}
const counting = new CountingSink();
let errorLen: i32 = 0;

export function codec_buffer(): usize { return station.rpc.ws.messageBuffer(); }
export function codec_buffer_capacity(): i32 { return WS_MAX_MESSAGE; }
export function codec_error_len(): i32 { return errorLen; }

/** The buffer holds the action name then the payload; returns the re-encoded length (written to the buffer)
 *  or -RpcError with "<Code>: <description>" in the buffer (length: codec_error_len()). */
export function codec_roundtrip(actionLen: i32, isResponse: i32, payloadLen: i32): i32 {
  const buf = codec_buffer();
  if (actionLen <= 0 || payloadLen < 0 || actionLen + payloadLen > WS_MAX_MESSAGE) return -RpcError.InternalError;
  const action = actionByName(buf, actionLen);
  if (action < 0) return -RpcError.NotImplemented;
  const type = isResponse != 0 ? actionResponseType(action) : actionRequestType(action);
  const tape = station.rpc.inTape;
  tape.reset();
  reader.reset(buf + <usize>actionLen, payloadLen);
  let rc = decodePayload(reader, type, tape);
  if (rc == RpcError.None && !reader.atEnd()) rc = RpcError.FormatViolation;
  if (rc != RpcError.None) {
    const name = String.UTF8.encode(rpcErrorName(rc) + ": ");
    const n = name.byteLength;
    memory.copy(buf, changetype<usize>(name), <usize>n);
    const d = min(lastErrorLen(), 1024);
    memory.copy(buf + <usize>n, lastErrorPtr(), <usize>d);
    errorLen = n + d;
    return -rc;
  }
  if (roundTripWriter == null) roundTripWriter = new JsonWriter(WS_MAX_MESSAGE);
  const w = roundTripWriter!;
  w.reset();
  if (!encodePayload(w, tape, tape.root) || w.overflow) return -RpcError.InternalError;
  memory.copy(buf, w.ptr(), <usize>w.len());
  return w.len();
}

/** Bench: hands the buffer's first len bytes to the RPC layer as one received message (decode, handle,
 *  encode the answer), as the WebSocket layer would. Nothing is sent: no connection is open. */
export function selftest_rpc_message(len: i32): void {
  if (len <= 0 || len > WS_MAX_MESSAGE) return;
  station.rpc.onMessage(codec_buffer(), len);
}

let reportPages: i32 = 0;

/** Bench: a whole GetBaseReport (reportBase: ReportBaseEnumType) built page by page and encoded as the RPC
 *  would, each page acknowledged at once; returns the JSON bytes of all pages (their count:
 *  selftest_report_pages()), or -1 if the report was not accepted. */
export function selftest_report(reportBase: i32): i32 {
  const rpc = station.rpc, dm = station.dm;
  const req = rpc.inTape, page = rpc.outTape, w = rpc.writer;
  req.reset();
  const root = req.newRoot(actionRequestType(Action.GetBaseReport));
  req.setInt(root, GetBaseReportRequest.requestId, 1);
  req.setEnum(root, GetBaseReportRequest.reportBase, reportBase);
  page.reset();
  page.newRoot(actionResponseType(Action.GetBaseReport));
  dm.handleCall(Action.GetBaseReport, req, page);
  if (page.getEnum(page.root, GetBaseReportResponse.status) != GenericDeviceModelStatusEnumType.Accepted) return -1;
  let bytes = 0;
  reportPages = 0;
  while (true) {
    page.reset();
    if (dm.nextCall(page) < 0) break;
    w.reset();
    w.sink = counting;
    const ok = encodePayload(w, page, page.root);
    w.sink = null;
    if (!ok || w.overflow || page.overflow) return -1;
    bytes += w.drained + w.len();
    reportPages++;
    dm.onCallResult(Action.NotifyReport, req);
  }
  return bytes;
}

export function selftest_report_pages(): i32 { return reportPages; }
