#include "udp.h"
#include "addr.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void udp_init(udp *u, udp_events ev) {
    memset(u, 0, sizeof *u);
    for (int i = 0; i < UDP_MAX_SOCKS; i++) u->socks[i].fd = -1;
    u->next_handle = 1;
    u->ev = ev;
}

static udp_sock *find(udp *u, int handle) {
    for (int i = 0; i < UDP_MAX_SOCKS; i++)
        if (u->socks[i].fd >= 0 && u->socks[i].handle == handle) return &u->socks[i];
    return NULL;
}

int udp_is_open(const udp *u, int handle) {
    for (int i = 0; i < UDP_MAX_SOCKS; i++)
        if (u->socks[i].fd >= 0 && u->socks[i].handle == handle) return 1;
    return 0;
}

int udp_open(udp *u, const char *host, int port) {
    if (port <= 0 || port > 65535 || host[0] == 0) return UDP_IO;
    if (u->link_down) return UDP_REFUSED;
    udp_sock *s = NULL;
    for (int i = 0; i < UDP_MAX_SOCKS; i++) if (u->socks[i].fd < 0) { s = &u->socks[i]; break; }
    if (!s) return UDP_IO;
    struct sockaddr_storage sa;
    socklen_t salen;
    if (addr_resolve(host, port, SOCK_DGRAM, &sa, &salen) != 0) return UDP_DNS;
    int fd = socket(sa.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return UDP_IO;
    /* A connected socket: the kernel drops datagrams from anyone but the peer. */
    int rc = connect(fd, (struct sockaddr *)&sa, salen);
    if (rc != 0) { close(fd); return errno == ECONNREFUSED ? UDP_REFUSED : UDP_IO; }
    s->fd = fd;
    s->handle = u->next_handle++;
    return s->handle;
}

int udp_send(udp *u, int handle, const uint8_t *bytes, size_t len) {
    udp_sock *s = find(u, handle);
    if (!s) return UDP_IO;
    u->sends++;
    if (u->link_down) return (int)len;
    ssize_t w = send(s->fd, bytes, len, MSG_NOSIGNAL);
    if (w >= 0) return (int)len;
    /* A full socket buffer loses the datagram, as a busy link would; an earlier ICMP error shows up here once
     * (also lost, not the image's concern). Too long for UDP (EMSGSIZE) and the rest are errors. */
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNREFUSED) return (int)len;
    return UDP_IO;
}

void udp_close(udp *u, int handle) {
    udp_sock *s = find(u, handle);
    if (!s) return;
    close(s->fd);
    s->fd = -1;
    s->handle = 0;
}

void udp_close_all(udp *u) {
    for (int i = 0; i < UDP_MAX_SOCKS; i++) if (u->socks[i].fd >= 0) udp_close(u, u->socks[i].handle);
}

void udp_set_link(udp *u, int up) { u->link_down = !up; }

int udp_pollfds(const udp *u, struct pollfd *fds, int max) {
    int k = 0;
    for (int i = 0; i < UDP_MAX_SOCKS && k < max; i++) {
        fds[k].fd = u->socks[i].fd;   /* a negative fd is ignored by poll() and keeps slots aligned */
        fds[k].events = POLLIN;
        fds[k].revents = 0;
        k++;
    }
    return k;
}

void udp_service(udp *u, const struct pollfd *fds, int count) {
    for (int i = 0; i < count && i < UDP_MAX_SOCKS; i++) {
        udp_sock *s = &u->socks[i];
        if (s->fd < 0 || fds[i].fd != s->fd || fds[i].revents == 0) continue;
        int handle = s->handle;
        for (int n = 0; n < UDP_BURST && s->fd >= 0 && s->handle == handle; n++) {
            ssize_t r = recv(s->fd, u->rx, sizeof u->rx, 0);
            if (r < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                continue;   /* ECONNREFUSED and the like: an ICMP error for an earlier datagram, now consumed */
            }
            if (u->link_down) continue;
            u->ev.datagram(u->ev.user, handle, u->rx, (size_t)r);
        }
    }
}
