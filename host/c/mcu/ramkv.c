#include <stdlib.h>
#include <string.h>
#include "ramkv.h"

static rkv_entry **find(rkv *s, const uint8_t *key, size_t klen) {
    rkv_entry **at = &s->head;
    for (; *at; at = &(*at)->next)
        if ((*at)->klen == klen && memcmp((*at)->bytes, key, klen) == 0) break;
    return at;
}

int rkv_get(rkv *s, const uint8_t *key, size_t klen, uint8_t *buf, size_t cap) {
    rkv_entry *e = *find(s, key, klen);
    if (!e) return -1;
    if (e->vlen > cap) return -2;
    memcpy(buf, e->bytes + e->klen, e->vlen);
    return (int)e->vlen;
}

int rkv_put(rkv *s, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen) {
    rkv_entry *e = malloc(sizeof *e + klen + vlen);
    if (!e) return -2;
    e->klen = klen;
    e->vlen = vlen;
    memcpy(e->bytes, key, klen);
    memcpy(e->bytes + klen, val, vlen);
    rkv_delete(s, key, klen);
    e->next = s->head;
    s->head = e;
    return 0;
}

int rkv_delete(rkv *s, const uint8_t *key, size_t klen) {
    rkv_entry **at = find(s, key, klen);
    if (*at) { rkv_entry *e = *at; *at = e->next; free(e); }
    return 0;
}
