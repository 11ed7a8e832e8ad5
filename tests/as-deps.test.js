// The image's dependency rules (tests/tools/as-deps.js, docs/architecture.md "Layers"): the tree passes, and each
// rule fails on a small tree that breaks it.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { check } = require("./tools/as-deps.js");
const { errorsOfTree } = require("./tools/dep-graph.js");

const errorsOf = (files) => errorsOfTree(check, files);

test("assembly/: no import cycle, imports point down, only the entry points import station/", () => {
  const { errors, graph } = check(path.join(__dirname, "..", "assembly"));
  assert.deepEqual(errors, []);
  for (const [from, to] of graph) {
    for (const m of to) if (m.startsWith("station/")) assert.match(from, /^(station\/|index\.ts$|selftest\.ts$)/, `${from} imports ${m}`);
  }
});

test("a cycle of imports is found, also inside one folder", () => {
  const errors = errorsOf({
    "station/station.ts": 'import { b } from "./status";\nexport const a = 1;\n',
    "station/status.ts": 'import { a } from "./station";\nexport const b = 2;\n',
  });
  assert.ok(errors.includes("import cycle: station/station.ts → station/status.ts → station/station.ts"), errors.join("\n"));
});

test("a block importing the station or another block is refused; the entry point may import the station", () => {
  const errors = errorsOf({
    "index.ts": 'import { station } from "./station/station";\n',
    "station/station.ts": 'import { Remote } from "../remote/remote";\nexport const station = 1;\n',
    "remote/remote.ts": 'import { station } from "../station/station";\nimport { Tx } from "../transactions/tx";\nexport class Remote {}\n',
    "transactions/tx.ts": "export class Tx {}\n",
  });
  assert.ok(errors.some((e) => /^remote\/remote\.ts: imports station\/station\.ts \(remote may import remote, core, /.test(e)), errors.join("\n"));
  assert.ok(errors.some((e) => /^remote\/remote\.ts: imports transactions\/tx\.ts /.test(e)), errors.join("\n"));
  assert.ok(!errors.some((e) => /^index\.ts/.test(e)), errors.join("\n"));
});

test("imports point down: core knows no block, the drivers no OCPP; limits.ts is a leaf every layer reads", () => {
  const errors = errorsOf({
    "core/context.ts": 'import { Tx } from "../transactions/tx";\n',
    "transactions/tx.ts": 'import { MAX } from "../core/limits";\nexport class Tx {}\n',
    "hardware/reader.ts": 'import { Tape } from "../ocpp/tape";\nimport { MAX } from "../core/limits";\n',
    "ocpp/tape.ts": "export class Tape {}\n",
    "ws/frame.ts": 'import { MAX } from "../core/limits";\n',
    "core/limits.ts": 'import { Tape } from "../ocpp/tape";\nexport const MAX: i32 = 1;\n',
  });
  assert.ok(errors.some((e) => /^core\/context\.ts: imports transactions\/tx\.ts \(core may import core, rpc/.test(e)), errors.join("\n"));
  assert.ok(errors.some((e) => /^hardware\/reader\.ts: imports ocpp\/tape\.ts \(hardware may import hardware, util, host\)/.test(e)), errors.join("\n"));
  assert.ok(errors.includes("core/limits.ts: imports ocpp/tape.ts (a leaf imports nothing)"), errors.join("\n"));
  assert.ok(!errors.some((e) => /^(ws\/frame|transactions\/tx)\.ts/.test(e)), errors.join("\n"));
});

test("the HTTP client is a layer beside ws/: blocks may use it, it knows neither OCPP nor the WebSocket client", () => {
  const errors = errorsOf({
    "firmware/download.ts": 'import { HttpClient } from "../http/client";\n',
    "http/client.ts": 'import { abi } from "../host/abi";\nimport { MAX } from "../core/limits";\nexport class HttpClient {}\n',
    "http/bad.ts": 'import { Tape } from "../ocpp/tape";\nimport { W } from "../ws/writer";\n',
    "host/abi.ts": "export const abi = 1;\n", "ocpp/tape.ts": "export class Tape {}\n", "ws/writer.ts": "export class W {}\n",
    "core/limits.ts": "export const MAX: i32 = 1;\n",
  });
  assert.deepEqual(errors, [
    "http/bad.ts: imports ocpp/tape.ts (http may import http, util, host)",
    "http/bad.ts: imports ws/writer.ts (http may import http, util, host)",
  ]);
});

test("a new folder is a block without naming it anywhere: it may not import another block; a missing file is an error", () => {
  const errors = errorsOf({ "firmware/update.ts": 'import { Tx } from "../transactions/tx";\nimport { MAX } from "../core/limits";\n',
    "transactions/tx.ts": "export class Tx {}\n", "core/limits.ts": "export const MAX: i32 = 1;\n" });
  assert.deepEqual(errors, ["firmware/update.ts: imports transactions/tx.ts (firmware may import firmware, core, rpc, ws, http, ocpp, hardware, util, host)"]);
  assert.deepEqual(errorsOf({ "util/x.ts": 'import { y } from "./missing";\n' }), ["util/x.ts: imports ./missing, which is not in the tree"]);
});
