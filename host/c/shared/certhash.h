/* OCPP certificate hash data on mbedTLS (docs/host-abi.md, cert_list and cert_delete), shared by the Linux host's
 * file store (posix/certs.c) and the board's record store (mcu/certs.c), so both list the same lines. */
#ifndef CERTHASH_H
#define CERTHASH_H
#include <stddef.h>
#include <stdint.h>
#include <mbedtls/x509_crt.h>

/* Writes "<kind> SHA256 <issuerNameHash> <issuerKeyHash> <serial>\n" for crt: SHA-256 of its DER issuer name, of
 * the public key of its issuer (found in the chain `all` by subject; itself when absent, as for a root) and the
 * serial in lower-case hex without leading zeros. Returns the length, or -1 (no room, unreadable key). */
int ch_line(const mbedtls_x509_crt *crt, const mbedtls_x509_crt *all, int kind, char *line, size_t cap);
/* 1 when the hash data of line (as ch_line wrote it) is hash_data "alg:name:key:serial" (any case), else 0. */
int ch_matches(const char *line, const char *hash_data);
/* 1 when the Unix time (seconds) is within crt's validity period, else 0 (for hosts without mbedTLS's clock). */
int ch_within_period(const mbedtls_x509_crt *crt, int64_t unix_s);

#endif
