// OCPP-J RPC (Part 4 §4): CALL / CALLRESULT / CALLERROR over the WebSocket.
// - at most one station-initiated CALL outstanding, with a response time-out;
// - every CSMS CALL answered exactly once, synchronously, before the next frame is read;
// - responses to unknown message ids are logged and ignored (§4.2.2/§4.2.3 allow no answer to a response).
import { WsConnection, WsListener, CLOSE_INTERNAL } from "../ws";
import {
  Tape, JsonReader, JsonWriter, Frame, RpcError, rpcErrorName, lastErrorPtr, lastErrorLen,
  parseFrameHeader, parseFramePayload, encodePayload,
  actionName, actionNamePtr, actionNameLen, actionRequestType, actionResponseType, propRef, propNamePtr, propNameLen,
} from "../ocpp";
import { RpcApp, CallFailure } from "./app";
import { MessageIds, MAX_ID_LEN } from "./message-id";
import { Fragments, FragmentLink } from "./fragments";
import { RequestStream, ItemSink } from "./request-stream";
import { clearError, ID_CAP } from "../ocpp";
import { TRANSMIT_CAPACITY, INBOUND_TAPE_WORDS, OUTBOUND_TAPE_WORDS, OUTBOUND_TAPE_ARENA, BYTES_PER_MESSAGE } from "../core/limits";
import { logWarn, bytesToString } from "../util/log";

const ERROR_DESC_MAX: i32 = 255;   // Part 4 Table 7: errorDescription string[255]

export class Rpc extends WsListener {
  app: RpcApp;
  // Inbound requests can be large (GetVariables with many items); their strings stay in the WebSocket
  // message buffer (decoded in place), so the inbound tape needs no arena. Outbound calls are built in pages.
  readonly inTape: Tape = inPlaceTape(INBOUND_TAPE_WORDS);
  readonly outTape: Tape = new Tape(OUTBOUND_TAPE_WORDS, OUTBOUND_TAPE_ARENA);
  readonly writer: JsonWriter = new JsonWriter(TRANSMIT_CAPACITY);
  private reader: JsonReader = new JsonReader();
  private frame: Frame = new Frame();
  private ids: MessageIds = new MessageIds();
  private pendingId: usize = heap.alloc(<usize>MAX_ID_LEN);
  private pendingIdLen: i32 = 0;
  pendingAction: i32 = -1;
  private pendingDeadline: i64 = i64.MAX_VALUE;
  messageTimeoutMs: i64 = 30000;
  now: i64 = 0;
  // With its value, not a "!" field set in the constructor, which is read through a null-checking getter.
  readonly ws: WsConnection = new WsConnection(this);
  private link: RpcLink = new RpcLink(this);
  private fragments: Fragments = new Fragments(this.link);
  // GetVariables / SetVariables requests are read item by item as they arrive (docs/streaming.md).
  private stream: RequestStream = new RequestStream(this.inTape, new RpcItems(this));
  private streaming: bool = false;
  /** Bytes of the message being read item by item so far. */
  private streamBytes: i64 = 0;
  // An answer item by item that paused because the host's send queue was full (docs/streaming.md): the next
  // item to write, the item count, the action and the results' type. Its bytes so far that did not make a whole
  // fragment stay in the writer. Its request's id is kept apart: a response read while paused fills the frame.
  answerPaused: bool = false;
  private answerId: usize = heap.alloc(<usize>ID_CAP);
  private answerIdLen: i32 = 0;
  private answerNext: i32 = 0;
  private answerCount: i32 = 0;
  private answerAction: i32 = -1;
  private answerItemType: i32 = 0;

  constructor(app: RpcApp) {
    super();
    this.app = app;
  }

  // ---- WsListener --------------------------------------------------------
  onConnected(): void {
    this.streaming = false;
    this.app.onConnected();
    this.pump();
  }

  onDisconnected(reason: i32): void {
    this.streaming = false;
    if (this.answerPaused) {   // abandoned: the CSMS has part of a message on a connection that is gone
      this.answerPaused = false;
      this.writer.sink = null;
      this.app.endItems(this.answerAction);
    }
    this.failPending(CallFailure.Disconnected);
    this.app.onDisconnected();
  }

  onMessage(ptr: usize, len: i32): void {
    const f = this.frame;
    const r = this.reader;
    const rc = parseFrameHeader(r, ptr, len, f);
    if (this.answerPaused && this.dropWhilePaused(rc)) return;
    if (rc != RpcError.None) { this.refuseEnvelope(rc); return; }
    if (f.messageType == 2 && this.startStream()) {
      this.streamBytes = <i64>len;
      this.stream.feed(r.pos, <i32>(r.end - r.pos), true);
      this.finishStream();
    } else if (f.messageType == 2) this.onCall();
    else if (f.messageType == 3) this.onCallResult();
    else this.onCallError();
    this.pump();
  }

  /** The first part of a message longer than the message buffer: taken in parts if it is a CALL read item by
   *  item (its envelope is in the first part), else it arrives whole as an oversized message. */
  onMessagePart(ptr: usize, len: i32, first: bool): i32 {
    if (first && this.answerPaused) return -1;   // arrives as an oversized message, while paused: dropped
    if (first) {
      const r = this.reader;
      if (parseFrameHeader(r, ptr, len, this.frame) != RpcError.None || this.frame.messageType != 2 || !this.startStream()) return -1;
      const head = <i32>(r.pos - ptr);
      const n = head + this.stream.feed(r.pos, len - head, false);
      this.streamBytes = <i64>n;
      return n;
    }
    if (!this.streaming) return len;
    let n = this.stream.feed(ptr, len, false);
    if (n == 0) {
      this.stream.tooLong(len);   // a full buffer and no progress: one value longer than the buffer
      n = len;
    }
    this.streamBytes += <i64>n;
    return n;
  }

  onLastPart(ptr: usize, len: i32): void {
    if (!this.streaming) return;
    this.streamBytes += <i64>len;
    this.stream.feed(ptr, len, true);
    this.finishStream();
    this.pump();
  }

  /** A CALL of an action answered item by item starts being read; false for the other actions. */
  private startStream(): bool {
    const action = this.frame.action;
    if (action < 0 || this.app.itemsProperty(action) < 0) return false;
    this.app.startItems(action);
    this.stream.begin(actionRequestType(action));
    this.streaming = true;
    return true;
  }

  /** The request was read to its end: a CALLERROR if it was invalid (nothing of it took effect), else the
   *  answer item by item. */
  private finishStream(): void {
    this.streaming = false;
    const f = this.frame;
    const st = this.stream;
    if (st.error != RpcError.None) {
      st.restoreErrorText();
      this.sendError(f.idPtr, f.idLen, st.error, "");
      this.app.onInvalidMessage(f.action, st.error);
      return;
    }
    // DeviceDataCtrlr.BytesPerMessage, as B05/B06 have it: a longer request is FormatViolation (after the
    // request's own validation, as ItemsPerMessage).
    if (this.streamBytes > <i64>BYTES_PER_MESSAGE) {
      this.sendError(f.idPtr, f.idLen, RpcError.FormatViolation,
        "message of " + this.streamBytes.toString() + " bytes is longer than BytesPerMessage " + BYTES_PER_MESSAGE.toString());
      this.app.onInvalidMessage(f.action, RpcError.FormatViolation);
      return;
    }
    this.answerItems(this.app.itemsProperty(f.action), st.count);
  }

  /** Item k of the request being read, to the app. */
  takeItem(req: Tape, item: i32, k: i32): void { this.app.takeItem(this.frame.action, req, item, k); }

  /** An envelope that did not parse: a broken response cannot be answered; anything else gets a CALLERROR, with
   *  "-1" when the id is unreadable. */
  private refuseEnvelope(rc: i32): void {
    const f = this.frame;
    if (f.messageType == 3 || f.messageType == 4) logWarn("rpc: malformed response dropped");
    else this.sendError(f.idPtr, f.idLen, rc, "");
    this.app.onInvalidMessage(-1, rc);
  }

  /** A message longer than the WebSocket message buffer: answered from its envelope, which its kept first bytes
   *  hold (docs/streaming.md). A CALL gets FormatViolation, as a request over DeviceDataCtrlr.BytesPerMessage
   *  does (B05/B06), or NotImplemented for an unknown action; a response to our CALL fails it as BadResponse,
   *  a CALLERROR to it is read as usual (only its errorDetails can be long). */
  onOversizedMessage(ptr: usize, len: i32, total: i64): void {
    const f = this.frame;
    const rc = parseFrameHeader(this.reader, ptr, len, f);
    if (this.answerPaused && this.dropWhilePaused(rc)) return;
    if (rc != RpcError.None) {
      this.refuseEnvelope(rc);
    } else if (f.messageType == 2) {
      if (f.action < 0) {
        this.sendError(f.idPtr, f.idLen, RpcError.NotImplemented, "unknown action");
        this.app.onInvalidMessage(-1, RpcError.NotImplemented);
      } else {
        this.sendError(f.idPtr, f.idLen, RpcError.FormatViolation,
          "message of " + total.toString() + " bytes is longer than " + len.toString());
        this.app.onInvalidMessage(f.action, RpcError.FormatViolation);
      }
    } else if (f.messageType == 3) {
      if (this.matchesPending()) {
        const action = this.clearPending();
        logWarn("rpc: " + actionName(action) + " response of " + total.toString() + " bytes dropped");
        this.app.onCallFailed(action, CallFailure.BadResponse);
        this.app.onInvalidMessage(action, RpcError.FormatViolation);
      }
    } else this.onCallError();
    this.pump();
  }

  private onCall(): void {
    const f = this.frame;
    if (f.action < 0) {
      this.sendError(f.idPtr, f.idLen, RpcError.NotImplemented, "unknown action");
      this.app.onInvalidMessage(-1, RpcError.NotImplemented);
      return;
    }
    const req = this.inTape;
    req.reset();
    const rc = parseFramePayload(this.reader, actionRequestType(f.action), req, f);
    if (rc != RpcError.None) {
      this.sendError(f.idPtr, f.idLen, rc, "");
      this.app.onInvalidMessage(f.action, rc);
      return;
    }
    const resp = this.outTape;
    resp.reset();
    resp.newRoot(actionResponseType(f.action));
    const result = this.app.handleCall(f.action, req, resp);
    if (result != RpcError.None) {
      this.sendError(f.idPtr, f.idLen, result, result == RpcError.NotSupported ? actionName(f.action) : "");
      return;
    }
    if (resp.overflow) {
      this.sendError(f.idPtr, f.idLen, RpcError.InternalError, "response could not be encoded");
      return;
    }
    const w = this.beginMessage();
    w.raw("[3,");
    w.stringBytes(f.idPtr, f.idLen);
    w.byte(0x2c);
    const ok = encodePayload(w, resp, resp.root);
    w.byte(0x5d);
    if (!this.endMessage(ok)) this.sendError(f.idPtr, f.idLen, RpcError.InternalError, "response could not be encoded");
  }

  /** The answer to the current CALL as {"<prop>":[item, ...]}, each item built into the outbound tape and
   *  encoded before the next one (docs/streaming.md): the tape holds one result, whatever the item count. The
   *  request was read and validated whole before, so no CALLERROR can be due once the answer started. */
  private answerItems(prop: i32, count: i32): void {
    const f = this.frame;
    const action = f.action;
    clearError();
    const n = this.app.beginItems(action, count);
    if (n < 0) {
      this.sendError(f.idPtr, f.idLen, -n, -n == RpcError.NotSupported ? actionName(action) : "");
      return;
    }
    const type = actionResponseType(action);
    const w = this.beginMessage();
    w.raw("[3,");
    w.stringBytes(f.idPtr, f.idLen);
    w.raw(",{\"");
    w.bytes(propNamePtr(type, prop), propNameLen(type, prop));
    w.raw("\":[");
    this.answerNext = 0;
    this.answerCount = n;
    this.answerAction = action;
    this.answerItemType = propRef(type, prop);
    memory.copy(this.answerId, f.idPtr, <usize>f.idLen);
    this.answerIdLen = f.idLen;
    this.continueItems();
  }

  /** Writes results from answerNext on. Before each result after the first it writes it asks the link for room: when the
   *  host's queue is over its mark, the answer pauses at this item boundary (the writer keeps what did not fill a
   *  fragment) and goes on at onWritable. An InternalError after the first fragment closes the connection; before
   *  it, the CALLERROR carries the request's id kept in answerId (a response read while paused refills the frame). */
  private continueItems(): void {
    const action = this.answerAction;
    const n = this.answerCount;
    const itemType = this.answerItemType;
    const resp = this.outTape;
    const w = this.writer;
    let ok = true;
    // The first result of a resumption goes without asking: the host reported room, and it always progresses.
    const from = this.answerNext;
    for (let k = from; k < n; k++) {
      if (k > from && this.linkFull()) {
        this.answerNext = k;
        this.answerPaused = true;
        return;
      }
      resp.reset();
      const item = resp.newRoot(itemType);
      ok = this.app.answerItem(action, k, resp, item) && !resp.overflow;
      if (!ok) break;
      if (k > 0) w.byte(0x2c);
      ok = encodePayload(w, resp, item);
      if (!ok) break;
    }
    this.answerPaused = false;
    w.raw("]}]");
    this.app.endItems(action);
    if (!this.endMessage(ok)) this.sendError(this.answerId, this.answerIdLen, RpcError.InternalError, "response could not be encoded");
  }

  /** The host has room again: a paused answer goes on, then what waited for it (the station's next CALL). */
  onWritable(): void {
    if (!this.answerPaused) return;
    this.continueItems();
    this.pump();
  }

  /** A message while an answer is paused: true when it was dropped. Nothing may be sent in the middle of the
   *  fragmented answer (RFC 6455 §5.4) and the writer holds its pending bytes, so only what needs no sending is
   *  read, a response to our CALL (the caller reads it as usual). A CSMS CALL (OCPP-J allows none before our
   *  answer) or a broken message is dropped with a warning. */
  private dropWhilePaused(rc: i32): bool {
    const f = this.frame;
    if (rc == RpcError.None && (f.messageType == 3 || f.messageType == 4)) return false;
    logWarn("rpc: a message arrived while an answer was paused; dropped");
    this.app.onInvalidMessage(rc == RpcError.None ? f.action : -1, rc == RpcError.None ? RpcError.RpcFrameworkError : rc);
    return true;
  }

  /** The writer, reset, streaming into fragments when it fills. */
  private beginMessage(): JsonWriter {
    const w = this.writer;
    w.reset();
    this.fragments.started = false;
    w.sink = this.fragments;
    return w;
  }

  /** Sends the rest of the message begun with beginMessage: whole if it fit, else as the last fragment.
   *  False when it could not be encoded and nothing of it was sent (the caller may answer otherwise); a message
   *  that fails after a fragment went out cannot be taken back, so the connection is failed (close 1011). */
  private endMessage(encoded: bool): bool {
    const w = this.writer;
    w.sink = null;
    const started = this.fragments.started;
    if (!encoded || w.overflow) {
      if (started) { logWarn("rpc: a fragmented message failed half-way"); this.abandonMessage(); return true; }
      return false;
    }
    if (started) this.sendPiece(w.ptr(), w.len(), false, true);
    else this.send(w.ptr(), w.len());
    return true;
  }

  private matchesPending(): bool {
    const f = this.frame;
    if (this.pendingAction < 0 || f.idLen != this.pendingIdLen || memory.compare(f.idPtr, this.pendingId, <usize>f.idLen) != 0) {
      logWarn("rpc: response for unknown message id " + bytesToString(f.idPtr, f.idLen) + " ignored");
      return false;
    }
    return true;
  }

  private onCallResult(): void {
    if (!this.matchesPending()) return;
    const action = this.clearPending();
    const resp = this.inTape;
    resp.reset();
    const rc = parseFramePayload(this.reader, actionResponseType(action), resp, this.frame);
    if (rc != RpcError.None) {
      logWarn("rpc: invalid " + actionName(action) + " response: " + bytesToString(lastErrorPtr(), lastErrorLen()));
      this.app.onCallFailed(action, CallFailure.BadResponse);
      this.app.onInvalidMessage(action, rc);
      return;
    }
    this.app.onCallResult(action, resp);
  }

  private onCallError(): void {
    if (!this.matchesPending()) return;
    const action = this.clearPending();
    const f = this.frame;
    const code = errorCodeFromName(f.errCodePtr, f.errCodeLen);
    logWarn("rpc: " + actionName(action) + " answered with CALLERROR " + bytesToString(f.errCodePtr, f.errCodeLen) +
      " " + bytesToString(f.errDescPtr, f.errDescLen));
    this.app.onCallFailed(action, code);
  }

  // ---- station-initiated calls ---------------------------------------------
  /** Sends the app's next CALL if the line is free. Call after anything that may have queued one. */
  pump(): void {
    // Not in the middle of a paused answer: no frame may come between its fragments (RFC 6455 §5.4).
    if (this.pendingAction >= 0 || this.answerPaused || !this.linkUp()) return;
    const req = this.outTape;
    req.reset();
    req.verbatimLen = 0;
    const action = this.app.nextCall(req);
    if (action < 0) return;
    if (req.overflow) {
      logWarn("rpc: could not encode " + actionName(action));
      this.app.onCallFailed(action, RpcError.InternalError);
      return;
    }
    const id = this.ids.next();
    // Pending from the first fragment on: a send that fails half-way ends the link, which fails the CALL.
    memory.copy(this.pendingId, id, <usize>this.ids.len);
    this.pendingIdLen = this.ids.len;
    this.pendingAction = action;
    this.pendingDeadline = this.now + this.messageTimeoutMs;
    this.sendFailed = false;
    const w = this.beginMessage();
    w.raw("[2,");
    w.stringBytes(id, this.ids.len);
    w.byte(0x2c);
    w.stringBytes(actionNamePtr(action), actionNameLen(action));   // no allocation per CALL
    w.byte(0x2c);
    // A payload the app decoded from JSON with decodeVerbatim goes as those bytes (validated by that decode);
    // anything else is encoded from the tape.
    let ok = true;
    if (req.verbatimLen > 0) w.bytes(req.verbatimPtr, req.verbatimLen);
    else ok = encodePayload(w, req, req.root);
    w.byte(0x5d);
    if (!this.endMessage(ok)) {
      this.clearPending();
      logWarn("rpc: could not encode " + actionName(action));
      this.app.onCallFailed(action, RpcError.InternalError);
      return;
    }
    if (this.sendFailed) this.failPending(CallFailure.Disconnected);
  }

  // The link, overridable so RPC state can be tested without a WebSocket.
  private sendFailed: bool = false;
  protected send(ptr: usize, len: i32): bool {
    const ok = this.ws.sendText(ptr, len);
    if (!ok) this.sendFailed = true;
    return ok;
  }
  sendPiece(ptr: usize, len: i32, first: bool, last: bool): bool {
    const ok = this.ws.sendFragment(ptr, len, first, last);
    if (!ok) this.sendFailed = true;
    return ok;
  }
  protected abandonMessage(): void { this.ws.close(CLOSE_INTERNAL); }
  protected linkUp(): bool { return this.ws.isOpen(); }
  /** The host's send queue is over its mark (docs/host-abi.md stream_full). */
  protected linkFull(): bool { return !this.ws.hasRoom(); }

  tick(nowMs: i64): void {
    this.now = nowMs;
    this.ws.tick(nowMs);
    if (this.pendingAction >= 0 && nowMs >= this.pendingDeadline) this.failPending(CallFailure.Timeout);
    this.pump();
  }

  nextWakeup(): i64 {
    const w = this.ws.nextWakeup();
    return this.pendingAction >= 0 && this.pendingDeadline < w ? this.pendingDeadline : w;
  }

  private clearPending(): i32 {
    const action = this.pendingAction;
    this.pendingAction = -1;
    this.pendingDeadline = i64.MAX_VALUE;
    return action;
  }

  private failPending(failure: i32): void {
    if (this.pendingAction < 0) return;
    this.app.onCallFailed(this.clearPending(), failure);
  }

  private sendError(idPtr: usize, idLen: i32, code: i32, detail: string): void {
    const w = this.writer;
    w.reset();
    w.raw("[4,");
    if (idLen < 0) w.raw("\"-1\""); else w.stringBytes(idPtr, idLen);
    w.byte(0x2c);
    w.string(rpcErrorName(code));
    w.byte(0x2c);
    // The codec's description names the offending field; an explicit detail wins.
    if (detail.length > 0) w.string(detail);
    else w.stringBytes(lastErrorPtr(), min(lastErrorLen(), ERROR_DESC_MAX));
    w.raw(",{}]");
    this.send(w.ptr(), w.len());
  }
}

/** The fragments' way to the link: through Rpc.sendPiece, which tests override. */
class RpcLink extends FragmentLink {
  private rpc: Rpc;
  constructor(rpc: Rpc) { super(); this.rpc = rpc; }
  sendPiece(ptr: usize, len: i32, first: bool, last: bool): bool { return this.rpc.sendPiece(ptr, len, first, last); }
}

class RpcItems extends ItemSink {
  private rpc: Rpc;
  constructor(rpc: Rpc) { super(); this.rpc = rpc; }
  takeItem(req: Tape, item: i32, k: i32): void { this.rpc.takeItem(req, item, k); }
}

function inPlaceTape(words: i32): Tape {
  const t = new Tape(words, 0);
  t.inPlace = true;
  return t;
}

function errorCodeFromName(ptr: usize, len: i32): i32 {
  for (let code = RpcError.FormatViolation; code <= RpcError.TypeConstraintViolation; code++) {
    const name = rpcErrorName(code);
    if (name.length == len) {
      let same = true;
      for (let i = 0; i < len; i++) {
        if (<i32>load<u8>(ptr + <usize>i) != name.charCodeAt(i)) { same = false; break; }
      }
      if (same) return code;
    }
  }
  return RpcError.GenericError;
}
