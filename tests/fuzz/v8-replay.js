// The V8 leg of the differential fuzz check (tests/fuzz/harness.c): replays the tapes the harness wrote
// (FUZZ_TAPES=DIR build/fuzz/station-fuzz FILE...) on V8 with the same deterministic imports, and compares what
// leaves the image and what it stores with the log wasm2c produced on the same calls.
//   node tests/fuzz/v8-replay.js DIR [WASM]
// A tape: u64 LE length, u64 LE length of its boot part, then records 'N' (a new instance; storage kept), 'C' (the host forgets the stream), and
// 'E' export u8 (bit 7: no __collect after it, the image allocated nothing), argument count u8, arguments i64 LE,
// RX length u32 LE, RX bytes; after the tape, the expected log.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const nodeCrypto = require("node:crypto");

const EXPORTS = ["init", "config_set", "start", "tick", "next_wakeup", "on_stream_open", "on_stream_data", "on_stream_closed",
  "on_dgram", "on_uart_data", "on_can_frame", "on_gpio", "__collect"];
const I64_ARGS = new Set(["init", "tick"]);
const WALL0 = 1767225600000n;
const SLOT_CAP = 1024 * 1024;
const M64 = (1n << 64n) - 1n;
const HASHES = { 1: "sha1", 2: "sha256", 3: "sha384", 4: "sha512" };

class Trap extends Error {}

/** The host of harness.c: storage, clock, generator and the log, in the same format. */
function makeHost() {
  const h = { kv: new Map(), prng: 0x9e3779b97f4a7c15n, now: 0n, wallOff: 0n, nextStream: 0, nextDgram: 0, stream: 0, dgram: 0,
    slot: { state: 0, writing: 0, done: 0, len: 0 }, log: [] };
  h.bytes = (tag, b) => { const x = Buffer.alloc(5); x[0] = tag.charCodeAt(0); x.writeUInt32LE(b.length, 1); h.log.push(x, Buffer.from(b)); };
  h.int = (tag, v) => { const x = Buffer.alloc(9); x[0] = tag.charCodeAt(0) | 0x80; x.writeBigUInt64LE(BigInt.asUintN(64, BigInt(v)), 1); h.log.push(x); };
  return h;
}

function makeEnv(h, mem) {
  const m = () => new Uint8Array(mem().buffer);
  const view = (p, n) => {
    p >>>= 0;
    const buf = m();
    if (n < 0 || p + n > buf.length) throw new Trap("out of bounds");
    return buf.subarray(p, p + n);
  };
  return {
    abort(msg, file, line, col) {
      const buf = m();
      for (const p of [msg >>> 0, file >>> 0]) {
        let n = 0;
        if (p >= 4 && p <= buf.length) { n = new DataView(buf.buffer).getUint32(p - 4, true); if (p + n > buf.length) n = 0; }
        h.bytes("a", buf.subarray(p, p + n));
      }
      h.int("a", (BigInt(line >>> 0) << 32n) | BigInt(col >>> 0));
      throw new Trap("abort");
    },
    clock_wall_ms: () => WALL0 + h.wallOff + h.now,
    clock_set_wall_ms: (ms) => { h.wallOff = ms - WALL0 - h.now; h.int("w", ms); return 0; },
    random_fill: (p, n) => {
      const out = view(p, n);
      for (let i = 0; i < n; i++) {
        h.prng ^= (h.prng << 13n) & M64; h.prng ^= h.prng >> 7n; h.prng ^= (h.prng << 17n) & M64;
        out[i] = Number((h.prng >> 24n) & 255n);
      }
      return 0;
    },
    log_write: () => {},
    stream_open: (hp, hl, port, tls, prof) => {
      h.bytes("o", view(hp, hl)); h.int("o", (BigInt(port) << 8n) | BigInt(tls << 4) | BigInt(prof & 15));
      return (h.stream = ++h.nextStream);
    },
    stream_send: (hd, p, n) => { const b = view(p, n); h.int("s", hd); h.bytes("s", b); return hd !== h.stream || h.stream === 0 ? -4 : n; },
    stream_full: (hd) => { h.int("f", hd); return 0; },
    stream_close: (hd) => { h.int("c", hd); if (hd === h.stream) h.stream = 0; },
    dgram_open: (hp, hl, port) => { h.bytes("u", view(hp, hl)); h.int("u", port); return (h.dgram = ++h.nextDgram); },
    dgram_send: (hd, p, n) => { const b = view(p, n); h.int("d", hd); h.bytes("d", b); return n; },
    dgram_close: (hd) => { h.int("e", hd); if (hd === h.dgram) h.dgram = 0; },
    kv_get: (kp, kl, bp, cap) => {
      const k = Buffer.from(view(kp, kl)).toString("latin1"); const out = view(bp, cap);
      const v = h.kv.get(k);
      if (!v) return -1;
      out.set(v.subarray(0, Math.min(cap, v.length)));
      return v.length;
    },
    kv_put: (kp, kl, vp, vl) => {
      const k = view(kp, kl), v = view(vp, vl);
      h.bytes("k", k); h.bytes("v", v);
      h.kv.set(Buffer.from(k).toString("latin1"), Buffer.from(v));
      return 0;
    },
    kv_delete: (kp, kl) => { const k = view(kp, kl); h.bytes("x", k); h.kv.delete(Buffer.from(k).toString("latin1")); return 0; },
    uart_write: (port, p, n) => { const b = view(p, n); h.int("U", port); h.bytes("U", b); return n; },
    can_send: (bus, id, flags, p, n) => {
      const b = view(p, n);
      h.int("C", (BigInt(bus) << 40n) | (BigInt(flags & 0xff) << 32n) | BigInt(id >>> 0)); h.bytes("C", b);
      return n > 8 ? -1 : 0;
    },
    gpio_set: (line, level) => { h.int("g", (BigInt(line) << 32n) | BigInt(level >>> 0)); return 0; },
    crypto_hash: (alg, p, n, out, cap) => {
      const data = view(p, n), dst = view(out, cap);
      if (!HASHES[alg]) return -1;
      const d = nodeCrypto.createHash(HASHES[alg]).update(data).digest();
      if (d.length > cap) return -2;
      dst.set(d);
      return d.length;
    },
    crypto_verify: (alg, kp, kl, dp, dl, sp, sl) => { view(kp, kl); view(dp, dl); view(sp, sl); return 0; },
    crypto_csr: (slot, kt, sp, sl, out, cap) => { view(sp, sl); view(out, cap); return -1; },
    cert_install: (kind, p, n) => {
      const b = view(p, n); h.int("i", kind); h.bytes("i", b);
      if (kind < 0 || kind > 4) return -1;
      return Buffer.from(b).toString("latin1").startsWith("-----BEGIN CERTIFICATE-----") ? 0 : -2;
    },
    cert_delete: (p, n) => { h.bytes("r", view(p, n)); return -1; },
    cert_list: (kind, out, cap) => { view(out, cap); return 0; },
    system_reboot: (kind) => { h.int("R", kind); h.reboot = true; },
    fw_slot_begin: (size) => {
      h.int("B", size);
      if (h.slot.state === 1) return -3;
      if (size > SLOT_CAP) return -1;
      Object.assign(h.slot, { writing: 1, done: 0, len: 0 });
      return 0;
    },
    fw_slot_write: (off, p, n) => {
      const b = view(p, n); h.int("W", off); h.bytes("W", b);
      if (!h.slot.writing) return -4;
      if (off < 0 || off !== h.slot.len || h.slot.len + n > SLOT_CAP) return -1;
      h.slot.len += n;
      return n;
    },
    fw_slot_end: () => { h.int("E", h.slot.len); if (!h.slot.writing) return -4; h.slot.writing = 0; h.slot.done = 1; return h.slot.len; },
    fw_slot_verify: (cp, cl, sp, sl) => { view(cp, cl); view(sp, sl); return h.slot.done ? 0 : -1; },
    fw_slot_install: () => { h.int("I", h.slot.done); return h.slot.done ? 0 : -1; },
    fw_slot_confirm: () => { h.int("F", h.slot.state); h.slot.state = 0; return 0; },
    fw_slot_state: () => h.slot.state,
  };
}

/** Replays one tape; returns [log produced on V8, log expected]. */
function replay(module, tape) {
  const tapeLen = Number(tape.readBigUInt64LE(0)), bootLen = Number(tape.readBigUInt64LE(8));
  const expected = tape.subarray(16 + tapeLen);
  const h = makeHost();
  let ex = null;
  let sabotage = process.env.FUZZ_SABOTAGE ? 1 : 0;   // run.sh's self-check: other random bytes after the boot
  const fresh = () => { ex = new WebAssembly.Instance(module, { env: makeEnv(h, () => ex.memory) }).exports; };
  fresh();
  for (let i = 16; i < 16 + tapeLen;) {
    const kind = String.fromCharCode(tape[i++]);
    if (kind === "N") { h.stream = 0; h.dgram = 0; h.reboot = false; h.int("N", 0); fresh(); continue; }
    if (kind === "C") { h.stream = 0; continue; }
    if (sabotage && i - 1 >= 16 + bootLen) { h.prng ^= 1n; sabotage = 0; }
    const fn = EXPORTS[tape[i] & 0x7f], collect = (tape[i] & 0x80) === 0, nargs = tape[i + 1];
    i += 2;
    const args = [];
    for (let k = 0; k < nargs; k++, i += 8) args.push(tape.readBigInt64LE(i));
    const rxLen = tape.readUInt32LE(i);
    i += 4;
    if (rxLen) new Uint8Array(ex.memory.buffer).set(tape.subarray(i, i + rxLen), ex.rx_buffer());
    i += rxLen;
    if (fn === "init" || fn === "tick") h.now = args[0];
    let value;
    try {
      value = ex[fn](...args.map((a) => (I64_ARGS.has(fn) ? a : Number(BigInt.asIntN(32, a)))));
      if (collect) ex.__collect();
    } catch (e) {
      if (!(e instanceof Trap) && !(e instanceof WebAssembly.RuntimeError) && !(e instanceof RangeError)) throw e;
      h.int("X", EXPORTS.indexOf(fn));
      continue;   // the harness re-created the instance: the tape's next record is 'N'
    }
    if (fn === "config_set") h.int("V", value);
    if (fn === "next_wakeup") h.int("V", value);
  }
  return [Buffer.concat(h.log), expected];
}

function main() {
  const [dir, wasm = path.join(__dirname, "..", "..", "build", "firmware.wasm")] = process.argv.slice(2);
  const module = new WebAssembly.Module(fs.readFileSync(wasm));
  const tapes = fs.readdirSync(dir).filter((f) => f.endsWith(".tape")).sort();
  let bad = 0;
  for (const name of tapes) {
    const [got, want] = replay(module, fs.readFileSync(path.join(dir, name)));
    if (!got.equals(want)) {
      let at = 0;
      while (at < got.length && at < want.length && got[at] === want[at]) at++;
      console.error(`${name}: V8 and wasm2c differ at log byte ${at} (V8 ${got.length} bytes, wasm2c ${want.length})\n` +
        `  V8:     ${JSON.stringify(got.subarray(Math.max(0, at - 40), at + 80).toString("latin1"))}\n` +
        `  wasm2c: ${JSON.stringify(want.subarray(Math.max(0, at - 40), at + 80).toString("latin1"))}`);
      bad++;
    }
  }
  console.log(`v8-replay: ${tapes.length} inputs on V8, ${bad} differences from wasm2c`);
  process.exit(bad || tapes.length === 0 ? 1 : 0);
}

if (require.main === module) main();
module.exports = { replay };
