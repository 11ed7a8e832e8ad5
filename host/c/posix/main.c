/* The C host on wasm3, Linux port: a single-threaded poll loop around the firmware image.
 *   station --csms ws://host:port/path --id CS001 [--data DIR] [--password P] [--security-profile N]
 *           [--ca FILE] [--client-cert FILE --client-key FILE] [--wasm build/firmware.wasm] [--virtual-clock]
 *           [--uart /dev/ttyX[:baud]] [--can can0] [--gpio-chip gpiochip0 --gpio-out 17,18 --gpio-in 22]
 *           [--sim-bus 127.0.0.1:PORT] [--stack BYTES] [--trial-deadline MS]
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
 * The image boots from the active firmware slot in DATA/fw (ABI revision 3); --wasm is the factory image (slot A
 * while that is empty). --trial-deadline shortens the 600 s an image on trial has to confirm (tests).
 * With --virtual-clock and --sim-bus the simulator gets the time as TIME frames at every step (docs/hardware.md).
 * Logs go to standard output, one line each. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "port.h"

#define CONTROL_LINE 256

/* The process's one station: the core and the Linux HAL under it. */
typedef struct station {
    host core;
    hal port;
    int virtual_mode;        /* time moves only on control commands; the simulator bus gets TIME frames */
} station;

/* One pass of network I/O: wait at most timeout_ms, then deliver what arrived. Returns events seen. */
static int service(station *s, int timeout_ms, int with_stdin, int *stdin_ready) {
    hal *p = &s->port;
    struct pollfd fds[NET_MAX_CONNS + UDP_MAX_SOCKS + HW_POLL_SLOTS + 1];
    int n = net_pollfds(&p->net, fds, NET_MAX_CONNS);
    int d = n + udp_pollfds(&p->udp, fds + n, UDP_MAX_SOCKS);
    int k = d + hw_pollfds(&p->hw, fds + d, HW_POLL_SLOTS);
    if (with_stdin) { fds[k].fd = 0; fds[k].events = POLLIN; fds[k].revents = 0; }
    int rc = poll(fds, (nfds_t)(k + (with_stdin ? 1 : 0)), timeout_ms);
    if (rc < 0 && errno != EINTR) return 0;
    int before = host_pending(&s->core);
    if (rc > 0) { net_service(&p->net, fds, n); udp_service(&p->udp, fds + n, d - n); hw_service(&p->hw, fds + d, k - d); }
    if (stdin_ready) *stdin_ready = with_stdin && rc > 0 && (fds[k].revents & (POLLIN | POLLHUP));
    int got = host_pending(&s->core) - before;
    host_drain(&s->core);
    return got;
}

/* Lets in-flight network traffic arrive: keep servicing while events come, with short waits. */
static void settle(station *s) {
    for (int quiet = 0; quiet < 3;) quiet = service(s, 3, 0, NULL) > 0 ? 0 : quiet + 1;
}

static unsigned long net_moves(const station *s) { return s->port.net_activity + s->port.net.sends + s->port.udp.sends; }

/* Virtual time: the simulator (if any) catches up first, so its answers are delivered right after the tick. */
static void step_to(station *s, int64_t t) {
    hal *p = &s->port;
    clk_advance_to(&p->clock, t);
    if (s->virtual_mode && p->hw.sim_fd >= 0 && hw_sim_time(&p->hw, clk_now(&p->clock)) != 0)
        hal_log(p, "warn", "simulator bus: no TIME confirmation", 35);
    host_tick(&s->core);
    host_drain(&s->core);
}

static void advance(station *s, int64_t ms) {
    hal *p = &s->port;
    host *h = &s->core;
    int64_t target = clk_now(&p->clock) + ms;
    unsigned long seen = (unsigned long)-1;
    for (int steps = 0;; steps++) {
        /* Steps that moved no network bytes need no settle; every 200th does one anyway. */
        if (net_moves(s) != seen || steps % 200 == 0) { settle(s); seen = net_moves(s); }
        else service(s, 0, 0, NULL);
        int64_t due = host_next_wakeup(h);
        int64_t now = clk_now(&p->clock);
        /* The simulator's own schedule (answers, EV demand) counts as a wake-up too: at least 1 ms ahead. */
        if (s->virtual_mode && p->hw.sim_fd >= 0 && p->hw.sim_next < due) due = p->hw.sim_next > now ? p->hw.sim_next : now + 1;
        if (due > target) break;
        step_to(s, due > now ? due : now);
        /* A wake-up the tick did not consume would repeat forever at the same instant: let 1 ms pass. */
        if (host_next_wakeup(h) <= due) clk_advance_to(&p->clock, clk_now(&p->clock) + 1);
    }
    step_to(s, target);
    settle(s);
}

/* Reads and runs control commands; returns 0 at end of input. */
static int control(station *s, char *line, size_t *len) {
    ssize_t r = read(0, line + *len, CONTROL_LINE - 1 - *len);
    if (r <= 0) return 0;
    *len += (size_t)r;
    char *nl;
    while ((nl = memchr(line, '\n', *len)) != NULL) {
        *nl = 0;
        long long ms = 0;
        if (sscanf(line, "advance %lld", &ms) == 1 && ms >= 0) advance(s, ms);
        else if (strcmp(line, "sync") == 0) settle(s);
        else if (strcmp(line, "stats") == 0) {
            size_t used, allocated;
            host_code_lines(&s->core, &used, &allocated);
            printf("@stats code_lines=%zu code_lines_allocated=%zu code_line_bytes=%zu traps=%d\n", used, allocated, sizeof(void *), s->core.traps);
        }
        else if (strcmp(line, "network up") == 0 || strcmp(line, "network down") == 0) {
            net_set_link(&s->port.net, line[8] == 'u');
            udp_set_link(&s->port.udp, line[8] == 'u');
            host_drain(&s->core);
            settle(s);
        }
        else if (strcmp(line, "status") == 0) {
            static char json[8192];
            int n = host_status(&s->core, json, sizeof json);
            printf("@status %.*s\n", n > 0 ? n : 2, n > 0 ? json : "{}");
        }
        else if (strcmp(line, "power_cycle") == 0) {
            host_power_cycle(&s->core);
            settle(s);
        } else if (line[0]) { printf("@error unknown command\n"); fflush(stdout); }
        if (line[0]) { printf("@ok %lld\n", (long long)clk_now(&s->port.clock)); fflush(stdout); }
        size_t used = (size_t)(nl - line) + 1;
        memmove(line, nl + 1, *len - used);
        *len -= used;
    }
    if (*len == CONTROL_LINE - 1) *len = 0; /* an over-long line is dropped, not a crash */
    return 1;
}

static void add_root(void *chain, const char *path) { mbedtls_x509_crt_parse_file(chain, path); }

/* TLS trusts exactly the store's CSMS roots (kind 0); --ca only provisions the store at start (docs/security.md). */
static void load_roots(void *user, mbedtls_x509_crt *chain) { certs_each(&((hal *)user)->certs, 0, add_root, chain); }

/* Profile 3 presents the store's station certificate (provisioned from --client-cert, or one the CSMS signed). */
static int load_identity(void *user, mbedtls_x509_crt *crt, mbedtls_pk_context *key) { return certs_identity(&((hal *)user)->certs, crt, key); }

static void log_provisioning(void *user, const char *level, const char *text) { hal_log(user, level, text, strlen(text)); }

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
                    "[--can IF] [--gpio-chip CHIP --gpio-out N,.. --gpio-in N,..] [--sim-bus HOST:PORT] [--stack BYTES] [--trial-deadline MS] [--set KEY=VALUE]...\n");
    exit(2);
}

int main(int argc, char **argv) {
    static station st; /* one context for the process; static only to keep it off the stack */
    host *h = &st.core;
    hal *p = &st.port;
    const char *csms = NULL, *id = "CS001", *data = "build/data", *password = NULL, *profile = NULL;
    const char *wasm = "build/firmware.wasm";
    net_tls_files files = { load_roots, p, load_identity };
    const char *ca_file = NULL, *client_cert = NULL, *client_key = NULL;
    const char *uart = NULL, *can = NULL, *sim = NULL, *gpio_chip = NULL, *gpio_out = NULL, *gpio_in = NULL;
    int virtual_mode = 0, control_mode = 0;
    const char *sets[HOST_MAX_CONFIG];
    int set_count = 0;
    host_init(h, p);
    h->stack_bytes = 8192;
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
        else if (strcmp(a, "--ca") == 0) ca_file = v;
        else if (strcmp(a, "--client-cert") == 0) client_cert = v;
        else if (strcmp(a, "--client-key") == 0) client_key = v;
        else if (strcmp(a, "--uart") == 0) uart = v;
        else if (strcmp(a, "--can") == 0) can = v;
        else if (strcmp(a, "--sim-bus") == 0) sim = v;
        else if (strcmp(a, "--gpio-chip") == 0) gpio_chip = v;
        else if (strcmp(a, "--gpio-out") == 0) gpio_out = v;
        else if (strcmp(a, "--gpio-in") == 0) gpio_in = v;
        else if (strcmp(a, "--stack") == 0) h->stack_bytes = (uint32_t)strtoul(v, NULL, 10);
        else if (strcmp(a, "--trial-deadline") == 0) h->slots.deadline_ms = strtoll(v, NULL, 10);
        else if (strcmp(a, "--set") == 0 && strchr(v, '=') && set_count < HOST_MAX_CONFIG - 4) sets[set_count++] = v;
        else usage();
    }
    if (!csms) usage();
    if (!profile) profile = password ? "1" : "0";
    h->config_keys[0] = "station_id"; h->config_values[0] = id;
    h->config_keys[1] = "csms_url"; h->config_values[1] = csms;
    h->config_keys[2] = "security_profile"; h->config_values[2] = profile;
    h->config_count = 3;
    if (password) { h->config_keys[3] = "basic_auth_password"; h->config_values[3] = password; h->config_count = 4; }
    static char set_keys[HOST_MAX_CONFIG][128];
    for (int i = 0; i < set_count; i++) {
        const char *eq = strchr(sets[i], '=');
        if ((size_t)(eq - sets[i]) >= sizeof set_keys[i]) { fprintf(stderr, "c-host: --set key too long: %s\n", sets[i]); return 2; }
        snprintf(set_keys[i], sizeof set_keys[i], "%.*s", (int)(eq - sets[i]), sets[i]);
        h->config_keys[h->config_count] = set_keys[i];
        h->config_values[h->config_count] = eq + 1;
        h->config_count++;
    }
    st.virtual_mode = virtual_mode;
    uint8_t *image = read_file(wasm, &h->wasm_len);
    h->wasm = image;
    if (!image) { fprintf(stderr, "c-host: cannot read %s\n", wasm); return 2; }
    char kvdir[400];
    snprintf(kvdir, sizeof kvdir, "%s/kv", data);
    if (kv_open(&p->kv, kvdir) != 0) { fprintf(stderr, "c-host: cannot open the data directory %s\n", kvdir); return 2; }
    port_init(p, h, virtual_mode, files);
    if (uart) {
        char path[256];
        int baud = 115200;
        const char *colon = strrchr(uart, ':');
        snprintf(path, sizeof path, "%.*s", colon ? (int)(colon - uart) : (int)strlen(uart), uart);
        if (colon) baud = atoi(colon + 1);
        if (hw_open_uart(&p->hw, path, baud) != 0) { fprintf(stderr, "c-host: cannot open UART %s at %d baud\n", path, baud); return 2; }
    }
    if (gpio_chip && hw_open_gpio(&p->hw, gpio_chip, gpio_out, gpio_in) != 0) {
        fprintf(stderr, "c-host: cannot open GPIO lines on %s (a libgpiod build is needed: make c-host CHOST_GPIOD=1)\n", gpio_chip);
        return 2;
    }
    if (can && hw_open_can(&p->hw, can) != 0) { fprintf(stderr, "c-host: cannot open CAN interface %s\n", can); return 2; }
    if (sim) {
        const char *colon = strrchr(sim, ':');
        char hostname[64];
        snprintf(hostname, sizeof hostname, "%.*s", colon ? (int)(colon - sim) : 0, sim);
        if (!colon || hw_open_sim(&p->hw, hostname, atoi(colon + 1)) != 0) { fprintf(stderr, "c-host: cannot reach the simulator bus %s\n", sim); return 2; }
    }
    if (certs_open(&p->certs, data, net_drbg(&p->net)) != 0) { fprintf(stderr, "c-host: cannot open %s/certs\n", data); return 2; }
    if (fws_open(&p->fw, data) != 0) { fprintf(stderr, "c-host: cannot open %s/fw\n", data); return 2; }
    certs_provision(&p->certs, ca_file, client_cert, client_key, log_provisioning, p);
    if (host_start(h) != 0) { fprintf(stderr, "c-host: %s\n", h->img.error); return 2; }
    char line[CONTROL_LINE];
    size_t line_len = 0;
    for (;;) {
        int timeout = -1;
        if (!virtual_mode) {
            /* A tick only when a wake-up is due: each event gets its own tick first (host_drain), so ticking after
             * every event just to learn the next wake-up would put a tick and its collection between an answer
             * sent and the next request read (docs/bench.md "Issue 17: latency"). */
            int64_t due = host_next_wakeup(h), now = clk_now(&p->clock);
            if (due <= now) {
                host_tick(h);
                due = host_next_wakeup(h);
                now = clk_now(&p->clock);
            }
            if (due != INT64_MAX) timeout = due <= now ? 0 : (due - now > 60000 ? 60000 : (int)(due - now));
        }
        int stdin_ready = 0;
        service(&st, timeout, control_mode, &stdin_ready);
        if (stdin_ready && !control(&st, line, &line_len)) break;
    }
    host_stop(h);
    port_close(p);
    free(image);
    return 0;
}
