// A fake SNTP server for the clock scenarios (tests/clock.test.js): node:dgram on 127.0.0.1, answering every
// request with a fixed time (RFC 4330 §5 server reply: mode 4, the request's transmit timestamp as originate).
// `behaviour` makes it misbehave: "silent", or a function (request, send(bytes[, done]), server) that sends what
// it likes, when it likes; reply() builds good and bad answers for such functions.
"use strict";
const dgram = require("node:dgram");

/** Far from the hosts' virtual clock (2026-01-01) and from the test CSMS's real time. */
const NTP_TEST_TIME = Date.UTC(2030, 5, 1);
const NTP_UNIX_OFFSET_S = 2208988800n;

/** Unix ms → NTP 32.32 (as a BigInt), era 0/1 by wrapping the seconds. */
function ntpTimestamp(ms) {
  const s = BigInt(Math.floor(ms / 1000)) + NTP_UNIX_OFFSET_S;
  const frac = (BigInt(ms % 1000) << 32n) / 1000n;
  return ((s & 0xffffffffn) << 32n) | frac;
}

/** A server reply to `request` with time `ms`; options change any header field, the originate, the length. */
function reply(request, ms, { li = 0, vn = 4, mode = 4, stratum = 1, refid = "GPS", origin, length = 48 } = {}) {
  const b = Buffer.alloc(Math.max(length, 48));
  b[0] = (li << 6) | (vn << 3) | mode;
  b[1] = stratum;
  b[2] = request.length > 2 ? request[2] : 6;
  b[3] = 0xec;                                   // precision 2^-20 s
  b.writeUInt32BE(0x00000100, 8);                // root dispersion ~4 ms
  Buffer.from(refid.padEnd(4, "\0").slice(0, 4), "latin1").copy(b, 12);
  const t = ntpTimestamp(ms);
  b.writeBigUInt64BE(t, 16);                     // reference
  if (origin !== undefined) b.writeBigUInt64BE(origin, 24);
  else if (request.length >= 48) request.copy(b, 24, 40, 48);
  b.writeBigUInt64BE(t, 32);                     // receive
  b.writeBigUInt64BE(t, 40);                     // transmit
  return b.subarray(0, length);
}

async function startSntpServer({ timeMs = NTP_TEST_TIME } = {}) {
  const socket = dgram.createSocket("udp4");
  const server = {
    timeMs,
    behaviour: "ok",
    requests: [],          // every datagram received, as Buffers
    port: 0,
    get uri() { return `127.0.0.1:${this.port}`; },
    close: () => new Promise((r) => { try { socket.close(r); } catch { r(); } }),
  };
  socket.on("message", (msg, rinfo) => {
    server.requests.push(Buffer.from(msg));
    const send = (b, done) => socket.send(b, rinfo.port, rinfo.address, done);
    if (typeof server.behaviour === "function") server.behaviour(msg, send, server);
    else if (server.behaviour !== "silent") send(reply(msg, server.timeMs));
  });
  await new Promise((resolve) => socket.bind(0, "127.0.0.1", resolve));
  server.port = socket.address().port;
  return server;
}

module.exports = { startSntpServer, reply, ntpTimestamp, NTP_TEST_TIME };
