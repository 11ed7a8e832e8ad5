// The "sim bus": the simulator over one loopback TCP connection, for hosts in another process (the C
// host's hw.c). Frames: type u8, length u16 big-endian, payload (docs/hardware.md):
//   1 UART  port u8, bytes…
//   2 CAN   bus u8, id u32 BE, flags u8, len u8, data[len]
//   3 GPIO  line u16 BE, level i32 BE
// The simulator runs on the wall clock here (advance every tickMs).
"use strict";
const net = require("node:net");
const { ChargerSim } = require("./sim");

const T_UART = 1, T_CAN = 2, T_GPIO = 3, MAX_FRAME = 1024;

function frame(type, payload) {
  const b = Buffer.alloc(3 + payload.length);
  b[0] = type; b.writeUInt16BE(payload.length, 1); payload.copy(b, 3);
  return b;
}
const encodeUart = (port, bytes) => frame(T_UART, Buffer.concat([Buffer.from([port]), Buffer.from(bytes)]));
function encodeCan(bus, id, flags, data) {
  const p = Buffer.alloc(7 + data.length);
  p[0] = bus; p.writeUInt32BE(id >>> 0, 1); p[5] = flags; p[6] = data.length; Buffer.from(data).copy(p, 7);
  return frame(T_CAN, p);
}
function encodeGpio(line, level) {
  const p = Buffer.alloc(6);
  p.writeUInt16BE(line & 0xffff, 0); p.writeInt32BE(level | 0, 2);
  return frame(T_GPIO, p);
}

/** Splits a byte stream into frames; returns { events, rest } or null for a malformed stream. */
function decode(buf) {
  const events = [];
  let off = 0;
  while (buf.length - off >= 3) {
    const type = buf[off], len = buf.readUInt16BE(off + 1);
    if (len > MAX_FRAME) return null;
    if (buf.length - off < 3 + len) break;
    const p = buf.subarray(off + 3, off + 3 + len);
    if (type === T_UART && len >= 1) events.push({ uart: p[0], bytes: Buffer.from(p.subarray(1)) });
    else if (type === T_CAN && len >= 7 && p[6] <= 8 && len === 7 + p[6]) events.push({ can: p[0], id: p.readUInt32BE(1), flags: p[5], data: Buffer.from(p.subarray(7)) });
    else if (type === T_GPIO && len === 6) events.push({ gpio: p.readUInt16BE(0), level: p.readInt32BE(2) });
    else return null;
    off += 3 + len;
  }
  return { events, rest: Buffer.from(buf.subarray(off)) };
}

/** Serves one simulator per connection on 127.0.0.1:port; resolves to { server, port, sims }. */
function serveSimBus({ port = 0, tickMs = 5, simOptions = {} } = {}) {
  const sims = [];
  const server = net.createServer((sock) => {
    const t0 = Date.now();
    const sim = new ChargerSim({
      ...simOptions,
      deliverUart: (p, b) => sock.write(encodeUart(p, b)),
      deliverCan: (bus, id, flags, d) => sock.write(encodeCan(bus, id, flags, d)),
      deliverGpio: (line, level) => sock.write(encodeGpio(line, level)),
    });
    sims.push(sim);
    let rx = Buffer.alloc(0);
    const timer = setInterval(() => sim.advance(Date.now() - t0), tickMs);
    sim.advance(0);
    sock.on("data", (d) => {
      const r = decode(Buffer.concat([rx, d]));
      if (!r) { sock.destroy(); return; }
      rx = r.rest;
      for (const e of r.events) {
        if (e.uart !== undefined) sim.onUartWrite(e.uart, e.bytes);
        else if (e.can !== undefined) sim.onCanSend(e.can, e.id, e.flags, e.data);
        else sim.onGpioSet(e.gpio, e.level);
      }
    });
    sock.on("close", () => clearInterval(timer));
    sock.on("error", () => {});
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve({ server, port: server.address().port, sims })));
}

module.exports = { serveSimBus, decode, encodeUart, encodeCan, encodeGpio, T_UART, T_CAN, T_GPIO };

if (require.main === module) {
  const port = Number(process.argv[2] || 7070);
  serveSimBus({ port }).then(({ port: p }) => console.log(`sim bus on 127.0.0.1:${p}`));
}
