// Incremental parser for server→client frames (RFC 6455 §5). It is fed arbitrary chunks, keeps its whole state
// in fields (no allocation per frame) and stops after each event so the caller can act on it — including
// sending frames from inside a listener callback — before feeding the rest of the chunk.
// Data frames are reassembled into one preallocated message buffer; control frames (which may arrive between
// fragments, §5.4) go to a separate 125-byte buffer so they never disturb a message being assembled.
// A message longer than the buffer is not a protocol error. When the buffer is full and more of the message
// comes, EV_PART offers the bytes so far: the caller says how many it consumed (consumePart); the rest moves to
// the buffer's front and filling goes on, and the message's end comes as EV_LAST_PART. A caller that cannot
// take a part (consumePart(-1)) gets today's oversized path: the first msgCap bytes are kept (enough for the
// OCPP-J envelope, so the RPC can answer it), the rest is checked as UTF-8 and dropped, and EV_TOO_BIG reports
// it when it ends. Nothing here grows with the message: any length costs the same memory.
import { validUtf8, Utf8Stream } from "./utf8";
import { CLOSE_PROTOCOL, CLOSE_UNSUPPORTED, CLOSE_INVALID_DATA, CLOSE_NO_STATUS } from "./errors";

export const EV_NONE: i32 = 0;
export const EV_MESSAGE: i32 = 1;  // complete text message in msgBuf[0, eventLen)
export const EV_CONTROL: i32 = 2;  // ping / pong / close (eventOpcode) with payload ctrlBuf[0, eventLen)
export const EV_ERROR: i32 = 3;    // protocol violation; errorCode is the close code to send; parser stays dead
export const EV_TOO_BIG: i32 = 4;  // complete text message of eventTotal bytes; only msgBuf[0, eventLen) kept
export const EV_PART: i32 = 5;     // the buffer is full and the message goes on: msgBuf[0, eventLen), see consumePart
export const EV_LAST_PART: i32 = 6; // the end of a message taken in parts: its last bytes in msgBuf[0, eventLen)

export const OP_CONT: i32 = 0;
export const OP_TEXT: i32 = 1;
export const OP_BINARY: i32 = 2;
export const OP_CLOSE: i32 = 8;
export const OP_PING: i32 = 9;
export const OP_PONG: i32 = 10;

const CTRL_MAX: i32 = 125;

export class FrameParser {
  readonly msgBuf: usize;
  readonly msgCap: i32;
  readonly ctrlBuf: usize;

  event: i32 = EV_NONE;
  eventOpcode: i32 = 0;
  eventLen: i32 = 0;
  /** Whole length of the message of an EV_MESSAGE / EV_TOO_BIG event (bytes). */
  eventTotal: i64 = 0;
  errorCode: i32 = 0;
  /** Offer a message longer than the buffer in parts (EV_PART); off, it is kept as an oversized one. */
  offerParts: bool = false;

  private dead: bool = false;
  private hdrLen: i32 = 0;     // header bytes seen of the current frame
  private hdrNeed: i32 = 2;
  private b0: i32 = 0;
  private b1: i32 = 0;
  private extLen: u64 = 0;
  private inPayload: bool = false;
  private remaining: i64 = 0;
  private msgOpcode: i32 = 0;  // 0: no fragmented message in progress
  private msgLen: i32 = 0;     // bytes kept in msgBuf
  private msgTotal: i64 = 0;   // bytes of the message so far, kept or not
  private parted: bool = false;    // a part of the current message was consumed
  private dropping: bool = false;  // the current message is not taken in parts: the bytes past msgCap are dropped
  private utf8: Utf8Stream = new Utf8Stream();
  private ctrlLen: i32 = 0;

  constructor(msgBuf: usize, msgCap: i32, ctrlBuf: usize) {
    this.msgBuf = msgBuf;
    this.msgCap = msgCap;
    this.ctrlBuf = ctrlBuf;
  }

  reset(): void {
    this.event = EV_NONE;
    this.dead = false;
    this.hdrLen = 0;
    this.hdrNeed = 2;
    this.inPayload = false;
    this.msgOpcode = 0;
    this.msgLen = 0;
    this.msgTotal = 0;
    this.parted = false;
    this.dropping = false;
    this.utf8.reset();
  }

  /** After EV_PART: the caller consumed the first n bytes of the part (they leave the buffer), or could not take
   *  it (n < 0: the message is kept as an oversized one). n = 0 is allowed only while the buffer is not full. */
  consumePart(n: i32): void {
    if (n < 0) { this.dropping = true; return; }
    if (n == 0) return;
    const rest = this.msgLen - n;
    memory.copy(this.msgBuf, this.msgBuf + <usize>n, <usize>rest);
    this.msgLen = rest;
    this.parted = true;
  }

  /** Consumes bytes up to and including the next event; returns how many were consumed. */
  feed(ptr: usize, len: i32): i32 {
    this.event = EV_NONE;
    if (this.dead) return len;
    let i = 0;
    while (i < len) {
      if (!this.inPayload) {
        const b = <i32>load<u8>(ptr + <usize>i);
        i++;
        const n = this.hdrLen++;
        if (n == 0) this.b0 = b;
        else if (n == 1) {
          this.b1 = b;
          const rc = this.checkStart();
          if (rc != 0) return this.fail(i, rc);
        } else this.extLen = (this.extLen << 8) | <u64>b;
        if (this.hdrLen < this.hdrNeed) continue;
        const rc = this.beginPayload();
        if (rc != 0) return this.fail(i, rc);
      }
      const op = this.b0 & 15;
      let n = len - i;
      if (<i64>n > this.remaining) n = <i32>this.remaining;
      if (op >= 8) {
        memory.copy(this.ctrlBuf + <usize>this.ctrlLen, ptr + <usize>i, <usize>n);
        this.ctrlLen += n;
      } else {
        if (this.offerParts && !this.dropping) {
          if (n > 0 && this.msgLen == this.msgCap) {
            // Full, and more of the message is here: offer what is kept before taking more (nothing consumed yet).
            this.event = EV_PART;
            this.eventLen = this.msgLen;
            return i;
          }
          n = min(n, this.msgCap - this.msgLen);   // the rest waits for the next part
        }
        if (!this.utf8.feed(ptr + <usize>i, n)) return this.fail(i + n, CLOSE_INVALID_DATA);
        const keep = min(n, this.msgCap - this.msgLen);
        memory.copy(this.msgBuf + <usize>this.msgLen, ptr + <usize>i, <usize>keep);
        this.msgLen += keep;
        this.msgTotal += <i64>n;
      }
      i += n;
      this.remaining -= <i64>n;
      if (this.remaining > 0) continue;
      this.inPayload = false;
      if (op >= 8) {
        if (op == OP_CLOSE) {
          const rc = this.checkClose();
          if (rc != 0) return this.fail(i, rc);
        }
        this.event = EV_CONTROL;
        this.eventOpcode = op;
        this.eventLen = this.ctrlLen;
        return i;
      }
      if ((this.b0 & 0x80) != 0) {
        // Only text reaches here (binary is refused at its header); a character may not stay unfinished.
        if (!this.utf8.complete()) return this.fail(i, CLOSE_INVALID_DATA);
        this.event = this.parted && !this.dropping ? EV_LAST_PART : this.msgTotal > <i64>this.msgLen ? EV_TOO_BIG : EV_MESSAGE;
        this.eventOpcode = this.msgOpcode;
        this.eventLen = this.msgLen;
        this.eventTotal = this.msgTotal;
        this.msgOpcode = 0;
        this.msgLen = 0;   // the bytes stay valid until the next feed
        return i;
      }
    }
    return i;
  }

  /** Close code of an EV_CONTROL close event (1005 when the peer sent none). */
  closeCode(): i32 {
    if (this.eventLen < 2) return CLOSE_NO_STATUS;
    return (<i32>load<u8>(this.ctrlBuf) << 8) | <i32>load<u8>(this.ctrlBuf + 1);
  }

  private fail(consumed: i32, code: i32): i32 {
    this.dead = true;
    this.event = EV_ERROR;
    this.errorCode = code;
    return consumed;
  }

  // First two header bytes: everything except the length can be judged now (§5.2, §5.4, §5.5).
  private checkStart(): i32 {
    const b0 = this.b0;
    const b1 = this.b1;
    const op = b0 & 15;
    const len7 = b1 & 0x7f;
    if ((b0 & 0x70) != 0) return CLOSE_PROTOCOL;      // no extension negotiated, RSV must be 0
    if ((b1 & 0x80) != 0) return CLOSE_PROTOCOL;      // server frames are never masked (§5.1)
    if (op >= 8) {
      if (op > OP_PONG) return CLOSE_PROTOCOL;
      if ((b0 & 0x80) == 0 || len7 > CTRL_MAX) return CLOSE_PROTOCOL;
    } else {
      if (op > OP_BINARY) return CLOSE_PROTOCOL;
      if (op == OP_CONT && this.msgOpcode == 0) return CLOSE_PROTOCOL;
      if (op != OP_CONT && this.msgOpcode != 0) return CLOSE_PROTOCOL;
      // OCPP-J carries text only; a binary message is refused rather than buffered.
      if (op == OP_BINARY) return CLOSE_UNSUPPORTED;
    }
    this.extLen = 0;
    this.hdrNeed = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
    return 0;
  }

  private beginPayload(): i32 {
    const len7 = this.b1 & 0x7f;
    const op = this.b0 & 15;
    const plen: u64 = len7 < 126 ? <u64>len7 : this.extLen;
    this.hdrLen = 0;
    this.hdrNeed = 2;
    if ((plen >> 63) != 0) return CLOSE_PROTOCOL;      // §5.2: the most significant bit must be 0
    if (op >= 8) {
      this.ctrlLen = 0;
    } else if (op != OP_CONT) {
      this.msgOpcode = op;
      this.msgLen = 0;
      this.msgTotal = 0;
      this.parted = false;
      this.dropping = false;
      this.utf8.reset();
    }
    this.remaining = <i64>plen;
    this.inPayload = true;
    return 0;
  }

  private checkClose(): i32 {
    const n = this.ctrlLen;
    if (n == 0) return 0;
    if (n == 1) return CLOSE_PROTOCOL;
    const code = (<i32>load<u8>(this.ctrlBuf) << 8) | <i32>load<u8>(this.ctrlBuf + 1);
    // §7.4: codes a peer may put on the wire.
    const ok = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    if (!ok) return CLOSE_PROTOCOL;
    if (!validUtf8(this.ctrlBuf + 2, n - 2)) return CLOSE_INVALID_DATA;
    return 0;
  }
}
