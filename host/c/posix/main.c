/* The C host on wasm3, Linux port: a single-threaded poll loop around the firmware image.
 *   station --csms ws://host:port/path --id CS001 [--data DIR] [--password P] [--security-profile N]
 *           [--ca FILE] [--client-cert FILE --client-key FILE] [--wasm build/firmware.wasm] [--virtual-clock]
 *           [--uart /dev/ttyX[:baud]] [--can can0] [--gpio-chip gpiochip0 --gpio-out 17,18 --gpio-in 22]
 *           [--sim-bus 127.0.0.1:PORT] [--stack BYTES]
 * With --virtual-clock, time moves only on commands read from standard input, one per line (--control reads
 * them with the real clock too):
 *   advance <ms>   step through every wake-up up to now + ms, then answer "@ok <now>"
 *   sync           deliver what the network has ready, then answer "@ok <now>"
 *   power_cycle    drop the instance and its connections without any clean-up, boot again from the data dir
 *   stats          "@stats code_lines=<n> ...": code wasm3 has compiled so far, in pointer-sized slots
 *   network up|down  the network link (bench, tests): down drops the CSMS connection at once and loses datagrams,
 *                  up lets them back
 *   status         "@status <json>": the image's status_report (station state for the bench and `make run`)
 * --set KEY=VALUE passes one more config_set pair to the image (repeatable: topology, dm:..., ...).
 * With --virtual-clock and --sim-bus the simulator gets the time as TIME frames at every step (docs/hardware.md).
 * Logs go to standard output, one line each. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "host.h"

#define CONTROL_LINE 256

void host_log(host *h, const char *level, const char *text, size_t len) {
    if (h->quiet) return;
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

static host_event *push(host *h, int kind, int handle, int arg, const uint8_t *data, size_t len) {
    if (h->q_len == HOST_QUEUE_MAX) { host_log(h, "error", "host event queue full; event dropped", 36); return NULL; }
    host_event *e = &h->queue[(h->q_head + h->q_len) % HOST_QUEUE_MAX];
    e->kind = kind; e->handle = handle; e->arg = arg; e->id = 0; e->len = 0; e->data = NULL;
    if (len) {
        e->data = malloc(len);
        if (!e->data) return NULL;
        memcpy(e->data, data, len);
        e->len = len;
    }
    h->q_len++;
    return e;
}

static void on_opened(void *u, int handle, int status) { ((host *)u)->net_activity++; push(u, EV_OPEN, handle, status, NULL, 0); }
static void on_data(void *u, int handle, const uint8_t *b, size_t n) { ((host *)u)->net_activity++; push(u, EV_DATA, handle, 0, b, n); }
static void on_closed(void *u, int handle, int reason) { ((host *)u)->net_activity++; push(u, EV_CLOSED, handle, reason, NULL, 0); }
/* Datagrams may be lost anyway: a flood takes at most half the queue, so stream and hardware events still fit. */
static void on_datagram(void *u, int handle, const uint8_t *b, size_t n) {
    host *h = u;
    h->net_activity++;
    if (h->q_len < HOST_QUEUE_MAX / 2) push(h, EV_DGRAM, handle, 0, b, n);
}
static void on_uart(void *u, int port, const uint8_t *b, size_t n) { push(u, EV_UART, port, 0, b, n); }
static void on_gpio(void *u, int line, int level) { push(u, EV_GPIO, line, level, NULL, 0); }
static void on_can(void *u, int bus, uint32_t id, int flags, const uint8_t *d, size_t n) {
    host_event *e = push(u, EV_CAN, bus, flags, d, n);
    if (e) e->id = id;
}

static void drain(host *h) {
    while (h->q_len > 0) {
        host_event e = h->queue[h->q_head];
        h->q_head = (h->q_head + 1) % HOST_QUEUE_MAX;
        h->q_len--;
        host_tick_if_moved(h);
        host_deliver(h, &e);
        free(e.data);
        if (h->reboot_requested) {
            h->reboot_requested = 0;
            host_cold_boot(h);
        }
    }
}

/* One pass of network I/O: wait at most timeout_ms, then deliver what arrived. Returns events seen. */
static int service(host *h, int timeout_ms, int with_stdin, int *stdin_ready) {
    struct pollfd fds[NET_MAX_CONNS + UDP_MAX_SOCKS + HW_POLL_SLOTS + 1];
    int n = net_pollfds(&h->net, fds, NET_MAX_CONNS);
    int d = n + udp_pollfds(&h->udp, fds + n, UDP_MAX_SOCKS);
    int k = d + hw_pollfds(&h->hw, fds + d, HW_POLL_SLOTS);
    if (with_stdin) { fds[k].fd = 0; fds[k].events = POLLIN; fds[k].revents = 0; }
    int rc = poll(fds, (nfds_t)(k + (with_stdin ? 1 : 0)), timeout_ms);
    if (rc < 0 && errno != EINTR) return 0;
    int before = h->q_len;
    if (rc > 0) { net_service(&h->net, fds, n); udp_service(&h->udp, fds + n, d - n); hw_service(&h->hw, fds + d, k - d); }
    if (stdin_ready) *stdin_ready = with_stdin && rc > 0 && (fds[k].revents & (POLLIN | POLLHUP));
    int got = h->q_len - before;
    drain(h);
    return got;
}

/* Lets in-flight network traffic arrive: keep servicing while events come, with short waits. */
static void settle(host *h) {
    for (int quiet = 0; quiet < 3;) quiet = service(h, 3, 0, NULL) > 0 ? 0 : quiet + 1;
}

static unsigned long net_moves(host *h) { return h->net_activity + h->net.sends + h->udp.sends; }

/* Virtual time: the simulator (if any) catches up first, so its answers are delivered right after the tick. */
static void step_to(host *h, int64_t t) {
    clk_advance_to(&h->clock, t);
    if (h->virtual_mode && h->hw.sim_fd >= 0 && hw_sim_time(&h->hw, clk_now(&h->clock)) != 0)
        host_log(h, "warn", "simulator bus: no TIME confirmation", 35);
    host_tick_if_moved(h);
    drain(h);
}

static void advance(host *h, int64_t ms) {
    int64_t target = clk_now(&h->clock) + ms;
    unsigned long seen = (unsigned long)-1;
    for (int steps = 0;; steps++) {
        /* Steps that moved no network bytes need no settle; every 200th does one anyway. */
        if (net_moves(h) != seen || steps % 200 == 0) { settle(h); seen = net_moves(h); }
        else service(h, 0, 0, NULL);
        int64_t due = host_next_wakeup(h);
        int64_t now = clk_now(&h->clock);
        /* The simulator's own schedule (answers, EV demand) counts as a wake-up too: at least 1 ms ahead. */
        if (h->virtual_mode && h->hw.sim_fd >= 0 && h->hw.sim_next < due) due = h->hw.sim_next > now ? h->hw.sim_next : now + 1;
        if (due > target) break;
        step_to(h, due > now ? due : now);
        /* A wake-up the tick did not consume would repeat forever at the same instant: let 1 ms pass. */
        if (host_next_wakeup(h) <= due) clk_advance_to(&h->clock, clk_now(&h->clock) + 1);
    }
    step_to(h, target);
    settle(h);
}

/* Reads and runs control commands; returns 0 at end of input. */
static int control(host *h, char *line, size_t *len) {
    ssize_t r = read(0, line + *len, CONTROL_LINE - 1 - *len);
    if (r <= 0) return 0;
    *len += (size_t)r;
    char *nl;
    while ((nl = memchr(line, '\n', *len)) != NULL) {
        *nl = 0;
        long long ms = 0;
        if (sscanf(line, "advance %lld", &ms) == 1 && ms >= 0) advance(h, ms);
        else if (strcmp(line, "sync") == 0) settle(h);
        else if (strcmp(line, "stats") == 0) {
            size_t used, allocated;
            host_code_lines(h, &used, &allocated);
            printf("@stats code_lines=%zu code_lines_allocated=%zu code_line_bytes=%zu traps=%d\n", used, allocated, sizeof(void *), h->traps);
        }
        else if (strcmp(line, "network up") == 0 || strcmp(line, "network down") == 0) {
            net_set_link(&h->net, line[8] == 'u');
            udp_set_link(&h->udp, line[8] == 'u');
            drain(h);
            settle(h);
        }
        else if (strcmp(line, "status") == 0) {
            static char json[8192];
            int n = host_status(h, json, sizeof json);
            printf("@status %.*s\n", n > 0 ? n : 2, n > 0 ? json : "{}");
        }
        else if (strcmp(line, "power_cycle") == 0) {
            host_cold_boot(h);
            settle(h);
        } else if (line[0]) { printf("@error unknown command\n"); fflush(stdout); }
        if (line[0]) { printf("@ok %lld\n", (long long)clk_now(&h->clock)); fflush(stdout); }
        size_t used = (size_t)(nl - line) + 1;
        memmove(line, nl + 1, *len - used);
        *len -= used;
    }
    if (*len == CONTROL_LINE - 1) *len = 0; /* an over-long line is dropped, not a crash */
    return 1;
}

static void add_root(void *chain, const char *path) { mbedtls_x509_crt_parse_file(chain, path); }

/* CSMS roots installed through cert_install (kind 0) join the --ca file for TLS. */
static void load_roots(void *user, mbedtls_x509_crt *chain) { certs_each(&((host *)user)->certs, 0, add_root, chain); }

static uint8_t *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = n > 0 ? malloc((size_t)n) : NULL;
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) { free(b); b = NULL; }
    fclose(f);
    *len = (size_t)n;
    return b;
}

static void usage(void) {
    fprintf(stderr, "usage: station --csms URL --id ID [--data DIR] [--password P] [--security-profile N] "
                    "[--ca FILE] [--client-cert FILE --client-key FILE] [--wasm FILE] [--virtual-clock] [--uart DEV[:BAUD]] "
                    "[--can IF] [--gpio-chip CHIP --gpio-out N,.. --gpio-in N,..] [--sim-bus HOST:PORT] [--stack BYTES] [--set KEY=VALUE]...\n");
    exit(2);
}

int main(int argc, char **argv) {
    static host h; /* one context for the process; static only to keep it off the stack */
    const char *csms = NULL, *id = "CS001", *data = "build/data", *password = NULL, *profile = NULL;
    const char *wasm = "build/firmware.wasm";
    net_tls_files files = { NULL, NULL, NULL, load_roots, &h };
    const char *uart = NULL, *can = NULL, *sim = NULL, *gpio_chip = NULL, *gpio_out = NULL, *gpio_in = NULL;
    int virtual_mode = 0, control_mode = 0;
    const char *sets[HOST_MAX_CONFIG];
    int set_count = 0;
    h.stack_bytes = 8192;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--virtual-clock") == 0) { virtual_mode = control_mode = 1; continue; }
        if (strcmp(a, "--control") == 0) { control_mode = 1; continue; }
        if (i + 1 >= argc) usage();
        const char *v = argv[++i];
        if (strcmp(a, "--csms") == 0) csms = v;
        else if (strcmp(a, "--id") == 0) id = v;
        else if (strcmp(a, "--data") == 0) data = v;
        else if (strcmp(a, "--password") == 0) password = v;
        else if (strcmp(a, "--security-profile") == 0) profile = v;
        else if (strcmp(a, "--wasm") == 0) wasm = v;
        else if (strcmp(a, "--ca") == 0) files.ca_file = v;
        else if (strcmp(a, "--client-cert") == 0) files.client_cert = v;
        else if (strcmp(a, "--client-key") == 0) files.client_key = v;
        else if (strcmp(a, "--uart") == 0) uart = v;
        else if (strcmp(a, "--can") == 0) can = v;
        else if (strcmp(a, "--sim-bus") == 0) sim = v;
        else if (strcmp(a, "--gpio-chip") == 0) gpio_chip = v;
        else if (strcmp(a, "--gpio-out") == 0) gpio_out = v;
        else if (strcmp(a, "--gpio-in") == 0) gpio_in = v;
        else if (strcmp(a, "--stack") == 0) h.stack_bytes = (uint32_t)strtoul(v, NULL, 10);
        else if (strcmp(a, "--set") == 0 && strchr(v, '=') && set_count < HOST_MAX_CONFIG - 4) sets[set_count++] = v;
        else usage();
    }
    if (!csms) usage();
    if (!profile) profile = password ? "1" : "0";
    h.config_keys[0] = "station_id"; h.config_values[0] = id;
    h.config_keys[1] = "csms_url"; h.config_values[1] = csms;
    h.config_keys[2] = "security_profile"; h.config_values[2] = profile;
    h.config_count = 3;
    if (password) { h.config_keys[3] = "basic_auth_password"; h.config_values[3] = password; h.config_count = 4; }
    static char set_keys[HOST_MAX_CONFIG][128];
    for (int i = 0; i < set_count; i++) {
        const char *eq = strchr(sets[i], '=');
        if ((size_t)(eq - sets[i]) >= sizeof set_keys[i]) { fprintf(stderr, "c-host: --set key too long: %s\n", sets[i]); return 2; }
        snprintf(set_keys[i], sizeof set_keys[i], "%.*s", (int)(eq - sets[i]), sets[i]);
        h.config_keys[h.config_count] = set_keys[i];
        h.config_values[h.config_count] = eq + 1;
        h.config_count++;
    }
    h.virtual_mode = virtual_mode;
    h.wasm = read_file(wasm, &h.wasm_len);
    if (!h.wasm) { fprintf(stderr, "c-host: cannot read %s\n", wasm); return 2; }
    char kvdir[400];
    snprintf(kvdir, sizeof kvdir, "%s/kv", data);
    if (kv_open(&h.kv, kvdir) != 0) { fprintf(stderr, "c-host: cannot open the data directory %s\n", kvdir); return 2; }
    clk_init(&h.clock, virtual_mode);
    net_init(&h.net, (net_events){ &h, on_opened, on_data, on_closed }, files);
    udp_init(&h.udp, (udp_events){ &h, on_datagram });
    hw_init(&h.hw, (hw_events){ &h, on_uart, on_can, on_gpio });
    if (uart) {
        char path[256];
        int baud = 115200;
        const char *colon = strrchr(uart, ':');
        snprintf(path, sizeof path, "%.*s", colon ? (int)(colon - uart) : (int)strlen(uart), uart);
        if (colon) baud = atoi(colon + 1);
        if (hw_open_uart(&h.hw, path, baud) != 0) { fprintf(stderr, "c-host: cannot open UART %s at %d baud\n", path, baud); return 2; }
    }
    if (gpio_chip && hw_open_gpio(&h.hw, gpio_chip, gpio_out, gpio_in) != 0) {
        fprintf(stderr, "c-host: cannot open GPIO lines on %s (a libgpiod build is needed: make c-host CHOST_GPIOD=1)\n", gpio_chip);
        return 2;
    }
    if (can && hw_open_can(&h.hw, can) != 0) { fprintf(stderr, "c-host: cannot open CAN interface %s\n", can); return 2; }
    if (sim) {
        const char *colon = strrchr(sim, ':');
        char hostname[64];
        snprintf(hostname, sizeof hostname, "%.*s", colon ? (int)(colon - sim) : 0, sim);
        if (!colon || hw_open_sim(&h.hw, hostname, atoi(colon + 1)) != 0) { fprintf(stderr, "c-host: cannot reach the simulator bus %s\n", sim); return 2; }
    }
    if (certs_open(&h.certs, data, net_drbg(&h.net)) != 0) { fprintf(stderr, "c-host: cannot open %s/certs\n", data); return 2; }
    if (host_boot(&h) != 0) return 2;
    char line[CONTROL_LINE];
    size_t line_len = 0;
    for (;;) {
        int timeout = -1;
        if (!virtual_mode) {
            host_tick_if_moved(&h);
            int64_t due = host_next_wakeup(&h), now = clk_now(&h.clock);
            if (due != INT64_MAX) timeout = due <= now ? 0 : (due - now > 60000 ? 60000 : (int)(due - now));
        }
        int stdin_ready = 0;
        service(&h, timeout, control_mode, &stdin_ready);
        if (stdin_ready && !control(&h, line, &line_len)) break;
    }
    host_shutdown_image(&h);
    net_free(&h.net);
    udp_close_all(&h.udp);
    hw_close(&h.hw);
    free(h.wasm);
    return 0;
}
