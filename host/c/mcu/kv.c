#include "kv.h"

int mkv_open(mkv *k, const char *path) {
    k->open = 0;
    if (mflash_open(&k->flash, path, 0, MKV_SECTORS, MKV_SECTOR_BYTES) != 0) return -1;
    rs_flash dev = { &k->flash, mflash_read, mflash_program, mflash_erase, MKV_SECTORS, MKV_SECTOR_BYTES, MFLASH_PROG_BYTES };
    if (rs_open(&k->store, &dev, k->sec, k->idx, MKV_KEYS, MKV_VAL_MAX) != 0) return -1;
    k->open = 1;
    return 0;
}

int mkv_get(mkv *k, const uint8_t *key, size_t klen, uint8_t *buf, size_t cap) {
    return k->open ? rs_get(&k->store, key, klen, buf, cap) : -2;
}

int mkv_put(mkv *k, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen) {
    return k->open ? rs_put(&k->store, key, klen, val, vlen) : -2;
}

int mkv_delete(mkv *k, const uint8_t *key, size_t klen) {
    return k->open ? rs_delete(&k->store, key, klen) : -2;
}
