#include "uart.h"
#include "cm7.h"

enum { R_DATA = 0x00, R_STATE = 0x04, R_CTRL = 0x08, R_INT = 0x0C, R_BAUDDIV = 0x10 };
enum { ST_TXFULL = 1, ST_RXFULL = 2 };
enum { CTRL_TXEN = 1, CTRL_RXEN = 2, CTRL_RXINT = 8 };
enum { INT_RX = 2, INT_RXO = 8 };

#define REG(u, r) (*(volatile uint32_t *)((u)->base + (r)))

#define MUART_COUNT 5
static const uintptr_t bases[MUART_COUNT] = { 0x40004000u, 0x40005000u, 0x40006000u, 0x40007000u, 0x40009000u };
static const int rx_irqs[MUART_COUNT] = { 0, 2, 4, 18, 20 };

/* Vector-table glue, the one exception to "no globals": an interrupt handler has no argument, so it finds the
 * UART's context here. */
static muart *owners[MUART_COUNT];

int muart_open(muart *u, int n, uint32_t bauddiv) {
    if (n < 0 || n >= MUART_COUNT || bauddiv < 16) return -1;
    u->base = bases[n];
    u->rx_head = u->rx_tail = 0;
    u->overruns = 0;
    u->received = 0;
    u->held = 0;
    owners[n] = u;
    REG(u, R_CTRL) = 0;
    REG(u, R_BAUDDIV) = bauddiv;
    REG(u, R_INT) = 0xF;
    REG(u, R_CTRL) = CTRL_TXEN | CTRL_RXEN | CTRL_RXINT;
    /* A read of DATA tells the emulated UART its receiver is free: QEMU's holds back bytes that came while the
     * receiver was off until then (harmless on a real UART). */
    (void)REG(u, R_DATA);
    cm7_irq_enable(rx_irqs[n]);   /* RX interrupt */
    return 0;
}

void muart_write(muart *u, const void *bytes, size_t len) {
    const uint8_t *b = bytes;
    for (size_t i = 0; i < len; i++) {
        while (REG(u, R_STATE) & ST_TXFULL) {}
        REG(u, R_DATA) = b[i];
    }
}

size_t muart_pending(const muart *u) { return (u->rx_head - u->rx_tail) & (MUART_RX_BYTES - 1); }

size_t muart_read(muart *u, void *buf, size_t cap) {
    uint8_t *out = buf;
    size_t n = 0;
    uint32_t tail = u->rx_tail;
    while (n < cap && tail != u->rx_head) {
        out[n++] = u->rx[tail];
        tail = (tail + 1) & (MUART_RX_BYTES - 1);
    }
    u->rx_tail = tail;
    u->received += (uint32_t)n;
    if (u->held && n > 0) {
        cm7_irq_off();
        u->held = 0;
        muart_isr(u);   /* the byte left waiting, and whatever followed it */
        if (!u->held) REG(u, R_CTRL) |= CTRL_RXINT;
        cm7_irq_on();
    }
    return n;
}

void muart_isr(muart *u) {
    /* Clear first, then drain: a byte that arrives after the last look at RXFULL raises the interrupt again
     * (cleared after the drain, it would sit in the receiver with no interrupt to fetch it). */
    if (REG(u, R_INT) & INT_RXO) u->overruns++;
    REG(u, R_INT) = INT_RX | INT_RXO;
    while (REG(u, R_STATE) & ST_RXFULL) {
        uint32_t next = (u->rx_head + 1) & (MUART_RX_BYTES - 1);
        if (next == u->rx_tail) {
            /* The ring is full: leave the byte in the receiver and stop the interrupt until the loop has read.
             * QEMU then holds the sender back; a real UART would overrun (counted by its RXO flag). */
            REG(u, R_CTRL) &= ~(uint32_t)CTRL_RXINT;
            u->held = 1;
            break;
        }
        u->rx[u->rx_head] = (uint8_t)REG(u, R_DATA);
        u->rx_head = next;
    }
}

void UART0RX_Handler(void) { if (owners[0]) muart_isr(owners[0]); }
void UART1RX_Handler(void) { if (owners[1]) muart_isr(owners[1]); }
void UART2RX_Handler(void) { if (owners[2]) muart_isr(owners[2]); }
void UART3RX_Handler(void) { if (owners[3]) muart_isr(owners[3]); }
void UART4RX_Handler(void) { if (owners[4]) muart_isr(owners[4]); }
