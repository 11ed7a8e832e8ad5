#include "tlsname.h"
#include <string.h>
#include <mbedtls/asn1.h>
#include <mbedtls/oid.h>
#include <mbedtls/x509.h>

/* Exactly s[0..n) as a dotted quad. */
static int parse_v4(const char *s, size_t n, uint8_t out[4]) {
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= n || s[i] != '.') return 0;
            i++;
        }
        size_t start = i;
        unsigned v = 0;
        while (i < n && i - start < 3 && s[i] >= '0' && s[i] <= '9') v = v * 10 + (unsigned)(s[i++] - '0');
        if (i == start || v > 255 || (s[start] == '0' && i - start > 1)) return 0;
        out[part] = (uint8_t)v;
    }
    return i == n;
}

static int hexval(char ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* Exactly s[0..n) as RFC 4291 2.2 text: x:x:x:x:x:x:x:x, "::" for one or more zero groups, an IPv4 tail. */
static int parse_v6(const char *s, size_t n, uint8_t out[16]) {
    uint16_t w[8];
    int nw = 0, gap = -1;
    size_t i = 0;
    if (n >= 2 && s[0] == ':' && s[1] == ':') { gap = 0; i = 2; }
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != ':') j++;
        if (memchr(s + i, '.', j - i)) {               /* the IPv4 tail: last, in place of two groups */
            uint8_t b[4];
            if (j != n || nw > 6 || !parse_v4(s + i, n - i, b)) return 0;
            w[nw++] = (uint16_t)(b[0] << 8 | b[1]);
            w[nw++] = (uint16_t)(b[2] << 8 | b[3]);
            i = n;
            break;
        }
        if (nw == 8 || j - i < 1 || j - i > 4) return 0;
        unsigned v = 0;
        for (size_t k = i; k < j; k++) {
            int h = hexval(s[k]);
            if (h < 0) return 0;
            v = v << 4 | (unsigned)h;
        }
        w[nw++] = (uint16_t)v;
        i = j;
        if (i == n) break;
        i++;                                            /* the ':' after a group */
        if (i < n && s[i] == ':') {
            if (gap >= 0) return 0;
            gap = nw;
            i++;
        } else if (i == n) return 0;                    /* a single ':' at the end */
    }
    if (gap < 0 ? nw != 8 : nw > 7) return 0;
    memset(out, 0, 16);
    int tail = gap < 0 ? 0 : nw - gap;                  /* groups after the "::" go to the end */
    for (int k = 0; k < nw - tail; k++) { out[2 * k] = (uint8_t)(w[k] >> 8); out[2 * k + 1] = (uint8_t)w[k]; }
    for (int k = 0; k < tail; k++) {
        int at = 8 - tail + k;
        out[2 * at] = (uint8_t)(w[nw - tail + k] >> 8);
        out[2 * at + 1] = (uint8_t)w[nw - tail + k];
    }
    return 1;
}

int tn_ip_literal(const char *host, uint8_t out[16]) {
    size_t n = strlen(host);
    if (n == 0 || n > 45) return 0;                      /* INET6_ADDRSTRLEN - 1: the longest text form */
    if (parse_v4(host, n, out)) return 4;
    if (memchr(host, ':', n) && parse_v6(host, n, out)) return 16;
    return 0;
}

int tn_san_has_ip(const mbedtls_x509_crt *crt, const uint8_t *ip, size_t len) {
    if (!(crt->ext_types & MBEDTLS_X509_EXT_SUBJECT_ALT_NAME)) return 0;
    /* mbedTLS 2.28 keeps every GeneralName of the extension here, raw (tag byte, contents), after checking the
     * DER of the whole extension: iPAddress is [7] IMPLICIT OCTET STRING, primitive. */
    for (const mbedtls_x509_sequence *cur = &crt->subject_alt_names; cur; cur = cur->next) {
        const mbedtls_x509_buf *b = &cur->buf;
        if (b->p && b->tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_X509_SAN_IP_ADDRESS) && b->len == len &&
            memcmp(b->p, ip, len) == 0) return 1;
    }
    return 0;
}

int tn_set_host(mbedtls_ssl_context *ssl, const char *host) {
    uint8_t ip[16];
    return mbedtls_ssl_set_hostname(ssl, tn_ip_literal(host, ip) ? NULL : host);
}

int tn_verify(void *host, mbedtls_x509_crt *crt, int depth, uint32_t *flags) {
    uint8_t ip[16];
    int len;
    if (depth != 0 || !host || (len = tn_ip_literal(host, ip)) == 0) return 0;
    *flags &= ~(uint32_t)MBEDTLS_X509_BADCERT_CN_MISMATCH;
    if (!tn_san_has_ip(crt, ip, (size_t)len)) *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
    return 0;
}
