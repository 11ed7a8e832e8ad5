/* The firmware slots' storage on Linux (hal_slot_* of hal.h): <data dir>/fw/slot-a.wasm, slot-b.wasm and the
 * state record fw/state (temp file, fsync, rename, fsync of the folder). A slot is mapped by reading its file into a
 * malloc'd buffer, kept until the slot is mapped again, erased or written. */
#ifndef FWSLOTS_H
#define FWSLOTS_H
#include <stddef.h>
#include <stdint.h>

#define FWS_CAPACITY (4 * 1024 * 1024)   /* bytes per slot, as on the Node host */
#define FWS_DIR_MAX 400

typedef struct fw_slots {
    char dir[FWS_DIR_MAX];
    uint8_t *map[2];
    size_t map_len[2];
} fw_slots;

int fws_open(fw_slots *f, const char *data_dir);                 /* 0 / -2 */
void fws_close(fw_slots *f);
const uint8_t *fws_map(fw_slots *f, int slot, size_t *len);       /* NULL + len 0: empty */
int fws_erase(fw_slots *f, int slot);                            /* 0 / -2 */
int fws_write(fw_slots *f, int slot, size_t off, const uint8_t *bytes, size_t len);  /* 0 / -2 */
int fws_flush(fw_slots *f, int slot);                            /* 0 / -2 */
int fws_state_get(fw_slots *f, uint8_t *buf, size_t cap);        /* len, -1 absent, -2 error */
int fws_state_put(fw_slots *f, const uint8_t *buf, size_t len);  /* 0 / -2 */

#endif
