#include "addr.h"
#include <netdb.h>
#include <stdio.h>
#include <string.h>

int addr_resolve(const char *host, int port, int socktype, struct sockaddr_storage *out, socklen_t *outlen) {
    char portstr[8];
    snprintf(portstr, sizeof portstr, "%d", port);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = socktype;
    if (getaddrinfo(host, portstr, &hints, &res) != 0 || !res) return -1;
    int ok = res->ai_addrlen <= sizeof *out;
    if (ok) { memcpy(out, res->ai_addr, res->ai_addrlen); *outlen = res->ai_addrlen; }
    freeaddrinfo(res);
    return ok ? 0 : -1;
}
