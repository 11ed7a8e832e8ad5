// A stand-in for the firmware image with the same exports, for testing the host loop's mechanics without
// depending on what the real image does. It records every export call and checks the minimal-runtime rule:
// __collect after every export call, never a call while another one runs.
"use strict";

const MAX_I64 = 0x7fffffffffffffffn;

/** behaviour: optional callbacks by export name, called as fn(img, ...args); rxCapacity (default 64);
 *  wakeups: sorted monotonic ms at which next_wakeup() asks for a tick (consumed by tick). */
function fakeImage({ behaviour = {}, rxCapacity = 64, wakeups = [] } = {}) {
  const instances = [];
  const calls = [];           // across instances: { i, name, args, rx? }
  const violations = [];
  function instantiate(module, host) {
    const i = instances.length;
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
    const RX = 1024;
    let depth = 0, uncollected = false;
    const img = { i, host, memory, pending: [...wakeups], rx: (n) => Buffer.from(new Uint8Array(memory.buffer, RX, n)) };
    const wrap = (name, fn) => (...args) => {
      if (depth > 0) violations.push(`${name} called inside another export`);
      if (uncollected) violations.push(`${name} called before __collect of the previous call`);
      depth++;
      try {
        const entry = { i, name, args };
        calls.push(entry);
        return fn(...args);
      } finally { depth--; uncollected = true; }
    };
    const event = (name, withRx) => wrap(name, (...args) => {
      if (withRx) calls[calls.length - 1].rx = img.rx(args[withRx - 1]);
      return behaviour[name] ? behaviour[name](img, ...args) : undefined;
    });
    const exports = {
      memory,
      abi_version: () => 4,
      rx_buffer: () => RX,
      rx_capacity: () => rxCapacity,
      init: event("init"),
      config_set: wrap("config_set", (kl, vl) => {
        const b = img.rx(kl + vl);
        calls[calls.length - 1].config = [b.subarray(0, kl).toString(), b.subarray(kl).toString()];
        return behaviour.config_set ? behaviour.config_set(img, kl, vl) : 0;
      }),
      start: event("start"),
      tick: wrap("tick", (now) => {
        while (img.pending.length && BigInt(img.pending[0]) <= now) img.pending.shift();
        return behaviour.tick ? behaviour.tick(img, now) : undefined;
      }),
      next_wakeup: () => (img.pending.length ? BigInt(img.pending[0]) : MAX_I64),
      on_stream_open: event("on_stream_open"),
      on_stream_data: event("on_stream_data", 2),
      on_stream_closed: event("on_stream_closed"),
      on_stream_writable: event("on_stream_writable"),
      on_dgram: event("on_dgram", 2),
      on_uart_data: event("on_uart_data", 2),
      on_can_frame: event("on_can_frame", 4),
      on_gpio: event("on_gpio"),
      __collect: () => { uncollected = false; calls.push({ i, name: "__collect", args: [] }); },
    };
    img.exports = exports;
    instances.push(img);
    return { exports };
  }
  /** The calls other than __collect and next_wakeup, as "name(args)" strings. */
  const trace = () => calls.filter((c) => c.name !== "__collect").map((c) => `${c.name}(${c.args.map(String).join(",")})`);
  return { instantiate, instances, calls, violations, trace };
}

module.exports = { fakeImage, MAX_I64 };
