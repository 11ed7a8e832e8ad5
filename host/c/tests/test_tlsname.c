/* What a server certificate must name (shared/tlsname.c): IP literals parsed strictly (checked against
 * inet_pton), an IP host matched against iPAddress entries only (never the CN or a dNSName), a name left to
 * mbedTLS, and the whole check through mbedtls_x509_crt_verify as the hosts' handshakes run it. The certificates
 * are self-signed, valid for 100 years from 2026 (openssl req -x509 -days 36500). Prints "N passed, N failed". */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <mbedtls/asn1.h>
#include <mbedtls/oid.h>
#include <mbedtls/x509.h>
#include "shared/tlsname.h"

static int passed, failed;
#define CHECK(cond, what) do { if (cond) passed++; else { failed++; fprintf(stderr, "FAIL %s:%d %s\n", __FILE__, __LINE__, what); } } while (0)

/* CN=127.0.0.1, subjectAltName=DNS:127.0.0.1,DNS:localhost,IP:127.0.0.2,IP:::1,IP:fe80::1:2 */
static const char SAN_PEM[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBzTCCAXKgAwIBAgIUefvk8Va61AaGmXuBKOnG1Ya0k7EwCgYIKoZIzj0EAwIw\n"
    "FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTIwNzE1NDk0MFoYDzIxMjYxMTEz\n"
    "MTU0OTQwWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO\n"
    "PQMBBwNCAAS+8F/ICpgJQBXlmNI9IJZUzbHp3bRfiBJJsxGWm+qOBp6CC7HJvb5s\n"
    "8UUh5njguMsP+i3KtyXPTfDXmMhcz4quo4GfMIGcMB0GA1UdDgQWBBSflWdmHGDf\n"
    "GdLvpSBma+zMHxxE9DAfBgNVHSMEGDAWgBSflWdmHGDfGdLvpSBma+zMHxxE9DAP\n"
    "BgNVHRMBAf8EBTADAQH/MEkGA1UdEQRCMECCCTEyNy4wLjAuMYIJbG9jYWxob3N0\n"
    "hwR/AAAChxAAAAAAAAAAAAAAAAAAAAABhxD+gAAAAAAAAAAAAAAAAQACMAoGCCqG\n"
    "SM49BAMCA0kAMEYCIQDq2J4+MCKntpxOZRfHMxvg/TredMpRl8quwiu44BHczwIh\n"
    "APRECM0t1m5J8IfyR1W5F+MZvx9ufA+zOhyibc39LKGk\n"
    "-----END CERTIFICATE-----\n"
    ;

/* CN=127.0.0.1, no subjectAltName */
static const char NOSAN_PEM[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBgDCCASWgAwIBAgIUdb1R+pA1m52u8ZhkQ0CqDKmQmyIwCgYIKoZIzj0EAwIw\n"
    "FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTIwNzE1NDk0MFoYDzIxMjYxMTEz\n"
    "MTU0OTQwWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO\n"
    "PQMBBwNCAARpDgQloyPebPMVewPNIGy+G8B86pYAZvTrmOoiuaxa5oS3+kREmc7Q\n"
    "Z2M4B98tPax18ib/btUIrO99eo+xzrojo1MwUTAdBgNVHQ4EFgQUK1my3HFcR7GE\n"
    "UBrXUUQo/bpsBJMwHwYDVR0jBBgwFoAUK1my3HFcR7GEUBrXUUQo/bpsBJMwDwYD\n"
    "VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAhI6tM9QpZPA8j0BEq3ep\n"
    "QI5hgf/KuGvS0P0AJizO5BECIQCruZ8QcBzBti/s23A7morixeKkSpTod8cy6wf7\n"
    "ck935Q==\n"
    "-----END CERTIFICATE-----\n"
    ;

/* tn_ip_literal against inet_pton: the same verdict and the same bytes (bar the forms tn_ip_literal refuses on
 * purpose, which inet_pton takes too: none for these). */
static void literal(const char *s, int want) {
    uint8_t got[16], ref[16];
    int n = tn_ip_literal(s, got);
    char what[128];
    snprintf(what, sizeof what, "tn_ip_literal(\"%s\") = %d, want %d", s, n, want);
    CHECK(n == want, what);
    if (want == 4) CHECK(inet_pton(AF_INET, s, ref) == 1 && memcmp(got, ref, 4) == 0, s);
    if (want == 16) CHECK(inet_pton(AF_INET6, s, ref) == 1 && memcmp(got, ref, 16) == 0, s);
    if (want == 0) CHECK(inet_pton(AF_INET, s, ref) != 1 && inet_pton(AF_INET6, s, ref) != 1, s);
}

static void literals(void) {
    literal("127.0.0.1", 4);
    literal("0.0.0.0", 4);
    literal("255.255.255.255", 4);
    literal("10.0.0.5", 4);
    literal("::1", 16);
    literal("::", 16);
    literal("fe80::1:2", 16);
    literal("FE80::1:2", 16);
    literal("1:2:3:4:5:6:7:8", 16);
    literal("1::", 16);
    literal("1:2:3:4:5:6:7::", 16);
    literal("::2:3:4:5:6:7:8", 16);
    literal("1:2:3::6:7:8", 16);
    literal("::ffff:127.0.0.1", 16);
    literal("64:ff9b::10.0.0.5", 16);
    literal("1:2:3:4:5:6:1.2.3.4", 16);
    /* names and malformed literals */
    literal("", 0);
    literal("localhost", 0);
    literal("csms.example", 0);
    literal("256.0.0.1", 0);
    literal("1.2.3", 0);
    literal("1.2.3.4.5", 0);
    literal("1.2.3.", 0);
    literal(".1.2.3", 0);
    literal("1..2.3", 0);
    literal("1234.1.1.1", 0);
    literal("1.2.3.4 ", 0);
    literal("-1.2.3.4", 0);
    literal(":", 0);
    literal(":::", 0);
    literal(":1::2", 0);
    literal("1::2:", 0);
    literal("1::2::3", 0);
    literal("12345::1", 0);
    literal("1:2:3:4:5:6:7:8:9", 0);
    literal("1:2:3:4:5:6:7", 0);
    literal("g::1", 0);
    literal("::1.2.3", 0);
    literal("::1.2.3.4:5", 0);
    literal("1:2:3:4:5:6:7:1.2.3.4", 0);
    literal("[::1]", 0);
    literal("::1%lo", 0);
    /* not in inet_pton's syntax either: leading zeros in a dotted quad are refused (never octal) */
    uint8_t out[16];
    CHECK(tn_ip_literal("127.000.0.1", out) == 0, "leading zeros");
    CHECK(tn_ip_literal("0127.0.0.1", out) == 0, "a fifth digit");
    char longest[64];
    memset(longest, '1', sizeof longest - 1);
    longest[sizeof longest - 1] = 0;
    CHECK(tn_ip_literal(longest, out) == 0, "too long");
}

static int parse(mbedtls_x509_crt *crt, const char *pem) {
    mbedtls_x509_crt_init(crt);
    return mbedtls_x509_crt_parse(crt, (const unsigned char *)pem, strlen(pem) + 1);
}

/* The verification a handshake does for host: mbedTLS's name check only for a name (tn_set_host), tn_verify as
 * the callback. Returns the flags (0: accepted). */
static uint32_t verify(mbedtls_x509_crt *crt, const char *host) {
    uint8_t ip[16];
    uint32_t flags = 0;
    const char *cn = tn_ip_literal(host, ip) ? NULL : host;
    int rc = mbedtls_x509_crt_verify(crt, crt, NULL, cn, &flags, tn_verify, (void *)host);
    CHECK((rc == 0) == (flags == 0), "verify's result and flags agree");
    return flags;
}

static void matching(void) {
    mbedtls_x509_crt san, nosan;
    CHECK(parse(&san, SAN_PEM) == 0, "parse the SAN certificate");
    CHECK(parse(&nosan, NOSAN_PEM) == 0, "parse the certificate without SAN");

    const uint8_t v4[4] = {127, 0, 0, 2}, v4other[4] = {127, 0, 0, 1}, v6[16] = {[15] = 1};
    CHECK(tn_san_has_ip(&san, v4, 4), "IP:127.0.0.2 listed");
    CHECK(!tn_san_has_ip(&san, v4other, 4), "127.0.0.1 is only a DNS entry and the CN");
    CHECK(tn_san_has_ip(&san, v6, 16), "IP:::1 listed");
    CHECK(!tn_san_has_ip(&san, v6, 4), "length must match");
    CHECK(!tn_san_has_ip(&nosan, v4other, 4), "no SAN: no IP");

    CHECK(verify(&san, "127.0.0.2") == 0, "by IP, named");
    CHECK(verify(&san, "::1") == 0, "by IPv6, named");
    CHECK(verify(&san, "0:0:0:0:0:0:0:1") == 0, "by IPv6, another text form of the same address");
    CHECK(verify(&san, "fe80::1:2") == 0, "by IPv6, named");
    CHECK(verify(&san, "localhost") == 0, "by name, a dNSName");
    CHECK(verify(&san, "127.0.0.1") == MBEDTLS_X509_BADCERT_CN_MISMATCH, "an IP never matches a dNSName or the CN");
    CHECK(verify(&san, "127.0.0.3") == MBEDTLS_X509_BADCERT_CN_MISMATCH, "an IP not named");
    CHECK(verify(&san, "::2") == MBEDTLS_X509_BADCERT_CN_MISMATCH, "an IPv6 not named");
    CHECK(verify(&san, "::ffff:127.0.0.2") == MBEDTLS_X509_BADCERT_CN_MISMATCH, "IPv4-mapped is another address");
    CHECK(verify(&san, "csms.example") == MBEDTLS_X509_BADCERT_CN_MISMATCH, "a name not named");
    CHECK(verify(&nosan, "127.0.0.1") == MBEDTLS_X509_BADCERT_CN_MISMATCH, "no SAN: an IP never matches the CN");

    /* Entries that are no iPAddress: a constructed [7], other tags, a missing buffer. */
    mbedtls_x509_crt fake;
    mbedtls_x509_crt_init(&fake);
    uint8_t bytes[4] = {127, 0, 0, 1};
    mbedtls_x509_sequence second = {{MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 7, 4, bytes}, NULL};
    fake.ext_types = MBEDTLS_X509_EXT_SUBJECT_ALT_NAME;
    fake.subject_alt_names.buf.tag = MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_X509_SAN_DNS_NAME;
    fake.subject_alt_names.buf.len = 4;
    fake.subject_alt_names.buf.p = bytes;
    fake.subject_alt_names.next = &second;
    CHECK(!tn_san_has_ip(&fake, bytes, 4), "a dNSName or a constructed [7] with the bytes is no iPAddress");
    second.buf.tag = MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7;
    second.buf.p = NULL;
    CHECK(!tn_san_has_ip(&fake, bytes, 4), "an entry without contents");
    second.buf.p = bytes;
    CHECK(tn_san_has_ip(&fake, bytes, 4), "an iPAddress");
    fake.ext_types = 0;
    CHECK(!tn_san_has_ip(&fake, bytes, 4), "no extension: entries ignored");
    uint32_t flags = MBEDTLS_X509_BADCERT_NOT_TRUSTED;
    tn_verify("127.0.0.1", &san, 1, &flags);
    CHECK(flags == MBEDTLS_X509_BADCERT_NOT_TRUSTED, "only the server certificate (depth 0) is checked");
    flags = MBEDTLS_X509_BADCERT_CN_MISMATCH;
    tn_verify("localhost", &san, 0, &flags);
    CHECK(flags == MBEDTLS_X509_BADCERT_CN_MISMATCH, "a name's result is mbedTLS's");

    mbedtls_x509_crt_free(&san);
    mbedtls_x509_crt_free(&nosan);
}

int main(void) {
    literals();
    matching();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
