// SLCAN (the Lawicel ASCII protocol of serial CAN adapters), the adapter's side, for the board whose CAN bus
// goes through such an adapter on a UART (host/c/mcu/slcan.c is the controller's side; docs/hardware.md):
//   "tIIILDD..\r" standard frame, "TIIIIIIIILDD..\r" extended, "rIIIL\r" / "RIIIIIIIIL\r" remote (hex, L 0..8),
//   "O\r" open, "C\r" close, "S0\r".."S8\r" bit rate; answers "\r" done, "z\r" / "Z\r" frame sent, "\a" error.
// No npm package speaks SLCAN (none in the registry), hence this codec.
"use strict";

const EXT = 1, RTR = 2;
const MAX_LINE = 32;

/** The line of one frame ({ id, flags, data }), with its "\r"; throws RangeError on an invalid frame. */
function encodeFrame(id, flags, data = []) {
  const ext = (flags & EXT) !== 0, rtr = (flags & RTR) !== 0, len = rtr ? Number(data.length ?? data) : data.length;
  if (!Number.isInteger(len) || len < 0 || len > 8) throw new RangeError("CAN frame: 0..8 data bytes");
  if (!Number.isInteger(id) || id < 0 || id > (ext ? 0x1fffffff : 0x7ff)) throw new RangeError("CAN frame: id out of range");
  const head = (rtr ? (ext ? "R" : "r") : (ext ? "T" : "t")) + id.toString(16).toUpperCase().padStart(ext ? 8 : 3, "0") + len;
  return head + (rtr ? "" : Buffer.from(data).toString("hex").toUpperCase()) + "\r";
}

/** One line without its "\r": { frame: { id, flags, data } }, { command: "O" | "C" | "S6" | ... }, { ack: true },
 *  or null when malformed. */
function parseLine(s) {
  if (s === "" || s === "z" || s === "Z") return { ack: true };
  if (s === "O" || s === "C" || /^S[0-8]$/.test(s)) return { command: s };
  const kind = s[0];
  if (!"tTrR".includes(kind) || !/^[0-9A-Fa-f]*$/.test(s.slice(1))) return null;
  const ext = kind === "T" || kind === "R", rtr = kind === "r" || kind === "R", digits = ext ? 8 : 3;
  if (s.length < 2 + digits) return null;
  const id = parseInt(s.slice(1, 1 + digits), 16), len = Number(s[1 + digits]);
  if (id > (ext ? 0x1fffffff : 0x7ff) || !(len <= 8)) return null;
  const body = rtr ? 0 : 2 * len, rest = s.length - 2 - digits;
  if (rest !== body && rest !== body + 4) return null;   // optionally a 4-digit timestamp
  const data = Buffer.from(s.slice(2 + digits, 2 + digits + body), "hex");
  return { frame: { id, flags: (ext ? EXT : 0) | (rtr ? RTR : 0), data } };
}

/** Splits a byte stream into SLCAN lines. push(bytes) returns the items of the complete lines (as parseLine,
 *  { bell: true } for "\a", { bad: line } for a malformed or over-long one); counts them in stats. */
class SlcanReader {
  constructor() { this.line = ""; this.overlong = false; this.stats = { lines: 0, frames: 0, bad: 0, bells: 0 }; }

  push(bytes) {
    const out = [];
    for (const b of bytes) {
      if (b === 0x07) { this.stats.bells++; out.push({ bell: true }); this.line = ""; this.overlong = false; continue; }
      if (b === 0x0a && this.line === "") continue;
      if (b !== 0x0d) {
        if (this.line.length < MAX_LINE) this.line += String.fromCharCode(b);
        else this.overlong = true;
        continue;
      }
      const item = this.overlong ? null : parseLine(this.line);
      this.stats.lines++;
      if (!item) { this.stats.bad++; out.push({ bad: this.line }); }
      else { if (item.frame) this.stats.frames++; out.push(item); }
      this.line = ""; this.overlong = false;
    }
    return out;
  }
}

/** The adapter: lines from the controller in (onBytes), frames for the bus out (onFrame(id, flags, data)); answers
 *  each command as a Lawicel adapter does (write(bytes)). Frames pass only while the channel is open. */
class SlcanAdapter {
  constructor({ write, onFrame }) {
    this.write = write; this.onFrame = onFrame;
    this.reader = new SlcanReader();
    this.open = false; this.bitrate = null;
    this.stats = { linesIn: 0, linesOut: 0, framesIn: 0, framesOut: 0, errors: 0 };
  }

  onBytes(bytes) {
    for (const item of this.reader.push(bytes)) {
      if (item.bell || item.ack) continue;
      this.stats.linesIn++;
      if (item.bad !== undefined) { this.error(); continue; }
      if (item.command) {
        if (item.command === "O") { if (this.open || this.bitrate === null) { this.error(); continue; } this.open = true; }
        else if (item.command === "C") this.open = false;
        else if (this.open) { this.error(); continue; }
        else this.bitrate = Number(item.command[1]);
        this.reply("\r");
        continue;
      }
      if (!this.open) { this.error(); continue; }
      this.stats.framesIn++;
      this.reply(item.frame.flags & EXT ? "Z\r" : "z\r");
      this.onFrame(item.frame.id, item.frame.flags, item.frame.data);
    }
  }

  /** A frame from the bus to the controller; false while the channel is closed (the adapter drops it). */
  sendFrame(id, flags, data) {
    if (!this.open) return false;
    this.stats.framesOut++; this.stats.linesOut++;
    this.write(Buffer.from(encodeFrame(id, flags, data), "latin1"));
    return true;
  }

  reply(s) { this.write(Buffer.from(s, "latin1")); }
  error() { this.stats.errors++; this.write(Buffer.from([0x07])); }
}

module.exports = { encodeFrame, parseLine, SlcanReader, SlcanAdapter, SLCAN_EXT: EXT, SLCAN_RTR: RTR };
