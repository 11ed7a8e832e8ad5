// TCP/TLS streams for the image. Completion and data are queued as events and delivered by the host loop,
// never from inside an import call.
"use strict";
const net = require("node:net");
const tls = require("node:tls");
const codes = require("./codes.js");

/** TLS 1.2 suites (docs/host-abi.md): the target's ECDSA ones (PICS C-41), the RSA-key ones Part 2 lists for security
 *  profiles 2/3, and their ECDHE-RSA counterparts; the C hosts offer the same. TLS 1.3 keeps its own (all AEAD). */
const CIPHERS = ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES256-GCM-SHA384", "AES128-GCM-SHA256", "AES256-GCM-SHA384"].join(":");

class Streams {
  /** emit(kind, handle, arg, bytes): queues an event; tlsOptions(securityProfile) → extra TLS options;
   *  onSend(): the image sent bytes (an answer may follow). */
  constructor(emit, tlsOptions, onSend = () => {}) {
    this.emit = emit;
    this.onSend = onSend;
    this.tlsOptions = tlsOptions;
    this.sockets = new Map();
    this.next = 1;
    this.connectTimeoutMs = 30_000;
    this.closedByImage = new Set();
    this.linkUp = true;
  }

  /** The network link (bench / tests): down drops every connection at once (as a pulled cable: the image sees
   *  on_stream_closed with RESET) and makes new connections fail (REFUSED) until it is up again. */
  setLink(up) {
    this.linkUp = up;
    if (up) return;
    for (const [handle, e] of [...this.sockets]) {
      e.error = codes.RESET;
      e.socket.destroy();
      void handle;
    }
  }

  /** False once the image closed the handle: events for it still in the host's queue are dropped. */
  live(handle) { return !this.closedByImage.has(handle); }

  open(host, port, useTls, securityProfile) {
    if (!host || port <= 0 || port > 65535) return codes.IO;
    const handle = this.next++;
    if (!this.linkUp) { setImmediate(() => this.emit("open", handle, codes.REFUSED)); return handle; }
    let socket;
    try {
      const extra = useTls ? this.tlsOptions(securityProfile) : null;
      // Security profile 3 without a station certificate cannot authenticate: refused before any byte is sent.
      if (useTls && securityProfile === 3 && !(extra.cert && extra.key)) return codes.TLS_CLIENT_CERT;
      socket = useTls
        ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, minVersion: "TLSv1.2", ciphers: CIPHERS, ...extra })
        : net.connect({ host, port });
    } catch (e) {
      return codes.fromError(e);
    }
    const entry = { socket, open: false, closed: false };
    this.sockets.set(handle, entry);
    socket.setNoDelay(true);
    // A peer that never answers must not hold the image forever (real time: the virtual clock has no sockets' say).
    socket.setTimeout(this.connectTimeoutMs, () => { if (!entry.open) { entry.error = codes.TIMEOUT; socket.destroy(); } });
    socket.once(useTls ? "secureConnect" : "connect", () => { entry.open = true; socket.setTimeout(0); this.emit("open", handle, codes.OK); });
    socket.on("data", (data) => { if (!entry.closed) this.emit("data", handle, 0, data); });
    socket.on("error", (err) => {
      if (entry.error) return;
      const peer = useTls && !entry.open && typeof socket.getPeerCertificate === "function" ? socket.getPeerCertificate() : null;
      entry.error = codes.fromError(err, !!(peer && peer.subject));
    });
    socket.on("close", () => {
      if (entry.closed) return;
      entry.closed = true;
      this.sockets.delete(handle);
      if (entry.open) this.emit("closed", handle, entry.error || codes.OK);
      else this.emit("open", handle, entry.error || codes.REFUSED);
    });
    return handle;
  }

  send(handle, bytes) {
    const e = this.sockets.get(handle);
    if (!e || !e.open || e.closed) return codes.IO;
    e.socket.write(Buffer.from(bytes));
    this.onSend();
    return bytes.length;
  }

  /** stream_full (ABI revision 4): 1 while the socket holds more than its high-water mark unsent (Node's
   *  writableNeedDrain, 16 KiB); a "writable" event follows at its "drain". */
  full(handle) {
    const e = this.sockets.get(handle);
    if (!e || !e.open || e.closed || !e.socket.writableNeedDrain) return 0;
    if (!e.waitingDrain) {
      e.waitingDrain = true;
      e.socket.once("drain", () => { e.waitingDrain = false; if (!e.closed) this.emit("writable", handle, 0); });
    }
    return 1;
  }

  close(handle) {
    const e = this.sockets.get(handle);
    this.closedByImage.add(handle);
    if (!e) return;
    e.closed = true;
    this.sockets.delete(handle);
    e.socket.destroy();
  }

  closeAll() { for (const h of [...this.sockets.keys()]) this.close(h); }
}

module.exports = { Streams };
