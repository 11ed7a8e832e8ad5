#include "clock.h"
#include <time.h>

static int64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t real_wall_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void clk_init(clk *c, int virtual_mode) {
    c->virtual_mode = virtual_mode;
    c->virtual_now = 0;
    c->start_mono = mono_ms();
    c->wall_offset = 0;
    c->virtual_wall_base = 1767225600000LL; /* 2026-01-01T00:00:00Z, as the Node host's virtual clock */
}

int64_t clk_now(const clk *c) { return c->virtual_mode ? c->virtual_now : mono_ms() - c->start_mono; }

int64_t clk_wall(const clk *c) {
    return c->virtual_mode ? c->virtual_wall_base + c->virtual_now + c->wall_offset : real_wall_ms() + c->wall_offset;
}

void clk_set_wall(clk *c, int64_t ms) {
    c->wall_offset = 0;
    c->wall_offset = ms - clk_wall(c);
}

void clk_advance_to(clk *c, int64_t ms) {
    if (c->virtual_mode && ms > c->virtual_now) c->virtual_now = ms;
}
