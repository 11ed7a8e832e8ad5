#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "core/image.h"
#include "m3_env.h"   /* wasm3 internals: the runtime's code pages, for img_code_lines() */

/* Each call is followed by __collect (the image runs the minimal runtime: the host collects between events). */
static int finish(img *im, const char *what, M3Result r) {
    if (!r) r = m3_CallV(im->collect);
    if (!r) return 0;
    M3ErrorInfo info;
    m3_GetErrorInfo(im->rt, &info);
    snprintf(im->error, sizeof im->error, "trap: %s in %s%s%s", r, what, info.message ? ": " : "", info.message ? info.message : "");
    return -1;
}

static IM3Function fn(img *im, const char *name, int *missing) {
    IM3Function f = NULL;
    if (m3_FindFunction(&f, im->rt, name) != NULL) {
        if (!*missing) snprintf(im->error, sizeof im->error, "export %s missing", name);
        (*missing)++;
    }
    return f;
}

static uint8_t *memory(img *im, uint32_t *size) { return m3_GetMemory(im->rt, size, 0); }

/* Copies bytes into the RX buffer; 0, or -1 when it lies outside memory. */
static int rx_put(img *im, const uint8_t *bytes, size_t n) {
    uint32_t size = 0;
    uint8_t *mem = memory(im, &size);
    if ((uint64_t)im->rx_off + n > size) return -1;
    if (n) memcpy(mem + im->rx_off, bytes, n);
    return 0;
}

int img_load(img *im, const uint8_t *wasm, size_t len, uint32_t stack_bytes, abi_ctx *abi) {
    memset(im, 0, sizeof *im);
    im->env = m3_NewEnvironment();
    im->rt = im->env ? m3_NewRuntime(im->env, stack_bytes, NULL) : NULL;
    if (!im->rt) { snprintf(im->error, sizeof im->error, "no memory for the runtime"); return -1; }
    M3Result r = m3_ParseModule(im->env, &im->mod, wasm, (uint32_t)len);
    if (!r && (r = m3_LoadModule(im->rt, im->mod)) != NULL) m3_FreeModule(im->mod);   /* not the runtime's yet */
    if (!r) r = abi_link(abi, im->mod);
    if (r) { snprintf(im->error, sizeof im->error, "cannot load the image: %s", r); return -1; }
    int missing = 0;
    /* The revision first: an image of another one is refused as such, whatever exports it lacks. */
    IM3Function abi_version = fn(im, "abi_version", &missing);
    if (missing) return -1;
    int32_t version = 0;
    r = m3_CallV(abi_version);
    if (!r) r = m3_GetResultsV(abi_version, &version);
    if (r || version != IMG_ABI_VERSION) {
        snprintf(im->error, sizeof im->error, "image ABI version %d not supported (want %d)", (int)version, IMG_ABI_VERSION);
        return -1;
    }
    im->init = fn(im, "init", &missing);
    im->config_set = fn(im, "config_set", &missing);
    im->start = fn(im, "start", &missing);
    im->tick = fn(im, "tick", &missing);
    im->next_wakeup = fn(im, "next_wakeup", &missing);
    im->on_stream_open = fn(im, "on_stream_open", &missing);
    im->on_stream_data = fn(im, "on_stream_data", &missing);
    im->on_stream_closed = fn(im, "on_stream_closed", &missing);
    im->on_stream_writable = fn(im, "on_stream_writable", &missing);
    im->on_dgram = fn(im, "on_dgram", &missing);
    im->on_uart_data = fn(im, "on_uart_data", &missing);
    im->on_can_frame = fn(im, "on_can_frame", &missing);
    im->on_gpio = fn(im, "on_gpio", &missing);
    im->rx_buffer = fn(im, "rx_buffer", &missing);
    im->rx_capacity = fn(im, "rx_capacity", &missing);
    im->collect = fn(im, "__collect", &missing);
    if (missing) return -1;
    if (m3_FindFunction(&im->status_report, im->rt, "status_report") != NULL) im->status_report = NULL;
    r = m3_CallV(im->rx_buffer);
    if (!r) r = m3_GetResultsV(im->rx_buffer, &im->rx_off);
    if (!r) r = m3_CallV(im->rx_capacity);
    if (!r) r = m3_GetResultsV(im->rx_capacity, &im->rx_cap);
    if (r) { snprintf(im->error, sizeof im->error, "%s", r); return -1; }
    return 0;
}

void img_free(img *im) {
    if (im->rt) m3_FreeRuntime(im->rt);
    if (im->env) m3_FreeEnvironment(im->env);
    im->env = NULL;
    im->rt = NULL;
    im->mod = NULL;
}

int img_init(img *im, int64_t now) { return finish(im, "init", m3_CallV(im->init, now)); }

int img_config_set(img *im, const char *key, const char *value, int32_t *rc) {
    size_t kl = strlen(key), vl = strlen(value);
    uint32_t size = 0;
    uint8_t *mem = memory(im, &size);
    *rc = -2;
    if (kl + vl > im->rx_cap || (uint64_t)im->rx_off + im->rx_cap > size) return 0;
    memcpy(mem + im->rx_off, key, kl);
    memcpy(mem + im->rx_off + kl, value, vl);
    M3Result r = m3_CallV(im->config_set, (int32_t)kl, (int32_t)vl);
    if (!r) r = m3_GetResultsV(im->config_set, rc);
    return finish(im, "config_set", r);
}

int img_start(img *im) { return finish(im, "start", m3_CallV(im->start)); }

int img_tick(img *im, int64_t now) { return finish(im, "tick", m3_CallV(im->tick, now)); }

int img_next_wakeup(img *im, int64_t *at) {
    *at = INT64_MAX;
    M3Result r = m3_CallV(im->next_wakeup);
    if (!r) r = m3_GetResultsV(im->next_wakeup, at);
    return finish(im, "next_wakeup", r);
}

int img_deliver(img *im, const evq_event *ev, const evq *q) {
    if (ev->kind == EVQ_OPEN) return finish(im, "on_stream_open", m3_CallV(im->on_stream_open, ev->handle, ev->arg));
    if (ev->kind == EVQ_CLOSED) return finish(im, "on_stream_closed", m3_CallV(im->on_stream_closed, ev->handle, ev->arg));
    if (ev->kind == EVQ_WRITABLE) return finish(im, "on_stream_writable", m3_CallV(im->on_stream_writable, ev->handle));
    if (ev->kind == EVQ_GPIO) return finish(im, "on_gpio", m3_CallV(im->on_gpio, ev->handle, ev->arg));
    if (ev->kind == EVQ_DGRAM) {
        /* One datagram, one event: cut to the RX buffer, never split. */
        size_t n = ev->len < im->rx_cap ? ev->len : im->rx_cap;
        if (rx_put(im, ev->data, n) != 0) return 0;
        return finish(im, "on_dgram", m3_CallV(im->on_dgram, ev->handle, (int32_t)n));
    }
    for (size_t off = 0; off < ev->len && !evq_cut(q);) {
        size_t n = ev->len - off < im->rx_cap ? ev->len - off : im->rx_cap;
        if (rx_put(im, ev->data + off, n) != 0) return 0;
        off += n;
        M3Result r = ev->kind == EVQ_UART ? m3_CallV(im->on_uart_data, ev->handle, (int32_t)n)
                   : ev->kind == EVQ_CAN ? m3_CallV(im->on_can_frame, ev->handle, ev->id, ev->arg, (int32_t)n)
                   : m3_CallV(im->on_stream_data, ev->handle, (int32_t)n);
        if (finish(im, "event", r) != 0) return -1;
    }
    return 0;
}

int img_status(img *im, char *out, size_t cap, int *n) {
    *n = -1;
    if (!im->status_report) return 0;
    int32_t len = -1;
    M3Result r = m3_CallV(im->status_report);
    if (!r) r = m3_GetResultsV(im->status_report, &len);
    uint32_t size = 0;
    uint8_t *mem = memory(im, &size);
    if (!r && len >= 0 && (size_t)len <= cap && len <= (int32_t)im->rx_cap && (uint64_t)im->rx_off + (uint64_t)len <= size) {
        memcpy(out, mem + im->rx_off, (size_t)len);
        *n = len;
    }
    if (finish(im, "status_report", r) != 0) { *n = -1; return -1; }
    return 0;
}

void img_code_lines(const img *im, size_t *used, size_t *allocated) {
    *used = *allocated = 0;
    if (!im->rt) return;
    M3CodePage *lists[2] = { im->rt->pagesOpen, im->rt->pagesFull };
    for (int i = 0; i < 2; i++) {
        for (M3CodePage *p = lists[i]; p; p = p->info.next) {
            *used += p->info.lineIndex;
            *allocated += p->info.numLines;
        }
    }
}
