/* Persistent key-value storage: one file per key (hex-encoded name) in a directory. kv_put is atomic:
 * temp file, fsync, rename, fsync of the directory — after a power cut the key holds the old or the new
 * value, never a mix. crash_after_step simulates a power cut after step 1 (written), 2 (synced) or
 * 3 (renamed) for the storage tests. */
#ifndef KV_H
#define KV_H
#include <stddef.h>
#include <stdint.h>

#define KV_PATH_MAX 600
#define KV_KEY_MAX 128

typedef struct kv_store {
    char dir[KV_PATH_MAX - 2 * KV_KEY_MAX - 8];
    int crash_after_step;
} kv_store;

int kv_open(kv_store *kv, const char *dir);                      /* 0 ok, -2 error */
int kv_get(kv_store *kv, const uint8_t *key, size_t klen, uint8_t *buf, size_t cap); /* len, -1 absent, -2 error */
int kv_put(kv_store *kv, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen); /* 0, -2 */
int kv_delete(kv_store *kv, const uint8_t *key, size_t klen);    /* 0, -2 */

#endif
