import { JsonReader } from "../ocpp/json-reader";
import { JsonWriter } from "../ocpp/json-writer";
import { sameBytes } from "../ocpp/plain";

const scratch = heap.alloc(4096);

function reader(s: string): JsonReader {
  const b = String.UTF8.encode(s);
  const r = new JsonReader();
  // Keep the bytes alive in scratch: the reader works on linear memory.
  memory.copy(scratch + 2048, changetype<usize>(b), <usize>b.byteLength);
  r.reset(scratch + 2048, b.byteLength);
  return r;
}

function readStr(s: string): string {
  const r = reader(s);
  const n = r.readString(scratch, 1024);
  return n < 0 ? "<" + n.toString() + ">" : String.UTF8.decodeUnsafe(scratch, <usize>n);
}

function written(w: JsonWriter): string { return String.UTF8.decodeUnsafe(w.ptr(), <usize>w.len()); }

/** Plain ASCII of `n` bytes (letters, digits, blanks, punctuation other than '"' and '\\'). */
function plainRun(n: i32, from: i32): string {
  let s = "";
  for (let i = 0; i < n; i++) {
    const c = 0x20 + (from + i * 7) % 95;
    s += String.fromCharCode(c == 0x22 || c == 0x5c ? 0x41 : c);
  }
  return s;
}

describe("JSON strings eight bytes at a time", () => {
  it("writes and reads back every character that needs care, at every offset around the 8-byte runs", () => {
    const specials: string[] = ["\"", "\\", "\n", "\u0001", "\u001f", "é", "€", "😀", "\u007f", " "];
    const w = new JsonWriter(512);
    for (let k = 0; k < specials.length; k++) {
      for (let before = 0; before <= 17; before++) {
        for (let after = 0; after <= 17; after += 8) {
          const text = plainRun(before, k) + specials[k] + plainRun(after, before) + specials[k];
          w.reset();
          w.string(text);
          const viaString = written(w);
          const bytes = String.UTF8.encode(text);
          w.reset();
          w.stringBytes(changetype<usize>(bytes), bytes.byteLength);
          expect<string>(written(w)).toBe(viaString);
          expect<string>(readStr(viaString)).toBe(text);
          // Too small a buffer is still -2, whatever the run.
          const r = reader(viaString);
          expect<i32>(r.readString(scratch, bytes.byteLength - 1)).toBe(-2);
          const r2 = reader(viaString);
          expect<i32>(r2.readString(scratch, bytes.byteLength)).toBe(bytes.byteLength);
        }
      }
    }
  });
  it("stops at an unescaped control character or the end inside a run", () => {
    expect<string>(readStr("\"abcdefghijklmnop\tqrst\"")).toBe("<-1>");
    expect<string>(readStr("\"abcdefghijklmnopqrstuvwxyz")).toBe("<-1>");
  });
});

describe("sameBytes", () => {
  it("tells equal runs from runs differing in any one byte, at any length and alignment", () => {
    const a = heap.alloc(64), b = heap.alloc(64);
    for (let n = 0; n <= 24; n++) {
      for (let off = 0; off < 3; off++) {
        for (let i = 0; i < n; i++) { store<u8>(a + <usize>(off + i), <u8>(0x41 + i)); store<u8>(b + <usize>i, <u8>(0x41 + i)); }
        expect<bool>(sameBytes(a + <usize>off, b, n)).toBe(true);
        for (let k = 0; k < n; k++) {
          store<u8>(b + <usize>k, 0x7a);
          expect<bool>(sameBytes(a + <usize>off, b, n)).toBe(false);
          store<u8>(b + <usize>k, <u8>(0x41 + k));
        }
      }
    }
    heap.free(a); heap.free(b);
  });
});

describe("JsonReader strings", () => {
  it("unescapes short forms, \\u escapes and surrogate pairs to UTF-8", () => {
    expect<string>(readStr("\"a\\\"b\\\\c\\/d\\n\\t\\r\\b\\f\"")).toBe("a\"b\\c/d\n\t\r\b\f");
    expect<string>(readStr("\"\\u00e9\\u20ac\\ud83d\\ude00\"")).toBe("é€😀");
  });
  it("counts code points, not bytes", () => {
    const r = reader("\"é€😀x\"");
    expect<i32>(r.readString(scratch, 64)).toBe(10);
    expect<i32>(r.codePoints).toBe(4);
  });
  it("rejects malformed strings", () => {
    expect<string>(readStr("\"abc")).toBe("<-1>");
    expect<string>(readStr("\"a\\x\"")).toBe("<-1>");
    expect<string>(readStr("\"\\ud800\"")).toBe("<-1>");
    expect<string>(readStr("\"\\udc00\"")).toBe("<-1>");
    expect<string>(readStr("\"\\u12\"")).toBe("<-1>");
    expect<string>(readStr("\"tab\there\"")).toBe("<-1>");
  });
  it("reports a destination that is too small", () => {
    const r = reader("\"abcdef\"");
    expect<i32>(r.readString(scratch, 3)).toBe(-2);
  });
});

describe("JsonReader numbers", () => {
  it("keeps mantissa and exponent exactly", () => {
    let r = reader("-12.250");
    expect<bool>(r.readNumber()).toBe(true);
    expect<i64>(r.mantissa).toBe(-12250);
    expect<i32>(r.exp).toBe(-3);
    expect<bool>(r.integral).toBe(false);
    r = reader("1e3");
    expect<bool>(r.readNumber()).toBe(true);
    expect<i64>(r.mantissa).toBe(1);
    expect<i32>(r.exp).toBe(3);
    r = reader("0.001");
    r.readNumber();
    expect<i64>(r.mantissa).toBe(1);
    expect<i32>(r.exp).toBe(-3);
  });
  it("truncates beyond 18 significant digits without overflow", () => {
    const r = reader("123456789012345678901234");
    expect<bool>(r.readNumber()).toBe(true);
    expect<i64>(r.mantissa).toBe(123456789012345678);
    expect<i32>(r.exp).toBe(6);
  });
  it("rejects what JSON does not allow", () => {
    expect<bool>(reader("01").readNumber()).toBe(false);
    expect<bool>(reader("1.").readNumber()).toBe(false);
    expect<bool>(reader("-").readNumber()).toBe(false);
    expect<bool>(reader("1e").readNumber()).toBe(false);
    expect<bool>(reader(".5").readNumber()).toBe(false);
  });
});

describe("JsonReader skipValue", () => {
  it("skips nested values and enforces the depth bound", () => {
    const r = reader("{\"a\":[1,{\"b\":null},\"x\"],\"c\":true} rest");
    expect<bool>(r.skipValue(16)).toBe(true);
    expect<u32>(r.peek()).toBe(0x72);
    expect<bool>(reader("[[[[1]]]]").skipValue(3)).toBe(false);
    expect<bool>(reader("[1,]").skipValue(16)).toBe(false);
    expect<bool>(reader("{\"a\" 1}").skipValue(16)).toBe(false);
  });
  it("never reads past the end: every prefix of a document fails cleanly", () => {
    const doc = "{\"a\":[1.5e-3,\"\\u00e9\",{\"b\":false}],\"c\":null}";
    for (let i = 0; i < doc.length; i++) {
      expect<bool>(reader(doc.substring(0, i)).skipValue(16)).toBe(false);
    }
    expect<bool>(reader(doc).skipValue(16)).toBe(true);
  });
});

describe("JsonWriter", () => {
  it("escapes quotes, backslashes and control characters; passes UTF-8 through", () => {
    const w = new JsonWriter(256);
    w.string("a\"b\\c\n\u0001é");
    expect<string>(written(w)).toBe("\"a\\\"b\\\\c\\n\\u0001é\"");
  });
  it("writes integers including the extremes", () => {
    const w = new JsonWriter(256);
    w.int(0); w.byte(0x2c); w.int(-42); w.byte(0x2c); w.int(i64.MIN_VALUE); w.byte(0x2c); w.int(i64.MAX_VALUE);
    expect<string>(written(w)).toBe("0,-42,-9223372036854775808,9223372036854775807");
  });
  it("writes decimals exactly", () => {
    const w = new JsonWriter(256);
    w.decimal(12345, -3); w.byte(0x2c); w.decimal(-5, -1); w.byte(0x2c); w.decimal(1, -7); w.byte(0x2c);
    w.decimal(1250, -2); w.byte(0x2c); w.decimal(3000, -3); w.byte(0x2c); w.decimal(42, 2); w.byte(0x2c); w.decimal(0, -5);
    expect<string>(written(w)).toBe("12.345,-0.5,0.0000001,12.5,3,4200,0");
  });
  it("sets overflow instead of writing past its capacity", () => {
    const w = new JsonWriter(8);
    w.raw("12345678");
    expect<bool>(w.overflow).toBe(false);
    w.byte(0x39);
    expect<bool>(w.overflow).toBe(true);
    expect<i32>(w.len()).toBe(8);
  });
});

/** The bytes JsonWriter#string writes, as hex. */
function stringHex(s: string, viaBytes: bool): string {
  const w = new JsonWriter(256);
  if (viaBytes) { const b = String.UTF8.encode(s); w.stringBytes(changetype<usize>(b), b.byteLength); }
  else w.string(s);
  let out = "";
  for (let i = 0; i < w.len(); i++) out += (<i32>load<u8>(w.ptr() + <usize>i)).toString(16) + " ";
  return out;
}

describe("JsonWriter#string (no allocation)", () => {
  it("writes what String.UTF8.encode and stringBytes write: escapes, non-ASCII, pairs, lone surrogates", () => {
    const cases = ["", "plain", "q\"b\\s\n\t\r\b\f\u0001", "é€😀x", "a\uD83D\"b", "\uDE00z", "\uD83D", "é\uD800\uDC00"];
    for (let i = 0; i < cases.length; i++) expect<string>(stringHex(cases[i], false)).toBe(stringHex(cases[i], true));
  });
});
