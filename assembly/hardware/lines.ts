// Where the charger's hardware is wired: GPIO line numbers, the UART port and the CAN bus.
// docs/hardware.md is the reference; host/sim/lines.js mirrors these numbers.

/** Connectors are numbered 1 (cTesla) and 2 (cCCS1); each owns a block of 10 GPIO lines. */
export const CONNECTOR_COUNT: i32 = 2;
export const LINE_BLOCK: i32 = 10;

// Offsets inside a connector's block (line = connector * LINE_BLOCK + offset).
/** Input: CP high-side voltage in millivolts (signed), from the ADC. */
export const CP_SENSE: i32 = 0;
/** Output: CP PWM duty in 0.1 % (1000 = steady +12 V, 50 = 5 % digital communication, 0 = -12 V). */
export const CP_PWM: i32 = 1;
/** Output: DC contactor coil, 1 closed. */
export const CONTACTOR_OUT: i32 = 2;
/** Input: contactor auxiliary (mirror) contact, 1 closed. */
export const CONTACTOR_FB: i32 = 3;
/** Output: connector lock actuator, 1 locked. */
export const LOCK_OUT: i32 = 4;
/** Input: lock position switch, 1 locked. */
export const LOCK_FB: i32 = 5;

export function lineOf(connector: i32, offset: i32): i32 { return connector * LINE_BLOCK + offset; }

/** The UART the PN532 reader is on (HSU, 115200 8N1). */
export const RFID_UART_PORT: i32 = 0;
/** The CAN bus shared by power module, DC meter and EV communication controllers (29-bit ids). */
export const CHARGER_CAN_BUS: i32 = 0;
