// The firmware image's exports: the host → image half of docs/host-abi.md.
// Every export is an event; none blocks, none is re-entered. After each call
// the host calls __collect() (minimal runtime, collection driven by the host).
import { station } from "./station/station";
import { RX_BUFFER, RX_CAPACITY } from "./host/buffers";
import "./host/collect";   // the runtime aliases in asconfig.json point here


/** ABI revision; a host refuses an image whose version it does not know. */
export function abi_version(): i32 { return 4; }

/** Where the host writes inbound bytes before an event that carries a length. */
export function rx_buffer(): usize { return RX_BUFFER; }
export function rx_capacity(): i32 { return RX_CAPACITY; }

/** First call after instantiation: restores persistent state. nowMs is monotonic. */
export function init(nowMs: i64): void { station.init(nowMs); }

/** Sets one start-up setting: key = rx[0, keyLen), value = rx[keyLen, keyLen + valLen). 0 ok, < 0 rejected. */
export function config_set(keyLen: i32, valLen: i32): i32 { return station.configSet(keyLen, valLen); }

/** After init and config_set: begins operating (connects to the CSMS). */
export function start(): void { station.start(); }

/** Time passes: nowMs is the host's monotonic clock (virtual in tests). */
export function tick(nowMs: i64): void { station.tick(nowMs); }

/** Monotonic ms at which the image next needs a tick (i64.MAX_VALUE: none pending). */
export function next_wakeup(): i64 { return station.nextWakeup(); }

export function on_stream_open(handle: i32, status: i32): void { station.onStreamOpen(handle, status); }
export function on_stream_data(handle: i32, len: i32): void { station.onStreamData(handle, len); }
export function on_stream_closed(handle: i32, reason: i32): void { station.onStreamClosed(handle, reason); }
/** The host has room again for a stream whose stream_full answered 1 (ABI revision 4). */
export function on_stream_writable(handle: i32): void { station.onStreamWritable(handle); }
/** One datagram for a dgram_open handle: its first `len` bytes (at most rx_capacity) are in the RX buffer. */
export function on_dgram(handle: i32, len: i32): void { station.onDgram(handle, len); }

export function on_uart_data(port: i32, len: i32): void { station.onUartData(port, len); }
export function on_can_frame(bus: i32, id: u32, flags: i32, len: i32): void { station.onCanFrame(bus, id, flags, len); }
export function on_gpio(line: i32, level: i32): void { station.onGpio(line, level); }

// Test-facing exports (codec round trip for the schema conformance suite).
export * from "./selftest";

/** The station's state as JSON (bench, `make run`): written into the RX buffer; returns its length, < 0 none. */
export function status_report(): i32 { return station.statusReport(); }
