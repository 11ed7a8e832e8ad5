// Fuzz smoke: random and mutated frames through the image's WebSocket and RPC layers, with no sockets —
// the test plays the server side of the stream directly through the exports. Asserts: no trap, the image
// keeps answering, and every well-framed CALL ([2, "<id>", ...] in a text message) gets exactly one
// CALLRESULT/CALLERROR with that id. FUZZ_FRAMES (default 100000) and FUZZ_SEED override the run.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { instantiate } = require("../host/node/image.js");
const { Hardware } = require("../host/node/hardware.js");
const SCHEMAS = require("ocpp-rpc/lib/schemas/ocpp2_0_1.json");
const { instance } = require("./helpers/schema-instances.js");

const FRAMES = Number(process.env.FUZZ_FRAMES || 100000);
const SEED = Number(process.env.FUZZ_SEED || 20261124);
const WASM = process.env.HOST_WASM || path.join(__dirname, "..", "build", "firmware.wasm");

function prng(seed) {
  let s = seed >>> 0 || 1;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
  return { u32: next, int: (n) => next() % n, chance: (p) => next() / 4294967296 < p };
}

/** Server → client frame (unmasked). */
function serverFrame(payload, { opcode = 1, fin = true, rsv = 0, masked = false } = {}) {
  const len = payload.length;
  const head = [(fin ? 0x80 : 0) | (rsv << 4) | opcode];
  const mask = masked ? 0x80 : 0;
  if (len < 126) head.push(mask | len);
  else if (len < 65536) head.push(mask | 126, len >> 8, len & 255);
  else head.push(mask | 127, 0, 0, 0, 0, (len >>> 24) & 255, (len >>> 16) & 255, (len >>> 8) & 255, len & 255);
  const parts = [Buffer.from(head)];
  if (masked) parts.push(Buffer.from([1, 2, 3, 4]));
  parts.push(payload);
  return Buffer.concat(parts);
}

/** Parses the client's masked frames out of a byte stream; returns complete text messages. */
function clientMessages(state) {
  const out = [];
  let buf = state.pending;
  for (;;) {
    if (buf.length < 2) break;
    let len = buf[1] & 0x7f, off = 2;
    if (len === 126) { if (buf.length < 4) break; len = buf.readUInt16BE(2); off = 4; }
    else if (len === 127) { if (buf.length < 10) break; len = Number(buf.readBigUInt64BE(2)); off = 10; }
    const masked = (buf[1] & 0x80) !== 0;
    const total = off + (masked ? 4 : 0) + len;
    if (buf.length < total) break;
    const key = masked ? buf.subarray(off, off + 4) : null;
    const data = Buffer.from(buf.subarray(total - len, total));
    if (key) for (let i = 0; i < data.length; i++) data[i] ^= key[i & 3];
    const opcode = buf[0] & 0x0f;
    if (opcode === 1) out.push(data.toString("utf8"));
    if (opcode === 8) state.closedByClient = true;
    buf = buf.subarray(total);
  }
  state.pending = buf;
  return out;
}

function seedFrames(rng) {
  const frames = [];
  for (const s of SCHEMAS) {
    const [, action, dir] = /^urn:(\w+)\.(req|conf)$/.exec(s.$id);
    for (const full of [false, true]) {
      const payload = instance(s, s, full);
      frames.push(JSON.stringify(dir === "req" ? [2, `s${frames.length}`, action, payload] : [3, `r${frames.length}`, payload]));
    }
  }
  frames.push('[4,"e1","GenericError","x",{}]', '[2,"x","GetVariables",{"getVariableData":[{"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}}]}]');
  return frames;
}

function mutate(rng, text, seeds) {
  const b = Buffer.from(text);
  switch (rng.int(7)) {
    case 0: { for (let i = 0, n = 1 + rng.int(4); i < n && b.length; i++) b[rng.int(b.length)] ^= 1 << rng.int(8); return b; }
    case 1: return b.subarray(0, rng.int(b.length + 1));
    case 2: { const i = rng.int(b.length + 1); return Buffer.concat([b.subarray(0, i), b.subarray(rng.int(b.length + 1))]); }
    case 3: { const o = Buffer.from(seeds[rng.int(seeds.length)]); return Buffer.concat([b.subarray(0, rng.int(b.length + 1)), o.subarray(rng.int(o.length + 1))]); }
    case 4: { const r = Buffer.alloc(rng.int(64)); for (let i = 0; i < r.length; i++) r[i] = rng.int(256); return r; }
    case 5: { const i = rng.int(b.length + 1); const tok = ['"', "{", "}", "[", "]", ",", ":", "null", "1e999", "\\u0000", "-", "\"\\ud800\""][rng.int(12)]; return Buffer.concat([b.subarray(0, i), Buffer.from(tok), b.subarray(i)]); }
    default: return b;
  }
}

test(`fuzz smoke: ${FRAMES} random and mutated frames (seed ${SEED}) — no trap, every CALL answered once`, () => {
  const rng = prng(SEED);
  const seeds = seedFrames(rng);
  const hardware = new Hardware();
  const state = { pending: Buffer.alloc(0), handle: 0, opened: [], closedByClient: false };
  const host = {
    clock: { now: () => 0, wall: () => Date.UTC(2026, 0, 1), setWall: () => {} },
    log: () => {},
    streams: {
      open: () => { state.handle++; state.opened.push(state.handle); return state.handle; },
      send: (h, bytes) => { if (h === state.handle) state.pending = Buffer.concat([state.pending, Buffer.from(bytes)]); return bytes.length; },
      full: () => 0,
      close: () => { state.closedByClient = true; },
    },
    kv: { get: () => undefined, put: () => {}, delete: () => {} },
    hardware, crypto: require("../host/node/crypto.js"), certs: { install: () => -1, remove: () => -1, list: () => "" },
    dataDir: fs.mkdtempSync(path.join(require("node:os").tmpdir(), "fuzz-")), requestReboot: () => {},
  };
  const { exports: ex } = instantiate(new WebAssembly.Module(fs.readFileSync(WASM)), host);
  const rx = () => new Uint8Array(ex.memory.buffer, ex.rx_buffer(), ex.rx_capacity());
  const call = (fn) => { fn(); ex.__collect(); };
  let now = 0;
  const feed = (bytes) => {
    for (let off = 0; off < bytes.length; off += ex.rx_capacity()) {
      const chunk = bytes.subarray(off, off + ex.rx_capacity());
      rx().set(chunk);
      call(() => ex.on_stream_data(state.handle, chunk.length));
    }
  };
  const cfg = (k, v) => { const kb = Buffer.from(k), vb = Buffer.from(v); rx().set(kb); rx().set(vb, kb.length); assert.equal(ex.config_set(kb.length, vb.length), 0); };

  /** Completes the stream the image just opened: TCP connected, then the server's side of the upgrade. */
  function handshake() {
    state.closedByClient = false;
    state.pending = Buffer.alloc(0);
    call(() => ex.on_stream_open(state.handle, 0));
    const req = state.pending.toString("latin1");
    const key = /Sec-WebSocket-Key: (\S+)/i.exec(req)[1];
    state.pending = Buffer.alloc(0);
    const accept = crypto.createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
    feed(Buffer.from(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ocpp2.0.1\r\n\r\n`));
    clientMessages(state);
  }

  /** After the image dropped the connection: time passes until it reconnects (back-off), then handshake. */
  function connect() {
    const before = state.opened.length;
    for (let i = 0; i < 10 && state.opened.length === before; i++) { now += 200_000; call(() => ex.tick(BigInt(now))); }
    assert.ok(state.opened.length > before, "the image opens a new stream");
    handshake();
  }

  call(() => ex.init(0n));
  cfg("station_id", "FUZZ1");
  cfg("csms_url", "ws://127.0.0.1:9/ocpp");
  call(() => ex.start());
  assert.equal(state.opened.length, 1, "start() opens the CSMS stream");
  handshake();

  let calls = 0, answered = 0, reconnects = 0;
  const t0 = Date.now();
  for (let n = 0; n < FRAMES; n++) {
    const base = seeds[rng.int(seeds.length)];
    const payload = rng.chance(0.2) ? Buffer.from(base) : mutate(rng, base, seeds);
    let wire;
    const r = rng.int(100);
    if (r < 3) wire = serverFrame(payload, { rsv: 1 + rng.int(7) });
    else if (r < 5) wire = serverFrame(payload, { masked: true });
    else if (r < 7) wire = serverFrame(payload, { opcode: [0, 2, 3, 11][rng.int(4)] });
    else if (r < 9) { const f = serverFrame(payload); wire = f.subarray(0, rng.int(f.length)); }
    else if (r < 12 && payload.length > 2) {
      const cut = 1 + rng.int(payload.length - 1);
      wire = Buffer.concat([serverFrame(payload.subarray(0, cut), { fin: false }), serverFrame(Buffer.from("p"), { opcode: 9 }), serverFrame(payload.subarray(cut), { opcode: 0 })]);
    } else wire = serverFrame(payload);
    const wellFramed = r >= 9;
    let expectId = null;
    if (wellFramed) {
      try {
        const text = payload.toString("utf8");
        if (Buffer.from(text).equals(payload)) {
          const msg = JSON.parse(text);
          if (Array.isArray(msg) && msg[0] === 2 && typeof msg[1] === "string" && [...msg[1]].length <= 36 &&
              Buffer.from(msg[1]).toString() === msg[1] && !/[\ud800-\udfff]/.test(msg[1])) expectId = msg[1];
        }
      } catch { /* not JSON: no answer required */ }
    }
    feed(wire);
    if (state.closedByClient) { reconnects++; connect(); continue; }
    if (!wellFramed) {
      // A truncated frame leaves the parser mid-frame: start a fresh connection so later frames are well framed.
      if (r >= 7) { call(() => ex.on_stream_closed(state.handle, -4)); reconnects++; connect(); }
      continue;
    }
    const answers = clientMessages(state).map((m) => { try { return JSON.parse(m); } catch { return null; } })
      .filter((m) => Array.isArray(m) && (m[0] === 3 || m[0] === 4));
    if (expectId !== null) {
      calls++;
      const mine = answers.filter((m) => m[1] === expectId);
      assert.equal(mine.length, 1, `frame ${n}: ${payload.toString().slice(0, 200)} → ${JSON.stringify(answers)}`);
      answered++;
    }
  }
  // Still alive and answering.
  const probe = serverFrame(Buffer.from('[2,"probe","GetVariables",{"getVariableData":[{"component":{"name":"SecurityCtrlr"},"variable":{"name":"Identity"}}]}]'));
  feed(probe);
  const last = clientMessages(state).map((m) => JSON.parse(m)).find((m) => m[1] === "probe");
  assert.ok(last && last[0] === 3, "answers a valid CALL after the campaign");
  fs.rmSync(host.dataDir, { recursive: true, force: true });
  console.log(`fuzz: ${FRAMES} frames in ${Date.now() - t0} ms; ${calls} CALLs, ${answered} answered; ${reconnects} reconnects`);
});
