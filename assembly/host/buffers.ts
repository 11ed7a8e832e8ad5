// Fixed buffers shared with the host. Allocated once, never freed, so the
// host may cache their addresses for the life of the instance.

import { RX_CAPACITY } from "../core/limits";

export { RX_CAPACITY };
/** Inbound bytes (stream data, UART bytes, CAN payloads, config) are written here by the host. */
export const RX_BUFFER: usize = heap.alloc(<usize>RX_CAPACITY);
