/* ARM semihosting (the debugger's file and console calls, `bkpt 0xAB`): on QEMU with
 * `-semihosting-config enable=on,target=native` the host's files, its /dev/urandom and the command line given by
 * `-semihosting-config ...,arg=...`. A real board has no such channel: these calls are for the emulated board and
 * for bring-up under a debugger only (a call without a debugger attached is a HardFault). */
#ifndef SEMIHOST_H
#define SEMIHOST_H
#include <stddef.h>

/* mode as SYS_OPEN: 0 "r", 1 "rb", 2 "r+", 3 "r+b", 4 "w", 5 "wb", 6 "w+", 7 "w+b"; a handle >= 0, or -1. */
int sh_open(const char *path, int mode);
/* Bytes read (0 at end of file), or -1. */
int sh_read(int h, void *buf, size_t len);
/* 0 when every byte was written, or -1. */
int sh_write(int h, const void *buf, size_t len);
/* Absolute position: 0 or -1. */
int sh_seek(int h, long pos);
/* The file's length, or -1. */
long sh_flen(int h);
int sh_close(int h);
/* The host's clock: seconds since 1970 (the emulated board's stand-in for a battery-backed RTC). */
long sh_time(void);
/* The command line (program name first, as QEMU's arg=... pieces joined by spaces), NUL-terminated: 0 or -1. */
int sh_cmdline(char *buf, size_t cap);
/* Ends the emulation with this exit status. */
void sh_exit(int code) __attribute__((noreturn));

#endif
