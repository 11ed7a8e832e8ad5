// The simulator's SLCAN codec and adapter (host/sim/slcan.js), and the sim bus with the board's links: CAN as
// SLCAN and the PN532 UART on ports of their own, ordered against the TIME frames by their byte counts.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const net = require("node:net");
const { encodeFrame, parseLine, SlcanReader, SlcanAdapter, SLCAN_EXT, SLCAN_RTR } = require("../host/sim/slcan.js");
const { serveSimBus, decode, encodeTime, T_TIME } = require("../host/sim/simbus.js");
const P = require("../host/sim/protocol.js");

test("SLCAN: frames to lines (standard, extended, remote) and invalid frames refused", () => {
  assert.equal(encodeFrame(0x123, 0, [0x01, 0xab]), "t123201AB\r");
  assert.equal(encodeFrame(0x1012f001, SLCAN_EXT, [0, 0xff, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60]), "T1012F001800FF102030405060\r");
  assert.equal(encodeFrame(0x7ff, SLCAN_RTR, 4), "r7FF4\r");
  assert.equal(encodeFrame(0x1fffffff, SLCAN_EXT | SLCAN_RTR, 0), "R1FFFFFFF0\r");
  assert.throws(() => encodeFrame(0x800, 0, []), RangeError);
  assert.throws(() => encodeFrame(0x20000000, SLCAN_EXT, []), RangeError);
  assert.throws(() => encodeFrame(1, 0, Buffer.alloc(9)), RangeError);
});

test("SLCAN: lines to frames, commands and answers; malformed lines are null", () => {
  assert.deepEqual(parseLine("T1012F0013A1b2C3"), { frame: { id: 0x1012f001, flags: SLCAN_EXT, data: Buffer.from([0xa1, 0xb2, 0xc3]) } });
  assert.deepEqual(parseLine("t1231551234"), { frame: { id: 0x123, flags: 0, data: Buffer.from([0x55]) } }, "with a timestamp");
  assert.deepEqual(parseLine("R000000018"), { frame: { id: 1, flags: SLCAN_EXT | SLCAN_RTR, data: Buffer.alloc(0) } });
  assert.deepEqual(parseLine("S6"), { command: "S6" });
  assert.deepEqual(parseLine(""), { ack: true });
  assert.deepEqual(parseLine("Z"), { ack: true });
  for (const bad of ["x", "t12", "t1G30", "t8000", "t1239", "t123201", "t1232010203", "T2000000000", "t12320G00", "T123", "S9", "t123155123"])
    assert.equal(parseLine(bad), null, bad);
});

test("SLCAN reader: split lines, CR LF, the bell, over-long lines counted and dropped", () => {
  const r = new SlcanReader();
  assert.deepEqual(r.push(Buffer.from("t12")), []);
  assert.equal(r.push(Buffer.from("30\r\n"))[0].frame.id, 0x123);
  assert.deepEqual(r.push(Buffer.from([0x07])), [{ bell: true }]);
  const items = r.push(Buffer.concat([Buffer.from("T" + "1".repeat(100) + "\r"), Buffer.from("t0010\r")]));
  assert.equal(items.length, 2);
  assert.ok(items[0].bad !== undefined);
  assert.equal(items[1].frame.id, 1);
  assert.deepEqual(r.stats, { lines: 3, frames: 2, bad: 1, bells: 1 });
});

test("SLCAN adapter: frames pass only on an open channel; each command answered as Lawicel's", () => {
  const out = [], frames = [];
  const a = new SlcanAdapter({ write: (b) => out.push(b.toString("latin1")), onFrame: (id, flags, data) => frames.push({ id, flags, data }) });
  a.onBytes(Buffer.from("t0010\r"));
  assert.equal(a.sendFrame(5, 0, [1]), false, "closed: nothing to the controller");
  a.onBytes(Buffer.from("O\r"));
  assert.deepEqual(out, ["\x07", "\x07"], "frame and open before a bit rate: errors");
  out.length = 0;
  a.onBytes(Buffer.from("C\rS6\rO\rT000000011AA\rt0010\rQ\r"));
  assert.deepEqual(out, ["\r", "\r", "\r", "Z\r", "z\r", "\x07"]);
  assert.deepEqual(frames.map((f) => f.id), [1, 1]);
  assert.equal(a.sendFrame(0x10203, SLCAN_EXT, [9]), true);
  assert.equal(out.at(-1), "T00010203109\r");
  assert.deepEqual(a.stats, { linesIn: 8, linesOut: 1, framesIn: 2, framesOut: 1, errors: 3 });
});

// A fake board on the three ports: sim bus, SLCAN, PN532.
async function connect(port) {
  const s = net.connect(port, "127.0.0.1");
  await new Promise((r) => s.once("connect", r));
  const got = { bytes: Buffer.alloc(0) };
  s.on("data", (d) => { got.bytes = Buffer.concat([got.bytes, d]); });
  return { s, got };
}
const until = async (cond, what) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), what);
};

test("sim bus with links: CAN as SLCAN and the PN532 bytes on their own ports; TIME waits for the counted bytes", async (t) => {
  const bus = await serveSimBus({ virtual: true, links: true, simOptions: { connectors: 1 } });
  t.after(() => bus.close());
  const main = await connect(bus.port), can = await connect(bus.slcanPort), rfid = await connect(bus.pn532Port);
  t.after(() => { main.s.destroy(); can.s.destroy(); rfid.s.destroy(); });
  // The board's TIME says it sent 7 SLCAN bytes ("C\rS6\rO\r") and 0 PN532 bytes: nothing moves before they came.
  main.s.write(encodeTime(0, undefined, [7, 0]));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(bus.sim.now, null, "the TIME waited for the SLCAN bytes");
  can.s.write("C\rS6\r");
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(bus.sim.now, null, "5 of 7 bytes: still waiting");
  can.s.write("O\r");
  await until(() => bus.sim.now !== null, "the TIME ran once the bytes came");
  await until(() => decode(main.got.bytes).events.some((e) => e.time === 0), "confirmation");
  const conf = decode(main.got.bytes).events.find((e) => e.time === 0);
  assert.equal(conf.links[0], 3, "the adapter's three answers counted");
  assert.equal(conf.links[1], 0);

  // An EV plugged in: its demand frames come as SLCAN lines on the CAN port, never as CAN frames on the sim bus.
  bus.sim.ev(1).plug();
  main.s.write(encodeTime(500, undefined, [7, 0]));
  await until(() => decode(main.got.bytes).events.some((e) => e.time === 500), "second confirmation");
  const c2 = decode(main.got.bytes).events.find((e) => e.time === 500);
  await until(() => can.got.bytes.length === c2.links[0], "the counted SLCAN bytes arrived");
  const lines = can.got.bytes.toString("latin1").split("\r").filter((l) => l.startsWith("T"));
  assert.ok(lines.length >= 1, `demand frames as SLCAN: ${JSON.stringify(can.got.bytes.toString("latin1"))}`);
  assert.equal(P.canFn(parseLine(lines[0]).frame.id), P.FN.EV_DEMAND);
  assert.ok(!decode(main.got.bytes).events.some((e) => e.can !== undefined || e.uart !== undefined), "no CAN or UART frame on the sim bus");
  assert.equal(bus.stats.busOut.can, 0);

  // PN532: a GetFirmwareVersion frame in raw on its port, the ACK and answer back raw on it.
  const getFirmware = Buffer.from([0x00, 0x00, 0xff, 0x02, 0xfe, 0xd4, 0x02, 0x2a, 0x00]);
  rfid.s.write(getFirmware);
  main.s.write(encodeTime(600, undefined, [7, getFirmware.length]));
  await until(() => decode(main.got.bytes).events.some((e) => e.time === 600), "third confirmation");
  const c3 = decode(main.got.bytes).events.find((e) => e.time === 600);
  await until(() => rfid.got.bytes.length === c3.links[1] && c3.links[1] > 6, "the PN532's answer, counted");
  assert.deepEqual([...rfid.got.bytes.subarray(0, 6)], [0, 0, 0xff, 0, 0xff, 0], "ACK first");
  assert.equal(bus.stats.pn532BytesIn, getFirmware.length);
  assert.equal(bus.stats.busIn.uart + bus.stats.busOut.uart, 0, "no UART frame on the sim bus");
  assert.equal(decode(main.got.bytes).events.filter((e) => e.time !== undefined).length, 3);
  assert.equal(T_TIME, 4);
});
