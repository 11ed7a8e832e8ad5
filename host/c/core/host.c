#include <stdio.h>
#include <string.h>
#include "core/host.h"

/* A trap while booting would trap again at once: boots are retried after a pause that doubles up to a minute,
 * as on the Node host. */
#define HOST_RETRY_FIRST_MS 2000
#define HOST_RETRY_MAX_MS 60000

static void say(host *h, const char *level, const char *text) { hal_log(h->port, level, text, strlen(text)); }

/* The outcome of one export call: a trap, or a reboot the image asked for, re-creates the instance, but only
 * once the loop is back in control (recover), so restarts never nest. */
static int done(host *h, int rc) {
    if (rc != 0) {
        h->traps++;
        say(h, "error", h->img.error);
        h->restart = 1;
    } else if (h->abi.reboot_requested && !h->booting) h->restart = 1;
    return rc;
}

static void drop_instance(host *h) {
    img_free(&h->img);
    hal_net_drop_all(h->port);
    evq_clear(&h->queue);
}

/* One config pair: 0, 1 trapped, -1 refused. */
static int configure(host *h, const char *key, const char *value) {
    int32_t answer = 0;
    int rc = img_config_set(&h->img, key, value, &answer);
    if (rc == 0 && answer != 0) {
        snprintf(h->img.error, sizeof h->img.error, "config %s rejected by the image (%d)", key, (int)answer);
        return -1;
    }
    return rc == 0 ? 0 : 1;
}

/* init, config_set for each pair (then the image's own firmware_version), start: 0 booted; 1 trapped; -1 refused. */
static int boot_image(host *h, const uint8_t *wasm, size_t len) {
    h->last_tick = -1;
    if (img_load(&h->img, wasm, len, h->stack_bytes, &h->abi) != 0) return -1;
    int has_version = slots_version(wasm, len, h->version, sizeof h->version) >= 0;
    h->booting = 1;
    int rc = img_init(&h->img, hal_now_ms(h->port)) == 0 ? 0 : 1;
    for (int i = 0; rc == 0 && i < h->config_count; i++) rc = configure(h, h->config_keys[i], h->config_values[i]);
    if (rc == 0 && has_version) rc = configure(h, "firmware_version", h->version);
    if (rc == 0) rc = img_start(&h->img) == 0 ? 0 : 1;
    h->booting = 0;
    if (rc == 0) { h->boot_traps = 0; return 0; }
    if (rc < 0) return -1;
    h->traps++;
    say(h, "error", h->img.error);
    return 1;
}

/* The active slot's image (slot A empty: the factory one). An image on trial gets one boot: refused at load or
 * trapping while booting, it counts as a failed trial and the previous slot boots at once. */
static int boot(host *h) {
    for (;;) {
        int trial = 0;
        int slot = slots_boot(&h->slots, &trial);
        size_t len = 0;
        const uint8_t *wasm = slots_map(&h->slots, slot, &len);
        if (!wasm && slot == 0) { wasm = h->wasm; len = h->wasm_len; }
        int rc = wasm ? boot_image(h, wasm, len) : -1;
        if (!wasm) snprintf(h->img.error, sizeof h->img.error, "slot %c is empty", slot ? 'B' : 'A');
        if (rc == 0 || !trial) return rc;
        if (rc < 0) {
            char msg[sizeof h->img.error + 64];
            snprintf(msg, sizeof msg, "host: the image on trial is refused: %s", h->img.error);
            say(h, "error", msg);
        }
        drop_instance(h);
        slots_revert(&h->slots);
        say(h, "warn", "host: the trial failed; the previous slot boots (reverted)");
    }
}

static void back_off(host *h) {
    drop_instance(h);
    int64_t pause = HOST_RETRY_FIRST_MS;
    for (int i = 1; i < h->boot_traps && pause < HOST_RETRY_MAX_MS; i++) pause *= 2;
    if (pause > HOST_RETRY_MAX_MS) pause = HOST_RETRY_MAX_MS;
    h->retry_at = hal_now_ms(h->port) + pause;
    char msg[96];
    snprintf(msg, sizeof msg, "host: the image traps while booting; next try in %lld ms", (long long)pause);
    say(h, "error", msg);
}

static void restart(host *h) {
    h->restart = 0;
    h->retry_at = -1;
    h->abi.reboot_requested = 0;
    drop_instance(h);
    int rc = boot(h);
    if (rc < 0) say(h, "error", h->img.error);
    if (rc != 0) { h->boot_traps++; back_off(h); return; }
    /* The new instance learns the line levels (CP readings, feedback) as after a power cut (docs/host-abi.md). */
    hal_hw_restarted(h->port);
}

static void recover(host *h) {
    if (h->restart || (h->retry_at >= 0 && hal_now_ms(h->port) >= h->retry_at)) restart(h);
}

void host_init(host *h, hal *port) {
    memset(h, 0, sizeof *h);
    h->port = port;
    h->retry_at = -1;
    evq_init(&h->queue);
    slots_init(&h->slots, port, SLOTS_DEADLINE_MS);
    h->abi = (abi_ctx){ port, &h->queue, 0, &h->slots };
}

int host_start(host *h) {
    int rc = boot(h);
    if (rc < 0) return -1;
    if (rc > 0) { h->boot_traps++; back_off(h); }
    return 0;
}

void host_stop(host *h) {
    img_free(&h->img);
    evq_clear(&h->queue);
}

void host_push(host *h, int kind, int handle, int arg, uint32_t id, const uint8_t *data, size_t len) {
    if (kind == EVQ_DGRAM && h->queue.len >= EVQ_MAX / 2) return;
    if (evq_push(&h->queue, kind, handle, arg, id, data, len) == -1) say(h, "error", "host event queue full; event dropped");
}

int host_pending(const host *h) { return h->queue.len; }

/* The image on trial has not confirmed in time: it is dropped and the previous slot boots (state 2). */
static void trial_deadline(host *h) {
    if (!h->img.rt || !slots_trial_expired(&h->slots, hal_now_ms(h->port))) return;
    say(h, "warn", "host: the image on trial did not confirm before its deadline");
    slots_revert(&h->slots);
    h->restart = 1;
    recover(h);
}

void host_tick(host *h) {
    recover(h);
    trial_deadline(h);
    if (!h->img.rt) return;
    int64_t now = hal_now_ms(h->port);
    if (now == h->last_tick) return;
    h->last_tick = now;
    done(h, img_tick(&h->img, now));
    recover(h);
}

void host_drain(host *h) {
    evq_event e;
    while (evq_pop(&h->queue, &e)) {
        host_tick(h);
        if (h->img.rt) done(h, img_deliver(&h->img, &e, &h->queue));
        evq_done(&h->queue, &e);
        recover(h);
    }
}

int64_t host_next_wakeup(host *h) {
    recover(h);
    if (!h->img.rt) return h->retry_at >= 0 ? h->retry_at : INT64_MAX;
    int64_t at;
    if (done(h, img_next_wakeup(&h->img, &at)) != 0) at = hal_now_ms(h->port);
    recover(h);
    int64_t deadline = slots_trial_until(&h->slots);
    return deadline < at ? deadline : at;
}

void host_power_cycle(host *h) {
    h->boot_traps = 0;
    restart(h);
}

int host_status(host *h, char *out, size_t cap) {
    if (!h->img.rt) return -1;
    int n = -1;
    done(h, img_status(&h->img, out, cap, &n));
    recover(h);
    return n;
}

void host_code_lines(const host *h, size_t *used, size_t *allocated) { img_code_lines(&h->img, used, allocated); }
