/* Name resolution for the stream (net.c) and datagram (udp.c) modules: the first address a name has. */
#ifndef ADDR_H
#define ADDR_H
#include <sys/socket.h>

/* Resolves host:port for socktype (SOCK_STREAM / SOCK_DGRAM) with getaddrinfo, which blocks; the image asks for a
 * name at most once per connection attempt or query, and spaces those out. 0 ok (out/outlen set), -1 not found. */
int addr_resolve(const char *host, int port, int socktype, struct sockaddr_storage *out, socklen_t *outlen);

#endif
