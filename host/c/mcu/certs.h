/* The board's key pairs and certificate store (certs.c: hal_csr, hal_cert_*) as the board's TLS uses them (net.c):
 * the CSMS roots it trusts and the station certificate it presents on security profile 3. */
#ifndef MCERTS_H
#define MCERTS_H
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>
#include "hal.h"

/* Appends every stored CSMSRootCertificate to roots; how many. */
int mcerts_roots(hal *p, mbedtls_x509_crt *roots);
/* The newest stored ChargingStationCertificate (its chain as installed) within its validity period, and the key
 * crypto_csr made for it, into cert and key (initialised, empty): 0, or -1 none. */
int mcerts_identity(hal *p, mbedtls_x509_crt *cert, mbedtls_pk_context *key);
/* Provisioning (--ca: kind 0, --manufacturer-ca: kind 1): when the store holds no root of that kind, each
 * certificate of ca_pem (PEM, NUL-terminated) is installed as one, as cert_install checks it. How many were
 * installed. */
int mcerts_provision_roots(hal *p, int kind, const char *ca_pem);

#endif
