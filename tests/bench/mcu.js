// `make bench` on the emulated Cortex-M7 board (build/mcu/station.elf in QEMU mps2-an500): a report, not a test.
// - Flash by part, from the linker map (build/mcu/station.map): input sections grouped by archive.
// - Instructions of the board's work per CSMS request and per part of a charging session: QEMU runs with
//   -icount shift=0 (one guest instruction = one ns of virtual time); the board's `stats` reports work_ns, the
//   SysTick-timed work of its loop since `mark` (passes that moved a frame, an event or a send, and the clock's
//   host_tick/host_drain): lwIP, WebSocket, wasm3 and the image, from the frame's arrival to the answer's send.
//   The station runs on the virtual clock, so nothing runs between the measured frames but the board's idle loop.
// - RAM by item, from `stats` after the scripted session, and the static RAM of lwIP from the map.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { startCsms } = require("../helpers/csms.js");
const { getVariablesFrame } = require("./messages.js");

const ROOT = path.join(__dirname, "..", "..");
const ELF = path.join(ROOT, "build", "mcu", "station.elf");
const MAP = path.join(ROOT, "build", "mcu", "station.map");
const MHZ = 216;   // the STM32H7-class part the figures are turned into time for
const REPS = Number(process.env.MCU_BENCH_REPS || 10);
const SESSIONS = Number(process.env.MCU_BENCH_SESSIONS || 2);
const CHARGE_MS = 10_000;
const t0 = Date.now();
const phase = (what) => { if (process.env.MCU_BENCH_LOG) process.stderr.write(`[mcu bench ${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}\n`); };
const TOKEN = "04A1B2C3D4E5F6";
// A whole board run takes 3–5 minutes; past this it is stuck (a hung guest, an image rebuilt underneath), and the
// report says so instead of waiting forever.
const LIMIT_S = Number(process.env.MCU_BENCH_LIMIT_S || 900);

function part(file, outSec) {
  if (outSec === ".firmware") return "image (build/firmware.wasm)";
  if (/libwasm3\.a/.test(file)) return "wasm3";
  if (/liblwip\.a/.test(file)) return "lwIP";
  if (/libmbed(tls|x509|crypto)\.a/.test(file)) return "mbedTLS";
  if (/\/lib(c|m|g|gcc|nosys)\.a/.test(file)) return "newlib/libgcc";
  return "host core + board";
}

/** Flash and static RAM by part from the GNU ld map: { flash: {part: B}, ram: {part: B}, totals }. */
function mapParts(file) {
  const text = fs.readFileSync(file, "utf8");
  const lines = text.slice(text.indexOf("Linker script and memory map")).split("\n");
  const flash = {}, ram = {};
  const add = (o, k, n) => { o[k] = (o[k] || 0) + n; };
  let out = null, pending = null;
  const FLASH_OUT = new Set([".text", ".firmware", ".ARM.extab", ".ARM.exidx", ".init_array", ".preinit_array", ".fini_array"]);
  for (const line of lines) {
    const o = /^(\.[\w.]+)/.exec(line);
    if (o) { out = o[1]; pending = null; continue; }
    let m = /^ (\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line);
    if (!m && pending) {
      const n = /^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line);
      if (n) m = [null, pending, n[1], n[2], n[3]];
    }
    pending = null;
    if (!m) { const p = /^ (\.\S+|COMMON)$/.exec(line); if (p) pending = p[1]; continue; }
    if (m[1] === "*fill*") continue;
    const size = parseInt(m[3], 16);
    if (!size) continue;
    const p = part(m[4], out);
    if (FLASH_OUT.has(out)) add(flash, p, size);
    else if (out === ".data") { add(flash, p, size); add(ram, p, size); }
    else if (out === ".bss") add(ram, p, size);
  }
  return { flash, ram };
}

/** arm-none-eabi-size -A: the output sections' sizes. */
function sectionSizes() {
  const { execFileSync } = require("node:child_process");
  const out = execFileSync("arm-none-eabi-size", ["-A", ELF], { encoding: "utf8" });
  const s = {};
  for (const m of out.matchAll(/^(\.\S+)\s+(\d+)/gm)) s[m[1]] = Number(m[2]);
  return s;
}

const quiet = async (csms) => {
  for (let same = 0, n = -1; same < 3;) {
    const m = csms.rawIn.length + csms.received.length;
    same = m === n ? same + 1 : 0;
    n = m;
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** measure() within LIMIT_S seconds; past it the guest is stopped and the promise rejects. */
async function measureWithinLimit() {
  const running = { stop: null };
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => { if (running.stop) running.stop(); reject(new Error(`no result within ${LIMIT_S} s (MCU_BENCH_LIMIT_S)`)); }, LIMIT_S * 1000);
  });
  try { return await Promise.race([measure(running), limit]); } finally { clearTimeout(timer); }
}

async function measure(running) {
  const { startMcuStation } = require("../../host/node/mcu-station.js");
  const csms = await startCsms();
  const st = await startMcuStation({ csmsUrl: csms.url, stationId: "BENCHM", sim: true, icount: 0 });
  running.stop = () => { st.stop(); csms.close(); };
  const sim = st.sim;
  const advance = async (ms) => { await st.advance(ms); await quiet(csms); };
  const work = async (fn) => {
    await st.settle();
    await st.advance(0);
    await st.mark();
    const sent0 = csms.received.length;
    await fn();
    await st.settle();
    const s = await st.stats();
    const sent = {};
    for (const r of csms.received.slice(sent0)) {
      const k = r.method === "TransactionEvent" ? `TransactionEvent(${r.params.eventType})` : r.method;
      sent[k] = (sent[k] || 0) + 1;
    }
    return { instructions: s.work_ns, passes: s.work_passes, tickNs: s.tick_ns, sent };
  };
  try {
    await csms.waitFor("BootNotification", 1, 60_000);
    phase("booted");
    await advance(5000);
    const boot = await st.stats();
    // Warm-up: wasm3 compiles a function on its first call; the figures are for warm calls (the first is kept too).
    const requests = [
      { what: "GetVariables, 1 item", method: "GetVariables", params: getVariablesFrame(1)[3] },
      { what: "GetVariables, 40 items", method: "GetVariables", params: getVariablesFrame(40)[3] },
      { what: "TriggerMessage(Heartbeat) (+ the Heartbeat and its answer)", method: "TriggerMessage", params: { requestedMessage: "Heartbeat" } },
    ];
    const perRequest = [];
    for (const r of requests) {
      const first = await work(async () => { await csms.client().call(r.method, r.params); await quiet(csms); });
      for (let i = 0; i < 3; i++) await csms.client().call(r.method, r.params);
      await quiet(csms);
      const warm = await work(async () => {
        for (let i = 0; i < REPS; i++) await csms.client().call(r.method, r.params);
        await quiet(csms);
      });
      phase(r.what);
      perRequest.push({ request: r.what, passes: Math.round(warm.passes / REPS), first_call_instructions: first.instructions, instructions: Math.round(warm.instructions / REPS),
        repetitions: REPS, us_at_216mhz: +(warm.instructions / REPS / MHZ).toFixed(1) });
    }
    // Charging sessions through the simulator: cable in, card, EV ready → Started; 30 s of charging; a
    // TriggerMessage(TransactionEvent) → one Updated with the meter's values; cable out → Ended. Each part measured
    // on its own, averaged over the sessions (the first one, shorter, is a warm-up).
    const parts = { start: [], charge: [], trigger: [], end: [] };
    let sentBy = {};
    for (let i = 0; i <= SESSIONS; i++) {
      const a = await work(async () => { sim.ev(1).plug(); await advance(500); sim.reader.present(TOKEN, 400); await advance(1000); sim.ev(1).setReady(true); await advance(1500); });
      const b = await work(async () => { await advance(i === 0 ? 2000 : CHARGE_MS); });
      const t = await work(async () => { await csms.client().call("TriggerMessage", { requestedMessage: "TransactionEvent", evse: { id: 1 } }); await quiet(csms); });
      const c = await work(async () => { sim.ev(1).unplug(); await advance(500); await advance(4000); });
      phase(`session ${i}`);
      if (i === 0) continue;
      parts.start.push(a); parts.charge.push(b); parts.trigger.push(t); parts.end.push(c);
      sentBy = { start: a.sent, charge: b.sent, trigger: t.sent, end: c.sent };
    }
    const avg = (xs) => Math.round(xs.reduce((x, y) => x + y.instructions, 0) / xs.length);
    const session = [
      { part: "cable in, card, EV ready (3 s of virtual time)", key: "start" },
      { part: `charging, ${CHARGE_MS / 1000} s of virtual time (drivers, meter, timers)`, key: "charge" },
      { part: "TriggerMessage(TransactionEvent) while charging: its answer, the Updated with meter values, the Updated's answer", key: "trigger" },
      { part: "cable out (4.5 s of virtual time)", key: "end" },
    ].map(({ part: p, key }) => {
      const ins = avg(parts[key]);
      const te = Object.entries(sentBy[key]).filter(([k]) => k.startsWith("TransactionEvent")).reduce((a, [, v]) => a + v, 0);
      return { part: p, sent: sentBy[key], instructions: ins, passes: Math.round(parts[key].reduce((x, y) => x + y.passes, 0) / parts[key].length), per_transaction_event: te ? Math.round(ins / te) : null,
        ms_at_216mhz: +(ins / MHZ / 1000).toFixed(2) };
    });
    const charge = session.find((r) => r.part.startsWith("charging"));
    charge.per_second = Math.round(charge.instructions / (CHARGE_MS / 1000));
    const stats = await st.stats();
    return { perRequest, session, stats, sessions: SESSIONS, bootCodeLines: boot.code_lines };
  } finally {
    st.stop();
    csms.close();
  }
}

function fmt(n) { return typeof n === "number" ? n.toLocaleString("en-US").replace(/,/g, " ") : String(n); }

async function run(benchDir) {
  if (!fs.existsSync(ELF)) { console.log("\nOn the board: skipped (no build/mcu/station.elf; `make mcu` builds it)"); return null; }
  const { execFileSync } = require("node:child_process");
  try { execFileSync("qemu-system-arm", ["--version"]); } catch { console.log("\nOn the board: skipped (qemu-system-arm not found)"); return null; }
  if (fs.statSync(ELF).mtimeMs < fs.statSync(path.join(ROOT, "build", "firmware.wasm")).mtimeMs) {
    console.log("\nOn the board: skipped (build/mcu/station.elf is older than build/firmware.wasm; `make mcu` links it again)");
    return null;
  }
  const sizes = sectionSizes();
  const { flash, ram } = mapParts(MAP);
  const flashTotal = sizes[".text"] + sizes[".firmware"] + (sizes[".ARM.exidx"] || 0) + (sizes[".init_array"] || 0) + sizes[".data"];
  const counted = Object.values(flash).reduce((a, b) => a + b, 0);
  console.log("\nOn the board (emulated Cortex-M7, QEMU mps2-an500), flash by part (linker map):");
  console.log("| part | bytes |");
  console.log("|---|---:|");
  const flashRows = Object.entries(flash).sort((a, b) => b[1] - a[1]).map(([p, b]) => ({ part: p, bytes: b }));
  flashRows.push({ part: "alignment and fill", bytes: flashTotal - counted });
  for (const r of flashRows) console.log(`| ${r.part} | ${fmt(r.bytes)} |`);
  console.log(`| **total** (.text + .firmware + .data's load image) | **${fmt(flashTotal)}** |`);

  let m;
  try { m = await measureWithinLimit(); } catch (e) { console.log(`\nOn the board: no figures (${e.message})`); return null; }
  const s = m.stats;
  console.log(`\nInstructions of the board's work (QEMU -icount shift=0; SysTick at 25 MHz: resolution ${s.tick_ns} instructions), ` +
    `frame in → answer sent, lwIP + WebSocket + wasm3 + image; time on a ${MHZ} MHz Cortex-M7 at 1 instruction per cycle (optimistic):`);
  console.log("| CSMS request | instructions (warm, mean of " + REPS + ") | first call | µs at 216 MHz |");
  console.log("|---|---:|---:|---:|");
  for (const r of m.perRequest) console.log(`| ${r.request} | ${fmt(r.instructions)} | ${fmt(r.first_call_instructions)} | ${r.us_at_216mhz} |`);
  console.log(`\nA charging session through the simulator (mean of ${m.sessions}; everything the board did in each part, timers included):`);
  console.log("| part | sent by the station | instructions | ÷ TransactionEvents sent | ms at 216 MHz |");
  console.log("|---|---|---:|---:|---:|");
  for (const r of m.session) {
    const sent = Object.entries(r.sent).map(([k, v]) => `${k} ×${v}`).join(", ");
    console.log(`| ${r.part} | ${sent} | ${fmt(r.instructions)} | ${r.per_transaction_event === null ? "–" : fmt(r.per_transaction_event)} | ${r.ms_at_216mhz} |`);
  }

  const linear = s.linear_memory, code = s.code_lines_allocated * s.code_line_bytes, vstack = s.value_stack;
  const staticRam = sizes[".data"] + sizes[".bss"];
  const lwip = ram.lwIP || 0;
  const tlsHeap = s.tls_heap_size || 0;
  const ramRows = [
    { item: "linear memory (fixed)", bytes: linear },
    { item: `wasm3 compiled code, pages allocated (${fmt(s.code_lines_allocated)} slots of ${s.code_line_bytes} B; ${fmt(s.code_lines)} used, ${fmt(m.bootCodeLines)} after boot)`, bytes: code },
    { item: "wasm3 value stack", bytes: vstack },
    { item: "rest of the heap in use (wasm3 runtime and module, queued events, malloc overhead)", bytes: s.heap_in_use - linear - code - vstack },
    { item: "lwIP pools and heap (.bss)", bytes: lwip },
    { item: `mbedTLS heap (fixed buffer; peak in this plain-TCP run ${fmt(s.tls_heap_peak || 0)})`, bytes: tlsHeap },
    { item: `record store index (${s.kv_index_bytes / 8} keys × 8 B)`, bytes: s.kv_index_bytes },
    { item: "rest of .data + .bss (the core's context and event queue, UART rings, control buffers, the network's other state, newlib)", bytes: staticRam - lwip - tlsHeap - s.kv_index_bytes },
    { item: `C stack high-water (of ${fmt(s.c_stack_size)})`, bytes: s.c_stack_used },
  ];
  const total = ramRows.reduce((a, r) => a + r.bytes, 0);
  const charge = m.session.find((r) => r.part.startsWith("charging"));
  console.log(`Charging costs ${fmt(charge.per_second)} instructions per second of virtual time: ${(charge.per_second / MHZ / 1e4).toFixed(1)} % of a ${MHZ} MHz core.`);
  console.log(`\nRAM by item after boot, the requests above and ${m.sessions + 1} charging sessions (stats; heap high-water ${fmt(s.heap_high_water)}):`);
  console.log("| item | bytes |");
  console.log("|---|---:|");
  for (const r of ramRows) console.log(`| ${r.item} | ${fmt(r.bytes)} |`);
  console.log(`| **total** | **${fmt(total)}** |`);
  const out = { flash: flashRows, flashTotal, sections: sizes, requests: m.perRequest, session: m.session, ram: ramRows, ramTotal: total, stats: s, mhz: MHZ };
  fs.writeFileSync(path.join(benchDir, "mcu.json"), JSON.stringify(out, null, 2));
  return out;
}

module.exports = { run, mapParts };

if (require.main === module) {
  const dir = path.join(ROOT, "build", "bench");
  fs.mkdirSync(dir, { recursive: true });
  run(dir).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
}
