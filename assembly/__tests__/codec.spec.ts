import { JsonReader, JsonWriter, Tape, decodePayload, decodeVerbatim, encodePayload, RpcError, lastErrorPtr, lastErrorLen,
  Frame, parseFrameHeader, parseFramePayload, Action, actionByName, actionRequestType, actionResponseType,
  BootNotificationRequest, BootNotificationResponse, ChargingStationType, BootReasonEnumType,
  RegistrationStatusEnumType, GetVariablesRequest, ACTION_COUNT, actionName } from "../ocpp";

const input = heap.alloc(8192);
const tape = new Tape(4096, 8192);
const reader = new JsonReader();
const frame = new Frame();

function decode(type: i32, s: string): i32 {
  const b = String.UTF8.encode(s);
  memory.copy(input, changetype<usize>(b), <usize>b.byteLength);
  tape.reset();
  reader.reset(input, b.byteLength);
  return decodePayload(reader, type, tape);
}
function lastError(): string { return String.UTF8.decodeUnsafe(lastErrorPtr(), <usize>lastErrorLen()); }
function header(s: string): i32 {
  const b = String.UTF8.encode(s);
  memory.copy(input, changetype<usize>(b), <usize>b.byteLength);
  return parseFrameHeader(reader, input, b.byteLength, frame);
}

/** decodeVerbatim of `s` into `tape` (in place when asked); the bytes it would send, or "" when it would encode. */
function verbatim(type: i32, s: string, inPlace: bool): string {
  const b = String.UTF8.encode(s);
  memory.copy(input, changetype<usize>(b), <usize>b.byteLength);
  tape.reset();
  tape.inPlace = inPlace;
  reader.reset(input, b.byteLength);
  const rc = decodeVerbatim(reader, type, tape);
  tape.inPlace = false;
  if (rc != RpcError.None) return "error";
  return tape.verbatimLen > 0 ? String.UTF8.decodeUnsafe(tape.verbatimPtr, <usize>tape.verbatimLen) : "";
}

describe("decoder", () => {
  it("keeps the bytes it decoded for sending as they are, unless an escape was unescaped over them in place", () => {
    const type = actionRequestType(Action.BootNotification);
    const plain = "{\"reason\":\"PowerUp\",\"chargingStation\":{\"model\":\"m\",\"vendorName\":\"v\"}}";
    const esc = "{\"reason\":\"PowerUp\",\"chargingStation\":{\"model\":\"a\\\"b\",\"vendorName\":\"v\"}}";
    expect<string>(verbatim(type, plain, false)).toBe(plain);
    expect<string>(verbatim(type, plain, true)).toBe(plain);
    expect<string>(verbatim(type, esc, false)).toBe(esc, "the arena took the unescaped text");
    expect<string>(verbatim(type, esc, true)).toBe("", "in place, the bytes changed: encoded from the tape");
    expect<bool>(tape.strEquals(tape.getObject(tape.root, BootNotificationRequest.chargingStation), ChargingStationType.model, "a\"b")).toBe(true);
    const w = new JsonWriter(1024);
    expect<bool>(encodePayload(w, tape, tape.root)).toBe(true);
    expect<bool>(String.UTF8.decodeUnsafe(w.ptr(), <usize>w.len()).includes("\"model\":\"a\\\"b\"")).toBe(true, "escaped again");
  });
  it("decodes into the tape with generated property constants", () => {
    const type = actionResponseType(Action.BootNotification);
    expect<i32>(decode(type, "{\"currentTime\":\"2026-01-01T00:00:00Z\",\"interval\":300,\"status\":\"Pending\"}")).toBe(RpcError.None);
    expect<i64>(tape.getInt(tape.root, BootNotificationResponse.interval)).toBe(300);
    expect<i32>(tape.getEnum(tape.root, BootNotificationResponse.status)).toBe(RegistrationStatusEnumType.Pending);
    expect<bool>(tape.strEquals(tape.root, BootNotificationResponse.currentTime, "2026-01-01T00:00:00Z")).toBe(true);
    expect<bool>(tape.has(tape.root, BootNotificationResponse.statusInfo)).toBe(false);
  });
  it("names the field path in errors", () => {
    const type = actionRequestType(Action.BootNotification);
    expect<i32>(decode(type, "{\"reason\":\"PowerUp\",\"chargingStation\":{\"model\":\"m\"}}")).toBe(RpcError.OccurrenceConstraintViolation);
    expect<string>(lastError()).toBe("chargingStation.vendorName: required");
    expect<i32>(decode(actionRequestType(Action.GetVariables), "{\"getVariableData\":[{\"component\":{\"name\":1},\"variable\":{\"name\":\"v\"}}]}")).toBe(RpcError.TypeConstraintViolation);
    expect<string>(lastError()).toBe("getVariableData[0].component.name: not a string");
  });
  it("rejects duplicates, unknown properties, empty required arrays", () => {
    const type = actionRequestType(Action.BootNotification);
    expect<i32>(decode(type, "{\"reason\":\"PowerUp\",\"reason\":\"PowerUp\",\"chargingStation\":{\"model\":\"m\",\"vendorName\":\"v\"}}")).toBe(RpcError.ProtocolError);
    expect<i32>(decode(type, "{\"reason\":\"PowerUp\",\"chargingStation\":{\"model\":\"m\",\"vendorName\":\"v\",\"x\":1}}")).toBe(RpcError.ProtocolError);
    expect<i32>(decode(actionRequestType(Action.GetVariables), "{\"getVariableData\":[]}")).toBe(RpcError.OccurrenceConstraintViolation);
  });
  it("keeps customData open but still validated", () => {
    const type = actionRequestType(Action.BootNotification);
    expect<i32>(decode(type, "{\"customData\":{\"vendorId\":\"v\",\"extra\":[1,{\"y\":2}]},\"reason\":\"PowerUp\",\"chargingStation\":{\"model\":\"m\",\"vendorName\":\"v\"}}")).toBe(RpcError.None);
    expect<i32>(decode(type, "{\"customData\":{\"extra\":1},\"reason\":\"PowerUp\",\"chargingStation\":{\"model\":\"m\",\"vendorName\":\"v\"}}")).toBe(RpcError.OccurrenceConstraintViolation);
  });
  it("fails cleanly on every truncation of a valid payload", () => {
    const doc = "{\"getVariableData\":[{\"component\":{\"name\":\"A\",\"evse\":{\"id\":1}},\"variable\":{\"name\":\"B\"},\"attributeType\":\"Target\"}]}";
    const type = actionRequestType(Action.GetVariables);
    for (let i = 0; i < doc.length; i++) expect<bool>(decode(type, doc.substring(0, i)) != RpcError.None).toBe(true);
    expect<i32>(decode(type, doc)).toBe(RpcError.None);
    expect<i32>(tape.arrayLength(tape.root, GetVariablesRequest.getVariableData)).toBe(1);
  });
});

describe("encoder and builders", () => {
  it("builds a BootNotificationRequest and writes it in schema order", () => {
    tape.reset();
    const root = tape.newRoot(actionRequestType(Action.BootNotification));
    tape.setEnum(root, BootNotificationRequest.reason, BootReasonEnumType.PowerUp);
    const cs = tape.newObject(root, BootNotificationRequest.chargingStation);
    tape.setString(cs, ChargingStationType.vendorName, "V\"");
    tape.setString(cs, ChargingStationType.model, "M");
    const w = new JsonWriter(512);
    expect<bool>(encodePayload(w, tape, root)).toBe(true);
    expect<string>(String.UTF8.decodeUnsafe(w.ptr(), <usize>w.len())).toBe("{\"chargingStation\":{\"model\":\"M\",\"vendorName\":\"V\\\"\"},\"reason\":\"PowerUp\"}");
  });
  it("refuses to write a message missing a required property", () => {
    tape.reset();
    const root = tape.newRoot(actionRequestType(Action.BootNotification));
    tape.setEnum(root, BootNotificationRequest.reason, BootReasonEnumType.PowerUp);
    expect<bool>(encodePayload(new JsonWriter(512), tape, root)).toBe(false);
  });
});

describe("OCPP-J frames", () => {
  it("reads CALL, CALLRESULT and CALLERROR headers", () => {
    expect<i32>(header("[2,\"a1\",\"Heartbeat\",{}]")).toBe(RpcError.None);
    expect<i32>(frame.messageType).toBe(2);
    expect<i32>(frame.action).toBe(Action.Heartbeat);
    expect<i32>(parseFramePayload(reader, actionRequestType(frame.action), tape, frame)).toBe(RpcError.None);
    expect<i32>(header("[3,\"a2\",{}]")).toBe(RpcError.None);
    expect<i32>(header("[4,\"a3\",\"NotSupported\",\"x\",{}]")).toBe(RpcError.None);
    expect<i32>(frame.errCodeLen).toBe(12);
    expect<i32>(parseFramePayload(reader, -1, tape, frame)).toBe(RpcError.None);
  });
  it("maps envelope errors", () => {
    expect<i32>(header("{}")).toBe(RpcError.RpcFrameworkError);
    expect<i32>(header("[2,5,\"Heartbeat\",{}]")).toBe(RpcError.RpcFrameworkError);
    expect<i32>(frame.idLen).toBe(-1);
    expect<i32>(header("[2,\"0123456789012345678901234567890123456\",\"Heartbeat\",{}]")).toBe(RpcError.RpcFrameworkError);
    expect<i32>(header("[9,\"id\",{}]")).toBe(RpcError.MessageTypeNotSupported);
    expect<i32>(frame.idLen).toBe(2);
    expect<i32>(header("[2,\"id\",\"NoSuchAction\",{}]")).toBe(RpcError.None);
    expect<i32>(frame.action).toBe(-1);
    expect<i32>(header("[2,\"id\",\"Heartbeat\",{}] x")).toBe(RpcError.None);
    expect<i32>(parseFramePayload(reader, actionRequestType(Action.Heartbeat), tape, frame)).toBe(RpcError.RpcFrameworkError);
  });
  it("finds every action by name", () => {
    const b = String.UTF8.encode("TransactionEvent");
    expect<i32>(actionByName(changetype<usize>(b), b.byteLength)).toBe(Action.TransactionEvent);
    // Every action (a binary search over the sorted table), and near misses of each.
    for (let a = 0; a < ACTION_COUNT; a++) {
      const name = actionName(a);
      const n = String.UTF8.encode(name);
      expect<i32>(actionByName(changetype<usize>(n), n.byteLength)).toBe(a, name);
      const longer = String.UTF8.encode(name + "a"), lower = String.UTF8.encode(name.toLowerCase());
      expect<i32>(actionByName(changetype<usize>(longer), longer.byteLength)).toBe(-1);
      expect<i32>(actionByName(changetype<usize>(lower), lower.byteLength)).toBe(-1);
      const shorter = String.UTF8.encode(name.substring(0, name.length - 1));
      const s = actionByName(changetype<usize>(shorter), shorter.byteLength);
      expect<bool>(s == -1 || actionName(s) == name.substring(0, name.length - 1)).toBe(true);
    }
    expect<i32>(actionByName(changetype<usize>(b), 0)).toBe(-1);
    expect<i32>(actionByName(changetype<usize>(b), -1)).toBe(-1);
  });
});
