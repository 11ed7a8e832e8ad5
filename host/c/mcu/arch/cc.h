/* lwIP's port header (lwip/arch.h includes it): newlib provides stdint, inttypes, errno and byte order; the
 * Cortex-M7 is little-endian. lwIP's diagnostics are off (lwipopts.h: LWIP_NOASSERT). */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H

#define LWIP_ERRNO_STDINCLUDE        1
#define LWIP_PLATFORM_DIAG(x)        do { } while (0)
#define LWIP_PLATFORM_ASSERT(x)      do { } while (0)

#endif
