#!/usr/bin/env node
// Reports a wasm file's section sizes: code (function bodies) and data (segments)
// are what cost RAM under wasm3 (code ~3x when executed, data 1x).
"use strict";
const fs = require("node:fs");

function readLeb(buf, pos) {
  let result = 0, shift = 0, byte;
  do { byte = buf[pos++]; result |= (byte & 0x7f) << shift; shift += 7; } while (byte & 0x80);
  return [result >>> 0, pos];
}

function sectionSizes(file) {
  const buf = fs.readFileSync(file);
  const names = ["custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "datacount"];
  const out = { file: buf.length };
  let pos = 8;
  while (pos < buf.length) {
    const id = buf[pos++];
    let size;
    [size, pos] = readLeb(buf, pos);
    const name = names[id] || `s${id}`;
    out[name] = (out[name] || 0) + size;
    pos += size;
  }
  return out;
}

module.exports = { sectionSizes };

if (require.main === module) {
  for (const f of process.argv.slice(2)) console.log(f, JSON.stringify(sectionSizes(f)));
}
