/* The CMSDK APB UART of the MPS2 boards (QEMU mps2-an500, hw/arm/mps2.c: UART0..4 at 0x40004000, 0x40005000,
 * 0x40006000, 0x40007000, 0x40009000; RX interrupts 0, 2, 4, 18, 20, TX one more). Received bytes go from the RX interrupt into a ring buffer (when it is
 * full, the interrupt pauses until the loop reads); writes wait for the transmitter. */
#ifndef UART_H
#define UART_H
#include <stddef.h>
#include <stdint.h>

#define MUART_RX_BYTES 4096   /* a power of two */

typedef struct muart {
    uintptr_t base;
    volatile uint32_t rx_head, rx_tail;   /* written by the interrupt (head) and the loop (tail) */
    volatile uint32_t overruns;           /* bytes the receiver lost (its overrun flag) */
    volatile int held;                    /* the ring was full: RX interrupt off until muart_read made room */
    uint32_t received;                    /* bytes read out of the ring since the open (wraps) */
    uint8_t rx[MUART_RX_BYTES];
} muart;

/* Opens UART n (0..4) at the given divider of the 25 MHz peripheral clock, RX interrupt on. */
int muart_open(muart *u, int n, uint32_t bauddiv);
/* Waits until every byte is in the transmitter. */
void muart_write(muart *u, const void *bytes, size_t len);
/* Up to cap received bytes; 0 when none is waiting. */
size_t muart_read(muart *u, void *buf, size_t cap);
size_t muart_pending(const muart *u);
/* The RX interrupt's work: moves the received byte into the ring (called by the vector table's glue). */
void muart_isr(muart *u);

#endif
