// ASCII case-insensitive compares (util/text.ts) that replace String#toLowerCase/toUpperCase and their Unicode case
// tables (issue 17: 9 KB of the data segment), and the UpdateRecord's boot probe (no buffer without a stored record).
import { startsWithIgnoreCase, equalsIgnoreCase } from "../util/text";
import { UpdateRecord } from "../firmware/update-record";
import { kvGet, kvPut, kvDelete } from "../util/kv";

describe("ASCII case", () => {
  it("startsWithIgnoreCase: a prefix in any ASCII case, at an offset, never past the end", () => {
    expect<bool>(startsWithIgnoreCase("NTP://host", 0, "ntp://")).toBe(true);
    expect<bool>(startsWithIgnoreCase("nTp://host", 0, "ntp://")).toBe(true);
    expect<bool>(startsWithIgnoreCase("x-Ntp://", 2, "ntp://")).toBe(true);
    expect<bool>(startsWithIgnoreCase("ntp:/", 0, "ntp://")).toBe(false);
    expect<bool>(startsWithIgnoreCase("ntq://host", 0, "ntp://")).toBe(false);
    expect<bool>(startsWithIgnoreCase("ntp://", -1, "ntp://")).toBe(false);
    // Not Unicode folding: the Kelvin sign (U+212A) is not "k", a letter past Z is not a lower-case letter.
    expect<bool>(startsWithIgnoreCase("\u212A", 0, "k")).toBe(false);
    expect<bool>(startsWithIgnoreCase("[", 0, "{")).toBe(false);
  });
  it("equalsIgnoreCase: the whole string", () => {
    expect<bool>(equalsIgnoreCase("TRUE", "true")).toBe(true);
    expect<bool>(equalsIgnoreCase("False", "false")).toBe(true);
    expect<bool>(equalsIgnoreCase("SHA256", "sha256")).toBe(true);
    expect<bool>(equalsIgnoreCase("true ", "true")).toBe(false);
    expect<bool>(equalsIgnoreCase("tru", "true")).toBe(false);
    expect<bool>(equalsIgnoreCase("", "")).toBe(true);
  });
});

describe("UpdateRecord at boot", () => {
  it("no stored record: nothing allocated, none loaded", () => {
    kvDelete("fw");
    const r = new UpdateRecord();
    expect<bool>(r.load()).toBe(false);
    expect<bool>(r.active).toBe(false);
  });
  it("a stored record too short to be one: deleted, none loaded", () => {
    const junk = heap.alloc(8);
    memory.fill(junk, 1, 8);
    expect(kvPut("fw", junk, 8)).toBe(0);
    const r = new UpdateRecord();
    expect<bool>(r.load()).toBe(false);
    expect<bool>(r.active).toBe(false);
    expect(kvGet("fw", junk, 8)).toBe(-1);
    heap.free(junk);
  });
});
