// One instance of the firmware image with the ABI imports bound to a host (docs/host-abi.md).
"use strict";

const LEVELS = ["error", "warn", "info", "debug"];

/** AssemblyScript strings: UTF-16LE, byte length as u32 just before the pointer. */
function asString(memory, ptr) {
  if (!ptr) return "";
  const len = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
  return Buffer.from(new Uint8Array(memory.buffer, ptr, len)).toString("utf16le");
}

class TrapError extends Error {}

function instantiate(module, host) {
  let ex = null;
  const mem = () => new Uint8Array(ex.memory.buffer);
  const bytes = (ptr, len) => new Uint8Array(ex.memory.buffer, ptr, len);
  const text = (ptr, len) => Buffer.from(bytes(ptr, len)).toString("utf8");
  const writeOut = (out, cap, data) => { const n = Math.min(cap, data.length); bytes(out, n).set(data.subarray(0, n)); return data.length; };
  const env = {
    abort(msg, file, line, col) {
      throw new TrapError(`trap: ${asString(ex.memory, msg)} at ${asString(ex.memory, file)}:${line}:${col}`);
    },
    clock_wall_ms: () => BigInt(Math.floor(host.clock.wall())),
    clock_set_wall_ms: (ms) => { host.clock.setWall(Number(ms)); return 0; },
    random_fill: (ptr, len) => { require("node:crypto").randomFillSync(bytes(ptr, len)); return 0; },
    log_write: (level, ptr, len) => host.log(LEVELS[level] || "debug", text(ptr, len)),
    stream_open: (hp, hl, port, useTls, profile) => host.streams.open(text(hp, hl), port, useTls !== 0, profile),
    stream_send: (handle, ptr, len) => host.streams.send(handle, bytes(ptr, len)),
    stream_close: (handle) => host.streams.close(handle),
    kv_get: (kp, kl, bp, cap) => {
      const v = host.kv.get(text(kp, kl));
      return v === undefined ? -1 : writeOut(bp, cap, v);
    },
    kv_put: (kp, kl, vp, vl) => { try { host.kv.put(text(kp, kl), Buffer.from(bytes(vp, vl))); return 0; } catch { return -2; } },
    kv_delete: (kp, kl) => { try { host.kv.delete(text(kp, kl)); return 0; } catch { return -2; } },
    uart_write: (port, ptr, len) => host.hardware.uartWrite(port, Buffer.from(bytes(ptr, len))),
    can_send: (bus, id, flags, ptr, len) => host.hardware.canSend(bus, id >>> 0, flags, Buffer.from(bytes(ptr, len))),
    gpio_set: (line, level) => host.hardware.gpioSet(line, level),
    crypto_hash: (alg, ptr, len, out, cap) => {
      const d = host.crypto.hash(alg, bytes(ptr, len));
      if (!d) return -1;
      if (d.length > cap) return -2;
      bytes(out, d.length).set(d);
      return d.length;
    },
    crypto_verify: (alg, kp, kl, dp, dl, sp, sl) => host.crypto.verify(alg, Buffer.from(bytes(kp, kl)), Buffer.from(bytes(dp, dl)), Buffer.from(bytes(sp, sl))),
    crypto_csr: (slot, keyType, sp, sl, out, cap) => {
      const pem = host.crypto.createCsr(require("node:path").join(host.dataDir, "certs"), slot, keyType, text(sp, sl));
      return pem ? writeOut(out, cap, Buffer.from(pem)) : -1;
    },
    cert_install: (kind, pp, pl) => host.certs.install(kind, text(pp, pl)),
    cert_delete: (hp, hl) => host.certs.remove(text(hp, hl)),
    cert_list: (kind, out, cap) => writeOut(out, cap, Buffer.from(host.certs.list(kind))),
    system_reboot: (kind) => host.requestReboot(kind),
  };
  const instance = new WebAssembly.Instance(module, { env });
  ex = instance.exports;
  if (ex.abi_version() !== 1) throw new Error(`image ABI version ${ex.abi_version()} is not supported (want 1)`);
  return { exports: ex, mem };
}

module.exports = { instantiate, TrapError, asString };
