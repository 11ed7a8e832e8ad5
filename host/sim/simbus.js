// The "sim bus": the simulator over one loopback TCP connection, for hosts in another process (the C
// host's hw.c). Frames: type u8, length u16 big-endian, payload (docs/hardware.md):
//   1 UART  port u8, bytes…
//   2 CAN   bus u8, id u32 BE, flags u8, len u8, data[len]
//   3 GPIO  line u16 BE, level i32 BE
//   4 TIME  ms u64 BE — virtual clock only: host → simulator "the time is now ms"; the simulator advances, sends
//           what is due, then echoes the TIME frame as its confirmation (+ next u64: when it next has something)
// One simulator per server: a host that dies (power cut) and connects again finds the same EV, card and module.
// Real clock: the simulator advances every tickMs on its own; virtual: only on TIME frames.
// links: true (the emulated board): the CAN bus goes over a link of its own as SLCAN (an adapter's ASCII lines,
// host/sim/slcan.js), and the PN532 reader's UART over another, raw; the sim bus keeps GPIO and TIME. Each link is
// a loopback port of its own (QEMU joins one UART to each). TIME frames then have 24 bytes: ms, next (host → simulator:
// all ones), and the bytes sent so far on the SLCAN and PN532 links (u32 BE each): each side acts on a TIME only once
// it has received that many bytes on both, so traffic on three streams keeps the one order of the virtual clock.
"use strict";
const net = require("node:net");
const { ChargerSim } = require("./sim");
const P = require("./protocol");
const { SlcanAdapter } = require("./slcan");

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
    else if (type === T_TIME && len === 24) events.push({ time: Number(p.readBigUInt64BE(0)), links: [p.readUInt32BE(16), p.readUInt32BE(20)] });
    else return null;
    off += 3 + len;
  }
  return { events, rest: Buffer.from(buf.subarray(off)) };
}

/** TIME: 8 bytes (host → simulator); the confirmation adds 8 more: when the simulator next has something to send,
 *  in the host's time (2^64 - 1: nothing scheduled). links [slcanBytes, pn532Bytes]: the 24-byte form (above). */
function encodeTime(ms, nextMs, links) {
  const p = Buffer.alloc(links ? 24 : nextMs === undefined ? 8 : 16);
  p.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(ms))), 0);
  if (nextMs !== undefined || links) {
    const next = nextMs === undefined ? Infinity : nextMs;
    p.writeBigUInt64BE(Number.isFinite(next) ? BigInt(Math.max(0, Math.ceil(next))) : 0xffffffffffffffffn, 8);
  }
  if (links) { p.writeUInt32BE(links[0] >>> 0, 16); p.writeUInt32BE(links[1] >>> 0, 20); }
  return frame(T_TIME, p);
}

/** One byte link on its own loopback port (a board UART joined by a QEMU socket chardev): bytes written while no
 *  peer is connected wait for it; sent and received count the bytes of the current peer (reset() starts a new one). */
function serveLink(onData) {
  const link = { sock: null, pending: [], sent: 0, received: 0, server: null, port: 0 };
  link.write = (b) => {
    link.sent = (link.sent + b.length) >>> 0;
    if (link.sock && !link.sock.destroyed) link.sock.write(b); else link.pending.push(Buffer.from(b));
  };
  link.reset = () => {
    if (link.sock) link.sock.destroy();
    link.sock = null; link.pending = []; link.sent = 0; link.received = 0;
  };
  link.server = net.createServer((s) => {
    if (link.sock) link.sock.destroy();
    link.sock = s;
    s.setNoDelay(true);
    for (const b of link.pending.splice(0)) s.write(b);
    s.on("data", (d) => { if (s !== link.sock) return; link.received = (link.received + d.length) >>> 0; onData(d); });
    s.on("close", () => { if (link.sock === s) link.sock = null; });
    s.on("error", () => {});
  });
  return new Promise((resolve) => link.server.listen(0, "127.0.0.1", () => { link.port = link.server.address().port; resolve(link); }));
}

// a - b in 32-bit wrapping counts: >= 0 when a has reached b.
const reached = (a, b) => ((a - b) | 0) >= 0;

/** Serves one simulator on 127.0.0.1:port for the host connected last; resolves to { server, port, sim, sims,
 *  close(), stats }. virtual: time moves only on TIME frames (the host's virtual clock). links: CAN as SLCAN and the
 *  PN532 UART on links of their own (slcanPort, pn532Port; newHost() before a new host process connects). */
async function serveSimBus({ port = 0, tickMs = 5, virtual = false, simOptions = {}, links = false } = {}) {
  let sock = null;
  const stats = {
    busIn: { uart: 0, can: 0, gpio: 0, time: 0 }, busOut: { uart: 0, can: 0, gpio: 0, time: 0 },
    slcanLinesIn: 0, slcanFramesIn: 0, slcanFramesOut: 0, slcanBytesIn: 0, slcanBytesOut: 0, pn532BytesIn: 0, pn532BytesOut: 0,
  };
  const send = (b, kind) => { stats.busOut[kind]++; if (sock && !sock.destroyed) sock.write(b); };
  let slcan = null, pn532 = null, adapter = null;
  const newAdapter = () => new SlcanAdapter({
    write: (b) => { stats.slcanBytesOut += b.length; slcan.write(b); },
    onFrame: (id, flags, data) => { stats.slcanFramesIn++; sim.onCanSend(P.CAN_BUS, id, flags, data); },
  });
  const sim = new ChargerSim({
    ...simOptions,
    deliverUart: (p, b) => {
      if (pn532 && p === P.RFID_UART_PORT) { stats.pn532BytesOut += b.length; pn532.write(Buffer.from(b)); }
      else send(encodeUart(p, b), "uart");
    },
    deliverCan: (bus, id, flags, d) => {
      if (adapter && bus === P.CAN_BUS) { if (adapter.sendFrame(id, flags, d)) stats.slcanFramesOut++; }
      else send(encodeCan(bus, id, flags, d), "can");
    },
    deliverGpio: (line, level) => send(encodeGpio(line, level), "gpio"),
  });
  // The bus's frames in arrival order; a TIME waits here until the links have delivered what the host sent before it.
  let queue = [], base = null;
  const pump = () => {
    while (queue.length) {
      const e = queue[0];
      if (e.time !== undefined && e.links && slcan && !(reached(slcan.received, e.links[0]) && reached(pn532.received, e.links[1]))) return;
      queue.shift();
      if (e.uart !== undefined) sim.onUartWrite(e.uart, e.bytes);
      else if (e.can !== undefined) sim.onCanSend(e.can, e.id, e.flags, e.data);
      else if (e.time !== undefined) {
        // A restarted host counts its clock from 0 again; the simulator's own time goes on.
        if (base === null) base = sim.now === null ? 0 : sim.now - e.time;
        sim.advance(e.time + base);
        send(encodeTime(e.time, sim.nextEventMs() - base, slcan ? [slcan.sent, pn532.sent] : undefined), "time");
      }
      else sim.onGpioSet(e.gpio, e.level);
    }
  };
  if (links) {
    slcan = await serveLink((d) => {
      stats.slcanBytesIn += d.length; stats.slcanLinesIn += d.filter((b) => b === 0x0d).length;
      adapter.onBytes(d); pump();
    });
    pn532 = await serveLink((d) => { stats.pn532BytesIn += d.length; sim.onUartWrite(P.RFID_UART_PORT, d); pump(); });
    adapter = newAdapter();
  }
  const t0 = Date.now();
  let timer = null;
  if (!virtual) { sim.advance(0); timer = setInterval(() => sim.advance(Date.now() - t0), tickMs); }
  const server = net.createServer((s) => {
    if (sock) sock.destroy();       // the old host is gone (power cut): the new one takes over
    sock = s;
    s.setNoDelay(true);
    let rx = Buffer.alloc(0);
    queue = [];
    base = null;
    // A host that (re)connects needs the current line levels: the drivers start from nothing.
    if (sim.now !== null) sim.powerCycled();
    s.on("data", (d) => {
      if (s !== sock) return;
      const r = decode(Buffer.concat([rx, d]));
      if (!r) { s.destroy(); return; }
      rx = r.rest;
      for (const e of r.events) {
        stats.busIn[e.uart !== undefined ? "uart" : e.can !== undefined ? "can" : e.time !== undefined ? "time" : "gpio"]++;
        queue.push(e);
      }
      pump();
    });
    s.on("close", () => { if (sock === s) sock = null; });
    s.on("error", () => {});
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    server, port: server.address().port, sim, sims: [sim], stats,
    ...(links ? { slcanPort: slcan.port, pn532Port: pn532.port } : {}),
    /** Bytes sent and received on each link since the current host connected (what its TIME frames count). */
    linkCounts: () => (links ? { slcan: { sent: slcan.sent, received: slcan.received }, pn532: { sent: pn532.sent, received: pn532.received } } : null),
    /** A new host process is about to connect (the old one is gone): the links start again from nothing. */
    newHost: () => { if (links) { slcan.reset(); pn532.reset(); adapter = newAdapter(); } },
    close: () => {
      clearInterval(timer); if (sock) sock.destroy(); server.close();
      if (links) { slcan.reset(); pn532.reset(); slcan.server.close(); pn532.server.close(); }
    },
  };
}

module.exports = { serveSimBus, serveLink, decode, encodeUart, encodeCan, encodeGpio, encodeTime, T_UART, T_CAN, T_GPIO, T_TIME };

if (require.main === module) {
  const port = Number(process.argv[2] || 7070);
  serveSimBus({ port }).then(({ port: p }) => console.log(`sim bus on 127.0.0.1:${p}`));
}
