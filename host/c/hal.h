/* The hardware abstraction a board port supplies: everything the C host needs from the OS and the hardware,
 * one module per concern (docs/porting.md). The Linux port implements each in the .c file of the same name;
 * a Cortex-M port replaces those files and keeps image.c, abi.c and the loop. */
#ifndef HAL_H
#define HAL_H

#include "clock.h"    /* clk_:   monotonic ms, wall clock (RTC) */
#include "net.h"      /* net_:   TCP streams, TLS (mbedTLS), the DRBG */
#include "udp.h"      /* udp_:   UDP datagrams */
#include "addr.h"     /* addr_:  name resolution for both */
#include "kv.h"       /* kv_:    atomic key-value storage */
#include "hcrypto.h"  /* hc_:    hashes, signature verification */
#include "certs.h"    /* certs_: key pairs + CSRs, the certificate store, hash data, chain checks */
#include "hw.h"       /* hw_:    UART, CAN, GPIO, or the simulator bus */

#endif
