#include <stdlib.h>
#include <string.h>
#include "core/queue.h"

static int is_stream(int kind) { return kind == EVQ_OPEN || kind == EVQ_DATA || kind == EVQ_CLOSED || kind == EVQ_WRITABLE; }

/* Streams and datagram sockets number their handles apart, so a handle names one only with its family. */
static int same(int kind_a, int handle_a, int kind_b, int handle_b) {
    return handle_a == handle_b && (is_stream(kind_a) ? is_stream(kind_b) : kind_a == EVQ_DGRAM && kind_b == EVQ_DGRAM);
}

void evq_init(evq *q) { memset(q, 0, sizeof *q); }

int evq_push(evq *q, int kind, int handle, int arg, uint32_t id, const uint8_t *data, size_t len) {
    if (q->len == EVQ_MAX) return -1;
    evq_event *e = &q->ring[(q->head + q->len) % EVQ_MAX];
    *e = (evq_event){ kind, handle, arg, id, NULL, 0 };
    if (len) {
        e->data = malloc(len);
        if (!e->data) return -2;
        memcpy(e->data, data, len);
        e->len = len;
    }
    q->len++;
    return 0;
}

int evq_pop(evq *q, evq_event *out) {
    if (q->len == 0) return 0;
    *out = q->ring[q->head];
    q->head = (q->head + 1) % EVQ_MAX;
    q->len--;
    q->cur_kind = out->kind;
    q->cur_handle = out->handle;
    q->cur_cut = 0;
    return 1;
}

void evq_done(evq *q, evq_event *e) {
    free(e->data);
    e->data = NULL;
    q->cur_kind = 0;
}

void evq_clear(evq *q) {
    for (; q->len > 0; q->len--, q->head = (q->head + 1) % EVQ_MAX) free(q->ring[q->head].data);
}

void evq_forget(evq *q, int kind, int handle) {
    if (q->cur_kind && same(q->cur_kind, q->cur_handle, kind, handle)) q->cur_cut = 1;
    int kept = 0;
    for (int i = 0; i < q->len; i++) {
        evq_event e = q->ring[(q->head + i) % EVQ_MAX];
        if (same(e.kind, e.handle, kind, handle)) { free(e.data); continue; }
        q->ring[(q->head + kept++) % EVQ_MAX] = e;
    }
    q->len = kept;
}

int evq_cut(const evq *q) { return q->cur_cut; }
