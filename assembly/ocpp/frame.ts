// The OCPP-J envelope (Part 4 §4.2): [2, id, action, payload], [3, id, payload],
// [4, id, errorCode, errorDescription, errorDetails] — read in the same pass as the payload.
import { JsonReader } from "./json-reader";
import { Tape } from "./tape";
import { decodePayload } from "./decode";
import { actionByName } from "./schema";
import { RpcError, clearError, errAppend } from "./errors";

export const ID_CAP: i32 = 36 * 4;   // 36 characters of up to 4 UTF-8 bytes
export const MAX_MESSAGE_ID: i32 = 36;   // Part 4 §4.1.4: string[36]
const NAME_CAP: i32 = 64;
const DESC_CAP: i32 = 256;

export class Frame {
  messageType: i32 = 0;
  idPtr: usize = heap.alloc(<usize>ID_CAP);
  idLen: i32 = -1;
  action: i32 = -1;
  actionPtr: usize = heap.alloc(<usize>NAME_CAP);
  actionLen: i32 = 0;
  errCodePtr: usize = heap.alloc(<usize>NAME_CAP);
  errCodeLen: i32 = 0;
  errDescPtr: usize = heap.alloc(<usize>DESC_CAP);
  errDescLen: i32 = 0;
}

function envelopeError(code: i32, reason: string): i32 {
  clearError();
  errAppend(reason);
  return code;
}

/** Reads up to the payload (or errorDetails). See docs/architecture.md for the error codes. */
export function parseFrameHeader(r: JsonReader, ptr: usize, len: i32, f: Frame): i32 {
  r.reset(ptr, len);
  f.messageType = 0; f.idLen = -1; f.action = -1; f.actionLen = 0; f.errCodeLen = 0; f.errDescLen = 0;
  if (!r.eat(0x5b)) return envelopeError(RpcError.RpcFrameworkError, "message is not a JSON array");
  if (!r.readNumber() || !r.integral || r.exp != 0 || r.mantissa < 0 || r.mantissa > 1000) {
    return envelopeError(RpcError.RpcFrameworkError, "message type is not an integer");
  }
  f.messageType = <i32>r.mantissa;
  if (!r.eat(0x2c) || r.peek() != 0x22) return envelopeError(RpcError.RpcFrameworkError, "message id missing");
  const idLen = r.readString(f.idPtr, ID_CAP);
  if (idLen < 0 || r.codePoints > MAX_MESSAGE_ID) return envelopeError(RpcError.RpcFrameworkError, "message id unreadable or longer than 36");
  f.idLen = idLen;
  if (f.messageType < 2 || f.messageType > 4) return envelopeError(RpcError.MessageTypeNotSupported, "unknown message type");
  if (!r.eat(0x2c)) return envelopeError(RpcError.RpcFrameworkError, "message truncated");
  if (f.messageType == 2) {
    if (r.peek() != 0x22) return envelopeError(RpcError.RpcFrameworkError, "action is not a string");
    const n = r.readString(f.actionPtr, NAME_CAP);
    if (n == -1) return envelopeError(RpcError.RpcFrameworkError, "action is not a string");
    f.actionLen = max(n, 0);
    f.action = n >= 0 ? actionByName(f.actionPtr, n) : -1;
    if (!r.eat(0x2c)) return envelopeError(RpcError.RpcFrameworkError, "payload missing");
  } else if (f.messageType == 4) {
    if (r.peek() != 0x22) return envelopeError(RpcError.RpcFrameworkError, "errorCode is not a string");
    f.errCodeLen = max(r.readString(f.errCodePtr, NAME_CAP), 0);
    if (!r.eat(0x2c) || r.peek() != 0x22) return envelopeError(RpcError.RpcFrameworkError, "errorDescription missing");
    const d = r.readString(f.errDescPtr, DESC_CAP);
    f.errDescLen = max(d, 0);
    if (d == -1 || !r.eat(0x2c)) return envelopeError(RpcError.RpcFrameworkError, "errorDetails missing");
  }
  return RpcError.None;
}

/** Decodes the payload as `type` (-1: CALLERROR details, only checked to be an object) and the closing ']'. */
export function parseFramePayload(r: JsonReader, type: i32, tape: Tape, f: Frame): i32 {
  if (type < 0) {
    if (r.peek() != 0x7b || !r.skipValue(16)) return envelopeError(RpcError.RpcFrameworkError, "errorDetails is not an object");
  } else {
    const rc = decodePayload(r, type, tape);
    if (rc != RpcError.None) return rc;
  }
  if (!r.eat(0x5d) || !r.atEnd()) return envelopeError(RpcError.RpcFrameworkError, "unexpected content after the payload");
  return RpcError.None;
}
