// The station's wiring, read from the sources: every driver event reaches the station's listener, handled or
// ignored there on purpose (issue 13: onReaderFault and onEvStopRequest fell silently to the base class), and
// react() is a bounded loop, not a recursion.
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
