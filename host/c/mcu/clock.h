/* The board's millisecond clock: SysTick interrupts every 1 ms on the core clock (25 MHz on QEMU's mps2-an500;
 * a real part sets MCLK_CORE_HZ to its own). */
#ifndef CLOCK_H
#define CLOCK_H
#include <stdint.h>

#ifndef MCLK_CORE_HZ
#define MCLK_CORE_HZ 25000000u
#endif
/* One SysTick count in ns (40 at 25 MHz): the resolution of mclk_ticks. */
#define MCLK_TICK_NS (1000000000u / MCLK_CORE_HZ)

typedef struct mclk {
    volatile uint32_t lo, hi;   /* milliseconds since start, counted by the interrupt */
} mclk;

void mclk_start(mclk *c);
int64_t mclk_ms(const mclk *c);
/* Core-clock counts since start (the millisecond count and SysTick's current value): for measurements. Under QEMU
 * with -icount shift=0 one guest instruction is one ns of virtual time, so counts × MCLK_TICK_NS are instructions
 * (to MCLK_TICK_NS). */
uint64_t mclk_ticks(const mclk *c);
/* The SysTick interrupt's work (called by the vector table's glue). */
void mclk_isr(mclk *c);

#endif
