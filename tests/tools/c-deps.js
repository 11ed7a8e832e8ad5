// Dependency rules of the C host (docs/porting.md): modules are a .c and its .h; includes and calls point one
// way, port → core → hal.h, with no cycle; each header declares only what its own .c defines (so a module cannot
// lean on another's code without including its header); hal.h is supplied by the port, never by the core;
// wasm3 internals (m3_*.h) are included by one file at most.
//   node tests/tools/c-deps.js [dir]   prints the violations; exit status 1 if there are any.
"use strict";
const { findCycles } = require("./dep-graph.js");
const fs = require("node:fs");
const path = require("node:path");

// Which layers each layer may include (the first folder of a path; "hal" is hal.h at the root).
const LAYERS = {
  hal: [],
  shared: ["shared"],
  core: ["core", "hal"],
  posix: ["posix", "core", "shared", "hal"],
  mcu: ["mcu", "core", "shared", "hal"],
  // tests: and the board's modules without board registers, which build on the host (mcu/slcan.c: test_slcan).
  tests: ["tests", "posix", "mcu", "core", "shared", "hal"],
};

const layerOf = (rel) => (rel.includes("/") ? rel.split("/")[0] : path.basename(rel, path.extname(rel)));
const moduleOf = (rel) => rel.replace(/\.[ch]$/, "");

function sources(root, dir = root) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(root, p));
    else if (/\.[ch]$/.test(e.name)) out.push(path.relative(root, p).split(path.sep).join("/"));
  }
  return out.sort();
}

const stripComments = (text) => text.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\/\/[^\n]*/g, " ");

// Quote includes resolve next to the including file first, then from the root (the build's -Ihost/c).
function includes(root, rel, text) {
  const found = [];
  for (const m of text.matchAll(/^\s*#\s*include\s*"([^"]+)"/gm)) {
    const name = m[1];
    const local = path.posix.normalize(path.posix.join(path.posix.dirname(rel), name));
    if (fs.existsSync(path.join(root, local))) found.push({ name, file: local });
    else if (fs.existsSync(path.join(root, name))) found.push({ name, file: path.posix.normalize(name) });
    else found.push({ name, file: null });   // outside the tree (wasm3)
  }
  return found;
}

// Top-level statements and definitions of a C file, preprocessor lines and comments removed.
function topLevel(text) {
  const src = stripComments(text).replace(/^\s*#.*(?:\\\n.*)*$/gm, " ");
  const decls = [], defs = [], local = [];
  let depth = 0, start = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "{") {
      if (depth === 0) {
        const head = src.slice(start, i).replace(/\s+/g, " ").trim();
        const m = /^(?!typedef\b|struct\b|enum\b|union\b)[\w\s*]*?\b(\w+)\s*\([^;=]*\)$/.exec(head);
        if (m && !/^static\b/.test(head)) defs.push(m[1]);
        if (m) local.push(m[1]);
      }
      depth++;
    } else if (c === "}") {
      depth--;
      if (depth === 0) start = i + 1;
    } else if (c === ";" && depth === 0) {
      const stmt = src.slice(start, i).replace(/\s+/g, " ").trim();
      const m = /^(?!static\b|typedef\b)(?:extern )?[\w\s*]*?\b(\w+)\s*\([^()]*(?:\([^()]*\)[^()]*)*\)$/.exec(stmt);
      if (m) decls.push(m[1]);
      start = i + 1;
    }
  }
  const calls = [...new Set([...src.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]))];
  return { decls, defs, local, calls };
}

/** Returns { errors: [text], graph: Map(module → Set(module)) } for the C tree at root. */
function check(root, layers = LAYERS) {
  const errors = [], graph = new Map(), defined = new Map(), internals = [];
  const files = sources(root);
  const texts = new Map(files.map((f) => [f, fs.readFileSync(path.join(root, f), "utf8")]));
  for (const f of files) {
    graph.set(moduleOf(f), graph.get(moduleOf(f)) || new Set());
    if (f.endsWith(".c")) for (const d of topLevel(texts.get(f)).defs) defined.set(d, [...(defined.get(d) || []), f]);
  }
  for (const f of files) {
    const from = layerOf(f);
    const allowed = layers[from];
    if (!allowed) { errors.push(`${f}: in no layer (${Object.keys(layers).join(", ")})`); continue; }
    for (const inc of includes(root, f, stripComments(texts.get(f)))) {
      if (!inc.file) { if (/^m3_/.test(path.posix.basename(inc.name))) internals.push(f); continue; }
      const to = layerOf(inc.file);
      if (!allowed.includes(to)) errors.push(`${f}: includes ${inc.file} (${from} may include ${allowed.join(", ") || "nothing"})`);
      if (moduleOf(inc.file) !== moduleOf(f)) graph.get(moduleOf(f)).add(moduleOf(inc.file));
    }
  }
  // Calls are dependencies too, whatever the includes say: a call goes to the module that defines the function,
  // except for the HAL's functions, which belong to hal.h (the port defines them for the core to call).
  const halDecls = new Set(files.filter((f) => layerOf(f) === "hal").flatMap((f) => topLevel(texts.get(f)).decls));
  for (const f of files.filter((x) => x.endsWith(".c"))) {
    const { calls, local } = topLevel(texts.get(f));
    for (const name of calls) {
      if (local.includes(name) || name === "main") continue;   // every program has its own entry point
      const to = halDecls.has(name) ? ["hal"] : (defined.get(name) || []).map(moduleOf);
      for (const m of to) {
        if (m === moduleOf(f) || !graph.has(m)) continue;
        graph.get(moduleOf(f)).add(m);
        const allowed = layers[layerOf(f)] || [];
        if (!allowed.includes(layerOf(m))) errors.push(`${f}: calls ${name} of ${m} (${layerOf(f)} may use ${allowed.join(", ") || "nothing"})`);
      }
    }
  }
  for (const c of findCycles(graph)) errors.push(`dependency cycle: ${c.join(" → ")}`);
  if (internals.length > 1) errors.push(`wasm3 internals included by ${internals.length} files: ${internals.join(", ")}`);
  // A header declares the functions of its own module; hal.h those of the port, which the core never defines.
  for (const f of files.filter((x) => x.endsWith(".h"))) {
    const own = f.replace(/\.h$/, ".c");
    for (const name of topLevel(texts.get(f)).decls) {
      const where = defined.get(name) || [];
      if (layerOf(f) === "hal") {
        const bad = where.filter((w) => ["core", "shared"].includes(layerOf(w)));
        if (bad.length) errors.push(`${f}: ${name} is defined by ${bad.join(", ")}; the HAL is the port's`);
      } else if (where.some((w) => w !== own && layerOf(w) !== "tests")) {
        errors.push(`${f}: declares ${name}, defined in ${where.join(", ")}, not in ${own}`);
      }
    }
  }
  return { errors, graph };
}

module.exports = { check, LAYERS };

if (require.main === module) {
  const root = process.argv[2] || path.join(__dirname, "..", "..", "host", "c");
  const { errors } = check(root);
  for (const e of errors) console.log(e);
  if (errors.length) process.exit(1);
  console.log(`${sources(root).length} files: no dependency cycle, layers respected`);
}
