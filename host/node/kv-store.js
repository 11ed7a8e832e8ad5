// Persistent key-value storage: one file per key in a data directory. A put is atomic (temp file, fsync,
// rename, fsync of the directory), so after a power cut a key holds its old or its new value, never a mix.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const TEMP_SUFFIX = ".tmp";

class KvStore {
  constructor(dir) {
    this.dir = dir;
    fs.mkdirSync(dir, { recursive: true });
    // Temp files are writes a power cut interrupted: the rename never happened, so the old value stands.
    for (const f of fs.readdirSync(dir)) if (f.endsWith(TEMP_SUFFIX)) fs.rmSync(path.join(dir, f), { force: true });
  }

  fileOf(key) { return path.join(this.dir, Buffer.from(key).toString("hex")); }

  get(key) {
    try { return fs.readFileSync(this.fileOf(key)); } catch (e) { if (e.code === "ENOENT") return undefined; throw e; }
  }

  put(key, value, crashAfterStep = 0) {
    const file = this.fileOf(key);
    const tmp = file + TEMP_SUFFIX;
    const fd = fs.openSync(tmp, "w");
    try {
      fs.writeSync(fd, value);
      if (crashAfterStep === 1) return;
      fs.fsyncSync(fd);
    } finally { fs.closeSync(fd); }
    if (crashAfterStep === 2) return;
    fs.renameSync(tmp, file);
    if (crashAfterStep === 3) return;
    this.syncDir();
  }

  delete(key) {
    fs.rmSync(this.fileOf(key), { force: true });
    this.syncDir();
  }

  syncDir() {
    const d = fs.openSync(this.dir, "r");
    try { fs.fsyncSync(d); } finally { fs.closeSync(d); }
  }

  keys() {
    return fs.readdirSync(this.dir).filter((f) => !f.endsWith(TEMP_SUFFIX)).map((f) => Buffer.from(f, "hex").toString());
  }
}

module.exports = { KvStore };
