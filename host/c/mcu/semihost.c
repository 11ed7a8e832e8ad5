#include <string.h>
#include "semihost.h"

enum {
    SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITE = 0x05, SYS_READ = 0x06, SYS_SEEK = 0x0A, SYS_FLEN = 0x0C,
    SYS_TIME = 0x11, SYS_GET_CMDLINE = 0x15, SYS_EXIT = 0x18, SYS_EXIT_EXTENDED = 0x20,
};
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

/* One call: the operation in r0, the parameter block's address in r1, the result back in r0. */
static long sh_call(int op, void *args) {
    register long r0 __asm__("r0") = op;
    register void *r1 __asm__("r1") = args;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

int sh_open(const char *path, int mode) {
    if (mode < 0 || mode > 7) return -1;
    long args[3] = { (long)path, mode, (long)strlen(path) };
    long h = sh_call(SYS_OPEN, args);
    return h < 0 ? -1 : (int)h;
}

int sh_read(int h, void *buf, size_t len) {
    long args[3] = { h, (long)buf, (long)len };
    long left = sh_call(SYS_READ, args);   /* bytes not read */
    if (left < 0 || (size_t)left > len) return -1;
    return (int)(len - (size_t)left);
}

int sh_write(int h, const void *buf, size_t len) {
    long args[3] = { h, (long)buf, (long)len };
    return sh_call(SYS_WRITE, args) == 0 ? 0 : -1;
}

int sh_seek(int h, long pos) {
    long args[2] = { h, pos };
    return sh_call(SYS_SEEK, args) == 0 ? 0 : -1;
}

long sh_flen(int h) {
    long args[1] = { h };
    return sh_call(SYS_FLEN, args);
}

int sh_close(int h) {
    long args[1] = { h };
    return sh_call(SYS_CLOSE, args) == 0 ? 0 : -1;
}

long sh_time(void) { return sh_call(SYS_TIME, NULL); }

int sh_cmdline(char *buf, size_t cap) {
    if (cap == 0) return -1;
    long args[2] = { (long)buf, (long)cap };
    if (sh_call(SYS_GET_CMDLINE, args) != 0) return -1;
    buf[cap - 1] = 0;
    return 0;
}

void sh_exit(int code) {
    /* On a 32-bit target SYS_EXIT takes only a reason (success or not); SYS_EXIT_EXTENDED carries the code. */
    if (code == 0) sh_call(SYS_EXIT, (void *)ADP_STOPPED_APPLICATION_EXIT);
    long args[2] = { ADP_STOPPED_APPLICATION_EXIT, code };
    sh_call(SYS_EXIT_EXTENDED, args);
    for (;;) __asm__ volatile("wfi");
}
