#include "net.h"
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void net_init(net *n, net_events ev) {
    memset(n, 0, sizeof *n);
    for (int i = 0; i < NET_MAX_CONNS; i++) n->conns[i].fd = -1;
    n->next_handle = 1;
    n->ev = ev;
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
    if (c->fd >= 0) close(c->fd);
    free(c->out);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

int net_open(net *n, const char *host, int port, int tls, int security_profile) {
    (void)security_profile;
    if (tls) return NET_TLS_HANDSHAKE; /* TLS arrives with the mbedTLS port; until then refused plainly */
    if (port <= 0 || port > 65535 || host[0] == 0) return NET_IO;
    net_conn *c = NULL;
    for (int i = 0; i < NET_MAX_CONNS; i++) if (n->conns[i].fd < 0) { c = &n->conns[i]; break; }
    if (!c) return NET_IO;
    char portstr[8];
    snprintf(portstr, sizeof portstr, "%d", port);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    /* getaddrinfo blocks; CSMS names resolve once per connection attempt, which the image already spaces out. */
    if (getaddrinfo(host, portstr, &hints, &res) != 0 || !res) return NET_DNS;
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) { freeaddrinfo(res); return NET_IO; }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int rc = connect(fd, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    if (rc != 0 && errno != EINPROGRESS) { int code = errno_code(errno); close(fd); return code; }
    c->fd = fd;
    c->handle = n->next_handle++;
    c->connecting = 1;
    return c->handle;
}

static int flush(net_conn *c) {
    while (c->out_len > 0) {
        ssize_t w = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL);
        if (w < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : errno_code(errno);
        memmove(c->out, c->out + w, c->out_len - (size_t)w);
        c->out_len -= (size_t)w;
    }
    return 0;
}

int net_send(net *n, int handle, const uint8_t *bytes, size_t len) {
    net_conn *c = find(n, handle);
    if (!c || c->connecting) return NET_IO;
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
    return rc < 0 ? rc : (int)len;
}

void net_close(net *n, int handle) {
    net_conn *c = find(n, handle);
    if (c) release(c);
}

void net_close_all(net *n) {
    for (int i = 0; i < NET_MAX_CONNS; i++) if (n->conns[i].fd >= 0) release(&n->conns[i]);
}

int net_pollfds(const net *n, struct pollfd *fds, int max) {
    int k = 0;
    for (int i = 0; i < NET_MAX_CONNS && k < max; i++) {
        const net_conn *c = &n->conns[i];
        fds[k].fd = c->fd;   /* a negative fd is ignored by poll() and keeps slots aligned */
        fds[k].events = (short)(c->connecting || c->out_len ? POLLOUT : 0) | POLLIN;
        fds[k].revents = 0;
        k++;
    }
    return k;
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
            n->ev.opened(n->ev.user, handle, NET_OK);
            continue;
        }
        if (fds[i].revents & POLLOUT) {
            int rc = flush(c);
            if (rc < 0) { release(c); n->ev.closed(n->ev.user, handle, rc); continue; }
        }
        if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
            uint8_t buf[8192];
            ssize_t r = recv(c->fd, buf, sizeof buf, 0);
            if (r > 0) { n->ev.data(n->ev.user, handle, buf, (size_t)r); continue; }
            if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
            int reason = r == 0 ? NET_OK : errno_code(errno);
            release(c);
            n->ev.closed(n->ev.user, handle, reason);
        }
    }
}
