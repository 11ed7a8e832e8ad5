/* A power-cut-safe key-value record store on NOR-like flash (docs/porting.md, "Record store"): the semantics of
 * hal_kv_get/put/delete. Records are appended (header, key and value, then a commit mark); a value is replaced
 * whole or not at all, whatever instant the power fails, even in the middle of a program or an erase. Sectors are
 * used as a ring; compaction copies the oldest sector's live records to the head before erasing it, so every
 * sector is erased in turn. Pure C, no allocation: the caller gives the sector table and the index. */
#ifndef RSTORE_H
#define RSTORE_H
#include <stddef.h>
#include <stdint.h>

#define RS_KEY_MAX 128          /* longest key, bytes */
#define RS_CHUNK 256            /* bytes moved per flash call when writing or copying */

/* The flash device. Addresses are bytes from the start of the store's area; sector i spans
 * [i * sector_bytes, (i + 1) * sector_bytes). Each call returns 0, or -1 on failure (a power cut shows as a
 * failure of every call after it). program only clears bits (1 → 0), on an area that is a whole number of
 * prog_bytes units (1, 2, 4, 8, 16 or 32), each unit programmed once after an erase; erase sets a sector to 0xFF.
 * Either may be torn by a power cut (part of the bits changed). */
typedef struct rs_flash {
    void *ctx;
    int (*read)(void *ctx, uint32_t addr, void *buf, size_t len);
    int (*program)(void *ctx, uint32_t addr, const void *buf, size_t len);
    int (*erase)(void *ctx, uint32_t sector);
    uint32_t sectors, sector_bytes, prog_bytes;
} rs_flash;

typedef struct rs_sector {
    uint32_t seq;               /* order in the ring, when in use */
    uint32_t erases;            /* erase count (from the sector's header; estimated when a cut lost it) */
    uint8_t state, has_a;
} rs_sector;

typedef struct rs_entry { uint32_t hash, addr; } rs_entry;  /* one per live key: key hash, record address */

typedef struct rs_store {
    rs_flash dev;
    rs_sector *sec;             /* dev.sectors entries */
    rs_entry *idx;              /* sorted by hash; idx_cap entries */
    uint32_t idx_cap, nkeys;
    uint32_t val_max, align, aslot, hslot, cslot, data0, mark_size, rec_max;
    uint32_t limit;             /* most bytes of live records accepted */
    uint32_t live;              /* bytes of live records (what compaction copies) */
    uint32_t full_at;           /* a put that would reach this many live bytes is refused without compaction */
    int32_t head;               /* sector being appended to, -1 none */
    uint32_t wp, next_seq, nfree;
    int broken;                 /* a flash call failed: re-mounted before the next operation */
    /* Counters since rs_open (figures and tests). */
    uint32_t erase_ops, compactions, spare_resets;
    uint64_t prog_bytes, user_bytes;
    uint8_t buf[RS_CHUNK], key[RS_KEY_MAX];
} rs_store;

/* Mounts the store (recovery: scans every sector, finishes or undoes what a power cut interrupted). sec has
 * dev->sectors entries; idx has idx_cap entries (one per key that can be stored); values up to val_max bytes
 * (at most 65535, and a record of RS_KEY_MAX + val_max must fit a sector with room to spare). 0, or -2 (bad
 * geometry, flash failure, more keys on flash than idx_cap). */
int rs_open(rs_store *s, const rs_flash *dev, rs_sector *sec, rs_entry *idx, uint32_t idx_cap, uint32_t val_max);
/* Value length (copies min(cap, length) bytes; a full read checks the CRC), -1 absent, -2 error. */
int rs_get(rs_store *s, const uint8_t *key, size_t klen, uint8_t *buf, size_t cap);
/* 0, or -2: bad key (1..RS_KEY_MAX bytes) or value, store full, flash failure. */
int rs_put(rs_store *s, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen);
/* 0 (absent is not an error), or -2. */
int rs_delete(rs_store *s, const uint8_t *key, size_t klen);

#endif
