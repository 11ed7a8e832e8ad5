// The remote start's allocation-free pieces (issue 17): strings reused in a ring (util/string-ring.ts) and log lines
// built in static memory (util/log.ts line()).
import { StringRing } from "../util/string-ring";
import { line, LogTap, setLogTap, Level } from "../util/log";

const BYTES: usize = heap.alloc(64);

function put(text: string): i32 {
  for (let i = 0; i < text.length; i++) store<u8>(BYTES + <usize>i, <u8>text.charCodeAt(i));
  return text.length;
}

class Captured extends LogTap {
  text: string = "";
  level: i32 = -1;
  write(level: i32, ptr: usize, len: i32): void {
    this.level = level;
    this.text = String.UTF8.decodeUnsafe(ptr, <usize>len);
  }
}

describe("StringRing", () => {
  it("gives the bytes as a string of their length, the oldest slot reused", () => {
    const ring = new StringRing(2, 8);
    const a = ring.fromAscii(BYTES, put("abc"))!;
    expect<string>(a).toBe("abc");
    expect<i32>(a.length).toBe(3);
    const b = ring.fromAscii(BYTES, put("12345678"))!;
    expect<string>(b).toBe("12345678");
    expect<string>(a).toBe("abc");           // two slots: the first one is still what it was
    const c = ring.fromAscii(BYTES, put("x"))!;
    expect<bool>(changetype<usize>(c) == changetype<usize>(a)).toBe(true);
    expect<string>(c).toBe("x");
    expect<i32>(c.length).toBe(1);
    expect<string>(ring.fromAscii(BYTES, 0)!).toBe("");
  });
  it("refuses what is longer than the capacity or not ASCII", () => {
    const ring = new StringRing(1, 4);
    expect<bool>(ring.fromAscii(BYTES, put("12345")) == null).toBe(true);
    store<u8>(BYTES, 0xC3); store<u8>(BYTES + 1, 0xA9);
    expect<bool>(ring.fromAscii(BYTES, 2) == null).toBe(true);
  });
});

describe("log line", () => {
  it("joins text and integers, as logInfo with concatenation did", () => {
    const tap = new Captured();
    setLogTap(tap);
    line().s("remote start ").i(7).s(" for ").s("04A1B2C3").info();
    expect<string>(tap.text).toBe("remote start 7 for 04A1B2C3");
    expect<i32>(tap.level).toBe(Level.Info);
    line().i(0).s(" ").i(-1).s(" ").i(i32.MIN_VALUE).s(" ").i(i32.MAX_VALUE).warn();
    expect<string>(tap.text).toBe("0 -1 -2147483648 2147483647");
    expect<i32>(tap.level).toBe(Level.Warn);
    line().s("é").info();
    expect<string>(tap.text).toBe("é");
    setLogTap(null);
  });
  it("cuts at a whole piece when the line is full", () => {
    const tap = new Captured();
    setLogTap(tap);
    const l = line();
    for (let i = 0; i < 25; i++) l.s("0123456789");
    l.s("x").info();
    expect<i32>(tap.text.length).toBe(200);
    setLogTap(null);
  });
});
