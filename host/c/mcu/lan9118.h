/* The SMSC LAN9118 Ethernet controller (QEMU's mps2-an500: registers at 0xA0000000, interrupt 13; the driver
 * polls and leaves the interrupt off). 32-bit register access, frames through the TX and RX data FIFOs; the
 * MAC address is the one the device holds after reset (QEMU: -nic ...,mac=, default 52:54:00:12:34:56). */
#ifndef LAN9118_H
#define LAN9118_H
#include <stddef.h>
#include <stdint.h>

#define L9_MPS2_AN500_BASE 0xA0000000u
#define L9_MAX_FRAME 1514            /* without the CRC */

typedef struct l9 {
    volatile uint32_t *regs;
    uint8_t mac[6];
    unsigned long rx_frames, rx_errors, tx_frames, tx_full;
} l9;

/* Resets the controller and turns receive and transmit on: 0, or -1 when no LAN9118 answers at base. */
int l9_init(l9 *d, uintptr_t base);
/* Receive, in two steps: the length of the next good frame (0: none waiting); frames with errors or longer than
 * L9_MAX_FRAME are skipped and counted. Then l9_rx_read copies it (out: word-aligned, len rounded up to 4
 * bytes of room) or l9_rx_skip drops it; one of the two must follow every nonzero l9_rx_next. */
size_t l9_rx_next(l9 *d);
void l9_rx_read(l9 *d, uint8_t *out, size_t len);
void l9_rx_skip(l9 *d, size_t len);
/* Queues one whole frame (14..L9_MAX_FRAME bytes, any alignment): 0, or -1 (no room in the TX FIFO: the frame
 * is lost, as on a busy wire). */
int l9_send(l9 *d, const uint8_t *frame, size_t len);
/* PHY link (the cable): 1 up, 0 down. */
int l9_link_up(l9 *d);

#endif
