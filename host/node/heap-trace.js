// The heap's high-water over a test run (issue 17 item 2: `make bench` reports it over the whole scenario suite).
// With HEAP_HIGH_WATER=<file> in the environment, a Host that runs the factory image runs build/firmware.rtrace.wasm
// instead (the release build with AssemblyScript's RTRACE hooks, which report every allocation) and keeps the end of
// the highest block ever allocated; when the process exits, one JSON line per station is appended to <file>:
//   { "file": "tests/x.test.js", "site": "tests/x.test.js:123", "top": <byte address>, "memory": <linear memory B> }
// `site` is the test's line that started the station. tests/bench/heap-suite.js aggregates the lines.
// Without the variable nothing changes. Images loaded from firmware slots are traced too when they have the hooks.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { makeEnv, ABI_VERSION } = require("./image.js");

const ROOT = path.join(__dirname, "..", "..");
// HEAP_TRACE_WASM: another traced build, e.g. a debug one whose function names then show in "by" (the allocation
// that set the high-water: the image's functions on the stack, innermost first).
const RTRACE_WASM = process.env.HEAP_TRACE_WASM || path.join(ROOT, "build", "firmware.rtrace.wasm");
const BLOCK_OVERHEAD = 4;   // ~lib/rt/common.ts: mmInfo before a block's payload

const DETAIL = !!process.env.HEAP_TRACE_DETAIL;
const records = [];
let hooked = false;

function enabled() { return !!process.env.HEAP_HIGH_WATER; }

/** The first frame of the caller's stack inside a test file (file:line), or the script. */
function testSite() {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  const stack = new Error().stack.split("\n");
  Error.stackTraceLimit = saved;
  // The outermost frame in a test file: the test's own body (inner ones are the file's helpers).
  let site = null;
  for (const line of stack) {
    const m = /\(?([^\s()]+\.test\.js):(\d+):\d+\)?$/.exec(line);
    if (m) site = `${path.relative(ROOT, m[1])}:${m[2]}`;
  }
  return site || path.relative(ROOT, process.argv[1] || "?");
}

/** The image's functions on the stack of an allocation, innermost first, without the runtime's. */
function allocationSite() {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 12;
  const frames = new Error().stack.split("\n").map((l) => (/at (\S+) \(wasm/.exec(l) || [])[1]).filter(Boolean);
  Error.stackTraceLimit = saved;
  return frames.filter((f) => !/~lib\/rt|__new|__renew|_counted|~lib\/arraybuffer|~lib\/array\//.test(f)).slice(0, 4).join(" < ");
}

function flush() {
  if (!records.length) return;
  const lines = records.filter((r) => r.max > 0)
    .map((r) => JSON.stringify({ file: r.file, site: r.site, top: r.max, by: r.by, memory: r.memory, live: r.live })).join("\n");
  if (lines) fs.appendFileSync(process.env.HEAP_HIGH_WATER, lines + "\n");
  records.length = 0;
}

/** A station's record: top (the highest block end, which a test may reset to 0 to measure a phase), max (never reset:
 *  what the suite's aggregate takes), by, memory. Written out at exit when HEAP_HIGH_WATER is set. */
function newRecord() {
  const record = { file: path.relative(ROOT, process.argv[1] || "?"), site: testSite(), top: 0, max: 0, by: "", memory: 0 };
  if (enabled()) {
    records.push(record);
    if (!hooked) { hooked = true; process.on("exit", flush); }
  }
  return record;
}

/** The Node host's instantiate (./image.js) with AssemblyScript's RTRACE hooks, keeping `record` up to date. */
function tracedInstantiate(record) {
  return (module, host) => {
    let ex = null;
    const size = (block) => BLOCK_OVERHEAD + (new Uint32Array(ex.memory.buffer, block, 1)[0] & ~3);
    // HEAP_TRACE_DETAIL=1 (with a debug build): what was live at the high-water, by allocating function.
    const live = DETAIL ? new Map() : null;
    const track = (block) => {
      const end = block + size(block);
      if (live) live.set(block, allocationSite());
      if (end > record.top) record.top = end;
      if (end > record.max) {
        record.by = live ? live.get(block) : allocationSite();
        if (live && end > record.max + 256) record.live = liveBySite(live, size);
        record.max = end;
      }
    };
    const free = (block) => { if (live) live.delete(block); };
    const rtrace = {
      oninit: () => {}, onalloc: track, onresize: track, onmove: () => true, onfree: free, onvisit: () => true,
      oncollect: () => {}, oninterrupt: () => {}, onyield: () => {}, onstore: (p) => p, onload: (p) => p,
    };
    const inst = new WebAssembly.Instance(module, { env: makeEnv(host, () => ex), rtrace });
    ex = inst.exports;
    if (ex._start) ex._start();   // the RTRACE build exports its start function so that start-up is traced
    const version = typeof ex.abi_version === "function" ? ex.abi_version() : -1;
    if (version !== ABI_VERSION) throw new Error(`image ABI version ${version} is not supported (want ${ABI_VERSION})`);
    record.memory = ex.memory.buffer.byteLength;
    return { exports: ex, mem: () => new Uint8Array(ex.memory.buffer) };
  };
}

/** Live bytes by allocating function, largest first (the first 25). */
function liveBySite(live, size) {
  const by = new Map();
  for (const [block, site] of live) by.set(site, (by.get(site) || 0) + size(block));
  return [...by].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([site, bytes]) => ({ site, bytes }));
}

/** The traced build, compiled. */
function tracedModule() {
  if (!fs.existsSync(RTRACE_WASM)) throw new Error(`${RTRACE_WASM} missing (make build/firmware.rtrace.wasm)`);
  return new WebAssembly.Module(fs.readFileSync(RTRACE_WASM));
}

/** For a Host without its own module or instantiate: { module, instantiate } that trace the heap, or null. */
function tracedImage() {
  if (!enabled()) return null;
  return { module: tracedModule(), instantiate: tracedInstantiate(newRecord()) };
}

module.exports = { tracedImage, tracedInstantiate, tracedModule, newRecord, enabled, RTRACE_WASM };
