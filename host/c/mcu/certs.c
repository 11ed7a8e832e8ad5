/* hal_cert_* on the board (docs/host-abi.md): the certificate store on the board's key-value store (the record
 * store on flash with --flash, kv.h; RAM otherwise), parsed with the board's mbedTLS (MCU_HCRYPTO; without it
 * port.c answers with errors). Each certificate is a record "host.cert.<slot>" holding the PEM as installed; the
 * record "host.cert.index" holds a character per slot, its kind ('0'..'4') or '-' when free. Install writes the
 * certificate's record, then the index (a cut between leaves a record no index names, which the next install in
 * that slot replaces); delete writes the index, then removes the record. The image bounds what it installs per
 * type; MCERTS_SLOTS bounds the board's store as a whole. "host.cert.newest" names the slot of the last station
 * certificate installed (the one TLS presents).
 *
 * Key pairs (hal_csr): made with shared/keygen.c (as the Linux host), entropy from hal_random through a CTR-DRBG;
 * the private key is kept as DER in the record "host.key.<slot>" (never in the image), written before the CSR is
 * returned. A station certificate is taken only for a key found there (cert_install -5). EC P-256 and P-384 only:
 * an RSA-2048 key pair takes a prime search of seconds to minutes on a Cortex-M7, holding the loop that long, so
 * the board answers key type 3 with -1 (docs/host-abi.md). */
#ifdef MCU_HCRYPTO
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/x509_crt.h>
#include "certs.h"
#include "kv.h"
#include "shared/certhash.h"
#include "shared/fwverify.h"
#include "shared/keygen.h"

#define MCERTS_SLOTS 16
#define MCERTS_KINDS 5
#define MCERTS_PEM_MAX MKV_VAL_MAX
#define MCERTS_KEY_SLOTS 4     /* crypto_csr slots the board keeps a key for (the image uses slot 0) */
#define MCERTS_KEY_DER_MAX 200 /* a P-384 private key in DER: 167 bytes */
static const char INDEX_KEY[] = "host.cert.index";
static const char NEWEST_KEY[] = "host.cert.newest";

static int slot_key(int slot, char *key, size_t cap) { return snprintf(key, cap, "host.cert.%d", slot); }

/* The slot table; a missing or damaged record is an empty store. */
static void read_index(hal *p, char idx[MCERTS_SLOTS]) {
    memset(idx, '-', MCERTS_SLOTS);
    char buf[MCERTS_SLOTS];
    if (hal_kv_get(p, (const uint8_t *)INDEX_KEY, sizeof INDEX_KEY - 1, (uint8_t *)buf, sizeof buf) != MCERTS_SLOTS) return;
    for (int i = 0; i < MCERTS_SLOTS; i++) if (buf[i] >= '0' && buf[i] < '0' + MCERTS_KINDS) idx[i] = buf[i];
}

static int write_index(hal *p, const char idx[MCERTS_SLOTS]) {
    return hal_kv_put(p, (const uint8_t *)INDEX_KEY, sizeof INDEX_KEY - 1, (const uint8_t *)idx, MCERTS_SLOTS) == 0 ? 0 : -2;
}

/* Parses the PEM of a slot into chain (appended); 0 or < 0. */
static int parse_slot(hal *p, int slot, mbedtls_x509_crt *chain) {
    char key[32];
    int kl = slot_key(slot, key, sizeof key);
    uint8_t *buf = malloc(MCERTS_PEM_MAX + 1);
    if (!buf) return -2;
    int n = hal_kv_get(p, (const uint8_t *)key, (size_t)kl, buf, MCERTS_PEM_MAX);
    int rc = -2;
    if (n > 0 && n <= MCERTS_PEM_MAX) {
        buf[n] = 0;
        rc = mbedtls_x509_crt_parse(chain, buf, (size_t)n + 1) == 0 ? 0 : -2;
    }
    free(buf);
    return rc;
}

/* Every certificate of the store in one chain, for issuer look-ups. */
static void parse_all(hal *p, const char idx[MCERTS_SLOTS], mbedtls_x509_crt *all) {
    for (int i = 0; i < MCERTS_SLOTS; i++) if (idx[i] != '-') parse_slot(p, i, all);
}

/* mbedtls_x509_crt_verify's callback for every certificate of the chain, the trusted root included: its
 * validity period on the board's wall clock (this mbedTLS has no clock of its own). */
static int period_check(void *now, mbedtls_x509_crt *crt, int depth, uint32_t *flags) {
    (void)depth;
    if (!ch_within_period(crt, *(int64_t *)now)) *flags |= MBEDTLS_X509_BADCERT_EXPIRED;
    return 0;
}

/* A root (kind < 4) must be a CA within its validity period; a station certificate must chain, through the
 * intermediates sent with it, to an installed root, every certificate within its period. */
static int check(hal *p, int kind, mbedtls_x509_crt *crt, const char idx[MCERTS_SLOTS]) {
    int64_t now = hal_wall_ms(p) / 1000;
    if (kind < 4) return !crt->ca_istrue ? -4 : ch_within_period(crt, now) ? 0 : -3;
    mbedtls_x509_crt trust;
    mbedtls_x509_crt_init(&trust);
    for (int i = 0; i < MCERTS_SLOTS; i++) if (idx[i] >= '0' && idx[i] < '4') parse_slot(p, i, &trust);
    uint32_t flags = 0;
    int rc = trust.raw.len && mbedtls_x509_crt_verify(crt, &trust, NULL, NULL, &flags, period_check, &now) == 0 ? 0 : -3;
    mbedtls_x509_crt_free(&trust);
    return rc;
}

static int key_name(int slot, char *key, size_t cap) { return snprintf(key, cap, "host.key.%d", slot); }

static int entropy(void *p, unsigned char *out, size_t len) {
    return hal_random(p, out, len) == 0 ? 0 : MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
}

int hal_csr(hal *p, int slot, int key_type, const char *subject, uint8_t *out, size_t cap) {
    if (slot < 0 || slot >= MCERTS_KEY_SLOTS || (key_type != 1 && key_type != 2)) return -1;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_pk_context key;
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_pk_init(&key);
    unsigned char der[MCERTS_KEY_DER_MAX];
    int rc = -2, n = 0;
    if (mbedtls_ctr_drbg_seed(&drbg, entropy, p, (const unsigned char *)"crypto_csr", 10) == 0 &&
        (rc = kg_generate(&key, key_type, mbedtls_ctr_drbg_random, &drbg)) == 0) {
        rc = (n = mbedtls_pk_write_key_der(&key, der, sizeof der)) > 0 ? 0 : -2;
        /* The key is on flash before anyone sees its CSR; the DER sits at the end of der. */
        char name[24];
        int kl = key_name(slot, name, sizeof name);
        if (rc == 0) rc = hal_kv_put(p, (const uint8_t *)name, (size_t)kl, der + sizeof der - n, (size_t)n) == 0 ? 0 : -2;
        if (rc == 0) {
            uint8_t *pem = malloc(2048);
            rc = pem ? kg_csr_pem(&key, subject, mbedtls_ctr_drbg_random, &drbg, pem, 2048) : -2;
            if (rc > 0) memcpy(out, pem, (size_t)rc < cap ? (size_t)rc : cap);
            free(pem);
        }
    }
    mbedtls_platform_zeroize(der, sizeof der);
    mbedtls_pk_free(&key);
    mbedtls_ctr_drbg_free(&drbg);
    return rc;
}

/* The first key crypto_csr made that pairs with crt's public key: into key when given (initialised, empty); 0, or
 * -1 none. */
static int key_for(hal *p, mbedtls_x509_crt *crt, mbedtls_pk_context *key) {
    unsigned char der[MCERTS_KEY_DER_MAX];
    int found = -1;
    for (int slot = 0; slot < MCERTS_KEY_SLOTS && found < 0; slot++) {
        char name[24];
        int kl = key_name(slot, name, sizeof name);
        int n = hal_kv_get(p, (const uint8_t *)name, (size_t)kl, der, sizeof der);
        if (n <= 0 || n > (int)sizeof der) continue;
        mbedtls_pk_context k;
        mbedtls_pk_init(&k);
        if (mbedtls_pk_parse_key(&k, der, (size_t)n, NULL, 0) == 0 && mbedtls_pk_check_pair(&crt->pk, &k) == 0) {
            found = 0;
            if (key) { *key = k; mbedtls_pk_init(&k); }   /* moved: the context is a type and a pointer */
        }
        mbedtls_pk_free(&k);
    }
    mbedtls_platform_zeroize(der, sizeof der);
    return found;
}

int hal_cert_install(hal *p, int kind, const uint8_t *pem, size_t len) {
    if (kind < 0 || kind >= MCERTS_KINDS) return -1;
    if (len > MCERTS_PEM_MAX) return -2;
    uint8_t *buf = malloc(len + 1);
    if (!buf) return -2;
    memcpy(buf, pem, len);
    buf[len] = 0;
    char idx[MCERTS_SLOTS];
    read_index(p, idx);
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    int rc = mbedtls_x509_crt_parse(&crt, buf, len + 1) == 0 ? check(p, kind, &crt, idx) : -2;
    int slot = -1;
    /* The same certificate again (same kind, same DER) takes its own slot, as the Linux hosts replace its file. */
    for (int i = 0; rc == 0 && i < MCERTS_SLOTS && slot < 0; i++) {
        if (idx[i] != '0' + kind) continue;
        mbedtls_x509_crt old;
        mbedtls_x509_crt_init(&old);
        if (parse_slot(p, i, &old) == 0 && old.raw.len == crt.raw.len && memcmp(old.raw.p, crt.raw.p, crt.raw.len) == 0) slot = i;
        mbedtls_x509_crt_free(&old);
    }
    for (int i = 0; rc == 0 && i < MCERTS_SLOTS && slot < 0; i++) if (idx[i] == '-') slot = i;
    /* A station certificate's key must be one crypto_csr made (A02.FR.06: the certificate answers our CSR). */
    if (rc == 0 && kind == 4 && key_for(p, &crt, NULL) != 0) rc = -5;
    if (rc == 0 && slot < 0) rc = -2;   /* the board's store is full */
    if (rc == 0) {
        char key[32];
        int kl = slot_key(slot, key, sizeof key);
        rc = hal_kv_put(p, (const uint8_t *)key, (size_t)kl, pem, len) == 0 ? 0 : -2;
        idx[slot] = (char)('0' + kind);
        if (rc == 0) rc = write_index(p, idx);
        char newest = (char)('a' + slot);
        if (rc == 0 && kind == 4) rc = hal_kv_put(p, (const uint8_t *)NEWEST_KEY, sizeof NEWEST_KEY - 1, (const uint8_t *)&newest, 1) == 0 ? 0 : -2;
    }
    mbedtls_x509_crt_free(&crt);
    free(buf);
    return rc;
}

int hal_cert_list(hal *p, int kind, uint8_t *out, size_t cap) {
    char idx[MCERTS_SLOTS];
    read_index(p, idx);
    mbedtls_x509_crt all;
    mbedtls_x509_crt_init(&all);
    parse_all(p, idx, &all);
    size_t len = 0;
    for (int k = 0; k < MCERTS_KINDS; k++) {   /* by kind, as the Linux hosts list their files by name */
        if (kind >= 0 && k != kind) continue;
        for (int i = 0; i < MCERTS_SLOTS; i++) {
            if (idx[i] != '0' + k) continue;
            mbedtls_x509_crt one;
            mbedtls_x509_crt_init(&one);
            char line[256];
            int n = parse_slot(p, i, &one) == 0 ? ch_line(&one, &all, k, line, sizeof line) : -1;
            mbedtls_x509_crt_free(&one);
            if (n <= 0) continue;
            if (len < cap) memcpy(out + len, line, (size_t)n <= cap - len ? (size_t)n : cap - len);
            len += (size_t)n;
        }
    }
    mbedtls_x509_crt_free(&all);
    return (int)len;
}

int hal_cert_delete(hal *p, const char *hash_data) {
    char idx[MCERTS_SLOTS];
    read_index(p, idx);
    mbedtls_x509_crt all;
    mbedtls_x509_crt_init(&all);
    parse_all(p, idx, &all);
    int found = -1;
    for (int i = 0; i < MCERTS_SLOTS && found < 0; i++) {
        if (idx[i] == '-') continue;
        mbedtls_x509_crt one;
        mbedtls_x509_crt_init(&one);
        char line[256];
        if (parse_slot(p, i, &one) == 0 && ch_line(&one, &all, idx[i] - '0', line, sizeof line) > 0 && ch_matches(line, hash_data)) found = i;
        mbedtls_x509_crt_free(&one);
    }
    mbedtls_x509_crt_free(&all);
    if (found < 0) return -1;
    idx[found] = '-';
    if (write_index(p, idx) != 0) return -2;
    char key[32];
    int kl = slot_key(found, key, sizeof key);
    hal_kv_delete(p, (const uint8_t *)key, (size_t)kl);
    return 0;
}
/* fw_slot_verify (ABI revision 3): shared/fwverify.c against the store's ManufacturerRootCertificates (kind 1)
 * on the board's wall clock. Parsing and verification take the TLS heap's buffer (a few KB). */
int hal_fw_verify(hal *p, const uint8_t *image, size_t len, const uint8_t *cert, size_t cert_len, const uint8_t *sig, size_t sig_len) {
    mbedtls_x509_crt roots;
    mbedtls_x509_crt_init(&roots);
    char idx[MCERTS_SLOTS];
    read_index(p, idx);
    for (int i = 0; i < MCERTS_SLOTS; i++) if (idx[i] == '1') parse_slot(p, i, &roots);
    int rc = fwv_verify(&roots, hal_wall_ms(p) / 1000, image, len, cert, cert_len, sig, sig_len);
    mbedtls_x509_crt_free(&roots);
    return rc;
}

int mcerts_roots(hal *p, mbedtls_x509_crt *roots) {
    char idx[MCERTS_SLOTS];
    read_index(p, idx);
    int n = 0;
    for (int i = 0; i < MCERTS_SLOTS; i++) if (idx[i] == '0' && parse_slot(p, i, roots) == 0) n++;
    return n;
}

int mcerts_identity(hal *p, mbedtls_x509_crt *cert, mbedtls_pk_context *key) {
    char idx[MCERTS_SLOTS], newest;
    read_index(p, idx);
    if (hal_kv_get(p, (const uint8_t *)NEWEST_KEY, sizeof NEWEST_KEY - 1, (uint8_t *)&newest, 1) != 1) return -1;
    int slot = newest - 'a';
    if (slot < 0 || slot >= MCERTS_SLOTS || idx[slot] != '4') return -1;
    if (parse_slot(p, slot, cert) == 0 && ch_within_period(cert, hal_wall_ms(p) / 1000) && key_for(p, cert, key) == 0) return 0;
    mbedtls_x509_crt_free(cert);   /* nothing half-parsed stays on the TLS heap */
    mbedtls_x509_crt_init(cert);
    return -1;
}

int mcerts_provision_roots(hal *p, int kind, const char *ca_pem) {
    char idx[MCERTS_SLOTS];
    read_index(p, idx);
    if (!ca_pem || memchr(idx, '0' + kind, MCERTS_SLOTS)) return 0;
    static const char END[] = "-----END CERTIFICATE-----";
    int n = 0;
    for (const char *at = strstr(ca_pem, "-----BEGIN CERTIFICATE-----"), *end; at && (end = strstr(at, END)); at = strstr(end, "-----BEGIN CERTIFICATE-----")) {
        end += sizeof END - 1;
        if (hal_cert_install(p, kind, (const uint8_t *)at, (size_t)(end - at)) == 0) n++;
    }
    return n;
}
#endif
