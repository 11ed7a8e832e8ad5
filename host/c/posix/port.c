/* hal.h on Linux: each HAL function forwards to the module of its concern; input events go to the core. */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include "port.h"
#include "shared/fwverify.h"
#include "shared/hcrypto.h"

int64_t hal_now_ms(hal *p) { return clk_now(&p->clock); }
int64_t hal_wall_ms(hal *p) { return clk_wall(&p->clock); }
void hal_set_wall_ms(hal *p, int64_t ms) { clk_set_wall(&p->clock, ms); }

void hal_log(hal *p, const char *level, const char *text, size_t len) {
    (void)p;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    /* Keep one line per entry: the test harness reads logs line by line. */
    printf("%s.%03ldZ %-5s ", when, ts.tv_nsec / 1000000, level);
    for (size_t i = 0; i < len; i++) putchar(text[i] == '\n' || text[i] == '\r' ? ' ' : text[i]);
    putchar('\n');
    fflush(stdout);
}

int hal_random(hal *p, uint8_t *out, size_t len) {
    (void)p;
    for (size_t done = 0; done < len;) {
        ssize_t r = getrandom(out + done, len - done, 0);
        if (r <= 0) return -1;
        done += (size_t)r;
    }
    return 0;
}

int hal_stream_open(hal *p, const char *host, int port, int tls, int profile) { return net_open(&p->net, host, port, tls, profile); }
int hal_stream_send(hal *p, int handle, const uint8_t *b, size_t len) { return net_send(&p->net, handle, b, len); }
int hal_stream_full(hal *p, int handle) { return net_full(&p->net, handle); }
void hal_stream_close(hal *p, int handle) { net_close(&p->net, handle); }
int hal_dgram_open(hal *p, const char *host, int port) { return udp_open(&p->udp, host, port); }
int hal_dgram_send(hal *p, int handle, const uint8_t *b, size_t len) { return udp_send(&p->udp, handle, b, len); }
void hal_dgram_close(hal *p, int handle) { udp_close(&p->udp, handle); }
void hal_net_drop_all(hal *p) { net_close_all(&p->net); udp_close_all(&p->udp); }

int hal_kv_get(hal *p, const uint8_t *k, size_t kl, uint8_t *buf, size_t cap) { return kv_get(&p->kv, k, kl, buf, cap); }
int hal_kv_put(hal *p, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl) { return kv_put(&p->kv, k, kl, v, vl); }
int hal_kv_delete(hal *p, const uint8_t *k, size_t kl) { return kv_delete(&p->kv, k, kl); }

int hal_uart_write(hal *p, int port, const uint8_t *b, size_t len) { return hw_uart_write(&p->hw, port, b, len); }
int hal_can_send(hal *p, int bus, uint32_t id, int flags, const uint8_t *d, size_t len) { return hw_can_send(&p->hw, bus, id, flags, d, len); }
int hal_gpio_set(hal *p, int line, int level) { return hw_gpio_set(&p->hw, line, level); }
void hal_hw_restarted(hal *p) {
    if (hw_restarted(&p->hw) != 0) hal_log(p, "error", "simulator bus: cannot reconnect", 31);
}

int hal_hash(hal *p, int alg, const uint8_t *d, size_t len, uint8_t *out, size_t cap) { (void)p; return hc_hash(alg, d, len, out, cap); }
int hal_verify(hal *p, int alg, const uint8_t *k, size_t kl, const uint8_t *d, size_t dl, const uint8_t *s, size_t sl) {
    (void)p;
    return hc_verify(alg, k, kl, d, dl, s, sl);
}
int hal_csr(hal *p, int slot, int key_type, const char *subject, uint8_t *out, size_t cap) {
    if (!p->certs.drbg) return -2;
    return certs_csr(&p->certs, slot, key_type, subject, out, cap);
}
int hal_cert_install(hal *p, int kind, const uint8_t *pem, size_t len) { return certs_install(&p->certs, kind, pem, len); }
int hal_cert_delete(hal *p, const char *hash_data) { return certs_delete(&p->certs, hash_data); }
int hal_cert_list(hal *p, int kind, uint8_t *out, size_t cap) { return certs_list(&p->certs, kind, out, cap); }

const uint8_t *hal_slot_map(hal *p, int slot, size_t *len) { return fws_map(&p->fw, slot, len); }
int hal_slot_capacity(hal *p, int slot) { (void)p; (void)slot; return FWS_CAPACITY; }
int hal_slot_erase(hal *p, int slot) { return fws_erase(&p->fw, slot); }
int hal_slot_write(hal *p, int slot, size_t off, const uint8_t *b, size_t len) { return fws_write(&p->fw, slot, off, b, len); }
int hal_slot_flush(hal *p, int slot) { return fws_flush(&p->fw, slot); }
int hal_slot_state_get(hal *p, uint8_t *buf, size_t cap) { return fws_state_get(&p->fw, buf, cap); }
int hal_slot_state_put(hal *p, const uint8_t *buf, size_t len) { return fws_state_put(&p->fw, buf, len); }

static void add_root(void *chain, const char *path) { mbedtls_x509_crt_parse_file(chain, path); }

/* The store's ManufacturerRootCertificates (kind 1); validity periods on the system's clock, as for TLS and
 * cert_install on this port. */
int hal_fw_verify(hal *p, const uint8_t *image, size_t len, const uint8_t *cert, size_t cert_len, const uint8_t *sig, size_t sig_len) {
    mbedtls_x509_crt roots;
    mbedtls_x509_crt_init(&roots);
    certs_each(&p->certs, 1, add_root, &roots);
    int rc = fwv_verify(&roots, (int64_t)time(NULL), image, len, cert, cert_len, sig, sig_len);
    mbedtls_x509_crt_free(&roots);
    return rc;
}

static void on_opened(void *u, int handle, int status) { hal *p = u; p->net_activity++; host_push(p->core, EVQ_OPEN, handle, status, 0, NULL, 0); }
static void on_data(void *u, int handle, const uint8_t *b, size_t n) { hal *p = u; p->net_activity++; host_push(p->core, EVQ_DATA, handle, 0, 0, b, n); }
static void on_writable(void *u, int handle) { hal *p = u; p->net_activity++; host_push(p->core, EVQ_WRITABLE, handle, 0, 0, NULL, 0); }
static void on_closed(void *u, int handle, int reason) { hal *p = u; p->net_activity++; host_push(p->core, EVQ_CLOSED, handle, reason, 0, NULL, 0); }
static void on_datagram(void *u, int handle, const uint8_t *b, size_t n) { hal *p = u; p->net_activity++; host_push(p->core, EVQ_DGRAM, handle, 0, 0, b, n); }
static void on_uart(void *u, int port, const uint8_t *b, size_t n) { host_push(((hal *)u)->core, EVQ_UART, port, 0, 0, b, n); }
static void on_gpio(void *u, int line, int level) { host_push(((hal *)u)->core, EVQ_GPIO, line, level, 0, NULL, 0); }
static void on_can(void *u, int bus, uint32_t id, int flags, const uint8_t *d, size_t n) { host_push(((hal *)u)->core, EVQ_CAN, bus, flags, id, d, n); }

void port_init(hal *p, host *core, int virtual_mode, net_tls_files files) {
    p->core = core;
    clk_init(&p->clock, virtual_mode);
    net_init(&p->net, (net_events){ p, on_opened, on_data, on_closed, on_writable }, files);
    udp_init(&p->udp, (udp_events){ p, on_datagram });
    hw_init(&p->hw, (hw_events){ p, on_uart, on_can, on_gpio });
}

void port_close(hal *p) {
    fws_close(&p->fw);
    net_free(&p->net);
    udp_close_all(&p->udp);
    hw_close(&p->hw);
}
