#!/usr/bin/env node
// `make bench`: a report, not a test. Sizes of the release image, and per representative message: its size,
// decode+validate+encode time in V8 (through the image's codec self-test export, including the __collect the
// host runs after each event), and the heap high-water of that round trip (from an RTRACE build of the same
// sources, which reports every allocation to the host).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { sectionSizes } = require("../tools/wasm-sections.js");
const { createFakeHost } = require("../aspect-host.js");
const { MESSAGES, getVariablesFrame } = require("./messages.js");
const { execFileSync } = require("node:child_process");

const ROOT = path.join(__dirname, "..", "..");
const RELEASE = path.join(ROOT, "build", "firmware.wasm");
const BENCH_W3 = path.join(ROOT, "build", "c-host", "bench_wasm3");
const BENCH_DIR = path.join(ROOT, "build", "bench");

/** wasm3 (C host build): ns per operation, and callgrind's instruction count for one warm operation. */
function wasm3(args, iterations) {
  const out = execFileSync(BENCH_W3, [RELEASE, ...args, String(iterations)], { encoding: "utf8" });
  return Number(out.trim());
}
function callgrind(args) {
  const { spawnSync } = require("node:child_process");
  const r = spawnSync("valgrind", ["--tool=callgrind", "--toggle-collect=bench_op", "--callgrind-out-file=/dev/null",
    BENCH_W3, RELEASE, ...args, "1"], { encoding: "utf8" });
  const m = /Collected : (\d+)/.exec(r.stderr || "");
  return m ? Number(m[1]) : null;
}
const RTRACE = process.env.RTRACE_WASM || path.join(ROOT, "build", "firmware.rtrace.wasm");
const BLOCK_OVERHEAD = 4;

function instantiate(file, withRtrace) {
  let exportsRef = null;
  const mem = () => exportsRef.memory;
  const host = createFakeHost(mem);
  const heap = { live: 0, peak: 0, top: 0 };
  const blockSize = (block) => BLOCK_OVERHEAD + (new Uint32Array(mem().buffer, block, 1)[0] & ~3);
  const imports = {
    env: {
      ...host.imports,
      abort: (msg, file, line, col) => { throw new Error(`abort at ${line}:${col}`); },
    },
  };
  if (withRtrace) {
    const track = (delta, block) => {
      heap.live += delta;
      if (heap.live > heap.peak) heap.peak = heap.live;
      const end = block + blockSize(block);
      if (end > heap.top) heap.top = end;
    };
    imports.rtrace = {
      oninit: (heapBase) => { heap.base = heapBase; },
      onalloc: (block) => track(blockSize(block), block),
      onresize: (block, oldSize) => track(blockSize(block) - oldSize, block),
      onmove: () => true,
      onfree: (block) => track(-blockSize(block), block),
      onvisit: () => true,
      oncollect: () => {},
      oninterrupt: () => {},
      onyield: () => {},
      onstore: (ptr) => ptr,   // store/load hooks return the address to use
      onload: (ptr) => ptr,
    };
  }
  const mod = new WebAssembly.Module(fs.readFileSync(file));
  const inst = new WebAssembly.Instance(mod, imports);
  exportsRef = inst.exports;
  // The RTRACE build exports its start function so that allocations made at start-up are seen too.
  if (inst.exports._start) inst.exports._start();
  heap.startLive = heap.live;
  return { ex: inst.exports, heap };
}

function roundTrip(ex, msg) {
  const action = Buffer.from(msg.action);
  const payload = Buffer.from(JSON.stringify(msg.payload));
  const buf = new Uint8Array(ex.memory.buffer, ex.codec_buffer(), ex.codec_buffer_capacity());
  buf.set(action, 0);
  buf.set(payload, action.length);
  const n = ex.codec_roundtrip(action.length, msg.isResponse, payload.length);
  ex.__collect();
  return { n, inBytes: payload.length };
}

function timeV8(ex, msg) {
  for (let i = 0; i < 200; i++) roundTrip(ex, msg);
  const batches = [];
  for (let b = 0; b < 7; b++) {
    const iters = 300;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iters; i++) roundTrip(ex, msg);
    batches.push(Number(process.hrtime.bigint() - t0) / iters / 1000);
  }
  batches.sort((a, b) => a - b);
  return batches[3];
}

/** Full and configuration inventories through selftest_report: pages, bytes, time in V8 and wasm3, and the
 *  heap peak above what was live before (RTRACE build). */
function fullInventory(release, traced) {
  const out = [];
  for (const [name, base] of [["FullInventory", 1], ["ConfigurationInventory", 0], ["SummaryInventory", 2]]) {
    const bytes = release.ex.selftest_report(base);
    if (bytes < 0) throw new Error(`${name}: selftest_report failed`);
    const pages = release.ex.selftest_report_pages();
    release.ex.__collect();
    for (let i = 0; i < 20; i++) { release.ex.selftest_report(base); release.ex.__collect(); }
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 50; i++) { release.ex.selftest_report(base); release.ex.__collect(); }
    const us = Number(process.hrtime.bigint() - t0) / 50 / 1000;
    let peak = "";
    if (traced) {
      traced.ex.__collect();
      const before = traced.heap.live;
      traced.heap.peak = before;
      traced.ex.selftest_report(base);
      peak = traced.heap.peak - before;
      traced.ex.__collect();
    }
    const w3 = fs.existsSync(BENCH_W3) ? +(wasm3(["report", String(base)], 20) / 1000).toFixed(1) : "";
    out.push({ report: name, pages, bytes, v8_us: +us.toFixed(1), wasm3_us: w3, heap_peak_bytes: peak });
  }
  return out;
}

async function endToEnd() {
  const { measure, storageWriteFloor } = require("./e2e.js");
  const out = [await measure("node")];
  if (fs.existsSync(path.join(ROOT, "build", "c-host", "station"))) out.push(await measure("c"));
  out.push(await measure("trivial"), await measure("trivial+write"));
  // The same with the storage on tmpfs: what the station adds beyond its synced write, without the disk's variance.
  const shm = "/dev/shm";
  if (fs.existsSync(shm)) {
    for (const h of out.some((r) => r.host === "c") ? ["c", "trivial+write"] : ["trivial+write"]) {
      out.push({ ...(await measure(h, { dataParent: shm })), host: `${h}, storage on tmpfs` });
    }
  }
  const write = storageWriteFloor();
  console.log("\nEnd to end on loopback, real clock, simulated hardware (GetVariables 1 item, 300 sequential calls from an ocpp-rpc CSMS;");
  console.log("RequestStartTransaction sent → TransactionEvent(Started) received, 30 remote starts). The floor in the same run: the");
  console.log("trivial station (tests/bench/trivial-station.c, canned answers), also with one atomic synced write before its remote start's answer:");
  console.log("| station | start → BootNotification ms | request → answer p50 ms | p99 ms | remote start → Started p50 ms | p99 ms | peak RSS KiB | wasm3 compiled code B (64-bit / 32-bit MCU) |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of out) {
    console.log(`| ${r.host} | ${r.startToBootMs ?? ""} | ${r.p50Ms} | ${r.p99Ms} | ${r.remoteStartP50Ms} | ${r.remoteStartP99Ms} | ${r.peakRssKiB || ""} | ${r.codeBytes64 ? `${r.codeBytes64} / ${r.codeBytesMcu}` : ""} |`);
  }
  console.log(`One atomic synced storage write alone (temp file, fsync, rename, fsync of the directory): p50 ${write.p50Ms} ms, p99 ${write.p99Ms} ms`);
  const c = out.find((r) => r.host === "c"), t = out.find((r) => r.host === "trivial");
  const tw = out.find((r) => r.host === "trivial+write");
  if (c) {
    console.log(`C host against the trivial station: request p50 ${c.p50Ms > t.p50Ms ? "+" : ""}${(c.p50Ms - t.p50Ms).toFixed(3)} ms (goal ≤ +0.1), ` +
      `p99 ${(c.p99Ms / t.p99Ms).toFixed(1)}× (goal ≤ 2×); remote start p50 ${c.remoteStartP50Ms} ms (goal ≤ 1 ms; the trivial station ` +
      `with the same one synced write ${tw.remoteStartP50Ms} ms)`);
  }
  return { stations: out, storageWrite: write };
}

/** `make heap-suite`'s result (the heap's high-water over the scenario suite), or null when not measured. */
function readHeapSuite() {
  const file = path.join(BENCH_DIR, "heap-suite.json");
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : null;
}

async function main() {
  const rows = [];
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  if (!fs.existsSync(BENCH_W3)) console.log("(no build/c-host/bench_wasm3: wasm3 columns empty; `make bench` builds it)");
  const sizes = sectionSizes(RELEASE);
  const release = instantiate(RELEASE, false);
  const traced = fs.existsSync(RTRACE) ? instantiate(RTRACE, true) : null;
  if (!traced) console.log("(no build/firmware.rtrace.wasm: heap column empty; `make bench` builds it)");
  for (const msg of MESSAGES) {
    const r = roundTrip(release.ex, msg);
    if (r.n < 0) throw new Error(`${msg.name}: codec_roundtrip failed (${r.n})`);
    const us = timeV8(release.ex, msg);
    let peak = "";
    if (traced) {
      traced.ex.__collect();
      const before = traced.heap.live;
      traced.heap.peak = before;
      roundTrip(traced.ex, msg);
      peak = traced.heap.peak - before;
    }
    let w3 = "";
    if (fs.existsSync(BENCH_W3)) {
      const file = path.join(BENCH_DIR, `${msg.action}.json`);
      fs.writeFileSync(file, JSON.stringify(msg.payload));
      w3 = +(wasm3(["codec", msg.action, file], msg.payload.reportData ? 20 : 200) / 1000).toFixed(1);
    }
    rows.push({ message: msg.name, bytes: r.inBytes, v8_us: +us.toFixed(2), wasm3_us: w3, ratio: w3 ? +(w3 / us).toFixed(1) : "", heap_peak_bytes: peak });
  }
  const heapTop = traced ? traced.heap.top : null;
  const heapAtStart = traced ? traced.heap.startLive : null;
  console.log("\nRelease image build/firmware.wasm");
  console.log(`  file ${sizes.file} B, code section ${sizes.code} B, data segments ${sizes.data || 0} B`);
  const statics = require("../tools/data-segments.js").analyse(RELEASE);
  const literals = statics.items.filter((it) => it.text !== undefined).reduce((a, it) => a + it.span, 0);
  console.log(`  static data in linear memory ${statics.end - statics.start} B (of which string literals, UTF-16 with headers, ` +
    `${literals} B; node tests/tools/data-segments.js lists the pieces)`);
  console.log(`  linear memory: fixed ${release.ex.memory.buffer.byteLength / 1024} KiB` +
    (heapTop ? `, highest heap address touched in this run ${heapTop} B` : ""));
  if (heapAtStart !== null) console.log(`  heap allocated once at start-up (buffers, tapes, tables of state): ${heapAtStart} B`);
  const heapSuite = readHeapSuite();
  require("./heap-suite.js").report(heapSuite);
  console.log("\nPer message (decode + validate + re-encode + __collect, V8):");
  console.log("| message | bytes | V8 µs | wasm3 µs | wasm3/V8 | heap peak B |");
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const r of rows) console.log(`| ${r.message} | ${r.bytes} | ${r.v8_us} | ${r.wasm3_us} | ${r.ratio} | ${r.heap_peak_bytes} |`);
  const reports = fullInventory(release, traced);
  console.log("\nGetBaseReport FullInventory, the whole report built page by page and encoded (no network):");
  console.log("| report | pages | bytes | V8 µs | wasm3 µs | heap peak B |");
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const r of reports) console.log(`| ${r.report} | ${r.pages} | ${r.bytes} | ${r.v8_us} | ${r.wasm3_us} | ${r.heap_peak_bytes} |`);
  const handled = [];
  if (fs.existsSync(BENCH_W3)) {
    for (const n of [1, 40]) {
      const file = path.join(BENCH_DIR, `gv${n}.json`);
      fs.writeFileSync(file, JSON.stringify(getVariablesFrame(n)));
      handled.push({ what: `GetVariables, ${n} item${n > 1 ? "s" : ""}`, wasm3_us: +(wasm3(["rpc", file], 300) / 1000).toFixed(1), instructions: callgrind(["rpc", file]) });
    }
    console.log("\nCSMS request received → answer encoded (RPC decode + handler + encode + __collect), wasm3:");
    console.log("| request | wasm3 µs | instructions (callgrind) |");
    console.log("|---|---:|---:|");
    for (const h of handled) console.log(`| ${h.what} | ${h.wasm3_us} | ${h.instructions === null ? "(valgrind not found)" : h.instructions} |`);
  }
  // Issue 17's anchors: instructions per CSMS request on the C host under callgrind, against MicroOcpp (anchors.js).
  const anchors = await require("./anchors.js").run().catch((e) => ({ skipped: `failed: ${e.message}` }));
  require("./anchors.js").report(anchors);
  const e2e = await endToEnd();
  const c = e2e.stations.find((r) => r.host === "c");
  if (c) {
    const mem = release.ex.memory.buffer.byteLength;
    console.log(`\nRAM an MCU needs for wasm3 + image: linear memory ${mem} + value stack 8192 + compiled code ~${c.codeBytesMcu}` +
      ` = ~${Math.round((mem + 8192 + c.codeBytesMcu) / 1024)} KiB (goal ≤ 384 KiB)`);
  }
  // The emulated Cortex-M7 board (tests/bench/mcu.js; skipped with the reason when there is no build/mcu/station.elf).
  const mcu = await require("./mcu.js").run(BENCH_DIR);
  fs.mkdirSync(path.join(ROOT, "build"), { recursive: true });
  fs.writeFileSync(path.join(ROOT, "build", "bench.json"), JSON.stringify({ sizes, rows, reports, handled, anchors, e2e, heapTop, heapAtStart, heapSuite, staticData: statics.end - statics.start, literals, mcu }, null, 2));
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });
