/* hal_hash and hal_verify on the board: shared/hcrypto.c over the mbedTLS that host/c/mcu/net.mk builds
 * (MCU_HCRYPTO; without it port.c answers them with errors). */
#ifdef MCU_HCRYPTO
#include "hal.h"
#include "shared/hcrypto.h"

int hal_hash(hal *p, int alg, const uint8_t *d, size_t len, uint8_t *out, size_t cap) { (void)p; return hc_hash(alg, d, len, out, cap); }
int hal_verify(hal *p, int alg, const uint8_t *k, size_t kl, const uint8_t *d, size_t dl, const uint8_t *s, size_t sl) {
    (void)p;
    return hc_verify(alg, k, kl, d, dl, s, sl);
}
#endif
