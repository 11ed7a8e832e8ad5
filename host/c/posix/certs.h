/* Keys and certificates the host owns (docs/host-abi.md): key pairs with PKCS#10 requests, and the
 * certificate store with OCPP certificate hash data. Files live under <data dir>/certs. */
#ifndef CERTS_H
#define CERTS_H
#include <stddef.h>
#include <stdint.h>
#include <mbedtls/ctr_drbg.h>

#define CERTS_DIR_MAX 400
#define CERTS_KINDS 5   /* CSMSRoot, ManufacturerRoot, V2GRoot, MORoot, ChargingStationCertificate */

typedef struct certs {
    char dir[CERTS_DIR_MAX];
    mbedtls_ctr_drbg_context *drbg;
} certs;

int certs_open(certs *c, const char *data_dir, mbedtls_ctr_drbg_context *drbg); /* 0, -2 */
/* New key pair kept as <dir>/pending-key-<slot>.pem; writes the CSR PEM; returns its length or < 0. */
int certs_csr(certs *c, int slot, int key_type, const char *subject, uint8_t *out, size_t cap);
/* 0; -1 bad kind; -2 not a certificate; -3 outside its validity period or (kind 4) no valid chain to an installed
 * root; -4 a root kind given a certificate that is not a CA. */
int certs_install(certs *c, int kind, const uint8_t *pem, size_t len);
int certs_delete(certs *c, const char *hash_data);                      /* 0, -1 not found */
/* Lines "kind SHA256 issuerNameHash issuerKeyHash serial\n" (kind -1: all); returns the full length. */
int certs_list(certs *c, int kind, uint8_t *out, size_t cap);
/* Calls fn for each PEM file of a kind (e.g. the CSMS roots for TLS). */
void certs_each(certs *c, int kind, void (*fn)(void *user, const char *path), void *user);

#endif
