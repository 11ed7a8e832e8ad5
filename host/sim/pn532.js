// The PN532 side of the HSU link: parses host frames, answers with ACK then the response, like the chip.
// present(uidHex, forMs) puts a card in the field (until remove() or forMs of virtual time has passed).
"use strict";

const TFI_HOST = 0xd4, TFI_PN532 = 0xd5;
const ACK = Buffer.from([0, 0, 0xff, 0, 0xff, 0]);
const NACK = Buffer.from([0, 0, 0xff, 0xff, 0, 0]);
const ERROR_FRAME = Buffer.from([0, 0, 0xff, 0x01, 0xff, 0x7f, 0x81, 0x00]);

/** A normal information frame: 00 00 FF LEN LCS TFI data DCS 00. */
function encodeFrame(tfi, data) {
  const len = data.length + 1;
  if (len > 255) throw new RangeError("frame too long");
  const out = Buffer.alloc(data.length + 8);
  out[2] = 0xff; out[3] = len; out[4] = (0x100 - len) & 0xff; out[5] = tfi;
  let sum = tfi;
  for (let i = 0; i < data.length; i++) { out[6 + i] = data[i]; sum += data[i]; }
  out[6 + data.length] = (0x100 - (sum & 0xff)) & 0xff;
  return out;
}

/** Finds complete host frames in buf; returns { frames: [{ tfi, data }], rest }. Bad frames are skipped. */
function scanFrames(buf) {
  const frames = [];
  let i = 0;
  for (;;) {
    while (i + 1 < buf.length && !(buf[i] === 0 && buf[i + 1] === 0xff)) i++;
    if (i + 4 > buf.length) break;
    const len = buf[i + 2], lcs = buf[i + 3];
    if (len === 0 && lcs === 0xff) { frames.push({ ack: true }); i += 4; continue; }
    if (len === 0xff && lcs === 0) { frames.push({ nack: true }); i += 4; continue; }
    if (len === 0 || ((len + lcs) & 0xff) !== 0) { i++; continue; }
    if (i + 5 + len > buf.length) break;
    let sum = 0;
    for (let k = 0; k <= len; k++) sum += buf[i + 4 + k];
    if ((sum & 0xff) !== 0) { i++; continue; }
    frames.push({ tfi: buf[i + 4], data: buf.subarray(i + 5, i + 4 + len) });
    i += 5 + len;
  }
  return { frames, rest: Buffer.from(buf.subarray(i)) };
}

class Pn532Sim {
  /** send(bytes, delayMs) queues bytes towards the image. */
  constructor(send) {
    this.send = send;
    this.rx = Buffer.alloc(0);
    this.uid = null;
    this.until = Infinity;
    this.now = 0;
    this.silent = false;      // answers nothing (unplugged / dead reader)
    this.commands = [];       // command codes received, for tests
    this.ackDelayMs = 1;
    this.responseDelayMs = 5;
  }

  present(uidHex, forMs = Infinity) {
    const uid = Buffer.from(uidHex, "hex");
    if (![4, 7, 10].includes(uid.length)) throw new RangeError("UID must be 4, 7 or 10 bytes");
    this.uid = uid;
    this.until = this.now + forMs;
  }

  remove() { this.uid = null; }

  advance(now) {
    this.now = now;
    if (this.uid && now >= this.until) this.uid = null;
  }

  onBytes(bytes) {
    this.rx = Buffer.concat([this.rx, Buffer.from(bytes)]);
    if (this.rx.length > 4096) this.rx = this.rx.subarray(this.rx.length - 1024);
    const { frames, rest } = scanFrames(this.rx);
    this.rx = rest;
    for (const f of frames) if (f.tfi !== undefined) this.onCommand(f);
  }

  onCommand(f) {
    if (this.silent) return;
    if (f.tfi !== TFI_HOST || f.data.length < 1) { this.send(ERROR_FRAME, this.ackDelayMs); return; }
    const cmd = f.data[0];
    this.commands.push(cmd);
    this.send(ACK, this.ackDelayMs);
    const r = this.response(cmd, f.data.subarray(1));
    this.send(r ? encodeFrame(TFI_PN532, r) : ERROR_FRAME, this.responseDelayMs);
  }

  response(cmd, params) {
    switch (cmd) {
      case 0x02: return [0x03, 0x32, 0x01, 0x06, 0x07];            // GetFirmwareVersion: PN532 v1.6
      case 0x14: return [0x15];                                     // SAMConfiguration
      case 0x32: return [0x33];                                     // RFConfiguration
      case 0x4a: {                                                  // InListPassiveTarget
        if (params.length < 2 || params[1] !== 0x00 || !this.uid) return [0x4b, 0x00];
        const sens = this.uid.length === 4 ? [0x00, 0x04] : [0x00, 0x44];
        return [0x4b, 0x01, 0x01, ...sens, 0x08, this.uid.length, ...this.uid];
      }
      default: return null;
    }
  }
}

module.exports = { Pn532Sim, encodeFrame, scanFrames, ACK, NACK, ERROR_FRAME, TFI_HOST, TFI_PN532 };
