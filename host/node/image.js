// One instance of the firmware image with the ABI imports ("env", docs/host-abi.md) bound to a host.
// The image's pointers are untrusted like any input: an import never throws into the image (that would be a
// trap); a bad pointer or a failing host service becomes an error code. Only env.abort traps, by design.
//
// The host object an image binds to provides: clock {now, wall, setWall}, log(level, text), streams {open, send,
// close}, datagrams {open, send, close}, kv {get, put, delete}, hardware {uartWrite, canSend, gpioSet}, crypto
// (./crypto.js), certs (CertStore), dataDir, requestReboot(kind).
"use strict";
const nodeCrypto = require("node:crypto");
const path = require("node:path");

const LEVELS = ["error", "warn", "info", "debug"];
const ERR_ARG = -1;     // a bad argument (pointer outside memory, unknown algorithm, ...)
const ERR_HOST = -2;    // the host service failed (I/O error, ...)
/** The ABI revision this host implements (docs/host-abi.md). */
const ABI_VERSION = 4;

/** AssemblyScript strings: UTF-16LE, byte length as u32 just before the pointer; 0 = none. */
function asString(memory, ptr) {
  if (!ptr) return "";
  const buf = memory.buffer;
  if (ptr < 4 || ptr > buf.byteLength) return "<bad string pointer>";
  const len = new DataView(buf).getUint32(ptr - 4, true);
  if (ptr + len > buf.byteLength) return "<bad string length>";
  return Buffer.from(new Uint8Array(buf, ptr, len & ~1)).toString("utf16le");
}

class TrapError extends Error {}

/** The import object for one instance. getExports() returns the instance's exports once they exist. */
function makeEnv(host, getExports) {
  const memory = () => getExports().memory;
  const bytes = (ptr, len) => {
    const buf = memory().buffer;
    if (!(ptr >= 0 && len >= 0 && ptr + len <= buf.byteLength)) throw new RangeError("out of bounds");
    return new Uint8Array(buf, ptr, len);
  };
  const text = (ptr, len) => Buffer.from(bytes(ptr, len)).toString("utf8");
  /** Copies min(cap, data.length) bytes to out and returns data.length: the caller learns the size it needs. */
  const writeOut = (out, cap, data) => { const n = Math.max(0, Math.min(cap, data.length)); bytes(out, n).set(data.subarray(0, n)); return data.length; };
  // A RangeError is the image's fault (bad pointer), anything else the host's.
  const safe = (fn) => (...a) => { try { return fn(...a); } catch (e) { return e instanceof RangeError ? ERR_ARG : ERR_HOST; } };
  const quiet = (fn) => (...a) => { try { fn(...a); } catch { /* void import: nothing to report */ } };

  return {
    abort(msg, file, line, col) {
      const m = memory();
      throw new TrapError(`trap: ${asString(m, msg)} at ${asString(m, file)}:${line}:${col}`);
    },
    clock_wall_ms: () => BigInt(Math.floor(host.clock.wall())),
    clock_set_wall_ms: safe((ms) => { host.clock.setWall(Number(ms)); return 0; }),
    random_fill: safe((ptr, len) => { nodeCrypto.randomFillSync(bytes(ptr, len)); return 0; }),
    log_write: quiet((level, ptr, len) => host.log(LEVELS[level] || "debug", text(ptr, len))),
    stream_open: safe((hp, hl, port, useTls, profile) => host.streams.open(text(hp, hl), port, useTls !== 0, profile)),
    stream_send: safe((handle, ptr, len) => host.streams.send(handle, bytes(ptr, len))),
    stream_full: safe((handle) => host.streams.full(handle)),
    stream_close: quiet((handle) => host.streams.close(handle)),
    dgram_open: safe((hp, hl, port) => host.datagrams.open(text(hp, hl), port)),
    dgram_send: safe((handle, ptr, len) => host.datagrams.send(handle, bytes(ptr, len))),
    dgram_close: quiet((handle) => host.datagrams.close(handle)),
    kv_get: safe((kp, kl, bp, cap) => {
      const v = host.kv.get(text(kp, kl));
      return v === undefined ? -1 : writeOut(bp, cap, v);
    }),
    kv_put: safe((kp, kl, vp, vl) => { host.kv.put(text(kp, kl), Buffer.from(bytes(vp, vl))); return 0; }),
    kv_delete: safe((kp, kl) => { host.kv.delete(text(kp, kl)); return 0; }),
    uart_write: safe((port, ptr, len) => host.hardware.uartWrite(port, Buffer.from(bytes(ptr, len)))),
    can_send: safe((bus, id, flags, ptr, len) => (len > 8 ? ERR_ARG : host.hardware.canSend(bus, id >>> 0, flags, Buffer.from(bytes(ptr, len))))),
    gpio_set: safe((line, level) => host.hardware.gpioSet(line, level)),
    crypto_hash: safe((alg, ptr, len, out, cap) => {
      const d = host.crypto.hash(alg, bytes(ptr, len));
      if (!d) return ERR_ARG;
      if (d.length > cap) return ERR_HOST;
      bytes(out, d.length).set(d);
      return d.length;
    }),
    crypto_verify: safe((alg, kp, kl, dp, dl, sp, sl) =>
      host.crypto.verify(alg, Buffer.from(bytes(kp, kl)), Buffer.from(bytes(dp, dl)), Buffer.from(bytes(sp, sl)))),
    crypto_csr: safe((slot, keyType, sp, sl, out, cap) => {
      const pem = host.crypto.createCsr(path.join(host.dataDir, "certs"), slot, keyType, text(sp, sl));
      return pem ? writeOut(out, cap, Buffer.from(pem)) : ERR_ARG;
    }),
    cert_install: safe((kind, pp, pl) => host.certs.install(kind, text(pp, pl))),
    cert_delete: safe((hp, hl) => host.certs.remove(text(hp, hl))),
    cert_list: safe((kind, out, cap) => writeOut(out, cap, Buffer.from(host.certs.list(kind)))),
    system_reboot: quiet((kind) => host.requestReboot(kind)),
    // Firmware slots (revision 3): host.slots (./slots.js); a host without a slot store has no storage for them.
    fw_slot_begin: safe((size) => (host.slots ? host.slots.begin(size) : ERR_HOST)),
    fw_slot_write: safe((off, ptr, len) => {
      if (!host.slots || !host.slots.writing) return -4;
      if (len < 0) return ERR_ARG;
      return host.slots.write(off, bytes(ptr, len));
    }),
    fw_slot_end: safe(() => (host.slots ? host.slots.end() : -4)),
    fw_slot_verify: safe((cp, cl, sp, sl) => {
      if (cl < 0 || sl < 0) return -2;
      return host.slots ? host.slots.verify(Buffer.from(bytes(cp, cl)), Buffer.from(bytes(sp, sl))) : -1;
    }),
    fw_slot_install: safe(() => (host.slots ? host.slots.install() : -1)),
    fw_slot_confirm: safe(() => (host.slots ? host.slots.confirm() : 0)),
    fw_slot_state: safe(() => (host.slots ? host.slots.state() : 0)),
  };
}

/** Instantiates the compiled module for host; refuses an image of another ABI version. */
function instantiate(module, host) {
  let ex = null;
  const instance = new WebAssembly.Instance(module, { env: makeEnv(host, () => ex) });
  ex = instance.exports;
  const version = typeof ex.abi_version === "function" ? ex.abi_version() : -1;
  if (version !== ABI_VERSION) throw new Error(`image ABI version ${version} is not supported (want ${ABI_VERSION})`);
  return { exports: ex, mem: () => new Uint8Array(ex.memory.buffer) };
}

module.exports = { instantiate, makeEnv, TrapError, asString, LEVELS, ABI_VERSION };
