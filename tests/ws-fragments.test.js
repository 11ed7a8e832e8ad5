// Fragmented WebSocket messages from the CSMS (RFC 6455 §5.4), on the host chosen by STATION_HOST: a CALL cut into
// continuation frames with pings in between, UTF-8 characters split between frames, and messages longer than the
// station's message buffer: a GetVariables read item by item, another CALL answered with a CALLERROR while the
// connection stays up (docs/streaming.md).
// The CSMS writes frames with the `ws` socket under ocpp-rpc (send with fin: false gives a text frame, then
// continuation frames).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { chargingScenario } = require("./helpers/scenario.js");
const { HOST } = require("./helpers/station-host.js");

/** Sends `text` as one message in frames of `size` bytes, a ping after every `pingEvery` frames (0: none). */
function sendFragmented(socket, text, size, pingEvery = 0) {
  const b = Buffer.from(text, "utf8");
  let frames = 0;
  for (let i = 0; i < b.length; i += size) {
    socket.send(b.subarray(i, i + size), { binary: false, fin: i + size >= b.length, compress: false });
    if (pingEvery > 0 && ++frames % pingEvery === 0) socket.ping(Buffer.from("frag"));
  }
}

/** The station's answer to the CALL with this id, parsed. */
async function answer(s, id) {
  const raw = await s.csms.waitRaw((m) => m.startsWith(`[3,"${id}"`) || m.startsWith(`[4,"${id}"`), `the answer to ${id}`, 10000);
  return JSON.parse(raw);
}

/** Records the frames the station sends from now on (opcode, FIN, payload length), read off the TCP socket
 *  beside the ws library, which reassembles fragments before ocpp-rpc sees a message. */
function frameLog(socket) {
  const frames = [];
  let buf = Buffer.alloc(0);
  const onData = (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (buf.length < 2) return;
      let n = buf[1] & 0x7f, h = 2;
      if (n === 126) { if (buf.length < 4) return; n = buf.readUInt16BE(2); h = 4; }
      else if (n === 127) { if (buf.length < 10) return; n = Number(buf.readBigUInt64BE(2)); h = 10; }
      if (buf[1] & 0x80) h += 4;
      if (buf.length < h + n) return;
      frames.push({ op: buf[0] & 15, fin: (buf[0] & 0x80) !== 0, len: n });
      buf = buf.subarray(h + n);
    }
  };
  socket._socket.on("data", onData);
  return { frames, stop: () => socket._socket.off("data", onData) };
}

const call = (id, action, payload) => JSON.stringify([2, id, action, payload]);
const item = (component, variable) => ({ component: { name: component }, variable: { name: variable } });

test(`[${HOST}] a GetVariables in continuation frames with pings in between is answered as if sent whole`, async (t) => {
  const s = await chargingScenario(t);
  const socket = s.csms.client()._ws;
  const pongs = [];
  socket.on("pong", (d) => pongs.push(String(d)));
  const text = call("frag-1", "GetVariables", { getVariableData: [item("OCPPCommCtrlr", "HeartbeatInterval"),
    item("DeviceDataCtrlr", "ItemsPerMessage")] });
  sendFragmented(socket, text, 7, 3);
  const pings = Math.floor(Math.ceil(Buffer.byteLength(text) / 7) / 3);
  const [type, , res] = await answer(s, "frag-1");
  assert.equal(type, 3);
  assert.deepEqual(res.getVariableResult.map((r) => r.attributeStatus), ["Accepted", "UnknownVariable"]);
  // The pings after the last frames are answered after the CALL: wait for every pong.
  for (const end = Date.now() + 5000; pongs.length < pings && Date.now() < end;) await new Promise((r) => setTimeout(r, 10));
  assert.ok(pings >= 10 && pongs.length === pings && pongs.every((p) => p === "frag"), `${pongs.length} pongs of ${pings} pings`);
});

test(`[${HOST}] characters split between one-byte frames arrive whole`, async (t) => {
  const s = await chargingScenario(t);
  const name = "Zähler€😀";
  sendFragmented(s.csms.client()._ws, call("frag-2", "GetVariables", { getVariableData: [item(name, "X")] }), 1);
  const [type, , res] = await answer(s, "frag-2");
  assert.equal(type, 3);
  assert.equal(res.getVariableResult[0].component.name, name);
  assert.equal(res.getVariableResult[0].attributeStatus, "UnknownComponent");
});

test(`[${HOST}] an answer longer than the transmit buffer goes out in fragments: ItemsPerMessage items with the longest names`, async (t) => {
  const s = await chargingScenario(t);
  const limit = Number((await s.getVariable("DeviceDataCtrlr", "ItemsPerMessage", "GetVariables")).attributeValue);
  const long = (c) => c.repeat(50);
  const many = Array.from({ length: limit }, (_, i) => ({ component: { name: long("C"), instance: long("i"), evse: { id: 1, connectorId: 1 } },
    variable: { name: long("V"), instance: long(String(i % 10)) }, attributeType: "Actual" }));
  const log = frameLog(s.csms.client()._ws);
  s.csms.client()._ws.send(call("long-answer", "GetVariables", { getVariableData: many }));
  const raw = await s.csms.waitRaw((m) => m.startsWith(`[3,"long-answer"`) || m.startsWith(`[4,"long-answer"`), "the answer", 10000);
  log.stop();
  // 16 384 bytes: TRANSMIT_CAPACITY (assembly/core/limits.ts), the most one encoded message could take before
  assert.ok(raw.length > 16384, `${raw.length} bytes`);
  // on the wire: a text frame without FIN, continuation frames of at most the transmit buffer, FIN on the last
  const f = log.frames;
  assert.ok(f.length >= 3, `${f.length} frames`);
  assert.deepEqual([f[0].op, f[0].fin], [1, false]);
  assert.ok(f.slice(1).every((x) => x.op === 0 && x.len <= 16384));
  assert.ok(f.slice(0, -1).every((x) => !x.fin) && f[f.length - 1].fin);
  assert.equal(f.reduce((a, x) => a + x.len, 0), Buffer.byteLength(raw));
  const res = JSON.parse(raw)[2].getVariableResult;
  assert.equal(res.length, limit);
  assert.ok(res.every((r, i) => r.attributeStatus === "UnknownComponent" && r.variable.instance === long(String(i % 10))));
});

test(`[${HOST}] a GetVariables longer than the message buffer is read item by item; another CALL that long gets a CALLERROR FormatViolation and the connection stays`, async (t) => {
  const s = await chargingScenario(t);
  const long = (c) => c.repeat(50);
  // 400 items with 50-character names: 60 KB, more than the 16 KiB message buffer (WS_MAX_MESSAGE), in 4 KiB frames
  const many = Array.from({ length: 400 }, (_, i) => item(long("C"), long(String(i % 10))));
  const big = call("big-1", "GetVariables", { getVariableData: many });
  assert.ok(big.length > 3 * 16384, `${big.length} bytes`);
  sendFragmented(s.csms.client()._ws, big, 4096, 2);
  const [type, , res] = await answer(s, "big-1");
  assert.equal(type, 3);
  assert.equal(res.getVariableResult.length, 400);
  assert.ok(res.getVariableResult.every((r, i) => r.attributeStatus === "UnknownComponent" && r.variable.name === long(String(i % 10))));
  // an action that is not read item by item, longer than the buffer: refused from its envelope, in fragments and whole
  const data = call("big-2", "DataTransfer", { vendorId: "x", data: "d".repeat(40000) });
  sendFragmented(s.csms.client()._ws, data, 4096, 2);
  const [type2, id2, code, desc] = await answer(s, "big-2");
  assert.deepEqual([type2, id2, code], [4, "big-2", "FormatViolation"]);
  assert.match(desc, new RegExp(`message of ${data.length} bytes`));
  s.csms.client()._ws.send(data.replace("big-2", "big-3"));
  assert.equal((await answer(s, "big-3"))[2], "FormatViolation");
  assert.equal((await s.getVariable("OCPPCommCtrlr", "HeartbeatInterval")).attributeStatus, "Accepted");
  assert.equal(s.csms.connections.length, 1, "no reconnection");
});

test(`[${HOST}] invalid UTF-8 in the part of an oversized message the station drops still closes with 1007`, async (t) => {
  const s = await chargingScenario(t);
  const socket = s.csms.client()._ws;
  const closed = new Promise((resolve) => socket.once("close", (code) => resolve(code)));
  const head = Buffer.from(call("bad-1", "GetVariables", { getVariableData: [item("A".repeat(40000), "X")] }));
  head[35000] = 0xff;
  socket.send(head, { binary: false });
  assert.equal(await closed, 1007);
});
