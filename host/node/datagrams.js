// UDP datagrams for the image (ABI revision 2: dgram_open, dgram_send, dgram_close, on_dgram). Each handle is a
// socket connected to one peer, so only that peer's datagrams arrive; they are queued as events and delivered
// by the host loop, never from inside an import call. Nothing here knows what the bytes mean.
"use strict";
const dgram = require("node:dgram");
const dns = require("node:dns");
const net = require("node:net");
const codes = require("./codes.js");

/** As many sockets as the C host has (UDP_MAX_SOCKS). */
const MAX_SOCKETS = 4;
/** Datagrams sent before the socket is connected wait here; more are lost, as on a busy link. */
const MAX_PENDING = 8;
/** The largest UDP payload over IPv4. */
const MAX_DATAGRAM = 65507;

class Datagrams {
  /** emit(handle, bytes): queues on_dgram; onSend(): the image sent a datagram (an answer may follow);
   *  log(level, text). */
  constructor(emit, onSend = () => {}, log = () => {}) {
    this.emit = emit;
    this.onSend = onSend;
    this.log = log;
    this.sockets = new Map();
    this.next = 1;
    this.linkUp = true;
  }

  /** The network link (bench / tests): while down, sends are lost, nothing arrives and dgram_open fails. */
  setLink(up) { this.linkUp = up; }

  /** True while the image holds the handle open: queued datagrams of a closed handle are dropped. */
  live(handle) { return this.sockets.has(handle); }

  /** A handle > 0, or a stream code. A name is resolved after the call returns (Node has no synchronous
   *  lookup): if that fails, the datagrams are lost and the image's time-out tells it so. */
  open(host, port) {
    if (!host || !(port > 0 && port <= 65535)) return codes.IO;
    if (!this.linkUp) return codes.REFUSED;
    if (this.sockets.size >= MAX_SOCKETS) return codes.IO;
    const handle = this.next++;
    const entry = { socket: null, ready: false, failed: false, closed: false, pending: [] };
    this.sockets.set(handle, entry);
    const connect = (address, family) => {
      if (entry.closed) return;
      const socket = dgram.createSocket(family === 6 ? "udp6" : "udp4");
      entry.socket = socket;
      // ICMP errors (port unreachable, ...) surface here: the datagram is lost, nothing more.
      socket.on("error", () => {});
      socket.on("message", (msg) => { if (!entry.closed && this.linkUp) this.emit(handle, msg); });
      socket.connect(port, address, (err) => {
        if (entry.closed) return;
        if (err) { entry.failed = true; entry.pending = []; return; }
        entry.ready = true;
        for (const b of entry.pending.splice(0)) socket.send(b, () => {});
      });
    };
    const ip = net.isIP(host);
    if (ip) connect(host, ip);
    else {
      dns.lookup(host, (err, address, family) => {
        if (err) { entry.failed = true; entry.pending = []; this.log("warn", `host: datagram peer ${host}: ${err.code || err.message}`); return; }
        connect(address, family);
      });
    }
    return handle;
  }

  /** len, or < 0 (handle not open, longer than UDP allows). A datagram the link loses still counts as sent. */
  send(handle, bytes) {
    const e = this.sockets.get(handle);
    if (!e || bytes.length > MAX_DATAGRAM) return codes.IO;
    this.onSend();
    if (!this.linkUp || e.failed) return bytes.length;
    const b = Buffer.from(bytes);
    if (e.ready) e.socket.send(b, () => {});
    else if (e.pending.length < MAX_PENDING) e.pending.push(b);
    return bytes.length;
  }

  close(handle) {
    const e = this.sockets.get(handle);
    if (!e) return;
    this.sockets.delete(handle);
    e.closed = true;
    if (e.socket) { try { e.socket.close(); } catch { /* already closed */ } }
  }

  closeAll() { for (const h of [...this.sockets.keys()]) this.close(h); }
}

module.exports = { Datagrams, MAX_SOCKETS };
