/* The simulator bus of docs/hardware.md over a UART (UART1; QEMU connects it to the Node simulator's TCP port
 * with `-chardev socket`): the same frames as posix/hw.c speaks over its socket. On the board it carries the GPIO
 * levels of the simulated charger and the TIME frames of the virtual clock; CAN (SLCAN) and the PN532 reader have
 * UARTs of their own, and TIME frames carry the byte counts of those two links (MSIM_LINKS) so the virtual clock
 * orders all three streams (docs/porting.md). */
#ifndef SIMBUS_H
#define SIMBUS_H
#include <stddef.h>
#include <stdint.h>
#include "uart.h"

#define MSIM_MAX_FRAME 1024
#define MSIM_LINKS 2         /* the byte links a TIME frame counts: 0 SLCAN, 1 PN532 */

enum { MSIM_UART = 1, MSIM_CAN = 2, MSIM_GPIO = 3, MSIM_TIME = 4 };

typedef struct msim_events {
    void *user;
    void (*uart)(void *user, int port, const uint8_t *bytes, size_t len);
    void (*can)(void *user, int bus, uint32_t id, int flags, const uint8_t *data, size_t len);
    void (*gpio)(void *user, int line, int level);
} msim_events;

typedef struct msim {
    muart *link;             /* NULL: no bus */
    msim_events ev;
    uint8_t in[MSIM_MAX_FRAME + 3];
    size_t in_len;
    int broken;              /* a malformed frame arrived (1 + its type byte): the bus is ignored from then on */
    int64_t acked;           /* the last TIME the simulator confirmed */
    int64_t next;            /* when the simulator next has something to send; INT64_MAX: nothing known */
    unsigned long frames_in;
    int link_known;          /* the last confirmation carried link counts (link_want) */
    uint32_t link_want[MSIM_LINKS];   /* bytes the simulator had sent on each link at the last confirmation */
} msim;

void msim_init(msim *s, muart *link, msim_events ev);
/* Frames the received bytes and reports each complete frame; returns the frames reported. UART and CAN frames are
 * still understood (a simulator without links sends them); the board sends its own on UART2 and UART3. */
int msim_service(msim *s);
int msim_gpio_set(msim *s, int line, int level);                                    /* 0 or -1 */
/* Sends TIME ms (with links_sent, the bytes this side sent on each link: the 24-byte form; NULL: 8 bytes), then
 * services the bus until the simulator confirms it; idle(user) waits a little and returns the real clock in ms;
 * the wait gives up after limit_ms of it. 0 or -1. */
int msim_time(msim *s, int64_t ms, const uint32_t *links_sent, int64_t (*idle)(void *user), void *user, int limit_ms);

#endif
