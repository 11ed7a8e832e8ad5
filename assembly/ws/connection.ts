// WebSocket client (RFC 6455) for the CSMS connection, OCPP-J Part 4 §3 and §5.3.
//
// Design notes
// - Event driven, never blocks: the station forwards stream events and tick(nowMs); the connection calls
//   stream_open/send/close and reports to one WsListener. Time comes only from tick/start (`now` is the
//   latest value); stream events are stamped with it.
// - States: IDLE → CONNECTING (stream_open issued) → HANDSHAKE (GET sent) → OPEN → CLOSING (our close frame
//   sent) → WAIT (back-off) → CONNECTING ... Every stream gets a new generation number; events for any other
//   handle are ignored, and after a listener callback the frame loop stops if the generation changed (the
//   listener may have stopped, closed or broken the connection from inside the callback).
// - Memory: all buffers are allocated once in the constructor (≈ WS_MAX_MESSAGE + 1.5 KiB): the message buffer
//   (WS_MAX_MESSAGE) doubles as handshake space (response header ≤ 4 KiB at its start, request after it),
//   a 1 KiB send buffer, 125-byte control buffer, small key/accept/scratch buffers, 64-byte random pool.
// - Sending: sendText masks while copying into the send buffer, so the caller's bytes are left untouched and
//   sendText may be called from inside onMessage/onConnected (the received message stays valid: sends never
//   touch the message buffer or the parser). A message of n bytes costs ceil((n + 14) / 1024) stream_send calls.
// - Receiving: text only. A binary message is refused with close 1003 (OCPP-J defines none); invalid UTF-8
//   → 1007; a message over WS_MAX_MESSAGE keeps the connection: the listener may take it in parts
//   (onMessagePart / onLastPart), else its first WS_MAX_MESSAGE bytes go to onOversizedMessage (the RPC
//   answers it from its envelope; docs/streaming.md); other framing errors (masked server frame, RSV bits,
//   unknown opcode, bad control frame, bad continuation) → 1002. A framing error "fails the connection"
//   (§7.1.7): our close frame is sent and the stream closed at once, without waiting for the peer.
// - Close handshake: close()/stop() send a close frame and wait up to closeTimeoutS for the peer's close frame
//   (data frames in between are dropped); a close frame from the peer is echoed with its code and the stream
//   closed right away.
// - Keep-alive (Part 4 §8.4 WebSocketPingInterval): when no byte has arrived for pingIntervalS a ping is sent;
//   if still nothing has arrived pongTimeoutS (default 30 s) later, the connection is considered dead and is
//   closed without a close handshake (reason WS_ERR_PING_TIMEOUT). pingIntervalS = 0 disables our pings; the
//   peer's pings are always answered.
// - Reconnection (Part 4 §5.3): see backoff.ts. start() connects at once; every ended or failed attempt
//   schedules the next one after backoffDelayMs(attempt); a verified handshake resets the attempt counter.
//   The handshake (TCP/TLS connect + HTTP upgrade) is bounded by handshakeTimeoutS.
// - Listener contract: onDisconnected is called once for every attempt that ends (also attempts that never
//   reached onConnected), after the retry is scheduled (unless stop() was called). When a send fails inside
//   sendText the stream is closed at once, sendText returns false, and onDisconnected follows on the next tick
//   (never nested inside the caller's sendText).
// - Reason/lastError codes: see errors.ts (HTTP status, close code, host stream code or WS_ERR_*).
import { stream_open, stream_close, stream_full } from "../host/abi";
import { logInfo } from "../util/log";
import { base64Encode, base64Len } from "./base64";
import { WsTarget, parseWsUrl } from "./url";
import { backoffDelayMs } from "./backoff";
import { FrameParser, EV_NONE, EV_ERROR, EV_MESSAGE, EV_TOO_BIG, EV_PART, EV_LAST_PART, OP_TEXT, OP_CONT, OP_PING, OP_PONG, OP_CLOSE } from "./frame";
import { FrameWriter } from "./writer";
import { HandshakeReader, HS_MAX_HEADER, KEY_LEN, ACCEPT_LEN, computeAccept, writeRequest } from "./handshake";
import {
  WS_MAX_MESSAGE, WS_ERR_PROFILE, WS_ERR_PASSWORD, WS_ERR_STATION_ID, WS_ERR_NOT_CONFIGURED, WS_ERR_HS_TIMEOUT,
  WS_ERR_HS_CLOSED, WS_ERR_SEND, WS_ERR_PING_TIMEOUT, WS_ERR_HOST, CLOSE_NORMAL, CLOSE_NO_STATUS,
} from "./errors";

export abstract class WsListener {
  /** WebSocket open (handshake verified). */
  abstract onConnected(): void;
  /** One complete text message; the bytes are valid only during the call. */
  abstract onMessage(ptr: usize, len: i32): void;
  /** Lost/closed/failed; reconnection is already scheduled (unless stopped). */
  abstract onDisconnected(reason: i32): void;
  /** A complete text message of `total` bytes, longer than the message buffer: only its first `len` bytes
   *  (valid during the call) were kept. The default drops it. */
  onOversizedMessage(ptr: usize, len: i32, total: i64): void {}
  /** The message buffer is full and the message goes on: its bytes so far (the first part, or what was left
   *  of the previous part followed by new bytes). Returns how many of them the listener consumed (they leave
   *  the buffer). For the first part, 0 or less means the listener does not take this message in parts: it
   *  arrives as an oversized message. A later part must be consumed at least in part (the buffer is full: a
   *  listener that cannot go on must consume and drop the rest itself); 0 drops the whole part. */
  onMessagePart(ptr: usize, len: i32, first: bool): i32 { return -1; }
  /** The end of a message taken in parts: the bytes not consumed yet and the rest (valid during the call). */
  onLastPart(ptr: usize, len: i32): void {}
  /** The host has room again after hasRoom() said no (docs/host-abi.md on_stream_writable). */
  onWritable(): void {}
}

export const WS_IDLE: i32 = 0;
export const WS_WAIT: i32 = 1;
export const WS_CONNECTING: i32 = 2;
export const WS_HANDSHAKE: i32 = 3;
export const WS_OPEN: i32 = 4;
export const WS_CLOSING: i32 = 5;

const CLOSE_ABNORMAL: i32 = 1006;   // §7.4.1: stream ended without a close frame (reported, never sent)
const SCRATCH: i32 = 128;
const MAX_PASSWORD: i32 = 255;

export class WsConnection {
  pingIntervalS: i32 = 120;
  pongTimeoutS: i32 = 30;
  handshakeTimeoutS: i32 = 30;
  closeTimeoutS: i32 = 5;
  backoffWaitMinimumS: i32 = 30;
  backoffRandomRangeS: i32 = 10;
  backoffRepeatTimes: i32 = 2;
  lastError: i32 = 0;

  private listener: WsListener;
  private configured: bool = false;
  private target: WsTarget = new WsTarget();
  private hostBytes: ArrayBuffer = new ArrayBuffer(0);
  private hostHeader: ArrayBuffer = new ArrayBuffer(0);
  private pathBytes: ArrayBuffer = new ArrayBuffer(0);
  private auth: ArrayBuffer | null = null;
  private securityProfile: i32 = 0;

  private state: i32 = WS_IDLE;
  private running: bool = false;
  private handle: i32 = 0;
  private gen: i32 = 0;
  private now: i64 = 0;
  private deadline: i64 = i64.MAX_VALUE;
  /** Consecutive attempts since the last successful handshake: selects the back-off step. */
  private attempt: i32 = 0;
  private lastRxAt: i64 = 0;
  private pingOutstanding: bool = false;
  private pingSentAt: i64 = 0;
  private closeReason: i32 = 0;
  private notifyPending: bool = false;
  private notifyReason: i32 = 0;

  private msgBuf: usize;
  private ctrlBuf: usize;
  private scratch: usize;
  private keyBuf: usize;
  private acceptBuf: usize;
  private parser: FrameParser;
  private reader: HandshakeReader;
  private writer: FrameWriter = new FrameWriter();
  /** The message being received was taken in parts by the listener. */
  private partTaken: bool = false;

  constructor(listener: WsListener) {
    const msg = heap.alloc(<usize>WS_MAX_MESSAGE);
    const ctrl = heap.alloc(128);
    this.listener = listener;
    this.msgBuf = msg;
    this.ctrlBuf = ctrl;
    this.scratch = heap.alloc(<usize>SCRATCH);
    this.keyBuf = heap.alloc(<usize>KEY_LEN);
    this.acceptBuf = heap.alloc(<usize>ACCEPT_LEN);
    this.parser = new FrameParser(msg, WS_MAX_MESSAGE, ctrl);
    this.reader = new HandshakeReader(msg);
    this.parser.offerParts = true;
  }

  /** The inbound message buffer (WS_MAX_MESSAGE bytes); the codec self-test borrows it while no connection runs. */
  messageBuffer(): usize { return this.msgBuf; }

  /** Takes effect at the next connection attempt. 0 ok, < 0 a WS_ERR_* code (nothing changed). */
  configure(url: string, stationId: string, password: string | null, securityProfile: i32): i32 {
    if (securityProfile < 0 || securityProfile > 3) return WS_ERR_PROFILE;
    const t = this.target;
    const rc = parseWsUrl(url, stationId, t);
    if (rc != 0) return rc;
    // Security profiles 0/1 run over plain TCP, 2/3 over TLS (Part 2, security chapter).
    if (t.tls != (securityProfile >= 2)) return WS_ERR_PROFILE;
    let auth: ArrayBuffer | null = null;
    if (securityProfile == 1 || securityProfile == 2) {
      // Part 4 §3.1.1: the identity is the Basic username, so it cannot contain ':'.
      if (stationId.indexOf(":") >= 0) return WS_ERR_STATION_ID;
      // BasicAuthPassword is passwordString[40]; the looser bound only keeps the request within its buffer.
      if (password == null || password.length == 0 || String.UTF8.byteLength(password) > MAX_PASSWORD) return WS_ERR_PASSWORD;
      const cred = String.UTF8.encode(stationId + ":" + password);
      const b64 = new ArrayBuffer(base64Len(cred.byteLength));
      base64Encode(changetype<usize>(cred), cred.byteLength, changetype<usize>(b64));
      auth = b64;
    }
    this.hostBytes = String.UTF8.encode(t.host);
    this.hostHeader = String.UTF8.encode(t.hostHeader);
    this.pathBytes = String.UTF8.encode(t.path);
    this.auth = auth;
    this.securityProfile = securityProfile;
    this.configured = true;
    return 0;
  }

  start(nowMs: i64): void {
    if (nowMs > this.now) this.now = nowMs;
    if (!this.configured) { this.lastError = WS_ERR_NOT_CONFIGURED; return; }
    this.running = true;
    if (this.state == WS_IDLE) { this.attempt = 0; this.connect(); }
  }

  stop(): void {
    this.running = false;
    const s = this.state;
    if (s == WS_WAIT) { this.state = WS_IDLE; this.deadline = i64.MAX_VALUE; }
    else if (s == WS_OPEN) this.close(CLOSE_NORMAL);
    else if (s == WS_CONNECTING || s == WS_HANDSHAKE) this.teardown(CLOSE_NORMAL, true);
  }

  /** Starts the close handshake (§7.1.2); the connection counts as lost, so a reconnection follows if running. */
  close(code: i32, reason: string = ""): void {
    const s = this.state;
    if (s == WS_CONNECTING || s == WS_HANDSHAKE) { this.teardown(code, true); return; }
    if (s != WS_OPEN) return;
    this.closeReason = code;
    if (!this.sendClose(code, reason)) { this.teardown(WS_ERR_SEND, true); return; }
    this.state = WS_CLOSING;
    this.deadline = this.now + <i64>this.closeTimeoutS * 1000;
  }

  isOpen(): bool { return this.state == WS_OPEN; }

  /** False when the host holds more unsent bytes than its mark: the sender should pause its message and go on
   *  at onWritable (the host then owes an on_stream_writable event). */
  // Only 1 is full: a host error (< 0) must not pause an answer for an on_stream_writable that never comes; the
  // send that follows fails and ends the link instead.
  hasRoom(): bool { return this.state != WS_OPEN || stream_full(this.handle) != 1; }

  /** Current state (WS_IDLE ... WS_CLOSING), for diagnostics and tests. */
  getState(): i32 { return this.state; }

  /** Handle of the current stream (0: none). */
  getHandle(): i32 { return this.handle; }

  sendText(ptr: usize, len: i32): bool { return this.sendFragment(ptr, len, true, true); }

  /** One fragment of a text message (RFC 6455 §5.4): the first is a text frame, the others continuation
   *  frames; `last` sets FIN. Nothing may be sent between a message's first and last fragment but control frames. */
  sendFragment(ptr: usize, len: i32, first: bool, last: bool): bool {
    if (this.state != WS_OPEN) return false;
    if (this.writer.send(this.handle, first ? OP_TEXT : OP_CONT, ptr, len, last)) return true;
    // Not notified here: the caller is usually inside a listener callback; tick() reports it.
    this.teardown(WS_ERR_SEND, false);
    this.notifyPending = true;
    this.notifyReason = WS_ERR_SEND;
    return false;
  }

  // ---- host events ------------------------------------------------------------

  onStreamOpen(handle: i32, status: i32): void {
    if (handle != this.handle || handle <= 0 || this.state != WS_CONNECTING) return;
    if (status != 0) { this.teardown(status < 0 ? status : WS_ERR_HS_CLOSED, true); return; }
    const w = this.writer;
    for (let i = 0; i < 16; i += 4) store<u32>(this.scratch + <usize>i, w.rnd.next32());
    base64Encode(this.scratch, 16, this.keyBuf);
    if (w.rnd.failed || !computeAccept(this.keyBuf, this.acceptBuf, this.scratch)) { this.teardown(WS_ERR_HOST, true); return; }
    const req = this.msgBuf + <usize>HS_MAX_HEADER;
    const n = writeRequest(req, this.pathBytes, this.hostHeader, this.keyBuf, this.auth);
    if (!w.sendRaw(handle, req, n)) { this.teardown(WS_ERR_SEND, true); return; }
    this.reader.reset();
    this.state = WS_HANDSHAKE;
  }

  onStreamData(handle: i32, ptr: usize, len: i32): void {
    if (handle != this.handle || handle <= 0 || len <= 0) return;
    const s = this.state;
    if (s == WS_HANDSHAKE) {
      const r = this.reader;
      const used = r.feed(ptr, len);
      if (r.error != 0) { this.teardown(r.error, true); return; }
      if (!r.done) return;
      const rc = r.verify(this.acceptBuf);
      if (rc != 0) { this.teardown(rc, true); return; }
      this.state = WS_OPEN;
      this.attempt = 0;
      this.lastRxAt = this.now;
      this.pingOutstanding = false;
      this.deadline = i64.MAX_VALUE;
      this.parser.reset();
      this.partTaken = false;
      const g = this.gen;
      this.listener.onConnected();
      if (g != this.gen || used >= len) return;
      this.frames(ptr + <usize>used, len - used);
    } else if (s == WS_OPEN || s == WS_CLOSING) {
      this.lastRxAt = this.now;
      this.pingOutstanding = false;
      this.frames(ptr, len);
    }
  }

  onStreamWritable(handle: i32): void {
    if (handle != this.handle || handle <= 0 || this.state != WS_OPEN) return;
    this.listener.onWritable();
  }

  onStreamClosed(handle: i32, reason: i32): void {
    if (handle != this.handle || handle <= 0) return;
    this.handle = 0;   // the host sends nothing more and needs no stream_close
    const s = this.state;
    let r = reason;
    if (r >= 0) r = s == WS_OPEN ? CLOSE_ABNORMAL : s == WS_CLOSING ? this.closeReason : WS_ERR_HS_CLOSED;
    this.teardown(r, true);
  }

  tick(nowMs: i64): void {
    if (nowMs > this.now) this.now = nowMs;
    const now = this.now;
    if (this.notifyPending) {
      this.notifyPending = false;
      this.listener.onDisconnected(this.notifyReason);
    }
    const s = this.state;
    if (s == WS_WAIT) {
      if (now >= this.deadline) this.connect();
    } else if (s == WS_CONNECTING || s == WS_HANDSHAKE) {
      if (now >= this.deadline) this.teardown(WS_ERR_HS_TIMEOUT, true);
    } else if (s == WS_CLOSING) {
      if (now >= this.deadline) this.teardown(this.closeReason, true);
    } else if (s == WS_OPEN) {
      if (this.pingOutstanding) {
        if (now >= this.pingSentAt + <i64>this.pongTimeoutS * 1000) this.teardown(WS_ERR_PING_TIMEOUT, true);
      } else if (this.pingIntervalS > 0 && now >= this.lastRxAt + <i64>this.pingIntervalS * 1000) {
        if (!this.writer.send(this.handle, OP_PING, 0, 0)) { this.teardown(WS_ERR_SEND, true); return; }
        this.pingOutstanding = true;
        this.pingSentAt = now;
      }
    }
  }

  nextWakeup(): i64 {
    if (this.notifyPending) return this.now;
    const s = this.state;
    if (s == WS_OPEN) {
      if (this.pingOutstanding) return this.pingSentAt + <i64>this.pongTimeoutS * 1000;
      return this.pingIntervalS > 0 ? this.lastRxAt + <i64>this.pingIntervalS * 1000 : i64.MAX_VALUE;
    }
    return this.deadline;
  }

  // ---- internals ----------------------------------------------------------------

  private connect(): void {
    this.gen++;
    const h = this.hostBytes;
    const t = this.target;
    const handle = stream_open(changetype<usize>(h), h.byteLength, t.port, t.tls ? 1 : 0, this.securityProfile);
    if (handle <= 0) {
      this.handle = 0;
      this.teardown(handle < 0 ? handle : WS_ERR_HOST, true);
      return;
    }
    this.handle = handle;
    this.state = WS_CONNECTING;
    this.deadline = this.now + <i64>this.handshakeTimeoutS * 1000;
  }

  /** Ends the current stream and schedules the next attempt (if running). */
  private teardown(reason: i32, notify: bool): void {
    if (this.handle > 0) stream_close(this.handle);
    this.handle = 0;
    this.gen++;
    this.lastError = reason;
    this.pingOutstanding = false;
    if (this.running) {
      const d = backoffDelayMs(this.attempt, this.backoffWaitMinimumS, this.backoffRandomRangeS, this.backoffRepeatTimes, this.writer.rnd.next32());
      this.attempt++;
      this.state = WS_WAIT;
      this.deadline = this.now + d;
      logInfo("ws: connection ended (" + reason.toString() + "), retry in " + d.toString() + " ms");
    } else {
      this.state = WS_IDLE;
      this.deadline = i64.MAX_VALUE;
    }
    if (notify) this.listener.onDisconnected(reason);
  }

  private frames(ptr: usize, len: i32): void {
    const p = this.parser;
    const g = this.gen;
    let i = 0;
    while (i < len) {
      i += p.feed(ptr + <usize>i, len - i);
      const ev = p.event;
      if (ev == EV_NONE) continue;
      if (ev == EV_ERROR) {
        // §7.1.7: fail the connection — our close frame (best effort), then drop the stream.
        if (this.state == WS_OPEN) this.sendClose(p.errorCode, "");
        this.teardown(p.errorCode, true);
        return;
      }
      if (ev == EV_MESSAGE) {
        if (this.state != WS_OPEN) continue;   // closing: data is dropped (§5.5.1)
        this.listener.onMessage(p.msgBuf, p.eventLen);
        if (g != this.gen) return;
        continue;
      }
      if (ev == EV_PART) {
        if (this.state != WS_OPEN) { p.consumePart(-1); continue; }
        const first = !this.partTaken;
        let n = this.listener.onMessagePart(p.msgBuf, p.eventLen, first);
        if (g != this.gen) return;
        if (first) {
          // A first part the listener does not take: the message is kept as an oversized one.
          if (n <= 0) { p.consumePart(-1); continue; }
          this.partTaken = true;
        } else if (n <= 0) n = p.eventLen;   // no progress on a full buffer would offer the same part again
        p.consumePart(n);
        continue;
      }
      if (ev == EV_LAST_PART) {
        this.partTaken = false;
        if (this.state != WS_OPEN) continue;
        this.listener.onLastPart(p.msgBuf, p.eventLen);
        if (g != this.gen) return;
        continue;
      }
      if (ev == EV_TOO_BIG) {
        this.partTaken = false;
        if (this.state != WS_OPEN) continue;
        this.listener.onOversizedMessage(p.msgBuf, p.eventLen, p.eventTotal);
        if (g != this.gen) return;
        continue;
      }
      const op = p.eventOpcode;
      if (op == OP_CLOSE) {
        const code = p.closeCode();
        if (this.state == WS_OPEN) {
          // §5.5.1: echo the peer's code; a close without code is answered without one.
          this.writer.send(this.handle, OP_CLOSE, p.ctrlBuf, code == CLOSE_NO_STATUS ? 0 : 2);
          this.teardown(code, true);
        } else {
          this.teardown(this.closeReason, true);
        }
        return;
      }
      if (op == OP_PING && this.state == WS_OPEN) {
        if (!this.writer.send(this.handle, OP_PONG, p.ctrlBuf, p.eventLen)) { this.teardown(WS_ERR_SEND, true); return; }
      }
      // pong: liveness was already noted when the bytes arrived
    }
  }

  private sendClose(code: i32, reason: string): bool {
    const b = this.scratch;
    store<u8>(b, <u8>(code >> 8));
    store<u8>(b + 1, <u8>code);
    let n = 2;
    if (reason.length > 0) {
      const r = String.UTF8.encode(reason);
      let rl = r.byteLength;
      if (rl > 123) rl = 123;   // control payload ≤ 125 bytes (§5.5)
      memory.copy(b + 2, changetype<usize>(r), <usize>rl);
      n += rl;
    }
    return this.writer.send(this.handle, OP_CLOSE, b, n);
  }
}
