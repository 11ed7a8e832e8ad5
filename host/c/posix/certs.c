#include "certs.h"
#include "shared/certhash.h"
#include "shared/keygen.h"
#include <dirent.h>
#include <mbedtls/ecp.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/rsa.h>
#include <mbedtls/sha256.h>
#include <mbedtls/x509_crt.h>
#include <mbedtls/x509_csr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

static void hex(const uint8_t *p, size_t n, char *out) {
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) { out[2 * i] = d[p[i] >> 4]; out[2 * i + 1] = d[p[i] & 15]; }
    out[2 * n] = 0;
}

int certs_open(certs *c, const char *data_dir, mbedtls_ctr_drbg_context *drbg) {
    if (snprintf(c->dir, sizeof c->dir, "%s/certs", data_dir) >= (int)sizeof c->dir) return -2;
    c->drbg = drbg;
    mkdir(data_dir, 0700);
    return mkdir(c->dir, 0700) == 0 || access(c->dir, W_OK) == 0 ? 0 : -2;
}

static int write_atomic(const char *path, const uint8_t *data, size_t len) {
    char tmp[CERTS_DIR_MAX + 128];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    /* 0600: the same writer stores private keys, and a key must not be readable by others even for an instant. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) { if (fd >= 0) close(fd); return -2; }
    int ok = fwrite(data, 1, len, f) == len && fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) { unlink(tmp); return -2; }
    return 0;
}

int certs_csr(certs *c, int slot, int key_type, const char *subject, uint8_t *out, size_t cap) {
    mbedtls_pk_context key;
    mbedtls_pk_init(&key);
    unsigned char pem[4096];
    int rc = -1;
    if (kg_generate(&key, key_type, mbedtls_ctr_drbg_random, c->drbg) != 0 || mbedtls_pk_write_key_pem(&key, pem, sizeof pem) != 0) goto out;
    char path[CERTS_DIR_MAX + 64];
    snprintf(path, sizeof path, "%s/pending-key-%d.pem", c->dir, slot);
    if (write_atomic(path, pem, strlen((char *)pem)) != 0) { rc = -2; goto out; }
    int n = kg_csr_pem(&key, subject, mbedtls_ctr_drbg_random, c->drbg, pem, sizeof pem);
    if (n < 0) goto out;
    memcpy(out, pem, (size_t)n < cap ? (size_t)n : cap);
    rc = n;
out:
    mbedtls_pk_free(&key);
    return rc;
}

static void add_file(void *chain, const char *path) { mbedtls_x509_crt_parse_file(chain, path); }

/* A root must be a CA certificate within its validity period; a station certificate (kind 4) must chain, through
 * the intermediates sent with it, to an installed root and be within its validity period. */
static int check_chain(certs *c, int kind, mbedtls_x509_crt *crt) {
    if (kind < 4) {
        if (!crt->ca_istrue) return -4;
        return mbedtls_x509_time_is_past(&crt->valid_to) || mbedtls_x509_time_is_future(&crt->valid_from) ? -3 : 0;
    }
    mbedtls_x509_crt trust;
    mbedtls_x509_crt_init(&trust);
    for (int k = 0; k < 4; k++) certs_each(c, k, add_file, &trust);
    uint32_t flags = 0;
    int rc = trust.raw.len && mbedtls_x509_crt_verify(crt, &trust, NULL, NULL, &flags, NULL, NULL) == 0 ? 0 : -3;
    mbedtls_x509_crt_free(&trust);
    return rc;
}

/* Calls fn for each key crypto_csr made (pending-key-<slot>.pem) until it returns non-zero; that value, else 0. */
static int each_pending_key(certs *c, int (*fn)(void *u, mbedtls_pk_context *key), void *u) {
    struct dirent **names;
    int n = scandir(c->dir, &names, NULL, alphasort), rc = 0;
    for (int i = 0; i < n; i++) {
        const char *f = names[i]->d_name;
        size_t len = strlen(f);
        if (rc == 0 && strncmp(f, "pending-key-", 12) == 0 && len > 16 && strcmp(f + len - 4, ".pem") == 0) {
            char path[CERTS_DIR_MAX + 300];
            mbedtls_pk_context key;
            mbedtls_pk_init(&key);
            snprintf(path, sizeof path, "%s/%s", c->dir, f);
            if (mbedtls_pk_parse_keyfile(&key, path, NULL) == 0) rc = fn(u, &key);
            mbedtls_pk_free(&key);
        }
        free(names[i]);
    }
    if (n >= 0) free(names);
    return rc;
}

static int pairs_with(void *crt, mbedtls_pk_context *key) { return mbedtls_pk_check_pair(&((mbedtls_x509_crt *)crt)->pk, key) == 0; }

/* <kind>-<first 16 hex digits of the SHA-256 of the leaf's DER>.pem: the same certificate replaces its own file. */
static int store_write(certs *c, int kind, const mbedtls_x509_crt *leaf, const uint8_t *pem, size_t len) {
    uint8_t digest[32];
    char id[65], path[CERTS_DIR_MAX + 96];
    mbedtls_sha256_ret(leaf->raw.p, leaf->raw.len, digest, 0);
    hex(digest, 8, id);
    snprintf(path, sizeof path, "%s/%d-%s.pem", c->dir, kind, id);
    return write_atomic(path, pem, len);
}

int certs_install(certs *c, int kind, const uint8_t *pem, size_t len) {
    if (kind < 0 || kind >= CERTS_KINDS) return -1;
    uint8_t *buf = malloc(len + 1);
    if (!buf) return -2;
    memcpy(buf, pem, len);
    buf[len] = 0;
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    int rc = -2;
    /* A station certificate's key must be one crypto_csr made (A02.FR.06: the certificate answers our CSR). */
    if (mbedtls_x509_crt_parse(&crt, buf, len + 1) == 0 && (rc = check_chain(c, kind, &crt)) == 0 &&
        (kind != 4 || (rc = each_pending_key(c, pairs_with, &crt) ? 0 : -5) == 0)) {
        rc = store_write(c, kind, &crt, pem, len);
    }
    mbedtls_x509_crt_free(&crt);
    free(buf);
    return rc;
}

typedef struct entry { int kind; char path[CERTS_DIR_MAX + 300]; } entry;

/* The store's certificates, sorted by file name (as the Node host lists them). */
static int entries(certs *c, entry **out) {
    struct dirent **names;
    int n = scandir(c->dir, &names, NULL, alphasort);
    if (n < 0) { *out = NULL; return 0; }
    entry *e = calloc((size_t)n + 1, sizeof *e);
    int k = 0;
    for (int i = 0; i < n; i++) {
        const char *f = names[i]->d_name;
        size_t len = strlen(f);
        if (e && len > 6 && f[0] >= '0' && f[0] < '0' + CERTS_KINDS && f[1] == '-' && strcmp(f + len - 4, ".pem") == 0) {
            e[k].kind = f[0] - '0';
            snprintf(e[k].path, sizeof e[k].path, "%s/%s", c->dir, f);
            k++;
        }
        free(names[i]);
    }
    free(names);
    *out = e;
    return k;
}

/* OCPP hash data of crt (shared/certhash.c), its issuer looked up among the store's certificates. */
static int hash_data(mbedtls_x509_crt *crt, mbedtls_x509_crt *all, char *line, size_t cap, int kind) {
    return ch_line(crt, all, kind, line, cap);
}

/* Parses every certificate of the store into one chain (for issuer look-ups) and calls fn for each. */
static int walk(certs *c, int kind, int (*fn)(void *u, int kind, const char *path, mbedtls_x509_crt *crt, mbedtls_x509_crt *all), void *u) {
    entry *e;
    int n = entries(c, &e);
    mbedtls_x509_crt all;
    mbedtls_x509_crt_init(&all);
    for (int i = 0; i < n; i++) mbedtls_x509_crt_parse_file(&all, e[i].path);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        if (kind >= 0 && e[i].kind != kind) continue;
        mbedtls_x509_crt one;
        mbedtls_x509_crt_init(&one);
        if (mbedtls_x509_crt_parse_file(&one, e[i].path) == 0) rc = fn(u, e[i].kind, e[i].path, &one, &all);
        mbedtls_x509_crt_free(&one);
    }
    mbedtls_x509_crt_free(&all);
    free(e);
    return rc;
}

typedef struct list_ctx { uint8_t *out; size_t cap, len; } list_ctx;

static int list_one(void *u, int kind, const char *path, mbedtls_x509_crt *crt, mbedtls_x509_crt *all) {
    (void)path;
    list_ctx *l = u;
    char line[256];
    int n = hash_data(crt, all, line, sizeof line, kind);
    if (n <= 0) return 0;
    if (l->len < l->cap) memcpy(l->out + l->len, line, (size_t)n <= l->cap - l->len ? (size_t)n : l->cap - l->len);
    l->len += (size_t)n;
    return 0;
}

int certs_list(certs *c, int kind, uint8_t *out, size_t cap) {
    list_ctx l = { out, cap, 0 };
    walk(c, kind, list_one, &l);
    return (int)l.len;
}

typedef struct del_ctx { const char *want; int found; } del_ctx;

static int delete_one(void *u, int kind, const char *path, mbedtls_x509_crt *crt, mbedtls_x509_crt *all) {
    del_ctx *d = u;
    char line[256];
    if (hash_data(crt, all, line, sizeof line, kind) <= 0) return 0;
    if (!ch_matches(line, d->want)) return 0;
    d->found = unlink(path) == 0;
    return 1;
}

int certs_delete(certs *c, const char *hash_data) {
    del_ctx d = { hash_data, 0 };
    walk(c, -1, delete_one, &d);
    return d.found ? 0 : -1;
}

void certs_each(certs *c, int kind, void (*fn)(void *user, const char *path), void *user) {
    entry *e;
    int n = entries(c, &e);
    for (int i = 0; i < n; i++) if (e[i].kind == kind) fn(user, e[i].path);
    free(e);
}

typedef struct identity_ctx {
    certs *c;
    mbedtls_x509_crt *crt, *candidate;
    mbedtls_pk_context *key;
    double newest;
    int found;
} identity_ctx;

/* The key that pairs with the candidate certificate, copied into the caller's context. */
static int copy_key(void *u, mbedtls_pk_context *key) {
    identity_ctx *id = u;
    if (mbedtls_pk_check_pair(&id->candidate->pk, key) != 0) return 0;
    unsigned char der[2400];
    int n = mbedtls_pk_write_key_der(key, der, sizeof der);
    mbedtls_pk_free(id->key);
    mbedtls_pk_init(id->key);
    return n > 0 && mbedtls_pk_parse_key(id->key, der + sizeof der - n, (size_t)n, NULL, 0) == 0;
}

static int identity_one(void *u, int kind, const char *path, mbedtls_x509_crt *crt, mbedtls_x509_crt *all) {
    (void)kind; (void)all;
    identity_ctx *id = u;
    struct stat st;
    if (stat(path, &st) != 0) return 0;
    double mtime = (double)st.st_mtim.tv_sec + (double)st.st_mtim.tv_nsec / 1e9;
    if (id->found && mtime < id->newest) return 0;
    id->candidate = crt;
    if (!each_pending_key(id->c, copy_key, id)) return 0;
    mbedtls_x509_crt_free(id->crt);
    mbedtls_x509_crt_init(id->crt);
    id->found = mbedtls_x509_crt_parse_file(id->crt, path) == 0;
    id->newest = mtime;
    return 0;
}

int certs_identity(certs *c, mbedtls_x509_crt *crt, mbedtls_pk_context *key) {
    identity_ctx id = { c, crt, NULL, key, 0, 0 };
    walk(c, 4, identity_one, &id);
    return id.found ? 0 : -1;
}

static void count_one(void *user, const char *path) { (void)path; (*(int *)user)++; }

static int count_kind(certs *c, int kind) {
    int n = 0;
    certs_each(c, kind, count_one, &n);
    return n;
}

/* A whole file, NUL-terminated; NULL if it cannot be read. */
static uint8_t *read_text(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *b = NULL;
    long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)n + 1)) != NULL) {
        if (fread(b, 1, (size_t)n, f) != (size_t)n) { free(b); b = NULL; }
        else { b[n] = 0; *len = (size_t)n; }
    }
    fclose(f);
    return b;
}

static void say(certs_log log, void *user, const char *level, const char *fmt, const char *file, int rc) {
    char text[CERTS_DIR_MAX + 200];
    snprintf(text, sizeof text, fmt, file, rc);
    if (log) log(user, level, text);
}

/* Each PEM certificate of the --ca file, installed as cert_install kind 0 would (a CA within its validity). */
static void provision_roots(certs *c, const char *ca_file, certs_log log, void *user) {
    size_t len = 0;
    uint8_t *text = read_text(ca_file, &len);
    if (!text) { say(log, user, "error", "host: cannot read the CA file %s (%d)", ca_file, -2); return; }
    static const char BEGIN[] = "-----BEGIN CERTIFICATE-----", END[] = "-----END CERTIFICATE-----";
    int found = 0;
    for (char *at = strstr((char *)text, BEGIN); at; at = strstr(at, BEGIN)) {
        char *end = strstr(at, END);
        if (!end) break;
        end += sizeof END - 1;
        int rc = certs_install(c, 0, (const uint8_t *)at, (size_t)(end - at));
        found++;
        if (rc == 0) say(log, user, "info", "host: CSMS root from %s installed in the store (%d)", ca_file, found);
        else say(log, user, "warn", "host: a certificate of %s is not a valid CA root, not installed (%d)", ca_file, rc);
        at = end;
    }
    if (!found) say(log, user, "warn", "host: no PEM certificate in %s (%d)", ca_file, 0);
    free(text);
}

/* The --client-cert chain with its --client-key: the key kept as crypto_csr keeps its keys (its own slot), the
 * chain as the station certificate. The operator's files need no chain to an installed root. */
static void provision_identity(certs *c, const char *cert_file, const char *key_file, certs_log log, void *user) {
    mbedtls_x509_crt crt;
    mbedtls_pk_context key;
    mbedtls_x509_crt_init(&crt);
    mbedtls_pk_init(&key);
    size_t len = 0;
    uint8_t *text = read_text(cert_file, &len);
    static unsigned char pem[4096];
    char path[CERTS_DIR_MAX + 64];
    snprintf(path, sizeof path, "%s/pending-key-%d.pem", c->dir, CERTS_PROVISIONED_SLOT);
    int rc = -2;
    if (text && mbedtls_x509_crt_parse(&crt, text, len + 1) == 0 && mbedtls_pk_parse_keyfile(&key, key_file, NULL) == 0) {
        rc = mbedtls_pk_check_pair(&crt.pk, &key) != 0 ? -5
           : mbedtls_pk_write_key_pem(&key, pem, sizeof pem) != 0 ? -2
           : write_atomic(path, pem, strlen((char *)pem)) != 0 ? -2
           : store_write(c, 4, &crt, text, len);
    }
    if (rc == 0) say(log, user, "info", "host: station certificate from %s installed in the store (%d)", cert_file, rc);
    else say(log, user, "warn", "host: station certificate %s not installed (%d: unreadable, or not the key's pair)", cert_file, rc);
    mbedtls_platform_zeroize(pem, sizeof pem);
    mbedtls_pk_free(&key);
    mbedtls_x509_crt_free(&crt);
    free(text);
}

void certs_provision(certs *c, const char *ca_file, const char *client_cert, const char *client_key, certs_log log, void *user) {
    if (ca_file && count_kind(c, 0) == 0) provision_roots(c, ca_file, log, user);
    if (client_cert && client_key && count_kind(c, 4) == 0) provision_identity(c, client_cert, client_key, log, user);
}
