/* The station on the emulated Cortex-M7 board (QEMU mps2-an500), bare metal: the loop of docs/porting.md.
 * The command line comes through semihosting (-semihosting-config ...,arg=station,arg=--csms,arg=URL,...):
 *   --csms URL [--id CS001] [--password P] [--security-profile N] [--virtual-clock | --control] [--sim]
 *   [--flash FILE] [--wasm FILE] [--stack BYTES] [--trial-deadline MS] [--set KEY=VALUE]... [--host NAME=ADDR]... [--ca FILE]
 *   [--client-cert FILE --client-key FILE]   (the network: names without DNS, TLS trust and identity)
 *   [--manufacturer-ca FILE]   (ManufacturerRootCertificates for fw_slot_verify, installed when the store has none)
 * UART0 carries the log lines and the control channel of posix/main.c (advance, sync, power_cycle, stats,
 * network up|down, status, mark; "@ok <now>" answers; `mark` starts the work count of stats again); --sim puts
 * the simulator bus on UART1 (GPIO lines, TIME), the PN532 reader on UART2 and the CAN bus's SLCAN adapter on
 * UART3. Between events the core sleeps (WFI) until an interrupt: SysTick every millisecond,
 * a UART byte, an Ethernet frame. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cm7.h"
#ifdef MCU_NET
#include "certs.h"
#endif
#include "port.h"
#include "semihost.h"
#include "startup.h"
#include "syscalls.h"

#define CONTROL_LINE 256
#define CMDLINE_BYTES 2048

extern const uint8_t mcu_image[], mcu_image_end[];
extern uint8_t __factory_window[], __factory_window_end[];

/* The board's one station: the core and the HAL under it; static so it is not on the C stack. */
static struct station {
    host core;
    hal port;
    int control_mode;        /* commands on UART0 (--virtual-clock or --control) */
    char line[CONTROL_LINE];
    size_t line_len;
    char cmdline[CMDLINE_BYTES];
    char status[8192];
    unsigned long steps, settles;    /* virtual-clock work, for stats */
    unsigned long sim_wait_ms, tick_ms, drain_ms, advance_ms, wake_ms;
    /* The core's work since boot or the last `mark`, in SysTick counts (work()): passes that moved something (a
     * frame in or out, an event, a send) and every host_tick/host_drain of the clock. */
    uint64_t work_ticks;
    unsigned long work_passes;
} station;

typedef struct station station_t;

/* Sleeps until an interrupt (at the latest the next SysTick, 1 ms); returns the real ms now. */
static int64_t idle(void *u) { cm7_wfi(); return mclk_ms(&((struct station *)u)->port.clock); }

static void wait_ms(station_t *s, int ms) {
    int64_t until = mclk_ms(&s->port.clock) + ms;
    while (mclk_ms(&s->port.clock) < until) cm7_wfi();
}

/* What a pass may move: frames in and out, events, sends. Unchanged across a pass: it did no work. */
static unsigned long moved(const station_t *s) {
    unsigned long m = s->port.sends + s->port.net_events + s->port.sim.frames_in + s->port.can_uart.received + s->port.rfid_uart.received;
#ifdef MCU_NET
    m += s->port.net.eth.rx_frames + s->port.net.eth.tx_frames;
#endif
    return m;
}

/* Counts t0..now as the core's work (a SysTick read that went back, a wrap seen late, is dropped). */
static void work(station_t *s, uint64_t t0) {
    uint64_t t1 = mclk_ticks(&s->port.clock);
    if (t1 > t0) s->work_ticks += t1 - t0;
    s->work_passes++;
}

/* One pass over the inputs (simulator bus, network), then delivery. Returns the events seen. */
static int pass(station_t *s) {
    hal *p = &s->port;
    uint64_t w0 = mclk_ticks(&p->clock);
    unsigned long m0 = moved(s);
    int before = host_pending(&s->core);
    msim_service(&p->sim);
    mport_links_service(p);
#ifdef MCU_NET
    int mid = host_pending(&s->core);
    mnet_poll(&p->net, mport_now(p));
    p->net_events += (unsigned long)(host_pending(&s->core) - mid);
#endif
    int got = host_pending(&s->core) - before;
    int64_t t0 = mclk_ms(&p->clock);
    host_drain(&s->core);
    s->drain_ms += (unsigned long)(mclk_ms(&p->clock) - t0);
    if (got > 0 || moved(s) != m0) work(s, w0);
    return got;
}

/* Network activity (sends, and events from the network): a virtual step that moved none needs no settle. */
static unsigned long net_moves(const station_t *s) { return s->port.sends + s->port.net_events; }

/* Passes until an event came, a control byte is waiting, or timeout_ms of real time passed (-1: no limit). */
static int service(station_t *s, int timeout_ms) {
    int64_t until = timeout_ms < 0 ? INT64_MAX : mclk_ms(&s->port.clock) + timeout_ms;
    for (;;) {
        int got = pass(s);
        if (got > 0 || (s->control_mode && muart_pending(&s->port.console)) || mclk_ms(&s->port.clock) >= until) return got;
        cm7_irq_off();
        if (!muart_pending(&s->port.console) && !muart_pending(&s->port.sim_uart) && !muart_pending(&s->port.can_uart)
            && !muart_pending(&s->port.rfid_uart))
            cm7_wfi();
        cm7_irq_on();
    }
}

/* Lets in-flight traffic arrive: keep servicing while events come, with short waits. */
static void settle(station_t *s) {
    s->settles++;
    for (int quiet = 0; quiet < 3;) {
        if (pass(s) > 0) { quiet = 0; continue; }
        quiet++;
        wait_ms(s, 3);
    }
}

/* After a TIME confirmation: reads the SLCAN and PN532 UARTs until every byte the simulator sent up to that time
 * has come (the confirmation counts them), so the tick sees all of them, whatever QEMU's timing of the three
 * streams. The bus's frames came first, then the links' (read in this fixed order): one order every run. */
static int links_catch_up(station_t *s, int limit_ms) {
    hal *p = &s->port;
    int64_t start = mclk_ms(&p->clock);
    for (;;) {
        mport_links_service(p);
        if (mport_links_caught_up(p)) return 0;
        if (idle(s) - start > limit_ms) return -1;
    }
}

static void step_to(station_t *s, int64_t t) {
    hal *p = &s->port;
    s->steps++;
    int64_t t0 = mclk_ms(&p->clock);
    if (t > p->virtual_now) p->virtual_now = t;
    if (p->sim.link && (msim_time(&p->sim, p->virtual_now, p->links ? p->link_sent : NULL, idle, s, 2000) != 0
                        || links_catch_up(s, 2000) != 0)) {
        char why[200];
        int n = snprintf(why, sizeof why, "simulator bus: no TIME confirmation or link bytes (broken %d, acked %lld, frames %lu, overruns %lu, "
                         "buffered %u, slcan %lu/%lu, pn532 %lu/%lu)", p->sim.broken, (long long)p->sim.acked, p->sim.frames_in,
                         (unsigned long)p->sim_uart.overruns, (unsigned)p->sim.in_len, (unsigned long)p->can_uart.received,
                         (unsigned long)p->sim.link_want[0], (unsigned long)p->rfid_uart.received, (unsigned long)p->sim.link_want[1]);
        hal_log(p, "warn", why, (size_t)n);
    }
    s->sim_wait_ms += (unsigned long)(mclk_ms(&p->clock) - t0);
    t0 = mclk_ms(&p->clock);
    uint64_t w0 = mclk_ticks(&p->clock);
    host_tick(&s->core);
    host_drain(&s->core);
    work(s, w0);
    s->tick_ms += (unsigned long)(mclk_ms(&p->clock) - t0);
}

static void advance(station_t *s, int64_t ms) {
    hal *p = &s->port;
    host *h = &s->core;
    int64_t target = p->virtual_now + ms;
    unsigned long seen = (unsigned long)-1;
    for (int steps = 0;; steps++) {
        /* Steps that moved no network bytes need no settle; every 200th does one anyway. */
        if (net_moves(s) != seen || steps % 200 == 0) { settle(s); seen = net_moves(s); }
        else pass(s);
        int64_t w0 = mclk_ms(&p->clock);
        int64_t due = host_next_wakeup(h), now = p->virtual_now;
        s->wake_ms += (unsigned long)(mclk_ms(&p->clock) - w0);
        if (p->sim.link && p->sim.next < due) due = p->sim.next > now ? p->sim.next : now + 1;
        if (due > target) break;
        step_to(s, due > now ? due : now);
        if (host_next_wakeup(h) <= due) p->virtual_now++;
    }
    step_to(s, target);
    settle(s);
}

static void reply(station_t *s, const char *fmt, long long a) {
    char b[64];
    int n = snprintf(b, sizeof b, fmt, a);
    mport_reply(&s->port, b, (size_t)n);
}

static void stats(station_t *s) {
    host *h = &s->core;
    size_t used = 0, allocated = 0;
    host_code_lines(h, &used, &allocated);
    uint32_t linear = 0;
    if (h->img.rt) m3_GetMemory(h->img.rt, &linear, 0);
    struct mallinfo mi = mallinfo();
    char b[1800];
    int n = snprintf(b, sizeof b,
                     "@stats code_lines=%u code_lines_allocated=%u code_line_bytes=%u traps=%d linear_memory=%lu "
                     "value_stack=%lu heap_in_use=%u heap_high_water=%u heap_size=%u c_stack_used=%u c_stack_size=%u "
                     "static_ram=%u sim_frames=%lu sim_broken=%d uart_overruns=%lu steps=%lu settles=%lu "
                     "sim_wait_ms=%lu tick_ms=%lu drain_ms=%lu advance_ms=%lu wake_ms=%lu slcan_frames_in=%lu "
                     "slcan_frames_out=%lu slcan_acks=%lu slcan_errors=%lu slcan_bad_lines=%lu slcan_rx_bytes=%lu slcan_tx_bytes=%lu "
                     "pn532_rx_bytes=%lu pn532_tx_bytes=%lu",
                     (unsigned)used, (unsigned)allocated, (unsigned)sizeof(void *), h->traps, (unsigned long)linear,
                     (unsigned long)h->stack_bytes, (unsigned)mi.uordblks, (unsigned)syscalls_heap_used(),
                     (unsigned)syscalls_heap_size(), (unsigned)startup_stack_used(), (unsigned)startup_stack_size(),
                     (unsigned)(1024 * 1024 - syscalls_heap_size() - startup_stack_size()), s->port.sim.frames_in,
                     s->port.sim.broken, (unsigned long)(s->port.console.overruns + s->port.sim_uart.overruns + s->port.can_uart.overruns + s->port.rfid_uart.overruns), s->steps,
                     s->settles, s->sim_wait_ms, s->tick_ms, s->drain_ms, s->advance_ms, s->wake_ms, s->port.can.frames_in,
                     s->port.can.frames_out, s->port.can.acks, s->port.can.errors, s->port.can.bad_lines,
                     (unsigned long)s->port.can_uart.received, (unsigned long)s->port.link_sent[0],
                     (unsigned long)s->port.rfid_uart.received, (unsigned long)s->port.link_sent[1]);
    /* The core's work since boot or `mark` (ns of the core clock: instructions under QEMU -icount shift=0, to
     * tick_ns), and the sizes of the RAM the board reserves statically, by item. */
    if (n > 0 && (size_t)n < sizeof b)
        n += snprintf(b + n, sizeof b - (size_t)n, " work_ns=%llu work_passes=%lu tick_ns=%u uptime_ns=%llu station_bytes=%u"
                      " core_bytes=%u port_bytes=%u kv_bytes=%u kv_index_bytes=%u uart_ring_bytes=%u slots_bytes=%u slot_loads=%lu"
                      " slot_a_bytes=%lu slot_b_bytes=%lu",
                      (unsigned long long)(s->work_ticks * MCLK_TICK_NS), s->work_passes, (unsigned)MCLK_TICK_NS,
                      (unsigned long long)(mclk_ticks(&s->port.clock) * MCLK_TICK_NS), (unsigned)sizeof *s,
                      (unsigned)sizeof s->core, (unsigned)sizeof s->port, (unsigned)sizeof s->port.flash_kv,
                      (unsigned)sizeof s->port.flash_kv.idx, (unsigned)(sizeof s->port.console + sizeof s->port.sim_uart + sizeof s->port.can_uart + sizeof s->port.rfid_uart),
                      (unsigned)sizeof s->port.slots, s->port.slots.loads, (unsigned long)s->port.slots.len[0], (unsigned long)s->port.slots.len[1]);
#ifdef MCU_NET
    /* mbedTLS's heap (a fixed buffer inside the network's context): in use now, and its peak (a TLS handshake). */
    size_t tls_used = 0, tls_peak = 0;
    mnet_tls_heap(&s->port.net, &tls_used, &tls_peak);
    if (n > 0 && (size_t)n < sizeof b)
        n += snprintf(b + n, sizeof b - (size_t)n, " net_bytes=%u", (unsigned)sizeof s->port.net);
    if (n > 0 && (size_t)n < sizeof b)
        n += snprintf(b + n, sizeof b - (size_t)n, " tls_heap_in_use=%u tls_heap_peak=%u tls_heap_size=%u eth_rx=%lu eth_rx_errors=%lu"
                      " eth_rx_dropped=%lu eth_tx=%lu eth_tx_full=%lu", (unsigned)tls_used, (unsigned)tls_peak,
                      (unsigned)MNET_TLS_HEAP, s->port.net.eth.rx_frames, s->port.net.eth.rx_errors,
                      s->port.net.rx_dropped, s->port.net.eth.tx_frames, s->port.net.eth.tx_full);
#endif
    if (n < 0) n = 0;
    if ((size_t)n >= sizeof b) n = (int)sizeof b - 1;
    mport_reply(&s->port, b, (size_t)n);
}

static void command(station_t *s, char *line) {
    hal *p = &s->port;
    long long ms = 0;
    int64_t t0 = mclk_ms(&p->clock);
    if (sscanf(line, "advance %lld", &ms) == 1 && ms >= 0) { advance(s, ms); s->advance_ms += (unsigned long)(mclk_ms(&p->clock) - t0); }
    else if (strcmp(line, "sync") == 0) settle(s);
    else if (strcmp(line, "stats") == 0) stats(s);
    else if (strcmp(line, "mark") == 0) { s->work_ticks = 0; s->work_passes = 0; }
    else if (strcmp(line, "network up") == 0 || strcmp(line, "network down") == 0) {
#ifdef MCU_NET
        mnet_set_link(&p->net, line[8] == 'u');
#endif
        host_drain(&s->core);
        settle(s);
    } else if (strcmp(line, "status") == 0) {
        int n = host_status(&s->core, s->status + 8, sizeof s->status - 8);
        memcpy(s->status, "@status ", 8);
        if (n <= 0) { memcpy(s->status + 8, "{}", 2); n = 2; }
        mport_reply(p, s->status, (size_t)n + 8);
    } else if (strcmp(line, "power_cycle") == 0) {
        host_power_cycle(&s->core);
        settle(s);
    } else if (line[0]) mport_reply(p, "@error unknown command", 22);
    if (line[0]) reply(s, "@ok %lld", (long long)mport_now(p));
}

/* Runs every complete control line waiting on UART0. */
static void control(station_t *s) {
    for (;;) {
        size_t got = muart_read(&s->port.console, s->line + s->line_len, CONTROL_LINE - 1 - s->line_len);
        if (got == 0) return;
        s->line_len += got;
        char *nl;
        while ((nl = memchr(s->line, '\n', s->line_len)) != NULL) {
            *nl = 0;
            if (nl > s->line && nl[-1] == '\r') nl[-1] = 0;
            command(s, s->line);
            size_t used = (size_t)(nl - s->line) + 1;
            memmove(s->line, nl + 1, s->line_len - used);
            s->line_len -= used;
        }
        if (s->line_len == CONTROL_LINE - 1) s->line_len = 0;   /* an over-long line is dropped */
    }
}

#ifdef MCU_NET
/* A whole file from the host (semihosting), NUL-terminated on the heap; NULL when absent or unreadable. */
static char *read_file(const char *path) {
    int fd = sh_open(path, 1);
    if (fd < 0) return NULL;
    long len = sh_flen(fd);
    char *buf = len >= 0 && len < 256 * 1024 ? malloc((size_t)len + 1) : NULL;
    if (buf && sh_read(fd, buf, (size_t)len) != len) { free(buf); buf = NULL; }
    sh_close(fd);
    if (buf) buf[len] = 0;
    return buf;
}

/* --host NAME=ADDR (repeatable), --ca FILE, --client-cert FILE --client-key FILE: the network's names and TLS.
 * The --ca PEM stays in *ca_out (heap) for mcerts_provision_roots once the store is mounted. */
static int net_options(hal *p, char **hosts, int nhosts, const char *ca, const char *cert, const char *key, char **ca_out) {
    for (int i = 0; i < nhosts; i++) {
        char *eq = strchr(hosts[i], '=');
        if (!eq) return -1;
        *eq = 0;
        if (mnet_add_host(&p->net, hosts[i], eq + 1) != 0) return -1;
    }
    char *ca_pem = ca ? read_file(ca) : NULL, *cert_pem = cert ? read_file(cert) : NULL, *key_pem = key ? read_file(key) : NULL;
    int rc = (ca && !ca_pem) || (cert && !cert_pem) || (key && !key_pem) ? -1 : mnet_set_tls(&p->net, ca_pem, cert_pem, key_pem);
    *ca_out = ca_pem;
    free(cert_pem);
    free(key_pem);
    return rc;
}
#endif

static void fail(station_t *s, const char *why) {
    hal_log(&s->port, "error", why, strlen(why));
    sh_exit(2);
}

/* --wasm FILE: the factory image from the host (semihosting) in place of the linked one, as the Linux host's
 * --wasm; tests boot stand-in images this way. Copied into its own area of the flash stand-in. Its length, or -1. */
static long load_factory(const char *path) {
    int fd = sh_open(path, 1);
    if (fd < 0) return -1;
    long len = sh_flen(fd);
    long ok = len > 0 && len <= __factory_window_end - __factory_window && sh_read(fd, __factory_window, (size_t)len) == len ? len : -1;
    sh_close(fd);
    return ok;
}

int main(void) {
    station_t *s = &station;
    host *h = &s->core;
    hal *p = &s->port;
    const char *csms = NULL, *id = "CS001", *password = NULL, *profile = NULL, *flash = NULL, *wasm = NULL;
    int virtual_mode = 0, sim = 0;
    const char *ca = NULL, *client_cert = NULL, *client_key = NULL, *mf_ca = NULL;
    char *hosts[4];
    int nhosts = 0;
    host_init(h, p);
    h->stack_bytes = 8192;
    if (sh_cmdline(s->cmdline, sizeof s->cmdline) != 0) s->cmdline[0] = 0;
    char *argv[96];
    int argc = 0;
    for (char *t = strtok(s->cmdline, " "); t && argc < 96; t = strtok(NULL, " ")) argv[argc++] = t;
    int bad = 0;
    for (int i = argc > 0 && strncmp(argv[0], "--", 2) != 0 ? 1 : 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--virtual-clock") == 0) { virtual_mode = s->control_mode = 1; continue; }
        if (strcmp(a, "--control") == 0) { s->control_mode = 1; continue; }
        if (strcmp(a, "--sim") == 0) { sim = 1; continue; }
        if (i + 1 >= argc) { bad = 1; break; }
        char *v = argv[++i];
        if (strcmp(a, "--csms") == 0) csms = v;
        else if (strcmp(a, "--id") == 0) id = v;
        else if (strcmp(a, "--password") == 0) password = v;
        else if (strcmp(a, "--security-profile") == 0) profile = v;
        else if (strcmp(a, "--flash") == 0) flash = v;
        else if (strcmp(a, "--wasm") == 0) wasm = v;
        else if (strcmp(a, "--ca") == 0) ca = v;
        else if (strcmp(a, "--manufacturer-ca") == 0) mf_ca = v;
        else if (strcmp(a, "--client-cert") == 0) client_cert = v;
        else if (strcmp(a, "--client-key") == 0) client_key = v;
        else if (strcmp(a, "--host") == 0 && nhosts < 4) hosts[nhosts++] = v;
        else if (strcmp(a, "--stack") == 0) h->stack_bytes = (uint32_t)strtoul(v, NULL, 10);
        else if (strcmp(a, "--trial-deadline") == 0) h->slots.deadline_ms = strtoll(v, NULL, 10);
        else if (strcmp(a, "--set") == 0 && strchr(v, '=') && h->config_count < HOST_MAX_CONFIG - 4) {
            char *eq = strchr(v, '=');
            *eq = 0;
            h->config_keys[4 + h->config_count] = v;
            h->config_values[4 + h->config_count] = eq + 1;
            h->config_count++;
        } else { bad = 1; break; }
    }
    /* The --set pairs were kept from slot 4 on; the standard pairs go first. */
    int sets = h->config_count;
    if (mport_init(p, h, virtual_mode, sim) != 0) sh_exit(2);
    cm7_irq_on();
#ifdef MCU_NET
    char *ca_pem = NULL;
    if (net_options(p, hosts, nhosts, ca, client_cert, client_key, &ca_pem) != 0) fail(s, "bad --host, --ca, --client-cert or --client-key");
#else
    (void)ca; (void)client_cert; (void)client_key; (void)hosts; (void)nhosts;
#endif
    if (bad || !csms) fail(s, "usage: station --csms URL [--id ID] [--password P] [--security-profile N] [--virtual-clock|--control] [--sim] [--flash FILE] [--wasm FILE] [--stack BYTES] [--trial-deadline MS] [--set KEY=VALUE]... [--host NAME=ADDR]... [--ca FILE] [--client-cert FILE --client-key FILE] [--manufacturer-ca FILE]");
    if (!profile) profile = password ? "1" : "0";
    int n = 0;
    h->config_keys[n] = "station_id"; h->config_values[n++] = id;
    h->config_keys[n] = "csms_url"; h->config_values[n++] = csms;
    h->config_keys[n] = "security_profile"; h->config_values[n++] = profile;
    if (password) { h->config_keys[n] = "basic_auth_password"; h->config_values[n++] = password; }
    for (int i = 0; i < sets; i++) { h->config_keys[n] = h->config_keys[4 + i]; h->config_values[n++] = h->config_values[4 + i]; }
    h->config_count = n;
    if (flash) {
        int64_t t0 = mclk_ms(&p->clock);
        if (mkv_open(&p->flash_kv, flash) != 0) fail(s, "--flash: cannot open the file or mount the record store");
        char m[128];
        int len = snprintf(m, sizeof m, "flash: %lu keys, %lu B of records, mounted in %lld ms", (unsigned long)p->flash_kv.store.nkeys,
                           (unsigned long)p->flash_kv.store.live, (long long)(mclk_ms(&p->clock) - t0));
        hal_log(p, "info", m, (size_t)len);
        t0 = mclk_ms(&p->clock);
        if (mfw_open(&p->slots, flash) != 0) fail(s, "--flash: cannot open the firmware slots' partitions");
        len = snprintf(m, sizeof m, "firmware slots: A %lu B, B %lu B, opened in %lld ms", (unsigned long)p->slots.len[0],
                       (unsigned long)p->slots.len[1], (long long)(mclk_ms(&p->clock) - t0));
        hal_log(p, "info", m, (size_t)len);
    }
#ifdef MCU_NET
    /* Provisioning: the --ca roots join the store when it holds no CSMS root (as the Linux hosts do); from then on
     * TLS trusts the store (certs.h). */
    static const char provisioned[] = "certificates: the --ca roots installed as CSMS roots";
    if (mcerts_provision_roots(p, 0, ca_pem) > 0) hal_log(p, "info", provisioned, sizeof provisioned - 1);
    free(ca_pem);
    char *mf_pem = mf_ca ? read_file(mf_ca) : NULL;
    if (mf_ca && !mf_pem) fail(s, "--manufacturer-ca: cannot read the file");
    static const char mf_provisioned[] = "certificates: the --manufacturer-ca roots installed as manufacturer roots";
    if (mcerts_provision_roots(p, 1, mf_pem) > 0) hal_log(p, "info", mf_provisioned, sizeof mf_provisioned - 1);
    free(mf_pem);
#else
    (void)mf_ca;
#endif
    h->wasm = mcu_image;
    h->wasm_len = (size_t)(mcu_image_end - mcu_image);
    if (wasm) {
        long len = load_factory(wasm);
        if (len < 0) fail(s, "--wasm: cannot read the file, or it is larger than 512 KiB");
        h->wasm = __factory_window;
        h->wasm_len = (size_t)len;
    }
    if (host_start(h) != 0) fail(s, h->img.error);
    for (;;) {
        int timeout = -1;
        if (!virtual_mode) {
            /* A tick only when a wake-up is due, as on posix (host/c/posix/main.c): each event gets its own tick
             * first (host_drain). */
            uint64_t w0 = mclk_ticks(&p->clock);
            int64_t due = host_next_wakeup(h), now = mport_now(p);
            if (due <= now) {
                host_tick(h);
                due = host_next_wakeup(h);
                now = mport_now(p);
            }
            work(s, w0);
            if (due != INT64_MAX) timeout = due <= now ? 0 : (due - now > 60000 ? 60000 : (int)(due - now));
        }
        service(s, timeout);
        if (s->control_mode) control(s);
    }
}
