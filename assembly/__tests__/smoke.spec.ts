import { RX_BUFFER, RX_CAPACITY } from "../host/buffers";
import { crypto_hash } from "../host/abi";

describe("fake host", () => {
  it("serves crypto_hash with SHA-1 of 'abc'", () => {
    store<u8>(RX_BUFFER, 0x61); store<u8>(RX_BUFFER + 1, 0x62); store<u8>(RX_BUFFER + 2, 0x63);
    const n = crypto_hash(1, RX_BUFFER, 3, RX_BUFFER + 16, 20);
    expect<i32>(n).toBe(20);
    expect<u8>(load<u8>(RX_BUFFER + 16)).toBe(0xa9);
    expect<i32>(RX_CAPACITY).toBe(2048);
  });
});
