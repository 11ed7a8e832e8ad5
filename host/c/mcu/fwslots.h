/* The board's two firmware slots (hal_slot_* of hal.h, ABI revision 3): partitions of the flash file after the
 * record store's megabyte, and a small record store of their own for the slot state record and each slot's
 * length. The flash here is a file (semihosting), not memory: a slot is RAM-loaded, copied into its execution
 * area in the 4 MiB SSRAM1 that stands in for flash (mps2-an500.ld: above the linked code), where wasm3 parses
 * it in place. A board whose flash is memory-mapped returns the slot's own address instead (docs/porting.md).
 *
 * Flash file layout (bytes):  [0, 1 MiB) record store (kv.h) | slot A 512 KiB | slot B 512 KiB | meta 12 KiB.
 * A slot's length is durable only once flushed (the meta record "len.a"/"len.b"); an erase drops it first, so a
 * power cut inside an erase or a write leaves the slot empty, never a short image that looks complete. */
#ifndef MFW_H
#define MFW_H
#include <stddef.h>
#include <stdint.h>
#include "core/rstore.h"
#include "flash.h"

#define MFW_SLOTS 2
#define MFW_SECTOR_BYTES 32768
#define MFW_SLOT_SECTORS 16                       /* 512 KiB a slot */
#define MFW_SLOT_BYTES (MFW_SLOT_SECTORS * MFW_SECTOR_BYTES)
#define MFW_SLOTS_BASE 0x100000u                  /* after the record store (kv.h: 32 x 32 KiB) */
#define MFW_META_BASE (MFW_SLOTS_BASE + MFW_SLOTS * MFW_SLOT_BYTES)
#define MFW_META_SECTORS 3                        /* the least a record store takes */
#define MFW_META_SECTOR_BYTES 4096
#define MFW_META_KEYS 4                           /* "state", "len.a", "len.b" */
#define MFW_STATE_MAX 64                          /* the core's state record is a few bytes */

typedef struct mfw {
    mflash slots;            /* both slot partitions, slot s = sectors [s * MFW_SLOT_SECTORS, ...) */
    mflash meta_flash;
    rs_store meta;
    rs_sector meta_sec[MFW_META_SECTORS];
    rs_entry meta_idx[MFW_META_KEYS];
    uint8_t *window[MFW_SLOTS];   /* execution areas (SSRAM1), MFW_SLOT_BYTES each */
    uint32_t len[MFW_SLOTS];      /* the slot's bytes: durable length, or written since the erase */
    int mapped[MFW_SLOTS];        /* window holds the slot's len bytes */
    int open;                     /* on flash; 0: the windows are the slots, nothing survives a reset */
    uint8_t ram_state[MFW_STATE_MAX];
    int ram_state_len;            /* -1 absent */
    unsigned long loads;          /* slot copies into a window (stats) */
} mfw;

/* Without a flash file: RAM slots (the windows) and a RAM state record. */
void mfw_init(mfw *f);
/* Opens the slot and meta partitions of the flash file and mounts the meta store: 0, or -1. */
int mfw_open(mfw *f, const char *path);
/* As hal_slot_* (hal.h). */
const uint8_t *mfw_map(mfw *f, int slot, size_t *len);
int mfw_erase(mfw *f, int slot);
int mfw_write(mfw *f, int slot, size_t off, const uint8_t *bytes, size_t len);
int mfw_flush(mfw *f, int slot);
int mfw_state_get(mfw *f, uint8_t *buf, size_t cap);
int mfw_state_put(mfw *f, const uint8_t *buf, size_t len);

#endif
