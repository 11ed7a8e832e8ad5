// Dependency rules of the image (docs/architecture.md "Layers"): imports point down, station → blocks → core →
// rpc, ws, http, ocpp, hardware → util → host; nothing imports station/ except the entry points (index.ts, selftest.ts);
// a block never imports another block (it asks through a narrow interface in core/); the hardware drivers know no
// OCPP; core/limits.ts is a leaf every layer may read; and there is no import cycle between files. Every folder
// that is not a layer below is a functional block.
//   node tests/tools/as-deps.js [dir]   prints the violations; exit status 1 if there are any.
"use strict";
const { findCycles } = require("./dep-graph.js");
const fs = require("node:fs");
const path = require("node:path");

const BELOW_CORE = ["rpc", "ws", "http", "ocpp", "hardware", "util", "host"];

// Which layers each layer may import (the first folder of a path; "entry" is a file at the root). "*" is every
// layer and every block. Any other folder is a functional block: it may import itself, core/ and what is below,
// so a new block needs no entry here.
const LAYERS = {
  entry: ["*"],
  station: ["*"],
  core: ["core", ...BELOW_CORE],
  rpc: ["rpc", "ws", "ocpp", "util", "host"],
  ws: ["ws", "util", "host"],
  http: ["http", "util", "host"],
  ocpp: ["ocpp", "util", "host"],
  hardware: ["hardware", "util", "host"],
  util: ["util", "host"],
  host: ["host"],
};
/** Files any layer may import; they import nothing themselves. */
const LEAVES = ["core/limits.ts"];

const layerOf = (rel) => (rel.includes("/") ? rel.split("/")[0] : "entry");

function sources(root, dir = root) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== "__tests__") out.push(...sources(root, p)); }
    else if (e.name.endsWith(".ts")) out.push(path.relative(root, p).split(path.sep).join("/"));
  }
  return out.sort();
}

const stripComments = (text) => text.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\/\/[^\n]*/g, " ");

/** The files a module imports or re-exports from (relative specifiers only; others are outside the tree). */
function imports(root, rel, text) {
  const found = [];
  for (const m of stripComments(text).matchAll(/\b(?:import|export)\b[^;"']*?\bfrom\s*["']([^"']+)["']|\bimport\s*["']([^"']+)["']/g)) {
    const spec = m[1] || m[2];
    if (!spec.startsWith(".")) continue;
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec));
    const file = [base + ".ts", base + "/index.ts", base].find((f) => fs.existsSync(path.join(root, f)) && f.endsWith(".ts"));
    found.push({ spec, file: file || null });
  }
  return found;
}

/** Returns { errors: [text], graph: Map(file → Set(file)) } for the AssemblyScript tree at root. */
function check(root, layers = LAYERS, leaves = LEAVES) {
  const errors = [], graph = new Map();
  const files = sources(root);
  for (const f of files) {
    graph.set(f, new Set());
    const from = layerOf(f);
    const allowed = layers[from] || [from, ...layers.core];
    for (const imp of imports(root, f, fs.readFileSync(path.join(root, f), "utf8"))) {
      if (!imp.file) { errors.push(`${f}: imports ${imp.spec}, which is not in the tree`); continue; }
      graph.get(f).add(imp.file);
      if (leaves.includes(f)) { errors.push(`${f}: imports ${imp.file} (a leaf imports nothing)`); continue; }
      if (leaves.includes(imp.file)) continue;
      const to = layerOf(imp.file);
      if (allowed.includes("*") ? to === "entry" && from !== "entry" : !allowed.includes(to)) errors.push(`${f}: imports ${imp.file} (${from} may import ${allowed.join(", ")})`);
    }
  }
  for (const c of findCycles(graph)) errors.push(`import cycle: ${c.join(" → ")}`);
  return { errors, graph };
}

module.exports = { check, LAYERS, LEAVES };

if (require.main === module) {
  const root = process.argv[2] || path.join(__dirname, "..", "..", "assembly");
  const { errors } = check(root);
  for (const e of errors) console.log(e);
  if (errors.length) process.exit(1);
  console.log(`${sources(root).length} files: no import cycle, imports point down, no block imports another`);
}
