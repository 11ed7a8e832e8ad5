// The Node host's event loop against a fake image (tests/helpers/fake-image.js): virtual-clock stepping,
// __collect after every call and no nesting, stream event order on real loopback sockets, chunking to
// rx_capacity, events of a closed handle dropped, datagrams (one event each, the link switch, settle), traps
// and reboots re-creating the instance, hardware input.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const dgram = require("node:dgram");
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");
const { Host } = require("../host/node/host.js");
const { TrapError } = require("../host/node/image.js");
const codes = require("../host/node/codes.js");
const { fakeImage } = require("./helpers/fake-image.js");

const base = fs.mkdtempSync(path.join(os.tmpdir(), "host-loop-"));
test.after(() => fs.rmSync(base, { recursive: true, force: true }));

function makeHost(t, fake, extra = {}) {
  const host = new Host({ dataDir: fs.mkdtempSync(path.join(base, "d-")), virtualClock: true, instantiate: fake.instantiate, ...extra });
  t.after(() => host.stop());
  return host;
}
const ticks = (fake) => fake.calls.filter((c) => c.name === "tick").map((c) => Number(c.args[0]));
const until = async (host, pred, what, ms = 3000) => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
    host.drain();
  }
};

test("boot: init, one config_set per setting with key and value in rx, start; __collect after each call", (t) => {
  const fake = fakeImage();
  const host = makeHost(t, fake, { config: { station_id: "CS9", csms_url: "ws://h:1/p", skipped: undefined } });
  host.boot();
  assert.deepEqual(fake.calls.filter((c) => c.name === "config_set").map((c) => c.config), [["station_id", "CS9"], ["csms_url", "ws://h:1/p"]]);
  assert.deepEqual(fake.trace().slice(0, 4), ["init(0)", "config_set(10,3)", "config_set(8,10)", "start()"]);
  for (let i = 0; i < fake.calls.length; i++) {
    if (fake.calls[i].name !== "__collect") assert.equal(fake.calls[i + 1] && fake.calls[i + 1].name, "__collect", `${fake.calls[i].name} followed by __collect`);
  }
  assert.deepEqual(fake.violations, []);
});

test("boot: a setting the image rejects is an error naming it", (t) => {
  const fake = fakeImage({ behaviour: { config_set: () => -1 } });
  const host = makeHost(t, fake, { config: { security_profile: "9" } });
  assert.throws(() => host.boot(), /security_profile rejected/);
});

test("virtual clock: advance ticks at every wake-up up to the target, at those exact times, then at the target", async (t) => {
  const fake = fakeImage({ wakeups: [1000, 2500, 7000, 7000] });
  const host = makeHost(t, fake);
  host.boot();
  await host.advance(999);
  assert.deepEqual(ticks(fake), [999]);
  await host.advance(4001);
  assert.deepEqual(ticks(fake), [999, 1000, 2500, 5000]);
  assert.equal(host.clock.now(), 5000);
  await host.advance(2000);
  assert.deepEqual(ticks(fake), [999, 1000, 2500, 5000, 7000]);
  await host.advance(0);
  assert.deepEqual(ticks(fake), [999, 1000, 2500, 5000, 7000], "no tick when time did not move");
  assert.deepEqual(fake.violations, []);
});

test("virtual clock: a wake-up the image keeps in the past cannot stall advance", async (t) => {
  const fake = fakeImage({ behaviour: { tick: (img) => { img.pending = [10]; } }, wakeups: [10] });
  const host = makeHost(t, fake);
  host.boot();
  await host.advance(20);
  assert.equal(host.clock.now(), 20);
  assert.ok(ticks(fake).length <= 12, `ticks ${ticks(fake)}`);
});

test("virtual clock: the wall clock moves with virtual time and follows clock_set_wall_ms", async (t) => {
  const fake = fakeImage({ wakeups: [] });
  const host = makeHost(t, fake);
  host.boot();
  const w0 = host.clock.wall();
  await host.advance(60_000);
  assert.equal(host.clock.wall() - w0, 60_000);
  host.clock.setWall(Date.UTC(2030, 0, 1));
  await host.advance(1000);
  assert.equal(host.clock.wall(), Date.UTC(2030, 0, 1) + 1000);
});

test("streams: completion never inside stream_open; open → data → closed in order; sends reach the peer", async (t) => {
  const received = [];
  const server = net.createServer((s) => {
    s.on("data", (d) => { received.push(d.toString()); s.end("pong"); });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => server.close());
  let handle = 0, openedSync = null;
  const fake = fakeImage({ behaviour: {
    start: (img) => {
      handle = img.host.streams.open("127.0.0.1", server.address().port, false, 0);
      openedSync = img.host.queue.length;
    },
    on_stream_open: (img, h, status) => { if (status === 0) img.host.streams.send(h, Buffer.from("ping")); },
  } });
  const host = makeHost(t, fake);
  host.boot();
  assert.ok(handle > 0);
  assert.equal(openedSync, 0, "no completion queued inside the call");
  assert.ok(!fake.calls.some((c) => c.name === "on_stream_open"));
  await until(host, () => fake.calls.some((c) => c.name === "on_stream_closed"), "close");
  const events = fake.calls.filter((c) => c.name.startsWith("on_stream"));
  assert.deepEqual(events.map((c) => c.name), ["on_stream_open", "on_stream_data", "on_stream_closed"]);
  assert.deepEqual(events[0].args, [handle, codes.OK]);
  assert.equal(events[1].rx.toString(), "pong");
  assert.deepEqual(events[2].args, [handle, codes.OK]);
  assert.deepEqual(received, ["ping"]);
  assert.deepEqual(fake.violations, []);
});

test("streams: a refused connection completes later as on_stream_open(handle, -2); bad arguments fail at once", async (t) => {
  const probe = net.createServer();
  await new Promise((r) => probe.listen(0, "127.0.0.1", r));
  const port = probe.address().port;
  await new Promise((r) => probe.close(r));
  let handle = 0, bad = 0;
  const fake = fakeImage({ behaviour: { start: (img) => {
    handle = img.host.streams.open("127.0.0.1", port, false, 0);
    bad = img.host.streams.open("127.0.0.1", 70000, false, 0);
  } } });
  const host = makeHost(t, fake);
  host.boot();
  assert.ok(handle > 0);
  assert.ok(bad < 0);
  await until(host, () => fake.calls.some((c) => c.name === "on_stream_open"), "completion");
  assert.deepEqual(fake.calls.find((c) => c.name === "on_stream_open").args, [handle, codes.REFUSED]);
});

test("streams: big reads are delivered in pieces of at most rx_capacity, in order", (t) => {
  const fake = fakeImage({ rxCapacity: 16 });
  const host = makeHost(t, fake);
  host.boot();
  const data = Buffer.from("0123456789abcdefghijklmnopqrstuvwxyzABCD"); // 40 bytes
  host.queue.push({ kind: "data", handle: 5, arg: 0, data });
  host.drain();
  const pieces = fake.calls.filter((c) => c.name === "on_stream_data");
  assert.deepEqual(pieces.map((c) => c.args[1]), [16, 16, 8]);
  assert.equal(Buffer.concat(pieces.map((c) => c.rx)).toString(), data.toString());
  assert.deepEqual(fake.violations, []);
});

test("streams: after stream_close no event of that handle reaches the image, even one already queued", (t) => {
  const fake = fakeImage({ rxCapacity: 4, behaviour: { on_stream_data: (img, h) => img.host.streams.close(h) } });
  const host = makeHost(t, fake);
  host.boot();
  host.queue.push({ kind: "data", handle: 3, arg: 0, data: Buffer.from("abcdefgh") }, { kind: "closed", handle: 3, arg: -4 },
    { kind: "data", handle: 4, arg: 0, data: Buffer.from("xy") });
  host.drain();
  const got = fake.calls.filter((c) => c.name.startsWith("on_stream")).map((c) => `${c.name}(${c.args})`);
  assert.deepEqual(got, ["on_stream_data(3,4)", "on_stream_data(4,2)"]);
});

/** A UDP peer on loopback that answers every datagram with `answer(msg)` (nothing when it returns null). */
async function udpPeer(t, answer) {
  const peer = dgram.createSocket("udp4");
  const got = [];
  peer.on("message", (m, r) => {
    got.push({ text: m.toString(), port: r.port });
    const a = answer(m);
    if (a) peer.send(a, r.port, r.address);
  });
  await new Promise((r) => peer.bind(0, "127.0.0.1", r));
  t.after(() => peer.close());
  return { peer, got, port: peer.address().port };
}

test("datagrams: one on_dgram per datagram, cut to rx_capacity, never inside an import; none after dgram_close", async (t) => {
  const { got, port } = await udpPeer(t, (m) => Buffer.from(`${m.toString().toUpperCase()}-0123456789abcdefghij`));
  let handle = 0, queuedInside = null;
  const fake = fakeImage({ rxCapacity: 16, behaviour: { start: (img) => {
    handle = img.host.datagrams.open("127.0.0.1", port);
    assert.equal(img.host.datagrams.send(handle, Buffer.from("ping")), 4);
    queuedInside = img.host.queue.length;
  } } });
  const host = makeHost(t, fake);
  host.boot();
  assert.ok(handle > 0);
  assert.equal(queuedInside, 0);
  const dgrams = () => fake.calls.filter((c) => c.name === "on_dgram");
  await until(host, () => dgrams().length === 1, "the answer");
  assert.deepEqual(dgrams()[0].args, [handle, 16], "cut to the RX buffer, not split");
  assert.equal(dgrams()[0].rx.toString(), "PING-0123456789a");
  assert.deepEqual(got.map((g) => g.text), ["ping"]);
  // Queued for a handle the image closed meanwhile: dropped.
  host.queue.push({ kind: "dgram", handle, data: Buffer.from("late") });
  host.datagrams.close(handle);
  host.drain();
  assert.equal(dgrams().length, 1);
  assert.ok(host.datagrams.send(handle, Buffer.from("x")) < 0, "a closed handle");
  assert.ok(host.datagrams.open("", port) < 0 && host.datagrams.open("127.0.0.1", 0) < 0 && host.datagrams.open("127.0.0.1", 70000) < 0);
  assert.deepEqual(fake.violations, []);
});

test("datagrams: while the link is down sends are lost, nothing arrives and dgram_open is refused; up again they flow", async (t) => {
  const { got, port } = await udpPeer(t, (m) => Buffer.from(`re:${m}`));
  const fake = fakeImage();
  const host = makeHost(t, fake);
  host.boot();
  const handle = host.datagrams.open("127.0.0.1", port);
  host.datagrams.send(handle, Buffer.from("one"));
  const dgrams = () => fake.calls.filter((c) => c.name === "on_dgram").map((c) => c.rx.toString());
  await until(host, () => dgrams().length === 1, "the first answer");
  host.datagrams.setLink(false);
  assert.equal(host.datagrams.open("127.0.0.1", port), codes.REFUSED);
  assert.equal(host.datagrams.send(handle, Buffer.from("lost")), 4, "a lost datagram still counts as sent");
  // The peer sends on its own while the link is down: dropped on arrival.
  const { peer } = await udpPeer(t, () => null);
  await new Promise((r) => peer.send("unasked", got[0].port, "127.0.0.1", r));
  await new Promise((r) => setTimeout(r, 50));
  host.drain();
  assert.deepEqual(got.map((g) => g.text), ["one"]);
  assert.deepEqual(dgrams(), ["re:one"]);
  host.datagrams.setLink(true);
  host.datagrams.send(handle, Buffer.from("two"));
  await until(host, () => dgrams().length === 2, "the answer after link up");
  assert.deepEqual(dgrams(), ["re:one", "re:two"]);
});

test("virtual clock: a datagram sent in a tick is answered at that tick's time (datagrams count for settle)", async (t) => {
  const { port } = await udpPeer(t, (m) => m);
  let handle = 0;
  const fake = fakeImage({ wakeups: [1000], behaviour: {
    start: (img) => { handle = img.host.datagrams.open("127.0.0.1", port); },
    tick: (img, now) => { if (now === 1000n) img.host.datagrams.send(handle, Buffer.from("at 1000")); },
  } });
  const host = makeHost(t, fake);
  host.boot();
  await host.advance(5000);
  const seq = fake.trace().filter((c) => c.startsWith("tick") || c.startsWith("on_dgram"));
  assert.deepEqual(seq, ["tick(1000)", `on_dgram(${handle},7)`, "tick(5000)"]);
});

test("a trap is logged and the instance re-created; a boot loop is not spun", async (t) => {
  const fake = fakeImage({ behaviour: { on_gpio: () => { throw new TrapError("trap: boom at assembly/x.ts:1:2"); } } });
  const host = makeHost(t, fake);
  host.boot();
  host.kv.put("kept", Buffer.from("yes"));
  host.queue.push({ kind: "gpio", line: 1, level: 1 }, { kind: "gpio", line: 2, level: 0 });
  host.drain();
  assert.ok(host.logs.some((l) => l.level === "error" && l.text === "trap: boom at assembly/x.ts:1:2"));
  assert.equal(fake.instances.length, 2, "re-created once; the queued event died with the instance");
  assert.deepEqual(fake.trace().filter((c) => c.startsWith("init")), ["init(0)", "init(0)"]);
  assert.equal(host.kv.get("kept").toString(), "yes");

  const looping = fakeImage({ behaviour: { init: () => { throw new Error("unreachable"); } } });
  const h2 = makeHost(t, looping);
  h2.boot();
  assert.equal(looping.instances.length, 1, "no immediate re-boot of an image that traps while booting");
  assert.ok(h2.logs.some((l) => /traps while booting/.test(l.text)));
});

test("system_reboot asked from tick: the instance is re-created after the call returned, not inside it", async (t) => {
  let asked = false;
  const fake = fakeImage({ wakeups: [100], behaviour: { tick: (img) => { if (!asked) { asked = true; img.host.requestReboot(0); } } } });
  const host = makeHost(t, fake);
  host.boot();
  await host.advance(100);
  assert.equal(fake.instances.length, 2);
  assert.deepEqual(fake.violations, []);
  assert.ok(host.logs.some((l) => /reboot \(kind 0\)/.test(l.text)));
});

test("hardware: outputs recorded; injected UART, CAN and GPIO input delivered as events with bytes in rx", (t) => {
  const fake = fakeImage({ rxCapacity: 8 });
  const host = makeHost(t, fake);
  host.boot();
  assert.equal(host.hardware.uartWrite(1, Buffer.from("AT")), 2);
  assert.equal(host.hardware.canSend(0, 0x18ff50e5, 1, Buffer.from([1, 2])), 0);
  assert.equal(host.hardware.gpioSet(17, 1), 0);
  assert.deepEqual(host.hardware.outputs.map((o) => Object.keys(o)[0]), ["uart", "can", "gpio"]);
  host.hardware.uartData(2, Buffer.from("0123456789"));
  host.hardware.canFrame(0, 0x80000001, 1, [9, 8, 7]);
  host.hardware.gpio(22, 0);
  host.drain();
  const ev = fake.calls.filter((c) => /^on_(uart|can|gpio)/.test(c.name));
  assert.deepEqual(ev.map((c) => `${c.name}(${c.args})`), ["on_uart_data(2,8)", "on_uart_data(2,2)", `on_can_frame(0,${0x80000001},1,3)`, "on_gpio(22,0)"]);
  assert.equal(ev[0].rx.toString() + ev[1].rx.toString(), "0123456789");
  assert.deepEqual([...ev[2].rx], [9, 8, 7]);
});

test("real clock: a timer ticks the image at its next wake-up", async (t) => {
  const fake = fakeImage();
  const host = makeHost(t, fake, { virtualClock: false });
  host.boot();
  fake.instances[0].pending = [host.clock.now() + 30];
  host.schedule();
  await until(host, () => ticks(fake).length > 0, "tick", 2000);
  assert.ok(ticks(fake)[0] >= 30 - 1, `ticked at ${ticks(fake)[0]}`);
});
