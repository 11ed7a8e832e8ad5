#include "certhash.h"
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static void hex(const uint8_t *p, size_t n, char *out) {
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) { out[2 * i] = d[p[i] >> 4]; out[2 * i + 1] = d[p[i] & 15]; }
    out[2 * n] = 0;
}

static void sha256_hex(const uint8_t *p, size_t n, char *out) {
    uint8_t d[32];
    mbedtls_sha256_ret(p, n, d, 0);
    hex(d, 32, out);
}

int ch_line(const mbedtls_x509_crt *crt, const mbedtls_x509_crt *all, int kind, char *line, size_t cap) {
    const mbedtls_x509_crt *issuer = crt;
    for (const mbedtls_x509_crt *o = all; o && o->raw.len; o = o->next) {
        if (o->subject_raw.len == crt->issuer_raw.len && memcmp(o->subject_raw.p, crt->issuer_raw.p, o->subject_raw.len) == 0) { issuer = o; break; }
    }
    unsigned char keybuf[1200];
    unsigned char *p = keybuf + sizeof keybuf;
    /* mbedtls_pk_write_pubkey writes the key bits alone (the BIT STRING's content), from the end of the buffer. */
    int klen = mbedtls_pk_write_pubkey(&p, keybuf, (mbedtls_pk_context *)&issuer->pk);
    if (klen <= 0 || crt->serial.len > 32) return -1;
    char name_hash[65], key_hash[65], serial[2 * 32 + 1];
    sha256_hex(crt->issuer_raw.p, crt->issuer_raw.len, name_hash);
    sha256_hex(p, (size_t)klen, key_hash);
    hex(crt->serial.p, crt->serial.len, serial);
    const char *s = serial;
    while (s[0] == '0' && s[1]) s++;
    int n = snprintf(line, cap, "%d SHA256 %s %s %s\n", kind, name_hash, key_hash, s);
    return n > 0 && (size_t)n < cap ? n : -1;
}

int ch_matches(const char *line, const char *hash_data) {
    /* line: "<kind> SHA256 <name> <key> <serial>\n"; hash data: "SHA256:<name>:<key>:<serial>" */
    const char *rest = strchr(line, ' ');
    if (!rest) return 0;
    rest++;
    char hd[256];
    size_t k = 0;
    for (; rest[k] && rest[k] != '\n' && k + 1 < sizeof hd; k++) hd[k] = rest[k] == ' ' ? ':' : rest[k];
    hd[k] = 0;
    return strcasecmp(hd, hash_data) == 0;
}

/* Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int64_t unix_of(const mbedtls_x509_time *t) {
    return days_from_civil(t->year, t->mon, t->day) * 86400 + t->hour * 3600 + t->min * 60 + t->sec;
}

int ch_within_period(const mbedtls_x509_crt *crt, int64_t unix_s) {
    return unix_of(&crt->valid_from) <= unix_s && unix_s <= unix_of(&crt->valid_to);
}
