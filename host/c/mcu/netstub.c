/* The board without a network stack (host/c/mcu/net.mk absent): every open fails with -5 (other I/O error). */
#include "hal.h"

int hal_stream_open(hal *p, const char *host, int port, int tls, int profile) {
    (void)p; (void)host; (void)port; (void)tls; (void)profile;
    return -5;
}
int hal_stream_send(hal *p, int handle, const uint8_t *b, size_t len) { (void)p; (void)handle; (void)b; (void)len; return -5; }
int hal_stream_full(hal *p, int handle) { (void)p; (void)handle; return 0; }
void hal_stream_close(hal *p, int handle) { (void)p; (void)handle; }
int hal_dgram_open(hal *p, const char *host, int port) { (void)p; (void)host; (void)port; return -5; }
int hal_dgram_send(hal *p, int handle, const uint8_t *b, size_t len) { (void)p; (void)handle; (void)b; (void)len; return -5; }
void hal_dgram_close(hal *p, int handle) { (void)p; (void)handle; }
void hal_net_drop_all(hal *p) { (void)p; }
