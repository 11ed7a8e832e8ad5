/* The C library's system calls on bare metal (newlib): the heap for malloc (_sbrk, from the end of .bss up to the
 * C stack's limit, with its high-water mark), standard output on UART0, no files. */
#ifndef SYSCALLS_H
#define SYSCALLS_H
#include <stddef.h>

/* Heap bytes handed to malloc so far (its high-water mark: newlib never gives memory back) and the room left. */
size_t syscalls_heap_used(void);
size_t syscalls_heap_size(void);

#endif
