// The test side of the firmware-slot stand-in (tests/fixtures/slot-image.wat): a command server the stand-in
// connects to at every boot (one connection per instance; the newest is the running one), and the commands that
// drive its fw_slot_* imports. Used by tests/fw-slots.test.js (Node and C hosts) and tests/mcu-fw-slots.test.js
// (the board, slower: more patience).
"use strict";
const assert = require("node:assert/strict");
const net = require("node:net");

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

/** Listens on loopback; { port, conns, close() }. */
async function startCommandServer() {
  const conns = [];
  const server = net.createServer((s) => {
    const c = { socket: s, buf: Buffer.alloc(0), closed: false };
    s.on("data", (d) => { c.buf = Buffer.concat([c.buf, d]); });
    s.on("close", () => { c.closed = true; });
    s.on("error", () => {});
    conns.push(c);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: server.address().port,
    conns,
    close() { server.close(); for (const c of conns) c.socket.destroy(); },
  };
}

/** The commands for the station handle `st` whose stand-in talks to `server`; `polls` bounds each wait. */
function standIn(st, server, { polls = 200 } = {}) {
  const conns = server.conns;
  const d = {
    /** Waits for the instance booted after `since` connections to connect; that connection. */
    async connected(since) {
      for (let i = 0; i < 2 * polls && conns.length <= since; i++) { await st.settle(); await pause(5); }
      assert.ok(conns.length > since, "the image connected to the command server");
      return conns[conns.length - 1];
    },
    /** One command: op, an i32 argument, more bytes; its answer (i32), or null when none came (a trap, a reboot). */
    async cmd(op, arg = 0, body = Buffer.alloc(0)) {
      const c = conns[conns.length - 1];
      const frame = Buffer.alloc(9);
      frame.writeUInt32LE(9 + body.length, 0);
      frame[4] = op.charCodeAt(0);
      frame.writeInt32LE(arg, 5);
      c.buf = Buffer.alloc(0);
      c.socket.write(Buffer.concat([frame, body]));
      for (let i = 0; i < polls && c.buf.length < 4 && !c.closed; i++) { await st.settle(); await pause(2); }
      return c.buf.length >= 4 ? c.buf.readInt32LE(0) : null;
    },
    /** begin, write in 16 KiB pieces, end: the end's answer. */
    async put(image) {
      assert.equal(await d.cmd("B", image.length), 0, "fw_slot_begin");
      for (let off = 0; off < image.length; off += 16384) {
        const piece = image.subarray(off, off + 16384);
        assert.equal(await d.cmd("W", off, piece), piece.length, "fw_slot_write");
      }
      return d.cmd("E");
    },
    /** fw_slot_verify with the update's certificate and signature. */
    verify(u) {
      const cert = Buffer.from(u.certificate);
      return d.cmd("V", cert.length, Buffer.concat([cert, Buffer.from(u.signature, "base64")]));
    },
    /** The version the last booted instance was given (config firmware_version). */
    version() {
      for (let i = st.logs.length - 1; i >= 0; i--) { const m = /^firmware_version(.*)$/.exec(st.logs[i].text); if (m) return m[1]; }
      return null;
    },
  };
  return d;
}

module.exports = { startCommandServer, standIn, pause };
