#!/usr/bin/env node
// What the image's heap holds after start-up (issue 17 item 2): every block live after _start, init and start (and a
// collection), grouped by the image function that allocated it. Needs a debug build with RTRACE hooks (function
// names in the stack traces):
//   node_modules/.bin/asc assembly/index.ts --target debug --use ASC_RTRACE=1 --exportStart _start \
//     --outFile build/firmware.debug-rtrace.wasm
//   node tests/tools/heap-at-start.js [file] [--top N]
// The figures are the debug build's; the release build's blocks are the same objects (its own sizes differ only by
// the data segment's length, which moves the heap's base).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { createFakeHost } = require("../aspect-host.js");

const ROOT = path.join(__dirname, "..", "..");

function run(file) {
  let ex = null;
  const host = createFakeHost(() => ex.memory);
  const live = new Map();   // block -> site
  let heapBase = 0;
  const u32 = (p) => new Uint32Array(ex.memory.buffer, p, 1)[0];
  const site = () => {
    const frames = new Error().stack.split("\n").slice(2).map((l) => (/at (\S+) \(wasm/.exec(l) || [])[1]).filter(Boolean);
    const own = frames.filter((f) => !/~lib\/|^\$?~start$|rtrace|__new|__alloc|__renew|_counted/.test(f));
    return own.slice(0, 2).join(" < ") || frames.slice(0, 2).join(" < ");
  };
  Error.stackTraceLimit = 30;
  const rtrace = {
    oninit: (b) => { heapBase = b; }, onalloc: (b) => live.set(b, site()), onresize: () => {}, onmove: (a, b) => { live.set(b, live.get(a)); live.delete(a); return true; },
    onfree: (b) => live.delete(b), onvisit: () => true, oncollect: () => {}, oninterrupt: () => {}, onyield: () => {},
    onstore: (p) => p, onload: (p) => p,
  };
  const mod = new WebAssembly.Module(fs.readFileSync(file));
  const inst = new WebAssembly.Instance(mod, { env: { ...host.imports, abort: () => { throw new Error("abort"); } }, rtrace });
  ex = inst.exports;
  if (ex._start) ex._start();
  const beforeCollect = snapshot();   // with the start-up's garbage: the host's first collection is after init
  ex.__collect();
  const afterStart = snapshot();
  ex.init(1700000000000n); ex.__collect();
  ex.start(); ex.__collect();
  return { heapBase, beforeCollect, afterStart, afterBoot: snapshot() };

  function snapshot() {
    const sites = new Map();
    let total = 0, top = 0;
    for (const [b, s] of live) {
      const size = 4 + (u32(b) & ~3);
      total += size;
      top = Math.max(top, b + size);
      const e = sites.get(s) || { site: s, blocks: 0, bytes: 0, rtIds: new Set() };
      e.blocks++; e.bytes += size; e.rtIds.add(u32(b + 12));
      sites.set(s, e);
    }
    return { total, top, sites: [...sites.values()].sort((a, b) => b.bytes - a.bytes) };
  }
}

function main() {
  const args = process.argv.slice(2);
  const topAt = args.indexOf("--top");
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 40;
  const file = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--top") || path.join(ROOT, "build", "firmware.debug-rtrace.wasm");
  const r = run(file);
  for (const [name, s] of [["after _start, before any collection", r.beforeCollect], ["after _start and a collection", r.afterStart],
    ["after _start, init, start (each with its collection; the fake host's storage is empty)", r.afterBoot]]) {
    console.log(`\n${name}: ${s.total} B live in ${s.sites.reduce((a, e) => a + e.blocks, 0)} blocks; heap base ${r.heapBase}, highest block end ${s.top}`);
    console.log("| allocated by | blocks | bytes |\n|---|---:|---:|");
    for (const e of s.sites.slice(0, top)) console.log(`| ${e.site} | ${e.blocks} | ${e.bytes} |`);
  }
}

if (require.main === module) main();
module.exports = { run };
