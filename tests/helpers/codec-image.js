// Loads the firmware image with the fake host imports and exposes its codec self-test export.
"use strict";
const fs = require("node:fs");
const { createFakeHost } = require("../aspect-host.js");

function loadCodecImage(file) {
  let ex = null;
  const host = createFakeHost(() => ex.memory);
  const imports = { env: { ...host.imports, abort: (msg, f, line, col) => { throw new Error(`image abort at ${line}:${col}`); } } };
  ex = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(file)), imports).exports;
  const enc = new TextEncoder();
  const dec = new TextDecoder();

  /** Decodes text as the action's request/response and re-encodes it. */
  function roundTrip(action, isResponse, text) {
    const a = enc.encode(action);
    const p = enc.encode(text);
    const cap = ex.codec_buffer_capacity();
    if (a.length + p.length > cap) throw new Error(`input of ${p.length} bytes exceeds the codec buffer`);
    new Uint8Array(ex.memory.buffer, ex.codec_buffer(), cap).set(a, 0);
    new Uint8Array(ex.memory.buffer, ex.codec_buffer() + a.length, p.length).set(p);
    const n = ex.codec_roundtrip(a.length, isResponse, p.length);
    const len = n < 0 ? ex.codec_error_len() : n;
    const out = dec.decode(new Uint8Array(ex.memory.buffer, ex.codec_buffer(), len).slice());
    ex.__collect();
    if (n >= 0) return { ok: true, text: out };
    return { ok: false, code: out.split(":")[0], text: out };
  }
  return { roundTrip, exports: ex };
}

module.exports = { loadCodecImage };
