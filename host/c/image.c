/* The image on wasm3: load, link, call exports (each followed by __collect), and re-create the runtime after
 * a trap, as docs/host-abi.md prescribes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host.h"
#include "m3_env.h"   /* wasm3 internals: the runtime's code pages, for host_code_lines() */

static int trapped(host *h, const char *what, M3Result r) {
    if (!r) return 0;
    M3ErrorInfo info;
    m3_GetErrorInfo(h->img.rt, &info);
    char msg[512];
    int n = snprintf(msg, sizeof msg, "trap: %s in %s%s%s", r, what, info.message ? ": " : "", info.message ? info.message : "");
    host_log(h, "error", msg, (size_t)(n < 0 ? 0 : n >= (int)sizeof msg ? (int)sizeof msg - 1 : n));
    return 1;
}

void host_cold_boot(host *h) {
    host_shutdown_image(h);
    net_close_all(&h->net);
    udp_close_all(&h->udp);
    for (; h->q_len > 0; h->q_len--, h->q_head = (h->q_head + 1) % HOST_QUEUE_MAX) free(h->queue[h->q_head].data);
    if (host_boot(h) != 0) { host_log(h, "error", "image could not be restarted", 28); return; }
    /* The new instance learns the line levels (CP readings, feedback) as after a power cut (docs/host-abi.md). */
    if (hw_restarted(&h->hw) != 0) host_log(h, "error", "simulator bus: cannot reconnect", 31);
}

static void restart_after_trap(host *h) {
    /* An image that traps again and again (e.g. in init) would restart forever: give up loudly instead. */
    if (++h->traps > 100) { fprintf(stderr, "c-host: the image keeps trapping; stopping\n"); exit(3); }
    host_cold_boot(h);
}

/* Runs one export call then __collect; on a trap, restarts and returns -1. */
static int finish(host *h, const char *what, M3Result r) {
    if (!r) r = m3_CallV(h->img.collect);
    if (trapped(h, what, r)) { restart_after_trap(h); return -1; }
    return 0;
}

static IM3Function fn(host *h, const char *name, int *missing) {
    IM3Function f = NULL;
    if (m3_FindFunction(&f, h->img.rt, name) != NULL) { (*missing)++; fprintf(stderr, "c-host: export %s missing\n", name); }
    return f;
}

static uint8_t *memory(host *h, uint32_t *size) { return m3_GetMemory(h->img.rt, size, 0); }

int host_boot(host *h) {
    host_image *im = &h->img;
    memset(im, 0, sizeof *im);
    im->env = m3_NewEnvironment();
    im->rt = im->env ? m3_NewRuntime(im->env, h->stack_bytes, h) : NULL;
    if (!im->rt) return -1;
    M3Result r = m3_ParseModule(im->env, &im->mod, h->wasm, (uint32_t)h->wasm_len);
    if (!r) r = m3_LoadModule(im->rt, im->mod);
    if (!r) r = host_link_imports(h, im->mod);
    if (r) { fprintf(stderr, "c-host: cannot load the image: %s\n", r); return -1; }
    int missing = 0;
    /* The revision first: an image of another one is refused as such, whatever exports it lacks. */
    IM3Function abi = fn(h, "abi_version", &missing);
    if (missing) return -1;
    int32_t version = 0;
    r = m3_CallV(abi);
    if (!r) r = m3_GetResultsV(abi, &version);
    if (r || version != HOST_ABI_VERSION) {
        fprintf(stderr, "c-host: image ABI version %d not supported (want %d)\n", version, HOST_ABI_VERSION);
        return -1;
    }
    im->init = fn(h, "init", &missing);
    im->config_set = fn(h, "config_set", &missing);
    im->start = fn(h, "start", &missing);
    im->tick = fn(h, "tick", &missing);
    im->next_wakeup = fn(h, "next_wakeup", &missing);
    im->on_stream_open = fn(h, "on_stream_open", &missing);
    im->on_stream_data = fn(h, "on_stream_data", &missing);
    im->on_stream_closed = fn(h, "on_stream_closed", &missing);
    im->on_dgram = fn(h, "on_dgram", &missing);
    im->on_uart_data = fn(h, "on_uart_data", &missing);
    im->on_can_frame = fn(h, "on_can_frame", &missing);
    im->on_gpio = fn(h, "on_gpio", &missing);
    im->rx_buffer = fn(h, "rx_buffer", &missing);
    im->rx_capacity = fn(h, "rx_capacity", &missing);
    im->collect = fn(h, "__collect", &missing);
    if (missing) return -1;
    if (m3_FindFunction(&im->status_report, im->rt, "status_report") != NULL) im->status_report = NULL;
    r = m3_CallV(im->rx_buffer);
    if (!r) r = m3_GetResultsV(im->rx_buffer, &im->rx_off);
    if (!r) r = m3_CallV(im->rx_capacity);
    if (!r) r = m3_GetResultsV(im->rx_capacity, &im->rx_cap);
    if (r) { fprintf(stderr, "c-host: %s\n", r); return -1; }
    h->last_tick = -1;
    if (finish(h, "init", m3_CallV(im->init, (int64_t)clk_now(&h->clock))) != 0) return 0;
    for (int i = 0; i < h->config_count; i++) {
        size_t kl = strlen(h->config_keys[i]), vl = strlen(h->config_values[i]);
        uint32_t size = 0;
        uint8_t *mem = memory(h, &size);
        if (kl + vl > im->rx_cap || (uint64_t)im->rx_off + im->rx_cap > size) return -1;
        memcpy(mem + im->rx_off, h->config_keys[i], kl);
        memcpy(mem + im->rx_off + kl, h->config_values[i], vl);
        int32_t rc = 0;
        r = m3_CallV(im->config_set, (int32_t)kl, (int32_t)vl);
        if (!r) r = m3_GetResultsV(im->config_set, &rc);
        if (finish(h, "config_set", r) != 0) return 0;
        if (rc != 0) { fprintf(stderr, "c-host: config %s rejected by the image (%d)\n", h->config_keys[i], rc); return -1; }
    }
    finish(h, "start", m3_CallV(im->start));
    return 0;
}

void host_shutdown_image(host *h) {
    if (h->img.rt) m3_FreeRuntime(h->img.rt);
    if (h->img.env) m3_FreeEnvironment(h->img.env);
    memset(&h->img, 0, sizeof h->img);
}

int64_t host_next_wakeup(host *h) {
    int64_t w = INT64_MAX;
    M3Result r = m3_CallV(h->img.next_wakeup);
    if (!r) r = m3_GetResultsV(h->img.next_wakeup, &w);
    if (finish(h, "next_wakeup", r) != 0) return clk_now(&h->clock);
    return w;
}

void host_tick_if_moved(host *h) {
    int64_t now = clk_now(&h->clock);
    if (now == h->last_tick) return;
    h->last_tick = now;
    finish(h, "tick", m3_CallV(h->img.tick, now));
}

void host_deliver(host *h, const host_event *ev) {
    host_image *im = &h->img;
    if (ev->kind == EV_OPEN) { finish(h, "on_stream_open", m3_CallV(im->on_stream_open, ev->handle, ev->arg)); return; }
    if (ev->kind == EV_CLOSED) { finish(h, "on_stream_closed", m3_CallV(im->on_stream_closed, ev->handle, ev->arg)); return; }
    if (ev->kind == EV_GPIO) { finish(h, "on_gpio", m3_CallV(im->on_gpio, ev->handle, ev->arg)); return; }
    if (ev->kind == EV_DGRAM) {
        /* One datagram, one event: cut to the RX buffer, never split; none after dgram_close. */
        if (!udp_is_open(&h->udp, ev->handle)) return;
        uint32_t size = 0;
        uint8_t *mem = memory(h, &size);
        size_t n = ev->len < im->rx_cap ? ev->len : im->rx_cap;
        if ((uint64_t)im->rx_off + n > size) return;
        if (n) memcpy(mem + im->rx_off, ev->data, n);
        finish(h, "on_dgram", m3_CallV(im->on_dgram, ev->handle, (int32_t)n));
        return;
    }
    for (size_t off = 0; off < ev->len && h->img.rt;) {
        uint32_t size = 0;
        uint8_t *mem = memory(h, &size);
        size_t n = ev->len - off < im->rx_cap ? ev->len - off : im->rx_cap;
        if ((uint64_t)im->rx_off + n > size) return;
        memcpy(mem + im->rx_off, ev->data + off, n);
        off += n;
        M3Result r = ev->kind == EV_UART ? m3_CallV(im->on_uart_data, ev->handle, (int32_t)n)
                   : ev->kind == EV_CAN ? m3_CallV(im->on_can_frame, ev->handle, ev->id, ev->arg, (int32_t)n)
                   : m3_CallV(im->on_stream_data, ev->handle, (int32_t)n);
        if (finish(h, "event", r) != 0) return;
    }
}

int host_status(host *h, char *out, size_t cap) {
    host_image *im = &h->img;
    if (!im->rt || !im->status_report) return -1;
    int32_t n = -1;
    M3Result r = m3_CallV(im->status_report);
    if (!r) r = m3_GetResultsV(im->status_report, &n);
    uint32_t size = 0;
    uint8_t *mem = memory(h, &size);
    int ok = !r && n >= 0 && (size_t)n <= cap && n <= (int32_t)im->rx_cap && (uint64_t)im->rx_off + (uint64_t)n <= size;
    if (ok) memcpy(out, mem + im->rx_off, (size_t)n);
    if (finish(h, "status_report", r) != 0) return -1;
    return ok ? n : -1;
}

/* Code the runtime has compiled so far, in code_t slots (pointer-sized: 8 bytes here, 4 on a 32-bit MCU). */
void host_code_lines(host *h, size_t *used, size_t *allocated) {
    *used = *allocated = 0;
    if (!h->img.rt) return;
    M3CodePage *lists[2] = { h->img.rt->pagesOpen, h->img.rt->pagesFull };
    for (int i = 0; i < 2; i++) {
        for (M3CodePage *p = lists[i]; p; p = p->info.next) {
            *used += p->info.lineIndex;
            *allocated += p->info.numLines;
        }
    }
}
