#!/usr/bin/env node
// Where the image's data segment goes (issue 17 item 2): walks the Data section of a wasm image and sorts every
// active segment into kinds, then prints a table by kind and the largest pieces.
//   node tests/tools/data-segments.js [build/firmware.wasm] [--top N] [--json]
// AssemblyScript lays out each static object as one segment: a 20-byte object header (mmInfo, gcInfo, gcInfo2,
// rtId, rtSize) then the payload; `memory.data` blobs (the schema tables, util/text.ts catalogs) have no header.
// rtId 1 is ArrayBuffer, 2 is String (UTF-16: a literal of n ASCII characters costs 20 + 2n bytes, padded to 4),
// higher ids are the image's classes (static arrays, RTTI). The runtime type info (__rtti_base) is one segment too.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

function leb(buf, pos, signed) {
  let result = 0n, shift = 0n, b;
  do { b = buf[pos++]; result |= BigInt(b & 0x7f) << shift; shift += 7n; } while (b & 0x80);
  if (signed && (b & 0x40)) result -= 1n << shift;
  return { value: Number(result), pos };
}

/** Active data segments of memory 0: [{ offset, bytes }] in file order. */
function dataSegments(bin) {
  let pos = 8;
  while (pos < bin.length) {
    const id = bin[pos++];
    const size = leb(bin, pos); pos = size.pos;
    const end = pos + size.value;
    if (id === 11) {
      const out = [];
      let p = pos;
      const count = leb(bin, p); p = count.pos;
      for (let i = 0; i < count.value; i++) {
        const flags = leb(bin, p); p = flags.pos;
        if (flags.value === 1) { const n = leb(bin, p); out.push({ offset: -1, bytes: bin.subarray(n.pos, n.pos + n.value) }); p = n.pos + n.value; continue; }
        if (flags.value === 2) p = leb(bin, p).pos;
        if (bin[p++] !== 0x41) throw new Error("data segment offset is not i32.const");
        const off = leb(bin, p, true); p = off.pos;
        if (bin[p++] !== 0x0b) throw new Error("data segment offset expression too long");
        const n = leb(bin, p); p = n.pos;
        out.push({ offset: off.value, bytes: bin.subarray(p, p + n.value) });
        p += n.value;
      }
      return out;
    }
    pos = end;
  }
  return [];
}

const printable = (s) => s.replace(/[^\x20-\x7e]/g, "·");

/** Sorts a segment: { kind, payload (bytes), preview }. binaryen trims a segment's leading and trailing zero bytes,
 *  so a static object's segment starts at its rtId (mmInfo, gcInfo, gcInfo2 are 0) and may end before its payload. */
function classify(seg, span) {
  let b = seg.bytes;
  // Untrimmed (a debug build): the segment starts at the block, its header 12 bytes before rtId.
  const full = (seg.offset & 15) === 12 && b.length >= 20 ? 12 : 0;
  if (b.length >= 8 && ((seg.offset + full) & 15) === 8) {
    b = b.subarray(full);
    span -= full;
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const rtId = dv.getUint32(0, true), rtSize = dv.getUint32(4, true);
    if (rtId < 4096 && rtSize >= b.length - 8 - (full ? 16 : 0) && rtSize <= span - 8) {
      const body = b.subarray(8);
      if (rtId === 2) {
        let s = "";
        for (let i = 0; i < rtSize; i += 2) s += String.fromCharCode((body[i] || 0) | ((body[i + 1] || 0) << 8));
        const kind = /\s/.test(s) && s.length > 12 ? "string literal: message (log/reason text)" : "string literal: name/word";
        return { kind, payload: rtSize, preview: JSON.stringify(printable(s)).slice(0, 70), text: s };
      }
      if (rtId === 1) return { kind: "ArrayBuffer (static array contents)", payload: rtSize, preview: `${rtSize} B` };
      return { kind: `object rtId ${rtId} (static array / instance)`, payload: rtSize, preview: `${rtSize} B` };
    }
  }
  return null;
}

/** The rest: memory.data blobs and the runtime type info (no header). */
function classifyRaw(seg) {
  const b = seg.bytes;
  let ascii = 0;
  for (const c of b) if (c >= 0x20 && c < 0x7f) ascii++;
  const kind = ascii > b.length * 0.8 ? "memory.data: UTF-8 text" : "memory.data: binary table";
  return { kind, payload: b.length, preview: JSON.stringify(printable(Buffer.from(b.subarray(0, 50)).toString("latin1"))) };
}

function analyse(file) {
  const segs = dataSegments(fs.readFileSync(file));
  // A piece's span: from its start to the next piece's. The zeros binaryen trimmed belong to it, up to the end of its
  // payload (objects) or its own bytes; what lies beyond is a separate piece of zeros (a zero-filled memory.data or
  // static array, which has no segment at all).
  const sorted = [...segs].sort((a, b) => a.offset - b.offset);
  const items = [];
  sorted.forEach((seg, i) => {
    const span = (i + 1 < sorted.length ? sorted[i + 1].offset : seg.offset + seg.bytes.length) - seg.offset;
    const c = classify(seg, span) || classifyRaw(seg);
    const header = (seg.offset & 15) === 12 ? 20 : 8;
    const own = c.text !== undefined || c.kind.startsWith("object") || c.kind.startsWith("ArrayBuffer")
      ? (header + c.payload + 15) & ~15 : (seg.bytes.length + 15) & ~15;
    items.push({ offset: seg.offset, size: seg.bytes.length, span: Math.min(span, own), ...c });
    if (span - own >= 16) {
      items.push({ offset: seg.offset + own, size: 0, span: span - own, kind: "zeros (no segment: zero-filled memory.data or static)", payload: span - own, preview: "" });
    }
  });
  const byKind = new Map();
  for (const it of items) {
    const k = byKind.get(it.kind) || { kind: it.kind, count: 0, bytes: 0, span: 0, payload: 0 };
    k.count++; k.bytes += it.size; k.span += it.span; k.payload += it.payload;
    byKind.set(it.kind, k);
  }
  const total = items.reduce((a, it) => a + it.size, 0);
  const end = items.reduce((a, it) => Math.max(a, it.offset + it.size), 0);
  return { file, segments: items.length, total, end, start: sorted.length ? sorted[0].offset : 0,
    kinds: [...byKind.values()].sort((a, b) => b.span - a.span), items };
}

/** With the debug build's text (build/firmware.debug.wat): each piece's source file. A memory.data blob is named by
 *  the global that holds its address; a static object by the first function that loads its address (the payload's,
 *  20 bytes past the segment's start). */
function attribute(r, watFile) {
  const wat = fs.readFileSync(watFile, "utf8");
  const owner = new Map();
  for (const m of wat.matchAll(/^ \(global \$(\S+) i32 \(i32\.const (\d+)\)\)/gm)) {
    if (!owner.has(Number(m[2]))) owner.set(Number(m[2]), m[1]);
  }
  let fn = "";
  for (const line of wat.split("\n")) {
    const f = /^ \(func \$(\S+)/.exec(line);
    if (f) { fn = f[1]; continue; }
    for (const m of line.matchAll(/i32\.const (\d+)/g)) {
      const a = Number(m[1]);
      if (a > 0 && !owner.has(a)) owner.set(a, fn);
    }
  }
  const file = (name) => {
    if (!name) return "(unknown)";
    const m = /^(?:start:)?((?:~lib|assembly)\/[^/#]+(?:\/[^/#]+)*?)\/[^/]*$/.exec(name.replace(/[#@~].*$/, ""));
    return m ? m[1] : name.replace(/[#@].*$/, "");
  };
  for (const it of r.items) {
    if (it.kind.startsWith("zeros")) { it.file = file(owner.get(it.offset)); continue; }
    const name = owner.get(it.offset) || owner.get(it.offset + 20) || owner.get(it.offset + 8);
    it.file = file(name);
  }
  const byFile = new Map();
  for (const it of r.items) {
    const key = it.file;
    const e = byFile.get(key) || { file: key, strings: 0, data: 0, pieces: 0 };
    e.pieces++;
    if (it.text !== undefined) e.strings += it.span; else e.data += it.span;
    byFile.set(key, e);
  }
  return [...byFile.values()].sort((a, b) => b.strings + b.data - a.strings - a.data);
}

function main() {
  const args = process.argv.slice(2);
  const topAt = args.indexOf("--top");
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
  const file = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--top") || path.join(__dirname, "..", "..", "build", "firmware.wasm");
  const r = analyse(file);
  if (args.includes("--json")) { console.log(JSON.stringify({ ...r, items: undefined, kinds: r.kinds }, null, 2)); return; }
  console.log(`${file}: ${r.segments} data segments, ${r.total} B in the file; static data spans ${r.start}..${r.end} (${r.end - r.start} B of linear memory)`);
  console.log("\n| kind | pieces | bytes in memory | bytes in the file |\n|---|---:|---:|---:|");
  for (const k of r.kinds) console.log(`| ${k.kind} | ${k.count} | ${k.span} | ${k.bytes} |`);
  const strings = r.items.filter((it) => it.text !== undefined);
  const utf8 = strings.reduce((a, it) => a + Buffer.byteLength(it.text), 0);
  console.log(`\nString literals: ${strings.length}, ${strings.reduce((a, it) => a + it.span, 0)} B in memory (UTF-16 with headers); as UTF-8 without headers ${utf8} B.`);
  const wat = file.replace(/\.wasm$/, ".wat");
  if (args.includes("--by-file") && fs.existsSync(wat)) {
    console.log(`\nBy source file (${path.basename(wat)}):\n| file | pieces | string literals B | other data B |\n|---|---:|---:|---:|`);
    for (const e of attribute(r, wat).slice(0, top)) console.log(`| ${e.file} | ${e.pieces} | ${e.strings} | ${e.data} |`);
  }
  console.log(`\nThe ${top} largest pieces:\n| offset | bytes in memory | kind | preview |\n|---:|---:|---|---|`);
  for (const it of [...r.items].sort((a, b) => b.span - a.span).slice(0, top)) {
    console.log(`| ${it.offset} | ${it.span} | ${it.kind} | ${it.preview.replace(/\|/g, "\\|")} |`);
  }
}

if (require.main === module) main();
module.exports = { dataSegments, analyse };
