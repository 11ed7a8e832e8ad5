// The Node host: owns the clock, storage, streams, crypto and hardware, and delivers events to the image
// one at a time (tick first when time moved, then the event, then __collect). docs/host-abi.md.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { instantiate } = require("./image.js");
const { KvStore } = require("./kv-store.js");
const { RealClock, VirtualClock } = require("./clock.js");
const { Streams } = require("./streams.js");
const { Hardware } = require("./hardware.js");
const cryptoHost = require("./crypto.js");

const DEFAULT_WASM = path.join(__dirname, "..", "..", "build", "firmware.wasm");
const MAX_I64 = 0x7fffffffffffffffn;

class Host {
  constructor(opts) {
    this.opts = opts;
    this.dataDir = opts.dataDir;
    this.clock = opts.virtualClock ? new VirtualClock() : new RealClock();
    this.kv = new KvStore(path.join(this.dataDir, "kv"));
    this.certs = new cryptoHost.CertStore(this.dataDir);
    this.crypto = cryptoHost;
    this.hardware = opts.hardware || new Hardware();
    this.logs = [];
    this.onLog = opts.onLog || null;
    this.queue = [];
    this.timer = null;
    this.stopped = false;
    this.lastTick = -1;
    this.rebootKind = null;
    this.streams = new Streams((kind, handle, arg, data) => this.enqueue({ kind, handle, arg, data }), (p) => this.tlsOptions(p));
    this.module = new WebAssembly.Module(fs.readFileSync(opts.wasm || process.env.HOST_WASM || DEFAULT_WASM));
  }

  log(level, text) {
    const entry = { t: this.clock.now(), level, text };
    this.logs.push(entry);
    if (this.logs.length > 5000) this.logs.splice(0, 1000);
    if (this.onLog) this.onLog(entry);
  }

  tlsOptions(profile) {
    const ca = this.certs.pems(0);
    if (ca.length === 0 && this.opts.caFile) ca.push(fs.readFileSync(this.opts.caFile, "utf8"));
    const o = { ca: ca.length ? ca : undefined, rejectUnauthorized: true };
    if (profile === 3 && this.opts.clientCert && this.opts.clientKey) {
      o.cert = fs.readFileSync(this.opts.clientCert);
      o.key = fs.readFileSync(this.opts.clientKey);
    }
    return o;
  }

  /** Creates the instance and runs init, config_set for each setting, start. */
  boot() {
    this.image = instantiate(this.module, this);
    const ex = this.image.exports;
    this.call(() => ex.init(BigInt(this.clock.now())));
    for (const [key, value] of Object.entries(this.opts.config || {})) {
      if (value === undefined || value === null) continue;
      const k = Buffer.from(key), v = Buffer.from(String(value));
      this.rx().set(k, 0);
      this.rx().set(v, k.length);
      const rc = this.call(() => ex.config_set(k.length, v.length));
      if (rc !== 0) throw new Error(`config ${key} rejected by the image (${rc})`);
    }
    this.call(() => ex.start());
    this.schedule();
  }

  rx() { const ex = this.image.exports; return new Uint8Array(ex.memory.buffer, ex.rx_buffer(), ex.rx_capacity()); }

  /** Runs one export call, then collection; a trap re-creates the instance from persistent storage. */
  call(fn) {
    try {
      const r = fn();
      this.image.exports.__collect();
      return r;
    } catch (e) {
      this.log("error", e.message.startsWith("trap:") ? e.message : `trap: ${e.message}`);
      this.restart();
      return -1;
    }
  }

  restart() {
    this.streams.closeAll();
    this.queue = [];
    this.lastTick = -1;
    this.boot();
  }

  requestReboot(kind) { this.rebootKind = kind; }

  enqueue(ev) {
    this.queue.push(ev);
    if (!this.draining) setImmediate(() => this.drain());
  }

  tickIfMoved() {
    const now = this.clock.now();
    if (now !== this.lastTick) {
      this.lastTick = now;
      this.call(() => this.image.exports.tick(BigInt(now)));
    }
  }

  drain() {
    if (this.stopped || this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length) {
        const ev = this.queue.shift();
        this.tickIfMoved();
        this.deliver(ev);
        if (this.rebootKind !== null) { this.rebootKind = null; this.restart(); }
      }
    } finally { this.draining = false; }
    this.schedule();
  }

  deliver(ev) {
    const ex = this.image.exports;
    if (ev.kind === "open") this.call(() => ex.on_stream_open(ev.handle, ev.arg));
    else if (ev.kind === "closed") this.call(() => ex.on_stream_closed(ev.handle, ev.arg));
    else if (ev.kind === "data") {
      const cap = ex.rx_capacity();
      for (let off = 0; off < ev.data.length; off += cap) {
        const chunk = ev.data.subarray(off, off + cap);
        this.rx().set(chunk);
        this.call(() => ex.on_stream_data(ev.handle, chunk.length));
      }
    } else if (ev.kind === "uart") {
      this.rx().set(ev.data.subarray(0, ex.rx_capacity()));
      this.call(() => ex.on_uart_data(ev.port, Math.min(ev.data.length, ex.rx_capacity())));
    } else if (ev.kind === "can") {
      this.rx().set(ev.data.subarray(0, 8));
      this.call(() => ex.on_can_frame(ev.bus, ev.id, ev.flags, Math.min(ev.data.length, 8)));
    } else if (ev.kind === "gpio") {
      this.call(() => ex.on_gpio(ev.line, ev.level));
    }
  }

  nextWakeup() {
    const w = this.image.exports.next_wakeup();
    return w >= MAX_I64 ? Infinity : Number(w);
  }

  /** Real time: a timer at the image's next wake-up. Virtual time moves only in advance(). */
  schedule() {
    if (this.stopped || this.clock.virtual) return;
    clearTimeout(this.timer);
    const due = this.nextWakeup();
    if (due === Infinity) return;
    this.timer = setTimeout(() => { this.tickIfMoved(); this.drain(); }, Math.max(0, Math.min(due - this.clock.now(), 2 ** 31 - 1)));
  }

  /** Virtual time: steps through every wake-up up to now + ms, letting socket I/O flow in between. */
  async advance(ms) {
    const target = this.clock.now() + ms;
    for (;;) {
      await settle(this);
      const due = this.nextWakeup();
      if (due > target) break;
      this.clock.set(Math.max(due, this.clock.now()));
      this.tickIfMoved();
      if (due <= this.lastTick && this.nextWakeup() <= due) this.clock.set(this.clock.now() + 1);
    }
    this.clock.set(target);
    this.tickIfMoved();
    await settle(this);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.streams.closeAll();
  }
}

/** Lets pending socket events arrive and be delivered. */
async function settle(host) {
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setImmediate(r));
    host.drain();
  }
}

/** Starts a station; options: wasm, csmsUrl, stationId, dataDir, virtualClock, password, securityProfile, config. */
async function startStation(o) {
  const ownDir = !o.dataDir;
  const dataDir = o.dataDir || fs.mkdtempSync(path.join(require("node:os").tmpdir(), "station-"));
  const config = {
    station_id: o.stationId || "CS001",
    csms_url: o.csmsUrl,
    security_profile: o.securityProfile === undefined ? 0 : o.securityProfile,
    basic_auth_password: o.password,
    ...(o.config || {}),
  };
  const host = new Host({ ...o, dataDir, config });
  host.boot();
  return {
    host,
    get logs() { return host.logs; },
    now: () => host.clock.now(),
    advance: (ms) => host.advance(ms),
    settle: () => settle(host),
    stop: () => { host.stop(); if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true }); },
    /** Hard power loss: the instance and its sockets vanish without any clean-up; boot from the data dir. */
    powerCycle: () => host.restart(),
    inject: (ev) => host.enqueue(ev),
  };
}

module.exports = { Host, startStation };
