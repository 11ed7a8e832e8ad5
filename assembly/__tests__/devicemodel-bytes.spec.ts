// The device model's boot load without strings (issue 17): normalizeBytes() over a value's UTF-8 bytes agrees with
// normalize() over its string whenever it answers (-2 sends the value down the string path), and typedValueOf()
// over the stored text agrees with typedValue() over its string, for every stored variable of the catalog.
import { def, varCount, Def } from "../core/catalog";
import { normalize, normalizeBytes, refusal } from "../devicemodel/validate";
import { typedValue, typedValueOf } from "../devicemodel/typed-value";
import { text, tstr } from "../util/text";

const SCRATCH = memory.data(2048);

function candidates(v: Def): string[] {
  const out: string[] = [
    "", "true", "TRUE", "False", "fals", "0", "-0", "007", "-5", "+5", " 5", "30", "2147483647", "2147483648",
    "-2147483648", "-2147483649", "12345678901", "abc", "1.5", "-", "2024-01-01T00:00:00Z", "2024-13-01T00:00:00Z",
    "a b", "é", "x,y", ",", "\u007f",
  ];
  const list = tstr(v.valuesList);
  if (list.length > 0) {
    const members = list.split(",");
    out.push(list);
    for (let a = 0; a < members.length; a++) {
      out.push(members[a]);
      out.push(members[a] + "," + members[a]);
      out.push(members[a] + ",");
      out.push(" " + members[a]);
      for (let b = 0; b < members.length; b++) if (b != a) out.push(members[a] + "," + members[b]);
    }
  }
  if (v.hasMax && v.max <= 1000) { out.push("x".repeat(v.max)); out.push("x".repeat(v.max + 1)); }
  if (v.hasMin && v.min > 0) { out.push("x".repeat(v.min - 1)); out.push("x".repeat(v.min)); }
  return out;
}

describe("device model load in place", () => {
  it("normalizeBytes agrees with normalize, typedValueOf with typedValue", () => {
    let answered = 0, deferred = 0;
    for (let i = 0; i < varCount(); i++) {
      const v = def(i);
      if (v.isLive) continue;
      const values = candidates(v);
      for (let k = 0; k < values.length; k++) {
        const s = values[k];
        const expected = normalize(v, s);
        const why = refusal;
        const n = String.UTF8.byteLength(s);
        String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, SCRATCH);
        const m = normalizeBytes(v, SCRATCH, n);
        if (m == -2) { deferred++; continue; }
        answered++;
        if (m == -1) {
          expect<string>(expected == null ? "" : tstr(v.name) + " refused in place: " + s).toBe("");
          expect<string>(refusal).toBe(why);   // the reason SetVariables answers (DeviceModel#stage)
          continue;
        }
        const got = String.UTF8.decodeUnsafe(SCRATCH, <usize>m);
        expect<string>(expected != null && got == expected! ? "" : tstr(v.name) + " differs: " + s + " -> " + got).toBe("");
        expect<i32>(typedValueOf(v, text(SCRATCH, m))).toBe(typedValue(v, got));
      }
    }
    // Most candidates are answered in place (the rest: non-ASCII, blanks, decimals, lists out of order).
    expect<bool>(answered > 4 * deferred).toBe(true);
  });

  it("typedValueOf of a configuration file's spelling (not normalized) falls back to I32.parseInt", () => {
    for (let i = 0; i < varCount(); i++) {
      const v = def(i);
      const values = ["+5", " 7", "0x10", "12abc", "", "Current.Import,,Voltage", "EVConnected,Authorized"];
      for (let k = 0; k < values.length; k++) {
        const s = values[k];
        const n = String.UTF8.byteLength(s);
        String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, SCRATCH);
        expect<i32>(typedValueOf(v, text(SCRATCH, n))).toBe(typedValue(v, s));
      }
    }
  });
});
