// OCPP-J error codes (Part 4 §4.3) and the description of the last decode error.
// Mapping used by the decoder (docs/architecture.md):
//   JSON syntax, bad escapes, nesting/size bounds        → FormatViolation
//   missing required property, minItems/maxItems        → OccurrenceConstraintViolation
//   wrong JSON type (incl. fraction for an integer)      → TypeConstraintViolation
//   not in enum, too long, out of range, bad date-time   → PropertyConstraintViolation
//   property not in the schema, duplicated property      → ProtocolError
//   unreadable envelope or message id                    → RpcFrameworkError
export const enum RpcError {
  None = 0, FormatViolation = 1, GenericError = 2, InternalError = 3, MessageTypeNotSupported = 4,
  NotImplemented = 5, NotSupported = 6, OccurrenceConstraintViolation = 7, PropertyConstraintViolation = 8,
  ProtocolError = 9, RpcFrameworkError = 10, SecurityError = 11, TypeConstraintViolation = 12,
}

export function rpcErrorName(code: i32): string {
  switch (code) {
    case RpcError.FormatViolation: return "FormatViolation";
    case RpcError.InternalError: return "InternalError";
    case RpcError.MessageTypeNotSupported: return "MessageTypeNotSupported";
    case RpcError.NotImplemented: return "NotImplemented";
    case RpcError.NotSupported: return "NotSupported";
    case RpcError.OccurrenceConstraintViolation: return "OccurrenceConstraintViolation";
    case RpcError.PropertyConstraintViolation: return "PropertyConstraintViolation";
    case RpcError.ProtocolError: return "ProtocolError";
    case RpcError.RpcFrameworkError: return "RpcFrameworkError";
    case RpcError.SecurityError: return "SecurityError";
    case RpcError.TypeConstraintViolation: return "TypeConstraintViolation";
    default: return "GenericError";
  }
}

const ERR_CAP: i32 = 240;
const errBuf: usize = heap.alloc(<usize>ERR_CAP);
let errLen: i32 = 0;

export function lastErrorPtr(): usize { return errBuf; }
export function lastErrorLen(): i32 { return errLen; }

export function clearError(): void { errLen = 0; }

/** Appends bytes to the error description, silently truncating at its capacity. */
export function errAppendBytes(ptr: usize, len: i32): void {
  const n = min(len, ERR_CAP - errLen);
  if (n <= 0) return;
  memory.copy(errBuf + <usize>errLen, ptr, <usize>n);
  errLen += n;
}

export function errAppend(s: string): void {
  for (let i = 0; i < s.length && errLen < ERR_CAP; i++) {
    store<u8>(errBuf + <usize>errLen, <u8>s.charCodeAt(i));
    errLen++;
  }
}

export function errAppendInt(v: i32): void { errAppend(v.toString()); }
