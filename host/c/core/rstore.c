/* The record store (rstore.h). Layout, all integers little-endian, every field in its own program unit(s):
 *   sector: A slot {magic, erase count, crc}  written right after an erase
 *           B slot {seq, crc}                 written when the sector joins the ring
 *           records from data0 on
 *   record: header slot {kind, klen, vlen u16, dcrc (key+value), hcrc (the 8 bytes before)}
 *           key and value, padded with 0xFF to the unit
 *           commit slot {0x00000000}          programmed last: a record counts only when its mark is whole
 * The header is programmed by a call of its own, before the data: a torn header means nothing after it was
 * written, so the scan skips exactly its slot. Kinds: a value, a deletion (key only), and a marker (value: the
 * seq of a sector about to be erased) so that a torn erase can never bring old records back. */
#include "core/rstore.h"
#include <string.h>

enum { S_FREE, S_USED, S_GARBAGE };
enum { K_VAL = 0x56, K_DEL = 0x44, K_MARK = 0x4D };
#define A_MAGIC 0x31465352u     /* "RSF1" */
#define B_SALT 0x42u
#define HDR 12u

typedef struct rhdr { uint8_t kind, klen; uint16_t vlen; uint32_t dcrc; } rhdr;

static uint32_t crc32(uint32_t crc, const uint8_t *p, size_t n) {
    static const uint32_t t[16] = {
        0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
        0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu, 0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu };
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        crc = (crc >> 4) ^ t[crc & 15];
        crc = (crc >> 4) ^ t[crc & 15];
    }
    return ~crc;
}

static uint32_t hash_key(const uint8_t *k, size_t n) {
    uint32_t h = 2166136261u;
    while (n--) h = (h ^ *k++) * 16777619u;
    return h;
}

static void put32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24); }
static uint32_t get32(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint32_t rup(uint32_t n, uint32_t a) { return (n + a - 1) & ~(a - 1); }

static int blank(const uint8_t *p, size_t n) {
    while (n--) if (*p++ != 0xFF) return 0;
    return 1;
}

/* ---- device calls: any failure marks the store for a re-mount ---- */

static int rd(rs_store *s, uint32_t addr, void *b, size_t n) {
    if (s->dev.read(s->dev.ctx, addr, b, n) == 0) return 0;
    s->broken = 1;
    return -1;
}

static int pg(rs_store *s, uint32_t addr, const void *b, size_t n) {
    s->prog_bytes += n;
    if (s->dev.program(s->dev.ctx, addr, b, n) == 0) return 0;
    s->broken = 1;
    return -1;
}

static uint32_t base(const rs_store *s, uint32_t sector) { return sector * s->dev.sector_bytes; }

static uint32_t rec_size(const rs_store *s, uint32_t klen, uint32_t vlen) {
    return s->hslot + rup(klen + vlen, s->align) + s->cslot;
}

/* 1 valid (h filled), 0 blank, -1 torn or foreign. */
static int hdr_parse(const uint8_t *b, rhdr *h) {
    if (blank(b, HDR)) return 0;
    if (crc32(0, b, 8) != get32(b + 8)) return -1;
    h->kind = b[0];
    h->klen = b[1];
    h->vlen = (uint16_t)(b[2] | b[3] << 8);
    h->dcrc = get32(b + 4);
    if (h->kind == K_VAL) return h->klen >= 1 && h->klen <= RS_KEY_MAX ? 1 : -1;
    if (h->kind == K_DEL) return h->klen >= 1 && h->klen <= RS_KEY_MAX && h->vlen == 0 ? 1 : -1;
    if (h->kind == K_MARK) return h->klen == 0 && h->vlen == 4 ? 1 : -1;
    return -1;
}

/* Next record of a sector from *off: 1 (its address in *at, header in *h, *committed), 0 at the end of what was
 * written (*off is where the next record goes), -2 flash failure. */
static int scan_next(rs_store *s, uint32_t sector, uint32_t *off, uint32_t *at, rhdr *h, int *committed) {
    uint32_t sb = s->dev.sector_bytes, b0 = base(s, sector);
    while (*off + s->hslot <= sb) {
        uint8_t hb[HDR], c[4];
        if (rd(s, b0 + *off, hb, HDR)) return -2;
        int r = hdr_parse(hb, h);
        if (r == 0) return 0;
        if (r > 0) {
            uint32_t n = rec_size(s, h->klen, h->vlen);
            if (n <= sb - *off) {
                if (rd(s, b0 + *off + n - s->cslot, c, 4)) return -2;
                *committed = get32(c) == 0;
                *at = b0 + *off;
                *off += n;
                return 1;
            }
        }
        *off += s->hslot;   /* a torn header: only its own slot was programmed */
    }
    return 0;
}

/* ---- the index: entries sorted by key hash; equal hashes are told apart by the keys on flash ---- */

/* Position of key (>= 0, its record's header in *oh), -1 absent (*ins: where it would go), -2 flash failure. */
static int idx_find(rs_store *s, const uint8_t *key, uint32_t klen, uint32_t h, uint32_t *ins, rhdr *oh) {
    uint32_t lo = 0, hi = s->nkeys;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->idx[mid].hash < h) lo = mid + 1; else hi = mid;
    }
    *ins = lo;
    for (uint32_t i = lo; i < s->nkeys && s->idx[i].hash == h; i++) {
        uint32_t a = s->idx[i].addr;
        rhdr x;
        if (rd(s, a, s->buf, HDR)) return -2;
        if (hdr_parse(s->buf, &x) != 1 || x.klen != klen) continue;
        if (rd(s, a + s->hslot, s->buf, klen)) return -2;
        if (memcmp(s->buf, key, klen) == 0) {
            if (oh) *oh = x;
            return (int)i;
        }
    }
    return -1;
}

static int idx_insert(rs_store *s, uint32_t pos, uint32_t h, uint32_t addr) {
    if (s->nkeys == s->idx_cap) return -1;
    memmove(&s->idx[pos + 1], &s->idx[pos], (s->nkeys - pos) * sizeof s->idx[0]);
    s->idx[pos].hash = h;
    s->idx[pos].addr = addr;
    s->nkeys++;
    return 0;
}

static void idx_remove(rs_store *s, uint32_t pos) {
    memmove(&s->idx[pos], &s->idx[pos + 1], (s->nkeys - pos - 1) * sizeof s->idx[0]);
    s->nkeys--;
}

/* ---- sectors ---- */

static int write_a(rs_store *s, uint32_t i) {
    memset(s->buf, 0xFF, s->aslot);
    put32(s->buf, A_MAGIC);
    put32(s->buf + 4, s->sec[i].erases);
    put32(s->buf + 8, crc32(0, s->buf, 8));
    if (pg(s, base(s, i), s->buf, s->aslot)) return -2;
    s->sec[i].has_a = 1;
    return 0;
}

static int erase_sector(rs_store *s, uint32_t i) {
    s->erase_ops++;
    s->sec[i].has_a = 0;
    s->sec[i].state = S_GARBAGE;
    if (s->dev.erase(s->dev.ctx, i) != 0) { s->broken = 1; return -2; }
    s->sec[i].erases++;
    if (write_a(s, i)) return -2;
    s->sec[i].state = S_FREE;
    return 0;
}

static uint32_t b_crc(uint32_t seq) {
    uint8_t b[5];
    put32(b, seq);
    b[4] = B_SALT;
    return crc32(0, b, 5);
}

/* Opens the next sector of the ring as the head: the first one after the head that is not in use. */
static int open_next(rs_store *s) {
    uint32_t n = s->dev.sectors, sb = s->dev.sector_bytes, i = 0;
    if (s->nfree == 0) return -1;
    if (s->head >= 0) {
        i = ((uint32_t)s->head + 1) % n;
        while (s->sec[i].state == S_USED) i = (i + 1) % n;
    } else {
        for (uint32_t j = 1; j < n; j++)
            if (s->sec[j].state != S_USED && s->sec[j].erases < s->sec[i].erases) i = j;
    }
    rs_sector *x = &s->sec[i];
    int clean = x->state == S_FREE;
    for (uint32_t off = x->has_a ? s->aslot : 0; clean && off < sb; off += RS_CHUNK) {
        uint32_t c = sb - off < RS_CHUNK ? sb - off : RS_CHUNK;
        if (rd(s, base(s, i) + off, s->buf, c)) return -2;
        clean = blank(s->buf, c);
    }
    if (!clean && erase_sector(s, i)) return -2;
    if (!x->has_a && write_a(s, i)) return -2;
    memset(s->buf, 0xFF, s->data0 - s->aslot);
    put32(s->buf, s->next_seq);
    put32(s->buf + 4, b_crc(s->next_seq));
    if (pg(s, base(s, i) + s->aslot, s->buf, s->data0 - s->aslot)) return -2;
    x->seq = s->next_seq++;
    x->state = S_USED;
    s->nfree--;
    s->head = (int32_t)i;
    s->wp = s->data0;
    return 0;
}

static int tail(const rs_store *s) {
    int t = -1;
    for (uint32_t i = 0; i < s->dev.sectors; i++)
        if (s->sec[i].state == S_USED && (t < 0 || s->sec[i].seq < s->sec[t].seq)) t = (int)i;
    return t;
}

/* ---- records ---- */

static int write_commit(rs_store *s, uint32_t at) {
    memset(s->buf, 0xFF, s->cslot);
    put32(s->buf, 0);
    return pg(s, at, s->buf, s->cslot);
}

/* Appends a record at the head (room checked by the caller); its address in *addr. */
static int write_rec(rs_store *s, uint8_t kind, const uint8_t *key, uint32_t klen, const uint8_t *val,
                     uint32_t vlen, uint32_t *addr) {
    uint32_t at = base(s, (uint32_t)s->head) + s->wp, total = klen + vlen, padded = rup(total, s->align);
    uint32_t dcrc = crc32(crc32(0, key, klen), val, vlen);
    memset(s->buf, 0xFF, s->hslot);
    s->buf[0] = kind;
    s->buf[1] = (uint8_t)klen;
    s->buf[2] = (uint8_t)vlen;
    s->buf[3] = (uint8_t)(vlen >> 8);
    put32(s->buf + 4, dcrc);
    put32(s->buf + 8, crc32(0, s->buf, 8));
    if (pg(s, at, s->buf, s->hslot)) return -2;
    for (uint32_t done = 0; done < padded; done += RS_CHUNK) {
        uint32_t c = padded - done < RS_CHUNK ? padded - done : RS_CHUNK;
        memset(s->buf, 0xFF, c);
        for (uint32_t j = 0; j < c && done + j < total; ) {
            uint32_t p = done + j, m;
            if (p < klen) { m = klen - p; if (m > c - j) m = c - j; memcpy(s->buf + j, key + p, m); }
            else { m = total - p; if (m > c - j) m = c - j; memcpy(s->buf + j, val + (p - klen), m); }
            j += m;
        }
        if (pg(s, at + s->hslot + done, s->buf, c)) return -2;
    }
    if (write_commit(s, at + s->hslot + padded)) return -2;
    s->wp += rec_size(s, klen, vlen);
    *addr = at;
    return 0;
}

/* Copies a committed record to the head (room checked by the caller). */
static int copy_rec(rs_store *s, uint32_t from, const rhdr *h, uint32_t *addr) {
    uint32_t at = base(s, (uint32_t)s->head) + s->wp, padded = rup((uint32_t)h->klen + h->vlen, s->align);
    memset(s->buf, 0xFF, s->hslot);
    if (rd(s, from, s->buf, HDR) || pg(s, at, s->buf, s->hslot)) return -2;
    for (uint32_t done = 0; done < padded; done += RS_CHUNK) {
        uint32_t c = padded - done < RS_CHUNK ? padded - done : RS_CHUNK;
        if (rd(s, from + s->hslot + done, s->buf, c) || pg(s, at + s->hslot + done, s->buf, c)) return -2;
    }
    if (write_commit(s, at + s->hslot + padded)) return -2;
    s->wp += rec_size(s, h->klen, h->vlen);
    *addr = at;
    return 0;
}

static int fits(const rs_store *s, uint32_t n, int marker) {
    uint32_t end = s->dev.sector_bytes - (marker ? 0 : s->mark_size);
    return s->head >= 0 && s->wp <= end && n <= end - s->wp;
}

/* Room for n bytes while compacting sector t: the head, or the next sector (the spare one may be taken). */
static int room_gc(rs_store *s, uint32_t n, int marker, int t) {
    if (s->head != t && fits(s, n, marker)) return 0;
    return open_next(s);
}

/* Compaction of the oldest sector: its live records are copied to the head, a marker says it is dead, then it is
 * erased. 0, -1 no room (nothing erased; only with a corrupted or foreign layout), -2 flash failure. */
static int gc(rs_store *s) {
    int t = tail(s);
    if (t < 0) return -1;
    uint32_t off = s->data0, at;
    rhdr h;
    int ok, r;
    while ((r = scan_next(s, (uint32_t)t, &off, &at, &h, &ok)) == 1) {
        if (!ok || h.kind != K_VAL) continue;
        if (rd(s, at + s->hslot, s->key, h.klen)) return -2;
        uint32_t hash = hash_key(s->key, h.klen), ins, to;
        int pos = idx_find(s, s->key, h.klen, hash, &ins, NULL);
        if (pos == -2) return -2;
        if (pos < 0 || s->idx[pos].addr != at) continue;
        if ((r = room_gc(s, rec_size(s, h.klen, h.vlen), 0, t)) != 0) return r;
        if (copy_rec(s, at, &h, &to)) return -2;
        s->idx[pos].addr = to;
    }
    if (r < 0) return r;
    uint8_t v[4];
    put32(v, s->sec[t].seq);
    if ((r = room_gc(s, s->mark_size, 1, t)) != 0) return r;
    if (write_rec(s, K_MARK, NULL, 0, v, 4, &at)) return -2;
    s->compactions++;
    s->sec[t].state = S_GARBAGE;    /* dead from here on, whatever the erase leaves */
    if (erase_sector(s, (uint32_t)t)) return -2;
    s->nfree++;
    return 0;
}

/* Room for a new record of n bytes: the head, a new sector while the spare stays free, or compaction (at most a
 * lap of the ring). 0, -1 full, -2 flash failure. */
static int room_put(rs_store *s, uint32_t n) {
    for (uint32_t i = 0; i <= s->dev.sectors; i++) {
        if (fits(s, n, 0)) return 0;
        int r = s->nfree >= 2 ? open_next(s) : gc(s);
        if (r) return r;
    }
    return -1;
}

/* ---- recovery ---- */

/* 1 when a record's key and value match its CRC, 0 when not, -2 flash failure. */
static int data_ok(rs_store *s, uint32_t at, const rhdr *h) {
    uint32_t total = (uint32_t)h->klen + h->vlen, crc = 0;
    for (uint32_t done = 0; done < total; done += RS_CHUNK) {
        uint32_t c = total - done < RS_CHUNK ? total - done : RS_CHUNK;
        if (rd(s, at + s->hslot + done, s->buf, c)) return -2;
        crc = crc32(crc, s->buf, c);
    }
    return crc == h->dcrc;
}

static int mount(rs_store *s) {
    uint32_t n = s->dev.sectors;
    for (int attempt = 0; attempt < 3; attempt++) {
        s->broken = 0;
        s->nkeys = 0;
        s->head = -1;
        s->live = 0;
        s->full_at = 0;
        uint32_t maxerase = 0, maxseq = 0, dead = 0, off, at;
        for (uint32_t i = 0; i < n; i++) {
            rs_sector *x = &s->sec[i];
            if (rd(s, base(s, i), s->buf, s->data0)) return -2;
            const uint8_t *a = s->buf, *b = s->buf + s->aslot;
            int a_ok = get32(a) == A_MAGIC && crc32(0, a, 8) == get32(a + 8);
            int b_ok = b_crc(get32(b)) == get32(b + 4) && get32(b) != 0xFFFFFFFFu;
            x->has_a = (uint8_t)a_ok;
            x->erases = a_ok ? get32(a + 4) : 0;
            x->seq = b_ok ? get32(b) : 0;
            if (a_ok && x->erases > maxerase) maxerase = x->erases;
            if (a_ok && b_ok) { x->state = S_USED; if (x->seq > maxseq) maxseq = x->seq; }
            else if ((a_ok || blank(a, 12)) && blank(b, 8)) x->state = S_FREE;
            else x->state = S_GARBAGE;
        }
        /* Markers: sectors whose erase began are dead, whatever a torn erase left in them. */
        for (uint32_t i = 0; i < n; i++) {
            rhdr h;
            int ok, r;
            if (!s->sec[i].has_a) s->sec[i].erases = maxerase;
            if (s->sec[i].state != S_USED) continue;
            off = s->data0;
            while ((r = scan_next(s, i, &off, &at, &h, &ok)) == 1) {
                uint8_t v[4];
                if (!ok || h.kind != K_MARK) continue;
                if (rd(s, at + s->hslot, v, 4)) return -2;
                if (crc32(0, v, 4) == h.dcrc && get32(v) > dead) dead = get32(v);
            }
            if (r < 0) return -2;
        }
        s->next_seq = (maxseq > dead ? maxseq : dead) + 1;
        for (uint32_t i = 0; i < n; i++)
            if (s->sec[i].state == S_USED && s->sec[i].seq <= dead) s->sec[i].state = S_GARBAGE;
        /* The index, sector by sector from the oldest: the last committed record of a key wins. In the newest
         * sector, the one a torn erase may have left (below), the data are checked too. */
        uint32_t prev = 0, top = 0;
        for (uint32_t i = 0; i < n; i++)
            if (s->sec[i].state == S_USED && s->sec[i].seq > top) top = s->sec[i].seq;
        int only_copies = 1;
        for (;;) {
            int next = -1;
            for (uint32_t i = 0; i < n; i++)
                if (s->sec[i].state == S_USED && s->sec[i].seq > prev && (next < 0 || s->sec[i].seq < s->sec[next].seq)) next = (int)i;
            if (next < 0) break;
            prev = s->sec[next].seq;
            s->head = next;
            only_copies = 1;
            rhdr h;
            int ok, r;
            off = s->data0;
            while ((r = scan_next(s, (uint32_t)next, &off, &at, &h, &ok)) == 1) {
                if (h.kind != K_VAL) only_copies = 0;
                if (!ok || h.kind == K_MARK) continue;
                if (prev == top && (ok = data_ok(s, at, &h)) != 1) { if (ok < 0) return -2; continue; }
                if (rd(s, at + s->hslot, s->key, h.klen)) return -2;
                uint32_t hash = hash_key(s->key, h.klen), ins;
                int pos = idx_find(s, s->key, h.klen, hash, &ins, NULL);
                if (pos == -2) return -2;
                if (h.kind == K_DEL) { if (pos >= 0) idx_remove(s, (uint32_t)pos); }
                else if (pos >= 0) s->idx[pos].addr = at;
                else if (idx_insert(s, ins, hash, at)) return -2;    /* more keys than the index holds */
            }
            if (r < 0) return -2;
            s->wp = off;
        }
        for (uint32_t i = 0; i < n; i++)
            if (s->sec[i].state == S_GARBAGE && erase_sector(s, i)) return -2;
        s->nfree = 0;
        for (uint32_t i = 0; i < n; i++) s->nfree += s->sec[i].state != S_USED;
        for (uint32_t i = 0; i < s->nkeys; i++) {
            rhdr h;
            if (rd(s, s->idx[i].addr, s->buf, HDR) || hdr_parse(s->buf, &h) != 1) return -2;
            s->live += rec_size(s, h.klen, h.vlen);
        }
        if (s->nfree > 0) return 0;
        /* A cut during a compaction that had taken the spare sector: finish it before anything else. */
        int r = gc(s);
        if (r == 0) return 0;
        if (r == -2 || !only_copies) return -2;
        /* Cuts in a row filled the spare with torn copies: it holds only copies of the oldest sector's records,
         * which are all still there, so it can go; then compact again. */
        s->spare_resets++;
        if (erase_sector(s, (uint32_t)s->head)) return -2;
    }
    return -2;
}

/* ---- API ---- */

int rs_open(rs_store *s, const rs_flash *dev, rs_sector *sec, rs_entry *idx, uint32_t idx_cap, uint32_t val_max) {
    memset(s, 0, sizeof *s);
    s->dev = *dev;
    s->sec = sec;
    s->idx = idx;
    s->idx_cap = idx_cap;
    s->val_max = val_max;
    uint32_t p = dev->prog_bytes, sb = dev->sector_bytes;
    if (p == 0 || p > 32 || (p & (p - 1)) || dev->sectors < 3 || val_max > 65535 || !dev->read || !dev->program || !dev->erase) return -2;
    s->align = p < 4 ? 4 : p;
    if (sb % s->align || sb < 256 || (uint64_t)dev->sectors * sb > 0xFFFFFFFFu) return -2;
    s->aslot = rup(12, s->align);
    s->hslot = rup(HDR, s->align);
    s->cslot = rup(4, s->align);
    s->data0 = s->aslot + rup(8, s->align);
    s->mark_size = rec_size(s, 0, 4);
    s->rec_max = rec_size(s, RS_KEY_MAX, val_max);
    /* A closed sector holds at least `per` bytes of records; two sectors' worth stay for the spare and for
     * deletions, markers and fragmentation. */
    uint32_t normal = sb - s->data0 - s->mark_size;
    if (normal <= s->rec_max) return -2;
    uint32_t per = normal - s->rec_max;
    s->limit = (dev->sectors - 2) * per;
    return mount(s);
}

static int ready(rs_store *s, size_t klen) {
    if (klen == 0 || klen > RS_KEY_MAX) return -2;
    if (s->broken && mount(s) != 0) return -2;
    return 0;
}

int rs_get(rs_store *s, const uint8_t *key, size_t klen, uint8_t *buf, size_t cap) {
    if (ready(s, klen)) return -2;
    uint32_t ins;
    rhdr h;
    int pos = idx_find(s, key, (uint32_t)klen, hash_key(key, klen), &ins, &h);
    if (pos < 0) return pos;
    size_t n = cap < h.vlen ? cap : h.vlen;
    if (n && rd(s, s->idx[pos].addr + s->hslot + (uint32_t)klen, buf, n)) return -2;
    if (n == h.vlen && crc32(crc32(0, key, klen), buf, n) != h.dcrc) return -2;
    return h.vlen;
}

int rs_put(rs_store *s, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen) {
    if (ready(s, klen) || vlen > s->val_max) return -2;
    uint32_t hash = hash_key(key, klen), ins, n = rec_size(s, (uint32_t)klen, (uint32_t)vlen), at;
    rhdr h;
    int pos = idx_find(s, key, (uint32_t)klen, hash, &ins, &h);
    if (pos == -2 || (pos < 0 && s->nkeys == s->idx_cap)) return -2;
    uint32_t after = s->live - (pos >= 0 ? rec_size(s, h.klen, h.vlen) : 0) + n;
    if (after > s->limit || (s->full_at && after >= s->full_at)) return -2;
    int r = room_put(s, n);
    if (r == -1) s->full_at = after;
    if (r) return -2;
    if (write_rec(s, K_VAL, key, (uint32_t)klen, val, (uint32_t)vlen, &at)) return -2;
    if (pos >= 0) s->idx[pos].addr = at;        /* compaction moves records, never index positions */
    else idx_insert(s, ins, hash, at);
    if (after < s->live) s->full_at = 0;
    s->live = after;
    s->user_bytes += klen + vlen;
    return 0;
}

int rs_delete(rs_store *s, const uint8_t *key, size_t klen) {
    if (ready(s, klen)) return -2;
    uint32_t ins, at;
    rhdr h;
    int pos = idx_find(s, key, (uint32_t)klen, hash_key(key, klen), &ins, &h);
    if (pos == -1) return 0;
    if (pos < 0 || room_put(s, rec_size(s, (uint32_t)klen, 0))) return -2;
    if (write_rec(s, K_DEL, key, (uint32_t)klen, NULL, 0, &at)) return -2;
    s->live -= rec_size(s, h.klen, h.vlen);
    s->full_at = 0;
    idx_remove(s, (uint32_t)pos);
    s->user_bytes += klen;
    return 0;
}
