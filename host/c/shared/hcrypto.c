#define _GNU_SOURCE /* memmem */
#include "hcrypto.h"
#include <mbedtls/pk.h>
#include <mbedtls/sha1.h>
#include <mbedtls/sha256.h>
#include <mbedtls/sha512.h>
#include <mbedtls/x509_crt.h>
#include <stdlib.h>
#include <string.h>

int hc_hash(int alg, const uint8_t *data, size_t len, uint8_t *out, size_t cap) {
    size_t n = alg == 1 ? 20 : alg == 2 ? 32 : alg == 3 ? 48 : alg == 4 ? 64 : 0;
    if (n == 0) return -1;
    if (cap < n) return -2;
    uint8_t d[64];
    int rc = alg == 1 ? mbedtls_sha1_ret(data, len, d)
           : alg == 2 ? mbedtls_sha256_ret(data, len, d, 0)
           : mbedtls_sha512_ret(data, len, d, alg == 3);
    if (rc != 0) return -3;
    memcpy(out, d, n);
    return (int)n;
}

/* mbedTLS parses PEM only from NUL-terminated buffers. */
static uint8_t *terminated(const uint8_t *p, size_t n) {
    uint8_t *b = malloc(n + 1);
    if (b) { memcpy(b, p, n); b[n] = 0; }
    return b;
}

int hc_verify(int alg, const uint8_t *key, size_t key_len, const uint8_t *data, size_t data_len,
              const uint8_t *sig, size_t sig_len) {
    mbedtls_md_type_t md = alg == 1 || alg == 3 ? MBEDTLS_MD_SHA256 : alg == 2 || alg == 4 ? MBEDTLS_MD_SHA384
                         : alg == 5 ? MBEDTLS_MD_SHA512 : MBEDTLS_MD_NONE;
    if (md == MBEDTLS_MD_NONE) return -1;
    uint8_t *buf = terminated(key, key_len);
    if (!buf) return -2;
    int is_pem = key_len > 10 && memmem(key, key_len, "-----BEGIN", 10) != NULL;
    size_t blen = is_pem ? key_len + 1 : key_len;
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    mbedtls_pk_context *use = &pk;
    int rc = -2;
    if (mbedtls_pk_parse_public_key(&pk, buf, blen) != 0) {
        if (mbedtls_x509_crt_parse(&crt, buf, blen) != 0) goto out;
        use = &crt.pk;
    }
    const mbedtls_md_info_t *info = mbedtls_md_info_from_type(md);
    uint8_t hash[64];
    if (mbedtls_md(info, data, data_len, hash) != 0) goto out;
    rc = mbedtls_pk_verify(use, md, hash, mbedtls_md_get_size(info), sig, sig_len) == 0 ? 1 : 0;
out:
    mbedtls_x509_crt_free(&crt);
    mbedtls_pk_free(&pk);
    free(buf);
    return rc;
}
