/* What a server certificate must name (docs/host-abi.md, stream_open): a host name as mbedTLS checks it (dNSName
 * entries, else the subject CN), an IP address literal (IPv4 dotted quad, IPv6 text form without brackets or zone)
 * only against the certificate's iPAddress subjectAltName entries, byte for byte: never against a CN or a dNSName.
 * mbedTLS 2.28 checks names only, so for an IP literal the hosts clear its host name (no SNI either, RFC 6066 3)
 * and tn_verify, their verify callback, does the check. Shared by the Linux host (posix/net.c) and the board
 * (mcu/net.c). */
#ifndef TLSNAME_H
#define TLSNAME_H
#include <stddef.h>
#include <stdint.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

/* The address of an IP literal in out: 4 (IPv4), 16 (IPv6), or 0 when host is no IP literal (then a name). Strict:
 * IPv4 is four decimal parts 0..255 without leading zeros; IPv6 has 8 groups of 1..4 hex digits, at most one "::",
 * and may end in an IPv4 dotted quad. */
int tn_ip_literal(const char *host, uint8_t out[16]);
/* 1 when crt has an iPAddress subjectAltName entry equal to ip (len 4 or 16 bytes), else 0. */
int tn_san_has_ip(const mbedtls_x509_crt *crt, const uint8_t *ip, size_t len);
/* The host to check for ssl: mbedtls_ssl_set_hostname(ssl, host) for a name, (ssl, NULL) for an IP literal.
 * 0, or an mbedTLS error. The port then installs tn_verify (or calls it from its own callback) with host. */
int tn_set_host(mbedtls_ssl_context *ssl, const char *host);
/* mbedTLS verify callback, ctx the host (a NUL-terminated string living as long as the handshake): for the server
 * certificate (depth 0) and an IP literal host, MBEDTLS_X509_BADCERT_CN_MISMATCH is set exactly when no iPAddress
 * entry names it (so the hosts map it to the stream code -13 as a wrong name). Names are left to mbedTLS. */
int tn_verify(void *host, mbedtls_x509_crt *crt, int depth, uint32_t *flags);

#endif
