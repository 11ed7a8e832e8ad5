// The claims checker (tests/tools/conformance-doc.js): each rule it enforces refuses a list or tests that break it.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { problems, render } = require("./tools/conformance-doc.js");

const list = [
  { id: "TC_B_01_CS", profile: "Core", cs: "M", plan: "run", why: "", name: "Accepted" },
  { id: "TC_B_25_CS", profile: "Core", cs: "C", plan: "na", why: "C-13 No", name: "Reset EVSE" },
  { id: "TC_L_01_CS", profile: "Core", cs: "M", plan: "later", why: "#16", name: "Firmware" },
];
const at = (file, ...ids) => ({ file, line: 1, title: ids.join(" "), ids });
const ok = [at("tests/conformance/b.test.js", "TC_B_01_CS")];

test("a list whose run cases all have a test, and tests naming only run cases, passes", () => {
  assert.deepEqual(problems(list, ok), []);
  assert.match(render(list, ok), /\| Core \| 1 \| 1 \| 1 \|/);
});

test("a run case without a test is refused", () => {
  assert.match(problems(list, []).join("\n"), /TC_B_01_CS is planned to run but no test/);
});

test("a test naming an unknown case, an N/A case or a later case is refused", () => {
  const e = problems(list, [...ok, at("tests/conformance/b.test.js", "TC_B_99_CS"), at("tests/conformance/b.test.js", "TC_B_25_CS"),
    at("tests/conformance/l.test.js", "TC_L_01_CS")]).join("\n");
  assert.match(e, /TC_B_99_CS is not in/);
  assert.match(e, /TC_B_25_CS is planned "na"/);
  assert.match(e, /TC_L_01_CS is planned "later"/);
});

test("a case named outside tests/conformance/ or two cases in one title are refused", () => {
  const e = problems(list, [at("tests/availability.test.js", "TC_B_01_CS"), at("tests/conformance/b.test.js", "TC_B_01_CS", "TC_B_25_CS")]).join("\n");
  assert.match(e, /only tests\/conformance\/ names certification cases/);
  assert.match(e, /one case per test/);
});

test("a case that is not run needs a reason", () => {
  assert.match(problems([{ ...list[1], why: "" }], []).join("\n"), /needs a reason/);
});

test("a todo test is allowed for a later case only, and never counts as the test of a run case", () => {
  const todo = (file, id) => ({ ...at(file, id), todo: true });
  assert.deepEqual(problems(list, [...ok, todo("tests/conformance/l.test.js", "TC_L_01_CS")]), []);
  assert.match(render(list, [...ok, todo("tests/conformance/l.test.js", "TC_L_01_CS")]), /todo test in l\.test\.js/);
  assert.match(problems(list, [todo("tests/conformance/b.test.js", "TC_B_01_CS")]).join("\n"), /only a case planned "later"/);
  assert.match(problems(list, [todo("tests/conformance/b.test.js", "TC_B_01_CS")]).join("\n"), /TC_B_01_CS is planned to run but no test/);
});
