// Foundation scenarios against a strict ocpp-rpc CSMS on the virtual clock: registration, heartbeat,
// GetVariables, RPC error answers, reconnection with back-off.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { startCsms } = require("./helpers/csms.js");
const { startTestStation, HOST } = require("./helpers/station-host.js");

async function bootedStation(t, csmsOptions) {
  const csms = await startCsms(csmsOptions);
  const st = await startTestStation({ csmsUrl: csms.url, stationId: "CS001" });
  t.after(() => { st.stop(); csms.close(); });
  await csms.waitFor("BootNotification");
  await st.settle();
  return { csms, st };
}

/** Sends a raw frame to the station and returns the station's answer frame with that id. */
async function rawCall(csms, st, frame, id) {
  const before = csms.rawIn.length;
  csms.client().sendRaw(frame);
  const answer = await csms.waitRaw((m, i) => i >= before && JSON.parse(m)[1] === id, `answer to ${id}`)
    .catch(async (e) => { await st.settle(); throw e; });
  return JSON.parse(answer);
}

test(`[${HOST}] boots: WebSocket to <url>/<id> with ocpp2.0.1, BootNotification PowerUp`, async (t) => {
  const { csms } = await bootedStation(t);
  assert.equal(csms.connections[0].identity, "CS001");
  assert.equal(csms.connections[0].protocol, "ocpp2.0.1");
  const boot = csms.received.find((r) => r.method === "BootNotification").params;
  assert.equal(boot.reason, "PowerUp");
  assert.ok(boot.chargingStation.vendorName && boot.chargingStation.model);
});

test(`[${HOST}] Heartbeat at the interval from BootNotification (virtual time)`, async (t) => {
  const { csms, st } = await bootedStation(t, { interval: 300 });
  await st.advance(299_000);
  assert.equal(csms.count("Heartbeat"), 0, "no heartbeat before the interval");
  await st.advance(1_000);
  await csms.waitFor("Heartbeat", 1);
  await st.advance(300_000);
  await csms.waitFor("Heartbeat", 2);
  assert.equal(csms.count("Heartbeat"), 2);
});

// B01/B05: a HeartbeatInterval set by the CSMS applies at once, not after the heartbeat already planned under
// the old value (found by an independent CSMS: set to 10 s at t = 5 s, the heartbeats came at 300, 310, 320 s).
test(`[${HOST}] a new OCPPCommCtrlr.HeartbeatInterval applies at once: the next heartbeat one new interval after the change`, async (t) => {
  const { csms, st } = await bootedStation(t, { interval: 300 });
  await st.advance(5_000);
  const r = await csms.client().call("SetVariables", { setVariableData: [
    { component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" }, attributeValue: "10" }] });
  assert.equal(r.setVariableResult[0].attributeStatus, "Accepted");
  await st.settle();
  const t0 = st.now();
  await st.advance(9_000);
  assert.equal(csms.count("Heartbeat"), 0, "none before the new interval has passed");
  await st.advance(1_000);
  await csms.waitFor("Heartbeat", 1);
  const at1 = st.now() - t0;
  await st.advance(10_000);
  await csms.waitFor("Heartbeat", 2);
  await st.advance(10_000);
  await csms.waitFor("Heartbeat", 3);
  assert.equal(csms.count("Heartbeat"), 3, `three heartbeats 10 s apart within 30 s of the change (first at +${at1} ms)`);
  // Back to a longer interval: the next heartbeat is that interval after the change, not 10 s after the last one.
  const r2 = await csms.client().call("SetVariables", { setVariableData: [
    { component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" }, attributeValue: "60" }] });
  assert.equal(r2.setVariableResult[0].attributeStatus, "Accepted");
  await st.settle();
  await st.advance(59_000);
  assert.equal(csms.count("Heartbeat"), 3, "none before 60 s after the second change");
  await st.advance(1_000);
  await csms.waitFor("Heartbeat", 4);
});

test(`[${HOST}] Pending boot is retried after the interval, then Accepted`, async (t) => {
  let status = "Pending";
  const { csms, st } = await bootedStation(t, { handlers: { BootNotification: () => ({ status, currentTime: new Date().toISOString(), interval: 60 }) } });
  assert.equal(csms.count("BootNotification"), 1);
  status = "Accepted";
  await st.advance(59_000);
  assert.equal(csms.count("BootNotification"), 1);
  await st.advance(1_000);
  await csms.waitFor("BootNotification", 2);
});

test(`[${HOST}] GetVariables answered with a CALLRESULT, one result per item`, async (t) => {
  const { csms } = await bootedStation(t);
  const res = await csms.client().call("GetVariables", { getVariableData: [
    { component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } },
    { component: { name: "NoSuchCtrlr" }, variable: { name: "Foo" } },
    { component: { name: "OCPPCommCtrlr" }, variable: { name: "NoSuchVariable" } },
    { component: { name: "SecurityCtrlr" }, variable: { name: "BasicAuthPassword" } },
    { component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" }, attributeType: "Target" },
  ] });
  const r = res.getVariableResult;
  assert.equal(r.length, 5);
  assert.deepEqual(r[0], { attributeStatus: "Accepted", attributeType: "Actual", attributeValue: "300", component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } });
  assert.equal(r[1].attributeStatus, "UnknownComponent");
  assert.equal(r[2].attributeStatus, "UnknownVariable");
  assert.equal(r[3].attributeStatus, "Rejected");
  assert.equal(r[3].attributeValue, undefined, "write-only values are never reported");
  assert.equal(r[4].attributeStatus, "NotSupportedAttributeType");
});

test(`[${HOST}] unknown action → NotImplemented; known but unsupported → NotSupported`, async (t) => {
  const { csms, st } = await bootedStation(t);
  const a = await rawCall(csms, st, '[2,"u1","FooBar",{}]', "u1");
  assert.deepEqual(a.slice(0, 3), [4, "u1", "NotImplemented"]);
  const b = await rawCall(csms, st, '[2,"u2","CostUpdated",{"totalCost":1.5,"transactionId":"t1"}]', "u2");
  assert.deepEqual(b.slice(0, 3), [4, "u2", "NotSupported"]);
  assert.deepEqual(b[4], {});
});

test(`[${HOST}] malformed frames get the Part 4 CALLERROR and the station keeps working`, async (t) => {
  const { csms, st } = await bootedStation(t);
  const cases = [
    ['[2,{"id":1},"Heartbeat",{}]', "-1", ["RpcFrameworkError"]],
    ['[2,"m2","GetVariables",{"getVariableData":"x"}]', "m2", ["TypeConstraintViolation"]],
    ['[2,"m3","GetVariables",{}]', "m3", ["OccurrenceConstraintViolation"]],
    ['[7,"m4",{}]', "m4", ["MessageTypeNotSupported"]],
    ['[2,"m5","GetVariables",{"getVariableData":[{"component":{"name":"X"},"variable":{"name":"Y"}}],"x":1}]', "m5", ["ProtocolError"]],
    ['[2,"m6","GetVariables",{"getVariableData":[{"component":{"name":"X"},"variable":{"name":"Y"},"attributeType":"Bogus"}]}]', "m6", ["PropertyConstraintViolation"]],
    ['[2,"m7","GetVariables",{"getVariableData":[{"component":{"name":"X"},"variable":{"name":"Y"}} oops]}]', "m7", ["FormatViolation"]],
  ];
  // Truncated JSON: the id may not be recoverable, so Part 4 allows "-1" as well as the id; the code may be
  // RpcFrameworkError or FormatViolation.
  const before = csms.rawIn.length;
  csms.client().sendRaw('[2,"t1","Heartbeat"');
  const trunc = JSON.parse(await csms.waitRaw((m, i) => i >= before && ["t1", "-1"].includes(JSON.parse(m)[1]), "answer to the truncated frame"));
  assert.equal(trunc[0], 4);
  assert.ok(["RpcFrameworkError", "FormatViolation"].includes(trunc[2]), `truncated frame → ${trunc[2]}`);
  for (const [frame, id, codes] of cases) {
    const e = await rawCall(csms, st, frame, id);
    assert.equal(e[0], 4, frame);
    assert.ok(codes.includes(e[2]), `${frame} → ${e[2]}`);
    assert.equal(typeof e[3], "string");
    assert.ok(e[3].length <= 255);
  }
  const ok = await csms.client().call("GetVariables", { getVariableData: [{ component: { name: "SecurityCtrlr" }, variable: { name: "Identity" } }] });
  assert.equal(ok.getVariableResult[0].attributeValue, "CS001");
  assert.equal(csms.connections.length, 1, "malformed input never costs the connection");
});

test(`[${HOST}] a response for an unknown message id is ignored`, async (t) => {
  const { csms, st } = await bootedStation(t);
  const before = csms.rawIn.length;
  csms.client().sendRaw('[3,"not-ours",{}]');
  csms.client().sendRaw('[4,"not-ours-either","GenericError","",{}]');
  await st.settle();
  await new Promise((r) => setTimeout(r, 50));
  await st.settle();
  assert.equal(csms.rawIn.length, before, "no answer to a response");
  assert.ok(st.logs.some((l) => l.text.includes("unknown message id")));
});

test(`[${HOST}] server disconnect: reconnects after the back-off, no new BootNotification`, async (t) => {
  const { csms, st } = await bootedStation(t);
  await csms.client().close({ code: 1001, force: true });
  await st.settle();
  await new Promise((r) => setTimeout(r, 30));
  await st.settle();
  await st.advance(29_000);
  assert.equal(csms.connections.length, 1, "no reconnection before RetryBackOffWaitMinimum (30 s)");
  await st.advance(11_000);   // WaitMinimum 30 s + RandomRange 10 s, from the moment of the close
  await csms.waitConnected(2);
  await st.settle();
  assert.equal(csms.count("BootNotification"), 1, "an accepted station does not boot again after a reconnect");
  await st.advance(300_000);
  await csms.waitFor("Heartbeat", 1);
});

// The certification case is in tests/conformance/b-provisioning.test.js; this one also covers the end of the doubling and
// the random part.
test(`[${HOST}] Part 4 §5.3 reconnection back-off: RetryBackOffWaitMinimum, then doubled RetryBackOffRepeatTimes times, plus the random part`, async (t) => {
  const { csms, st } = await bootedStation(t);
  const setBackOff = async (repeat, range, wait) => {
    const r = await csms.client().call("SetVariables", { setVariableData: [["RetryBackOffRepeatTimes", repeat], ["RetryBackOffRandomRange", range],
      ["RetryBackOffWaitMinimum", wait]].map(([name, v]) => ({ component: { name: "OCPPCommCtrlr" }, variable: { name }, attributeValue: String(v) })) });
    assert.deepEqual(r.setVariableResult.map((x) => x.attributeStatus), ["Accepted", "Accepted", "Accepted"]);
  };
  const settled = async () => { await st.settle(); await new Promise((r) => setTimeout(r, 30)); await st.settle(); };
  const to = async (at) => { await st.advance(at - st.now()); await settled(); };
  /** The next attempt comes at `at` (virtual ms), not half a second earlier. */
  const attemptAt = async (at, lateMs = 500) => {
    const n = csms.attempts.length;
    await to(at - 500);
    assert.equal(csms.attempts.length, n, `no attempt before ${at} ms`);
    await to(at + lateMs);
    await csms.waitAttempts(n + 1, 3000);
    return csms.attempts[n];
  };
  const drop = async () => { await csms.client().close({ code: 1001, force: true }); await settled(); return st.now(); };

  await setBackOff(2, 0, 10);
  let t0 = await drop();
  assert.ok((await attemptAt(t0 + 10_000)).accepted, "first reconnection after RetryBackOffWaitMinimum");
  await csms.waitConnected(2, 3000);

  csms.admit(false);
  t0 = await drop();
  assert.equal((await attemptAt(t0 + 10_000)).accepted, false, "a new loss starts again at RetryBackOffWaitMinimum");
  assert.equal((await attemptAt(t0 + 30_000)).accepted, false, "then twice as long");
  await attemptAt(t0 + 70_000);                    // doubled again: RetryBackOffRepeatTimes = 2
  csms.admit(true);
  assert.ok((await attemptAt(t0 + 110_000)).accepted, "no further doubling");
  await csms.waitConnected(3, 3000);
  assert.equal(csms.count("BootNotification"), 1, "an accepted station does not boot again");

  await setBackOff(2, 5, 10);
  t0 = await drop();
  const a = await attemptAt(t0 + 10_000, 5500);
  assert.ok(a.accepted, "within RetryBackOffWaitMinimum + RetryBackOffRandomRange");
});

// Found by the image fuzzer (tests/fuzz, docs/bench.md): the decoder's recursion ran out of wasm3's 8 KiB value
// stack (the C host, the board) on a SetChargingProfile nested as deep as its schema goes
// (chargingSchedule[].salesTariff.salesTariffEntry[].consumptionCost[].cost[].customData), with an open
// customData nested further to the decoder's limit of 16, and more so when it broke at the innermost value.
test(`[${HOST}] a SetChargingProfile nested to the decoder's depth limit, valid or broken at its innermost value, is answered without a trap`, async (t) => {
  const { csms, st } = await bootedStation(t);
  const SCHEMAS = require("ocpp-rpc/lib/schemas/ocpp2_0_1.json");
  const { instance } = require("./helpers/schema-instances.js");
  const schema = SCHEMAS.find((s) => s.$id === "urn:SetChargingProfile.req");
  const payload = instance(schema, schema, true);
  payload.chargingProfile.chargingSchedule[0].salesTariff.salesTariffEntry[0].consumptionCost[0].cost[0].customData =
    { vendorId: "v", x: { a: { b: { c: 1 } } } };
  const valid = JSON.stringify([2, "deep1", "SetChargingProfile", payload]);
  const answer = await rawCall(csms, st, valid, "deep1");
  assert.equal(answer[0], 4, "SetChargingProfile is not supported: a CALLERROR");
  assert.equal(answer[2], "NotSupported");
  const broken = valid.replace('"deep1"', '"deep2"').replace('"c":1', '"c":1,');
  const error = await rawCall(csms, st, broken, "deep2");
  assert.deepEqual(error.slice(0, 3), [4, "deep2", "FormatViolation"]);
  assert.match(error[3], /cost\[0\]\.customData: invalid JSON$/);
  const again = await rawCall(csms, st, '[2,"after","GetVariables",{"getVariableData":[{"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}}]}]', "after");
  assert.equal(again[0], 3, "the same instance still answers");
  assert.ok(!st.logs.some((l) => /^trap:/.test(l.text)), "no trap");
});
