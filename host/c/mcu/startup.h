/* The C stack as the reset handler left it: painted, so its high-water mark can be read at any time. */
#ifndef STARTUP_H
#define STARTUP_H
#include <stddef.h>

/* Bytes of the C stack ever used (the deepest point since reset). */
size_t startup_stack_used(void);
size_t startup_stack_size(void);

#endif
