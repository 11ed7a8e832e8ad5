/* The board's millisecond clock: SysTick interrupts every 1 ms on the core clock (25 MHz on QEMU's mps2-an500;
 * a real part sets MCLK_CORE_HZ to its own). */
#ifndef CLOCK_H
#define CLOCK_H
#include <stdint.h>

#ifndef MCLK_CORE_HZ
#define MCLK_CORE_HZ 25000000u
#endif

typedef struct mclk {
    volatile uint32_t lo, hi;   /* milliseconds since start, counted by the interrupt */
} mclk;

void mclk_start(mclk *c);
int64_t mclk_ms(const mclk *c);
/* The SysTick interrupt's work (called by the vector table's glue). */
void mclk_isr(mclk *c);

#endif
