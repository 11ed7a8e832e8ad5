/* The board's context: the HAL of hal.h on the mps2-an500 (clock, UARTs, simulator bus, network, storage).
 * The charger's peripherals, each on a UART (docs/porting.md): the PN532 reader on UART2 (its own frames, bytes
 * passed through), the CAN bus through an SLCAN adapter on UART3, GPIO lines and the virtual clock on the
 * simulator bus (UART1). */
#ifndef PORT_H
#define PORT_H
#include "core/host.h"
#include "clock.h"
#include "fwslots.h"
#include "kv.h"
#include "ramkv.h"
#include "simbus.h"
#include "slcan.h"
#include "uart.h"
#ifdef MCU_NET
#include "net.h"
#endif

struct hal {
    host *core;              /* where input events go */
    mclk clock;              /* SysTick milliseconds (the real clock) */
    int virtual_mode;        /* time moves only on the control channel's advance */
    int64_t virtual_now;
    int64_t wall_offset;     /* wall ms = now + wall_offset: the host's time at start (no RTC), then clock_set_wall_ms */
    muart console;           /* UART0: log lines and the control channel */
    muart sim_uart;          /* UART1: the simulator bus */
    msim sim;
    muart rfid_uart;         /* UART2: the PN532 reader (HSU), raw bytes both ways */
    muart can_uart;          /* UART3: the SLCAN adapter of CAN bus 0 */
    slcan can;
    int links;               /* the two UARTs above are open (--sim) */
    uint32_t link_sent[MSIM_LINKS];   /* bytes written on the SLCAN (0) and PN532 (1) UARTs, for TIME frames */
    int random_fd;           /* semihosting handle of the host's /dev/urandom (the stand-in for a TRNG) */
    unsigned long sends;     /* stream and datagram sends: network activity for the virtual clock's settle */
    unsigned long net_events;    /* events the network pushed (the same) */
    mkv flash_kv;            /* the record store on the --flash file (kv.h), when open */
    rkv kv;                  /* RAM stand-in without --flash: nothing survives a reset */
    mfw slots;               /* the firmware slots A/B and their state record (fwslots.h), on the --flash file */
#ifdef MCU_NET
    mnet net;
#endif
};

/* Opens the UARTs, the clock, the simulator bus (sim: nonzero) and the entropy source; wires inputs to core. */
int mport_init(hal *p, host *core, int virtual_mode, int sim);
int64_t mport_now(hal *p);
/* Reads the SLCAN and PN532 UARTs: frames to on_can_frame, the reader's bytes to on_uart_data. */
void mport_links_service(hal *p);
/* Nonzero when the bytes the simulator's last TIME confirmation counted have all arrived on both links. */
int mport_links_caught_up(const hal *p);
/* Writes a control-channel reply line (text without the newline) on UART0. */
void mport_reply(hal *p, const char *text, size_t len);

#endif
