// Storage keys written into a static buffer (util/kv.ts) and the in-place list look-up (devicemodel/validate.ts):
// the same keys and answers as the strings they replace (tests/bounded-boot.test.js: a boot's garbage).
import { kvGet, kvPut, kvDelete, kvGetAt, kvPutAt, kvDeleteAt } from "../util/kv";
import { listIndex } from "../devicemodel/validate";

const BUF: usize = heap.alloc(16);

describe("kv keys", () => {
  it("<prefix><index> is the key of the string", () => {
    store<u32>(BUF, 0xa1b2c3d4);
    expect(kvPutAt("txq.", 1234, BUF, 4)).toBe(0);
    store<u32>(BUF, 0);
    expect(kvGet("txq.1234", BUF, 4)).toBe(4);
    expect(load<u32>(BUF)).toBe(0xa1b2c3d4);
    expect(kvGetAt("txq.", 0, BUF, 4)).toBe(-1);
    expect(kvPut("txq.0", BUF, 2)).toBe(0);
    expect(kvGetAt("txq.", 0, BUF, 4)).toBe(2);
    expect(kvDeleteAt("txq.", 1234)).toBe(0);
    expect(kvGet("txq.1234", BUF, 4)).toBe(-1);
    expect(kvDelete("txq.0")).toBe(0);
  });
  it("a key beyond the static buffer, or not ASCII, still works", () => {
    const long = "dm:" + "x".repeat(300);
    expect(kvPut(long, BUF, 3)).toBe(0);
    expect(kvGet(long, BUF, 4)).toBe(3);
    expect(kvPut("dm:é", BUF, 1)).toBe(0);
    expect(kvGet("dm:é", BUF, 4)).toBe(1);
    expect(kvGet("dm:e", BUF, 4)).toBe(-1);
  });
});

describe("listIndex", () => {
  it("finds whole members only", () => {
    expect(listIndex("A,BB,CCC", "A")).toBe(0);
    expect(listIndex("A,BB,CCC", "BB")).toBe(1);
    expect(listIndex("A,BB,CCC", "CCC")).toBe(2);
    expect(listIndex("A,BB,CCC", "B")).toBe(-1);
    expect(listIndex("A,BB,CCC", "CC")).toBe(-1);
    expect(listIndex("A,BB,CCC", "A,BB")).toBe(-1);
    expect(listIndex("A,BB,CCC", "")).toBe(-1);
    expect(listIndex("", "A")).toBe(-1);
    expect(listIndex("Energy.Active.Import.Register", "Energy.Active.Import.Register")).toBe(0);
  });
});
