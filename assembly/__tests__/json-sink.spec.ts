// A JsonWriter with a sink drains its full buffer instead of overflowing: the drained pieces put together are
// what a writer large enough would have written, for every capacity down to the longest single number.
import { JsonWriter, JsonSink } from "../ocpp";

class Collect extends JsonSink {
  bytes: u8[] = [];
  pieces: i32 = 0;
  refuseAfter: i32 = 1 << 30;
  drain(ptr: usize, len: i32): bool {
    if (this.pieces >= this.refuseAfter) return false;
    this.pieces++;
    for (let i = 0; i < len; i++) this.bytes.push(load<u8>(ptr + <usize>i));
    return true;
  }
  /** The drained bytes, then the writer's rest, as text (a character may be split between pieces). */
  text(w: JsonWriter): string {
    const all = new Uint8Array(this.bytes.length + w.len());
    for (let i = 0; i < this.bytes.length; i++) all[i] = this.bytes[i];
    memory.copy(all.dataStart + <usize>this.bytes.length, w.ptr(), <usize>w.len());
    return String.UTF8.decodeUnsafe(all.dataStart, <usize>all.length);
  }
}

function writeAll(w: JsonWriter): void {
  w.raw("[2,");
  w.string("id-ü\"\n");
  w.byte(0x2c);
  w.int(-9223372036854775807 - 1);
  w.byte(0x2c);
  w.decimal(-123456789012345678, -9);
  w.byte(0x2c);
  w.decimal(5, 3);
  const b = String.UTF8.encode("x".repeat(100));
  w.bytes(changetype<usize>(b), b.byteLength);
  w.byte(0x5d);
}

describe("JsonWriter sink", () => {
  it("drains pieces that put together equal the unbounded output", () => {
    const big = new JsonWriter(4096);
    writeAll(big);
    const whole = String.UTF8.decodeUnsafe(big.ptr(), <usize>big.len());
    for (let cap = 21; cap <= 64; cap++) {
      const w = new JsonWriter(cap);
      const c = new Collect();
      w.sink = c;
      writeAll(w);
      expect(w.overflow).toBe(false);
      expect(c.text(w)).toBe(whole);
      expect(w.drained).toBe(c.bytes.length);
    }
  });
  it("overflows when the sink refuses, or without one", () => {
    const w = new JsonWriter(24);
    const c = new Collect();
    c.refuseAfter = 1;
    w.sink = c;
    writeAll(w);
    expect(w.overflow).toBe(true);
    expect(c.pieces).toBe(1);
    const plain = new JsonWriter(24);
    writeAll(plain);
    expect(plain.overflow).toBe(true);
  });
});
