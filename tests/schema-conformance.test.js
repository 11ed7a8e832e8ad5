// Schema conformance of the image's codecs over all 128 official OCPP 2.0.1 schemas.
// For each schema: a minimal instance (required properties only) and a maximal one (every property) are
// generated from the schema itself, decoded and re-encoded by the image (codec_roundtrip), validated with the
// official schema (ajv, through ocpp-rpc's validator) and compared with the input. Then invalid instances —
// missing required property, wrong type, value outside an enum, string over maxLength — must be rejected
// with the OCPP-J error code docs/architecture.md lists.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { createValidator } = require("ocpp-rpc/lib/validator");
const SCHEMAS = require("ocpp-rpc/lib/schemas/ocpp2_0_1.json");
const { loadCodecImage } = require("./helpers/codec-image.js");
const { instance, resolve, DATE } = require("./helpers/schema-instances.js");

const validator = createValidator("ocpp2.0.1", SCHEMAS);
const image = loadCodecImage(process.env.CODEC_WASM || path.join(__dirname, "..", "build", "firmware.wasm"));

/** Every (path, node) in an instance, with the schema node that describes it. */
function walk(schema, node, value, at, out) {
  node = resolve(schema, node);
  out.push({ at, node, value });
  if (node.type === "object" && value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) walk(schema, node.properties[k], v, [...at, k], out);
  } else if (node.type === "array" && Array.isArray(value)) {
    value.forEach((v, i) => walk(schema, node.items, v, [...at, i], out));
  }
  return out;
}

function withChange(value, at, change) {
  const copy = structuredClone(value);
  let parent = copy;
  for (const k of at.slice(0, -1)) parent = parent[k];
  change(parent, at[at.length - 1]);
  return copy;
}

function invalidCases(schema, full) {
  const nodes = walk(schema, schema, full, [], []);
  const cases = [];
  const req = nodes.find((n) => n.node.type === "object" && (n.node.required || []).length > 0);
  if (req) {
    const name = req.node.required[0];
    cases.push({ kind: "missing required", code: "OccurrenceConstraintViolation",
      value: withChange(full, [...req.at, name], (p, k) => { delete p[k]; }) });
  }
  const typed = nodes.find((n) => n.at.length > 0 && ["string", "integer", "boolean", "object", "array"].includes(n.node.type));
  if (typed) {
    const wrong = { string: 12, integer: "12", boolean: "true", object: 5, array: { a: 1 } }[typed.node.type];
    cases.push({ kind: "wrong type", code: "TypeConstraintViolation", value: withChange(full, typed.at, (p, k) => { p[k] = wrong; }) });
  }
  const en = nodes.find((n) => n.node.enum);
  if (en) {
    cases.push({ kind: "outside enum", code: "PropertyConstraintViolation",
      value: withChange(full, en.at, (p, k) => { p[k] = "NotAnAllowedValue"; }) });
  }
  const long = nodes.find((n) => n.node.type === "string" && n.node.maxLength !== undefined);
  if (long) {
    cases.push({ kind: "over maxLength", code: "PropertyConstraintViolation",
      value: withChange(full, long.at, (p, k) => { p[k] = "y".repeat(long.node.maxLength + 1); }) });
    cases.push({ kind: "at maxLength (valid)", code: null,
      value: withChange(full, long.at, (p, k) => { p[k] = "\u00fc".repeat(long.node.maxLength); }) });
  }
  return cases;
}

const totals = { schemas: 0, roundTrips: 0, invalid: 0, notApplicable: 0 };

for (const schema of SCHEMAS) {
  const [, action, dir] = /^urn:(\w+)\.(req|conf)$/.exec(schema.$id);
  const isResponse = dir === "conf" ? 1 : 0;
  test(`schema ${action}${isResponse ? "Response" : "Request"}`, () => {
    for (const full of [false, true]) {
      const input = instance(schema, schema, full);
      assert.doesNotThrow(() => validator.validate(schema.$id, input), `generated ${full ? "maximal" : "minimal"} instance is valid`);
      const r = image.roundTrip(action, isResponse, JSON.stringify(input));
      assert.ok(r.ok, `${full ? "maximal" : "minimal"}: ${r.text}`);
      const output = JSON.parse(r.text);
      assert.doesNotThrow(() => validator.validate(schema.$id, output), "re-encoded instance is valid");
      assert.deepStrictEqual(output, input);
      totals.roundTrips++;
    }
    const cases = invalidCases(schema, instance(schema, schema, true));
    totals.notApplicable += 4 - cases.filter((c) => c.code).length;
    for (const c of cases) {
      const r = image.roundTrip(action, isResponse, JSON.stringify(c.value));
      if (c.code === null) {
        assert.ok(r.ok, `${c.kind}: ${r.text}`);
        continue;
      }
      assert.ok(!r.ok, `${c.kind} must be rejected`);
      assert.equal(r.code, c.code, `${c.kind}: ${r.text}`);
      totals.invalid++;
    }
    totals.schemas++;
  });
}

test("malformed JSON and bounds: FormatViolation, never a trap", () => {
  const inputs = ['{"reason":"PowerUp"', '{"reason":PowerUp}', '{"reason":"PowerUp",}', "", "[]x", '{"a\\x":1}',
    "[".repeat(image.exports.codec_buffer_capacity() - 100), '{"reason":"\\ud800"}', '{"chargingStation":' + "{".repeat(40)];
  for (const text of inputs) {
    const r = image.roundTrip("BootNotification", 0, text);
    assert.ok(!r.ok);
    assert.ok(["FormatViolation", "TypeConstraintViolation"].includes(r.code), `${text.slice(0, 30)} → ${r.text}`);
  }
});

test("numbers keep their value: integers, decimals, exponents", () => {
  const base = { eventType: "Started", timestamp: DATE, triggerReason: "Authorized", seqNo: 0, transactionInfo: { transactionId: "t" } };
  const values = [0, -0.5, 1250, 123456789.123, 1e-7, 4.2e21, 0.1, -987654321012345];
  const mv = [{ timestamp: DATE, sampledValue: values.map((value) => ({ value })) }];
  const r = image.roundTrip("TransactionEvent", 0, JSON.stringify({ ...base, meterValue: mv }));
  assert.ok(r.ok, r.text);
  assert.deepStrictEqual(JSON.parse(r.text).meterValue[0].sampledValue.map((s) => s.value), values);
  const asInt = image.roundTrip("TransactionEvent", 0, JSON.stringify(base).replace('"seqNo":0', '"seqNo":1.0e1'));
  assert.ok(asInt.ok, asInt.text);
  assert.equal(JSON.parse(asInt.text).seqNo, 10);
  const frac = image.roundTrip("TransactionEvent", 0, JSON.stringify(base).replace('"seqNo":0', '"seqNo":1.5'));
  assert.equal(frac.code, "TypeConstraintViolation");
});

test.after(() => {
  console.log(`conformance: ${totals.schemas}/${SCHEMAS.length} schemas round-tripped (${totals.roundTrips} instances), ` +
    `${totals.invalid} invalid instances rejected with the right code, ${totals.notApplicable} invalid kinds not applicable`);
});
