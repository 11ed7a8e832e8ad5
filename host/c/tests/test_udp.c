/* Datagrams of the C host (udp.c) against a peer socket on loopback: connected sockets (only the peer's
 * datagrams arrive), one event per datagram, handles never reused, the link switch, the per-pass burst limit,
 * bad arguments and a full table. Prints the plain "N passed, N failed" line. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "posix/udp.h"

static int passed, failed;
#define CHECK(cond, what) do { if (cond) passed++; else { failed++; fprintf(stderr, "FAIL %s:%d %s\n", __FILE__, __LINE__, what); } } while (0)

typedef struct seen { int count, handle; uint8_t bytes[64]; size_t len; } seen;
static void on_datagram(void *u, int handle, const uint8_t *b, size_t n) {
    seen *s = u;
    s->count++;
    s->handle = handle;
    s->len = n;
    memcpy(s->bytes, b, n < sizeof s->bytes ? n : sizeof s->bytes);
}

/* One poll pass over the module's sockets (100 ms at most). */
static void pump(udp *u) {
    struct pollfd fds[UDP_MAX_SOCKS];
    int n = udp_pollfds(u, fds, UDP_MAX_SOCKS);
    if (poll(fds, (nfds_t)n, 100) > 0) udp_service(u, fds, n);
}

static int bound_socket(struct sockaddr_in *a) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    memset(a, 0, sizeof *a);
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof *a;
    if (fd < 0 || bind(fd, (struct sockaddr *)a, sizeof *a) != 0 || getsockname(fd, (struct sockaddr *)a, &len) != 0) return -1;
    return fd;
}

/* Waits (100 ms at most) for a datagram on the peer; its length or -1. */
static ssize_t peer_recv(int fd, uint8_t *buf, size_t cap, struct sockaddr_in *from) {
    struct pollfd p = { fd, POLLIN, 0 };
    if (poll(&p, 1, 100) <= 0) return -1;
    socklen_t len = sizeof *from;
    return recvfrom(fd, buf, cap, 0, (struct sockaddr *)from, &len);
}

int main(void) {
    struct sockaddr_in peer_addr, other_addr, station;
    int peer = bound_socket(&peer_addr), other = bound_socket(&other_addr);
    if (peer < 0 || other < 0) { fprintf(stderr, "no loopback UDP\n"); return 2; }
    int port = ntohs(peer_addr.sin_port);
    seen s = { 0 };
    udp u;
    udp_init(&u, (udp_events){ &s, on_datagram });

    CHECK(udp_open(&u, "", port) == UDP_IO, "empty name");
    CHECK(udp_open(&u, "127.0.0.1", 0) == UDP_IO && udp_open(&u, "127.0.0.1", 65536) == UDP_IO, "bad port");
    int h = udp_open(&u, "127.0.0.1", port);
    CHECK(h > 0 && udp_is_open(&u, h), "open");
    CHECK(udp_send(&u, h, (const uint8_t *)"request", 7) == 7 && u.sends == 1, "send");
    uint8_t buf[UDP_MAX_DATAGRAM + 16];
    CHECK(peer_recv(peer, buf, sizeof buf, &station) == 7 && memcmp(buf, "request", 7) == 0, "the peer got it");

    /* The answer: one event with its bytes; a stranger's datagram never arrives on a connected socket. */
    sendto(other, "stranger", 8, 0, (struct sockaddr *)&station, sizeof station);
    sendto(peer, "answer", 6, 0, (struct sockaddr *)&station, sizeof station);
    pump(&u);
    CHECK(s.count == 1 && s.handle == h && s.len == 6 && memcmp(s.bytes, "answer", 6) == 0, "one datagram, one event");
    /* A datagram longer than the read buffer is cut, not split. */
    memset(buf, 'x', sizeof buf);
    sendto(peer, buf, UDP_MAX_DATAGRAM + 16, 0, (struct sockaddr *)&station, sizeof station);
    pump(&u);
    CHECK(s.count == 2 && s.len == UDP_MAX_DATAGRAM, "cut to UDP_MAX_DATAGRAM");

    /* A flood: at most UDP_BURST per pass, the rest in later passes. */
    for (int i = 0; i < UDP_BURST + 2; i++) sendto(peer, "f", 1, 0, (struct sockaddr *)&station, sizeof station);
    usleep(20000);
    pump(&u);
    CHECK(s.count == 2 + UDP_BURST, "a burst per pass");
    pump(&u);
    CHECK(s.count == 2 + UDP_BURST + 2, "the rest next pass");

    /* Link down: sends are lost (yet counted), arrivals dropped, opening refused. */
    udp_set_link(&u, 0);
    CHECK(udp_open(&u, "127.0.0.1", port) == UDP_REFUSED, "refused while down");
    CHECK(udp_send(&u, h, (const uint8_t *)"lost", 4) == 4 && u.sends == 2, "lost send counts");
    CHECK(peer_recv(peer, buf, sizeof buf, &station) == -1, "nothing left");
    int before = s.count;
    sendto(peer, "dropped", 7, 0, (struct sockaddr *)&station, sizeof station);
    pump(&u);
    CHECK(s.count == before, "nothing arrives while down");
    udp_set_link(&u, 1);
    CHECK(udp_send(&u, h, (const uint8_t *)"again", 5) == 5 && peer_recv(peer, buf, sizeof buf, &station) == 5, "up again");

    /* Closed: no events, sends refused; handles are never reused; the table has UDP_MAX_SOCKS slots. */
    sendto(peer, "late", 4, 0, (struct sockaddr *)&station, sizeof station);
    udp_close(&u, h);
    before = s.count;
    pump(&u);
    CHECK(s.count == before && !udp_is_open(&u, h), "closed");
    CHECK(udp_send(&u, h, (const uint8_t *)"x", 1) == UDP_IO, "send after close");
    udp_close(&u, h);   /* twice is harmless */
    int hs[UDP_MAX_SOCKS];
    int distinct = 1;
    for (int i = 0; i < UDP_MAX_SOCKS; i++) { hs[i] = udp_open(&u, "127.0.0.1", port); if (hs[i] <= h) distinct = 0; }
    CHECK(distinct, "new handles");
    CHECK(udp_open(&u, "127.0.0.1", port) == UDP_IO, "table full");
    udp_close_all(&u);
    for (int i = 0; i < UDP_MAX_SOCKS; i++) CHECK(!udp_is_open(&u, hs[i]), "close_all");
    close(peer);
    close(other);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
