/* hal_kv_* on the board: the record store (core/rstore.h) on the semihosted flash file (flash.h).
 * Layout: MKV_SECTORS sectors of MKV_SECTOR_BYTES (1 MiB), values up to MKV_VAL_MAX bytes (the image's largest
 * is a queued TransactionEvent, 6144), at most MKV_KEYS keys (the image's transaction queue holds up to 1000). */
#ifndef MKV_H
#define MKV_H
#include <stddef.h>
#include <stdint.h>
#include "core/rstore.h"
#include "flash.h"

#define MKV_SECTORS 32
#define MKV_SECTOR_BYTES 32768
#define MKV_KEYS 2048
#define MKV_VAL_MAX 8192

typedef struct mkv {
    mflash flash;
    rs_store store;
    rs_sector sec[MKV_SECTORS];
    rs_entry idx[MKV_KEYS];
    int open;
} mkv;

/* Opens (or creates) the flash file and mounts the store: 0, or -1. */
int mkv_open(mkv *k, const char *path);
/* As hal_kv_get/put/delete: len, -1 absent, -2 error / 0, -2 / 0, -2 (-2 while not open). */
int mkv_get(mkv *k, const uint8_t *key, size_t klen, uint8_t *buf, size_t cap);
int mkv_put(mkv *k, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen);
int mkv_delete(mkv *k, const uint8_t *key, size_t klen);

#endif
