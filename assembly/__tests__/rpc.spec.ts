import { Rpc } from "../rpc/rpc";
import { RpcApp, CallFailure } from "../rpc/app";
import {
  Tape, RpcError, Action, actionRequestType, HeartbeatResponse, GetVariablesResponse, GetVariableResultType,
  ComponentType, VariableType, GetVariableStatusEnumType, GetVariableDataType, JsonReader, decodePayload,
  rpcErrorName, lastErrorPtr, lastErrorLen,
} from "../ocpp";
import { TRANSMIT_CAPACITY } from "../core/limits";

/** Records what the RPC layer would put on the wire instead of using a WebSocket. */
class WireRpc extends Rpc {
  sent: string[] = [];
  up: bool = true;
  protected send(ptr: usize, len: i32): bool { this.sent.push(String.UTF8.decodeUnsafe(ptr, <usize>len)); return true; }
  /** Fragments as sent: their lengths, and flags 1 first / 2 last; a finished message is also in `sent`. */
  pieces: i32[] = [];
  pieceFlags: i32[] = [];
  private partial: string = "";
  abandoned: i32 = 0;
  sendPiece(ptr: usize, len: i32, first: bool, last: bool): bool {
    this.pieces.push(len);
    this.pieceFlags.push((first ? 1 : 0) | (last ? 2 : 0));
    this.partial += String.UTF8.decodeUnsafe(ptr, <usize>len);
    if (last) { this.sent.push(this.partial); this.partial = ""; }
    return true;
  }
  protected abandonMessage(): void { this.abandoned++; this.partial = ""; }
  protected linkUp(): bool { return this.up; }
  /** The host's send queue over its mark, at random: in `fullPercent` % of the questions; `asked` counts them. */
  fullPercent: i32 = 0;
  asked: i32 = 0;
  protected linkFull(): bool { this.asked++; return this.fullPercent > 0 && rnd(100) < this.fullPercent; }
  deliver(s: string): void {
    const b = String.UTF8.encode(s);
    this.onMessage(changetype<usize>(b), b.byteLength);
  }
  /** The message as the WebSocket hands on one longer than its buffer of `cap` bytes: a part each time the
   *  buffer is full and more comes (what is not consumed stays at its front), then the last part. */
  deliverInParts(s: string, cap: i32): void {
    const b = String.UTF8.encode(s);
    const src = changetype<usize>(b), total = b.byteLength;
    const buf = heap.alloc(<usize>cap);
    let kept = 0, at = 0, first = true;
    while (at < total) {
      if (kept == cap) {
        let n = this.onMessagePart(buf, kept, first);
        if (first && n <= 0) { this.onOversizedMessage(buf, cap, total); heap.free(buf); return; }
        first = false;
        if (n <= 0) n = kept;
        memory.copy(buf, buf + <usize>n, <usize>(kept - n));
        kept -= n;
      }
      const k = min(cap - kept, total - at);
      memory.copy(buf + <usize>kept, src + <usize>at, <usize>k);
      kept += k;
      at += k;
    }
    if (first) this.onMessage(buf, kept);
    else this.onLastPart(buf, kept);
    heap.free(buf);
  }
  /** What the WebSocket hands on for a message of `total` bytes whose first bytes are `head`. */
  deliverOversized(head: string, total: i64): void {
    const b = String.UTF8.encode(head);
    this.onOversizedMessage(changetype<usize>(b), b.byteLength, total);
  }
}

class FakeApp extends RpcApp {
  wantHeartbeats: i32 = 0;
  results: i32 = 0;
  failures: i32[] = [];
  lastTime: string = "";
  /** onInvalidMessage: action and error, one pair per call. */
  invalid: i32[] = [];
  /** Items of the GetVariables answer (long values borrowed from `value`); the one at `broken` misses its
   *  required attributeStatus. */
  items: i32 = 0;
  broken: i32 = -1;
  value: ArrayBuffer = String.UTF8.encode("v".repeat(500));
  /** Answers GetVariables item by item (itemsProperty) instead of whole; refuses with `refuse` when not 0. */
  byItems: bool = false;
  refuse: i32 = 0;
  /** Items taken (takeItem), in order; the component name of the last; requests begun (beginItems). */
  taken: i32 = 0;
  outOfOrder: i32 = 0;
  lastName: string = "";
  begun: i32 = 0;
  itemsProperty(action: i32): i32 { return this.byItems && action == Action.GetVariables ? GetVariablesResponse.getVariableResult : -1; }
  startItems(action: i32): void { this.taken = 0; }
  takeItem(action: i32, req: Tape, item: i32, k: i32): void {
    if (k != this.taken) this.outOfOrder++;
    this.taken++;
    this.lastName = req.getString(req.getObject(item, GetVariableDataType.component), ComponentType.name);
  }
  beginItems(action: i32, count: i32): i32 { this.begun++; return this.refuse != 0 ? -this.refuse : this.items; }
  answerItem(action: i32, k: i32, resp: Tape, res: i32): bool {
    const v = changetype<usize>(this.value);
    resp.setBorrowed(resp.newObject(res, GetVariableResultType.component), ComponentType.name, v, 50);
    resp.setBorrowed(resp.newObject(res, GetVariableResultType.variable), VariableType.name, v, 50);
    resp.setBorrowed(res, GetVariableResultType.attributeValue, v, 500);
    if (k != this.broken) resp.setEnum(res, GetVariableResultType.attributeStatus, GetVariableStatusEnumType.Accepted);
    return true;
  }
  handleCall(action: i32, req: Tape, resp: Tape): i32 {
    if (action == Action.GetVariables) {
      const out = resp.newArray(resp.root, GetVariablesResponse.getVariableResult, this.items);
      const v = changetype<usize>(this.value);
      for (let k = 0; k < this.items; k++) {
        const res = resp.arraySetObject(out, k);
        resp.setBorrowed(resp.newObject(res, GetVariableResultType.component), ComponentType.name, v, 50);
        resp.setBorrowed(resp.newObject(res, GetVariableResultType.variable), VariableType.name, v, 50);
        resp.setBorrowed(res, GetVariableResultType.attributeValue, v, 500);
        if (k != this.broken) resp.setEnum(res, GetVariableResultType.attributeStatus, GetVariableStatusEnumType.Accepted);
      }
      return RpcError.None;
    }
    if (action != Action.Heartbeat) return RpcError.NotSupported;
    // Heartbeat is a station→CSMS action; answering it here just exercises the CALLRESULT path.
    resp.setString(resp.root, HeartbeatResponse.currentTime, "2026-01-01T00:00:00Z");
    return RpcError.None;
  }
  nextCall(req: Tape): i32 {
    if (this.wantHeartbeats == 0) return -1;
    this.wantHeartbeats--;
    req.newRoot(actionRequestType(Action.Heartbeat));
    return Action.Heartbeat;
  }
  onCallResult(action: i32, resp: Tape): void { this.results++; this.lastTime = resp.getString(resp.root, HeartbeatResponse.currentTime); }
  onCallFailed(action: i32, failure: i32): void { this.failures.push(failure); }
  onInvalidMessage(action: i32, error: i32): void { this.invalid.push(action); this.invalid.push(error); }
  onConnected(): void {}
  onDisconnected(): void {}
}

let rndSeed: u32 = 12345;
/** A deterministic pseudo-random number in [0, n). */
function rnd(n: i32): i32 { rndSeed = rndSeed * 1103515245 + 12345; return <i32>((rndSeed >> 8) % <u32>n); }

/** A description as the CALLERROR carries it (a JSON string's content). */
function jsonEscaped(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22 || c == 0x5c) out += "\\" + String.fromCharCode(c);
    else if (c == 0x0a) out += "\\n";
    else if (c == 0x0d) out += "\\r";
    else if (c == 0x09) out += "\\t";
    else if (c == 0x08) out += "\\b";
    else if (c == 0x0c) out += "\\f";
    else if (c < 0x20) out += "\\u00" + (c < 16 ? "0" : "") + c.toString(16);
    else out += String.fromCharCode(c);
  }
  return out;
}

function idOf(frame: string): string { return frame.split("\"")[1]; }

describe("RPC", () => {
  it("sends one CALL at a time and matches the CALLRESULT by id", () => {
    const app = new FakeApp();
    const rpc = new WireRpc(app);
    app.wantHeartbeats = 2;
    rpc.pump();
    rpc.pump();
    expect<i32>(rpc.sent.length).toBe(1);
    expect<bool>(rpc.sent[0].endsWith(",\"Heartbeat\",{}]")).toBe(true);
    rpc.deliver("[3,\"someone-else\",{\"currentTime\":\"2026-01-01T00:00:00Z\"}]");
    expect<i32>(app.results).toBe(0);
    rpc.deliver("[3,\"" + idOf(rpc.sent[0]) + "\",{\"currentTime\":\"2026-01-01T00:00:00Z\"}]");
    expect<i32>(app.results).toBe(1);
    expect<string>(app.lastTime).toBe("2026-01-01T00:00:00Z");
    expect<i32>(rpc.sent.length).toBe(2);
    expect<bool>(idOf(rpc.sent[1]) != idOf(rpc.sent[0])).toBe(true);
  });
  it("times out an unanswered CALL and reports CALLERRORs and invalid responses", () => {
    const app = new FakeApp();
    const rpc = new WireRpc(app);
    rpc.messageTimeoutMs = 1000;
    app.wantHeartbeats = 3;
    rpc.tick(0);
    rpc.tick(999);
    expect<i32>(app.failures.length).toBe(0);
    rpc.tick(1000);
    expect<i32>(app.failures[0]).toBe(CallFailure.Timeout);
    rpc.deliver("[4,\"" + idOf(rpc.sent[1]) + "\",\"SecurityError\",\"no\",{}]");
    expect<i32>(app.failures[1]).toBe(RpcError.SecurityError);
    expect<i32>(app.invalid.length).toBe(0);   // a CALLERROR is a valid message
    rpc.deliver("[3,\"" + idOf(rpc.sent[2]) + "\",{\"currentTime\":5}]");
    expect<i32>(app.failures[2]).toBe(CallFailure.BadResponse);
    // A response that fails its schema is an invalid message (security event InvalidMessages).
    expect<i32>(app.invalid.length).toBe(2);
    expect<i32>(app.invalid[0]).toBe(Action.Heartbeat);
    expect<i32>(app.invalid[1]).toBe(RpcError.TypeConstraintViolation);
  });
  it("answers every CALL exactly once, with the right code", () => {
    const app = new FakeApp();
    const rpc = new WireRpc(app);
    rpc.deliver("[2,\"a\",\"Heartbeat\",{}]");
    rpc.deliver("[2,\"b\",\"Nope\",{}]");
    rpc.deliver("[2,\"c\",\"Reset\",{\"type\":\"Immediate\"}]");
    rpc.deliver("[2,\"d\",\"Reset\",{\"type\":\"Later\"}]");
    rpc.deliver("[2,\"e\"");
    rpc.deliver("[3,\"f\"");
    rpc.deliver("[2,\"g\",\"Heartbeat\",{\"x\":1}]");
    expect<i32>(rpc.sent.length).toBe(6);
    expect<string>(rpc.sent[0]).toBe("[3,\"a\",{\"currentTime\":\"2026-01-01T00:00:00Z\"}]");
    expect<bool>(rpc.sent[1].startsWith("[4,\"b\",\"NotImplemented\",")).toBe(true);
    expect<bool>(rpc.sent[2].startsWith("[4,\"c\",\"NotSupported\",\"Reset\"")).toBe(true);
    expect<bool>(rpc.sent[3].startsWith("[4,\"d\",\"PropertyConstraintViolation\",\"type: not an allowed value\"")).toBe(true);
    expect<bool>(rpc.sent[4].startsWith("[4,\"e\",\"RpcFrameworkError\",")).toBe(true);
    expect<bool>(rpc.sent[5].startsWith("[4,\"g\",\"ProtocolError\",\"payload: property not allowed: x\"")).toBe(true);
    // Each message that is not valid OCPP is reported once (InvalidMessages); "c" (valid, not supported) is not.
    expect<i32>(app.invalid.length).toBe(10);
    expect<i32>(app.invalid[0]).toBe(-1);
    expect<i32>(app.invalid[1]).toBe(RpcError.NotImplemented);
    expect<i32>(app.invalid[2]).toBe(Action.Reset);
    expect<i32>(app.invalid[3]).toBe(RpcError.PropertyConstraintViolation);
    expect<i32>(app.invalid[4]).toBe(-1);
    expect<i32>(app.invalid[5]).toBe(RpcError.RpcFrameworkError);
    expect<i32>(app.invalid[6]).toBe(-1);   // "f": a broken response, dropped
    expect<i32>(app.invalid[8]).toBe(Action.Heartbeat);
    expect<i32>(app.invalid[9]).toBe(RpcError.ProtocolError);
  });
  it("fails the outstanding CALL when the link drops and sends nothing while down", () => {
    const app = new FakeApp();
    const rpc = new WireRpc(app);
    app.wantHeartbeats = 2;
    rpc.pump();
    rpc.up = false;
    rpc.onDisconnected(1006);
    expect<i32>(app.failures[0]).toBe(CallFailure.Disconnected);
    rpc.pump();
    expect<i32>(rpc.sent.length).toBe(1);
    rpc.up = true;
    rpc.onConnected();
    expect<i32>(rpc.sent.length).toBe(2);
  });
  it("answers a message longer than its buffer from the envelope in its first bytes", () => {
    const app = new FakeApp();
    const rpc = new WireRpc(app);
    const items = "{\"getVariableData\":[{\"component\":{\"name\":\"X\"},\"variable\":{\"name\":\"Y\"}},{\"comp";
    const head = "[2,\"big\",\"GetVariables\"," + items;
    rpc.deliverOversized(head, 50000);
    rpc.deliverOversized("[2,\"unk\",\"Nope\",{\"a\":\"", 50000);
    rpc.deliverOversized("     ", 50000);
    expect<i32>(rpc.sent.length).toBe(3);
    expect<string>(rpc.sent[0]).toBe("[4,\"big\",\"FormatViolation\",\"message of 50000 bytes is longer than " +
      head.length.toString() + "\",{}]");
    expect<bool>(rpc.sent[1].startsWith("[4,\"unk\",\"NotImplemented\",")).toBe(true);
    expect<bool>(rpc.sent[2].startsWith("[4,\"-1\",\"RpcFrameworkError\",")).toBe(true);
    expect<i32>(app.invalid[0]).toBe(Action.GetVariables);
    expect<i32>(app.invalid[1]).toBe(RpcError.FormatViolation);
    // a response too long for the buffer fails the outstanding CALL
    app.wantHeartbeats = 1;
    rpc.pump();
    rpc.deliverOversized("[3,\"" + idOf(rpc.sent[3]) + "\",{\"currentTime\":\"", 40000);
    expect<i32>(app.failures[0]).toBe(CallFailure.BadResponse);
    expect<i32>(app.results).toBe(0);
  });
  it("sends an answer longer than the transmit buffer in fragments, each at most the buffer", () => {
    const app = new FakeApp();
    const rpc = new WireRpc(app);
    app.items = 60;
    const req = "[2,\"gv\",\"GetVariables\",{\"getVariableData\":[{\"component\":{\"name\":\"A\"},\"variable\":{\"name\":\"B\"}}]}]";
    rpc.deliver(req);
    expect<i32>(rpc.sent.length).toBe(1);
    const msg = rpc.sent[0];
    expect<bool>(msg.length > TRANSMIT_CAPACITY * 2).toBe(true);
    expect<bool>(msg.startsWith("[3,\"gv\",{\"getVariableResult\":[{")).toBe(true);
    expect<bool>(msg.endsWith("\"name\":\"" + "v".repeat(50) + "\"}}]}]")).toBe(true);
    const n = rpc.pieces.length;
    expect<i32>(n).toBe(msg.length / TRANSMIT_CAPACITY + 1);
    expect<i32>(rpc.pieceFlags[0]).toBe(1);
    expect<i32>(rpc.pieceFlags[n - 1]).toBe(2);
    let total = 0;
    for (let i = 0; i < n; i++) {
      expect<bool>(rpc.pieces[i] <= TRANSMIT_CAPACITY).toBe(true);
      if (i > 0 && i < n - 1) expect<i32>(rpc.pieceFlags[i]).toBe(0);
      total += rpc.pieces[i];
    }
    expect<i32>(total).toBe(msg.length);
    // an answer that fits goes whole, as before
    app.items = 1;
    rpc.deliver(req);
    expect<i32>(rpc.pieces.length).toBe(n);
    expect<i32>(rpc.sent.length).toBe(2);
  });
  it("fails the connection when a fragmented answer cannot be finished, and answers CALLERROR when nothing went out", () => {
    const app = new FakeApp();
    const rpc = new WireRpc(app);
    const req = "[2,\"gv\",\"GetVariables\",{\"getVariableData\":[{\"component\":{\"name\":\"A\"},\"variable\":{\"name\":\"B\"}}]}]";
    app.items = 60;
    app.broken = 59;
    rpc.deliver(req);
    expect<i32>(rpc.abandoned).toBe(1);
    expect<i32>(rpc.sent.length).toBe(0);
    expect<bool>(rpc.pieces.length > 0).toBe(true);
    app.items = 2;
    app.broken = 1;
    rpc.deliver(req);
    expect<i32>(rpc.abandoned).toBe(1);
    expect<i32>(rpc.sent.length).toBe(1);
    expect<bool>(rpc.sent[0].startsWith("[4,\"gv\",\"InternalError\",")).toBe(true);
  });
  it("answers item by item: the same answer as built whole, for more items than the outbound tape holds", () => {
    const req = "[2,\"gv\",\"GetVariables\",{\"getVariableData\":[{\"component\":{\"name\":\"A\"},\"variable\":{\"name\":\"B\"}}]}]";
    const whole = new WireRpc(new FakeApp());
    (<FakeApp>whole.app).items = 50;
    whole.deliver(req);
    const app = new FakeApp();
    const rpc = new WireRpc(app);
    app.byItems = true;
    app.items = 50;
    rpc.deliver(req);
    expect<string>(rpc.sent[0]).toBe(whole.sent[0]);
    app.items = 1000;   // 1000 results of 600 bytes: the tape holds one at a time
    rpc.deliver(req);
    expect<i32>(rpc.sent.length).toBe(2);
    expect<bool>(rpc.sent[1].length > 600 * 1000).toBe(true);
    expect<i32>(rpc.sent[1].split("\"attributeStatus\":\"Accepted\"").length).toBe(1001);
    app.refuse = RpcError.OccurrenceConstraintViolation;
    rpc.deliver(req);
    expect<bool>(rpc.sent[2].startsWith("[4,\"gv\",\"OccurrenceConstraintViolation\",")).toBe(true);
    app.refuse = 0;
    app.broken = 900;
    rpc.deliver(req);
    expect<i32>(rpc.abandoned).toBe(1);
    expect<i32>(rpc.sent.length).toBe(3);
    app.items = 2;
    app.broken = 1;
    rpc.deliver(req);
    expect<i32>(rpc.abandoned).toBe(1);
    expect<bool>(rpc.sent[3].startsWith("[4,\"gv\",\"InternalError\",")).toBe(true);
  });
  it("reads a request longer than its buffer item by item, in parts of any size", () => {
    let items = "";
    for (let k = 0; k < 1000; k++) {
      items += (k > 0 ? (k % 7 == 0 ? " ,\n " : ",") : "") + "{\"component\":{\"name\":\"C" + k.toString() +
        "\"},\"variable\":{\"name\":\"V\\u00e9\"}}";
    }
    const req = "[2,\"gv\",\"GetVariables\", {\"getVariableData\": [" + items + "] } ]";
    const caps: i32[] = [64, 100, 1024, 16384];
    for (let c = 0; c < caps.length; c++) {
      const app = new FakeApp();
      const rpc = new WireRpc(app);
      app.byItems = true;
      app.items = 3;
      rpc.deliverInParts(req, caps[c]);
      expect<i32>(app.taken).toBe(1000);
      expect<i32>(app.outOfOrder).toBe(0);
      expect<string>(app.lastName).toBe("C999");
      expect<i32>(app.begun).toBe(1);
      expect<i32>(rpc.sent.length).toBe(1);
      expect<bool>(rpc.sent[0].startsWith("[3,\"gv\",{\"getVariableResult\":[")).toBe(true);
    }
  });
  it("refuses an invalid item anywhere, with the path, before anything is taken into effect", () => {
    let items = "";
    for (let k = 0; k < 1000; k++) {
      items += (k > 0 ? "," : "") + "{\"component\":{\"name\":\"" + (k == 999 ? "C".repeat(51) : "C") + "\"},\"variable\":{\"name\":\"V\"}}";
    }
    const app = new FakeApp();
    const rpc = new WireRpc(app);
    app.byItems = true;
    app.items = 1;
    rpc.deliverInParts("[2,\"bad\",\"GetVariables\",{\"getVariableData\":[" + items + "]}]", 512);
    expect<i32>(app.begun).toBe(0);
    expect<string>(rpc.sent[0]).toBe("[4,\"bad\",\"PropertyConstraintViolation\",\"getVariableData[999].component.name: too long (max 50)\",{}]");
    expect<i32>(app.invalid[1]).toBe(RpcError.PropertyConstraintViolation);
    // an item longer than the buffer
    rpc.deliverInParts("[2,\"long\",\"GetVariables\",{\"getVariableData\":[{\"component\":{\"name\":\"C\"},\"variable\":{\"name\":\"V\"}},{\"component\":{\"name\":\"" +
      "x".repeat(300) + "\"},\"variable\":{\"name\":\"V\"}}]}]", 256);
    expect<string>(rpc.sent[1]).toBe("[4,\"long\",\"FormatViolation\",\"getVariableData[1]: longer than 256 bytes (the message buffer)\",{}]");
    expect<i32>(app.begun).toBe(0);
  });
  it("words every error of a request read item by item as the whole decoder does", () => {
    const item = "{\"component\":{\"name\":\"A\"},\"variable\":{\"name\":\"B\"}}";
    const payloads: string[] = [
      "{}", "[]", "7", "{\"getVariableData\":[]}", "{\"getVariableData\":{}}", "{\"foo\":1}", "{\"foo\":[1]}",
      "{\"getVariableData\":[" + item + "],\"getVariableData\":[]}", "{\"getVariableData\":[1]}",
      "{\"getVariableData\":[{\"component\":{\"name\":\"A\"}}]}", "{\"getVariableData\":[" + item + " x]}",
      "{\"getVariableData\":[" + item + "," + item + "", "{\"getVariableData\":[" + item + ",", "{\"getVariableData\":[",
      "{\"getVariableData\":[" + item + "]} x", "{\"getVariableData\":[" + item + "]",
      "{\"customData\":{\"vendorId\":\"v\",\"x\":[1,{}]},\"getVariableData\":[" + item + "]}",
      "{\"customData\":{},\"getVariableData\":[" + item + "]}", "{\"customData\":7,\"getVariableData\":[" + item + "]}",
      "{\"getVariableData\":[{\"component\":{\"name\":\"A\"},\"variable\":{\"name\":\"B\"},\"attributeType\":\"Nope\"}]}",
      "{\"getVariableData\":[{\"component\":{\"name\":\"A\",\"evse\":{\"id\":1.5}},\"variable\":{\"name\":\"B\"}}]}",
      "{\"getVariableData\":[" + item + "],}", "{\"getVariableData\":[" + item + "],\"customData\":{\"vendorId\":\"v\"}}",
      "{\"getVariableData\":[{\"component\":{\"name\":\"A\"},\"variable\":{\"name\":\"B\"}}}]}",
    ];
    const reader = new JsonReader();
    const tape = new Tape(4096, 0);
    tape.inPlace = true;
    for (let i = 0; i < payloads.length; i++) {
      // the whole decoder's verdict on the payload followed by "]", as parseFramePayload gives it
      const b = String.UTF8.encode(payloads[i] + "]");
      reader.reset(changetype<usize>(b), b.byteLength);
      tape.reset();
      let rc = decodePayload(reader, actionRequestType(Action.GetVariables), tape);
      let desc = String.UTF8.decodeUnsafe(lastErrorPtr(), <usize>lastErrorLen());
      if (rc == RpcError.None && (!reader.eat(0x5d) || !reader.atEnd())) { rc = RpcError.RpcFrameworkError; desc = "unexpected content after the payload"; }
      const expected = rc == RpcError.None ? "[3," : "[4,\"e\",\"" + rpcErrorName(rc) + "\",\"" + desc + "\",{}]";
      const caps: i32[] = [0, 100, 128, 1000];
      for (let c = 0; c < caps.length; c++) {
        const app = new FakeApp();
        const rpc = new WireRpc(app);
        app.byItems = true;
        app.items = 1;
        const msg = "[2,\"e\",\"GetVariables\"," + payloads[i] + "]";
        if (caps[c] == 0) rpc.deliver(msg); else rpc.deliverInParts(msg, caps[c]);
        const got = rpc.sent.length > 0 ? rpc.sent[0] : "(nothing)";
        if (rc == RpcError.None) expect<string>(got.slice(0, 3)).toBe(expected, payloads[i]);
        else expect<string>(got).toBe(expected, payloads[i] + " in parts of " + caps[c].toString());
      }
    }
  });
  it("agrees with the whole decoder on 5000 broken payloads, whole and in parts of random sizes", () => {
    const base = "{\"customData\":{\"vendorId\":\"v\",\"n\":[1,{\"a\":\"]}\"}]},\"getVariableData\":[" +
      "{\"component\":{\"name\":\"A\\\"\",\"evse\":{\"id\":1}},\"variable\":{\"name\":\"B\"}}, " +
      "{\"component\":{\"name\":\"Comp\"},\"variable\":{\"name\":\"V\",\"instance\":\"i\"},\"attributeType\":\"Target\"}," +
      "{\"component\":{\"name\":\"C\"},\"variable\":{\"name\":\"\\u00e9\"}}]}";
    const alphabet = "{}[]\",:\\ x1e-";
    rndSeed = 12345;
    const reader = new JsonReader();
    const tape = new Tape(4096, 0);
    tape.inPlace = true;
    let differ = 0, tooLong = 0, valid = 0;
    let firstGot = "", firstExpected = "";
    const wholeApp = new FakeApp(), partsApp = new FakeApp();
    wholeApp.byItems = true; wholeApp.items = 1;
    partsApp.byItems = true; partsApp.items = 1;
    const wholeRpc = new WireRpc(wholeApp), partsRpc = new WireRpc(partsApp);
    for (let t = 0; t < 5000; t++) {
      let p = base;
      const edits = 1 + rnd(3);
      for (let e = 0; e < edits && p.length > 0; e++) {
        const at = rnd(p.length);
        const kind = rnd(3);
        if (kind == 0) p = p.slice(0, at) + p.slice(at + 1);
        else if (kind == 1) p = p.slice(0, at) + alphabet.charAt(rnd(alphabet.length)) + p.slice(at);
        else p = p.slice(0, at);
      }
      const b = String.UTF8.encode(p + "]");
      reader.reset(changetype<usize>(b), b.byteLength);
      tape.reset();
      let rc = decodePayload(reader, actionRequestType(Action.GetVariables), tape);
      let desc = String.UTF8.decodeUnsafe(lastErrorPtr(), <usize>lastErrorLen());
      if (rc == RpcError.None && (!reader.eat(0x5d) || !reader.atEnd())) { rc = RpcError.RpcFrameworkError; desc = "unexpected content after the payload"; }
      if (rc == RpcError.None) valid++;
      const expected = rc == RpcError.None ? "[3," : "[4,\"e\",\"" + rpcErrorName(rc) + "\",\"" + jsonEscaped(desc) + "\",{}]";
      const msg = "[2,\"e\",\"GetVariables\"," + p + "]";
      for (let c = 0; c < 2; c++) {
        const rpc = c == 0 ? wholeRpc : partsRpc;   // one each: an Rpc's buffers are allocated for good
        rpc.sent = [];
        if (c == 0) rpc.deliver(msg); else rpc.deliverInParts(msg, 130 + rnd(100));
        const got = rpc.sent.length > 0 ? rpc.sent[0] : "(nothing)";
        const same = rc == RpcError.None ? got.startsWith(expected) : got == expected;
        if (!same && c == 1 && got.indexOf("bytes (the message buffer)") > 0) { tooLong++; continue; }
        if (!same) {
          differ++;
          if (firstGot.length == 0) { firstGot = (c == 0 ? "whole " : "in parts ") + msg + " -> " + got; firstExpected = expected; }
        }
      }
    }
    expect<string>(firstGot).toBe("", firstExpected);
    expect<i32>(differ).toBe(0);
    expect<i32>(valid).toBeGreaterThan(0, "some mutations leave the payload valid");
    expect<i32>(tooLong).toBeLessThan(500, "parts too small for an item (a quote or bracket removed runs it to the end)");
  });
  it("pauses an answer item by item at any item boundary on a link that is full at random, and goes on when writable: the same bytes, nothing between its fragments", () => {
    const req = "[2,\"gv\",\"GetVariables\",{\"getVariableData\":[{\"component\":{\"name\":\"A\"},\"variable\":{\"name\":\"B\"}}]}]";
    const ref = new WireRpc(new FakeApp());
    (<FakeApp>ref.app).byItems = true;
    (<FakeApp>ref.app).items = 1000;
    ref.deliver(req);
    expect<i32>(ref.asked).toBe(999, "asked before each result after the first");
    const percents: i32[] = [1, 10, 50, 90, 100];
    for (let p = 0; p < percents.length; p++) {
      const app = new FakeApp();
      const rpc = new WireRpc(app);
      app.byItems = true;
      app.items = 1000;
      rpc.fullPercent = percents[p];
      rpc.deliver(req);
      let pauses = 0;
      while (rpc.answerPaused) {
        pauses++;
        // nothing may go out in the middle: a station CALL waits, a CSMS CALL is dropped, a CALLRESULT is read
        app.wantHeartbeats = 1;
        rpc.pump();
        if (pauses == 1) rpc.deliver("[2,\"hb\",\"Heartbeat\",{}]");
        if (pauses == 2) rpc.deliver("[3,\"nobody\",{}]");
        expect<i32>(rpc.sent.length).toBe(0);
        rpc.onWritable();
      }
      expect<bool>(pauses > 0).toBe(true);
      expect<i32>(rpc.sent.length).toBe(2, "the answer, then the waiting Heartbeat");
      expect<bool>(rpc.sent[0] == ref.sent[0]).toBe(true, "the same answer");
      expect<bool>(rpc.sent[1].startsWith("[2,")).toBe(true);
      expect<i32>(app.invalid.length).toBe(2, "the CSMS CALL while paused");
      // fragments: the first with FIN clear, then continuations, only the last with FIN
      for (let i = 0; i < rpc.pieceFlags.length; i++) {
        expect<i32>(rpc.pieceFlags[i]).toBe(i == 0 ? 1 : i == rpc.pieceFlags.length - 1 ? 2 : 0);
      }
      if (percents[p] == 100) expect<i32>(pauses).toBe(999);
    }
  });
  it("a paused answer that fails before anything went out answers InternalError with its own id, whatever was read meanwhile", () => {
    const req = "[2,\"gv\",\"GetVariables\",{\"getVariableData\":[{\"component\":{\"name\":\"A\"},\"variable\":{\"name\":\"B\"}}]}]";
    const app = new FakeApp();
    const rpc = new WireRpc(app);
    app.byItems = true;
    app.items = 3;
    app.broken = 2;   // three results of ~600 bytes fit the transmit buffer: nothing goes out before the failure
    rpc.fullPercent = 100;
    rpc.deliver(req);
    expect<bool>(rpc.answerPaused).toBe(true);
    rpc.deliver("[3,\"someone-else\",{}]");
    rpc.fullPercent = 0;
    rpc.onWritable();
    expect<i32>(rpc.pieces.length).toBe(0);
    expect<i32>(rpc.sent.length).toBe(1);
    expect<string>(idOf(rpc.sent[0])).toBe("gv");
    expect<bool>(rpc.sent[0].startsWith("[4,\"gv\",\"InternalError\",")).toBe(true);
  });
  it("a disconnection abandons a paused answer; the next request is answered whole", () => {
    const req = "[2,\"gv\",\"GetVariables\",{\"getVariableData\":[{\"component\":{\"name\":\"A\"},\"variable\":{\"name\":\"B\"}}]}]";
    const app = new FakeApp();
    const rpc = new WireRpc(app);
    app.byItems = true;
    app.items = 100;
    rpc.fullPercent = 100;
    rpc.deliver(req);
    expect<bool>(rpc.answerPaused).toBe(true);
    rpc.onDisconnected(-4);
    expect<bool>(rpc.answerPaused).toBe(false);
    rpc.onWritable();   // a late event changes nothing
    expect<i32>(rpc.sent.length).toBe(0);
    rpc.fullPercent = 0;
    rpc.deliver(req);
    expect<i32>(rpc.sent.length).toBe(1);
    expect<bool>(rpc.sent[0].startsWith("[3,\"gv\",{\"getVariableResult\":[")).toBe(true);
    expect<i32>(rpc.sent[0].split("\"attributeStatus\":\"Accepted\"").length).toBe(101);
  });
});
