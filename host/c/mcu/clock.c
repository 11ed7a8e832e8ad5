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

void mclk_isr(mclk *c) {
    if (++c->lo == 0) c->hi++;
}

void SysTick_Handler(void) { if (owner) mclk_isr(owner); }
