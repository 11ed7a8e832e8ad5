// The C host's dependency rules (tests/tools/c-deps.js, docs/porting.md): the tree passes, and each rule fails on
// a small tree that breaks it.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { check } = require("./tools/c-deps.js");
const { errorsOfTree } = require("./tools/dep-graph.js");

const errorsOf = (files) => errorsOfTree(check, files);

test("host/c: no dependency cycle, includes point port → core → hal.h, wasm3 internals in one file", () => {
  const { errors, graph } = check(path.join(__dirname, "..", "host", "c"));
  assert.deepEqual(errors, []);
  for (const [from, to] of graph) {
    if (from.startsWith("core/")) for (const m of to) assert.match(m, /^(core\/|hal$)/, `${from} uses ${m}`);
  }
});

test("a cycle of includes is found", () => {
  const errors = errorsOf({ "hal.h": "", "core/a.h": '#include "b.h"\n', "core/b.h": '#include "a.h"\n' });
  assert.ok(errors.some((e) => /^dependency cycle: core\/a → core\/b → core\/a$/.test(e)), errors.join("\n"));
});

test("a cycle of calls is found, even when one header declares everything", () => {
  const errors = errorsOf({
    "hal.h": "",
    "core/all.h": "void a_run(void);\nvoid b_run(void);\n",
    "core/a.c": '#include "all.h"\nvoid a_run(void) { b_run(); }\n',
    "core/b.c": '#include "all.h"\nvoid b_run(void) { a_run(); }\n',
  });
  assert.ok(errors.some((e) => /^dependency cycle: core\/a → core\/b → core\/a$/.test(e)), errors.join("\n"));
  assert.ok(errors.some((e) => /core\/all\.h: declares a_run, defined in core\/a\.c, not in core\/all\.c/.test(e)));
});

test("the core may not include or call the port, nor define the HAL; wasm3 internals stay in one file", () => {
  const errors = errorsOf({
    "hal.h": "int hal_now(void);\n",
    "core/x.c": '#include "posix/y.h"\n#include "m3_env.h"\nint hal_now(void) { return y_get(); }\n',
    "core/z.c": '#include "m3_exec.h"\n',
    "posix/y.h": "int y_get(void);\n",
    "posix/y.c": '#include "y.h"\nint y_get(void) { return 1; }\n',
  });
  assert.ok(errors.includes("core/x.c: includes posix/y.h (core may include core, hal)"), errors.join("\n"));
  assert.ok(errors.includes("core/x.c: calls y_get of posix/y (core may use core, hal)"), errors.join("\n"));
  assert.ok(errors.includes("hal.h: hal_now is defined by core/x.c; the HAL is the port's"), errors.join("\n"));
  assert.ok(errors.some((e) => /^wasm3 internals included by 2 files/.test(e)), errors.join("\n"));
});
