/* fw_slot_verify on mbedTLS, for every port (ABI revision 3): the signing certificate must chain to one of the
 * manufacturer roots (certificate store kind 1), every certificate of the chain within its validity period, and
 * the signature over the image must be the certificate key's: ECDSA with SHA-256 (DER) for an EC key, RSA PKCS#1
 * v1.5 with SHA-256 for an RSA key. The port parses its roots (PEM or DER, mbedtls_x509_crt_parse) and gives its
 * wall clock. */
#ifndef FWVERIFY_H
#define FWVERIFY_H
#include <stddef.h>
#include <stdint.h>
#include <mbedtls/x509_crt.h>

/* cert: PEM (the signing certificate, intermediates may follow) or DER. now_s: wall clock, Unix seconds.
 * 1 valid, 0 signature invalid, -2 not a certificate, -3 not chained to a root or outside a validity period. */
int fwv_verify(mbedtls_x509_crt *roots, int64_t now_s, const uint8_t *image, size_t len,
               const uint8_t *cert, size_t cert_len, const uint8_t *sig, size_t sig_len);

#endif
