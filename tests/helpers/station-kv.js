// A value the station keeps in storage, read from where the host chosen for the test keeps it: the Node and C
// hosts one file per key (<data>/kv/<hex of the key>), the emulated board a flash file in core/rstore.c's layout
// (host/c/mcu/kv.c). Null when the key is absent.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const zlib = require("node:zlib");

const SECTOR = 32768;   // MKV_SECTOR_BYTES
const SECTORS = 32;     // MKV_SECTORS: the record store's part of the flash file (the firmware slots follow it)

/** The newest committed value of key in a flash file of core/rstore.c's layout (4-byte units), or null. */
function readFlashKey(file, key) {
  const d = fs.readFileSync(file);
  const sectors = [];
  for (let i = 0; i < SECTORS && i * SECTOR < d.length; i++) {
    const s = d.subarray(i * SECTOR, (i + 1) * SECTOR);
    const seq = s.readUInt32LE(12);
    if (s.readUInt32LE(0) === 0x31465352 && seq !== 0xffffffff) sectors.push({ s, seq });
  }
  let value = null;
  for (const { s } of sectors.sort((a, b) => a.seq - b.seq)) {
    for (let off = 20; off + 12 <= SECTOR;) {
      const h = s.subarray(off, off + 12);
      if (h.every((b) => b === 0xff)) break;
      if (zlib.crc32(h.subarray(0, 8)) !== h.readUInt32LE(8)) { off += 12; continue; }
      const [kind, klen, vlen] = [h[0], h[1], h.readUInt16LE(2)];
      const size = 12 + ((klen + vlen + 3) & ~3) + 4;
      const committed = s.readUInt32LE(off + size - 4) === 0;
      if (committed && s.subarray(off + 12, off + 12 + klen).toString() === key) {
        value = kind === 0x56 ? Buffer.from(s.subarray(off + 12 + klen, off + 12 + klen + vlen)) : null;
      }
      off += size;
    }
  }
  return value;
}

/** The stored value of `key` for the station handle `st`, or null. */
function readStationKey(st, key) {
  if (st.flashFile) return readFlashKey(st.flashFile, key);
  const file = path.join(st.dataDir || st.host.dataDir, "kv", Buffer.from(key).toString("hex"));
  return fs.existsSync(file) ? fs.readFileSync(file) : null;
}

module.exports = { readStationKey, readFlashKey };
