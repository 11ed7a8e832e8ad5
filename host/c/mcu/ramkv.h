/* A stand-in key-value store in RAM for the board when no --flash file is given (the record store, mcu/kv.c,
 * is used otherwise): hal_kv_* semantics, but nothing survives a reset. */
#ifndef RAMKV_H
#define RAMKV_H
#include <stddef.h>
#include <stdint.h>

typedef struct rkv_entry {
    struct rkv_entry *next;
    size_t klen, vlen;
    uint8_t bytes[];         /* key, then value */
} rkv_entry;

typedef struct rkv { rkv_entry *head; } rkv;

int rkv_get(rkv *s, const uint8_t *key, size_t klen, uint8_t *buf, size_t cap);   /* len, -1 absent, -2 */
int rkv_put(rkv *s, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen); /* 0, -2 */
int rkv_delete(rkv *s, const uint8_t *key, size_t klen);                          /* 0 */

#endif
