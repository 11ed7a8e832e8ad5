/* Event queue tests (core, built without any port): order, the full queue, and that closing a stream or a
 * datagram socket drops its pending events and the rest of the one being delivered. Prints "N passed, N failed". */
#include <stdio.h>
#include "core/queue.h"

static int passed, failed;

#define CHECK(cond, what) do { if (cond) passed++; else { failed++; fprintf(stderr, "FAIL %s:%d %s\n", __FILE__, __LINE__, what); } } while (0)

static evq q;   /* 256 events: off the stack */

int main(void) {
    evq_event e;
    evq_init(&q);
    CHECK(evq_pop(&q, &e) == 0, "empty");
    evq_push(&q, EVQ_OPEN, 1, 0, 0, NULL, 0);
    evq_push(&q, EVQ_DATA, 1, 0, 0, (const uint8_t *)"abc", 3);
    evq_push(&q, EVQ_DGRAM, 1, 0, 0, (const uint8_t *)"d", 1);
    evq_push(&q, EVQ_DATA, 2, 0, 0, (const uint8_t *)"xy", 2);
    evq_push(&q, EVQ_CLOSED, 1, 0, 0, NULL, 0);
    evq_push(&q, EVQ_CAN, 1, 4, 0x123, (const uint8_t *)"\1\2", 2);
    CHECK(evq_pop(&q, &e) == 1 && e.kind == EVQ_OPEN && e.handle == 1, "first in, first out");
    /* The image closes stream 1 while its open event is being delivered. */
    evq_forget(&q, EVQ_DATA, 1);
    CHECK(evq_cut(&q), "the event being delivered is cut");
    evq_done(&q, &e);
    CHECK(evq_pop(&q, &e) == 1 && e.kind == EVQ_DGRAM && e.handle == 1, "datagram handle 1 is another socket: kept");
    CHECK(!evq_cut(&q), "a new event is not cut");
    evq_forget(&q, EVQ_DATA, 2);
    CHECK(!evq_cut(&q), "closing another stream does not cut it");
    evq_done(&q, &e);
    CHECK(evq_pop(&q, &e) == 1 && e.kind == EVQ_CAN && e.id == 0x123 && e.len == 2 && e.data[1] == 2, "stream 1 and 2 events dropped; CAN bus 1 kept");
    evq_done(&q, &e);
    CHECK(evq_pop(&q, &e) == 0, "nothing else");
    int full = 0;
    for (int i = 0; i < EVQ_MAX + 1; i++) full += evq_push(&q, EVQ_GPIO, i, 1, 0, NULL, 0) == -1;
    CHECK(full == 1 && q.len == EVQ_MAX, "a full queue drops the event");
    evq_clear(&q);
    CHECK(q.len == 0, "clear");
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
