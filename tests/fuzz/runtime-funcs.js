// The runtime's functions in wasm2c's translation of the image (build/fuzz/firmware.c): every function the
// exports __collect and __new reach (mark, sweep, visitors, the allocator), as a clang sanitizer-coverage
// ignorelist. Coverage there says how big the heap is, not which of the image's paths ran: it is noise to the
// fuzzer, and the collection's comparisons were a fifth of its time (docs/bench.md "Fuzzing").
//   node tests/fuzz/runtime-funcs.js build/fuzz/firmware.c OUT
"use strict";
const fs = require("node:fs");

const [src, out] = process.argv.slice(2);
const text = fs.readFileSync(src, "utf8");
const bodies = new Map();
for (const m of text.matchAll(/^static [^\n;]*?\b(w2c_\w+)\([^\n]*\) \{\n([\s\S]*?)\n\}\n/gm)) bodies.set(m[1], m[2]);
const roots = ["w2c___collect", "w2c___new"].filter((f) => bodies.has(f));
if (roots.length !== 2) throw new Error(`${src}: w2c___collect or w2c___new not found`);
const seen = new Set();
const todo = [...roots];
while (todo.length) {
  const f = todo.pop();
  if (seen.has(f)) continue;
  seen.add(f);
  for (const m of bodies.get(f).matchAll(/\b(w2c_\w+)\(/g)) if (bodies.has(m[1]) && !seen.has(m[1])) todo.push(m[1]);
}
fs.writeFileSync(out, [...seen].sort().map((f) => `fun:${f}\n`).join(""));
console.log(`runtime-funcs: ${seen.size} of ${bodies.size} functions left without coverage`);
