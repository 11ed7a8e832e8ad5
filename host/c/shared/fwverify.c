#include "fwverify.h"
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>
#include <stdlib.h>
#include <string.h>

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int64_t epoch_of(const mbedtls_x509_time *t) {
    return days_from_civil(t->year, t->mon, t->day) * 86400 + t->hour * 3600 + t->min * 60 + t->sec;
}

/* The validity periods against the port's clock, not mbedTLS's own (a board has no time()). */
static int period_check(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags) {
    (void)depth;
    int64_t now = *(const int64_t *)ctx;
    *flags &= ~(uint32_t)(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE);
    if (epoch_of(&crt->valid_to) < now) *flags |= MBEDTLS_X509_BADCERT_EXPIRED;
    if (epoch_of(&crt->valid_from) > now) *flags |= MBEDTLS_X509_BADCERT_FUTURE;
    return 0;
}

static int has_pem_header(const uint8_t *b, size_t n) {
    static const char tag[] = "-----BEGIN";
    for (size_t i = 0; i + sizeof tag - 1 <= n; i++) if (memcmp(b + i, tag, sizeof tag - 1) == 0) return 1;
    return 0;
}

int fwv_verify(mbedtls_x509_crt *roots, int64_t now_s, const uint8_t *image, size_t len,
               const uint8_t *cert, size_t cert_len, const uint8_t *sig, size_t sig_len) {
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    int rc = -2;
    /* mbedTLS parses PEM only from a NUL-terminated buffer (and counts the NUL). */
    int pem = has_pem_header(cert, cert_len);
    uint8_t *buf = cert_len ? malloc(cert_len + 1) : NULL;
    if (!buf) goto out;
    memcpy(buf, cert, cert_len);
    buf[cert_len] = 0;
    if (mbedtls_x509_crt_parse(&crt, buf, pem ? cert_len + 1 : cert_len) < 0 || !crt.raw.len) goto out;
    rc = -3;
    uint32_t flags = 0;
    if (!roots || !roots->raw.len || mbedtls_x509_crt_verify(&crt, roots, NULL, NULL, &flags, period_check, &now_s) != 0) goto out;
    uint8_t hash[32];
    if (mbedtls_sha256_ret(image, len, hash, 0) != 0) { rc = 0; goto out; }
    rc = mbedtls_pk_verify(&crt.pk, MBEDTLS_MD_SHA256, hash, sizeof hash, sig, sig_len) == 0 ? 1 : 0;
out:
    mbedtls_x509_crt_free(&crt);
    free(buf);
    return rc;
}
