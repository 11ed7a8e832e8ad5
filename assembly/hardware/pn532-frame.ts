// PN532 host-controller frames (UM0701-02 §6.2) over HSU:
//   normal  00 00 FF LEN LCS TFI PD0..PDn DCS 00   (LEN counts TFI + PD, LEN + LCS = 0, TFI + PD + DCS = 0 mod 256)
//   ACK     00 00 FF 00 FF 00          NACK 00 00 FF FF 00 00
//   error   00 00 FF 01 FF 7F 81 00    (application-level error)
// The scanner keeps the received bytes in one fixed buffer and hunts for the start code 00 FF, so
// garbage, truncated or corrupted frames cost at most the bytes up to the next start code. Extended
// frames (LEN = LCS = FF) are never needed for the commands used and are skipped.

export const PN532_TFI_HOST: u8 = 0xd4;
export const PN532_TFI_PN532: u8 = 0xd5;

export const FRAME_NONE: i32 = 0;
export const FRAME_ACK: i32 = 1;
export const FRAME_NACK: i32 = 2;
export const FRAME_ERROR: i32 = 3;
/** A response: payload() = command code + data (TFI stripped), payloadLen() bytes. */
export const FRAME_RESPONSE: i32 = 4;

const RX_CAP: i32 = 300;

/** Writes a host → PN532 frame for `data` (command code + parameters, ≤ 254 bytes) at out; returns its length. */
export function encodeFrame(data: usize, len: i32, out: usize): i32 {
  store<u8>(out, 0); store<u8>(out + 1, 0); store<u8>(out + 2, 0xff);
  const l = <u8>(len + 1);
  store<u8>(out + 3, l);
  store<u8>(out + 4, <u8>(0x100 - <i32>l));
  store<u8>(out + 5, PN532_TFI_HOST);
  let sum: i32 = PN532_TFI_HOST;
  for (let i = 0; i < len; i++) {
    const b = load<u8>(data + <usize>i);
    store<u8>(out + 6 + <usize>i, b);
    sum += b;
  }
  store<u8>(out + 6 + <usize>len, <u8>((0x100 - (sum & 0xff)) & 0xff));
  store<u8>(out + 7 + <usize>len, 0);
  return len + 8;
}

export class Pn532Scanner {
  private store: StaticArray<u8> = new StaticArray<u8>(RX_CAP);
  private buf: usize = changetype<usize>(this.store);
  private n: i32 = 0;
  private consumed: i32 = 0;
  private pStart: i32 = 0;
  private pLen: i32 = 0;
  /** Frames dropped for a bad checksum or a wrong TFI (diagnostics). */
  rejected: i32 = 0;

  reset(): void { this.n = 0; this.consumed = 0; }

  /** Appends received bytes; call next() until it returns FRAME_NONE. */
  push(ptr: usize, len: i32): void {
    this.compact();
    for (let i = 0; i < len; i++) {
      if (this.n == RX_CAP) {
        // Full without a complete frame: no valid frame is this long, keep only the newest half.
        const keep = RX_CAP / 2;
        memory.copy(this.buf, this.buf + <usize>(RX_CAP - keep), <usize>keep);
        this.n = keep;
      }
      store<u8>(this.buf + <usize>this.n, load<u8>(ptr + <usize>i));
      this.n++;
    }
  }

  payload(): usize { return this.buf + <usize>this.pStart; }
  payloadLen(): i32 { return this.pLen; }

  /** The next complete frame in the buffer (FRAME_*); payload() stays valid until the next push. */
  next(): i32 {
    const b = this.buf;
    let i = this.consumed;
    while (true) {
      // Hunt for the start code 00 FF.
      while (i + 1 < this.n && !(load<u8>(b + <usize>i) == 0 && load<u8>(b + <usize>(i + 1)) == 0xff)) i++;
      if (i + 4 > this.n) { this.consumed = i; return FRAME_NONE; }
      const len = <i32>load<u8>(b + <usize>(i + 2));
      const lcs = <i32>load<u8>(b + <usize>(i + 3));
      if (len == 0 && lcs == 0xff) { this.consumed = i + 4; return FRAME_ACK; }
      if (len == 0xff && lcs == 0) { this.consumed = i + 4; return FRAME_NACK; }
      if (len == 0 || ((len + lcs) & 0xff) != 0) { i += 1; continue; }
      if (i + 5 + len > this.n) { this.consumed = i; return FRAME_NONE; }
      let sum: i32 = 0;
      for (let k = 0; k <= len; k++) sum += <i32>load<u8>(b + <usize>(i + 4 + k));
      const tfi = load<u8>(b + <usize>(i + 4));
      if ((sum & 0xff) != 0) { this.rejected++; i += 1; continue; }
      if (tfi == 0x7f && len == 1) { this.consumed = i + 5 + len; return FRAME_ERROR; }
      if (tfi != PN532_TFI_PN532 || len < 2) { this.rejected++; i += 1; continue; }
      this.pStart = i + 5;
      this.pLen = len - 1;
      this.consumed = i + 5 + len;
      return FRAME_RESPONSE;
    }
    return FRAME_NONE;
  }

  private compact(): void {
    if (this.consumed == 0) return;
    const rest = this.n - this.consumed;
    if (rest > 0) memory.copy(this.buf, this.buf + <usize>this.consumed, <usize>rest);
    this.n = rest > 0 ? rest : 0;
    this.consumed = 0;
  }
}
