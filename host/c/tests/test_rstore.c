/* Record store tests (core/rstore.c) on a simulated NOR flash in RAM that checks the device rules (bits only go
 * 1 → 0; a unit is programmed once between erases) and can cut the power at any program or erase, in the middle
 * of one: a prefix programmed and one byte half-programmed, random bits of the range programmed, nothing done,
 * all done but no return; an erase that cleared a prefix, random bits, nothing, or everything.
 *   - every cut over a long workload of puts and deletes with compactions, on three geometries: after a reboot
 *     each key holds its last committed value, or for the key being written the value before that operation;
 *     the recovered store takes more operations; and a second cut at every step of that recovery too; when a
 *     compaction had taken the spare sector, 40 cuts in a row in the recovery, then 60 writes, and a copy in
 *     the spare broken as a torn erase could leave it;
 *   - wear: erase counts after many compactions differ by at most 1;
 *   - capacity: a full store refuses (-2) and loses nothing; an index full of keys refuses a new key;
 *   - garbage flash never crashes the mount; figures (RAM, overhead, boot scan of a full store, write
 *     amplification) are printed as "figure:" lines.
 * Prints the plain "N passed, N failed" line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/rstore.h"

static int passed, failed;
#define CHECK(cond, what) do { if (cond) passed++; else { failed++; fprintf(stderr, "FAIL %s:%d %s\n", __FILE__, __LINE__, what); } } while (0)
#define REQUIRE(cond, ...) do { if (!(cond)) { failed++; fprintf(stderr, "FAIL %s:%d ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); return -1; } } while (0)

/* ---- the simulated flash ---- */

enum { OP_PROG, OP_ERASE };

typedef struct sim {
    uint8_t *mem, *done;        /* done: a program of this unit completed since the last erase */
    uint32_t sectors, sb, prog;
    uint32_t *erases;           /* per sector, counted by the device */
    long ops, cut_at;           /* program/erase calls so far; the one numbered cut_at is torn, then power is off */
    long reads, read_bytes;
    int cut_mode, dead, violations;
    uint32_t rng;
    void (*hook)(struct sim *x, int op, uint32_t addr, const void *data, size_t len);
} sim;

static uint32_t rnd(uint32_t *r) { *r ^= *r << 13; *r ^= *r >> 17; *r ^= *r << 5; return *r; }

static void sim_init(sim *x, uint32_t sectors, uint32_t sb, uint32_t prog) {
    memset(x, 0, sizeof *x);
    x->sectors = sectors; x->sb = sb; x->prog = prog;
    x->mem = malloc((size_t)sectors * sb);
    x->done = calloc((size_t)sectors * sb / prog, 1);
    x->erases = calloc(sectors, sizeof *x->erases);
    memset(x->mem, 0xFF, (size_t)sectors * sb);
    x->rng = 0x12345u;
}

static void sim_copy(sim *to, const sim *from) {
    memcpy(to->mem, from->mem, (size_t)from->sectors * from->sb);
    memcpy(to->done, from->done, (size_t)from->sectors * from->sb / from->prog);
    memcpy(to->erases, from->erases, from->sectors * sizeof *from->erases);
    to->ops = 0; to->cut_at = 0; to->dead = 0; to->violations = 0; to->hook = NULL;
}

static void sim_free(sim *x) { free(x->mem); free(x->done); free(x->erases); }

/* What a cut leaves (mode 0-4): a program with a prefix done and one byte half done; random bits done; nothing;
 * everything; the range from a random byte to a random later one done (a half-done byte at each end). An erase:
 * a prefix cleared; random bits set; nothing; everything; a random range cleared. */
#define CUT_MODES 5
static void torn(sim *x, int op, uint32_t addr, const uint8_t *d, size_t len, int mode) {
    uint8_t *m = x->mem + addr;
    size_t n = op == OP_PROG ? len : x->sb;
    size_t k = n ? rnd(&x->rng) % n : 0, k2 = rnd(&x->rng) % 2 ? n : k + (n - k ? rnd(&x->rng) % (n - k) : 0);
    for (size_t i = 0; i < n; i++) {
        uint8_t bits = (uint8_t)rnd(&x->rng);
        int in = mode == 0 ? i < k : mode == 1 ? -1 : mode == 3 ? 1 : mode == 4 ? i >= k && i < k2 : 0;
        int edge = (mode == 0 && i == k) || (mode == 4 && (i + 1 == k || i == k2));
        if (op == OP_PROG) {
            if (in == 1) m[i] &= d[i];
            else if (in == -1 || edge) m[i] &= (uint8_t)(d[i] | bits);
        } else {
            if (in == 1) m[i] = 0xFF;
            else if (in == -1 || edge) m[i] |= bits;
        }
    }
}

static int sim_read(void *ctx, uint32_t addr, void *buf, size_t len) {
    sim *x = ctx;
    if (x->dead || addr > x->sectors * x->sb || len > x->sectors * x->sb - addr) return -1;
    x->reads++;
    x->read_bytes += (long)len;
    memcpy(buf, x->mem + addr, len);
    return 0;
}

static int sim_program(void *ctx, uint32_t addr, const void *buf, size_t len) {
    sim *x = ctx;
    const uint8_t *d = buf;
    if (x->dead) return -1;
    if (addr % x->prog || len % x->prog || addr > x->sectors * x->sb || len > x->sectors * x->sb - addr) { x->violations++; return -1; }
    if (x->hook) x->hook(x, OP_PROG, addr, buf, len);
    if (++x->ops == x->cut_at) { torn(x, OP_PROG, addr, d, len, x->cut_mode); x->dead = 1; return -1; }
    for (size_t u = addr / x->prog; u < (addr + len) / x->prog; u++) {
        if (x->done[u]) x->violations++;
        x->done[u] = 1;
    }
    for (size_t i = 0; i < len; i++) x->mem[addr + i] &= d[i];
    return 0;
}

static int sim_erase(void *ctx, uint32_t sector) {
    sim *x = ctx;
    if (x->dead) return -1;
    if (sector >= x->sectors) { x->violations++; return -1; }
    if (x->hook) x->hook(x, OP_ERASE, sector * x->sb, NULL, 0);
    if (++x->ops == x->cut_at) { torn(x, OP_ERASE, sector * x->sb, NULL, 0, x->cut_mode); x->dead = 1; return -1; }
    memset(x->mem + (size_t)sector * x->sb, 0xFF, x->sb);
    memset(x->done + (size_t)sector * x->sb / x->prog, 0, x->sb / x->prog);
    x->erases[sector]++;
    return 0;
}

static rs_flash dev_of(sim *x) {
    rs_flash f = { x, sim_read, sim_program, sim_erase, x->sectors, x->sb, x->prog };
    return f;
}

#define MAX_SECTORS 64
#define MAX_KEYS 4096

typedef struct box {                /* a store with its tables */
    rs_store s;
    rs_sector sec[MAX_SECTORS];
    rs_entry idx[MAX_KEYS];
} box;

static int box_open(box *b, sim *x, uint32_t keys, uint32_t val_max) {
    rs_flash f = dev_of(x);
    return rs_open(&b->s, &f, b->sec, b->idx, keys, val_max);
}

/* ---- the model: what each key must hold ---- */

#define NKEYS 12
#define VMAX 96

typedef struct model { int len[NKEYS]; uint8_t val[NKEYS][VMAX]; } model;

typedef struct op { int key, len; uint8_t val[VMAX]; } op;   /* len -1: delete */

static void key_name(int k, char *out) { sprintf(out, "key.%02d%s", k, k % 3 == 0 ? ".with-a-longer-name" : ""); }

static void make_op(op *o, uint32_t *r) {
    o->key = (int)(rnd(r) % NKEYS);
    o->len = rnd(r) % 5 == 0 ? -1 : (int)(rnd(r) % (VMAX + 1));
    for (int i = 0; i < VMAX; i++) o->val[i] = (uint8_t)rnd(r);
}

static int apply(rs_store *s, const op *o) {
    char k[64];
    key_name(o->key, k);
    return o->len < 0 ? rs_delete(s, (const uint8_t *)k, strlen(k))
                      : rs_put(s, (const uint8_t *)k, strlen(k), o->val, (size_t)o->len);
}

static void model_apply(model *m, const op *o) {
    m->len[o->key] = o->len;
    if (o->len > 0) memcpy(m->val[o->key], o->val, (size_t)o->len);
}

static int holds(rs_store *s, int key, int len, const uint8_t *val) {
    char k[64];
    uint8_t buf[VMAX + 8];
    key_name(key, k);
    int n = rs_get(s, (const uint8_t *)k, strlen(k), buf, sizeof buf);
    if (len < 0) return n == -1;
    return n == len && memcmp(buf, val, (size_t)len) == 0;
}

/* Every key as in m, but the key of pending (if any) may hold either. Which one it holds goes to m. */
static int verify(rs_store *s, model *m, const op *pending) {
    for (int k = 0; k < NKEYS; k++) {
        if (holds(s, k, m->len[k], m->val[k])) continue;
        if (pending && pending->key == k && holds(s, k, pending->len, pending->val)) { model_apply(m, pending); continue; }
        return -1;
    }
    return 0;
}

/* ---- every cut over a workload ---- */

typedef struct cutrun {
    const model *m;             /* committed state before the operation in progress */
    const op *cur;              /* the operation in progress */
    uint32_t keys, val_max;
    sim scratch, scratch2;
    box b;
    long cuts, nested, storms, spare_resets, broken_copies, bad;
    int nested_every;
    const rs_store *main;
} cutrun;

static cutrun *CR;

/* After a cut: reboot on the copy, check, then run a few more operations with a second cut at each step. */
static void after_cut(cutrun *c, long n) {
    model m = *c->m;
    int rc = box_open(&c->b, &c->scratch, c->keys, c->val_max);
    if (rc != 0 || verify(&c->b.s, &m, c->cur) != 0) {
        if (c->bad++ < 5) fprintf(stderr, "cut %ld: open %d, state %s\n", n, rc, rc ? "-" : "wrong");
        return;
    }
    /* More operations on the recovered store; with nested cuts, a second cut at every flash call of the
     * recovery and of these operations. */
    uint32_t r = (uint32_t)n * 2654435761u | 1;
    op more[3];
    for (int i = 0; i < 3; i++) make_op(&more[i], &r);
    long steps = 0;
    for (long k = 0; ; k++) {
        if (k > 0 && (c->nested_every == 0 || n % c->nested_every != 0)) break;
        if (k > 0 && k > steps) break;
        sim_copy(&c->scratch2, &c->scratch);
        c->scratch2.cut_at = k;
        c->scratch2.cut_mode = (int)(k % CUT_MODES);
        c->scratch2.rng = (uint32_t)(n * 31 + k) | 1;
        model mm = m;
        const op *pend = NULL;
        if (box_open(&c->b, &c->scratch2, c->keys, c->val_max) == 0) {
            int i;
            for (i = 0; i < 3; i++) {
                pend = &more[i];
                if (apply(&c->b.s, &more[i]) != 0) break;
                model_apply(&mm, &more[i]);
                pend = NULL;
            }
            if (k == 0 && (i < 3 || verify(&c->b.s, &mm, NULL) != 0) && c->bad++ < 5) fprintf(stderr, "cut %ld: recovered store refused operation %d\n", n, i);
        } else if (k == 0 && c->bad++ < 5) fprintf(stderr, "cut %ld: second open failed\n", n);
        if (k == 0) { steps = c->scratch2.ops; continue; }
        c->nested++;
        c->scratch2.dead = 0;
        c->scratch2.cut_at = 0;
        if (box_open(&c->b, &c->scratch2, c->keys, c->val_max) != 0 || verify(&c->b.s, &mm, pend) != 0) {
            if (c->bad++ < 5) fprintf(stderr, "cut %ld then %ld: wrong state\n", n, k);
        } else {
            for (int i = 0; i < 3; i++)
                if (apply(&c->b.s, &more[i]) != 0 && c->bad++ < 5) fprintf(stderr, "cut %ld then %ld: store refused a write\n", n, k);
        }
    }
}

static uint32_t rup(uint32_t n, uint32_t a) { return (n + a - 1) / a * a; }

/* What a torn erase of the spare sector may leave: one of its copies with header and commit mark whole but a data
 * bit erased. Recovery must fall back to the original (still in the oldest sector), not serve a broken copy. */
static void broken_copy(cutrun *c, const sim *p) {
    /* Only while the oldest sector is still whole (the recovery then finishes the compaction): once the marker
     * is committed, the copies are the only ones. */
    sim_copy(&c->scratch, p);
    if (box_open(&c->b, &c->scratch, c->keys, c->val_max) != 0 || c->b.s.compactions == 0) return;
    uint32_t a = p->prog < 4 ? 4 : p->prog, hslot = rup(12, a), cslot = rup(4, a), top = 0, seq = 0;
    for (uint32_t i = 0; i < p->sectors; i++) {
        const uint8_t *b = p->mem + i * p->sb + rup(12, a);
        uint32_t q = b[0] | b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
        if (q != 0xFFFFFFFFu && q >= seq) { seq = q; top = i; }
    }
    const uint8_t *s = p->mem + top * p->sb;
    for (uint32_t off = rup(12, a) + rup(8, a); off + hslot <= p->sb;) {
        if (s[off] == 0xFF) break;
        uint32_t klen = s[off + 1], vlen = s[off + 2] | s[off + 3] << 8, size = hslot + rup(klen + vlen, a) + cslot;
        if (off + size > p->sb) break;
        if (s[off] == 0x56 && vlen > 0 && s[off + size - cslot] == 0 && s[off + hslot + klen] != 0xFF) {
            sim_copy(&c->scratch, p);
            uint8_t *d = c->scratch.mem + top * p->sb + off + hslot + klen, z = (uint8_t)~*d;
            *d |= (uint8_t)(z & (uint8_t)-z);           /* its lowest 0 bit erased */
            model m = *c->m;
            c->broken_copies++;
            if ((box_open(&c->b, &c->scratch, c->keys, c->val_max) != 0 || verify(&c->b.s, &m, c->cur) != 0) && c->bad++ < 5)
                fprintf(stderr, "a broken copy in the spare was served\n");
        }
        off += size;
    }
}

/* A compaction that had taken the spare sector was cut: cut the recovery again and again, early (while it finishes
 * that compaction), then check nothing was lost and the store still takes writes. */
static void storm(cutrun *c, long n) {
    model m = *c->m;
    for (int i = 0; i < 40; i++) {
        c->scratch.cut_at = n % 2 ? 1 + i % 2 : 1 + (n + i) % 6;   /* odd n: always at the first copy */
        c->scratch.cut_mode = (int)((n + i) % CUT_MODES);
        c->scratch.ops = 0;
        box_open(&c->b, &c->scratch, c->keys, c->val_max);
        c->spare_resets += c->b.s.spare_resets;
        c->scratch.dead = 0;
    }
    c->scratch.cut_at = 0;
    c->storms++;
    if (box_open(&c->b, &c->scratch, c->keys, c->val_max) != 0 || verify(&c->b.s, &m, c->cur) != 0) {
        if (c->bad++ < 5) fprintf(stderr, "cut %ld, then 40 more in the recovery: wrong state\n", n);
        return;
    }
    /* The store works on: a compaction left unfinished must not have left it without a spare. */
    uint32_t r = (uint32_t)n | 1;
    for (int i = 0; i < 60; i++) {
        op o;
        make_op(&o, &r);
        if (apply(&c->b.s, &o) != 0) { if (c->bad++ < 5) fprintf(stderr, "cut %ld, then 40 more: write %d refused\n", n, i); return; }
        model_apply(&m, &o);
    }
    if (verify(&c->b.s, &m, NULL) != 0 && c->bad++ < 5) fprintf(stderr, "cut %ld, then 40 more: wrong state after writes\n", n);
}

static void cut_hook(sim *x, int opk, uint32_t addr, const void *data, size_t len) {
    cutrun *c = CR;
    long n = x->ops + 1;
    if (c->main->nfree == 0) {
        sim_copy(&c->scratch, x);
        c->scratch.rng = (uint32_t)n | 1;
        torn(&c->scratch, opk, addr, data, len, (int)(n % CUT_MODES));
        sim_copy(&c->scratch2, &c->scratch);
        broken_copy(c, &c->scratch2);
        sim_copy(&c->scratch, &c->scratch2);
        storm(c, n);
    }
    for (int mode = 0; mode < CUT_MODES; mode++) {
        sim_copy(&c->scratch, x);
        c->scratch.rng = (uint32_t)(n * CUT_MODES + mode) | 1;
        torn(&c->scratch, opk, addr, data, len, mode);
        if (opk == OP_PROG && mode == 3) {   /* completed: the device knows the units are programmed */
            for (size_t u = addr / x->prog; u < (addr + len) / x->prog; u++) c->scratch.done[u] = 1;
        }
        if (opk == OP_ERASE && mode == 3) memset(c->scratch.done + (size_t)addr / x->prog, 0, x->sb / x->prog);
        c->cuts++;
        after_cut(c, n * CUT_MODES + mode);
    }
}

static int every_cut(uint32_t sectors, uint32_t sb, uint32_t prog, int nops, int nested_every) {
    static cutrun c;
    sim x;
    box *b = malloc(sizeof *b);
    model m;
    memset(&c, 0, sizeof c);
    memset(&m, 0, sizeof m);
    for (int k = 0; k < NKEYS; k++) m.len[k] = -1;
    sim_init(&x, sectors, sb, prog);
    sim_init(&c.scratch, sectors, sb, prog);
    sim_init(&c.scratch2, sectors, sb, prog);
    c.keys = 64; c.val_max = VMAX; c.nested_every = nested_every; c.m = &m;
    CR = &c;
    REQUIRE(box_open(b, &x, c.keys, c.val_max) == 0, "open");
    c.main = &b->s;
    x.hook = cut_hook;
    uint32_t r = 7;
    int refused = 0;
    for (int i = 0; i < nops; i++) {
        op o;
        make_op(&o, &r);
        c.cur = &o;
        if (apply(&b->s, &o) == 0) model_apply(&m, &o); else refused++;
    }
    x.hook = NULL;
    c.cur = NULL;
    CHECK(verify(&b->s, &m, NULL) == 0, "final state");
    CHECK(refused == 0, "no operation refused");
    CHECK(c.bad == 0, "every cut recovers old-or-new values, and a cut in the recovery too");
    CHECK(x.violations == 0 && c.scratch.violations == 0 && c.scratch2.violations == 0, "flash rules kept (1 to 0, each unit once)");
    CHECK(b->s.compactions > 10, "the workload compacts");
    printf("every cut: %u x %u B sectors, %u B units: %d operations, %ld flash calls x 5 kinds of cut, %ld nested cuts, %ld storms of 40 cuts (%ld spare resets), %ld broken copies, %u compactions, %ld bad\n",
           sectors, sb, prog, nops, x.ops, c.nested, c.storms, c.spare_resets, c.broken_copies, b->s.compactions, c.bad);
    sim_free(&x); sim_free(&c.scratch); sim_free(&c.scratch2);
    free(b);
    return 0;
}

/* ---- wear ---- */

static int wear(void) {
    sim x;
    box *b = malloc(sizeof *b);
    sim_init(&x, 8, 1024, 4);
    REQUIRE(box_open(b, &x, 64, VMAX) == 0, "open");
    uint8_t v[64];
    memset(v, 0x5A, sizeof v);
    CHECK(rs_put(&b->s, (const uint8_t *)"static", 6, v, sizeof v) == 0, "static value");
    uint32_t r = 99;
    for (int i = 0; i < 20000; i++) {
        char k[16];
        sprintf(k, "hot%u", rnd(&r) % 4);
        v[0] = (uint8_t)i;
        if (rs_put(&b->s, (const uint8_t *)k, strlen(k), v, 20 + i % 40) != 0) { CHECK(0, "hot put"); break; }
    }
    uint32_t lo = ~0u, hi = 0, slo = ~0u, shi = 0;
    for (uint32_t i = 0; i < 8; i++) {
        if (x.erases[i] < lo) lo = x.erases[i];
        if (x.erases[i] > hi) hi = x.erases[i];
        if (b->s.sec[i].erases < slo) slo = b->s.sec[i].erases;
        if (b->s.sec[i].erases > shi) shi = b->s.sec[i].erases;
    }
    CHECK(lo > 50 && hi - lo <= 1, "erase counts differ by at most 1");
    CHECK(shi - slo <= 1 && shi == hi, "the store's own erase counters agree");
    uint8_t got[64];
    CHECK(rs_get(&b->s, (const uint8_t *)"static", 6, got, sizeof got) == 64 && memcmp(got, v + 1, 63) == 0 && got[0] == 0x5A, "the static value moved with the ring");
    box *b2 = malloc(sizeof *b2);
    CHECK(box_open(b2, &x, 64, VMAX) == 0 && b2->s.sec[3].erases == b->s.sec[3].erases, "erase counts survive a reboot");
    printf("wear: 20000 puts, %u compactions, erase counts %u..%u\n", b->s.compactions, lo, hi);
    sim_free(&x);
    free(b); free(b2);
    return 0;
}

/* ---- capacity, limits, arguments ---- */

static int capacity(void) {
    sim x;
    box *b = malloc(sizeof *b), *b2 = malloc(sizeof *b2);
    sim_init(&x, 8, 1024, 4);
    REQUIRE(box_open(b, &x, 512, VMAX) == 0, "open");
    uint8_t v[VMAX], got[VMAX];
    int n = 0;
    for (;; n++) {
        char k[16];
        sprintf(k, "fill%d", n);
        memset(v, n, sizeof v);
        if (rs_put(&b->s, (const uint8_t *)k, strlen(k), v, 50) != 0) break;
    }
    CHECK(n > 20, "the store takes values until full");
    CHECK(rs_put(&b->s, (const uint8_t *)"one-more", 8, v, 1) == -2, "a full store refuses");
    CHECK(rs_put(&b->s, (const uint8_t *)"fill0", 5, v, VMAX) == -2, "and refuses a bigger value");
    memset(v, 0, sizeof v);
    CHECK(rs_put(&b->s, (const uint8_t *)"fill0", 5, v, 50) == 0, "a same-size replace still fits");
    int ok = 1;
    CHECK(box_open(b2, &x, 512, VMAX) == 0, "reopen a full store");
    for (int i = 0; i < n; i++) {
        char k[16];
        sprintf(k, "fill%d", i);
        int len = rs_get(&b2->s, (const uint8_t *)k, strlen(k), got, sizeof got);
        ok &= len == 50 && got[0] == (uint8_t)i && got[49] == got[0];
    }
    CHECK(ok, "nothing lost when full");
    for (int i = 0; i < n; i++) {
        char k[16];
        sprintf(k, "fill%d", i);
        ok &= rs_delete(&b2->s, (const uint8_t *)k, strlen(k)) == 0;
    }
    CHECK(ok && b2->s.nkeys == 0 && b2->s.live == 0, "a full store can be emptied");
    CHECK(rs_put(&b2->s, (const uint8_t *)"again", 5, v, VMAX) == 0, "and takes values again");
    printf("capacity: %d values of 50 B (%u B of records) in 8 x 1024 B, limit %u B\n", n, n * 72, b->s.limit);

    /* Arguments. */
    uint8_t longkey[RS_KEY_MAX + 1];
    memset(longkey, 'k', sizeof longkey);
    CHECK(rs_put(&b2->s, longkey, 0, v, 1) == -2, "empty key refused");
    CHECK(rs_put(&b2->s, longkey, sizeof longkey, v, 1) == -2, "over-long key refused");
    CHECK(rs_put(&b2->s, longkey, RS_KEY_MAX, v, 1) == 0, "longest key");
    CHECK(rs_put(&b2->s, (const uint8_t *)"k", 1, v, VMAX + 1) == -2, "over-long value refused");
    CHECK(rs_get(&b2->s, (const uint8_t *)"absent", 6, got, sizeof got) == -1, "absent");
    CHECK(rs_delete(&b2->s, (const uint8_t *)"absent", 6) == 0, "delete absent");
    CHECK(rs_put(&b2->s, (const uint8_t *)"e", 1, NULL, 0) == 0 && rs_get(&b2->s, (const uint8_t *)"e", 1, got, 0) == 0, "empty value");
    memcpy(v, "0123456789", 10);
    CHECK(rs_put(&b2->s, (const uint8_t *)"s", 1, v, 10) == 0 && rs_get(&b2->s, (const uint8_t *)"s", 1, got, 3) == 10 && memcmp(got, "012", 3) == 0, "short buffer gets the length");

    /* An index of 5 keys. */
    sim y;
    sim_init(&y, 4, 1024, 4);
    REQUIRE(box_open(b, &y, 5, VMAX) == 0, "open");
    for (int i = 0; i < 5; i++) { char k[8]; sprintf(k, "i%d", i); ok &= rs_put(&b->s, (const uint8_t *)k, 2, v, 4) == 0; }
    CHECK(ok && rs_put(&b->s, (const uint8_t *)"i5", 2, v, 4) == -2, "a full index refuses a new key");
    CHECK(rs_put(&b->s, (const uint8_t *)"i4", 2, v, 8) == 0, "and takes a replace");
    CHECK(box_open(b2, &y, 4, VMAX) == -2, "a mount with a smaller index fails");
    CHECK(box_open(b2, &y, 5, VMAX) == 0 && rs_get(&b2->s, (const uint8_t *)"i4", 2, got, 8) == 8, "a mount with the same index works");
    rs_flash f = dev_of(&y);
    f.sectors = 2;
    CHECK(rs_open(&b2->s, &f, b2->sec, b2->idx, 5, VMAX) == -2, "two sectors refused");
    f.sectors = 4;
    CHECK(rs_open(&b2->s, &f, b2->sec, b2->idx, 5, 1000) == -2, "values that do not fit a sector refused");
    sim_free(&x); sim_free(&y);
    free(b); free(b2);
    return 0;
}

/* ---- garbage never crashes the mount ---- */

static int garbage(void) {
    sim x;
    box *b = malloc(sizeof *b);
    sim_init(&x, 4, 1024, 4);
    uint32_t r = 5;
    int opened = 0;
    for (int t = 0; t < 300; t++) {
        /* A real store, then random damage: bytes, runs of 0x00/0xFF, or copies of one part over another. */
        memset(x.mem, 0xFF, 4096);
        memset(x.done, 0, 4096 / 4);
        x.dead = 0;
        if (box_open(b, &x, 64, VMAX) != 0) continue;
        for (int i = 0; i < 40; i++) { op o; make_op(&o, &r); apply(&b->s, &o); }
        for (int i = 0; i < 1 + t % 20; i++) {
            uint32_t a = rnd(&r) % 4096, len = 1 + rnd(&r) % 64, kind = rnd(&r) % 3;
            if (a + len > 4096) len = 4096 - a;
            for (uint32_t j = 0; j < len; j++)
                x.mem[a + j] = kind == 0 ? (uint8_t)rnd(&r) : kind == 1 ? 0 : x.mem[(a + j + 1024) % 4096];
        }
        memset(x.done, 0, 4096 / 4);        /* the damage is not the store's doing */
        if (box_open(b, &x, 64, VMAX) == 0) {
            opened++;
            uint8_t buf[VMAX];
            char k[64];
            for (int key = 0; key < NKEYS; key++) { key_name(key, k); rs_get(&b->s, (const uint8_t *)k, strlen(k), buf, sizeof buf); }
            op o; make_op(&o, &r); apply(&b->s, &o);
        }
    }
    CHECK(opened > 100, "damaged stores mount (and nothing crashed)");
    sim_free(&x);
    free(b);
    return 0;
}

/* ---- figures ---- */

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static int figures(void) {
    /* The MCU layout (host/c/mcu/kv.c): 32 sectors of 32 KiB, 8 KiB values, 2048 keys. A full store of what the
     * image writes: transaction events of ~600 B under txq.<n>, device-model values, a few small records. */
    sim x;
    box *b = malloc(sizeof *b), *b2 = malloc(sizeof *b2);
    sim_init(&x, 32, 32768, 4);
    REQUIRE(box_open(b, &x, 2048, 8192) == 0, "open");
    uint8_t v[8192];
    memset(v, 0x42, sizeof v);
    int n = 0;
    for (int i = 0; i < 60; i++) { char k[64]; sprintf(k, "dm:Component%d.Variable%d", i, i); rs_put(&b->s, (const uint8_t *)k, strlen(k), v, 40); }
    for (;; n++) {
        char k[32];
        sprintf(k, "txq.%d", n);
        if (rs_put(&b->s, (const uint8_t *)k, strlen(k), v, 600) != 0) break;
    }
    uint64_t prog0 = b->s.prog_bytes, user0 = b->s.user_bytes;
    /* Worst case for compaction: the store at its limit, one transaction event replaced at a time. */
    uint32_t r = 3;
    for (int i = 0; i < 4000; i++) {
        char k[32];
        sprintf(k, "txq.%u", rnd(&r) % (uint32_t)n);
        if (rs_put(&b->s, (const uint8_t *)k, strlen(k), v, 600) != 0) { CHECK(0, "replace at the limit"); break; }
    }
    double wa = (double)(b->s.prog_bytes - prog0) / (double)(b->s.user_bytes - user0);
    x.reads = x.read_bytes = 0;
    CHECK(box_open(b2, &x, 2048, 8192) == 0, "reopen");
    long reads = x.reads, read_bytes = x.read_bytes;
    double t0 = now_s();
    int reps = 20;
    for (int i = 0; i < reps; i++) if (box_open(b2, &x, 2048, 8192) != 0) { CHECK(0, "reopen"); break; }
    double boot = (now_s() - t0) / reps;
    CHECK(b2->s.nkeys == (uint32_t)(60 + n), "all keys back");
    /* RSTORE_DUMP=file writes this full store out: the MCU's --flash file of the same layout (boot figures). */
    const char *dump = getenv("RSTORE_DUMP");
    FILE *out = dump ? fopen(dump, "wb") : NULL;
    if (out) { fwrite(x.mem, 1, 32 * 32768, out); fclose(out); }
    printf("figure: context %zu B + %zu B per sector + %zu B per key (index); MCU layout 32 x 32 KiB, 2048 keys: %zu B\n",
           sizeof(rs_store), sizeof(rs_sector), sizeof(rs_entry), sizeof(rs_store) + 32 * sizeof(rs_sector) + 2048 * sizeof(rs_entry));
    printf("figure: record overhead %u B (header %u, commit %u, padding to 4 B) with 1-4 B units; %u B with 32 B units\n",
           b->s.hslot + b->s.cslot, b->s.hslot, b->s.cslot, 32 + 32);
    printf("figure: full store (%d keys, %u of %u B live, limit %u B): mount %.2f ms on this machine, %ld flash reads of %ld B in all\n",
           60 + n, b->s.live, 32 * 32768, b->s.limit, boot * 1e3, reads, read_bytes);
    printf("figure: write amplification at the limit, 600 B values replaced at random: %.2f (flash bytes / user bytes), %u compactions\n",
           wa, b->s.compactions);
    sim_free(&x);
    free(b); free(b2);
    return 0;
}

int main(int argc, char **argv) {
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    every_cut(6, 1024, 4, quick ? 150 : 500, 3);
    every_cut(5, 1024, 1, quick ? 100 : 300, 7);
    every_cut(6, 2048, 32, quick ? 100 : 300, 7);
    wear();
    capacity();
    garbage();
    figures();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
