#include "keygen.h"
#include <string.h>
#include <mbedtls/ecp.h>
#include <mbedtls/rsa.h>
#include <mbedtls/x509_csr.h>

int kg_generate(mbedtls_pk_context *key, int key_type, kg_rng rng, void *rng_ctx) {
    if (key_type == 1 || key_type == 2) {
        if (mbedtls_pk_setup(key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) != 0) return -2;
        return mbedtls_ecp_gen_key(key_type == 1 ? MBEDTLS_ECP_DP_SECP256R1 : MBEDTLS_ECP_DP_SECP384R1, mbedtls_pk_ec(*key),
                                   rng, rng_ctx) == 0 ? 0 : -2;
    }
    if (key_type == 3) {
        if (mbedtls_pk_setup(key, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)) != 0) return -2;
        return mbedtls_rsa_gen_key(mbedtls_pk_rsa(*key), rng, rng_ctx, 2048, 65537) == 0 ? 0 : -2;
    }
    return -1;
}

int kg_csr_pem(mbedtls_pk_context *key, const char *subject, kg_rng rng, void *rng_ctx, uint8_t *out, size_t cap) {
    mbedtls_x509write_csr req;
    mbedtls_x509write_csr_init(&req);
    int p384 = mbedtls_pk_get_type(key) == MBEDTLS_PK_ECKEY && mbedtls_pk_get_bitlen(key) == 384;
    mbedtls_x509write_csr_set_md_alg(&req, p384 ? MBEDTLS_MD_SHA384 : MBEDTLS_MD_SHA256);
    mbedtls_x509write_csr_set_key(&req, key);
    int rc = -1;
    if (mbedtls_x509write_csr_set_subject_name(&req, subject) == 0)
        rc = mbedtls_x509write_csr_pem(&req, out, cap, rng, rng_ctx) == 0 ? (int)strlen((char *)out) : -2;
    mbedtls_x509write_csr_free(&req);
    return rc;
}
