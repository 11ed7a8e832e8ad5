// What the dependency checkers (as-deps.js for the image, c-deps.js for the C host) share: cycle detection on a
// module graph, and, for their tests, a scratch tree of files to check.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

/** Every cycle of graph (Map(node → Set(node))) as [a, b, ..., a], found by a depth-first walk in sorted order. */
function findCycles(graph) {
  const cycles = [], state = new Map(), stack = [];
  const visit = (n) => {
    state.set(n, 1);
    stack.push(n);
    for (const m of [...(graph.get(n) || [])].sort()) {
      if (state.get(m) === 1) cycles.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of [...graph.keys()].sort()) if (!state.has(n)) visit(n);
  return cycles;
}

/** The errors check(root) reports for a temporary tree of files ({ "relative/path": text }). */
function errorsOfTree(check, files) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "deps-"));
  try {
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      fs.writeFileSync(path.join(root, name), text);
    }
    return check(root).errors;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

module.exports = { findCycles, errorsOfTree };
