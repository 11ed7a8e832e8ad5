/* Time for the image: monotonic ms for tick(), wall ms for the RTC. The virtual clock moves only when the
 * test advances it (docs/host-abi.md: time is an input). */
#ifndef CLOCK_H
#define CLOCK_H
#include <stdint.h>

typedef struct clk {
    int virtual_mode;
    int64_t virtual_now;    /* ms, virtual mode */
    int64_t start_mono;     /* ms of CLOCK_MONOTONIC at start, real mode */
    int64_t wall_offset;    /* ms added to the system wall clock (clock_set_wall_ms) */
    int64_t virtual_wall_base;
} clk;

void clk_init(clk *c, int virtual_mode);
int64_t clk_now(const clk *c);
int64_t clk_wall(const clk *c);
void clk_set_wall(clk *c, int64_t ms);
void clk_advance_to(clk *c, int64_t ms);

#endif
