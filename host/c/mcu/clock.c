#include "clock.h"
#include "cm7.h"

/* Vector-table glue (the exception to "no globals"): SysTick_Handler has no argument. */
static mclk *owner;

void mclk_start(mclk *c) {
    c->lo = c->hi = 0;
    owner = c;
    CM7_SYST_RVR = MCLK_CORE_HZ / 1000u - 1u;
    CM7_SYST_CVR = 0;
    CM7_SYST_CSR = 7;   /* core clock, interrupt, enable */
}

int64_t mclk_ms(const mclk *c) {
    uint32_t hi, lo;
    do { hi = c->hi; lo = c->lo; } while (hi != c->hi);
    return (int64_t)(((uint64_t)hi << 32) | lo);
}

uint64_t mclk_ticks(const mclk *c) {
    for (;;) {
        int64_t ms = mclk_ms(c);
        uint32_t cvr = CM7_SYST_CVR;
        /* SysTick counts down from RVR; a wrap between the two reads shows as a new millisecond: read again. */
        if (mclk_ms(c) == ms) return (uint64_t)ms * (MCLK_CORE_HZ / 1000u) + (MCLK_CORE_HZ / 1000u - 1u - cvr);
    }
}

void mclk_isr(mclk *c) {
    if (++c->lo == 0) c->hi++;
}

void SysTick_Handler(void) { if (owner) mclk_isr(owner); }
