// PN532 over HSU: frame encoding, the resynchronising scanner (corrupted, truncated, garbage, random
// input) and the reader driver (init, polling, presentation rule, time-outs, retries, re-init, fault).
import { encodeFrame, Pn532Scanner, FRAME_NONE, FRAME_ACK, FRAME_NACK, FRAME_ERROR, FRAME_RESPONSE } from "../hardware/pn532-frame";
import { RfidReader, RFID_POLL_INTERVAL_MS, RFID_ACK_TIMEOUT_MS, RFID_REINIT_BACKOFF_MS } from "../hardware/rfid-reader";
import { HardwareListener } from "../hardware/listener";
import { ChargerHardware } from "../hardware/hardware";
import { RX_BUFFER } from "../host/buffers";

@external("env", "test_hw_count") declare function test_hw_count(): i32;
@external("env", "test_hw_clear") declare function test_hw_clear(): void;
@external("env", "test_hw_field") declare function test_hw_field(i: i32, which: i32): i32;
@external("env", "test_hw_copy") declare function test_hw_copy(i: i32, ptr: usize, cap: i32): i32;

class Rec extends HardwareListener {
  cards: i32 = 0;
  lastUid: string = "";
  faultEvents: i32 = 0;
  faulted: bool = false;
  onCardPresented(uidHex: string): void { this.cards++; this.lastUid = uidHex; }
  onReaderFault(faulted: bool): void { this.faultEvents++; this.faulted = faulted; }
}

function buf(a: u8[]): Uint8Array {
  const b = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) b[i] = a[i];
  return b;
}
/** A PN532 → host frame around data (command code + payload). */
function resp(data: u8[]): u8[] {
  const out: u8[] = [0, 0, 0xff, <u8>(data.length + 1), <u8>(0x100 - (data.length + 1)), 0xd5];
  let sum: i32 = 0xd5;
  for (let i = 0; i < data.length; i++) { out.push(data[i]); sum += data[i]; }
  out.push(<u8>((0x100 - (sum & 0xff)) & 0xff));
  out.push(0);
  return out;
}
const ACK: u8[] = [0, 0, 0xff, 0, 0xff, 0];
const NACK: u8[] = [0, 0, 0xff, 0xff, 0, 0];

function feed(s: Pn532Scanner, a: u8[]): void { const b = buf(a); s.push(b.dataStart, b.length); }
function give(r: RfidReader, a: u8[]): void { const b = buf(a); r.onUartData(b.dataStart, b.length); }
function hex(a: Uint8Array): string {
  let s = "";
  for (let i = 0; i < a.length; i++) s += (a[i] < 16 ? "0" : "") + a[i].toString(16);
  return s;
}
/** The bytes of the last uart_write, as lower-case hex ("" if none). */
function lastUart(): string {
  for (let i = test_hw_count() - 1; i >= 0; i--) {
    if (test_hw_field(i, 0) != 0) continue;
    const n = test_hw_field(i, 4);
    const a = new Uint8Array(n);
    test_hw_copy(i, a.dataStart, n);
    return hex(a);
  }
  return "";
}
function uartWrites(): i32 {
  let n = 0;
  for (let i = 0; i < test_hw_count(); i++) if (test_hw_field(i, 0) == 0) n++;
  return n;
}

const POLL = "0000ff04fcd44a0100e100";
const RFCFG_TAIL = "d43205ff0102";

describe("hw pn532 frames", () => {
  it("encodes host frames with LEN/LCS/DCS", () => {
    const out = new Uint8Array(32);
    const d = buf([0x4a, 0x01, 0x00]);
    expect(encodeFrame(d.dataStart, 3, out.dataStart)).toBe(11);
    // D4 + 4A + 01 + 00 = 0x11F → DCS = 0x100 - 0x1F = 0xE1
    expect(hex(out.subarray(0, 11))).toBe(POLL);
    const sam = buf([0x14, 0x01, 0x14, 0x01]);
    expect(encodeFrame(sam.dataStart, 4, out.dataStart)).toBe(12);
    // D4 + 14 + 01 + 14 + 01 = 0x0FE → DCS = 0x02
    expect(hex(out.subarray(0, 12))).toBe("0000ff05fbd41401140102" + "00");
  });

  it("recognises ACK, NACK, error frames and responses", () => {
    const s = new Pn532Scanner();
    feed(s, ACK);
    expect(s.next()).toBe(FRAME_ACK);
    expect(s.next()).toBe(FRAME_NONE);
    feed(s, NACK);
    expect(s.next()).toBe(FRAME_NACK);
    feed(s, [0, 0, 0xff, 0x01, 0xff, 0x7f, 0x81, 0x00]);
    expect(s.next()).toBe(FRAME_ERROR);
    feed(s, resp([0x15]));
    expect(s.next()).toBe(FRAME_RESPONSE);
    expect(s.payloadLen()).toBe(1);
    expect(load<u8>(s.payload())).toBe(0x15);
    expect(s.next()).toBe(FRAME_NONE);
  });

  it("resynchronises after garbage, bad checksums and a wrong TFI", () => {
    const s = new Pn532Scanner();
    const good = resp([0x4b, 0x00]);
    const a: u8[] = [0x12, 0xff, 0x00, 0x37, 0x00];
    for (let i = 0; i < good.length; i++) a.push(good[i]);
    feed(s, a);
    expect(s.next()).toBe(FRAME_RESPONSE);
    expect(load<u8>(s.payload())).toBe(0x4b);
    // Bad LCS: skipped, the following frame is found.
    const badLcs: u8[] = [0, 0, 0xff, 0x03, 0x11, 0xd5, 0x4b, 0x00, 0xe0, 0x00];
    for (let i = 0; i < good.length; i++) badLcs.push(good[i]);
    feed(s, badLcs);
    expect(s.next()).toBe(FRAME_RESPONSE);
    expect(s.next()).toBe(FRAME_NONE);
    // Bad DCS whose LEN would swallow the start of the next frame: that frame is still found.
    const badDcs: u8[] = [0, 0, 0xff, 0x09, 0xf7, 0xd5, 0x4b];
    for (let i = 0; i < good.length; i++) badDcs.push(good[i]);
    feed(s, badDcs);
    expect(s.next()).toBe(FRAME_RESPONSE);
    expect(s.payloadLen()).toBe(2);
    // Wrong TFI (our own direction echoed back): rejected.
    const before = s.rejected;
    feed(s, [0, 0, 0xff, 0x02, 0xfe, 0xd4, 0x4a, 0xe2, 0x00]);
    expect(s.next()).toBe(FRAME_NONE);
    expect(s.rejected).toBeGreaterThan(before);
  });

  it("waits for truncated frames and accepts them byte by byte", () => {
    const s = new Pn532Scanner();
    const f = resp([0x4b, 0x01, 0x01, 0x00, 0x04, 0x08, 0x04, 0xde, 0xad, 0xbe, 0xef]);
    for (let i = 0; i < f.length - 2; i++) { feed(s, [f[i]]); expect(s.next()).toBe(FRAME_NONE); }
    feed(s, [f[f.length - 2], f[f.length - 1]]);
    expect(s.next()).toBe(FRAME_RESPONSE);
    expect(s.payloadLen()).toBe(11);
  });

  it("survives floods and random byte streams", () => {
    const s = new Pn532Scanner();
    const junk = new Uint8Array(1000);
    for (let i = 0; i < junk.length; i++) junk[i] = <u8>(i * 7);
    s.push(junk.dataStart, junk.length);
    while (s.next() != FRAME_NONE) {}
    feed(s, resp([0x15]));
    let found = false;
    let f = s.next();
    while (f != FRAME_NONE) { if (f == FRAME_RESPONSE && load<u8>(s.payload()) == 0x15) found = true; f = s.next(); }
    expect(found).toBe(true);
    let seed: u32 = 1;
    const chunk = new Uint8Array(97);
    for (let round = 0; round < 400; round++) {
      for (let i = 0; i < chunk.length; i++) {
        seed = seed * 1103515245 + 12345;
        const r = <u8>(seed >> 24);
        // Bias towards 00 and FF so headers are hit often.
        chunk[i] = (r & 3) == 0 ? 0 : (r & 3) == 1 ? 0xff : r;
      }
      s.push(chunk.dataStart, <i32>(seed % 97));
      let g = s.next();
      while (g != FRAME_NONE) {
        if (g == FRAME_RESPONSE) expect(s.payloadLen()).toBeLessThanOrEqual(254);
        g = s.next();
      }
    }
  });
});

/** Brings a fresh reader through wake-up/SAM/RFConfiguration up to the first poll at t. */
function ready(r: RfidReader, t: i64): void {
  r.tick(t);
  give(r, ACK); give(r, resp([0x15]));
  r.tick(t);
  give(r, ACK); give(r, resp([0x33]));
  r.tick(t);
}

describe("hw rfid reader", () => {
  it("initialises the PN532 and polls with InListPassiveTarget", () => {
    const rec = new Rec();
    const r = new RfidReader(0, rec);
    test_hw_clear();
    r.tick(0);
    const w = lastUart();
    expect(w.startsWith("5555000000")).toBe(true);
    expect(w.endsWith("0000ff05fbd4140114010200")).toBe(true);
    give(r, ACK);
    give(r, resp([0x15]));
    r.tick(1);
    expect(lastUart().indexOf(RFCFG_TAIL)).toBeGreaterThan(0);
    give(r, ACK);
    give(r, resp([0x33]));
    r.tick(2);
    expect(lastUart()).toBe(POLL);
    give(r, ACK);
    give(r, resp([0x4b, 0x00]));
    expect(r.polls).toBe(1);
    expect(r.nextWakeup()).toBe(2 + RFID_POLL_INTERVAL_MS);
    expect(rec.cards).toBe(0);
  });

  it("reports a held card once and again after it was absent for a poll", () => {
    const rec = new Rec();
    const r = new RfidReader(0, rec);
    ready(r, 0);
    let t: i64 = 0;
    const card: u8[] = [0x4b, 0x01, 0x01, 0x00, 0x04, 0x08, 0x04, 0x04, 0xa1, 0xb2, 0xc3];
    give(r, ACK); give(r, resp(card));
    expect(rec.cards).toBe(1);
    expect(rec.lastUid).toBe("04A1B2C3");
    for (let i = 0; i < 5; i++) {
      t += RFID_POLL_INTERVAL_MS; r.tick(t);
      give(r, ACK); give(r, resp(card));
    }
    expect(rec.cards).toBe(1);
    t += RFID_POLL_INTERVAL_MS; r.tick(t);
    give(r, ACK); give(r, resp([0x4b, 0x00]));
    t += RFID_POLL_INTERVAL_MS; r.tick(t);
    give(r, ACK); give(r, resp(card));
    expect(rec.cards).toBe(2);
    // A different card without a gap is a new presentation: 7- and 10-byte UIDs.
    t += RFID_POLL_INTERVAL_MS; r.tick(t);
    give(r, ACK); give(r, resp([0x4b, 0x01, 0x01, 0x00, 0x44, 0x00, 0x07, 0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66]));
    expect(rec.cards).toBe(3);
    expect(rec.lastUid).toBe("04112233445566");
    t += RFID_POLL_INTERVAL_MS; r.tick(t);
    give(r, ACK); give(r, resp([0x4b, 0x01, 0x01, 0x00, 0x44, 0x00, 0x0a, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xfa]));
    expect(rec.lastUid).toBe("010203040506070809FA");
    // A 5-byte UID or a truncated target list is malformed: no card, the poll is retried.
    test_hw_clear();
    t += RFID_POLL_INTERVAL_MS; r.tick(t);
    give(r, ACK); give(r, resp([0x4b, 0x01, 0x01, 0x00, 0x44, 0x00, 0x05, 1, 2, 3, 4, 5]));
    expect(rec.cards).toBe(4);
    expect(uartWrites()).toBe(2);
    give(r, ACK); give(r, resp([0x4b, 0x01, 0x01, 0x00]));
    expect(uartWrites()).toBe(3);
  });

  it("retries on time-out and NACK, ignores stale responses, re-initialises and reports a dead reader", () => {
    const rec = new Rec();
    const r = new RfidReader(0, rec);
    ready(r, 0);
    test_hw_clear();
    // No ACK: the poll is repeated, preceded by an ACK that aborts the pending command.
    r.tick(RFID_ACK_TIMEOUT_MS);
    expect(lastUart()).toBe("0000ff00ff00" + POLL);
    give(r, NACK);
    expect(uartWrites()).toBe(2);
    // A response with another code (a late answer to SAMConfiguration) is not ours.
    give(r, resp([0x15]));
    expect(r.polls).toBe(0);
    // Third failure: re-initialisation with the wake-up sequence.
    r.tick(2 * RFID_ACK_TIMEOUT_MS);
    expect(lastUart().startsWith("5555")).toBe(true);
    // Re-initialisation fails three times: reader fault, retried after the back-off.
    let t: i64 = 2 * RFID_ACK_TIMEOUT_MS;
    for (let i = 0; i < 3; i++) { t += RFID_ACK_TIMEOUT_MS; r.tick(t); }
    expect(rec.faulted).toBe(true);
    expect(rec.faultEvents).toBe(1);
    expect(r.nextWakeup()).toBe(t + RFID_REINIT_BACKOFF_MS);
    const n = uartWrites();
    r.tick(t + 10);
    expect(uartWrites()).toBe(n);
    t += RFID_REINIT_BACKOFF_MS;
    r.tick(t);
    expect(uartWrites()).toBe(n + 1);
    // An error frame counts as a failure too; then the reader answers again and the fault clears.
    give(r, [0, 0, 0xff, 0x01, 0xff, 0x7f, 0x81, 0x00]);
    expect(uartWrites()).toBe(n + 2);
    give(r, ACK); give(r, resp([0x15]));
    expect(rec.faulted).toBe(false);
    expect(rec.faultEvents).toBe(2);
  });

  it("never traps on random UART input through the facade", () => {
    const rec = new Rec();
    const hw = new ChargerHardware(rec);
    let seed: u32 = 99;
    let t: i64 = 0;
    for (let round = 0; round < 300; round++) {
      t += 37;
      hw.tick(t);
      seed = seed * 1103515245 + 12345;
      const len = <i32>(seed >> 25);
      for (let i = 0; i < len; i++) {
        seed = seed * 1103515245 + 12345;
        const b = <u8>(seed >> 24);
        store<u8>(RX_BUFFER + <usize>i, (b & 1) == 0 ? (b < 0x80 ? 0 : 0xff) : b);
      }
      hw.onUartData(0, len);
      // Now and then a well-formed answer so the driver gets past initialisation.
      if (round % 5 == 0) { const a = buf(ACK); memory.copy(RX_BUFFER, a.dataStart, 6); hw.onUartData(0, 6); }
    }
    expect(hw.onUartData(3, 5)).toBe(false);
    expect(hw.onUartData(0, 0)).toBe(false);
  });
});
