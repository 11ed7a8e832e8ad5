/* Streams for the image: non-blocking TCP connections driven by the host's poll loop. Completion, data
 * and close are reported through net_events callbacks from net_service(), never from inside net_open(). */
#ifndef NET_H
#define NET_H
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#define NET_MAX_CONNS 4
/* stream_full (ABI revision 4): a stream holding more unsent bytes than this is full. The image sends at most
 * two of its transmit buffers more before it pauses (docs/host-abi.md); net_send grows to 16 MiB. */
#define NET_FULL_MARK (64 * 1024)

/* Stream status and close codes of docs/host-abi.md. */
enum { NET_OK = 0, NET_DNS = -1, NET_REFUSED = -2, NET_TIMEOUT = -3, NET_RESET = -4, NET_IO = -5,
       NET_TLS_HANDSHAKE = -10, NET_TLS_UNTRUSTED = -11, NET_TLS_EXPIRED = -12, NET_TLS_HOSTNAME = -13,
       NET_TLS_VERSION = -14, NET_TLS_CLIENT_CERT = -15, NET_TLS_CIPHER = -16 };

typedef struct net_events {
    void *user;
    void (*opened)(void *user, int handle, int status);
    void (*data)(void *user, int handle, const uint8_t *bytes, size_t len);
    void (*closed)(void *user, int handle, int reason);
    void (*writable)(void *user, int handle);   /* room again after net_full said 1 */
} net_events;

typedef struct net_tls {
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    int fd;
    char host[256];  /* what the server certificate must name (shared/tlsname.h) */
} net_tls;

typedef struct net_conn {
    int fd;          /* -1: slot free */
    int handle;
    int connecting;  /* TCP connect in progress */
    int handshaking; /* TLS handshake in progress */
    net_tls *tls;    /* NULL for plain TCP */
    uint8_t *out;    /* bytes accepted by net_send, not yet written */
    size_t out_len, out_cap;
    int owe_writable; /* net_full said 1: a writable event is due once out_len is at most NET_FULL_MARK / 2 */
} net_conn;

/* TLS trust and identity (docs/security.md): exactly the CSMS roots of the certificate store, and for security
 * profile 3 the store's station certificate; both read again before every TLS connection, so what the CSMS
 * installs or deletes applies to the next attempt. */
typedef struct net_tls_files {
    /* Adds the store's CSMS roots (kind 0) to the chain. */
    void (*load_roots)(void *user, mbedtls_x509_crt *chain);
    void *user;
    /* The station certificate with its key: 0 and crt/key filled, or < 0 none. */
    int (*load_identity)(void *user, mbedtls_x509_crt *crt, mbedtls_pk_context *key);
} net_tls_files;

typedef struct net {
    net_conn conns[NET_MAX_CONNS];
    int next_handle;
    net_events ev;
    net_tls_files files;
    int tls_ready;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509_crt ca, store_cert;
    mbedtls_pk_context store_key;
    int have_store;
    int link_down;           /* tests and bench: the network cable is out */
    unsigned long sends;     /* bytes handed over by the image, counted per call */
} net;

void net_init(net *n, net_events ev, net_tls_files files);
mbedtls_ctr_drbg_context *net_drbg(net *n);   /* the seeded DRBG (NULL if seeding failed) */
void net_free(net *n);
int net_open(net *n, const char *host, int port, int tls, int security_profile); /* handle > 0 or < 0 */
int net_send(net *n, int handle, const uint8_t *bytes, size_t len);               /* len or < 0 */
int net_full(net *n, int handle);                                                 /* 1 full, 0 */
void net_close(net *n, int handle);
void net_close_all(net *n);
/* Link down drops every connection at once (closed / open failed with NET_RESET, reported from net_service's
 * caller through the callbacks) and makes net_open fail with NET_REFUSED until the link is up again. */
void net_set_link(net *n, int up);
int net_pollfds(const net *n, struct pollfd *fds, int max);  /* fills fds (fd order = slot order), returns count */
void net_service(net *n, const struct pollfd *fds, int count);

#endif
