// The JavaScript hardware simulator (host/sim): PN532 framing against hand-computed frames, the reader's
// answers, the power module's ramp, the meter's integration, EV control pilot and demand, contactors.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const {
  ChargerSim, encodeFrame, scanFrames, TFI_HOST, TFI_PN532, ACK, PowerModuleSim, MeterSim, EvSim,
  canId, FN, ADDR, lineOf, LINES, CP_MV,
} = require("../host/sim");

const hex = (b) => Buffer.from(b).toString("hex");

function harness(opts = {}) {
  const got = { uart: [], can: [], gpio: [] };
  const sim = new ChargerSim({
    deliverUart: (port, bytes) => got.uart.push({ port, bytes: Buffer.from(bytes) }),
    deliverCan: (bus, id, flags, data) => got.can.push({ bus, id, flags, data: Buffer.from(data) }),
    deliverGpio: (line, level) => got.gpio.push({ line, level }),
    ...opts,
  });
  return { sim, got };
}

test("PN532 frames match hand-computed bytes", () => {
  // InListPassiveTarget, 1 target, 106 kbps A: LEN 04, LCS FC, D4+4A+01+00 = 0x11F → DCS E1.
  assert.equal(hex(encodeFrame(TFI_HOST, [0x4a, 0x01, 0x00])), "0000ff04fcd44a0100e100");
  // No target found: LEN 03, LCS FD, D5+4B+00 = 0x120 → DCS E0.
  assert.equal(hex(encodeFrame(TFI_PN532, [0x4b, 0x00])), "0000ff03fdd54b00e000");
  // SAMConfiguration answer: D5+15 = 0xEA → DCS 16.
  assert.equal(hex(encodeFrame(TFI_PN532, [0x15])), "0000ff02fed51516" + "00");
  const { frames, rest } = scanFrames(Buffer.from("55550000ff04fcd44a0100e10000ff00ff00" + "0000ff", "hex"));
  assert.equal(frames.length, 2);
  assert.equal(hex(frames[0].data), "4a0100");
  assert.ok(frames[1].ack);
  assert.equal(hex(rest), "00ff");   // kept from the start code on, for the next read
  // A bad DCS is skipped.
  assert.equal(scanFrames(Buffer.from("0000ff04fcd44a0100e200", "hex")).frames.length, 0);
});

test("the PN532 answers ACK then the response; a presented card is found until removed", () => {
  const { sim, got } = harness();
  sim.advance(0);
  sim.onUartWrite(0, encodeFrame(TFI_HOST, [0x4a, 0x01, 0x00]));
  sim.advance(1);
  assert.equal(hex(got.uart[0].bytes), hex(ACK));
  sim.advance(10);
  assert.equal(hex(got.uart[1].bytes), "0000ff03fdd54b00e000");
  sim.reader.present("04a1b2c3");
  sim.onUartWrite(0, encodeFrame(TFI_HOST, [0x4a, 0x01, 0x00]));
  sim.advance(20);
  // D5 4B 01 | Tg 01 | SENS_RES 00 04 | SEL_RES 08 | len 04 | 04 A1 B2 C3
  assert.equal(hex(got.uart[3].bytes), hex(encodeFrame(TFI_PN532, [0x4b, 1, 1, 0, 4, 8, 4, 0x04, 0xa1, 0xb2, 0xc3])));
  sim.reader.remove();
  sim.onUartWrite(0, encodeFrame(TFI_HOST, [0x4a, 0x01, 0x00]));
  sim.advance(30);
  assert.equal(hex(got.uart[5].bytes), "0000ff03fdd54b00e000");
  // present(uid, forMs): gone after the time.
  sim.reader.present("04112233445566", 100);
  sim.advance(200);
  sim.onUartWrite(0, encodeFrame(TFI_HOST, [0x4a, 0x01, 0x00]));
  sim.advance(210);
  assert.equal(hex(got.uart[7].bytes), "0000ff03fdd54b00e000");
  assert.throws(() => sim.reader.present("0102"));
  // A silent reader answers nothing.
  sim.reader.silent = true;
  const n = got.uart.length;
  sim.onUartWrite(0, encodeFrame(TFI_HOST, [0x14, 0x01, 0x14, 0x01]));
  sim.advance(300);
  assert.equal(got.uart.length, n);
});

test("the power module ramps to its set-point and answers status queries", () => {
  const sent = [];
  const m = new PowerModuleSim((id, data) => sent.push({ id, data }), { voltsPerSec: 500, ampsPerSec: 100 });
  const set = Buffer.from([0x0f, 0xa0, 0x03, 0xe8, 1, 0, 0, 0]);   // 400.0 V, 100.0 A, on
  assert.ok(m.onFrame(canId(FN.MODULE_SET, ADDR.MODULE, ADDR.CONTROLLER), set, 0));
  m.step(100, true, 1000);
  assert.equal(m.voltage, 50);
  assert.equal(m.current, 10);
  for (let i = 0; i < 7; i++) m.step(100, true, 1000);
  assert.equal(m.voltage, 400);
  assert.ok(Math.abs(m.current - 80) < 1e-9);
  for (let i = 0; i < 5; i++) m.step(100, true, 1000);
  assert.equal(m.current, 100);
  // The EV's limit caps the current; no load, no current.
  m.step(1000, true, 60);
  assert.equal(m.current, 60);
  m.step(1000, false, 0);
  assert.equal(m.current, 0);
  m.onFrame(canId(FN.MODULE_QUERY, ADDR.MODULE, ADDR.CONTROLLER), Buffer.alloc(0), 0);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].id, canId(FN.MODULE_STATUS, ADDR.CONTROLLER, ADDR.MODULE));
  assert.equal(hex(sent[0].data.subarray(0, 5)), "0fa0000001");
  m.fault(0x0004);
  m.step(10000, true, 100);
  assert.equal(m.voltage, 0);
  m.onFrame(canId(FN.MODULE_QUERY, ADDR.MODULE, ADDR.CONTROLLER), Buffer.alloc(0), 0);
  assert.equal(hex(sent[1].data.subarray(4, 7)), "000004");
  m.silent = true;
  m.onFrame(canId(FN.MODULE_QUERY, ADDR.MODULE, ADDR.CONTROLLER), Buffer.alloc(0), 0);
  assert.equal(sent.length, 2);
  // Frames for another module address are not this module's.
  assert.equal(m.onFrame(canId(FN.MODULE_QUERY, 0x05, ADDR.CONTROLLER), Buffer.alloc(0), 0), false);
});

test("the meter integrates voltage × current over time", () => {
  const sent = [];
  const meter = new MeterSim((id, data) => sent.push({ id, data }));
  for (let i = 0; i < 3600; i++) meter.measure(1000, 400, 100);   // 40 kW for one hour
  assert.ok(Math.abs(meter.importWh - 40000) < 1e-6);
  meter.measure(60000, 400, -30);                                   // 12 kW back for a minute
  assert.ok(Math.abs(meter.exportWh - 200) < 1e-9);
  meter.onFrame(canId(FN.METER_QUERY, ADDR.METER, ADDR.CONTROLLER), Buffer.alloc(0));
  assert.equal(sent.length, 2);
  assert.equal(sent[0].id, canId(FN.METER_VALUES, ADDR.CONTROLLER, ADDR.METER));
  assert.equal(hex(sent[0].data), "0fa0fed4ffffd120");           // 400.0 V, -30.0 A, -12000 W
  assert.equal(hex(sent[1].data), "00009c40000000c8");           // 40000 Wh import, 200 Wh export
  meter.reset();
  assert.equal(meter.importWh, 0);
});

test("an EV moves through the CP states, charges, and stops requesting at its target SoC", () => {
  const ev = new EvSim(1, { capacityWh: 10000, soc: 50, targetSoc: 60 });
  assert.equal(ev.cpState(1000), "A");
  ev.plug();
  assert.equal(ev.cpState(1000), "B");
  ev.setReady(true);
  assert.equal(ev.cpState(50), "C");
  assert.equal(ev.cpState(0), "F");
  ev.setReady(true, true);
  assert.equal(ev.cpState(50), "D");
  assert.equal(ev.cpMillivolts(50), CP_MV.D);
  assert.equal(ev.acceptedCurrent(), 200);
  ev.receive(500);
  assert.equal(ev.soc, 55);
  assert.equal(ev.demandFrame().data[5], 1);
  ev.receive(600);
  assert.equal(ev.requesting, false);
  assert.equal(ev.demandFrame().data[5], 0);
  assert.equal(ev.demandFrame().id, canId(FN.EV_DEMAND, ADDR.CONTROLLER, ADDR.EVCC_BASE + 1));
});

test("the simulator closes the loop: CP levels, contactor feedback, energy into the EV", () => {
  const { sim, got } = harness({ ev: { capacityWh: 50000, soc: 40, targetSoc: 90 } });
  sim.advance(0);
  assert.deepEqual(got.gpio.slice(0, 2), [{ line: lineOf(1, LINES.CP_SENSE), level: 12000 }, { line: lineOf(2, LINES.CP_SENSE), level: 12000 }]);
  sim.ev(2).plug();
  sim.advance(10);
  assert.deepEqual(got.gpio[got.gpio.length - 1], { line: lineOf(2, LINES.CP_SENSE), level: 9000 });
  sim.ev(2).setReady(true);
  sim.onGpioSet(lineOf(2, LINES.CP_PWM), 50);
  sim.advance(20);
  assert.deepEqual(got.gpio[got.gpio.length - 1], { line: lineOf(2, LINES.CP_SENSE), level: 6000 });
  // Contactor closes 20 ms after the command; the module delivers; the meter and the EV see the energy.
  sim.onGpioSet(lineOf(2, LINES.CONTACTOR_OUT), 1);
  sim.advance(30);
  assert.ok(!got.gpio.some((g) => g.line === lineOf(2, LINES.CONTACTOR_FB)));
  sim.advance(45);
  assert.deepEqual(got.gpio[got.gpio.length - 1], { line: lineOf(2, LINES.CONTACTOR_FB), level: 1 });
  sim.onCanSend(0, canId(FN.MODULE_SET, ADDR.MODULE, ADDR.CONTROLLER), 1, Buffer.from([0x0f, 0xa0, 0x03, 0xe8, 1, 0, 0, 0]));
  sim.advance(45 + 60 * 60 * 1000 / 4);   // 15 minutes
  const ev = sim.ev(2);
  assert.ok(ev.receivedWh > 9000 && ev.receivedWh < 10000, `received ${ev.receivedWh}`);
  assert.ok(Math.abs(sim.meter.importWh - ev.receivedWh) < 1e-6);
  assert.ok(ev.soc > 58 && ev.soc < 60);
  // Demand frames from connector 2's EVCC every 100 ms.
  const demands = got.can.filter((f) => f.id === canId(FN.EV_DEMAND, ADDR.CONTROLLER, ADDR.EVCC_BASE + 2));
  assert.ok(demands.length >= 9000 && demands.length <= 9001, `${demands.length}`);
  assert.equal(demands[0].flags, 1);
  // A welded contactor keeps its feedback closed after the open command.
  sim.faultOutput(2, "contactor", "welded");
  sim.onGpioSet(lineOf(2, LINES.CONTACTOR_OUT), 0);
  sim.advance(45 + 60 * 60 * 1000 / 4 + 1000);
  assert.equal(sim.connectors[2].contactor.fb, 1);
  sim.faultOutput(2, "contactor", null);
  sim.advance(45 + 60 * 60 * 1000 / 4 + 2000);
  assert.equal(sim.connectors[2].contactor.fb, 0);
  // Unplugged: back to state A, no more demand frames.
  sim.ev(2).unplug();
  const t = 45 + 60 * 60 * 1000 / 4 + 3000;
  sim.advance(t);
  assert.deepEqual(got.gpio[got.gpio.length - 1], { line: lineOf(2, LINES.CP_SENSE), level: 12000 });
  const before = got.can.length;
  sim.advance(t + 1000);
  assert.equal(got.can.length, before);
});

test("the sim bus carries UART, CAN and GPIO frames over loopback TCP", async () => {
  const net = require("node:net");
  const { serveSimBus, decode, encodeUart, encodeCan, encodeGpio } = require("../host/sim");
  assert.equal(hex(encodeCan(0, 0x1001f0, 1, [1, 2])), "020009" + "00001001f0010201" + "02");
  assert.equal(hex(encodeGpio(21, -12000)), "030006" + "0015ffffd120");
  assert.equal(decode(Buffer.from("0104ff", "hex")), null);                      // oversized length
  assert.deepEqual(decode(Buffer.from("030006001500", "hex")).events, []);      // incomplete: waits
  const { port, sims, close } = await serveSimBus({ tickMs: 2 });
  const sock = net.connect(port, "127.0.0.1");
  let rx = Buffer.alloc(0);
  const events = [];
  sock.on("data", (d) => { const r = decode(Buffer.concat([rx, d])); rx = r.rest; events.push(...r.events); });
  await new Promise((res) => sock.on("connect", res));
  sock.write(encodeUart(0, encodeFrame(TFI_HOST, [0x4a, 0x01, 0x00])));
  sock.write(encodeCan(0, canId(FN.MODULE_QUERY, ADDR.MODULE, ADDR.CONTROLLER), 1, []));
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline && !(events.some((e) => e.uart === 0 && e.bytes.length > 6) && events.some((e) => e.can === 0))) {
    await new Promise((res) => setTimeout(res, 10));
  }
  sock.destroy();
  close();
  assert.equal(sims.length, 1);
  assert.ok(events.some((e) => e.gpio === lineOf(1, LINES.CP_SENSE) && e.level === 12000));
  assert.ok(events.some((e) => e.uart === 0 && hex(e.bytes) === "0000ff03fdd54b00e000"));
  assert.ok(events.some((e) => e.can === 0 && e.id === canId(FN.MODULE_STATUS, ADDR.CONTROLLER, ADDR.MODULE) && e.flags === 1));
});

test("sim bus on the virtual clock: time moves only on TIME frames, each confirmed after what was due", async () => {
  const net = require("node:net");
  const { serveSimBus, decode, encodeTime } = require("../host/sim");
  const { port, sim, close } = await serveSimBus({ virtual: true });
  const sock = net.connect(port, "127.0.0.1");
  let rx = Buffer.alloc(0);
  const events = [];
  sock.on("data", (d) => { const r = decode(Buffer.concat([rx, d])); rx = r.rest; events.push(...r.events); });
  await new Promise((res) => sock.on("connect", res));
  await new Promise((res) => setTimeout(res, 50));
  assert.equal(events.length, 0, "nothing happens without time");
  sim.ev(1).plug();
  sock.write(encodeTime(1000));
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline && !events.some((e) => e.time === 1000)) await new Promise((res) => setTimeout(res, 5));
  const ack = events.findIndex((e) => e.time === 1000);
  assert.ok(ack >= 0, "TIME confirmed");
  assert.ok(events.slice(0, ack).some((e) => e.gpio === lineOf(1, LINES.CP_SENSE) && e.level === 9000), "EV seen (state B) before the confirmation");
  assert.ok(events.slice(0, ack).some((e) => e.can === 0), "EV demand frames due by then");
  assert.equal(sim.now, 1000);
  sock.destroy();
  close();
});
