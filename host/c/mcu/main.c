/* The station on the emulated Cortex-M7 board (QEMU mps2-an500), bare metal. */
#include <string.h>
#include "clock.h"
#include "cm7.h"
#include "uart.h"

/* The board's one context; static so it is not on the C stack. */
static struct board {
    muart log;      /* UART0: log lines and the control channel */
    muart sim;      /* UART1: the simulator bus */
    mclk clock;
} board;

int main(void) {
    struct board *b = &board;
    muart_open(&b->log, 0, 25000000u / 115200u);
    muart_open(&b->sim, 1, 25000000u / 115200u);
    mclk_start(&b->clock);
    cm7_irq_on();
    static const char hello[] = "info hello from the mps2-an500\n";
    muart_write(&b->log, hello, sizeof hello - 1);
    return 0;
}
