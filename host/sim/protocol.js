// Numbers shared with the image's drivers (assembly/hardware/lines.ts, can-ids.ts); docs/hardware.md.
"use strict";

const LINE_BLOCK = 10;
const LINES = { CP_SENSE: 0, CP_PWM: 1, CONTACTOR_OUT: 2, CONTACTOR_FB: 3, LOCK_OUT: 4, LOCK_FB: 5 };
const lineOf = (connector, offset) => connector * LINE_BLOCK + offset;

const RFID_UART_PORT = 0;
const CAN_BUS = 0;
const CAN_EXT = 1;

const ADDR = { CONTROLLER: 0xf0, MODULE: 0x01, METER: 0x20, EVCC_BASE: 0x30 };
const FN = {
  MODULE_SET: 0x10, MODULE_QUERY: 0x11, MODULE_STATUS: 0x12,
  EV_DEMAND: 0x20,
  METER_QUERY: 0x30, METER_VALUES: 0x31, METER_ENERGY: 0x32,
};
const canId = (fn, dst, src) => ((fn << 16) | ((dst & 0xff) << 8) | (src & 0xff)) >>> 0;
const canFn = (id) => id >>> 16;
const canDst = (id) => (id >>> 8) & 0xff;
const canSrc = (id) => id & 0xff;

/** CP high-side voltage (mV) per IEC 61851-1 state letter. */
const CP_MV = { A: 12000, B: 9000, C: 6000, D: 3000, E: 0, F: -12000 };

module.exports = { LINE_BLOCK, LINES, lineOf, RFID_UART_PORT, CAN_BUS, CAN_EXT, ADDR, FN, canId, canFn, canDst, canSrc, CP_MV };
