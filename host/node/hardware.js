// Hardware seen by the image, as a placeholder bus: outputs are recorded (and forwarded to a simulator when one
// is attached as `sim` with onUartWrite/onCanSend/onGpioSet); inputs are injected as events that the host loop
// delivers in order like any other (on_uart_data / on_can_frame / on_gpio), never from inside an import.
"use strict";

class Hardware {
  constructor() { this.outputs = []; this.sim = null; this.enqueue = null; }

  /** The host hands its event queue over when it takes this hardware. */
  attach(enqueue) { this.enqueue = enqueue; }

  // ---- image → hardware (imports); return values as in docs/host-abi.md
  uartWrite(port, data) { this.outputs.push({ uart: port, data }); if (this.sim) this.sim.onUartWrite(port, data); return data.length; }
  canSend(bus, id, flags, data) { this.outputs.push({ can: bus, id, flags, data }); if (this.sim) this.sim.onCanSend(bus, id, flags, data); return 0; }
  gpioSet(line, level) { this.outputs.push({ gpio: line, level }); if (this.sim) this.sim.onGpioSet(line, level); return 0; }

  // ---- hardware → image (events)
  uartData(port, data) { this.push({ kind: "uart", port, data: Buffer.from(data) }); }
  canFrame(bus, id, flags, data) { this.push({ kind: "can", bus, id: id >>> 0, flags, data: Buffer.from(data) }); }
  gpio(line, level) { this.push({ kind: "gpio", line, level }); }

  push(ev) {
    if (!this.enqueue) throw new Error("hardware: not attached to a host");
    this.enqueue(ev);
  }
}

module.exports = { Hardware };
