// CAN frame identifiers on the charger bus (29-bit extended ids), modelled on common DC power-module
// protocols: id = function << 16 | destination << 8 | source. Multi-byte fields are big-endian.
// docs/hardware.md lists every frame with its byte layout and scaling.

export const CAN_FLAG_EXT: i32 = 1;
export const CAN_FLAG_RTR: i32 = 2;

export const ADDR_CONTROLLER: u32 = 0xf0;   // this firmware
export const ADDR_MODULE: u32 = 0x01;       // the DC power module (default address)
export const ADDR_METER: u32 = 0x20;        // the DC energy meter
export const ADDR_EVCC_BASE: u32 = 0x30;    // EV communication controller of connector n: 0x30 + n

export const FN_MODULE_SET: u32 = 0x10;     // controller → module: set-point and on/off
export const FN_MODULE_QUERY: u32 = 0x11;   // controller → module: status request
export const FN_MODULE_STATUS: u32 = 0x12;  // module → controller: measured output, status, faults
export const FN_EV_DEMAND: u32 = 0x20;      // EVCC → controller: target voltage/current, SoC, flags
export const FN_METER_QUERY: u32 = 0x30;    // controller → meter: request both frames below
export const FN_METER_VALUES: u32 = 0x31;   // meter → controller: voltage, current, power
export const FN_METER_ENERGY: u32 = 0x32;   // meter → controller: import and export registers

export function canId(fn: u32, dst: u32, src: u32): u32 { return (fn << 16) | ((dst & 0xff) << 8) | (src & 0xff); }
export function canFn(id: u32): u32 { return id >> 16; }
export function canDst(id: u32): u32 { return (id >> 8) & 0xff; }
export function canSrc(id: u32): u32 { return id & 0xff; }

/** True for a well-formed data frame addressed to this controller. */
export function canForUs(id: u32, flags: i32, len: i32): bool {
  return (flags & CAN_FLAG_EXT) != 0 && (flags & CAN_FLAG_RTR) == 0 && id <= 0x1fffffff && len >= 0 && len <= 8 &&
    canDst(id) == ADDR_CONTROLLER;
}

export function getU16(p: usize): i32 { return (<i32>load<u8>(p) << 8) | <i32>load<u8>(p + 1); }
export function getI16(p: usize): i32 { return <i32><i16>getU16(p); }
export function getU32(p: usize): u32 {
  return (<u32>load<u8>(p) << 24) | (<u32>load<u8>(p + 1) << 16) | (<u32>load<u8>(p + 2) << 8) | <u32>load<u8>(p + 3);
}
export function putU16(p: usize, v: i32): void { store<u8>(p, <u8>(v >> 8)); store<u8>(p + 1, <u8>v); }
