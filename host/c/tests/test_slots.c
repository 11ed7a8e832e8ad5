/* Firmware slots (core/slots.c) on a simulated port in RAM: slot bytes are durable only once flushed (a power cut
 * keeps a random prefix of what was written after the last flush), an erase is durable at once, the state record is
 * replaced whole or not at all. A power cut at each of these storage operations of a long workload (two updates:
 * write, install, trial boot, confirm; then a trial that fails and reverts) must leave a bootable station: on the
 * next boot the image is one that was complete (the factory image, or an update exactly as written), an image on
 * trial is the one that was installed, and after the cut a full update still works. Also: the import codes
 * (-1 -2 -3 -4), the trial deadline, and the version section parser.
 * Prints the plain "N passed, N failed" line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/slots.h"

static int passed, failed;
#define CHECK(cond, what) do { if (cond) passed++; else { failed++; fprintf(stderr, "FAIL %s:%d %s\n", __FILE__, __LINE__, what); } } while (0)

#define CAP 4096

struct hal {
    uint8_t durable[2][CAP];
    size_t durable_len[2];
    uint8_t live[2][CAP];       /* what reads see while the power is on */
    size_t live_len[2];
    uint8_t state[SLOTS_STATE_LEN + 4];
    int state_len;              /* -1 absent */
    long ops, cut_at;           /* storage operations so far; the one numbered cut_at is the last (torn) one */
    int dead;
    int cut_keeps;              /* a torn state put or erase: 1 it happened, 0 it did not */
    uint32_t rng;
    int64_t now;
    size_t verified_len;
    uint8_t map_buf[2][CAP];
};

static uint32_t rnd(hal *p) { p->rng ^= p->rng << 13; p->rng ^= p->rng >> 17; p->rng ^= p->rng << 5; return p->rng; }

/* 1 when this operation may go ahead; at the cut, power goes off (after the torn operation, if it is kept). */
static int op(hal *p, int *torn_done) {
    if (p->dead) return 0;
    p->ops++;
    if (p->cut_at && p->ops == p->cut_at) {
        p->dead = 1;
        *torn_done = p->cut_keeps;
        return 1;
    }
    *torn_done = 1;
    return 1;
}

int64_t hal_now_ms(hal *p) { return p->now; }
void hal_log(hal *p, const char *level, const char *text, size_t len) { (void)p; (void)level; (void)text; (void)len; }

const uint8_t *hal_slot_map(hal *p, int slot, size_t *len) {
    *len = p->live_len[slot];
    memcpy(p->map_buf[slot], p->live[slot], p->live_len[slot]);
    return p->live_len[slot] ? p->map_buf[slot] : NULL;
}
int hal_slot_capacity(hal *p, int slot) { (void)p; (void)slot; return CAP; }
int hal_slot_erase(hal *p, int slot) {
    int done;
    if (!op(p, &done)) return -2;
    if (done) { p->durable_len[slot] = p->live_len[slot] = 0; }
    return p->dead ? -2 : 0;
}
int hal_slot_write(hal *p, int slot, size_t off, const uint8_t *bytes, size_t len) {
    int done;
    if (!op(p, &done)) return -2;
    if (off + len > CAP) return -2;
    if (done || p->dead) {   /* a torn write: some of it reached the page cache */
        size_t n = p->dead ? rnd(p) % (len + 1) : len;
        memcpy(p->live[slot] + off, bytes, n);
        if (off + n > p->live_len[slot]) p->live_len[slot] = off + n;
    }
    return p->dead ? -2 : 0;
}
int hal_slot_flush(hal *p, int slot) {
    int done;
    if (!op(p, &done)) return -2;
    if (done) { memcpy(p->durable[slot], p->live[slot], p->live_len[slot]); p->durable_len[slot] = p->live_len[slot]; }
    return p->dead ? -2 : 0;
}
int hal_slot_state_get(hal *p, uint8_t *buf, size_t cap) {
    if (p->state_len < 0) return -1;
    memcpy(buf, p->state, (size_t)p->state_len < cap ? (size_t)p->state_len : cap);
    return p->state_len;
}
int hal_slot_state_put(hal *p, const uint8_t *buf, size_t len) {
    int done;
    if (!op(p, &done)) return -2;
    if (done) { memcpy(p->state, buf, len); p->state_len = (int)len; }
    return p->dead ? -2 : 0;
}
int hal_fw_verify(hal *p, const uint8_t *image, size_t len, const uint8_t *cert, size_t cert_len, const uint8_t *sig, size_t sig_len) {
    (void)image; (void)cert; (void)cert_len;
    p->verified_len = len;
    return sig_len == 1 && sig[0] == 'y' ? 1 : 0;
}

/* The power comes back: what was not flushed is lost, except a random prefix of the unflushed tail (writes are
 * sequential after an erase, so the live bytes below the durable length are the durable ones). */
static void power_on(hal *p) {
    for (int s = 0; s < 2; s++) {
        size_t keep = p->durable_len[s];
        if (p->live_len[s] > keep) keep += rnd(p) % (p->live_len[s] - keep + 1);
        p->live_len[s] = p->durable_len[s] = keep;
        memcpy(p->durable[s], p->live[s], keep);
    }
    p->dead = 0;
    p->cut_at = 0;
}

/* ---- images ---- */

static uint8_t FACTORY[300], U1[1000], U2[1500];

static void fill(uint8_t *b, size_t n, uint8_t seed) { for (size_t i = 0; i < n; i++) b[i] = (uint8_t)(seed + i * 7 + (i >> 5)); }

/* The image a boot of `slot` runs: 0 factory, 1 U1, 2 U2, -1 anything else (a mix, a partial image). */
static int which(hal *p, int slot) {
    size_t len = p->live_len[slot];
    if (slot == 0 && len == 0) return 0;
    if (len == sizeof U1 && memcmp(p->live[slot], U1, len) == 0) return 1;
    if (len == sizeof U2 && memcmp(p->live[slot], U2, len) == 0) return 2;
    return -1;
}

/* One update through the imports: begin, writes in pieces, end, verify, install. 0 when every step succeeded. */
static int update(slots *s, const uint8_t *img, size_t n) {
    if (slots_begin(s, (int32_t)n) != 0) return -1;
    for (size_t off = 0; off < n; off += 400) {
        size_t k = n - off < 400 ? n - off : 400;
        if (slots_write(s, (int32_t)off, img + off, (int32_t)k) != (int32_t)k) return -1;
    }
    if (slots_end(s) != (int)n) return -1;
    if (slots_verify(s, (const uint8_t *)"c", 1, (const uint8_t *)"y", 1) != 1) return -1;
    return slots_install(s);
}

/* The workload; stops early when the power is cut (a call fails). */
static void workload(hal *p, slots *s) {
    int trial;
    slots_init(s, p, SLOTS_DEADLINE_MS);
    slots_boot(s, &trial);
    if (update(s, U1, sizeof U1) != 0) return;
    slots_boot(s, &trial);                 /* reboot into U1 on trial */
    if (!trial || slots_confirm(s) != 0) return;
    slots_boot(s, &trial);                 /* a plain reboot */
    if (update(s, U2, sizeof U2) != 0) return;
    slots_boot(s, &trial);                 /* U2 on trial ... */
    if (!trial) return;
    slots_boot(s, &trial);                 /* ... ends without a confirm: back to U1, state 2 */
    slots_confirm(s);
}

static void fresh(hal *p) {
    memset(p, 0, sizeof *p);
    p->state_len = -1;
    p->rng = 0x9e3779b9u;
}

static void test_power_cuts(void) {
    static hal p;
    slots s;
    fresh(&p);
    workload(&p, &s);
    long total = p.ops;
    CHECK(total > 10, "the workload does storage operations");
    CHECK(which(&p, s.active) == 1 && slots_state(&s) == 0, "without a cut: U1 runs, permanent (U2's trial failed)");
    int bad = 0, runs = 0;
    for (long cut = 1; cut <= total; cut++) {
        for (int keeps = 0; keeps < 2; keeps++) {
            fresh(&p);
            p.rng += (uint32_t)(cut * 2 + keeps);
            p.cut_at = cut;
            p.cut_keeps = keeps;
            workload(&p, &s);
            power_on(&p);
            int trial;
            slots_init(&s, &p, SLOTS_DEADLINE_MS);
            int slot = slots_boot(&s, &trial);
            int img = which(&p, slot);
            runs++;
            if (img < 0) { bad++; fprintf(stderr, "cut %ld/%d: slot %d holds no complete image\n", cut, keeps, slot); continue; }
            if (trial && img == 0) { bad++; fprintf(stderr, "cut %ld/%d: the factory image on trial\n", cut, keeps); continue; }
            int st = slots_state(&s);
            if (trial ? st != 1 : st == 1) { bad++; fprintf(stderr, "cut %ld/%d: state %d, trial %d\n", cut, keeps, st, trial); continue; }
            /* Whatever happened, the station updates again: from a trial boot, the next boot reverts first. */
            if (trial) slots_boot(&s, &trial);
            if (update(&s, U2, sizeof U2) != 0) { bad++; fprintf(stderr, "cut %ld/%d: no update after the cut\n", cut, keeps); continue; }
            slot = slots_boot(&s, &trial);
            if (!trial || which(&p, slot) != 2 || slots_confirm(&s) != 0) { bad++; fprintf(stderr, "cut %ld/%d: the update after the cut did not boot on trial\n", cut, keeps); continue; }
            slot = slots_boot(&s, &trial);
            if (trial || which(&p, slot) != 2 || slots_state(&s) != 0) { bad++; fprintf(stderr, "cut %ld/%d: the confirmed update is not permanent\n", cut, keeps); }
        }
    }
    CHECK(bad == 0, "a power cut at every storage operation (kept or not) leaves a bootable station that updates again");
    printf("figure: %d power cuts over %ld storage operations\n", runs, total);
}

static void test_codes(void) {
    static hal p;
    slots s;
    int trial;
    fresh(&p);
    slots_init(&s, &p, 1000);
    CHECK(slots_boot(&s, &trial) == 0 && !trial, "no state: slot A, no trial");
    CHECK(slots_state(&s) == 0, "permanent");
    CHECK(slots_write(&s, 0, U1, 10) == -4, "write without begin");
    CHECK(slots_end(&s) == -4, "end without begin");
    CHECK(slots_verify(&s, (const uint8_t *)"c", 1, (const uint8_t *)"y", 1) == -1, "verify: nothing completed");
    CHECK(slots_install(&s) == -1, "install: nothing completed");
    CHECK(slots_begin(&s, CAP + 1) == -1, "larger than the slot");
    CHECK(slots_begin(&s, -5) == -1, "a negative size");
    CHECK(slots_begin(&s, 0) == 0, "size unknown");
    CHECK(slots_write(&s, 0, U1, 100) == 100, "write");
    CHECK(slots_write(&s, 0, U1, 100) == -1, "not sequential");
    CHECK(slots_write(&s, 100, U1, CAP) == -1, "past the slot");
    CHECK(slots_write(&s, 100, U1 + 100, (int32_t)sizeof U1 - 100) == (int32_t)sizeof U1 - 100, "the rest");
    CHECK(slots_end(&s) == (int)sizeof U1, "end: the length");
    CHECK(slots_end(&s) == -4, "end twice");
    CHECK(slots_verify(&s, (const uint8_t *)"c", 1, (const uint8_t *)"n", 1) == 0, "the port's answer");
    CHECK(slots_verify(&s, (const uint8_t *)"c", 1, (const uint8_t *)"y", 1) == 1 && p.verified_len == sizeof U1, "over the completed length");
    CHECK(slots_install(&s) == 0, "install");
    CHECK(slots_state(&s) == 0, "installed, not booted: still permanent");
    p.now = 5000;
    CHECK(slots_boot(&s, &trial) == 1 && trial, "slot B on trial");
    CHECK(slots_state(&s) == 1, "state 1");
    CHECK(slots_begin(&s, 10) == -3, "begin during a trial: busy");
    CHECK(slots_install(&s) == -1, "install during a trial: nothing completed");
    CHECK(slots_trial_until(&s) == 6000, "deadline = boot + allowance");
    CHECK(!slots_trial_expired(&s, 5999) && slots_trial_expired(&s, 6000), "expires at the deadline");
    slots_revert(&s);
    CHECK(s.active == 0 && slots_state(&s) == 2 && slots_trial_until(&s) == INT64_MAX, "revert: slot A, state 2");
    CHECK(slots_boot(&s, &trial) == 0 && !trial && slots_state(&s) == 2, "state 2 stays across boots");
    CHECK(slots_confirm(&s) == 0 && slots_state(&s) == 0, "confirm acknowledges");
    CHECK(slots_confirm(&s) == 0, "nothing to confirm");
    /* A storage error is reported as such. */
    p.cut_at = p.ops + 1;
    p.cut_keeps = 0;
    CHECK(slots_begin(&s, 0) == -2, "erase fails: -2");
    p.dead = 0; p.cut_at = 0;
    /* Garbage in the state record: slot A boots. */
    memcpy(p.state, "garbage!garbage!", SLOTS_STATE_LEN);
    CHECK(slots_boot(&s, &trial) == 0 && !trial && slots_state(&s) == 0, "an unreadable record: slot A, permanent");
}

static void test_version(void) {
    char out[SLOTS_VERSION_MAX];
    /* magic + version, a type section (id 1, empty), custom "station.firmware_version" = "1.2.3", another custom */
    static const uint8_t mod[] = { 0, 'a', 's', 'm', 1, 0, 0, 0, 1, 0,
        0, 30, 24, 's', 't', 'a', 't', 'i', 'o', 'n', '.', 'f', 'i', 'r', 'm', 'w', 'a', 'r', 'e', '_', 'v', 'e', 'r', 's', 'i', 'o', 'n', '1', '.', '2', '.', '3',
        0, 4, 1, 'x', 'y', 'z' };
    CHECK(slots_version(mod, sizeof mod, out, sizeof out) == 5 && strcmp(out, "1.2.3") == 0, "the version section");
    CHECK(slots_version(mod, 10, out, sizeof out) == -1, "none");
    CHECK(slots_version(mod, sizeof mod - 2, out, sizeof out) == -1, "a section past the end");
    CHECK(slots_version(mod, sizeof mod, out, 5) == -1, "longer than the buffer");
    static const uint8_t bad[] = { 'x', 'a', 's', 'm', 1, 0, 0, 0 };
    CHECK(slots_version(bad, sizeof bad, out, sizeof out) == -1, "no wasm magic");
    static const uint8_t leb[] = { 0, 'a', 's', 'm', 1, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f };
    CHECK(slots_version(leb, sizeof leb, out, sizeof out) == -1, "an over-long LEB128 size");
}

int main(void) {
    fill(FACTORY, sizeof FACTORY, 1);
    fill(U1, sizeof U1, 2);
    fill(U2, sizeof U2, 3);
    test_codes();
    test_version();
    test_power_cuts();
    printf("test_slots: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
