#!/usr/bin/env node
// The heap's high-water over the whole scenario suite (issue 17 item 2), for `make bench`:
//   node tests/bench/heap-suite.js FILE...        runs the files on the Node host (one at a time) with
//                                                  HEAP_HIGH_WATER set (host/node/heap-trace.js), then aggregates
//   node tests/bench/heap-suite.js --report       prints the last result (build/bench/heap-suite.json)
// The figure is the highest heap address any station of any test reached (the end of the highest block the
// allocator ever handed out, RTRACE build): with the data segment below it and the shadow stack below that, it is
// the linear memory the image needs. The test that reached it is named by its file, line and title.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const ROOT = path.join(__dirname, "..", "..");
const OUT_DIR = path.join(ROOT, "build", "bench");
const LINES = path.join(OUT_DIR, "heap-suite.jsonl");
const RESULT = path.join(OUT_DIR, "heap-suite.json");

/** The title of the test around file:line (the nearest `test(` / `it(` above it with a string title). */
function testTitle(site) {
  const m = /^(.*):(\d+)$/.exec(site);
  if (!m) return "";
  let lines;
  try { lines = fs.readFileSync(path.join(ROOT, m[1]), "utf8").split("\n"); } catch { return ""; }
  for (let i = Number(m[2]) - 1; i >= 0; i--) {
    const t = /\b(?:test|it)\(\s*(`[^`]*`|"[^"]*"|'[^']*')/.exec(lines[i]);
    if (t) return t[1].slice(1, -1).replace("${HOST}", "node");
  }
  return "";
}

function aggregate(records, files, failed) {
  const byFile = new Map();
  for (const r of records) {
    const f = byFile.get(r.file) || { file: r.file, stations: 0, top: 0, site: "" };
    f.stations++;
    if (r.top > f.top) { f.top = r.top; f.site = r.site; f.by = r.by; }
    byFile.set(r.file, f);
  }
  const perFile = [...byFile.values()].sort((a, b) => b.top - a.top);
  const max = perFile[0] || null;
  return {
    files: files.length, stations: records.length, failedFiles: failed,
    memory: records.length ? records[0].memory : 0,
    top: max ? max.top : 0, site: max ? max.site : "", title: max ? testTitle(max.site) : "", by: max ? max.by : "",
    perFile: perFile.map((f) => ({ ...f, title: testTitle(f.site) })),
  };
}

function report(r) {
  if (!r) { console.log("\nHeap high-water over the scenario suite: not measured (make heap-suite)"); return; }
  console.log(`\nHeap high-water over the scenario suite (Node host, RTRACE build; ${r.files} files, ${r.stations} stations` +
    `${r.failedFiles.length ? `; files with failures: ${r.failedFiles.join(", ")}` : ""}):`);
  console.log(`  highest heap address ${r.top} B of ${r.memory} B linear memory (${r.memory - r.top} B spare), ` +
    `reached by ${r.site}${r.title ? ` "${r.title}"` : ""}`);
  console.log("| file | stations | highest heap address | test |\n|---|---:|---:|---|");
  for (const f of r.perFile.slice(0, 8)) console.log(`| ${f.file} | ${f.stations} | ${f.top} | ${f.site.replace(/^.*:/, "line ")} ${f.title} |`);
}

function main() {
  const args = process.argv.slice(2);
  if (args[0] === "--report") { report(fs.existsSync(RESULT) ? JSON.parse(fs.readFileSync(RESULT, "utf8")) : null); return; }
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.rmSync(LINES, { force: true });
  const failed = [];
  for (const file of args) {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ["--test", "--test-concurrency=1", file], {
      cwd: ROOT, encoding: "utf8", env: { ...process.env, STATION_HOST: "node", HEAP_HIGH_WATER: LINES }, maxBuffer: 64 << 20,
    });
    const m = /# fail (\d+)/.exec(r.stdout || "");
    const ok = r.status === 0;
    if (!ok) failed.push(file);
    console.log(`${ok ? "ok  " : "FAIL"} ${file} (${((Date.now() - t0) / 1000).toFixed(0)} s${m && m[1] !== "0" ? `, ${m[1]} failed` : ""})`);
  }
  const records = fs.existsSync(LINES)
    ? fs.readFileSync(LINES, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
  const r = aggregate(records, args, failed);
  fs.writeFileSync(RESULT, JSON.stringify(r, null, 2));
  report(r);
}

if (require.main === module) main();
module.exports = { aggregate, report };
