// Closed loop: the image's hardware drivers (assembly/hardware, built into a small test image from
// host/sim/loop/hw-loop.ts) against the JavaScript simulator (host/sim), on a virtual clock.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { ChargerSim } = require("../host/sim");

const ROOT = path.join(__dirname, "..");
const M = { IMPORT: 0, EXPORT: 1, POWER: 2, CURRENT: 3, CURRENT_OFFERED: 4, POWER_OFFERED: 5, VOLTAGE: 6, SOC: 7, PF: 8 };
const CP = { A: 1, B: 2, C: 3, D: 4, E: 5, F: 6 };

let wasm;
test.before(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hw-loop-"));
  const out = path.join(dir, "hw-loop.wasm");
  // Built outside the project directory so asc does not pick up the firmware's asconfig.json entries.
  execFileSync(process.execPath, [path.join(ROOT, "node_modules/assemblyscript/bin/asc.js"), path.join(ROOT, "host/sim/loop/hw-loop.ts"),
    "--runtime", "minimal", "--exportRuntime", "--optimizeLevel", "3", "--shrinkLevel", "2", "--noAssert",
    "--initialMemory", "4", "--maximumMemory", "4", "-o", out], { cwd: dir, stdio: "pipe" });
  wasm = fs.readFileSync(out);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The image + simulator on one virtual clock, wired the way a host wires them. */
function rig(simOpts = {}, kv = new Map()) {
  let ex = null;
  const mem = () => new Uint8Array(ex.memory.buffer);
  const text = (p, n) => Buffer.from(mem().subarray(p, p + n)).toString();
  const env = {
    abort: () => { throw new Error("image trapped"); },
    uart_write: (port, p, n) => sim.onUartWrite(port, Buffer.from(mem().subarray(p, p + n))),
    can_send: (bus, id, flags, p, n) => sim.onCanSend(bus, id >>> 0, flags, Buffer.from(mem().subarray(p, p + n))),
    gpio_set: (line, level) => sim.onGpioSet(line, level),
    kv_get: (kp, kl, bp, cap) => {
      const v = kv.get(text(kp, kl));
      if (!v) return -1;
      mem().set(v.subarray(0, Math.min(cap, v.length)), bp);
      return v.length;
    },
    kv_put: (kp, kl, vp, vl) => { kv.set(text(kp, kl), Buffer.from(mem().subarray(vp, vp + vl))); return 0; },
    log_write: () => {},
  };
  const event = (fn) => { fn(); ex.__collect(); };
  const sim = new ChargerSim({
    deliverUart: (port, bytes) => event(() => { mem().set(bytes, ex.rx_buffer()); ex.on_uart_data(port, bytes.length); }),
    deliverCan: (bus, id, flags, data) => event(() => { mem().set(data, ex.rx_buffer()); ex.on_can_frame(bus, id, flags, data.length); }),
    deliverGpio: (line, level) => event(() => ex.on_gpio(line, level)),
    ...simOpts,
  });
  ex = new WebAssembly.Instance(new WebAssembly.Module(wasm), { env }).exports;
  let now = 0;
  event(() => ex.init(0n));
  const r = {
    ex, sim, kv,
    get now() { return now; },
    /** Runs both sides to `until`, calling every(now) each 100 ms of virtual time (the station's job). */
    run(until, every) {
      let nextApp = now;
      while (now <= until) {
        event(() => ex.tick(BigInt(now)));
        sim.advance(now);
        if (every && now >= nextApp) { event(() => every(now)); nextApp = now + 100; }
        let next = Math.min(Number(ex.next_wakeup()), sim.nextEventMs(), every ? nextApp : Infinity);
        if (next <= now) next = now + 1;
        if (next > until) { if (now === until) break; next = until; }
        now = next;
      }
    },
    uid() { let s = ""; for (let i = 0; i < ex.last_uid_len(); i++) s += String.fromCharCode(ex.last_uid_char(i)); return s; },
  };
  return r;
}

test("drivers and simulator agree: CP states, reader, card presentations", () => {
  const r = rig();
  r.run(500);
  assert.equal(r.ex.cp_state(1), CP.A);
  assert.equal(r.ex.cp_state(2), CP.A);
  assert.deepEqual(r.sim.reader.commands.slice(0, 3), [0x14, 0x32, 0x4a]);
  r.sim.reader.present("04a1b2c3");
  r.run(1000);
  assert.equal(r.ex.cards(), 1);
  assert.equal(r.uid(), "04A1B2C3");
  r.run(4000);
  assert.equal(r.ex.cards(), 1, "a card held on the reader is one presentation");
  r.sim.reader.remove();
  r.run(4600);
  r.sim.reader.present("04112233445566aa11bbcc".slice(0, 20));
  r.run(5200);
  assert.equal(r.ex.cards(), 2);
  assert.equal(r.uid(), "04112233445566AA11BB");
  assert.equal(r.ex.reader_fault(), 0);
  // The reader dies: retries, re-initialisation, then a fault; it comes back and the fault clears.
  r.sim.reader.silent = true;
  r.run(9000);
  assert.equal(r.ex.reader_fault(), 1);
  r.sim.reader.silent = false;
  r.run(11000);
  assert.equal(r.ex.reader_fault(), 0);
  assert.equal(r.ex.cards(), 2);
});

test("a charging session: plug, ready, contactor, energy, SoC, stop at the target SoC", () => {
  const r = rig({ ev: { capacityWh: 10000, soc: 50, targetSoc: 60, voltage: 400, maxCurrent: 100 } });
  r.run(200);
  r.sim.ev(2).plug();
  r.run(400);
  assert.equal(r.ex.cp_state(2), CP.B);
  r.ex.set_duty(2, 50);
  r.sim.ev(2).setReady(true);
  r.run(600);
  assert.equal(r.ex.cp_state(2), CP.C);
  assert.equal(r.ex.ev_requesting(2), 1);
  r.ex.set_contactor(2, 1);
  r.run(700);
  assert.equal(r.ex.contactor_settled(2), 1);
  const follow = () => r.ex.follow_demand(2);
  r.run(20000, follow);
  const v = r.ex.measurand(2, M.VOLTAGE), i = r.ex.measurand(2, M.CURRENT);
  assert.ok(Math.abs(v - 400) < 0.2, `voltage ${v}`);
  assert.ok(Math.abs(i - 100) < 0.2, `current ${i}`);
  assert.ok(Math.abs(r.ex.measurand(2, M.POWER) - 40000) < 100);
  assert.equal(r.ex.measurand(2, M.CURRENT_OFFERED), 100);
  assert.equal(r.ex.measurand(2, M.POWER_OFFERED), 40000);
  assert.equal(r.ex.measurand(2, M.PF), 1);
  const imp = r.ex.measurand(2, M.IMPORT);
  // Polled once a second at ~11 Wh/s: the register trails the simulator's meter by at most one poll.
  assert.ok(r.sim.meter.importWh - imp >= 0 && r.sim.meter.importWh - imp < 15, `${imp} vs ${r.sim.meter.importWh}`);
  assert.equal(r.ex.measurand(2, M.SOC), Math.floor(r.sim.ev(2).soc));
  // ~1000 Wh to reach 60 %: the EV stops requesting energy, the module follows the demand to off.
  r.run(200000, follow);
  assert.equal(r.ex.ev_stops(), 1);
  assert.equal(r.ex.ev_requesting(2), 0);
  assert.ok(r.sim.ev(2).soc >= 60 && r.sim.ev(2).soc < 60.5);
  assert.equal(r.sim.module.on, false);
  assert.equal(r.ex.output_faults(), 0);
  assert.equal(r.ex.module_faults(), 0);
  assert.equal(r.ex.meter_fault(), 0);
});

test("faults: stuck contactor, silent module, silent meter; the register survives a meter reset and a reboot", () => {
  const kv = new Map();
  const r = rig({ ev: { capacityWh: 50000, soc: 20, targetSoc: 90, maxCurrent: 50 } }, kv);
  r.sim.faultOutput(1, "contactor", "stuck-open");
  r.run(100);
  r.ex.set_contactor(1, 1);
  r.run(400);
  assert.equal(r.ex.output_faults(), 1);
  r.sim.faultOutput(1, "contactor", null);
  r.sim.ev(1).plug();
  r.sim.ev(1).setReady(true);
  r.run(60000, () => r.ex.follow_demand(1));
  const before = r.ex.measurand(1, M.IMPORT);
  assert.ok(before > 250, `${before}`);
  r.sim.meter.reset();
  r.run(63000, () => r.ex.follow_demand(1));
  const after = r.ex.measurand(1, M.IMPORT);
  assert.ok(after >= before, `${after} < ${before}`);
  assert.equal(r.ex.flush(), 0);
  r.sim.module.silent = true;
  r.sim.meter.silent = true;
  r.run(68000);
  assert.equal(r.ex.module_faults(), 0x10000);
  assert.equal(r.ex.meter_fault(), 1);
  // Reboot: a new image on the same storage, the meter now reading from a small value.
  const r2 = rig({}, kv);
  r2.run(2000);
  assert.ok(r2.ex.measurand(1, M.IMPORT) >= after, `${r2.ex.measurand(1, M.IMPORT)} < ${after}`);
});
