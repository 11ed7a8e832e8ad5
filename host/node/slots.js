// Firmware slots (ABI revision 3, docs/host-abi.md "Firmware slots"): two image slots A/B in dataDir/fw
// (slot-a.wasm, slot-b.wasm) and the slot state record fw/state, replaced atomically. A newly installed image boots
// once on trial and must confirm itself (fw_slot_confirm); any other end of that instance, the trial deadline, or a
// refusal at load makes the next boot run the previous slot, with state 2 (reverted). The factory image (the
// module the host was started with) is slot A's content while slot A is empty.
//
// The state record is the C core's (host/c/core/slots.c), so a data directory works with either host:
//   0..1 "FS", 2 format (1), 3 active slot (0 A, 1 B), 4 flags (bit0 pending install of the inactive slot,
//   bit1 the active slot runs on trial, bit2 reverted), 5..7 zero, 8..11 length of the completed image in the
//   inactive slot (u32 LE; 0 none).
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const FLAG_PENDING = 1, FLAG_TRIAL = 2, FLAG_REVERTED = 4;
const STATE_LEN = 12;
/** Bytes per slot on the Linux hosts (the C host's posix port uses the same). */
const SLOT_CAPACITY = 4 * 1024 * 1024;
const TRIAL_DEADLINE_MS = 600_000;

const EMPTY = Object.freeze({ active: 0, flags: 0, complete: 0 });

function decodeState(b) {
  if (!b || b.length !== STATE_LEN || b[0] !== 0x46 || b[1] !== 0x53 || b[2] !== 1 || b[3] > 1) return null;
  return { active: b[3], flags: b[4] & 7, complete: b.readUInt32LE(8) };
}

function encodeState(s) {
  const b = Buffer.alloc(STATE_LEN);
  b[0] = 0x46; b[1] = 0x53; b[2] = 1; b[3] = s.active; b[4] = s.flags;
  b.writeUInt32LE(s.complete >>> 0, 8);
  return b;
}

class Slots {
  /** dir: the fw folder; certs: the CertStore (its kind-1 roots); capacity: bytes per slot; log(level, text). */
  constructor({ dir, certs, capacity = SLOT_CAPACITY, log = () => {} }) {
    this.dir = dir;
    this.certs = certs;
    this.capacity = capacity;
    this.log = log;
    this.writing = null;   // { slot, written } between fw_slot_begin and fw_slot_end (this instance only)
    fs.mkdirSync(dir, { recursive: true });
    for (const f of fs.readdirSync(dir)) if (f.endsWith(".tmp")) fs.rmSync(path.join(dir, f), { force: true });
  }

  file(slot) { return path.join(this.dir, slot === 0 ? "slot-a.wasm" : "slot-b.wasm"); }

  read() {
    let b = null;
    try { b = fs.readFileSync(path.join(this.dir, "state")); } catch (e) { if (e.code !== "ENOENT") throw e; }
    const s = decodeState(b);
    if (b && !s) this.log("warn", "host: fw/state unreadable; slot A boots");
    return { ...(s || EMPTY) };
  }

  /** Atomic replace: temp file, fsync, rename, fsync of the folder. */
  save(s) {
    const file = path.join(this.dir, "state"), tmp = file + ".tmp";
    const fd = fs.openSync(tmp, "w");
    try { fs.writeSync(fd, encodeState(s)); fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
    fs.renameSync(tmp, file);
    this.syncDir();
  }

  syncDir() { const d = fs.openSync(this.dir, "r"); try { fs.fsyncSync(d); } finally { fs.closeSync(d); } }

  /** The bytes of a slot, or null when it is empty (slot A: the factory image). */
  bytes(slot, len) {
    let b;
    try { b = fs.readFileSync(this.file(slot)); } catch (e) { if (e.code === "ENOENT") return null; throw e; }
    if (len !== undefined) b = b.subarray(0, len);
    return b.length ? b : null;
  }

  /** Boot decision, persisted before the image runs: a trial that ended reverts (state 2); a pending install
   *  starts its trial. Returns { slot, trial }. */
  boot() {
    this.writing = null;
    const s = this.read();
    if (s.flags & FLAG_TRIAL) return this.revert(s, "the trial image ended before it confirmed");
    if (s.flags & FLAG_PENDING) {
      const next = { active: s.active ^ 1, flags: FLAG_TRIAL, complete: 0 };
      this.save(next);
      this.log("info", `host: slot ${"AB"[next.active]} boots on trial`);
      return { slot: next.active, trial: true };
    }
    return { slot: s.active, trial: false };
  }

  /** The running trial failed (why): the previous slot becomes active again, with state 2. */
  revert(s = this.read(), why = "the trial failed") {
    const back = { active: s.active ^ 1, flags: FLAG_REVERTED, complete: 0 };
    this.save(back);
    this.log("warn", `host: ${why}; slot ${"AB"[back.active]} boots again (reverted)`);
    return { slot: back.active, trial: false };
  }

  onTrial() { return (this.read().flags & FLAG_TRIAL) !== 0; }

  begin(size) {
    if (size < 0 || size > this.capacity) return -1;
    const s = this.read();
    if (s.flags & FLAG_TRIAL) return -3;
    const slot = s.active ^ 1;
    // Forget what the slot held (an unfinished or installed-but-not-booted image) before erasing it.
    if (s.flags & FLAG_PENDING || s.complete) this.save({ active: s.active, flags: s.flags & ~FLAG_PENDING, complete: 0 });
    const fd = fs.openSync(this.file(slot), "w");
    try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
    this.syncDir();
    this.writing = { slot, written: 0 };
    return 0;
  }

  write(offset, bytes) {
    if (!this.writing) return -4;
    const w = this.writing;
    if (offset !== w.written || w.written + bytes.length > this.capacity) return -1;
    fs.appendFileSync(this.file(w.slot), bytes);
    w.written += bytes.length;
    return bytes.length;
  }

  end() {
    if (!this.writing) return -4;
    const { slot, written } = this.writing;
    const fd = fs.openSync(this.file(slot), "r+");
    try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
    this.syncDir();
    const s = this.read();
    this.save({ active: s.active, flags: s.flags & ~FLAG_PENDING, complete: written });
    this.writing = null;
    return written;
  }

  /** fw_slot_verify: 1 / 0 / -1 / -2 / -3 (docs/host-abi.md). */
  verify(certBytes, sig) {
    const s = this.read();
    if (!s.complete || (s.flags & FLAG_TRIAL)) return -1;
    const image = this.bytes(s.active ^ 1, s.complete);
    if (!image || image.length !== s.complete) return -1;
    const text = certBytes.toString("latin1");
    let chain;
    try {
      chain = text.includes("-----BEGIN CERTIFICATE-----")
        ? text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g).map((p) => new crypto.X509Certificate(p))
        : [new crypto.X509Certificate(certBytes)];
    } catch { return -2; }
    if (!chainsToManufacturerRoot(chain, this.certs)) return -3;
    const key = chain[0].publicKey;
    try {
      if (key.asymmetricKeyType === "ec") return crypto.verify("sha256", image, key, sig) ? 1 : 0;
      if (key.asymmetricKeyType === "rsa") return crypto.verify("sha256", image, { key, padding: crypto.constants.RSA_PKCS1_PADDING }, sig) ? 1 : 0;
    } catch { return 0; }
    return 0;
  }

  install() {
    const s = this.read();
    if (!s.complete || (s.flags & FLAG_TRIAL)) return -1;
    this.save({ active: s.active, flags: s.flags | FLAG_PENDING, complete: s.complete });
    return 0;
  }

  confirm() {
    const s = this.read();
    if (s.flags & (FLAG_TRIAL | FLAG_REVERTED)) {
      this.save({ active: s.active, flags: s.flags & ~(FLAG_TRIAL | FLAG_REVERTED), complete: s.complete });
      if (s.flags & FLAG_TRIAL) this.log("info", `host: slot ${"AB"[s.active]} confirmed`);
    }
    return 0;
  }

  state() {
    const f = this.read().flags;
    return f & FLAG_TRIAL ? 1 : f & FLAG_REVERTED ? 2 : 0;
  }
}

/** Every certificate of the chain within its validity period, each signed by the next (or by a root), ending at
 *  an installed ManufacturerRootCertificate (store kind 1) that is itself valid. */
function chainsToManufacturerRoot(chain, certs) {
  const now = Date.now();
  const valid = (c) => Date.parse(c.validFrom) <= now && now <= Date.parse(c.validTo);
  const roots = certs.entries().filter((e) => e.kind === 1).map((e) => e.cert);
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i];
    if (!valid(cert)) return false;
    const root = roots.find((r) => cert.checkIssued(r) && cert.verify(r.publicKey));
    if (root) return valid(root);
    const next = chain[i + 1];
    if (!next || !next.ca || !cert.checkIssued(next) || !cert.verify(next.publicKey)) return false;
  }
  return false;
}

/** The content of the module's last `station.firmware_version` custom section (UTF-8), or null. */
function firmwareVersion(module) {
  const s = module ? WebAssembly.Module.customSections(module, "station.firmware_version") : [];
  return s.length ? Buffer.from(s[s.length - 1]).toString("utf8") : null;
}

module.exports = { Slots, firmwareVersion, SLOT_CAPACITY, TRIAL_DEADLINE_MS, decodeState, encodeState };
