/* newlib's hooks. Its state (the heap's break) is C-library glue with no context argument: like the vector
 * table's, the one kind of static state allowed outside main.c. */
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include "syscalls.h"

extern uint8_t __heap_start, __heap_limit;
static uint8_t *brk_at = &__heap_start;

void *_sbrk(ptrdiff_t incr) {
    uint8_t *prev = brk_at;
    if (incr < 0 || (size_t)(&__heap_limit - brk_at) < (size_t)incr) { errno = ENOMEM; return (void *)-1; }
    brk_at += incr;
    return prev;
}

size_t syscalls_heap_used(void) { return (size_t)(brk_at - &__heap_start); }
size_t syscalls_heap_size(void) { return (size_t)(&__heap_limit - &__heap_start); }

/* stdout and stderr: UART0, polled (nothing of the station prints through stdio; a library might). */
int _write(int fd, const char *buf, int len) {
    volatile uint32_t *uart = (volatile uint32_t *)0x40004000u;
    if (fd != 1 && fd != 2) { errno = EBADF; return -1; }
    for (int i = 0; i < len; i++) { while (uart[1] & 1) {} uart[0] = (uint8_t)buf[i]; }
    return len;
}

int _read(int fd, char *buf, int len) { (void)fd; (void)buf; (void)len; errno = EBADF; return -1; }
int _close(int fd) { (void)fd; return -1; }
int _lseek(int fd, int off, int whence) { (void)fd; (void)off; (void)whence; return -1; }
int _isatty(int fd) { return fd <= 2; }
int _fstat(int fd, struct stat *st) { (void)fd; st->st_mode = S_IFCHR; return 0; }
int _getpid(void) { return 1; }
int _kill(int pid, int sig) { (void)pid; (void)sig; errno = EINVAL; return -1; }
void _exit(int code) { for (;;) { (void)code; __asm__ volatile("wfi"); } }
