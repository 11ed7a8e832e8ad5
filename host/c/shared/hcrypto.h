/* The crypto the host owns (docs/host-abi.md), on mbedTLS. */
#ifndef HCRYPTO_H
#define HCRYPTO_H
#include <stddef.h>
#include <stdint.h>

/* alg 1 SHA-1, 2 SHA-256, 3 SHA-384, 4 SHA-512; returns the digest length, -1 unknown alg, -2 cap too small. */
int hc_hash(int alg, const uint8_t *data, size_t len, uint8_t *out, size_t cap);
/* 1 valid, 0 invalid, < 0 error. key: PEM or DER public key or certificate. */
int hc_verify(int alg, const uint8_t *key, size_t key_len, const uint8_t *data, size_t data_len,
              const uint8_t *sig, size_t sig_len);

#endif
