/* The events the port hands to the image (stream, datagram and hardware input), first in, first out. */
#ifndef QUEUE_H
#define QUEUE_H
#include <stddef.h>
#include <stdint.h>

#define EVQ_MAX 256

enum { EVQ_OPEN = 1, EVQ_DATA, EVQ_CLOSED, EVQ_UART, EVQ_CAN, EVQ_GPIO, EVQ_DGRAM, EVQ_WRITABLE };

typedef struct evq_event {
    int kind, handle, arg;   /* handle: stream or datagram handle, UART port, CAN bus or GPIO line; arg: status, CAN flags, level */
    uint32_t id;             /* CAN id */
    uint8_t *data;           /* owned by the queue until evq_done */
    size_t len;
} evq_event;

typedef struct evq {
    evq_event ring[EVQ_MAX];
    int head, len;
    /* The event being delivered (evq_pop .. evq_done): a big one goes to the image in pieces, and the image may
     * close its stream or socket in between. */
    int cur_kind, cur_handle, cur_cut;
} evq;

void evq_init(evq *q);
/* Copies data; 0, -1 (full: dropped) or -2 (no memory: dropped). */
int evq_push(evq *q, int kind, int handle, int arg, uint32_t id, const uint8_t *data, size_t len);
int evq_pop(evq *q, evq_event *out);       /* 1, or 0 when empty */
void evq_done(evq *q, evq_event *e);       /* frees e's data */
void evq_clear(evq *q);
/* The image closed a stream (kind EVQ_OPEN, EVQ_DATA or EVQ_CLOSED) or a datagram socket (EVQ_DGRAM): its queued
 * events are dropped, and the rest of the one being delivered (evq_cut) too. */
void evq_forget(evq *q, int kind, int handle);
int evq_cut(const evq *q);

#endif
