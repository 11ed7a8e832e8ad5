#include <string.h>
#include "flash.h"
#include "semihost.h"

static int in_range(const mflash *f, uint32_t addr, size_t len) {
    uint32_t size = f->sectors * f->sector_bytes;
    return f->fd >= 0 && addr <= size && len <= size - addr;
}

int mflash_open(mflash *f, const char *path, uint32_t base, size_t sectors, size_t sector_bytes) {
    f->base = base;
    f->sectors = (uint32_t)sectors;
    f->sector_bytes = (uint32_t)sector_bytes;
    f->reads = f->programs = f->erases = 0;
    if (sectors == 0 || sector_bytes == 0 || sector_bytes % MFLASH_CHUNK || base % MFLASH_CHUNK || base + (uint64_t)sectors * sector_bytes > 0x7FFFFFFF) return -1;
    f->fd = sh_open(path, 3);                       /* r+b: an existing flash */
    if (f->fd < 0) f->fd = sh_open(path, 7);        /* w+b: a new one */
    if (f->fd < 0) return -1;
    long have = sh_flen(f->fd), size = (long)(base + sectors * sector_bytes);
    if (have < 0) { sh_close(f->fd); f->fd = -1; return -1; }
    memset(f->buf, 0xFF, sizeof f->buf);
    for (long at = have; at < size; ) {
        size_t n = size - at < MFLASH_CHUNK ? (size_t)(size - at) : MFLASH_CHUNK;
        if (sh_seek(f->fd, at) != 0 || sh_write(f->fd, f->buf, n) != 0) { sh_close(f->fd); f->fd = -1; return -1; }
        at += (long)n;
    }
    return 0;
}

int mflash_read(void *ctx, uint32_t addr, void *buf, size_t len) {
    mflash *f = ctx;
    if (!in_range(f, addr, len)) return -1;
    f->reads++;
    if (len == 0) return 0;
    if (sh_seek(f->fd, (long)(f->base + addr)) != 0 || sh_read(f->fd, buf, len) != (int)len) return -1;
    return 0;
}

int mflash_program(void *ctx, uint32_t addr, const void *buf, size_t len) {
    mflash *f = ctx;
    const uint8_t *d = buf;
    if (!in_range(f, addr, len)) return -1;
    f->programs++;
    while (len > 0) {
        size_t n = len < MFLASH_CHUNK ? len : MFLASH_CHUNK;
        long at = (long)(f->base + addr);
        if (sh_seek(f->fd, at) != 0 || sh_read(f->fd, f->buf, n) != (int)n) return -1;
        for (size_t i = 0; i < n; i++) f->buf[i] &= d[i];
        if (sh_seek(f->fd, at) != 0 || sh_write(f->fd, f->buf, n) != 0) return -1;
        addr += (uint32_t)n;
        d += n;
        len -= n;
    }
    return 0;
}

int mflash_erase(void *ctx, uint32_t sector) {
    mflash *f = ctx;
    if (sector >= f->sectors || f->fd < 0) return -1;
    f->erases++;
    memset(f->buf, 0xFF, sizeof f->buf);
    uint32_t at = f->base + sector * f->sector_bytes;
    for (uint32_t off = 0; off < f->sector_bytes; off += MFLASH_CHUNK)
        if (sh_seek(f->fd, (long)(at + off)) != 0 || sh_write(f->fd, f->buf, MFLASH_CHUNK) != 0) return -1;
    return 0;
}
