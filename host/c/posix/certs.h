/* Keys and certificates the host owns (docs/host-abi.md): key pairs with PKCS#10 requests, and the
 * certificate store with OCPP certificate hash data. Files live under <data dir>/certs. */
#ifndef CERTS_H
#define CERTS_H
#include <stddef.h>
#include <stdint.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

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
 * root; -4 a root kind given a certificate that is not a CA; -5 (kind 4) the leaf's key is none that certs_csr made. */
int certs_install(certs *c, int kind, const uint8_t *pem, size_t len);
int certs_delete(certs *c, const char *hash_data);                      /* 0, -1 not found */
/* Lines "kind SHA256 issuerNameHash issuerKeyHash serial\n" (kind -1: all); returns the full length. */
int certs_list(certs *c, int kind, uint8_t *out, size_t cap);
/* The station's own certificate for TLS (security profile 3): the newest kind 4 whose key certs_csr made, with
 * that key, into crt and key (initialised by the caller); 0, or -1 none. */
int certs_identity(certs *c, mbedtls_x509_crt *crt, mbedtls_pk_context *key);
/* Start-up provisioning (docs/security.md): when the store has no CSMS root, the --ca file's PEM roots are
 * installed as kind 0; when it has no station certificate, the --client-cert chain as kind 4 with its
 * --client-key kept as crypto_csr's slot CERTS_PROVISIONED_SLOT. What happened is reported through log. */
typedef void (*certs_log)(void *user, const char *level, const char *text);
#define CERTS_PROVISIONED_SLOT 1000   /* a crypto_csr slot the image never asks for */
void certs_provision(certs *c, const char *ca_file, const char *client_cert, const char *client_key, certs_log log, void *user);
/* Calls fn for each PEM file of a kind (e.g. the CSMS roots for TLS). */
void certs_each(certs *c, int kind, void (*fn)(void *user, const char *path), void *user);

#endif
