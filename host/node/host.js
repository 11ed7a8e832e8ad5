// The Node host: owns the clock, storage, streams, datagrams, crypto and hardware, and delivers events to the image
// one at a time (tick first when time moved, then the event, then __collect). docs/host-abi.md.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { instantiate } = require("./image.js");
const { tracedImage } = require("./heap-trace.js");
const { KvStore } = require("./kv-store.js");
const { RealClock, VirtualClock } = require("./clock.js");
const { Streams } = require("./streams.js");
const { Datagrams } = require("./datagrams.js");
const { Hardware } = require("./hardware.js");
const cryptoHost = require("./crypto.js");
const { Slots, firmwareVersion, TRIAL_DEADLINE_MS } = require("./slots.js");

const DEFAULT_WASM = path.join(__dirname, "..", "..", "build", "firmware.wasm");
const MAX_I64 = 0x7fffffffffffffffn;
const TRAPPED = Symbol("trapped");

class Host {
  /** opts: dataDir, config {key: value}, virtualClock, wasm | module (the factory image), hardware, onLog, caFile,
   *  clientCert, clientKey, trialDeadlineMs (firmware slots: default 600 s), slotCapacity;
   *  instantiate(module, host) replaces the real image (unit tests drive the loop with a fake). */
  constructor(opts) {
    this.opts = opts;
    this.dataDir = opts.dataDir;
    this.clock = opts.virtualClock ? new VirtualClock() : new RealClock();
    this.kv = new KvStore(path.join(this.dataDir, "kv"));
    this.certs = new cryptoHost.CertStore(this.dataDir);
    // --ca / --client-cert + --client-key provision an empty store at start; from then on the store alone counts.
    this.logs = [];
    this.onLog = opts.onLog || null;
    this.certs.provision({ caFile: opts.caFile, clientCert: opts.clientCert, clientKey: opts.clientKey }, (level, text) => this.log(level, text));
    this.crypto = cryptoHost;
    this.hardware = opts.hardware || new Hardware();
    if (typeof this.hardware.attach === "function") this.hardware.attach((ev) => this.enqueue(ev));
    // The charger simulator in-process (opts.sim: true or ChargerSim options); it moves with this host's clock.
    if (opts.sim && !this.hardware.sim) {
      const { ChargerSim } = require("../sim/sim.js");
      const hw = this.hardware;
      hw.sim = new ChargerSim({ ...(opts.sim === true ? {} : opts.sim),
        deliverUart: (port, bytes) => hw.uartData(port, bytes),
        deliverCan: (bus, id, flags, data) => hw.canFrame(bus, id, flags, data),
        deliverGpio: (line, level) => hw.gpio(line, level) });
    }
    this.sim = this.hardware.sim || null;
    this.queue = [];
    this.timer = null;
    this.stopped = false;
    this.lastTick = -1;
    this.rebootKind = null;
    this.traps = 0;
    this.boots = 0;
    this.booting = false;
    this.inCall = false;
    this.activity = 0;      // events queued + sends: settle() waits until it stops moving
    this.netActivity = 0;   // network events and sends only: virtual steps without any skip the real-time settle
    this.streams = new Streams((kind, handle, arg, data) => { this.netActivity++; this.enqueue({ kind, handle, arg, data }); },
      (p) => this.tlsOptions(p), () => { this.activity++; this.netActivity++; });
    this.datagrams = new Datagrams((handle, data) => { this.netActivity++; this.enqueue({ kind: "dgram", handle, data }); },
      () => { this.activity++; this.netActivity++; }, (level, text) => this.log(level, text));
    // HEAP_HIGH_WATER=<file>: the factory image with allocation tracing (./heap-trace.js), for `make bench`.
    const traced = opts.module || opts.instantiate || opts.wasm || process.env.HOST_WASM ? null : tracedImage();
    this.instantiate = opts.instantiate || (traced ? traced.instantiate : instantiate);
    this.factory = opts.module || (traced ? traced.module : opts.instantiate ? null
      : new WebAssembly.Module(fs.readFileSync(opts.wasm || process.env.HOST_WASM || DEFAULT_WASM)));
    this.module = this.factory;
    // Firmware slots (ABI revision 3): the image boots from the active slot; slot A empty = the factory image.
    this.slots = new Slots({ dir: path.join(this.dataDir, "fw"), certs: this.certs, capacity: opts.slotCapacity,
      log: (level, text) => this.log(level, text) });
    this.trialDeadlineMs = opts.trialDeadlineMs === undefined ? TRIAL_DEADLINE_MS : opts.trialDeadlineMs;
    this.trialDeadline = Infinity;   // monotonic ms by which the image on trial must confirm
    this.slotModule = null;          // { bytes, module }: the last slot image compiled
  }

  /** The module of a slot (null bytes: the factory); compiled once per content. */
  moduleOf(bytes) {
    if (!bytes) return this.factory;
    if (this.slotModule && this.slotModule.bytes.equals(bytes)) return this.slotModule.module;
    const module = new WebAssembly.Module(bytes);
    this.slotModule = { bytes, module };
    return module;
  }

  /** Chooses the slot (trial, revert), and creates the instance. An image on trial that is refused at load
   *  (malformed, another ABI revision) counts as a failed trial: the previous slot boots. */
  loadImage() {
    for (;;) {
      const { slot, trial } = this.slots.boot();
      this.trialDeadline = trial ? this.clock.now() + this.trialDeadlineMs : Infinity;
      try {
        this.module = this.moduleOf(this.slots.bytes(slot));
        this.image = this.instantiate(this.module, this);
        return;
      } catch (e) {
        if (!trial) throw e;
        this.log("error", `host: the image in slot ${"AB"[slot]} is refused: ${e.message}`);
        this.slots.revert(undefined, "the trial image was refused at load");
      }
    }
  }

  /** The trial deadline passed without fw_slot_confirm: the instance is dropped and the previous slot boots. */
  checkTrialDeadline() {
    if (this.clock.now() < this.trialDeadline || this.inCall) return false;
    if (!this.slots.onTrial()) { this.trialDeadline = Infinity; return false; }
    this.log("warn", `host: the image on trial did not confirm within ${this.trialDeadlineMs} ms`);
    this.slots.revert(undefined, "trial deadline missed");
    this.restart();
    return true;
  }

  log(level, text) {
    const entry = { t: this.clock.now(), level, text };
    this.logs.push(entry);
    if (this.logs.length > 5000) this.logs.splice(0, 1000);
    if (this.onLog) this.onLog(entry);
  }

  /** TLS options for a security profile (docs/security.md): TLS trusts exactly the store's CSMS roots (kind 0;
   *  none: every server is untrusted, never the system's roots), never without verification. Profile 3 presents
   *  the store's station certificate with the key crypto_csr made (or provisioning kept) for it. */
  tlsOptions(profile) {
    const o = { ca: this.certs.pems(0), rejectUnauthorized: true };
    if (profile === 3) {
      const own = this.certs.stationIdentity();
      if (own) { o.cert = own.cert; o.key = own.key; }
    }
    return o;
  }

  /** Creates the instance and runs init, config_set for each setting, start. */
  boot() {
    this.boots++;
    this.booting = true;
    try {
      this.loadImage();
      const ex = this.image.exports;
      if (this.call(() => ex.init(BigInt(this.clock.now()))) === TRAPPED) return;
      // The image's own version (custom section station.firmware_version) wins over the command line's.
      const version = firmwareVersion(this.module);
      const config = { ...(this.opts.config || {}) };
      if (version !== null) { delete config.firmware_version; config.firmware_version = version; }
      for (const [key, value] of Object.entries(config)) {
        if (value === undefined || value === null) continue;
        const k = Buffer.from(key), v = Buffer.from(String(value));
        if (k.length + v.length > ex.rx_capacity()) throw new Error(`config ${key}: too long`);
        this.rx().set(k, 0);
        this.rx().set(v, k.length);
        const rc = this.call(() => ex.config_set(k.length, v.length));
        if (rc === TRAPPED) return;
        if (rc !== 0) throw new Error(`config ${key} rejected by the image (${rc})`);
      }
      this.call(() => ex.start());
    } finally { this.booting = false; }
    this.schedule();
  }

  rx() { const ex = this.image.exports; return new Uint8Array(ex.memory.buffer, ex.rx_buffer(), ex.rx_capacity()); }

  /** Runs one export call, then collection (minimal runtime: the host collects between events, never nested).
   *  A trap is logged and the instance re-created from persistent storage; a reboot the image asked for
   *  during the call happens after it returned. */
  call(fn) {
    if (this.inCall) throw new Error("re-entrant export call"); // an import must queue, never call back
    let r;
    this.inCall = true;
    try {
      r = fn();
      this.image.exports.__collect();
    } catch (e) {
      this.inCall = false;
      this.traps++;
      this.log("error", e.message.startsWith("trap:") ? e.message : `trap: ${e.message}`);
      this.afterTrap();
      return TRAPPED;
    }
    this.inCall = false;
    if (this.rebootKind !== null && !this.booting) {
      this.log("info", `host: reboot (kind ${this.rebootKind}) requested by the image`);
      this.rebootKind = null;
      this.restart();
    }
    return r;
  }

  /** A trap while booting would trap again at once: retry later, with a growing pause (real time). */
  afterTrap() {
    // An image on trial gets one boot: the next boot runs the previous slot, at once.
    if (!this.booting || this.slots.onTrial()) { this.restart(); return; }
    this.streams.closeAll();
    this.datagrams.closeAll();
    this.queue = [];
    const pause = Math.min(60_000, 1000 * 2 ** Math.min(this.traps, 6));
    this.log("error", `host: the image traps while booting; next try in ${pause} ms`);
    if (this.opts.virtualClock && this.traps > 3) { this.stopped = true; return; } // tests: give up, do not spin
    clearTimeout(this.bootTimer);
    this.bootTimer = setTimeout(() => { if (!this.stopped) this.restart(); }, pause);
  }

  restart() {
    this.streams.closeAll();
    this.datagrams.closeAll();
    this.queue = [];
    this.lastTick = -1;
    this.rebootKind = null;
    this.boot();
    if (this.sim && this.sim.now !== null) this.sim.powerCycled();
  }

  requestReboot(kind) { this.rebootKind = kind; }

  enqueue(ev) {
    this.activity++;
    this.queue.push(ev);
    if (!this.draining) setImmediate(() => this.drain());
  }

  tickIfMoved() {
    if (this.checkTrialDeadline()) return;
    const now = this.clock.now();
    if (now !== this.lastTick) {
      this.lastTick = now;
      if (this.sim) this.sim.advance(now);   // its answers are queued and delivered after this tick
      this.call(() => this.image.exports.tick(BigInt(now)));
    }
  }

  drain() {
    if (this.stopped || this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length && !this.stopped) {
        const ev = this.queue.shift();
        this.tickIfMoved();
        this.deliver(ev);
      }
    } finally { this.draining = false; }
    this.schedule();
  }

  deliver(ev) {
    const ex = this.image.exports;
    const cap = ex.rx_capacity();
    // Stream events of a handle the image closed are dropped: after stream_close there are none (ABI).
    if ((ev.kind === "open" || ev.kind === "data" || ev.kind === "closed" || ev.kind === "writable") && !this.streams.live(ev.handle)) return;
    if (ev.kind === "open") this.call(() => ex.on_stream_open(ev.handle, ev.arg));
    else if (ev.kind === "writable") this.call(() => ex.on_stream_writable(ev.handle));
    else if (ev.kind === "closed") this.call(() => ex.on_stream_closed(ev.handle, ev.arg));
    else if (ev.kind === "data" || ev.kind === "uart") {
      // Big reads arrive in pieces of at most rx_capacity; a trap or a close in between ends the delivery.
      const image = this.image;
      for (let off = 0; off < ev.data.length; off += cap) {
        if (this.image !== image || (ev.kind === "data" && !this.streams.live(ev.handle))) return;
        const chunk = ev.data.subarray(off, off + cap);
        this.rx().set(chunk);
        if (ev.kind === "data") this.call(() => ex.on_stream_data(ev.handle, chunk.length));
        else this.call(() => ex.on_uart_data(ev.port, chunk.length));
      }
    } else if (ev.kind === "dgram") {
      // One datagram, one event: what does not fit the RX buffer is cut off, never split.
      if (!this.datagrams.live(ev.handle)) return;
      const n = Math.min(ev.data.length, cap);
      this.rx().set(ev.data.subarray(0, n));
      this.call(() => ex.on_dgram(ev.handle, n));
    } else if (ev.kind === "can") {
      const n = Math.min(ev.data.length, 8);
      this.rx().set(ev.data.subarray(0, n));
      this.call(() => ex.on_can_frame(ev.bus, ev.id >>> 0, ev.flags | 0, n));
    } else if (ev.kind === "gpio") {
      this.call(() => ex.on_gpio(ev.line, ev.level));
    }
  }

  nextWakeup() {
    const w = this.call(() => this.image.exports.next_wakeup());
    const image = Math.min(w === TRAPPED || w >= MAX_I64 ? Infinity : Number(w), this.trialDeadline);
    // The simulator's own schedule (EV demand every 100 ms, delayed answers) counts as a wake-up too.
    return this.sim ? Math.min(image, Math.max(this.sim.nextEventMs(), this.clock.now() + 1)) : image;
  }

  /** The station's status JSON (status_report export), or null. */
  status() {
    const ex = this.image && this.image.exports;
    if (!ex || typeof ex.status_report !== "function") return null;
    const n = this.call(() => ex.status_report());
    if (n === TRAPPED || n < 0) return null;
    return JSON.parse(Buffer.from(ex.memory.buffer, ex.rx_buffer(), n).toString("utf8"));
  }

  /** Real time: a timer at the image's next wake-up. Virtual time moves only in advance(). */
  schedule() {
    if (this.stopped || this.clock.virtual) return;
    clearTimeout(this.timer);
    const due = this.nextWakeup();
    if (due === Infinity) return;
    this.timer = setTimeout(() => { this.tickIfMoved(); this.drain(); }, Math.max(0, Math.min(due - this.clock.now(), 2 ** 31 - 1)));
  }

  /** Virtual time: steps through every wake-up up to now + ms, at exactly those times, letting socket I/O flow
   *  in between (settle). A wake-up that a tick does not consume would repeat at the same instant forever: time
   *  then moves 1 ms per tick, and after 100 such ticks straight to the target (with a warning). */
  async advance(ms) {
    const target = this.clock.now() + ms;
    let stuck = 0, net = -1, steps = 0;
    for (;;) {
      // Steps that moved no network bytes need no real-time settle: the hardware events are delivered at once.
      if (this.netActivity !== net || ++steps % 200 === 0) { await settle(this); net = this.netActivity; }
      else this.drain();
      if (this.stopped) return;
      const at = Math.max(this.nextWakeup(), this.clock.now());
      if (at > target) break;
      this.clock.set(at);
      this.tickIfMoved();
      if (this.nextWakeup() > at) { stuck = 0; continue; }
      if (at >= target) break;
      if (++stuck > 100) { this.log("warn", `host: the image keeps asking for a tick at ${at}; skipping to ${target}`); break; }
      this.clock.set(at + 1);
    }
    this.clock.set(target);
    this.tickIfMoved();
    await settle(this);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.bootTimer);
    this.streams.closeAll();
    this.datagrams.closeAll();
  }
}

/** Lets the network catch up: delivers events until nothing moved (no event queued, nothing sent by the image)
 *  for three short real-time polls in a row, as the C host does. Virtual time stands still meanwhile, so an answer
 *  on loopback arrives "at once" in station time, whichever process the peer runs in. */
async function settle(host) {
  for (let quiet = 0, rounds = 0; quiet < 3 && rounds < 2000; rounds++) {
    const before = host.activity;
    await new Promise((r) => setImmediate(r));
    host.drain();
    await new Promise((r) => setTimeout(r, 2));
    host.drain();
    quiet = host.activity === before ? quiet + 1 : 0;
  }
}

/** Starts a station (the Node API for tests and the CLI).
 *  Options: csmsUrl, stationId, dataDir (default: a fresh temporary directory, removed by stop()), virtualClock,
 *  password, securityProfile, caFile, clientCert, clientKey, wasm (default build/firmware.wasm, env HOST_WASM),
 *  hardware, onLog, config (more config_set settings).
 *  Returns { advance(ms), settle(), now(), logs, kv, hardware, host, image, stop(), powerCycle(), inject(ev) };
 *  inject takes { kind: "uart", port, data } | { kind: "can", bus, id, flags, data } | { kind: "gpio", line, level }. */
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
    powerCycle: async () => { host.stopped = false; clearTimeout(host.bootTimer); host.restart(); },
    setNetwork: async (up) => { host.streams.setLink(up); host.datagrams.setLink(up); await settle(host); },
    status: async () => host.status(),
    get sim() { return host.sim; },
    inject: (ev) => host.enqueue(ev),
    get kv() { return host.kv; },
    get hardware() { return host.hardware; },
    get image() { return host.image; },
  };
}

module.exports = { Host, startStation };
