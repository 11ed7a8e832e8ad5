/* The board's network for the image: lwIP (raw API, no OS) on the LAN9118, plain TCP, TLS 1.2 with mbedTLS over
 * lwIP's TCP, and UDP; the hal_stream_*, hal_dgram_* and hal_net_drop_all functions of hal.h, which port.c
 * forwards here. Static IPv4 as QEMU user networking gives it: 10.0.2.15/24, gateway 10.0.2.2. Events go to the
 * core (host_push) from mnet_poll and mnet_set_link only, never from inside the hal calls. Codes: docs/host-abi.md.
 * lwIP keeps its state in its own statics: one mnet per board. */
#ifndef MNET_H
#define MNET_H
#include <stddef.h>
#include <stdint.h>
#include "core/host.h"
#include "lan9118.h"
#include "lwip/netif.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

#define MNET_MAX_CONNS 4
#define MNET_MAX_DGRAMS 4           /* docs/host-abi.md: at most 4 datagram sockets */
#define MNET_MAX_HOSTS 4
#define MNET_OUT_MAX (64 * 1024)    /* bytes a stream may hold back beyond lwIP's send buffer */
/* stream_full (ABI revision 4): more held back than this is full. The image sends at most two of its transmit
 * buffers (16 KiB each) more before it pauses (docs/host-abi.md), which MNET_OUT_MAX leaves room for. */
#define MNET_FULL_MARK (16 * 1024)
/* mbedTLS's allocations: records (16 KiB in, 4 KiB out), the handshake, certificates; a profile-3 handshake
 * peaks at 26.6 KB. */
#define MNET_TLS_HEAP (40 * 1024)

/* Stream status and close codes of docs/host-abi.md. */
enum { MNET_OK = 0, MNET_DNS = -1, MNET_REFUSED = -2, MNET_TIMEOUT = -3, MNET_RESET = -4, MNET_IO = -5,
       MNET_TLS_HANDSHAKE = -10, MNET_TLS_UNTRUSTED = -11, MNET_TLS_EXPIRED = -12, MNET_TLS_HOSTNAME = -13,
       MNET_TLS_VERSION = -14, MNET_TLS_CLIENT_CERT = -15, MNET_TLS_CIPHER = -16 };

typedef struct mnet mnet;

typedef struct mnet_conn {
    mnet *net;
    struct tcp_pcb *pcb;     /* NULL once lwIP or the peer ended it */
    int handle;              /* 0: slot free */
    int state;               /* connecting, handshaking (TLS), open */
    int tls_profile;
    mbedtls_ssl_context *ssl;    /* NULL: plain TCP; from the TLS heap */
    struct pbuf *rx;         /* TLS: ciphertext received, not yet read by mbedTLS */
    int rx_eof;              /* TLS: the peer sent FIN */
    uint8_t *out;            /* accepted by mnet_stream_send, not yet handed to lwIP (plain) or mbedTLS (TLS) */
    size_t out_len, out_cap;
    int owe_writable;        /* mnet_stream_full said 1: EVQ_WRITABLE once out_len <= MNET_FULL_MARK / 2 */
    char host[64];           /* TLS: the name the server certificate must carry */
} mnet_conn;

typedef struct mnet_dgram {
    mnet *net;
    struct udp_pcb *pcb;
    int handle;              /* 0: slot free */
} mnet_dgram;

struct mnet {
    host *core;
    l9 eth;
    struct netif netif;
    mnet_conn conns[MNET_MAX_CONNS];
    mnet_dgram dgrams[MNET_MAX_DGRAMS];
    int next_stream, next_dgram;
    int link_down;                  /* the control channel's `network down` */
    int64_t tcp_due, arp_due;       /* lwIP's timers */
    unsigned long activity;         /* events pushed (the virtual clock's settle) */
    unsigned long rx_dropped;       /* frames dropped for want of a pbuf (or while the link is down) */
    char host_names[MNET_MAX_HOSTS][32];   /* a static hosts table (the guest has no DNS) */
    uint32_t host_addrs[MNET_MAX_HOSTS];   /* network byte order */
    /* TLS */
    int tls_ready;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ssl_config conf, conf_client;   /* server verification; the same plus the station certificate */
    mbedtls_x509_crt ca, cert;              /* provisioning (--ca, --client-cert/--client-key): when the store has none */
    mbedtls_pk_context key;
    int have_client;
    mbedtls_x509_crt trust, store_cert;     /* the store's CSMS roots and station certificate (certs.h), loaded */
    mbedtls_pk_context store_key;           /* when a TLS stream opens */
    int have_identity;                      /* a certificate to present on security profile 3 */
    uint8_t frame[L9_MAX_FRAME + 2];        /* transmit bounce buffer for chained pbufs; datagram receive copy */
    uint8_t tls_heap[MNET_TLS_HEAP];
};

/* Brings up the LAN9118 and lwIP; core gets the events. 0, or -1 (no controller). */
int mnet_init(mnet *n, host *core);
/* Receives frames, runs lwIP's timers and TLS, pushes EVQ_OPEN/DATA/CLOSED/DGRAM. Call it on every loop pass. */
void mnet_poll(mnet *n, int64_t now_ms);
/* The control channel's `network up|down`: down closes every stream at once (EVQ_CLOSED / EVQ_OPEN -4), loses
 * datagrams both ways and makes opens fail (-2) until up. 0. */
int mnet_set_link(mnet *n, int up);
/* A name the image may use instead of an address (QEMU: "localhost" = 10.0.2.100, where guestfwd rules point,
 * so that the CSMS certificate's name still matches). 0, or -1 (table full, not an IPv4 address). */
int mnet_add_host(mnet *n, const char *name, const char *ipv4);
/* TLS trust and identity (NUL-terminated PEM; the certificate and key only for security profile 3). Parsed
 * once; 0, or -1 (unparsable). */
int mnet_set_tls(mnet *n, const char *ca_pem, const char *cert_pem, const char *key_pem);
/* mbedTLS heap: bytes in use now and at the peak. */
void mnet_tls_heap(mnet *n, size_t *used, size_t *peak);

/* hal.h's network functions, on the board's mnet. */
int mnet_stream_open(mnet *n, const char *host, int port, int tls, int security_profile);
int mnet_stream_send(mnet *n, int handle, const uint8_t *bytes, size_t len);
int mnet_stream_full(mnet *n, int handle);   /* 1: more than MNET_FULL_MARK held back (EVQ_WRITABLE follows), 0 */
void mnet_stream_close(mnet *n, int handle);
int mnet_dgram_open(mnet *n, const char *host, int port);
int mnet_dgram_send(mnet *n, int handle, const uint8_t *bytes, size_t len);
void mnet_dgram_close(mnet *n, int handle);
void mnet_net_drop_all(mnet *n);

#endif
