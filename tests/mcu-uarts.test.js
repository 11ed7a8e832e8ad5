// The emulated board's peripheral UARTs (docs/porting.md): the PN532 reader's own frames on UART2 and the CAN bus
// as SLCAN lines on UART3, each a QEMU socket to the simulator; the sim bus on UART1 keeps GPIO and the virtual
// clock. A card and a charging session go end to end through them, and the sim bus carries no UART or CAN frame.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { startMcuStation } = require("../host/node/mcu-station.js");
const { startCsms } = require("./helpers/csms.js");
const { VALID_TOKEN } = require("./helpers/scenario.js");
const P = require("../host/sim/protocol.js");

async function board(t) {
  const csms = await startCsms();
  t.after(() => csms.close());
  const st = await startMcuStation({ csmsUrl: csms.url, stationId: "CS001", sim: true, config: { "dm:AlignedDataCtrlr.Interval": "0" } });
  t.after(() => st.stop());
  const step = async (ms) => { await st.advance(ms); await csms.quiet(); };
  // The guest's TCP goes through a relay process QEMU starts per connection, in real time: the boot is waited for
  // in real time, not in steps of virtual time (they can pass before the relay is up).
  await csms.waitFor("BootNotification", 1, 30_000);
  await step(2000);
  // Every CAN frame in both directions, by the function of its id, as the simulator sees it.
  const can = { fromBoard: [], toBoard: [] };
  const onCanSend = st.sim.onCanSend.bind(st.sim), deliverCan = st.sim.out.deliverCan;
  st.sim.onCanSend = (bus, id, flags, data) => { can.fromBoard.push(P.canFn(id)); return onCanSend(bus, id, flags, data); };
  st.sim.out.deliverCan = (bus, id, flags, data) => { can.toBoard.push(P.canFn(id)); return deliverCan(bus, id, flags, data); };
  return { csms, st, step, can, authorizes: () => csms.received.filter((r) => r.method === "Authorize").map((r) => r.params.idToken.idToken) };
}

/** The board's stats once check(stats) holds (bytes in flight on the links arrive in real time), or the last. */
async function statsWhen(st, check) {
  let stats = null;
  for (let i = 0; i < 50; i++) {
    stats = await st.stats();
    if (check(stats)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return stats;
}

function assertNoPeripheralsOnTheBus(bus) {
  for (const kind of ["uart", "can"])
    assert.equal(bus.stats.busIn[kind] + bus.stats.busOut[kind], 0, `${kind} frames on the sim bus: ${JSON.stringify(bus.stats)}`);
  assert.ok(bus.stats.busIn.time > 0 && bus.stats.busOut.gpio > 0, "the sim bus still carries TIME and GPIO");
}

test("[mcu] a card at the reader reaches the CSMS through the PN532 UART (Authorize), not the sim bus", async (t) => {
  const { st, step, authorizes } = await board(t);
  const before = { ...st.bus.stats };
  st.sim.reader.present(VALID_TOKEN, 400);
  await step(1000);
  assert.deepEqual(authorizes(), [VALID_TOKEN]);
  const link = () => st.bus.linkCounts().pn532;
  const stats = await statsWhen(st, (x) => x.pn532_rx_bytes === link().sent && x.pn532_tx_bytes === link().received);
  assert.ok(st.bus.stats.pn532BytesOut > before.pn532BytesOut && st.bus.stats.pn532BytesIn > before.pn532BytesIn, "the reader's frames both ways");
  // Everything the simulator sent on the PN532 link arrived, and the board sent what the simulator received.
  assert.equal(stats.pn532_rx_bytes, st.bus.stats.pn532BytesOut);
  assert.equal(stats.pn532_tx_bytes, st.bus.stats.pn532BytesIn);
  assert.equal(stats.pn532_rx_bytes, link().sent);
  assertNoPeripheralsOnTheBus(st.bus);
});

test("[mcu] a charging session: the power module and the meter speak SLCAN on UART3, counted both ways", async (t) => {
  const { csms, st, step, can } = await board(t);
  st.sim.reader.present(VALID_TOKEN, 400);
  await step(1000);
  st.sim.ev(1).plug();
  await step(500);
  st.sim.ev(1).setReady(true);
  await step(3000);
  const events = csms.received.filter((r) => r.method === "TransactionEvent").map((r) => r.params);
  assert.equal(events.at(-1).transactionInfo.chargingState, "Charging");
  assert.ok(st.sim.module.on, "the module was switched on over CAN");
  // The board's commands to the module and the meter, their answers and the EV's demand, all as SLCAN frames.
  for (const fn of [P.FN.MODULE_SET, P.FN.METER_QUERY]) assert.ok(can.fromBoard.includes(fn), `board → module 0x${fn.toString(16)}: ${can.fromBoard}`);
  for (const fn of [P.FN.MODULE_STATUS, P.FN.EV_DEMAND, P.FN.METER_VALUES]) assert.ok(can.toBoard.includes(fn), `→ board 0x${fn.toString(16)}: ${can.toBoard}`);
  const bus = st.bus.stats;
  const stats = await statsWhen(st, (x) => x.slcan_frames_out === bus.slcanFramesIn && x.slcan_acks === bus.slcanLinesIn
    && x.slcan_rx_bytes === bus.slcanBytesOut);
  assert.ok(bus.slcanFramesIn >= can.fromBoard.length && bus.slcanFramesOut >= can.toBoard.length, JSON.stringify(bus));
  // The board sent as many frame lines as the adapter took (plus its C, S6, O), and every line back was read.
  assert.equal(stats.slcan_frames_out, bus.slcanFramesIn);
  assert.equal(bus.slcanLinesIn, bus.slcanFramesIn + 3);
  assert.equal(stats.slcan_frames_in, bus.slcanFramesOut);
  assert.equal(stats.slcan_acks, bus.slcanLinesIn, "one answer per line (\\r for commands, Z for frames)");
  assert.equal(stats.slcan_rx_bytes, bus.slcanBytesOut);
  assert.equal(stats.slcan_bad_lines + stats.slcan_errors, 0);
  assertNoPeripheralsOnTheBus(st.bus);
});

test("[mcu] after a power cut the new board's links start from nothing: a card still reaches the CSMS", async (t) => {
  const { csms, st, step, authorizes } = await board(t);
  await st.powerCycle();
  await csms.waitFor("BootNotification", 2, 30_000);
  await step(2000);
  st.sim.reader.present(VALID_TOKEN, 400);
  await step(1000);
  assert.deepEqual(authorizes(), [VALID_TOKEN]);
  // The new board counts from its boot, and so does the simulator's side of each link since newHost().
  const links = () => st.bus.linkCounts();
  const stats = await statsWhen(st, (x) => x.pn532_rx_bytes === links().pn532.sent && x.slcan_rx_bytes === links().slcan.sent);
  assert.equal(stats.pn532_rx_bytes, links().pn532.sent);
  assert.equal(stats.pn532_tx_bytes, links().pn532.received);
  assert.equal(stats.slcan_rx_bytes, links().slcan.sent);
  assert.equal(stats.slcan_tx_bytes, links().slcan.received);
  assert.ok(st.bus.stats.pn532BytesOut > stats.pn532_rx_bytes, "the simulator's totals span both boards");
  assert.ok(!st.logs.some((l) => /no TIME confirmation or link bytes/.test(l.text)), "every step's link bytes arrived");
});

// What the board writes on its links, and when in the simulator's virtual time, is the same in two runs: the PN532
// driver's polling (each command waits for the reader's ACK and answer, against its time-outs) and the CAN traffic
// (the meter's and module's queries, against their answers and the EV's demand). No card and no authorization in
// the window: what the CSMS's answers cause depends on when they arrive in real time, on every host.
test("[mcu] the virtual clock stays deterministic over three UARTs: two runs write the same bytes at the same times", async (t) => {
  const run = async () => {
    const { st, step } = await board(t);
    const sim = st.sim, log = [];
    let at = null;
    const onCanSend = sim.onCanSend.bind(sim), onUartWrite = sim.onUartWrite.bind(sim);
    sim.onCanSend = (bus, id, flags, data) => { if (at !== null) log.push([sim.now - at, "can", id, Buffer.from(data).toString("hex")]); return onCanSend(bus, id, flags, data); };
    // A UART is a byte stream: what arrives at one instant is one entry, however the sockets cut it.
    sim.onUartWrite = (port, bytes) => {
      const last = log.at(-1), hex = Buffer.from(bytes).toString("hex");
      if (at !== null && last && last[1] === "pn532" && last[0] === sim.now - at) last[2] += hex;
      else if (at !== null) log.push([sim.now - at, "pn532", hex]);
      return onUartWrite(port, bytes);
    };
    await step(500);
    at = sim.now;
    sim.ev(1).plug();
    await step(1000);
    sim.ev(1).setReady(true);
    await step(2000);
    at = null;
    st.stop();
    return log;
  };
  const a = await run(), b = await run();
  assert.ok(a.some((e) => e[1] === "can") && a.some((e) => e[1] === "pn532"), JSON.stringify(a.slice(0, 10)));
  assert.deepEqual(b, a);
});
