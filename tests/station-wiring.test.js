// The station's wiring, read from the sources: every driver event reaches the station's listener, handled or
// ignored there on purpose (issue 13: onReaderFault and onEvStopRequest fell silently to the base class), and
// react() is a bounded loop, not a recursion; a block with a timer or a timed call is on the list that wakes it.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");

const src = (rel) => fs.readFileSync(path.join(__dirname, "..", "assembly", rel), "utf8");
const methods = (body) => [...body.matchAll(/^\s{2}(on[A-Z]\w*)\(/gm)].map((m) => m[1]);
/** The text of `class <name> ... { ... }` (braces balanced). */
function classBody(text, name) {
  const start = text.search(new RegExp(`class ${name}\\b`));
  assert.ok(start >= 0, `class ${name} not found`);
  let depth = 0;
  for (let i = text.indexOf("{", start); i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return text.slice(start, i + 1);
  }
  throw new Error(`class ${name} not closed`);
}
/** The body of method `name` of a class text (braces balanced). */
function methodBody(text, name) {
  const start = text.search(new RegExp(`^\\s{2}${name}\\(\\)[^{]*\\{`, "m"));
  assert.ok(start >= 0, `${name}() not found`);
  let depth = 0;
  for (let i = text.indexOf("{", start); i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return text.slice(start, i + 1);
  }
  throw new Error(`${name}() not closed`);
}

test("every hardware event is named by the station's listener, handled or ignored on purpose", () => {
  const events = methods(classBody(src("hardware/listener.ts"), "HardwareListener"));
  assert.ok(events.length >= 7, events.join(", "));
  const station = src("station/station.ts");
  const name = /new (\w+)\(this\)\);?\s*$/m.exec(station.split("\n").find((l) => /new ChargerHardware\(/.test(l)) || "");
  assert.ok(name, "the station hands the drivers a listener");
  const handled = methods(classBody(station, name[1]));
  assert.deepEqual(events.filter((e) => !handled.includes(e)), [], `${name[1]} leaves events to the base class`);
});

test("react() is a loop with a visible bound, not a recursion", () => {
  const body = methodBody(classBody(src("station/station.ts"), "Station"), "react");
  assert.doesNotMatch(body.replace(/^\s*react\(\)[^{]*\{/, ""), /this\.react\(\)/);
  assert.match(body, /REACT_PASSES_MAX/);
});

/** Every class in assembly/ with its base class and body: name → { base, body }. */
function classes() {
  const out = new Map();
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { if (e.name !== "__tests__") walk(p); continue; }
      if (!e.name.endsWith(".ts")) continue;
      const text = fs.readFileSync(p, "utf8");
      for (const m of text.matchAll(/^(?:export )?(?:abstract )?class (\w+)(?: extends (\w+))?/gm)) {
        out.set(m[1], { base: m[2] || null, body: classBody(text, m[1]) });
      }
    }
  };
  walk(path.join(__dirname, "..", "assembly"));
  return out;
}

test("a block's timers and timed calls are honoured through the station's lists, not by hand", () => {
  // The tick and next_wakeup() take a block's timers from the timer list (timerAt), and the wake-ups of its due
  // calls from the priority list (priorityAt): a block with a timer left out of its list would never be woken.
  const all = classes();
  const isBlock = (name) => { for (let c = name; c; c = all.get(c) && all.get(c).base) if (c === "Block") return true; return false; };
  const defines = (name, method) => {
    for (let c = name; c && c !== "Block"; c = all.get(c).base) if (new RegExp(`^\\s{2}${method}\\(\\)`, "m").test(all.get(c).body)) return true;
    return false;
  };
  const station = classBody(src("station/station.ts"), "Station");
  const list = (name) => {
    const start = station.search(new RegExp(`^\\s{2}(?:@inline )?private ${name}\\(`, "m"));
    assert.ok(start >= 0, `${name}() not found`);
    return station.slice(start, station.indexOf("\n  }\n", start));
  };
  const timers = list("timerAt"), priority = list("priorityAt");
  const fields = [...station.matchAll(/^\s{2}readonly (\w+): (\w+) = new /gm)].filter((m) => all.has(m[2]) && isBlock(m[2]));
  assert.ok(fields.length >= 10, fields.map((m) => m[1]).join(", "));
  const missing = [];
  for (const [, field, cls] of fields) {
    const named = (body) => new RegExp(`this\\.${field}\\b`).test(body);
    if ((defines(cls, "tick") || defines(cls, "nextWakeup")) && !named(timers)) missing.push(`${field} (${cls}) not in timerAt()`);
    if (defines(cls, "nextCallAt") && !named(priority)) missing.push(`${field} (${cls}) not in priorityAt()`);
  }
  assert.deepEqual(missing, []);
  // nextWakeup() and tick() walk the same list.
  for (const name of ["nextWakeup", "tick"]) {
    const start = station.search(new RegExp(`^\\s{2}${name}\\(`, "m"));
    assert.match(station.slice(start, station.indexOf("\n  }\n", start)), /this\.timerAt\(/, name);
  }
});
