/* The C host's context: everything the host owns lives in one struct (no globals). */
#ifndef HOST_H
#define HOST_H
#include <stddef.h>
#include <stdint.h>
#include "hal.h"
#include "wasm3.h"

#define HOST_MAX_CONFIG 40
#define HOST_QUEUE_MAX 256
/* The ABI revision this host implements (docs/host-abi.md). */
#define HOST_ABI_VERSION 2

enum { EV_OPEN = 1, EV_DATA, EV_CLOSED, EV_UART, EV_CAN, EV_GPIO, EV_DGRAM };

typedef struct host_event {
    int kind, handle, arg;   /* handle: stream or datagram handle, UART port, CAN bus or GPIO line; arg: status, CAN flags, level */
    uint32_t id;             /* CAN id */
    uint8_t *data;
    size_t len;
} host_event;

typedef struct host_image {
    IM3Environment env;
    IM3Runtime rt;
    IM3Module mod;
    IM3Function init, config_set, start, tick, next_wakeup, on_stream_open, on_stream_data, on_stream_closed,
                on_dgram, on_uart_data, on_can_frame, on_gpio, rx_buffer, rx_capacity, collect,
                status_report;   /* optional export: NULL if the image has none */
    uint32_t rx_off, rx_cap;
} host_image;

typedef struct host {
    uint8_t *wasm;
    size_t wasm_len;
    uint32_t stack_bytes;
    host_image img;
    clk clock;
    kv_store kv;
    net net;
    udp udp;
    certs certs;
    hw hw;
    const char *config_keys[HOST_MAX_CONFIG];
    const char *config_values[HOST_MAX_CONFIG];
    int config_count;
    host_event queue[HOST_QUEUE_MAX];
    int q_head, q_len;
    int64_t last_tick;
    int reboot_requested;
    int virtual_mode;        /* time moves only on control commands; the simulator bus gets TIME frames */
    unsigned long net_activity; /* network events (streams, datagrams): with the sends, virtual steps without any skip the settle */
    int traps;
    int quiet;
} host;

/* image lifecycle (image.c) */
int host_boot(host *h);            /* instantiate, init, config_set..., start; 0 ok */
void host_shutdown_image(host *h);
/* The instance, its connections and every undelivered event vanish; a new instance boots from the data dir
 * (after a trap, system_reboot, or a power cut from the control channel). */
void host_cold_boot(host *h);
int64_t host_next_wakeup(host *h);
void host_tick_if_moved(host *h);
void host_deliver(host *h, const host_event *ev);
void host_code_lines(host *h, size_t *used, size_t *allocated);
/* The image's status JSON (status_report export) into out; its length, or -1 (none, or longer than cap). */
int host_status(host *h, char *out, size_t cap);

/* ABI imports (abi.c) */
M3Result host_link_imports(host *h, IM3Module mod);

/* logging (main.c) */
void host_log(host *h, const char *level, const char *text, size_t len);

#endif
