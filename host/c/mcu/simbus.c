#include <string.h>
#include "simbus.h"

void msim_init(msim *s, muart *link, msim_events ev) {
    memset(s, 0, sizeof *s);
    s->link = link;
    s->ev = ev;
    s->acked = -1;
    s->next = INT64_MAX;
}

static int send_frame(msim *s, int type, const uint8_t *payload, size_t len) {
    if (!s->link || s->broken || len > MSIM_MAX_FRAME) return -1;
    uint8_t head[3] = { (uint8_t)type, (uint8_t)(len >> 8), (uint8_t)len };
    muart_write(s->link, head, 3);
    muart_write(s->link, payload, len);
    return 0;
}

int msim_gpio_set(msim *s, int line, int level) {
    uint32_t v = (uint32_t)level;
    uint8_t p[6] = { (uint8_t)(line >> 8), (uint8_t)line, (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
    return send_frame(s, MSIM_GPIO, p, sizeof p);
}

/* One frame from the simulator: 0, or -1 when malformed (unknown type, inconsistent length). */
static int dispatch(msim *s, int type, const uint8_t *p, size_t n) {
    if (type == MSIM_TIME && (n == 8 || n == 16 || n == 8 + 8 + 4 * MSIM_LINKS)) {
        uint64_t t = 0, next = UINT64_MAX;
        for (int i = 0; i < 8; i++) t = t << 8 | p[i];
        if (n >= 16) { next = 0; for (int i = 8; i < 16; i++) next = next << 8 | p[i]; }
        s->link_known = n > 16;
        for (int k = 0; k < MSIM_LINKS && n > 16; k++)
            s->link_want[k] = (uint32_t)p[16 + 4 * k] << 24 | (uint32_t)p[17 + 4 * k] << 16 | (uint32_t)p[18 + 4 * k] << 8 | p[19 + 4 * k];
        s->acked = (int64_t)t;
        s->next = next > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)next;
        return 0;
    }
    if (type == MSIM_UART && n >= 1) { s->ev.uart(s->ev.user, p[0], p + 1, n - 1); return 0; }
    if (type == MSIM_CAN && n >= 7 && p[6] <= 8 && n == 7u + p[6]) {
        uint32_t id = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
        s->ev.can(s->ev.user, p[0], id, p[5], p + 7, p[6]);
        return 0;
    }
    if (type == MSIM_GPIO && n == 6) {
        int32_t level = (int32_t)((uint32_t)p[2] << 24 | (uint32_t)p[3] << 16 | (uint32_t)p[4] << 8 | p[5]);
        s->ev.gpio(s->ev.user, p[0] << 8 | p[1], level);
        return 0;
    }
    return -1;
}

int msim_service(msim *s) {
    int frames = 0;
    if (!s->link || s->broken) return 0;
    for (;;) {
        size_t got = muart_read(s->link, s->in + s->in_len, sizeof s->in - s->in_len);
        if (got == 0) return frames;
        s->in_len += got;
        size_t off = 0;
        while (s->in_len - off >= 3) {
            size_t len = (size_t)s->in[off + 1] << 8 | s->in[off + 2];
            if (len > MSIM_MAX_FRAME) { s->broken = 1 + s->in[off]; return frames; }
            if (s->in_len - off < 3 + len) break;
            if (dispatch(s, s->in[off], s->in + off + 3, len) != 0) { s->broken = 1 + s->in[off]; return frames; }
            frames++;
            s->frames_in++;
            off += 3 + len;
        }
        memmove(s->in, s->in + off, s->in_len - off);
        s->in_len -= off;
    }
}

int msim_time(msim *s, int64_t ms, const uint32_t *links_sent, int64_t (*idle)(void *user), void *user, int limit_ms) {
    uint8_t p[8 + 8 + 4 * MSIM_LINKS];
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)((uint64_t)ms >> (56 - 8 * i));
    memset(p + 8, 0xFF, 8);   /* "next": the simulator's to say */
    for (int k = 0; links_sent && k < MSIM_LINKS; k++)
        for (int i = 0; i < 4; i++) p[16 + 4 * k + i] = (uint8_t)(links_sent[k] >> (24 - 8 * i));
    if (send_frame(s, MSIM_TIME, p, links_sent ? sizeof p : 8) != 0) return -1;
    int64_t start = idle(user);
    for (;;) {
        msim_service(s);
        if (s->broken) return -1;
        if (s->acked == ms) return 0;
        if (idle(user) - start > limit_ms) return -1;
    }
}
