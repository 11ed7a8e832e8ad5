/* The emulated board's flash for the record store (core/rstore.h): a file on the host reached through
 * semihosting, which is the flash itself. Its size is fixed (sectors x sector_bytes); an erased sector is all
 * 0xFF; a program is a read, an AND and a write, so bits only go 1 -> 0; an erase writes 0xFF. Writes go in
 * pieces of MFLASH_CHUNK bytes, so a QEMU process killed at any instant leaves a torn program or erase, as a
 * power cut would. A real board replaces this module with its flash driver (docs/porting.md). */
#ifndef MFLASH_H
#define MFLASH_H
#include <stddef.h>
#include <stdint.h>

#define MFLASH_CHUNK 256
#define MFLASH_PROG_BYTES 1      /* the file is programmed byte by byte */

typedef struct mflash {
    int fd;                      /* semihosting handle, -1 when closed */
    uint32_t base;               /* the partition's first byte in the file; addresses are relative to it */
    uint32_t sectors, sector_bytes;
    unsigned long reads, programs, erases;
    uint8_t buf[MFLASH_CHUNK];
} mflash;

/* Opens the partition [base, base + sectors x sector_bytes) of the file, or creates the file erased; a shorter file
 * is extended with 0xFF up to the partition's end (a cut while creating it is harmless). 0, or -1. */
int mflash_open(mflash *f, const char *path, uint32_t base, size_t sectors, size_t sector_bytes);
/* The device calls of rs_flash (ctx is the mflash): 0, or -1. */
int mflash_read(void *ctx, uint32_t addr, void *buf, size_t len);
int mflash_program(void *ctx, uint32_t addr, const void *buf, size_t len);
int mflash_erase(void *ctx, uint32_t sector);

#endif
