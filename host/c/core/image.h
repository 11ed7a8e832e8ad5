/* The image on wasm3: loads it, checks its ABI revision and exports, and calls them, each followed by
 * __collect. A trap ends the call with -1 and leaves its text in `error`; what then happens to the instance is
 * the loop's decision (core/host.c). The only module that sees wasm3's runtime internals. */
#ifndef IMAGE_H
#define IMAGE_H
#include <stddef.h>
#include <stdint.h>
#include "core/abi.h"
#include "core/queue.h"
#include "wasm3.h"

/* The ABI revision this host implements (docs/host-abi.md). */
#define IMG_ABI_VERSION 4

typedef struct img {
    IM3Environment env;
    IM3Runtime rt;           /* NULL: no instance */
    IM3Module mod;
    IM3Function init, config_set, start, tick, next_wakeup, on_stream_open, on_stream_data, on_stream_closed, on_stream_writable,
                on_dgram, on_uart_data, on_can_frame, on_gpio, rx_buffer, rx_capacity, collect,
                status_report;   /* optional export: NULL if the image has none */
    uint32_t rx_off, rx_cap;
    char error[512];         /* why img_load failed, or the last trap */
} img;

/* A new instance with its imports bound to abi: 0, or -1 (error says why; img_free cleans up). */
int img_load(img *im, const uint8_t *wasm, size_t len, uint32_t stack_bytes, abi_ctx *abi);
void img_free(img *im);
/* Export calls: 0, or -1 on a trap. */
int img_init(img *im, int64_t now);
/* rc: the image's answer; -2 when the pair does not fit the RX buffer (no call made). */
int img_config_set(img *im, const char *key, const char *value, int32_t *rc);
int img_start(img *im);
int img_tick(img *im, int64_t now);
int img_next_wakeup(img *im, int64_t *at);
/* One event; stream data and UART bytes go in pieces of at most the RX buffer, and stop when q says the image
 * closed the stream meanwhile (evq_cut). */
int img_deliver(img *im, const evq_event *ev, const evq *q);
/* The status_report export's JSON into out: its length in *n, or -1 (no such export, or longer than cap). */
int img_status(img *im, char *out, size_t cap, int *n);
/* Code wasm3 has compiled so far, in code_t slots (pointer-sized: 8 bytes here, 4 on a 32-bit MCU). */
void img_code_lines(const img *im, size_t *used, size_t *allocated);

#endif
