// The emulated Cortex-M7 board (build/mcu/station.elf on QEMU mps2-an500): the image in its flash is
// build/firmware.wasm byte for byte, and it boots in QEMU to the point where the station connects to its CSMS.
// The scenarios themselves run with STATION_HOST=mcu (Makefile `test`).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { startMcuStation, guestView } = require("../host/node/mcu-station.js");
const { startCsms } = require("./helpers/csms.js");

const ROOT = path.join(__dirname, "..");
const ELF = path.join(ROOT, "build", "mcu", "station.elf");
const WASM = path.join(ROOT, "build", "firmware.wasm");

test("[mcu] the ELF's .firmware section is build/firmware.wasm byte for byte", () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mcu-elf-")), "firmware.bin");
  execFileSync("arm-none-eabi-objcopy", ["-O", "binary", "--only-section=.firmware", ELF, out]);
  const embedded = fs.readFileSync(out);
  const wasm = fs.readFileSync(WASM);
  assert.equal(embedded.length, wasm.length);
  assert.ok(embedded.equals(wasm), "the embedded image differs from build/firmware.wasm");
  // The symbols wasm3 is handed span exactly the image.
  const syms = Object.fromEntries(execFileSync("arm-none-eabi-nm", [ELF], { encoding: "utf8" }).split("\n")
    .map((l) => l.split(" ")).filter((f) => f.length === 3).map(([a, , n]) => [n, parseInt(a, 16)]));
  assert.equal(syms.mcu_image_end - syms.mcu_image, wasm.length);
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
});

test("[mcu] the guest reaches the CSMS at 10.0.2.100 on the same port, forwarded to 127.0.0.1 only", () => {
  assert.deepEqual(guestView("ws://127.0.0.1:9000/ocpp", [8080]), { url: "ws://10.0.2.100:9000/ocpp", ports: [9000, 8080] });
  assert.deepEqual(guestView("ws://localhost:9000"), { url: "ws://10.0.2.100:9000", ports: [9000] });
});

test("[mcu] two ports that are each other's byte swap are refused before QEMU starts (its user networking takes them for one)", async () => {
  // 46005 is 0xB3B5 and 46515 0xB5B3: QEMU exits with "Conflicting/invalid host:port in guest forwarding rule".
  await assert.rejects(startMcuStation({ csmsUrl: "ws://127.0.0.1:46005/ocpp", forwardPorts: [46515] }), /46005 and 46515 cannot both be forwarded/);
  await assert.rejects(startMcuStation({ csmsUrl: "ws://127.0.0.1:46515/ocpp", forwardPorts: [46005] }), /46515 and 46005 cannot both be forwarded/);
});

test("[mcu] boots in QEMU: the image's log lines on UART0, the simulator on UART1-3, stats on the control channel", async (t) => {
  const csms = await startCsms();
  const st = await startMcuStation({ csmsUrl: csms.url, stationId: "CS001", sim: true });
  t.after(() => { st.stop(); csms.close(); });
  await st.settle();
  assert.ok(st.logs.some((l) => /station CS001 connecting to ws:\/\/10\.0\.2\.100:\d+/.test(l.text)),
    `no "connecting" line in ${JSON.stringify(st.logs.slice(0, 5))}`);
  await st.advance(2000);
  const s = await st.status();
  assert.equal(s.evses[0].connectors[0].cp, "A", "the simulator's CP reading arrived over the sim bus");
  const stats = await st.stats();
  assert.equal(stats.code_line_bytes, 4);
  assert.equal(stats.linear_memory, require("../asconfig.json").targets.release.maximumMemory * 65536);
  assert.ok(stats.heap_high_water <= stats.heap_size && stats.c_stack_used < stats.c_stack_size, JSON.stringify(stats));
});
