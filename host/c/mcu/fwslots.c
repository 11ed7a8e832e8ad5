#include <string.h>
#include "fwslots.h"

/* The execution areas (mps2-an500.ld): in the SSRAM1 that stands in for flash, above the linked code. */
extern uint8_t __slot_window_a[], __slot_window_b[];

static const char *len_key(int slot) { return slot == 0 ? "len.a" : "len.b"; }
static int valid(int slot) { return slot >= 0 && slot < MFW_SLOTS; }

void mfw_init(mfw *f) {
    memset(f, 0, sizeof *f);
    f->slots.fd = f->meta_flash.fd = -1;
    f->window[0] = __slot_window_a;
    f->window[1] = __slot_window_b;
    f->ram_state_len = -1;
}

int mfw_open(mfw *f, const char *path) {
    mfw_init(f);
    if (mflash_open(&f->slots, path, MFW_SLOTS_BASE, MFW_SLOTS * MFW_SLOT_SECTORS, MFW_SECTOR_BYTES) != 0) return -1;
    if (mflash_open(&f->meta_flash, path, MFW_META_BASE, MFW_META_SECTORS, MFW_META_SECTOR_BYTES) != 0) return -1;
    rs_flash dev = { &f->meta_flash, mflash_read, mflash_program, mflash_erase, MFW_META_SECTORS, MFW_META_SECTOR_BYTES, MFLASH_PROG_BYTES };
    if (rs_open(&f->meta, &dev, f->meta_sec, f->meta_idx, MFW_META_KEYS, MFW_STATE_MAX) != 0) return -1;
    for (int s = 0; s < MFW_SLOTS; s++) {
        uint8_t b[4];
        const char *k = len_key(s);
        int n = rs_get(&f->meta, (const uint8_t *)k, strlen(k), b, sizeof b);
        uint32_t len = n == 4 ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24 : 0;
        f->len[s] = len <= MFW_SLOT_BYTES ? len : 0;
    }
    f->open = 1;
    return 0;
}

const uint8_t *mfw_map(mfw *f, int slot, size_t *len) {
    *len = 0;
    if (!valid(slot) || f->len[slot] == 0) return NULL;
    if (f->open && !f->mapped[slot]) {
        /* RAM-load: the whole slot into its execution area, where wasm3 parses it in place. */
        if (mflash_read(&f->slots, (uint32_t)slot * MFW_SLOT_BYTES, f->window[slot], f->len[slot]) != 0) return NULL;
        f->loads++;
    }
    f->mapped[slot] = 1;
    *len = f->len[slot];
    return f->window[slot];
}

int mfw_erase(mfw *f, int slot) {
    if (!valid(slot)) return -2;
    f->mapped[slot] = 0;
    f->len[slot] = 0;
    if (!f->open) return 0;
    /* The length goes first: from here on the slot is empty, whatever a power cut leaves of its sectors. */
    const char *k = len_key(slot);
    if (rs_delete(&f->meta, (const uint8_t *)k, strlen(k)) != 0) return -2;
    for (uint32_t i = 0; i < MFW_SLOT_SECTORS; i++)
        if (mflash_erase(&f->slots, (uint32_t)slot * MFW_SLOT_SECTORS + i) != 0) return -2;
    return 0;
}

int mfw_write(mfw *f, int slot, size_t off, const uint8_t *bytes, size_t len) {
    if (!valid(slot) || off > MFW_SLOT_BYTES || len > MFW_SLOT_BYTES - off) return -2;
    f->mapped[slot] = 0;
    if (f->open) {
        if (mflash_program(&f->slots, (uint32_t)(slot * MFW_SLOT_BYTES + off), bytes, len) != 0) return -2;
    } else memcpy(f->window[slot] + off, bytes, len);
    if (off + len > f->len[slot]) f->len[slot] = (uint32_t)(off + len);
    return 0;
}

int mfw_flush(mfw *f, int slot) {
    if (!valid(slot)) return -2;
    if (!f->open) return 0;
    /* Every program is already in the file (semihosting writes through); the length record makes them count. */
    uint32_t n = f->len[slot];
    uint8_t b[4] = { (uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24) };
    const char *k = len_key(slot);
    return rs_put(&f->meta, (const uint8_t *)k, strlen(k), b, sizeof b) == 0 ? 0 : -2;
}

int mfw_state_get(mfw *f, uint8_t *buf, size_t cap) {
    if (f->open) return rs_get(&f->meta, (const uint8_t *)"state", 5, buf, cap);
    if (f->ram_state_len < 0) return -1;
    memcpy(buf, f->ram_state, (size_t)f->ram_state_len < cap ? (size_t)f->ram_state_len : cap);
    return f->ram_state_len;
}

int mfw_state_put(mfw *f, const uint8_t *buf, size_t len) {
    if (len > MFW_STATE_MAX) return -2;
    if (f->open) return rs_put(&f->meta, (const uint8_t *)"state", 5, buf, len) == 0 ? 0 : -2;
    memcpy(f->ram_state, buf, len);
    f->ram_state_len = (int)len;
    return 0;
}
