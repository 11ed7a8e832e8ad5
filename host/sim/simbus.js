// The "sim bus": the simulator over one loopback TCP connection, for hosts in another process (the C
// host's hw.c). Frames: type u8, length u16 big-endian, payload (docs/hardware.md):
//   1 UART  port u8, bytes…
//   2 CAN   bus u8, id u32 BE, flags u8, len u8, data[len]
//   3 GPIO  line u16 BE, level i32 BE
//   4 TIME  ms u64 BE — virtual clock only: host → simulator "the time is now ms"; the simulator advances, sends
//           what is due, then echoes the TIME frame as its confirmation
// One simulator per server: a host that dies (power cut) and connects again finds the same EV, card and module.
// Real clock: the simulator advances every tickMs on its own; virtual: only on TIME frames.
"use strict";
const net = require("node:net");
const { ChargerSim } = require("./sim");

const T_UART = 1, T_CAN = 2, T_GPIO = 3, T_TIME = 4, MAX_FRAME = 1024;

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
    else if (type === T_TIME && (len === 8 || len === 16)) events.push({ time: Number(p.readBigUInt64BE(0)) });
    else return null;
    off += 3 + len;
  }
  return { events, rest: Buffer.from(buf.subarray(off)) };
}

/** TIME: 8 bytes (host → simulator); the confirmation adds 8 more: when the simulator next has something to send,
 *  in the host's time (2^64 - 1: nothing scheduled). */
function encodeTime(ms, nextMs) {
  const p = Buffer.alloc(nextMs === undefined ? 8 : 16);
  p.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(ms))), 0);
  if (nextMs !== undefined) p.writeBigUInt64BE(Number.isFinite(nextMs) ? BigInt(Math.max(0, Math.ceil(nextMs))) : 0xffffffffffffffffn, 8);
  return frame(T_TIME, p);
}

/** Serves one simulator on 127.0.0.1:port for the host connected last; resolves to { server, port, sim, sims,
 *  close() }. virtual: time moves only on TIME frames (the host's virtual clock). */
function serveSimBus({ port = 0, tickMs = 5, virtual = false, simOptions = {} } = {}) {
  let sock = null;
  const send = (b) => { if (sock && !sock.destroyed) sock.write(b); };
  const sim = new ChargerSim({
    ...simOptions,
    deliverUart: (p, b) => send(encodeUart(p, b)),
    deliverCan: (bus, id, flags, d) => send(encodeCan(bus, id, flags, d)),
    deliverGpio: (line, level) => send(encodeGpio(line, level)),
  });
  const t0 = Date.now();
  let timer = null;
  if (!virtual) { sim.advance(0); timer = setInterval(() => sim.advance(Date.now() - t0), tickMs); }
  const server = net.createServer((s) => {
    if (sock) sock.destroy();       // the old host is gone (power cut): the new one takes over
    sock = s;
    s.setNoDelay(true);
    let rx = Buffer.alloc(0);
    let base = null;
    // A host that (re)connects needs the current line levels: the drivers start from nothing.
    if (sim.now !== null) sim.powerCycled();
    s.on("data", (d) => {
      const r = decode(Buffer.concat([rx, d]));
      if (!r) { s.destroy(); return; }
      rx = r.rest;
      for (const e of r.events) {
        if (e.uart !== undefined) sim.onUartWrite(e.uart, e.bytes);
        else if (e.can !== undefined) sim.onCanSend(e.can, e.id, e.flags, e.data);
        else if (e.time !== undefined && s === sock) {
          // A restarted host counts its clock from 0 again; the simulator's own time goes on.
          if (base === null) base = sim.now === null ? 0 : sim.now - e.time;
          sim.advance(e.time + base);
          send(encodeTime(e.time, sim.nextEventMs() - base));
        }
        else sim.onGpioSet(e.gpio, e.level);
      }
    });
    s.on("close", () => { if (sock === s) sock = null; });
    s.on("error", () => {});
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve({
    server, port: server.address().port, sim, sims: [sim],
    close: () => { clearInterval(timer); if (sock) sock.destroy(); server.close(); },
  })));
}

module.exports = { serveSimBus, decode, encodeUart, encodeCan, encodeGpio, encodeTime, T_UART, T_CAN, T_GPIO, T_TIME };

if (require.main === module) {
  const port = Number(process.argv[2] || 7070);
  serveSimBus({ port }).then(({ port: p }) => console.log(`sim bus on 127.0.0.1:${p}`));
}
