// The record store on the emulated board (host/c/mcu/kv.c over the semihosted flash file): QEMU killed at random
// instants, while the station works, is a power cut; every boot mounts the store again, and no committed value is
// lost. The station has no CSMS here, so its security log ("sec.log", one StartupOfTheDevice per boot) only
// grows: read from the flash file after each cut, its count never goes back. core/rstore.c's own tests
// (test_rstore, make c-test) cut inside every program and erase.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { startMcuStation } = require("../host/node/mcu-station.js");
const { readFlashKey } = require("./helpers/station-kv.js");


test("[mcu] flash: QEMU killed at random instants: every boot mounts the store, and no committed value is lost", { timeout: 10 * 60_000 }, async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mcu-flash-"));
  const st = await startMcuStation({ csmsUrl: "ws://127.0.0.1:9/ocpp", stationId: "CS001", dataDir });
  t.after(() => { st.stop(); fs.rmSync(dataDir, { recursive: true, force: true }); });
  let seed = 20261207;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const counts = [];
  const CUTS = 10;
  for (let i = 0; i < CUTS; i++) {
    st.advance(1000 + Math.floor(rnd() * 20000)).catch(() => {});   // the station at work when the cut comes
    await new Promise((r) => setTimeout(r, Math.floor(rnd() * 400)));
    await st.powerCycle();
    const log = readFlashKey(st.flashFile, "sec.log");
    counts.push(log ? log[1] : 0);   // docs/security.md: byte 1 is the number of entries
  }
  await st.settle();
  t.diagnostic(`security events in storage after each cut: ${counts.join(" ")}`);
  const mounts = st.logs.filter((l) => /^flash: \d+ keys, \d+ B of records, mounted in \d+ ms$/.test(l.text));
  assert.equal(mounts.length, CUTS + 1, "each boot mounted the store");
  for (let i = 1; i < counts.length; i++) assert.ok(counts[i] >= counts[i - 1], `security events lost: ${counts}`);
  assert.ok(counts[counts.length - 1] >= 1 && counts[counts.length - 1] <= 48, `${counts}`);
});
