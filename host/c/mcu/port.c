/* hal.h on the emulated Cortex-M7 board: each HAL function forwards to the module of its concern. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "port.h"
#include "semihost.h"

int64_t mport_now(hal *p) { return p->virtual_mode ? p->virtual_now : mclk_ms(&p->clock); }

int64_t hal_now_ms(hal *p) { return mport_now(p); }
int64_t hal_wall_ms(hal *p) { return mport_now(p) + p->wall_offset; }
void hal_set_wall_ms(hal *p, int64_t ms) { p->wall_offset = ms - mport_now(p); }

void mport_reply(hal *p, const char *text, size_t len) {
    muart_write(&p->console, text, len);
    muart_write(&p->console, "\n", 1);
}

/* "<wall time> <level> <text>", one line per entry as on Linux (newlines in text become spaces). */
void hal_log(hal *p, const char *level, const char *text, size_t len) {
    int64_t wall = hal_wall_ms(p);
    time_t secs = (time_t)(wall / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char head[48];
    size_t n = strftime(head, sizeof head, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(head + n, sizeof head - n, ".%03dZ %-5s ", (int)(wall % 1000), level);
    muart_write(&p->console, head, strlen(head));
    for (size_t i = 0; i < len; i++) {
        char c = text[i] == '\n' || text[i] == '\r' ? ' ' : text[i];
        muart_write(&p->console, &c, 1);
    }
    muart_write(&p->console, "\n", 1);
}

/* The emulated board has no TRNG: the host's /dev/urandom through semihosting stands in for it. A real board
 * reads its TRNG here (STM32H7: the RNG peripheral). */
int hal_random(hal *p, uint8_t *out, size_t len) {
    if (p->random_fd < 0) return -1;
    for (size_t done = 0; done < len;) {
        int r = sh_read(p->random_fd, out + done, len - done);
        if (r <= 0) return -1;
        done += (size_t)r;
    }
    return 0;
}

#ifdef MCU_NET
int hal_stream_open(hal *p, const char *host, int port, int tls, int profile) { return mnet_stream_open(&p->net, host, port, tls, profile); }
int hal_stream_send(hal *p, int handle, const uint8_t *b, size_t len) { p->sends++; return mnet_stream_send(&p->net, handle, b, len); }
int hal_stream_full(hal *p, int handle) { return mnet_stream_full(&p->net, handle); }
void hal_stream_close(hal *p, int handle) { mnet_stream_close(&p->net, handle); }
int hal_dgram_open(hal *p, const char *host, int port) { return mnet_dgram_open(&p->net, host, port); }
int hal_dgram_send(hal *p, int handle, const uint8_t *b, size_t len) { p->sends++; return mnet_dgram_send(&p->net, handle, b, len); }
void hal_dgram_close(hal *p, int handle) { mnet_dgram_close(&p->net, handle); }
void hal_net_drop_all(hal *p) { mnet_net_drop_all(&p->net); }
#endif

int hal_kv_get(hal *p, const uint8_t *k, size_t kl, uint8_t *buf, size_t cap) {
    return p->flash_kv.open ? mkv_get(&p->flash_kv, k, kl, buf, cap) : rkv_get(&p->kv, k, kl, buf, cap);
}
int hal_kv_put(hal *p, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl) {
    return p->flash_kv.open ? mkv_put(&p->flash_kv, k, kl, v, vl) : rkv_put(&p->kv, k, kl, v, vl);
}
int hal_kv_delete(hal *p, const uint8_t *k, size_t kl) {
    return p->flash_kv.open ? mkv_delete(&p->flash_kv, k, kl) : rkv_delete(&p->kv, k, kl);
}

/* Firmware slots (ABI revision 3): partitions of the flash file, RAM-loaded into SSRAM1 for wasm3 (fwslots.h). */
const uint8_t *hal_slot_map(hal *p, int slot, size_t *len) { return mfw_map(&p->slots, slot, len); }
int hal_slot_capacity(hal *p, int slot) { (void)p; (void)slot; return MFW_SLOT_BYTES; }
int hal_slot_erase(hal *p, int slot) { return mfw_erase(&p->slots, slot); }
int hal_slot_write(hal *p, int slot, size_t off, const uint8_t *b, size_t len) { return mfw_write(&p->slots, slot, off, b, len); }
int hal_slot_flush(hal *p, int slot) { return mfw_flush(&p->slots, slot); }
int hal_slot_state_get(hal *p, uint8_t *buf, size_t cap) { return mfw_state_get(&p->slots, buf, cap); }
int hal_slot_state_put(hal *p, const uint8_t *buf, size_t len) { return mfw_state_put(&p->slots, buf, len); }

/* The image's ports and buses on this board: UART port 0 is the PN532 reader, CAN bus 0 the SLCAN adapter's. */
enum { RFID_PORT = 0, CAN_BUS = 0, LINK_SLCAN = 0, LINK_PN532 = 1 };

int hal_uart_write(hal *p, int port, const uint8_t *b, size_t len) {
    if (!p->links || port != RFID_PORT) return -1;
    muart_write(&p->rfid_uart, b, len);
    p->link_sent[LINK_PN532] += (uint32_t)len;
    return (int)len;
}
int hal_can_send(hal *p, int bus, uint32_t id, int flags, const uint8_t *d, size_t len) {
    if (!p->links || bus != CAN_BUS) return -1;
    return slcan_send(&p->can, id, flags & (SLCAN_EXT | SLCAN_RTR), d, len);
}
int hal_gpio_set(hal *p, int line, int level) { return msim_gpio_set(&p->sim, line, level); }
/* On Linux the simulator learns of a new instance from a new bus connection; a UART cannot reconnect, so the
 * board says it on the control channel instead ("@hw_restarted"), and host/node/mcu-station.js tells the simulator
 * as a new connection would. A power cut (a new QEMU process) is a new connection anyway. */
void hal_hw_restarted(hal *p) {
    if (p->sim.link) mport_reply(p, "@hw_restarted", 13);
}

/* Hashes and verification come with mbedTLS (shared/hcrypto.c) once the network brings it; until then errors. */
#ifndef MCU_HCRYPTO
int hal_hash(hal *p, int alg, const uint8_t *d, size_t len, uint8_t *out, size_t cap) {
    (void)p; (void)alg; (void)d; (void)len; (void)out; (void)cap;
    return -1;
}
int hal_verify(hal *p, int alg, const uint8_t *k, size_t kl, const uint8_t *d, size_t dl, const uint8_t *s, size_t sl) {
    (void)p; (void)alg; (void)k; (void)kl; (void)d; (void)dl; (void)s; (void)sl;
    return -1;
}
#endif
/* Key pairs, the certificate store and fw_slot_verify are certs.c, on mbedTLS; without it every call fails. */
#ifndef MCU_HCRYPTO
int hal_csr(hal *p, int slot, int key_type, const char *subject, uint8_t *out, size_t cap) {
    (void)p; (void)slot; (void)key_type; (void)subject; (void)out; (void)cap;
    return -2;
}
int hal_cert_install(hal *p, int kind, const uint8_t *pem, size_t len) { (void)p; (void)kind; (void)pem; (void)len; return -2; }
int hal_cert_delete(hal *p, const char *hash_data) { (void)p; (void)hash_data; return -1; }
int hal_cert_list(hal *p, int kind, uint8_t *out, size_t cap) { (void)p; (void)kind; (void)out; (void)cap; return 0; }
int hal_fw_verify(hal *p, const uint8_t *image, size_t len, const uint8_t *cert, size_t cert_len, const uint8_t *sig, size_t sig_len) {
    (void)p; (void)image; (void)len; (void)cert; (void)cert_len; (void)sig; (void)sig_len;
    return -3;   /* no manufacturer root can be installed without mbedTLS */
}
#endif

static void on_uart(void *u, int port, const uint8_t *b, size_t n) { host_push(((hal *)u)->core, EVQ_UART, port, 0, 0, b, n); }
static void slcan_out(void *u, const uint8_t *b, size_t n) {
    hal *p = u;
    muart_write(&p->can_uart, b, n);
    p->link_sent[LINK_SLCAN] += (uint32_t)n;
}
static void slcan_in(void *u, uint32_t id, int flags, const uint8_t *d, size_t n) { host_push(((hal *)u)->core, EVQ_CAN, CAN_BUS, flags, id, d, n); }

void mport_links_service(hal *p) {
    if (!p->links) return;
    uint8_t b[256];
    size_t n;
    while ((n = muart_read(&p->can_uart, b, sizeof b)) > 0) slcan_input(&p->can, b, n);
    while ((n = muart_read(&p->rfid_uart, b, sizeof b)) > 0) on_uart(p, RFID_PORT, b, n);
}

int mport_links_caught_up(const hal *p) {
    if (!p->links || !p->sim.link_known) return 1;
    /* Counts wrap at 2^32: reached when the difference, taken as signed, is not negative. */
    return (int32_t)(p->can_uart.received - p->sim.link_want[LINK_SLCAN]) >= 0
        && (int32_t)(p->rfid_uart.received - p->sim.link_want[LINK_PN532]) >= 0;
}
static void on_gpio(void *u, int line, int level) { host_push(((hal *)u)->core, EVQ_GPIO, line, level, 0, NULL, 0); }
static void on_can(void *u, int bus, uint32_t id, int flags, const uint8_t *d, size_t n) { host_push(((hal *)u)->core, EVQ_CAN, bus, flags, id, d, n); }

int mport_init(hal *p, host *core, int virtual_mode, int sim) {
    p->core = core;
    p->virtual_mode = virtual_mode;
    p->virtual_now = 0;
    p->wall_offset = 0;   /* set below from the host's clock, once SysTick runs */
    p->sends = p->net_events = 0;
    p->kv.head = NULL;
    p->flash_kv.open = 0;
    mfw_init(&p->slots);
    /* 25 MHz / 217 = 115200 baud (QEMU ignores the rate; a real UART does not). */
    if (muart_open(&p->console, 0, 217) != 0) return -1;
    mclk_start(&p->clock);
    /* The RTC: on QEMU the host's clock through semihosting (TLS checks certificate dates before any CSMS
     * sets the time); in virtual mode too, as the Linux host's wall clock. */
    hal_set_wall_ms(p, (int64_t)sh_time() * 1000);
    msim_init(&p->sim, NULL, (msim_events){ p, on_uart, on_can, on_gpio });
    p->links = 0;
    p->link_sent[LINK_SLCAN] = p->link_sent[LINK_PN532] = 0;
    slcan_init(&p->can, (slcan_io){ p, slcan_out, slcan_in });
    if (sim) {
        if (muart_open(&p->sim_uart, 1, 217) != 0 || muart_open(&p->rfid_uart, 2, 217) != 0 || muart_open(&p->can_uart, 3, 217) != 0)
            return -1;
        p->sim.link = &p->sim_uart;
        p->links = 1;
        slcan_open(&p->can, 6);   /* 500 kbit/s */
    }
    p->random_fd = sh_open("/dev/urandom", 1);
#ifdef MCU_NET
    if (mnet_init(&p->net, core) != 0) return -1;
#endif
    return 0;
}
