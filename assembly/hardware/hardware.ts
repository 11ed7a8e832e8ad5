// The charger's hardware as one object: routes the image's GPIO/UART/CAN events to the drivers and
// gathers their wake-up times. The station owns one instance (reachable from a global) and forwards
// on_gpio / on_uart_data / on_can_frame / tick / next_wakeup to it.
import { RX_BUFFER } from "../host/buffers";
import { HardwareListener, OUTPUT_CONTACTOR, OUTPUT_LOCK } from "./listener";
import { ControlPilot } from "./control-pilot";
import { FeedbackOutput, CONTACTOR_TIMEOUT_MS, LOCK_TIMEOUT_MS } from "./feedback-output";
import { RfidReader } from "./rfid-reader";
import { PowerModule } from "./power-module";
import { EvDemand } from "./ev-demand";
import { DcMeter } from "./dc-meter";
import { readMeasurand } from "./measurands";
import { canForUs, canFn, canSrc, ADDR_MODULE, ADDR_EVCC_BASE, FN_EV_DEMAND } from "./can-ids";
import { CONNECTOR_COUNT, LINE_BLOCK, CP_SENSE, CONTACTOR_OUT, CONTACTOR_FB, LOCK_OUT, LOCK_FB, RFID_UART_PORT,
  CHARGER_CAN_BUS, lineOf } from "./lines";

export class HardwareConfig {
  /** Fixed cables usually have no lock; true adds a lock output per connector. */
  lockPresent: bool = false;
  /** The lock reports its position on LOCK_FB. */
  lockFeedback: bool = true;
  /** The contactor's auxiliary contact is wired to CONTACTOR_FB. */
  contactorFeedback: bool = true;
  moduleAddress: u32 = ADDR_MODULE;
}

export class ChargerHardware {
  readonly cp: StaticArray<ControlPilot>;
  readonly contactor: StaticArray<FeedbackOutput>;
  readonly lock: StaticArray<FeedbackOutput>;
  readonly ev: StaticArray<EvDemand>;
  readonly rfid: RfidReader;
  readonly module: PowerModule;
  readonly meter: DcMeter;

  constructor(listener: HardwareListener, config: HardwareConfig = new HardwareConfig()) {
    this.rfid = new RfidReader(RFID_UART_PORT, listener);
    this.module = new PowerModule(CHARGER_CAN_BUS, config.moduleAddress, listener);
    this.meter = new DcMeter(CHARGER_CAN_BUS, listener);
    const cp = new StaticArray<ControlPilot>(CONNECTOR_COUNT);
    const contactor = new StaticArray<FeedbackOutput>(CONNECTOR_COUNT);
    const lock = new StaticArray<FeedbackOutput>(CONNECTOR_COUNT);
    const ev = new StaticArray<EvDemand>(CONNECTOR_COUNT);
    for (let i = 0; i < CONNECTOR_COUNT; i++) {
      const c = i + 1;
      cp[i] = new ControlPilot(c, listener);
      contactor[i] = new FeedbackOutput(c, OUTPUT_CONTACTOR, lineOf(c, CONTACTOR_OUT),
        config.contactorFeedback ? lineOf(c, CONTACTOR_FB) : -1, CONTACTOR_TIMEOUT_MS, listener);
      lock[i] = new FeedbackOutput(c, OUTPUT_LOCK, config.lockPresent ? lineOf(c, LOCK_OUT) : -1,
        config.lockPresent && config.lockFeedback ? lineOf(c, LOCK_FB) : -1, LOCK_TIMEOUT_MS, listener);
      ev[i] = new EvDemand(c, listener);
    }
    this.cp = cp; this.contactor = contactor; this.lock = lock; this.ev = ev;
  }

  /** Restores persisted state (meter register floors). Call once before the first tick. */
  init(now: i64): void { this.meter.load(now); }

  tick(now: i64): void {
    for (let i = 0; i < CONNECTOR_COUNT; i++) {
      this.cp[i].tick(now); this.contactor[i].tick(now); this.lock[i].tick(now); this.ev[i].tick(now);
    }
    this.rfid.tick(now);
    this.module.tick(now);
    this.meter.tick(now);
  }

  nextWakeup(): i64 {
    let t = min(this.rfid.nextWakeup(), min(this.module.nextWakeup(), this.meter.nextWakeup()));
    for (let i = 0; i < CONNECTOR_COUNT; i++) {
      t = min(t, min(min(this.cp[i].nextWakeup(), this.ev[i].nextWakeup()),
        min(this.contactor[i].nextWakeup(), this.lock[i].nextWakeup())));
    }
    return t;
  }

  /** on_gpio: true if the line belongs to the charger hardware. */
  onGpio(line: i32, level: i32): bool {
    const c = line / LINE_BLOCK, off = line % LINE_BLOCK;
    if (line < 0 || c < 1 || c > CONNECTOR_COUNT) return false;
    const i = c - 1;
    if (off == CP_SENSE) { this.cp[i].onLevel(level); return true; }
    if (off == CONTACTOR_FB && this.contactor[i].fbLine == line) { this.contactor[i].onFeedback(level); return true; }
    if (off == LOCK_FB && this.lock[i].fbLine == line) { this.lock[i].onFeedback(level); return true; }
    return false;
  }

  /** on_uart_data: the bytes are in the RX buffer. */
  onUartData(port: i32, len: i32): bool {
    if (port != this.rfid.port || len <= 0) return false;
    this.rfid.onUartData(RX_BUFFER, len);
    return true;
  }

  /** on_can_frame: the payload is in the RX buffer. */
  onCanFrame(bus: i32, id: u32, flags: i32, len: i32): bool {
    if (bus != CHARGER_CAN_BUS || !canForUs(id, flags, len)) return false;
    if (this.module.onFrame(id, RX_BUFFER, len)) return true;
    if (this.meter.onFrame(id, RX_BUFFER, len)) return true;
    const src = canSrc(id);
    if (canFn(id) == FN_EV_DEMAND && src > ADDR_EVCC_BASE && src <= ADDR_EVCC_BASE + <u32>CONNECTOR_COUNT) {
      this.ev[<i32>(src - ADDR_EVCC_BASE) - 1].onFrame(RX_BUFFER, len);
      return true;
    }
    return false;
  }

  /** A measurand (M_* in measurands.ts) for a connector (1-based); NaN if not available. */
  measurand(connector: i32, id: i32): f64 {
    const i = connector >= 1 && connector <= CONNECTOR_COUNT ? connector - 1 : 0;
    return readMeasurand(id, this.meter, this.module, this.ev[i]);
  }
}
