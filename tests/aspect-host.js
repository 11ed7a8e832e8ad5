// A fake host for as-pect unit tests: every env import of assembly/host/abi.ts,
// backed by in-memory state. Deterministic (random is a fixed LCG) so tests repeat.
const crypto = require("node:crypto");

function createFakeHost(getMemory) {
  const bytes = (ptr, len) => new Uint8Array(getMemory().buffer, ptr, len);
  const text = (ptr, len) => Buffer.from(bytes(ptr, len)).toString("utf8");
  const state = {
    wallMs: 1700000000000,
    seed: 12345,
    kv: new Map(),
    sent: [],            // { handle, data: Buffer }
    nextHandle: 1,
    logs: [],
    closed: [],          // handles passed to stream_close
    openResult: 0,       // != 0: stream_open returns this instead of a new handle
    sendFail: false,     // stream_send fails with -5
    // datagrams (assembly/__tests__/ntp.spec.ts)
    dgramOpened: [],     // { host, port } per dgram_open
    dgramSent: [],       // { handle, data: Buffer }
    dgramClosed: [],     // handles passed to dgram_close
    dgramOpenResult: 0,  // != 0: dgram_open returns this instead of a new handle
    dgramNext: 1,
    // firmware slots (ABI revision 3): one inactive slot in memory; fwVerify is what fw_slot_verify answers for a
    // completed image, fwBegin (!= 0) what fw_slot_begin answers instead of starting
    fw: { writing: false, chunks: [], written: 0, complete: null, installed: false, state: 0, fwVerify: 1, fwBegin: 0, verified: [] },
  };
  const imports = {
    clock_wall_ms: () => BigInt(state.wallMs),
    clock_set_wall_ms: (ms) => { state.wallMs = Number(ms); return 0; },
    random_fill: (ptr, len) => {
      const b = bytes(ptr, len);
      for (let i = 0; i < len; i++) { state.seed = (state.seed * 1103515245 + 12345) >>> 0; b[i] = state.seed >>> 24; }
      return 0;
    },
    log_write: (level, ptr, len) => { state.logs.push([level, text(ptr, len)]); },
    stream_open: (hp, hl, port, tls, profile) => {
      state.lastOpen = { host: text(hp, hl), port, tls, profile };
      return state.openResult ? state.openResult : state.nextHandle++;
    },
    stream_send: (handle, ptr, len) => {
      if (state.sendFail) return -5;
      state.sent.push({ handle, data: Buffer.from(bytes(ptr, len)) }); return len;
    },
    stream_full: (handle) => (state.streamFull ? 1 : 0),   // state.streamFull: the host's queue is over its mark
    stream_close: (handle) => { state.closed.push(handle); },
    dgram_open: (hp, hl, port) => {
      state.dgramOpened.push({ host: text(hp, hl), port });
      return state.dgramOpenResult ? state.dgramOpenResult : state.dgramNext++;
    },
    dgram_send: (handle, ptr, len) => { state.dgramSent.push({ handle, data: Buffer.from(bytes(ptr, len)) }); return len; },
    dgram_close: (handle) => { state.dgramClosed.push(handle); },
    kv_get: (kp, kl, bp, cap) => {
      const v = state.kv.get(text(kp, kl));
      if (v === undefined) return -1;
      bytes(bp, Math.min(cap, v.length)).set(v.subarray(0, Math.min(cap, v.length)));
      return v.length;
    },
    kv_put: (kp, kl, vp, vl) => { state.kv.set(text(kp, kl), Buffer.from(bytes(vp, vl))); return 0; },
    kv_delete: (kp, kl) => { state.kv.delete(text(kp, kl)); return 0; },
    uart_write: (port, ptr, len) => len,
    can_send: () => 0,
    gpio_set: () => 0,
    crypto_hash: (alg, ptr, len, out, cap) => {
      const name = { 1: "sha1", 2: "sha256", 3: "sha384", 4: "sha512" }[alg];
      if (!name) return -1;
      const d = crypto.createHash(name).update(bytes(ptr, len)).digest();
      if (d.length > cap) return -2;
      bytes(out, d.length).set(d);
      return d.length;
    },
    crypto_verify: () => -1,
    crypto_csr: () => -1,
    cert_install: () => -1,
    cert_delete: () => -1,
    cert_list: () => 0,
    system_reboot: () => {},
    fw_slot_begin: (size) => {
      const f = state.fw;
      if (f.fwBegin) return f.fwBegin;
      if (size < 0 || size > 4 * 1024 * 1024) return -1;
      if (f.state === 1) return -3;
      Object.assign(f, { writing: true, chunks: [], written: 0, complete: null, installed: false });
      return 0;
    },
    fw_slot_write: (off, ptr, len) => {
      const f = state.fw;
      if (!f.writing) return -4;
      if (off !== f.written || len < 0) return -1;
      f.chunks.push(Buffer.from(bytes(ptr, len)));
      f.written += len;
      return len;
    },
    fw_slot_end: () => {
      const f = state.fw;
      if (!f.writing) return -4;
      f.writing = false;
      f.complete = Buffer.concat(f.chunks);
      return f.written;
    },
    fw_slot_verify: (cp, cl, sp, sl) => {
      const f = state.fw;
      if (!f.complete) return -1;
      f.verified.push({ cert: text(cp, cl), sig: Buffer.from(bytes(sp, sl)) });
      return f.fwVerify;
    },
    fw_slot_install: () => { if (!state.fw.complete) return -1; state.fw.installed = true; return 0; },
    fw_slot_confirm: () => { state.fw.state = 0; return 0; },
    fw_slot_state: () => state.fw.state,
    // ---- test-only controls for the WebSocket specs (assembly/__tests__/ws*.spec.ts) ----
    test_sent_count: () => state.sent.length,
    test_sent_handle: (i) => (i >= 0 && i < state.sent.length ? state.sent[i].handle : -1),
    test_sent_copy: (i, ptr, cap) => {
      if (i < 0 || i >= state.sent.length) return -1;
      const d = state.sent[i].data;
      bytes(ptr, Math.min(cap, d.length)).set(d.subarray(0, Math.min(cap, d.length)));
      return d.length;
    },
    test_sent_clear: () => { state.sent.length = 0; },
    test_open_result: (v) => { state.openResult = v; },
    test_send_fail: (v) => { state.sendFail = v !== 0; },
    test_closed_count: () => state.closed.length,
    test_closed_last: () => (state.closed.length ? state.closed[state.closed.length - 1] : 0),
    test_set_seed: (v) => { state.seed = v >>> 0; },
    test_set_wall: (ms) => { state.wallMs = Number(ms); },
    // ---- datagram controls: which 0 opened, 1 sent, 2 closed ----
    test_dgram_count: (which) => [state.dgramOpened, state.dgramSent, state.dgramClosed][which].length,
    test_dgram_open_result: (v) => { state.dgramOpenResult = v; },
    test_dgram_clear: () => { state.dgramOpened.length = 0; state.dgramSent.length = 0; state.dgramClosed.length = 0; },
    /** The port of the last dgram_open; its host copied to ptr (the length returned). */
    test_dgram_last_port: () => (state.dgramOpened.length ? state.dgramOpened[state.dgramOpened.length - 1].port : -1),
    test_dgram_last_host_copy: (ptr, cap) => {
      const h = Buffer.from(state.dgramOpened.length ? state.dgramOpened[state.dgramOpened.length - 1].host : "");
      bytes(ptr, Math.min(cap, h.length)).set(h.subarray(0, Math.min(cap, h.length)));
      return h.length;
    },
    test_dgram_last_closed: () => (state.dgramClosed.length ? state.dgramClosed[state.dgramClosed.length - 1] : 0),
    /** Datagram i: copied to ptr (cap bytes); returns its length (its handle with which = 1). */
    test_dgram_sent: (i, which, ptr, cap) => {
      const d = state.dgramSent[i];
      if (!d) return -1;
      if (which === 1) return d.handle;
      bytes(ptr, Math.min(cap, d.data.length)).set(d.data.subarray(0, Math.min(cap, d.data.length)));
      return d.data.length;
    },
    // last stream_open arguments: which 0 port, 1 tls, 2 security profile, 3 host length
    test_open_arg: (which) => {
      const o = state.lastOpen;
      if (!o) return -1;
      return which === 0 ? o.port : which === 1 ? o.tls : which === 2 ? o.profile : Buffer.byteLength(o.host);
    },
    test_open_host_copy: (ptr, cap) => {
      const h = Buffer.from(state.lastOpen ? state.lastOpen.host : "");
      bytes(ptr, Math.min(cap, h.length)).set(h.subarray(0, Math.min(cap, h.length)));
      return h.length;
    },
  };
  // ---- hardware capture for the driver specs (assembly/__tests__/hw*.spec.ts) ----
  // uart_write/can_send/gpio_set keep their return values; each call is also recorded as
  // { kind: 0 uart | 1 can | 2 gpio, port/bus/line, id, flags, level, data }.
  state.hw = [];
  state.kvFail = false;
  const uartWrite0 = imports.uart_write, canSend0 = imports.can_send, gpioSet0 = imports.gpio_set, kvPut0 = imports.kv_put;
  imports.uart_write = (port, ptr, len) => { state.hw.push({ kind: 0, a: port, id: 0, flags: 0, data: Buffer.from(bytes(ptr, len)) }); return uartWrite0(port, ptr, len); };
  imports.can_send = (bus, id, flags, ptr, len) => { state.hw.push({ kind: 1, a: bus, id: id >>> 0, flags, data: Buffer.from(bytes(ptr, len)) }); return canSend0(bus, id, flags, ptr, len); };
  imports.gpio_set = (line, level) => { state.hw.push({ kind: 2, a: line, id: 0, flags: level, data: Buffer.alloc(0) }); return gpioSet0(line, level); };
  imports.kv_put = (kp, kl, vp, vl) => (state.kvFail ? -5 : kvPut0(kp, kl, vp, vl));
  imports.test_hw_count = () => state.hw.length;
  imports.test_hw_clear = () => { state.hw.length = 0; };
  // which: 0 kind, 1 port/bus/line, 2 id, 3 flags (gpio: level), 4 data length
  imports.test_hw_field = (i, which) => {
    const r = state.hw[i];
    if (!r) return -1;
    return which === 0 ? r.kind : which === 1 ? r.a : which === 2 ? r.id | 0 : which === 3 ? r.flags : r.data.length;
  };
  imports.test_hw_copy = (i, ptr, cap) => {
    const r = state.hw[i];
    if (!r) return -1;
    const n = Math.min(cap, r.data.length);
    bytes(ptr, n).set(r.data.subarray(0, n));
    return r.data.length;
  };
  imports.test_kv_fail = (v) => { state.kvFail = v !== 0; };
  return { imports, state };
}

module.exports = { createFakeHost };
