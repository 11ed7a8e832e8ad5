// GetVariables / SetVariables read item by item as their bytes arrive (docs/streaming.md), on the host chosen by
// STATION_HOST: requests of 1000 items and up to 1 000 000 bytes (the target's ORS-2/3/5/6), far beyond the
// station's message buffer, sent whole and in fragments of several sizes, every result checked; an invalid item
// at the end refused with its path and nothing set; the item log's bound refused precisely.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { chargingScenario } = require("./helpers/scenario.js");
const { HOST } = require("./helpers/station-host.js");
const { makeEnv } = require("../host/node/image.js");
const { readLog } = require("./helpers/security-log.js");

const ITEMS = 1000;                    // DeviceDataCtrlr.ItemsPerMessage[GetVariables] / [SetVariables]
const BYTES = 1000000;                 // DeviceDataCtrlr.BytesPerMessage[GetVariables] / [SetVariables]
const ITEM_LOG_CAPACITY = 16384;       // assembly/core/limits.ts: what is kept of a request until its answer
const MESSAGE_BUFFER = 16384;          // assembly/core/limits.ts WS_MAX_MESSAGE

const long = (c) => c.repeat(50);      // CiString50Type: the longest names the schema allows
const call = (id, action, payload) => JSON.stringify([2, id, action, payload]);

/** Sends `text` as one message in frames of `size` bytes (0: one frame), a ping after every 7 frames. */
function sendFragmented(socket, text, size) {
  const b = Buffer.from(text, "utf8");
  if (size === 0) { socket.send(b, { binary: false }); return; }
  let frames = 0;
  for (let i = 0; i < b.length; i += size) {
    socket.send(b.subarray(i, i + size), { binary: false, fin: i + size >= b.length, compress: false });
    if (++frames % 7 === 0) socket.ping(Buffer.from("p"));
  }
}

async function answer(s, id) {
  const raw = await s.csms.waitRaw((m) => m.startsWith(`[3,"${id}"`) || m.startsWith(`[4,"${id}"`), `the answer to ${id}`, 60000);
  return JSON.parse(raw);
}

async function value(s, component, variable, instance) {
  const r = await s.call("GetVariables", { getVariableData: [{ component: { name: component }, variable: instance ? { name: variable, instance } : { name: variable } }] });
  return r.getVariableResult[0].attributeValue;
}

// GetVariables items: known variables with the catalog's longest names, an instance, an EVSE and a connector, a
// spelling other than the catalog's; unknown components and variables with 50-character names; each with the
// result it must get (value: the exact one, or a RegExp).
const GET_KINDS = [
  (k) => [{ component: { name: "ChargingStation" }, variable: { name: "AllowNewSessionsPendingFirmwareUpdate" } }, "Accepted", "false"],
  (k) => [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "MessageAttemptInterval", instance: "TransactionEvent" } }, "Accepted", "60"],
  (k) => [{ component: { name: "Connector", evse: { id: 1, connectorId: 1 } }, variable: { name: "AvailabilityState" } }, "Accepted", /^(Available|Occupied)$/],
  (k) => [{ component: { name: "EVSE", evse: { id: 1 } }, variable: { name: "Power" }, attributeType: "MaxSet" }, "Accepted", /^\d+(\.\d+)?$/],
  (k) => [{ component: { name: "ClockCtrlr" }, variable: { name: "TimeAdjustmentReportingThreshold" } }, "Accepted", "2147483647"],
  (k) => [{ component: { name: "ocppcommctrlr" }, variable: { name: "HEARTBEATINTERVAL" } }, "Accepted", "300"],
  (k) => [{ component: { name: long("C"), instance: long("i"), evse: { id: 1, connectorId: 1 } }, variable: { name: long("V"), instance: long(String(k % 10)) }, attributeType: "Actual" }, "UnknownComponent"],
  (k) => [{ component: { name: "OCPPCommCtrlr" }, variable: { name: long("W"), instance: long("j") } }, "UnknownVariable"],
  (k) => [{ component: { name: "SecurityCtrlr" }, variable: { name: "BasicAuthPassword" } }, "Rejected", undefined, "WriteOnly"],
  (k) => [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" }, attributeType: "Target" }, "NotSupportedAttributeType"],
];

function getRequest(n) {
  const items = [], expected = [];
  for (let k = 0; k < n; k++) {
    const [item, status, val, reason] = GET_KINDS[k % GET_KINDS.length](k);
    items.push(item);
    expected.push({ item, status, val, reason });
  }
  return { items, expected };
}

function checkGetResults(results, expected) {
  assert.equal(results.length, expected.length);
  results.forEach((r, k) => {
    const e = expected[k];
    const where = `item ${k}`;
    assert.deepEqual(r.component, e.item.component, where);
    assert.deepEqual(r.variable, e.item.variable, where);
    assert.equal(r.attributeType, e.item.attributeType || "Actual", where);
    assert.equal(r.attributeStatus, e.status, where);
    if (e.val instanceof RegExp) assert.match(r.attributeValue, e.val, where);
    else assert.equal(r.attributeValue, e.val, where);
    assert.equal(r.attributeStatusInfo && r.attributeStatusInfo.reasonCode, e.reason, where);
  });
}

test(`[${HOST}] a GetVariables of ${ITEMS} items with the longest names, whole and in fragments of several sizes: every result item by item`, { timeout: 300_000 }, async (t) => {
  const s = await chargingScenario(t);
  assert.equal(await value(s, "DeviceDataCtrlr", "ItemsPerMessage", "GetVariables"), String(ITEMS));
  assert.equal(await value(s, "DeviceDataCtrlr", "BytesPerMessage", "GetVariables"), String(BYTES));
  const { items, expected } = getRequest(ITEMS);
  const socket = s.csms.client()._ws;
  for (const size of [0, 333, 4096, 65536]) {
    const id = `gv-${size}`;
    const text = call(id, "GetVariables", { getVariableData: items });
    assert.ok(text.length > 6 * MESSAGE_BUFFER && text.length < BYTES, `${text.length} bytes`);
    sendFragmented(socket, text, size);
    const [type, , res] = await answer(s, id);
    assert.equal(type, 3, `answered (frames of ${size || "all"} bytes)`);
    checkGetResults(res.getVariableResult, expected);
  }
  assert.equal(s.csms.connections.length, 1, "no reconnection");
});

test(`[${HOST}] ${ITEMS + 1} items are refused as a whole (OccurrenceConstraintViolation), GetVariables and SetVariables`, async (t) => {
  const s = await chargingScenario(t);
  const { items } = getRequest(ITEMS + 1);
  await assert.rejects(s.call("GetVariables", { getVariableData: items }),
    (e) => e.rpcErrorCode === "OccurrenceConstraintViolation" && /getVariableData: 1001 items/.test(e.message));
  const sets = Array.from({ length: ITEMS + 1 }, () => ({ component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" }, attributeValue: "77" }));
  await assert.rejects(s.call("SetVariables", { setVariableData: sets }), (e) => e.rpcErrorCode === "OccurrenceConstraintViolation");
  assert.equal(await value(s, "OCPPCommCtrlr", "HeartbeatInterval"), "300", "nothing set");
});

test(`[${HOST}] a request longer than BytesPerMessage is refused (FormatViolation) after it was read, nothing set`, { timeout: 300_000 }, async (t) => {
  const s = await chargingScenario(t);
  const set = { component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" }, attributeValue: "77" };
  const filler = { component: { name: long("C") }, variable: { name: long("V") }, attributeValue: "x".repeat(800) };
  const items = [set, ...Array.from({ length: 999 }, () => filler)];
  let text = call("sv-big", "SetVariables", { setVariableData: items });
  // blanks between the items bring it just over the bound
  text = text.replace("},{", "}," + " ".repeat(BYTES - text.length + 1) + "{");
  assert.equal(Buffer.byteLength(text), BYTES + 1);
  sendFragmented(s.csms.client()._ws, text, 65536);
  const [type, , code, desc] = await answer(s, "sv-big");
  assert.deepEqual([type, code, desc], [4, "FormatViolation", `message of ${BYTES + 1} bytes is longer than BytesPerMessage ${BYTES}`]);
  assert.equal(await value(s, "OCPPCommCtrlr", "HeartbeatInterval"), "300");
  sendFragmented(s.csms.client()._ws, text.replace("sv-big", "sv-fit").replace("  ", " "), 65536);   // one byte less
  const [type2, , res] = await answer(s, "sv-fit");
  assert.equal(type2, 3);
  assert.equal(res.setVariableResult[0].attributeStatus, "Accepted");
  assert.equal(await value(s, "OCPPCommCtrlr", "HeartbeatInterval"), "77");
});

test(`[${HOST}] the longest valid item (every character a \\u surrogate pair, 14.5 KB) fits the message buffer; one with more customData is refused`, async (t) => {
  const s = await chargingScenario(t);
  const e = (n) => "\\ud83d\\ude00".repeat(n);   // one character outside the BMP, escaped: 12 bytes
  const big = `{"component":{"name":"${e(50)}","instance":"${e(50)}"},"variable":{"name":"${e(50)}","instance":"${e(50)}"},"attributeValue":"${e(1000)}"}`;
  assert.ok(big.length > 14400 && big.length < MESSAGE_BUFFER, `${big.length} bytes`);
  const small = JSON.stringify({ component: { name: "C" }, variable: { name: "V" }, attributeValue: "x" });
  sendFragmented(s.csms.client()._ws, `[2,"sv-esc","SetVariables",{"setVariableData":[${small},${big},${small}]}]`, 1000);
  const [type, , res] = await answer(s, "sv-esc");
  assert.equal(type, 3);
  const r = res.setVariableResult[1];
  assert.deepEqual([r.attributeStatus, r.component.name, r.variable.instance], ["UnknownComponent", "\u{1F600}".repeat(50), "\u{1F600}".repeat(50)]);
  const withData = big.replace('"attributeValue"', `"customData":{"vendorId":"v","pad":"${"x".repeat(2000)}"},"attributeValue"`);
  sendFragmented(s.csms.client()._ws, `[2,"sv-long","SetVariables",{"setVariableData":[${small},${withData}]}]`, 1000);
  const [type2, , code, desc] = await answer(s, "sv-long");
  assert.deepEqual([type2, code, desc], [4, "FormatViolation", `setVariableData[1]: longer than ${MESSAGE_BUFFER} bytes (the message buffer)`]);
});

test(`[${HOST}] unknown names are kept once each within the item log's bound; one more is refused before anything is sent`, async (t) => {
  const s = await chargingScenario(t);
  // Each item: a record of 8 bytes (flags, attribute/status, two indexes, two name references) and its own
  // 50-character component name (4 + 50 bytes); the variable name "V" is kept once (5 bytes).
  const fits = Math.floor((ITEM_LOG_CAPACITY - 5) / (8 + 54));
  const unique = (k) => ({ component: { name: `${String(k).padStart(4, "0")}${"C".repeat(46)}` }, variable: { name: "V" } });
  const res = await s.call("GetVariables", { getVariableData: Array.from({ length: fits }, (_, k) => unique(k)) });
  assert.equal(res.getVariableResult.length, fits);
  assert.ok(res.getVariableResult.every((r, k) => r.attributeStatus === "UnknownComponent" && r.component.name === unique(k).component.name));
  await assert.rejects(s.call("GetVariables", { getVariableData: Array.from({ length: fits + 1 }, (_, k) => unique(k)) }),
    (e) => e.rpcErrorCode === "FormatViolation" && new RegExp(`exceed ${ITEM_LOG_CAPACITY} bytes`).test(e.message));
  // the same names repeated cost only their references: 1000 items with four 50-character names each fit
  const { items } = getRequest(ITEMS);
  const many = items.map((it, k) => (k % 2 ? it : { component: { name: long("C"), instance: long("i"), evse: { id: 1, connectorId: 1 } }, variable: { name: long("V"), instance: long(String(k % 10)) } }));
  assert.equal((await s.call("GetVariables", { getVariableData: many })).getVariableResult.length, ITEMS);
});

// SetVariables items: values accepted, normalized, refused for each reason, unknown names; a variable set twice
// (the last accepted value stays).
const X = (n) => "x".repeat(n);
const SET_KINDS = [
  (k) => [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" }, attributeValue: String(100 + k) }, "Accepted"],
  (k) => [{ component: { name: "TxCtrlr" }, variable: { name: "TxStopPoint" }, attributeValue: " PowerPathClosed , EVConnected" }, "Accepted"],
  (k) => [{ component: { name: "SecurityCtrlr" }, variable: { name: "OrganizationName" }, attributeValue: long(String(k % 10)) }, "Accepted"],
  (k) => [{ component: { name: "ChargingStation" }, variable: { name: "SupplyPhases" }, attributeValue: X(990) }, "Rejected", "ReadOnly"],
  (k) => [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" }, attributeValue: "0" }, "Rejected", "ValueOutOfRange"],
  (k) => [{ component: { name: "AuthCtrlr" }, variable: { name: "Enabled" }, attributeValue: X(990) }, "Rejected", "InvalidValue"],
  (k) => [{ component: { name: long("C"), instance: long("i"), evse: { id: 1, connectorId: 1 } }, variable: { name: long("V"), instance: long(String(k % 10)) }, attributeValue: X(1000) }, "UnknownComponent"],
  (k) => [{ component: { name: "AuthCtrlr" }, variable: { name: long("V") }, attributeValue: X(990) }, "UnknownVariable"],
  (k) => [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" }, attributeType: "MaxSet", attributeValue: X(990) }, "NotSupportedAttributeType"],
  (k) => [{ component: { name: "SecurityCtrlr" }, variable: { name: "OrganizationName" }, attributeValue: X(990) }, "Rejected", "ValueOutOfRange"],
];

function setRequest(n) {
  const items = [], expected = [];
  for (let k = 0; k < n; k++) {
    const [item, status, reason] = SET_KINDS[k % SET_KINDS.length](k);
    items.push(item);
    expected.push({ item, status, reason });
  }
  return { items, expected };
}

test(`[${HOST}] a SetVariables of ${ITEMS} items and 0.7 to 1 MB (values up to 1000 characters) in fragments: every result, the values set after the whole request`, { timeout: 300_000 }, async (t) => {
  const s = await chargingScenario(t);
  const { items, expected } = setRequest(ITEMS);
  const text = call("sv-1", "SetVariables", { setVariableData: items });
  assert.ok(text.length > 0.7 * BYTES && text.length <= BYTES, `${text.length} bytes`);
  sendFragmented(s.csms.client()._ws, text, 16384);
  const [type, , res] = await answer(s, "sv-1");
  assert.equal(type, 3);
  const results = res.setVariableResult;
  assert.equal(results.length, ITEMS);
  results.forEach((r, k) => {
    const e = expected[k];
    assert.deepEqual([r.component, r.variable, r.attributeType, r.attributeStatus, r.attributeStatusInfo && r.attributeStatusInfo.reasonCode],
      [e.item.component, e.item.variable, e.item.attributeType || "Actual", e.status, e.reason], `item ${k}`);
  });
  // the last accepted value of each variable, normalized
  const lastHeartbeat = Math.max(...expected.map((e, k) => (e.status === "Accepted" && e.item.variable.name === "HeartbeatInterval" ? 100 + k : 0)));
  assert.equal(await value(s, "OCPPCommCtrlr", "HeartbeatInterval"), String(lastHeartbeat));
  assert.equal(await value(s, "TxCtrlr", "TxStopPoint"), "EVConnected,PowerPathClosed");
  assert.equal(await value(s, "SecurityCtrlr", "OrganizationName"), long(String(992 % 10)));
  // the whole request again, in one frame
  sendFragmented(s.csms.client()._ws, text.replace("sv-1", "sv-2"), 0);
  assert.equal((await answer(s, "sv-2"))[2].setVariableResult.length, ITEMS);
});

test(`[${HOST}] an invalid item at position 999 of a ${ITEMS}-item SetVariables: CALLERROR with its path, no variable changed`, async (t) => {
  const s = await chargingScenario(t);
  const { items } = setRequest(ITEMS);
  const bad = items.slice();
  bad[999] = { component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" }, attributeValue: "x".repeat(1001) };
  sendFragmented(s.csms.client()._ws, call("sv-bad", "SetVariables", { setVariableData: bad }), 4096);
  const [type, , code, desc] = await answer(s, "sv-bad");
  assert.deepEqual([type, code, desc], [4, "PropertyConstraintViolation", "setVariableData[999].attributeValue: too long (max 1000)"]);
  bad[999] = { component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } };
  sendFragmented(s.csms.client()._ws, call("sv-bad-2", "SetVariables", { setVariableData: bad }), 0);   // the CSMS library would not send it
  assert.deepEqual((await answer(s, "sv-bad-2")).slice(2, 4), ["OccurrenceConstraintViolation", "setVariableData[999].attributeValue: required"]);
  assert.equal(await value(s, "OCPPCommCtrlr", "HeartbeatInterval"), "300");
  assert.equal(await value(s, "TxCtrlr", "TxStopPoint"), "EVConnected,Authorized");
  assert.equal(await value(s, "SecurityCtrlr", "OrganizationName"), "");
  assert.equal(s.csms.connections.length, 1, "no reconnection");
});

test(`[${HOST}] a SetVariables that sets a variable several times: every item's result, the last accepted value stays, one security event A04 for the security parameter it changed`, async (t) => {
  const s = await chargingScenario(t, { station: { securityProfile: 1, password: "0123456789abcdef-first" } });
  const pw = (v) => ({ component: { name: "SecurityCtrlr" }, variable: { name: "BasicAuthPassword" }, attributeValue: v });
  const hb = (v) => ({ component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" }, attributeValue: v });
  const items = [pw("0123456789abcdef-second"), hb("100"), pw("short"), hb("0"), pw("0123456789abcdef-third"), hb("200"),
    ...Array.from({ length: 994 }, () => hb("abc"))];
  const res = (await s.call("SetVariables", { setVariableData: items })).setVariableResult;
  assert.deepEqual(res.slice(0, 6).map((r) => r.attributeStatus), ["Accepted", "Accepted", "Rejected", "Rejected", "Accepted", "Accepted"]);
  assert.ok(res.slice(6).every((r) => r.attributeStatus === "Rejected" && r.attributeStatusInfo.reasonCode === "InvalidValue"));
  assert.equal(await value(s, "OCPPCommCtrlr", "HeartbeatInterval"), "200");
  await s.step(3000);
  const log = readLog(s.st);
  assert.deepEqual(log.entries.filter((e) => e.type === "ReconfigurationOfSecurityParameters").map((e) => e.techInfo),
    ["SetVariables SecurityCtrlr.BasicAuthPassword"]);
  // the password of the next connection is the last one accepted
  await s.csms.client().close({ code: 1001, force: true });
  await s.step(41_000);
  await s.csms.waitAttempts(2);
  assert.equal(s.csms.attempts[1].password, "0123456789abcdef-third");
});

/** The Node host's instantiate with AssemblyScript's RTRACE hooks (as tests/bounded-boot.test.js): heap.top is the
 *  end of the highest block ever allocated, heap.live what is allocated now. */
function tracedInstantiate(heap) {
  return (module, host) => {
    let ex = null;
    const size = (block) => 4 + (new Uint32Array(ex.memory.buffer, block, 1)[0] & ~3);
    const track = (block) => { const end = block + size(block); if (end > heap.top) heap.top = end; };
    const rtrace = {
      oninit: () => {}, onalloc: (b) => { track(b); heap.live += size(b); heap.peak = Math.max(heap.peak, heap.live); },
      onresize: (b, old) => { track(b); heap.live += size(b) - old; heap.peak = Math.max(heap.peak, heap.live); },
      onmove: () => true, onfree: (b) => { heap.live -= size(b); },
      onvisit: () => true, oncollect: () => {}, oninterrupt: () => {}, onyield: () => {}, onstore: (p) => p, onload: (p) => p,
    };
    const inst = new WebAssembly.Instance(module, { env: makeEnv(host, () => ex), rtrace });
    ex = inst.exports;
    if (ex._start) ex._start();
    heap.startLive = heap.live;
    heap.startTop = heap.top;
    return { exports: ex, mem: () => new Uint8Array(ex.memory.buffer) };
  };
}

test(`[${HOST}] heap: a ${ITEMS}-item GetVariables and SetVariables need no more heap than a 1-item one (Node host, RTRACE build)`, { timeout: 300_000 }, async (t) => {
  if (HOST !== "node") { t.skip("the heap is traced on the Node host only (wasm3 has no RTRACE hooks)"); return; }
  const file = path.join(__dirname, "..", "build", "firmware.rtrace.wasm");
  const release = path.join(__dirname, "..", "build", "firmware.wasm");
  assert.ok(fs.existsSync(file) && fs.statSync(file).mtimeMs >= fs.statSync(release).mtimeMs,
    "build/firmware.rtrace.wasm as new as build/firmware.wasm (make build/firmware.rtrace.wasm)");
  const heap = { top: 0, live: 0, peak: 0 };
  const s = await chargingScenario(t, { station: { module: new WebAssembly.Module(fs.readFileSync(file)), instantiate: tracedInstantiate(heap) } });
  const socket = s.csms.client()._ws;
  const round = async (n, id) => {
    heap.peak = heap.live;
    const g = getRequest(n), v = setRequest(n);
    sendFragmented(socket, call(`${id}-g`, "GetVariables", { getVariableData: g.items }), 8192);
    assert.equal((await answer(s, `${id}-g`))[0], 3);
    sendFragmented(socket, call(`${id}-s`, "SetVariables", { setVariableData: v.items }), 8192);
    assert.equal((await answer(s, `${id}-s`))[0], 3);
    return { top: heap.top, peakAboveLive: heap.peak };
  };
  const one = await round(10, "one");
  const many = await round(ITEMS, "many");
  console.log(`# heap: allocated at start-up ${heap.startLive} B (highest address ${heap.startTop}); ` +
    `10 items: highest address ${one.top}, live peak ${one.peakAboveLive}; ${ITEMS} items: highest address ${many.top}, live peak ${many.peakAboveLive}`);
  // What grows with the items is garbage only (values normalized as strings), collected after each event: the
  // highest address touched stays within the linear memory.
  assert.ok(many.top <= 5 * 65536, `highest heap address ${many.top}`);
});
