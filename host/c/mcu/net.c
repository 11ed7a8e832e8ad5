#include "net.h"
#include <stdlib.h>
#include <string.h>
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "mbedtls/memory_buffer_alloc.h"
#include "mbedtls/platform.h"
#include "mbedtls/ssl_internal.h"
#include "certs.h"
#include "shared/tlsname.h"
#include "netif/ethernet.h"

enum { ST_CONNECTING = 1, ST_HANDSHAKE, ST_OPEN };
#define TCP_TICK_MS 250     /* TCP_TMR_INTERVAL */
#define ARP_TICK_MS 1000    /* ARP_TMR_INTERVAL */
#define RX_BURST 32         /* frames per pass: the FIFO holds fewer */

static const int CIPHERSUITES[] = {
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, 0,
};

static void push(mnet *n, int kind, int handle, int arg, const uint8_t *data, size_t len) {
    n->activity++;
    host_push(n->core, kind, handle, arg, 0, data, len);
}

/* ---- The interface: frames between the LAN9118 and lwIP ---- */

static err_t link_output(struct netif *nif, struct pbuf *p) {
    mnet *n = nif->state;
    if (n->link_down) return ERR_OK;   /* the cable is out: lost */
    const uint8_t *frame = p->payload;
    if (p->next) {
        if (p->tot_len > L9_MAX_FRAME) return ERR_IF;
        pbuf_copy_partial(p, n->frame, p->tot_len, 0);
        frame = n->frame;
    }
    return l9_send(&n->eth, frame, p->tot_len) == 0 ? ERR_OK : ERR_IF;
}

static err_t netif_setup(struct netif *nif) {
    mnet *n = nif->state;
    nif->name[0] = 'e';
    nif->name[1] = '0';
    nif->output = etharp_output;
    nif->linkoutput = link_output;
    nif->mtu = 1500;
    nif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(nif->hwaddr, n->eth.mac, ETH_HWADDR_LEN);
    nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    return ERR_OK;
}

static void receive_frames(mnet *n) {
    for (int i = 0; i < RX_BURST; i++) {
        size_t len = l9_rx_next(&n->eth);
        if (len == 0) return;
        struct pbuf *p = n->link_down ? NULL : pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
        if (!p || p->next) {   /* no buffer (or the cable is out): dropped, TCP sends it again */
            if (p) pbuf_free(p);
            n->rx_dropped++;
            l9_rx_skip(&n->eth, len);
            continue;
        }
        l9_rx_read(&n->eth, p->payload, len);
        if (n->netif.input(p, &n->netif) != ERR_OK) pbuf_free(p);
    }
}

/* ---- Addresses ---- */

static int resolve(mnet *n, const char *name, ip4_addr_t *out) {
    for (int i = 0; i < MNET_MAX_HOSTS; i++)
        if (n->host_names[i][0] && strcmp(n->host_names[i], name) == 0) { ip4_addr_set_u32(out, n->host_addrs[i]); return 0; }
    /* Dotted quads only: ip4addr_aton also takes shorthands such as "10.1". */
    int dots = 0;
    for (const char *c = name; *c; c++) {
        if (*c == '.') dots++;
        else if (*c < '0' || *c > '9') return -1;
    }
    return dots == 3 && ip4addr_aton(name, out) ? 0 : -1;
}

int mnet_add_host(mnet *n, const char *name, const char *ipv4) {
    ip4_addr_t a;
    if (strlen(name) >= sizeof n->host_names[0] || resolve(n, ipv4, &a) != 0) return -1;
    for (int i = 0; i < MNET_MAX_HOSTS; i++)
        if (!n->host_names[i][0]) { strcpy(n->host_names[i], name); n->host_addrs[i] = ip4_addr_get_u32(&a); return 0; }
    return -1;
}

/* ---- Streams ---- */

static mnet_conn *find(mnet *n, int handle) {
    for (int i = 0; i < MNET_MAX_CONNS; i++) if (handle > 0 && n->conns[i].handle == handle) return &n->conns[i];
    return NULL;
}

/* Frees the slot; the pcb (if any) is closed quietly: no lwIP callback reaches the slot again. Returns 1 when
 * the pcb was aborted (a callback must then return ERR_ABRT), 0 when it closes normally or there was none. */
static int release(mnet_conn *c, int abort) {
    int aborted = 0;
    if (c->pcb) {
        tcp_arg(c->pcb, NULL);
        tcp_recv(c->pcb, NULL);
        tcp_sent(c->pcb, NULL);
        tcp_err(c->pcb, NULL);
        if (abort || tcp_close(c->pcb) != ERR_OK) { tcp_abort(c->pcb); aborted = 1; }
    }
    if (c->ssl) { mbedtls_ssl_free(c->ssl); mbedtls_free(c->ssl); }
    if (c->rx) pbuf_free(c->rx);
    free(c->out);
    mnet *n = c->net;
    memset(c, 0, sizeof *c);
    c->net = n;
    return aborted;
}

/* The connection ended without the image asking: its one last event. */
static void fail(mnet_conn *c, int code) {
    mnet *n = c->net;
    int handle = c->handle, opening = c->state != ST_OPEN;
    release(c, 1);
    push(n, opening ? EVQ_OPEN : EVQ_CLOSED, handle, code, NULL, 0);
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len) {
    mnet_conn *c = ctx;
    if (!c->pcb) return MBEDTLS_ERR_SSL_CONN_EOF;
    size_t room = tcp_sndbuf(c->pcb);
    if (len > room) len = room;
    if (len == 0 || tcp_write(c->pcb, buf, (u16_t)len, TCP_WRITE_FLAG_COPY) != ERR_OK) return MBEDTLS_ERR_SSL_WANT_WRITE;
    tcp_output(c->pcb);
    return (int)len;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len) {
    mnet_conn *c = ctx;
    if (!c->rx) return c->rx_eof ? 0 : MBEDTLS_ERR_SSL_WANT_READ;
    u16_t got = pbuf_copy_partial(c->rx, buf, (u16_t)(len > 0xffff ? 0xffff : len), 0);
    c->rx = pbuf_free_header(c->rx, got);
    if (c->pcb) tcp_recved(c->pcb, got);
    return got;
}

/* Bytes held back go to lwIP (plain) or mbedTLS (TLS) as far as the send buffer takes them. */
static int flush(mnet_conn *c) {
    size_t done = 0;
    while (done < c->out_len && c->pcb) {
        int w;
        if (c->ssl) {
            w = mbedtls_ssl_write(c->ssl, c->out + done, c->out_len - done);
            if (w == MBEDTLS_ERR_SSL_WANT_WRITE || w == MBEDTLS_ERR_SSL_WANT_READ || w == 0) break;
            if (w < 0) return MNET_RESET;
        } else {
            size_t room = tcp_sndbuf(c->pcb), len = c->out_len - done;
            if (len > room) len = room;
            if (len == 0 || tcp_write(c->pcb, c->out + done, (u16_t)len, TCP_WRITE_FLAG_COPY) != ERR_OK) break;
            w = (int)len;
        }
        done += (size_t)w;
    }
    if (c->pcb) tcp_output(c->pcb);
    memmove(c->out, c->out + done, c->out_len - done);
    c->out_len -= done;
    return 0;
}

/* Why a handshake failed, in the ABI's terms (as posix/net.c). */
static int tls_failure(mnet_conn *c, int rc) {
    if (rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
        uint32_t flags = mbedtls_ssl_get_verify_result(c->ssl);
        if (flags & (MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE)) return MNET_TLS_EXPIRED;
        if (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) return MNET_TLS_HOSTNAME;
        return MNET_TLS_UNTRUSTED;
    }
    if (rc == MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION) return MNET_TLS_VERSION;
    /* No suite in common (as posix/net.c): a server hello with one we did not offer, or handshake_failure before it. */
    if (rc == MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO && c->ssl->state == MBEDTLS_SSL_SERVER_HELLO) return MNET_TLS_CIPHER;
    if (rc == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE && c->ssl->in_msg) {
        if (c->ssl->in_msg[1] == MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION) return MNET_TLS_VERSION;
        if (c->ssl->in_hdr && c->ssl->in_hdr[2] < MBEDTLS_SSL_MINOR_VERSION_3) return MNET_TLS_VERSION;
        if (c->ssl->in_msg[1] == MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE)
            return c->ssl->state <= MBEDTLS_SSL_SERVER_HELLO ? MNET_TLS_CIPHER : MNET_TLS_CLIENT_CERT;
    }
    if (rc == MBEDTLS_ERR_SSL_CONN_EOF) return MNET_RESET;
    return MNET_TLS_HANDSHAKE;
}

/* TLS progress after input or send room: the handshake, then every decrypted record to the image. */
static void tls_pump(mnet_conn *c) {
    mnet *n = c->net;
    if (c->state == ST_HANDSHAKE) {
        int rc = mbedtls_ssl_handshake(c->ssl);
        if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) return;
        if (rc != 0) { fail(c, tls_failure(c, rc)); return; }
        c->state = ST_OPEN;
        push(n, EVQ_OPEN, c->handle, MNET_OK, NULL, 0);
    }
    uint8_t buf[1024];
    for (;;) {
        int r = mbedtls_ssl_read(c->ssl, buf, sizeof buf);
        if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE) break;
        if (r == 0 || r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || r == MBEDTLS_ERR_SSL_CONN_EOF) { fail(c, MNET_OK); return; }
        if (r < 0) { fail(c, MNET_RESET); return; }
        push(n, EVQ_DATA, c->handle, 0, buf, (size_t)r);
    }
    if (c->out_len && flush(c) < 0) fail(c, MNET_RESET);
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err) {
    mnet_conn *c = arg;
    (void)pcb;
    if (!c) return ERR_OK;
    if (err != ERR_OK) { fail(c, MNET_IO); return ERR_ABRT; }
    if (!c->ssl) {
        c->state = ST_OPEN;
        push(c->net, EVQ_OPEN, c->handle, MNET_OK, NULL, 0);
        return ERR_OK;
    }
    c->state = ST_HANDSHAKE;
    tls_pump(c);
    return c->pcb ? ERR_OK : ERR_ABRT;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err) {
    mnet_conn *c = arg;
    if (!c) { if (p) pbuf_free(p); return ERR_OK; }
    (void)err;
    if (c->ssl) {
        if (!p) c->rx_eof = 1;
        else if (c->rx) pbuf_cat(c->rx, p);
        else c->rx = p;
        tls_pump(c);
        return c->pcb ? ERR_OK : ERR_ABRT;
    }
    if (!p) {                   /* FIN: the peer closed */
        int handle = c->handle;
        mnet *n = c->net;
        int aborted = release(c, 0);
        push(n, EVQ_CLOSED, handle, MNET_OK, NULL, 0);
        return aborted ? ERR_ABRT : ERR_OK;
    }
    for (struct pbuf *q = p; q; q = q->next) push(c->net, EVQ_DATA, c->handle, 0, q->payload, q->len);
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len) {
    mnet_conn *c = arg;
    (void)pcb; (void)len;
    if (!c) return ERR_OK;
    if (c->ssl) tls_pump(c);
    else if (c->out_len) flush(c);
    return c->pcb ? ERR_OK : ERR_ABRT;
}

/* lwIP ended the connection and freed the pcb: reset, refused, time-out. */
static void on_err(void *arg, err_t err) {
    mnet_conn *c = arg;
    if (!c) return;
    c->pcb = NULL;
    int code = err == ERR_RST ? (c->state == ST_CONNECTING ? MNET_REFUSED : MNET_RESET)
             : err == ERR_ABRT ? (c->state == ST_CONNECTING ? MNET_TIMEOUT : MNET_RESET)
             : err == ERR_CLSD ? MNET_RESET : MNET_IO;
    fail(c, code);
}

/* The server certificate's dates against the wall clock (mbedTLS has no clock on the board). */
static int verify_dates(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags) {
    mnet *n = ctx;
    (void)depth;
    int64_t s = hal_wall_ms(n->core->port) / 1000;
    int64_t days = s / 86400, secs = s % 86400;
    /* civil date from days since 1970-01-01 (Howard Hinnant's algorithm) */
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    int64_t now = ((((y * 100 + m) * 100 + d) * 100 + secs / 3600) * 100 + secs / 60 % 60) * 100 + secs % 60;
    const mbedtls_x509_time *f = &crt->valid_from, *t = &crt->valid_to;
    int64_t from = ((((f->year * 100LL + f->mon) * 100 + f->day) * 100 + f->hour) * 100 + f->min) * 100 + f->sec;
    int64_t to = ((((t->year * 100LL + t->mon) * 100 + t->day) * 100 + t->hour) * 100 + t->min) * 100 + t->sec;
    if (now < from) *flags |= MBEDTLS_X509_BADCERT_FUTURE;
    if (now > to) *flags |= MBEDTLS_X509_BADCERT_EXPIRED;
    return 0;
}

/* The server certificate of one connection: its dates, and an IP address host against its iPAddress entries. */
static int verify_conn(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags) {
    mnet_conn *c = ctx;
    verify_dates(c->net, crt, depth, flags);
    return tn_verify(c->host, crt, depth, flags);
}

static int entropy(void *ctx, unsigned char *out, size_t len) {
    mnet *n = ctx;
    return hal_random(n->core->port, out, len) == 0 ? 0 : MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
}

static void conf_setup(mnet *n, mbedtls_ssl_config *conf) {
    mbedtls_ssl_config_init(conf);
    mbedtls_ssl_config_defaults(conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_ciphersuites(conf, CIPHERSUITES);
    mbedtls_ssl_conf_rng(conf, mbedtls_ctr_drbg_random, &n->drbg);
    /* Never without verification: with no CSMS root every server is untrusted. */
    mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(conf, &n->ca, NULL);
    /* The dates and the host (verify_conn) are checked by a callback each handshake sets for itself. */
}

static int tls_init(mnet *n) {
    if (n->tls_ready) return 0;
    if (mbedtls_ctr_drbg_seed(&n->drbg, entropy, n, (const unsigned char *)"ocpp-station-mcu", 16) != 0) return -1;
    conf_setup(n, &n->conf);
    conf_setup(n, &n->conf_client);
    /* One certificate entry, pointed at the store's or the provisioned certificate by tls_refresh. */
    if (mbedtls_ssl_conf_own_cert(&n->conf_client, &n->cert, &n->key) != 0) return -1;
    n->tls_ready = 1;
    return 0;
}

/* Trust and identity from the certificate store, as they are when a TLS stream opens: the CSMS roots installed
 * (the --ca file only while the store has none), and the newest station certificate with its key (the
 * --client-cert one while the store has none). A handshake under way keeps what it started with. */
static void tls_refresh(mnet *n) {
    for (int i = 0; i < MNET_MAX_CONNS; i++)
        if (n->conns[i].handle && n->conns[i].ssl && n->conns[i].state != ST_OPEN) return;
    hal *p = n->core->port;
    mbedtls_x509_crt_free(&n->trust);
    mbedtls_x509_crt_init(&n->trust);
    mbedtls_x509_crt_free(&n->store_cert);
    mbedtls_x509_crt_init(&n->store_cert);
    mbedtls_pk_free(&n->store_key);
    mbedtls_pk_init(&n->store_key);
    mbedtls_x509_crt *ca = mcerts_roots(p, &n->trust) > 0 ? &n->trust : &n->ca;
    mbedtls_ssl_conf_ca_chain(&n->conf, ca, NULL);
    mbedtls_ssl_conf_ca_chain(&n->conf_client, ca, NULL);
    int stored = mcerts_identity(p, &n->store_cert, &n->store_key) == 0;
    n->conf_client.key_cert->cert = stored ? &n->store_cert : &n->cert;
    n->conf_client.key_cert->key = stored ? &n->store_key : &n->key;
    n->have_identity = stored || n->have_client;
}

int mnet_set_tls(mnet *n, const char *ca_pem, const char *cert_pem, const char *key_pem) {
    if (ca_pem && mbedtls_x509_crt_parse(&n->ca, (const unsigned char *)ca_pem, strlen(ca_pem) + 1) != 0) return -1;
    if (cert_pem && key_pem) {
        if (mbedtls_x509_crt_parse(&n->cert, (const unsigned char *)cert_pem, strlen(cert_pem) + 1) != 0 ||
            mbedtls_pk_parse_key(&n->key, (const unsigned char *)key_pem, strlen(key_pem) + 1, NULL, 0) != 0) return -1;
        n->have_client = 1;
    }
    return 0;
}

void mnet_tls_heap(mnet *n, size_t *used, size_t *peak) {
    (void)n;
    size_t blocks;
    mbedtls_memory_buffer_alloc_cur_get(used, &blocks);
    mbedtls_memory_buffer_alloc_max_get(peak, &blocks);
}

int mnet_stream_open(mnet *n, const char *host, int port, int tls, int security_profile) {
    if (port <= 0 || port > 65535 || !host[0] || strlen(host) >= sizeof n->conns[0].host) return MNET_IO;
    if (n->link_down) return MNET_REFUSED;
    ip4_addr_t addr;
    if (resolve(n, host, &addr) != 0) return MNET_DNS;
    mnet_conn *c = NULL;
    for (int i = 0; i < MNET_MAX_CONNS && !c; i++) if (!n->conns[i].handle) c = &n->conns[i];
    if (!c) return MNET_IO;
    if (tls) {
        if (tls_init(n) != 0) return MNET_TLS_HANDSHAKE;
        tls_refresh(n);
        if (security_profile == 3 && !n->have_identity) return MNET_TLS_CLIENT_CERT;
        c->ssl = mbedtls_calloc(1, sizeof *c->ssl);
        if (!c->ssl) return MNET_IO;
        mbedtls_ssl_init(c->ssl);
        if (mbedtls_ssl_setup(c->ssl, security_profile == 3 ? &n->conf_client : &n->conf) != 0 ||
            tn_set_host(c->ssl, host) != 0) { release(c, 1); return MNET_TLS_HANDSHAKE; }
        mbedtls_ssl_set_verify(c->ssl, verify_conn, c);   /* c->host is set below, before any handshake */
        mbedtls_ssl_set_bio(c->ssl, c, bio_send, bio_recv, NULL);
    }
    c->pcb = tcp_new();
    if (!c->pcb) { release(c, 1); return MNET_IO; }
    /* A random local port: after a power cut the new connection must not look like the old one to the peer. */
    uint16_t r = 0;
    hal_random(n->core->port, (uint8_t *)&r, sizeof r);
    for (int i = 0; i < 16 && tcp_bind(c->pcb, IP4_ADDR_ANY, (u16_t)(49152 + (r + i * 7919) % 16384)) != ERR_OK; i++) {}
    tcp_nagle_disable(c->pcb);
    tcp_arg(c->pcb, c);
    tcp_recv(c->pcb, on_recv);
    tcp_sent(c->pcb, on_sent);
    tcp_err(c->pcb, on_err);
    c->handle = n->next_stream++;
    c->state = ST_CONNECTING;
    strcpy(c->host, host);
    if (tcp_connect(c->pcb, &addr, (u16_t)port, on_connected) != ERR_OK) { release(c, 1); return MNET_IO; }
    return c->handle;
}

int mnet_stream_send(mnet *n, int handle, const uint8_t *bytes, size_t len) {
    mnet_conn *c = find(n, handle);
    if (!c || c->state != ST_OPEN || !c->pcb) return MNET_IO;
    if (c->out_len + len > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 1024;
        while (cap < c->out_len + len) cap *= 2;
        if (cap > MNET_OUT_MAX) return MNET_IO;   /* the peer stopped reading */
        uint8_t *p = realloc(c->out, cap);
        if (!p) return MNET_IO;
        c->out = p;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, bytes, len);
    c->out_len += len;
    flush(c);   /* a failure shows at the next mnet_poll (no event from inside a hal call) */
    return (int)len;
}

int mnet_stream_full(mnet *n, int handle) {
    mnet_conn *c = find(n, handle);
    if (!c || c->out_len <= MNET_FULL_MARK) return 0;
    c->owe_writable = 1;
    return 1;
}

void mnet_stream_close(mnet *n, int handle) {
    mnet_conn *c = find(n, handle);
    if (!c) return;
    if (c->ssl && c->pcb && c->state == ST_OPEN) mbedtls_ssl_close_notify(c->ssl);
    release(c, 0);
}

/* ---- Datagrams ---- */

static mnet_dgram *find_dgram(mnet *n, int handle) {
    for (int i = 0; i < MNET_MAX_DGRAMS; i++) if (n->dgrams[i].handle == handle) return &n->dgrams[i];
    return NULL;
}

static void on_dgram(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port) {
    mnet_dgram *d = arg;
    (void)pcb; (void)addr; (void)port;   /* a connected pcb: lwIP passes only the peer's datagrams */
    if (d && d->handle && !d->net->link_down) {
        mnet *n = d->net;
        if (p->len == p->tot_len) push(n, EVQ_DGRAM, d->handle, 0, p->payload, p->len);
        else push(n, EVQ_DGRAM, d->handle, 0, n->frame, pbuf_copy_partial(p, n->frame, sizeof n->frame, 0));
    }
    pbuf_free(p);
}

int mnet_dgram_open(mnet *n, const char *host, int port) {
    if (port <= 0 || port > 65535 || !host[0]) return MNET_IO;
    if (n->link_down) return MNET_REFUSED;
    ip4_addr_t addr;
    if (resolve(n, host, &addr) != 0) return MNET_DNS;
    mnet_dgram *d = find_dgram(n, 0);
    if (!d) return MNET_IO;
    d->pcb = udp_new();
    if (!d->pcb) return MNET_IO;
    if (udp_bind(d->pcb, IP4_ADDR_ANY, 0) != ERR_OK || udp_connect(d->pcb, &addr, (u16_t)port) != ERR_OK) {
        udp_remove(d->pcb);
        d->pcb = NULL;
        return MNET_IO;
    }
    udp_recv(d->pcb, on_dgram, d);
    d->handle = n->next_dgram++;
    return d->handle;
}

int mnet_dgram_send(mnet *n, int handle, const uint8_t *bytes, size_t len) {
    mnet_dgram *d = handle > 0 ? find_dgram(n, handle) : NULL;
    if (!d || len > 65507) return MNET_IO;
    if (n->link_down) return (int)len;
    /* Longer than one frame (no IP fragmentation here) or no buffer: lost, as UDP may lose it. */
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
    if (p) {
        pbuf_take(p, bytes, (u16_t)len);
        udp_sendto(d->pcb, p, &d->pcb->remote_ip, d->pcb->remote_port);   /* (udp_send: a name posix/ has too) */
        pbuf_free(p);
    }
    return (int)len;
}

void mnet_dgram_close(mnet *n, int handle) {
    mnet_dgram *d = handle > 0 ? find_dgram(n, handle) : NULL;
    if (!d) return;
    udp_remove(d->pcb);
    d->pcb = NULL;
    d->handle = 0;
}

/* ---- The whole ---- */

void mnet_net_drop_all(mnet *n) {
    for (int i = 0; i < MNET_MAX_CONNS; i++) if (n->conns[i].handle) release(&n->conns[i], 1);
    for (int i = 0; i < MNET_MAX_DGRAMS; i++) if (n->dgrams[i].handle) mnet_dgram_close(n, n->dgrams[i].handle);
}

int mnet_set_link(mnet *n, int up) {
    if (!up && !n->link_down)
        for (int i = 0; i < MNET_MAX_CONNS; i++) if (n->conns[i].handle) fail(&n->conns[i], MNET_RESET);
    n->link_down = !up;
    return 0;
}

int mnet_init(mnet *n, host *core) {
    memset(n, 0, sizeof *n);
    n->core = core;
    n->next_stream = n->next_dgram = 1;
    for (int i = 0; i < MNET_MAX_CONNS; i++) n->conns[i].net = n;
    for (int i = 0; i < MNET_MAX_DGRAMS; i++) n->dgrams[i].net = n;
    mbedtls_memory_buffer_alloc_init(n->tls_heap, sizeof n->tls_heap);
    mbedtls_ctr_drbg_init(&n->drbg);
    mbedtls_x509_crt_init(&n->ca);
    mbedtls_x509_crt_init(&n->cert);
    mbedtls_pk_init(&n->key);
    mbedtls_x509_crt_init(&n->trust);
    mbedtls_x509_crt_init(&n->store_cert);
    mbedtls_pk_init(&n->store_key);
    if (l9_init(&n->eth, L9_MPS2_AN500_BASE) != 0) return -1;
    lwip_init();
    ip4_addr_t ip, mask, gw;
    IP4_ADDR(&ip, 10, 0, 2, 15);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gw, 10, 0, 2, 2);
    if (!netif_add(&n->netif, &ip, &mask, &gw, n, netif_setup, ethernet_input)) return -1;
    netif_set_default(&n->netif);
    netif_set_up(&n->netif);
    netif_set_link_up(&n->netif);
    return 0;
}

void mnet_poll(mnet *n, int64_t now_ms) {
    receive_frames(n);
    /* lwIP's timers; after a long jump of the clock a few ticks, not one per interval missed. */
    if (now_ms >= n->tcp_due) {
        tcp_tmr();
        n->tcp_due = n->tcp_due + TCP_TICK_MS > now_ms ? n->tcp_due + TCP_TICK_MS : now_ms + TCP_TICK_MS;
    }
    if (now_ms >= n->arp_due) {
        etharp_tmr();
        n->arp_due = n->arp_due + ARP_TICK_MS > now_ms ? n->arp_due + ARP_TICK_MS : now_ms + ARP_TICK_MS;
    }
    for (int i = 0; i < MNET_MAX_CONNS; i++) {
        mnet_conn *c = &n->conns[i];
        if (!c->handle) continue;
        if (!c->pcb) { fail(c, MNET_RESET); continue; }
        /* ACK at once: under the virtual clock lwIP's delayed ACK would wait for time that does not pass. */
        if (c->pcb->flags & TF_ACK_DELAY) { tcp_ack_now(c->pcb); tcp_output(c->pcb); }
        if (c->ssl && c->state != ST_CONNECTING) tls_pump(c);
        else if (c->out_len) flush(c);
        /* The event mnet_stream_full owes, once the bytes held back are at most half the mark. */
        if (c->handle && c->owe_writable && c->out_len <= MNET_FULL_MARK / 2) {
            c->owe_writable = 0;
            push(n, EVQ_WRITABLE, c->handle, 0, NULL, 0);
        }
    }
}
