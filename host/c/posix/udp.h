/* UDP datagrams for the image (ABI revision 2): non-blocking sockets, each connected to one peer, driven by the
 * host's poll loop next to the streams of net.c. Arrivals are reported through the udp_events callback from
 * udp_service(), never from inside udp_open() or udp_send(). The module moves bytes only. */
#ifndef UDP_H
#define UDP_H
#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#define UDP_MAX_SOCKS 4
/* The largest datagram read; a longer one is cut by the kernel (the image gets at most rx_capacity anyway). */
#define UDP_MAX_DATAGRAM 8192
/* Datagrams read per socket in one service pass: a flood cannot starve the streams or fill the event queue. */
#define UDP_BURST 4

/* The stream codes of docs/host-abi.md that a datagram socket can see. */
enum { UDP_DNS = -1, UDP_REFUSED = -2, UDP_IO = -5 };

typedef struct udp_events {
    void *user;
    void (*datagram)(void *user, int handle, const uint8_t *bytes, size_t len);
} udp_events;

typedef struct udp_sock {
    int fd;       /* -1: slot free */
    int handle;
} udp_sock;

typedef struct udp {
    udp_sock socks[UDP_MAX_SOCKS];
    int next_handle;
    udp_events ev;
    int link_down;          /* tests and bench: the network cable is out */
    unsigned long sends;    /* datagrams handed over by the image (the virtual clock's settle counts them) */
    uint8_t rx[UDP_MAX_DATAGRAM];
} udp;

void udp_init(udp *u, udp_events ev);
/* Resolves host (blocking getaddrinfo, as for streams) and connects a UDP socket to host:port. Handle > 0, or
 * UDP_DNS, UDP_REFUSED (link down), UDP_IO (bad argument, no free slot, socket error). */
int udp_open(udp *u, const char *host, int port);
/* One datagram: len, or UDP_IO (handle not open, longer than UDP allows, socket error). A datagram that is lost
 * (link down, full socket buffer, an ICMP error of an earlier one) still returns len. */
int udp_send(udp *u, int handle, const uint8_t *bytes, size_t len);
void udp_close(udp *u, int handle);
int udp_is_open(const udp *u, int handle);
void udp_close_all(udp *u);
/* Link down: sends are lost, arrivals are dropped and udp_open fails with UDP_REFUSED until the link is up. */
void udp_set_link(udp *u, int up);
int udp_pollfds(const udp *u, struct pollfd *fds, int max);  /* fd order = slot order; returns count */
void udp_service(udp *u, const struct pollfd *fds, int count);

#endif
