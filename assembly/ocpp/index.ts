// The OCPP 2.0.1 message layer: JSON reader/writer, schema tables, the generic
// validating decoder and encoder, the OCPP-J envelope, generated constants.
export { RpcError, rpcErrorName, lastErrorPtr, lastErrorLen } from "./errors";
export { JsonReader } from "./json-reader";
export { JsonWriter } from "./json-writer";
export { JsonSink } from "./json-sink";
export { Tape } from "./tape";
export { decodePayload, decodeVerbatim, decodeArrayElement, decodedRef, decodeMember, payloadError, payloadTypeError } from "./decode";
export { valueEnd } from "./json-extent";
export { clearError, errAppend, errAppendBytes, errAppendInt } from "./errors";
export { encodePayload } from "./encode";
export { Frame, parseFrameHeader, parseFramePayload, MAX_MESSAGE_ID, ID_CAP } from "./frame";
export { findEnum, enumValuePtr, enumValueLen, findProp, isOpen, memberCount, propRequired, propIsArray, propA, propB } from "./schema";
export { NO_LIMIT } from "./schema";
export { propRef, propNamePtr, propNameLen } from "./schema";
export { actionByName, actionName, actionNamePtr, actionNameLen, actionRequestType, actionResponseType } from "./schema";
export { ACTION_COUNT, TYPE_COUNT } from "./gen/tables";
export * from "./gen/names";
