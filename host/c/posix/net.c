#include "net.h"
#include "addr.h"
#include "shared/tlsname.h"
#include <errno.h>
#include <fcntl.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* TLS 1.2 at least, these suites only (docs/host-abi.md): the target's ECDSA ones (PICS C-41), the RSA-key ones
 * Part 2 lists for security profiles 2/3, and their ECDHE-RSA counterparts. */
static const int CIPHERSUITES[] = {
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_RSA_WITH_AES_128_GCM_SHA256, MBEDTLS_TLS_RSA_WITH_AES_256_GCM_SHA384, 0,
};

void net_init(net *n, net_events ev, net_tls_files files) {
    memset(n, 0, sizeof *n);
    for (int i = 0; i < NET_MAX_CONNS; i++) n->conns[i].fd = -1;
    n->next_handle = 1;
    n->ev = ev;
    n->files = files;
    mbedtls_entropy_init(&n->entropy);
    mbedtls_ctr_drbg_init(&n->drbg);
    mbedtls_x509_crt_init(&n->ca);
    mbedtls_x509_crt_init(&n->store_cert);
    mbedtls_pk_init(&n->store_key);
}

mbedtls_ctr_drbg_context *net_drbg(net *n) {
    if (!n->tls_ready) {
        if (mbedtls_ctr_drbg_seed(&n->drbg, mbedtls_entropy_func, &n->entropy, (const unsigned char *)"ocpp-station", 12) != 0) return NULL;
        n->tls_ready = 1;
    }
    return &n->drbg;
}

/* Trust is re-read for every connection, so a root the CSMS installed or deleted applies to the next attempt. */
static int tls_setup(net *n) {
    if (!net_drbg(n)) return -1;
    mbedtls_x509_crt_free(&n->ca);
    mbedtls_x509_crt_init(&n->ca);
    if (n->files.load_roots) n->files.load_roots(n->files.user, &n->ca);
    mbedtls_x509_crt_free(&n->store_cert);
    mbedtls_pk_free(&n->store_key);
    mbedtls_x509_crt_init(&n->store_cert);
    mbedtls_pk_init(&n->store_key);
    n->have_store = n->files.load_identity && n->files.load_identity(n->files.user, &n->store_cert, &n->store_key) == 0;
    return 0;
}

void net_free(net *n) {
    net_close_all(n);
    mbedtls_x509_crt_free(&n->ca);
    mbedtls_x509_crt_free(&n->store_cert);
    mbedtls_pk_free(&n->store_key);
    mbedtls_ctr_drbg_free(&n->drbg);
    mbedtls_entropy_free(&n->entropy);
}

static net_conn *find(net *n, int handle) {
    for (int i = 0; i < NET_MAX_CONNS; i++)
        if (n->conns[i].fd >= 0 && n->conns[i].handle == handle) return &n->conns[i];
    return NULL;
}

static int errno_code(int e) {
    switch (e) {
    case ECONNREFUSED: return NET_REFUSED;
    case ETIMEDOUT: return NET_TIMEOUT;
    case ECONNRESET: case EPIPE: return NET_RESET;
    default: return NET_IO;
    }
}

static void release(net_conn *c) {
    if (c->tls) {
        mbedtls_ssl_free(&c->tls->ssl);
        mbedtls_ssl_config_free(&c->tls->conf);
        free(c->tls);
    }
    if (c->fd >= 0) close(c->fd);
    free(c->out);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len) {
    ssize_t w = send(*(int *)ctx, buf, len, MSG_NOSIGNAL);
    if (w >= 0) return (int)w;
    return errno == EAGAIN || errno == EWOULDBLOCK ? MBEDTLS_ERR_SSL_WANT_WRITE : MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len) {
    ssize_t r = recv(*(int *)ctx, buf, len, 0);
    if (r >= 0) return (int)r;
    return errno == EAGAIN || errno == EWOULDBLOCK ? MBEDTLS_ERR_SSL_WANT_READ : MBEDTLS_ERR_NET_RECV_FAILED;
}

static int tls_start(net *n, net_conn *c, const char *host, int profile) {
    net_tls *t = calloc(1, sizeof *t);
    if (!t) return NET_IO;
    c->tls = t;
    t->fd = c->fd;
    mbedtls_ssl_init(&t->ssl);
    mbedtls_ssl_config_init(&t->conf);
    if (mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT) != 0)
        return NET_TLS_HANDSHAKE;
    mbedtls_ssl_conf_min_version(&t->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_ciphersuites(&t->conf, CIPHERSUITES);
    mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &n->drbg);
    /* Never without verification: with no CSMS root installed every server is untrusted. */
    mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&t->conf, &n->ca, NULL);
    if (profile == 3 && mbedtls_ssl_conf_own_cert(&t->conf, &n->store_cert, &n->store_key) != 0) return NET_TLS_CLIENT_CERT;
    if (strlen(host) >= sizeof t->host) return NET_TLS_HANDSHAKE;
    strcpy(t->host, host);
    /* A name as mbedTLS checks it, an IP address against the iPAddress entries only (shared/tlsname.h). */
    if (mbedtls_ssl_setup(&t->ssl, &t->conf) != 0 || tn_set_host(&t->ssl, t->host) != 0) return NET_TLS_HANDSHAKE;
    mbedtls_ssl_set_verify(&t->ssl, tn_verify, t->host);
    mbedtls_ssl_set_bio(&t->ssl, &t->fd, bio_send, bio_recv, NULL);
    return 0;
}

int net_open(net *n, const char *host, int port, int tls, int security_profile) {
    if (port <= 0 || port > 65535 || host[0] == 0) return NET_IO;
    if (n->link_down) return NET_REFUSED;
    if (tls && tls_setup(n) != 0) return NET_TLS_HANDSHAKE;
    /* Security profile 3 without a station certificate cannot authenticate: refused before any byte is sent. */
    if (tls && security_profile == 3 && !n->have_store) return NET_TLS_CLIENT_CERT;
    net_conn *c = NULL;
    for (int i = 0; i < NET_MAX_CONNS; i++) if (n->conns[i].fd < 0) { c = &n->conns[i]; break; }
    if (!c) return NET_IO;
    struct sockaddr_storage sa;
    socklen_t salen;
    if (addr_resolve(host, port, SOCK_STREAM, &sa, &salen) != 0) return NET_DNS;
    int fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return NET_IO;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int rc = connect(fd, (struct sockaddr *)&sa, salen);
    if (rc != 0 && errno != EINPROGRESS) { int code = errno_code(errno); close(fd); return code; }
    c->fd = fd;
    c->handle = n->next_handle++;
    c->connecting = 1;
    if (tls) {
        int trc = tls_start(n, c, host, security_profile);
        if (trc != 0) { release(c); return trc; }
        c->handshaking = 1;
    }
    return c->handle;
}

/* Why a handshake failed, in the ABI's terms. */
static int tls_failure(net_conn *c, int rc) {
    if (rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
        uint32_t flags = mbedtls_ssl_get_verify_result(&c->tls->ssl);
        if (flags & (MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE)) return NET_TLS_EXPIRED;
        if (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) return NET_TLS_HOSTNAME;
        return NET_TLS_UNTRUSTED;
    }
    if (rc == MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION) return NET_TLS_VERSION;
    /* A server hello with a suite we did not offer, or a handshake_failure alert before the server hello: no suite
     * in common. The same alert later in the handshake refuses our client certificate. */
    if (rc == MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO && c->tls->ssl.state == MBEDTLS_SSL_SERVER_HELLO) return NET_TLS_CIPHER;
    if (rc == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
        const mbedtls_ssl_context *s = &c->tls->ssl;
        if (s->in_msg && s->in_msg[1] == MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION) return NET_TLS_VERSION;
        /* A server below TLS 1.2 finds none of our (GCM) suites usable: its alert comes in a record of its version. */
        if (s->in_hdr && s->in_hdr[2] < MBEDTLS_SSL_MINOR_VERSION_3) return NET_TLS_VERSION;
        if (s->in_msg && s->in_msg[1] == MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE)
            return s->state <= MBEDTLS_SSL_SERVER_HELLO ? NET_TLS_CIPHER : NET_TLS_CLIENT_CERT;
        return NET_TLS_HANDSHAKE;
    }
    if (rc == MBEDTLS_ERR_NET_RECV_FAILED || rc == MBEDTLS_ERR_NET_SEND_FAILED || rc == MBEDTLS_ERR_SSL_CONN_EOF) return NET_RESET;
    return NET_TLS_HANDSHAKE;
}

static int write_out(net_conn *c, const uint8_t *p, size_t len) {
    if (!c->tls) {
        ssize_t w = send(c->fd, p, len, MSG_NOSIGNAL);
        if (w < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : errno_code(errno);
        return (int)w;
    }
    int w = mbedtls_ssl_write(&c->tls->ssl, p, len);
    if (w >= 0) return w;
    return w == MBEDTLS_ERR_SSL_WANT_WRITE || w == MBEDTLS_ERR_SSL_WANT_READ ? 0 : NET_RESET;
}

static int flush(net_conn *c) {
    while (c->out_len > 0) {
        int w = write_out(c, c->out, c->out_len);
        if (w < 0) return w;
        if (w == 0) return 0;
        memmove(c->out, c->out + w, c->out_len - (size_t)w);
        c->out_len -= (size_t)w;
    }
    return 0;
}

/* The writable event net_full owes, once the stream has room (queued by the port: never nested in an import). */
static void room_again(net *n, net_conn *c) {
    if (!c->owe_writable || c->out_len > NET_FULL_MARK / 2) return;
    c->owe_writable = 0;
    n->ev.writable(n->ev.user, c->handle);
}

int net_send(net *n, int handle, const uint8_t *bytes, size_t len) {
    net_conn *c = find(n, handle);
    n->sends++;
    if (!c || c->connecting || c->handshaking) return NET_IO;
    if (c->out_len + len > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 4096;
        while (cap < c->out_len + len) cap *= 2;
        if (cap > (1u << 24)) return NET_IO; /* the peer stopped reading: refuse to grow without bound */
        uint8_t *p = realloc(c->out, cap);
        if (!p) return NET_IO;
        c->out = p;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, bytes, len);
    c->out_len += len;
    int rc = flush(c);
    if (rc < 0) return rc;
    room_again(n, c);
    return (int)len;
}

int net_full(net *n, int handle) {
    net_conn *c = find(n, handle);
    if (!c || c->out_len <= NET_FULL_MARK) return 0;
    c->owe_writable = 1;
    return 1;
}

void net_close(net *n, int handle) {
    net_conn *c = find(n, handle);
    if (c) release(c);
}

void net_set_link(net *n, int up) {
    n->link_down = !up;
    if (up) return;
    for (int i = 0; i < NET_MAX_CONNS; i++) {
        net_conn *c = &n->conns[i];
        if (c->fd < 0) continue;
        int handle = c->handle, opening = c->connecting || c->handshaking;
        release(c);
        if (opening) n->ev.opened(n->ev.user, handle, NET_RESET);
        else n->ev.closed(n->ev.user, handle, NET_RESET);
    }
}

void net_close_all(net *n) {
    for (int i = 0; i < NET_MAX_CONNS; i++) if (n->conns[i].fd >= 0) release(&n->conns[i]);
}

int net_pollfds(const net *n, struct pollfd *fds, int max) {
    int k = 0;
    for (int i = 0; i < NET_MAX_CONNS && k < max; i++) {
        const net_conn *c = &n->conns[i];
        fds[k].fd = c->fd;   /* a negative fd is ignored by poll() and keeps slots aligned */
        fds[k].events = (short)(c->connecting || c->handshaking || c->out_len ? POLLOUT : 0) | POLLIN;
        fds[k].revents = 0;
        k++;
    }
    return k;
}

static void handshake_step(net *n, net_conn *c) {
    int handle = c->handle;
    int rc = mbedtls_ssl_handshake(&c->tls->ssl);
    if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) return;
    if (rc != 0) { int code = tls_failure(c, rc); release(c); n->ev.opened(n->ev.user, handle, code); return; }
    c->handshaking = 0;
    n->ev.opened(n->ev.user, handle, NET_OK);
}

static void read_ready(net *n, net_conn *c) {
    int handle = c->handle;
    uint8_t buf[8192];
    for (;;) {
        int r;
        if (c->tls) {
            r = mbedtls_ssl_read(&c->tls->ssl, buf, sizeof buf);
            if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE) return;
            if (r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) r = 0;
            else if (r < 0) { release(c); n->ev.closed(n->ev.user, handle, NET_RESET); return; }
        } else {
            ssize_t s = recv(c->fd, buf, sizeof buf, 0);
            if (s < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
            if (s < 0) { int code = errno_code(errno); release(c); n->ev.closed(n->ev.user, handle, code); return; }
            r = (int)s;
        }
        if (r == 0) { release(c); n->ev.closed(n->ev.user, handle, NET_OK); return; }
        n->ev.data(n->ev.user, handle, buf, (size_t)r);
        /* TLS may hold decrypted records poll() cannot see: read until it asks for more input. */
        if (!c->tls) return;
    }
}

void net_service(net *n, const struct pollfd *fds, int count) {
    for (int i = 0; i < count && i < NET_MAX_CONNS; i++) {
        net_conn *c = &n->conns[i];
        if (c->fd < 0 || fds[i].fd != c->fd || fds[i].revents == 0) continue;
        int handle = c->handle;
        if (c->connecting) {
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err != 0) { release(c); n->ev.opened(n->ev.user, handle, errno_code(err)); continue; }
            if (!(fds[i].revents & POLLOUT)) continue;
            c->connecting = 0;
            if (!c->tls) { n->ev.opened(n->ev.user, handle, NET_OK); continue; }
        }
        if (c->handshaking) { handshake_step(n, c); continue; }
        if (fds[i].revents & POLLOUT) {
            int rc = flush(c);
            if (rc < 0) { release(c); n->ev.closed(n->ev.user, handle, rc); continue; }
            room_again(n, c);
        }
        if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) read_ready(n, c);
    }
}
