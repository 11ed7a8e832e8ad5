/* crypto_csr's key pairs and PKCS#10 requests (docs/host-abi.md) on mbedTLS, shared by the Linux host's store
 * (posix/certs.c) and the board's (mcu/certs.c): both make the same keys and the same requests; where each keeps
 * the private key is the port's business. */
#ifndef KEYGEN_H
#define KEYGEN_H
#include <stddef.h>
#include <stdint.h>
#include <mbedtls/pk.h>

typedef int (*kg_rng)(void *rng_ctx, unsigned char *out, size_t len);

/* A new key pair into key (initialised, empty): key_type 1 EC P-256, 2 EC P-384, 3 RSA-2048 (e 65537).
 * 0, -1 unknown key type, -2 failure (RNG, memory). */
int kg_generate(mbedtls_pk_context *key, int key_type, kg_rng rng, void *rng_ctx);
/* The CSR of key for subject ("O=...,CN=..."), signed with SHA-384 for a P-384 key, else SHA-256; PEM into out,
 * NUL-terminated. Its length (without the NUL), -1 bad subject, -2 failure or no room. */
int kg_csr_pem(mbedtls_pk_context *key, const char *subject, kg_rng rng, void *rng_ctx, uint8_t *out, size_t cap);

#endif
