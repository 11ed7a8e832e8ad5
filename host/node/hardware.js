// Hardware seen by the image: outputs are recorded (and forwarded to a simulator when one is attached);
// inputs are injected as events. The hardware simulator plugs in here.
"use strict";

class Hardware {
  constructor() { this.outputs = []; this.sim = null; this.inject = null; }
  uartWrite(port, data) { this.outputs.push({ uart: port, data }); if (this.sim) this.sim.onUartWrite(port, data); return data.length; }
  canSend(bus, id, flags, data) { this.outputs.push({ can: bus, id, flags, data }); if (this.sim) this.sim.onCanSend(bus, id, flags, data); return 0; }
  gpioSet(line, level) { this.outputs.push({ gpio: line, level }); if (this.sim) this.sim.onGpioSet(line, level); return 0; }
}

module.exports = { Hardware };
