#!/usr/bin/env node
// Build gate: the image may use only what wasm3 v0.5.0 executes — MVP plus sign-ext,
// non-trapping float-to-int, mutable globals and the bulk-memory copy/fill pair
// (wasm3 lacks memory.init, data.drop and the table ops of the bulk-memory proposal).
// And the linear memory is fixed (maximum = initial, issue 17): a memory.grow can never succeed, so an image that
// runs out of memory traps in its allocator and every test on every host sees it.
"use strict";
const { execFileSync } = require("node:child_process");
const path = require("node:path");

const wasmOpt = path.join(__dirname, "..", "..", "node_modules", ".bin", "wasm-opt");
const FEATURES = ["--mvp-features", "--enable-sign-ext", "--enable-nontrapping-float-to-int",
  "--enable-bulk-memory", "--enable-mutable-globals"];
const FORBIDDEN = /\b(memory\.init|data\.drop|table\.(init|copy|grow|fill|size|get|set)|elem\.drop|return_call\w*|v128\.\w+|ref\.\w+|try|throw|atomic\.\w+)\b/;

let failed = false;
for (const file of process.argv.slice(2)) {
  let text;
  try {
    text = execFileSync(wasmOpt, [file, ...FEATURES, "--print"], { encoding: "utf8", maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    console.error(`feature gate: ${file} uses a WebAssembly feature wasm3 v0.5.0 lacks:\n${e.stderr || e.message}`);
    failed = true;
    continue;
  }
  const mem = /^\s*\(memory \$\S+ (\d+)(?: (\d+))?\)/m.exec(text);
  if (!mem || mem[2] !== mem[1]) {
    console.error(`feature gate: ${file}: the linear memory must be fixed (maximum = initial pages): ${mem ? mem[0].trim() : "no memory"}`);
    failed = true;
    continue;
  }
  const bad = text.split("\n").find((l) => FORBIDDEN.test(l.replace(/\$[^\s)]+/g, "").replace(/"[^"]*"/g, "")));
  if (bad) {
    console.error(`feature gate: ${file} contains an instruction wasm3 v0.5.0 lacks: ${bad.trim()}`);
    failed = true;
  } else {
    console.log(`feature gate: ${file} ok (MVP + sign-ext + nontrapping-f2i + bulk copy/fill + mutable-globals; memory fixed at ${mem[1]} pages)`);
  }
}
process.exit(failed ? 1 : 0);
