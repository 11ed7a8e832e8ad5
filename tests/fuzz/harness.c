/* Coverage-guided, differential fuzzing of the firmware image (issue 17 item 5; docs/bench.md "Fuzzing").
 *
 * The image (build/firmware.wasm) runs twice per input in this one process: translated to C by wasm2c (compiled
 * with libFuzzer's coverage: the feedback is the image's own branches) and on wasm3 (the project's pinned v0.5.0,
 * as the C host and the board run it). Both get the same events through the exports the hosts call, with the
 * ABI's imports (docs/host-abi.md, revision 3) implemented here deterministically and in memory: key-value store,
 * firmware slots, clock, random bytes (a seeded generator), SHA hashes (mbedTLS), stub certificate store. Each
 * engine logs what leaves the image (stream_send, uart_write, can_send, dgram_send, gpio_set) and every storage
 * write (kv_put, kv_delete, fw_slot_*), with the values next_wakeup and config_set return; the two logs must be
 * equal byte for byte. A trap of either engine is a finding (the image traps on no input, principle 6): the
 * instance is re-created and booted again as the hosts do, and the input is reported as a crash.
 *
 * Every input starts from the same booted station: instance created, init, config_set, start, the WebSocket
 * handshake answered and the BootNotification Accepted (a snapshot of both engines' memory and globals and of the
 * host state, restored before each input). An input is a flags byte then records [op][len u16 LE][len bytes]
 * (a length past the end takes what is left):
 *   flags bit0  answer every CALL of the station with a minimal valid response (else only BootNotification)
 *         bit1  the peers are silent (else the power module and the meter answer their CAN queries, idle, the
 *               contactor and lock feedback follow their outputs, and an SNTP server answers a request)
 *   0 MSG     a text message with these bytes, one frame      7 CAN    bus, id u32 LE, flags, payload (≤ 8)
 *   1 CALL    [2,"fz<n>",<CSMS_ACTIONS[b0]>,<rest>]           8 DGRAM  a datagram on the last dgram_open socket
 *   2 RESULT  [3,"<station's last CALL id>",<bytes>]          9 TICK   advance u32 LE ms (mod 1 day): a tick at each
 *                                                                      wake-up (at most 20), then at the end
 *   3 ERROR   [4,"<station's last CALL id>",<bytes>           10 GPIO  line, level u32 LE
 *   4 RAW     bytes on the stream as they are (framing)       11 CLOSE the CSMS closes the stream (code -b0 % 17)
 *   5 FRAG    a text message in two fragments, cut at b0      12 POWER power cycle: a new instance, storage kept
 *   6 UART    port b0 % 4 (0 is the RFID reader), bytes
 * The driver reconnects when the image opens a new stream (on_stream_open, handshake), as the CSMS would.
 * After an event the harness calls __collect when the events since the last collection allocated more than
 * 4 KiB (FUZZ_COLLECT_BYTES; the runtime's allocation count); a tape marks the events it did not collect after.
 *
 * build/fuzz/station-fuzz (tests/fuzz/fuzz.mk) fuzzes, or replays the files it is given; with FUZZ_TAPES=DIR it
 * also writes each input's export calls and expected log for tests/fuzz/v8-replay.js, which runs them on V8.
 * The state is global: libFuzzer's entry points take no context. */
#include <inttypes.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mbedtls/base64.h>
#include <mbedtls/md.h>
#include "firmware.h"
#include "wasm-rt-impl.h"
#include "wasm3.h"
#include "m3_env.h"
#include "actions.h"

#define NACT (sizeof CSMS_ACTIONS / sizeof CSMS_ACTIONS[0])
#define WALL0 INT64_C(1767225600000)           /* 2026-01-01T00:00:00Z */
#define MAX_OPS 512
#define MAX_RECREATE 64                        /* new instances per input (traps, reboots, power cycles) */
#define MAX_WAKEUPS 20                         /* per TICK: then the clock jumps to the end, as after a late host */
#define TRAP_RET INT64_MIN                     /* an import's answer meaning "trap the image" */
#define SLOT_CAP (1024 * 1024)
#define DAY_MS 86400000u

/* ---- growable byte buffer ---------------------------------------------------------------------------------- */
typedef struct { uint8_t *p; size_t n, cap; } bytes;
static void b_put(bytes *b, const void *src, size_t n) {
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n) cap *= 2;
        b->p = realloc(b->p, cap);
        if (!b->p) abort();
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->n, src, n);
    b->n += n;
}
static void b_u8(bytes *b, uint8_t v) { b_put(b, &v, 1); }
static void b_u32(bytes *b, uint32_t v) { uint8_t x[4] = { v, v >> 8, v >> 16, v >> 24 }; b_put(b, x, 4); }
static void b_u64(bytes *b, uint64_t v) { b_u32(b, (uint32_t)v); b_u32(b, (uint32_t)(v >> 32)); }
static void b_copy(bytes *dst, const bytes *src) { dst->n = 0; b_put(dst, src->p, src->n); }
static void b_drop(bytes *b, size_t n) { memmove(b->p, b->p + n, b->n - n); b->n -= n; }

/* ---- the host: state the imports keep (persistent part survives a new instance) ---------------------------- */
typedef struct { bytes key, val; } kv_ent;
enum { ST_NONE, ST_OPENING, ST_UPGRADING, ST_OPEN };

typedef struct host {
    /* persistent: storage and the machine */
    kv_ent *kv; size_t nkv, kvcap;
    uint64_t prng;
    int64_t now, wall_off;
    int32_t next_stream, next_dgram;
    int32_t slot_state, slot_writing, slot_done, slot_installed;
    uint32_t slot_len, slot_hash;
    /* the link and the peer's view of it */
    int32_t stream, sstate, dgram;
    bytes out;                  /* bytes the image sent on the stream, not parsed yet */
    bytes msg;                  /* a fragmented client message being assembled */
    char call_id[40];           /* the station's last CALL */
    uint32_t calls;             /* CALLs the driver made (ids fz<n>) */
    int32_t silent;             /* flags bit1: the CAN peers do not answer */
    struct { uint32_t id; uint8_t len, data[8]; } canq[8];   /* the CAN peers' answers, delivered after the event */
    int32_t ncanq;
    struct { int32_t line, level; } gpioq[8];                 /* feedback contacts following their outputs */
    int32_t ngpioq;
    uint8_t ntp[48];                                          /* an SNTP server's answer, delivered after the event */
    int32_t ntp_handle;
    int32_t trap_random;        /* FUZZ_SABOTAGE=trap: the next random_fill traps the image */
    /* per event */
    int32_t reboot;             /* system_reboot kind + 1 */
    /* outputs, not part of a snapshot */
    bytes log;
} host;

static void host_copy(host *dst, const host *src) {
    bytes log = dst->log, out = dst->out, msg = dst->msg;
    for (size_t i = 0; i < dst->nkv; i++) { free(dst->kv[i].key.p); free(dst->kv[i].val.p); }
    kv_ent *kv = dst->kv;
    size_t kvcap = dst->kvcap;
    *dst = *src;
    dst->log = log; dst->out = out; dst->msg = msg;
    b_copy(&dst->out, &src->out);
    b_copy(&dst->msg, &src->msg);
    if (kvcap < src->nkv) { kvcap = src->kvcap; kv = realloc(kv, kvcap * sizeof *kv); }
    dst->kv = kv; dst->kvcap = kvcap;
    for (size_t i = 0; i < src->nkv; i++) {
        memset(&dst->kv[i], 0, sizeof dst->kv[i]);
        b_copy(&dst->kv[i].key, &src->kv[i].key);
        b_copy(&dst->kv[i].val, &src->kv[i].val);
    }
}

/* The host as at power-on: nothing stored, the generator at its seed. */
static void host_reset(host *h) {
    static host init;
    init.prng = 0x9e3779b97f4a7c15ull;
    host_copy(h, &init);
    h->log.n = 0;
}

static void lg(host *h, char tag, const void *p, size_t n) { b_u8(&h->log, (uint8_t)tag); b_u32(&h->log, (uint32_t)n); b_put(&h->log, p, n); }
/* Log records: a tag, then u32 length and bytes; or the tag | 0x80, then an i64. */
static void lg_i(host *h, char tag, int64_t v) { b_u8(&h->log, (uint8_t)tag | 0x80); b_u64(&h->log, (uint64_t)v); }

static int inmem(uint32_t msize, uint32_t ptr, int32_t len) { return len >= 0 && (uint64_t)ptr + (uint64_t)len <= msize; }
static uint32_t fnv(uint32_t h, const uint8_t *p, size_t n) { for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u; return h; }

static kv_ent *kv_find(host *h, const uint8_t *k, size_t n) {
    for (size_t i = 0; i < h->nkv; i++)
        if (h->kv[i].key.n == n && memcmp(h->kv[i].key.p, k, n) == 0) return &h->kv[i];
    return NULL;
}

/* ---- the imports, one implementation for both engines (mem, msize: the instance's linear memory) ----------- */
static int64_t im_random_fill(host *h, uint8_t *mem, uint32_t ms, uint32_t ptr, int32_t len) {
    if (!inmem(ms, ptr, len) || h->trap_random) { h->trap_random = 0; return TRAP_RET; }
    for (int32_t i = 0; i < len; i++) {
        h->prng ^= h->prng << 13; h->prng ^= h->prng >> 7; h->prng ^= h->prng << 17;
        mem[ptr + i] = (uint8_t)(h->prng >> 24);
    }
    return 0;
}
static int64_t im_clock_set(host *h, int64_t ms) { h->wall_off = ms - WALL0 - h->now; lg_i(h, 'w', ms); return 0; }
static int64_t im_stream_open(host *h, uint8_t *mem, uint32_t ms, uint32_t hp, int32_t hl, int32_t port, int32_t tls, int32_t prof) {
    if (!inmem(ms, hp, hl)) return TRAP_RET;
    lg(h, 'o', mem + hp, (size_t)hl);
    lg_i(h, 'o', ((int64_t)port << 8) | (tls << 4) | (prof & 15));
    h->stream = ++h->next_stream;
    h->sstate = ST_OPENING;
    h->out.n = 0; h->msg.n = 0;
    return h->stream;
}
static int64_t im_stream_send(host *h, uint8_t *mem, uint32_t ms, int32_t handle, uint32_t ptr, int32_t len) {
    if (!inmem(ms, ptr, len)) return TRAP_RET;
    lg_i(h, 's', handle);
    lg(h, 's', mem + ptr, (size_t)len);
    if (handle != h->stream || h->stream == 0) return -4;
    b_put(&h->out, mem + ptr, (size_t)len);
    return len;
}
/* Never full: the fuzzed CSMS reads everything at once, so no answer pauses (the pause path is in rpc.spec). */
static int32_t im_stream_full(host *h, int32_t handle) {
    lg_i(h, 'f', handle);
    return 0;
}
static void im_stream_close(host *h, int32_t handle) {
    lg_i(h, 'c', handle);
    if (handle == h->stream) { h->stream = 0; h->sstate = ST_NONE; }
}
static int64_t im_dgram_open(host *h, uint8_t *mem, uint32_t ms, uint32_t hp, int32_t hl, int32_t port) {
    if (!inmem(ms, hp, hl)) return TRAP_RET;
    lg(h, 'u', mem + hp, (size_t)hl);
    lg_i(h, 'u', port);
    return h->dgram = ++h->next_dgram;
}
static int64_t im_dgram_send(host *h, uint8_t *mem, uint32_t ms, int32_t handle, uint32_t ptr, int32_t len) {
    if (!inmem(ms, ptr, len)) return TRAP_RET;
    lg_i(h, 'd', handle);
    lg(h, 'd', mem + ptr, (size_t)len);
    /* An SNTP server (RFC 4330) answers a 48-byte client request: stratum 2, the request's transmit time as the
     * originate time, the host's wall clock as receive and transmit time. */
    if (!h->silent && len == 48 && (mem[ptr] & 7) == 3) {
        uint64_t secs = (uint64_t)((WALL0 + h->wall_off + h->now) / 1000) + 2208988800u;
        uint8_t *a = h->ntp;
        memset(a, 0, 48);
        a[0] = 0x24; a[1] = 2; a[2] = 6; a[3] = 0xe9;
        memcpy(a + 12, "GPS", 3);
        memcpy(a + 24, mem + ptr + 40, 8);
        for (int k = 0; k < 4; k++) a[16 + k] = a[32 + k] = a[40 + k] = (uint8_t)(secs >> (24 - 8 * k));
        h->ntp_handle = handle;
    }
    return len;
}
static void im_dgram_close(host *h, int32_t handle) { lg_i(h, 'e', handle); if (handle == h->dgram) h->dgram = 0; }
static int64_t im_kv_get(host *h, uint8_t *mem, uint32_t ms, uint32_t kp, int32_t kl, uint32_t bp, int32_t cap) {
    if (!inmem(ms, kp, kl) || !inmem(ms, bp, cap)) return TRAP_RET;
    kv_ent *e = kv_find(h, mem + kp, (size_t)kl);
    if (!e) return -1;
    memcpy(mem + bp, e->val.p, e->val.n < (size_t)cap ? e->val.n : (size_t)cap);
    return (int64_t)e->val.n;
}
static int64_t im_kv_put(host *h, uint8_t *mem, uint32_t ms, uint32_t kp, int32_t kl, uint32_t vp, int32_t vl) {
    if (!inmem(ms, kp, kl) || !inmem(ms, vp, vl)) return TRAP_RET;
    lg(h, 'k', mem + kp, (size_t)kl);
    lg(h, 'v', mem + vp, (size_t)vl);
    kv_ent *e = kv_find(h, mem + kp, (size_t)kl);
    if (!e) {
        if (h->nkv == h->kvcap) { h->kvcap = h->kvcap ? h->kvcap * 2 : 64; h->kv = realloc(h->kv, h->kvcap * sizeof *h->kv); }
        e = &h->kv[h->nkv++];
        memset(e, 0, sizeof *e);
        b_put(&e->key, mem + kp, (size_t)kl);
    }
    e->val.n = 0;
    b_put(&e->val, mem + vp, (size_t)vl);
    return 0;
}
static int64_t im_kv_delete(host *h, uint8_t *mem, uint32_t ms, uint32_t kp, int32_t kl) {
    if (!inmem(ms, kp, kl)) return TRAP_RET;
    lg(h, 'x', mem + kp, (size_t)kl);
    kv_ent *e = kv_find(h, mem + kp, (size_t)kl);
    if (e) {
        free(e->key.p); free(e->val.p);
        *e = h->kv[--h->nkv];
    }
    return 0;
}
static int64_t im_uart_write(host *h, uint8_t *mem, uint32_t ms, int32_t port, uint32_t ptr, int32_t len) {
    if (!inmem(ms, ptr, len)) return TRAP_RET;
    lg_i(h, 'U', port);
    lg(h, 'U', mem + ptr, (size_t)len);
    return len;
}
static int64_t im_can_send(host *h, uint8_t *mem, uint32_t ms, int32_t bus, uint32_t id, int32_t flags, uint32_t ptr, int32_t len) {
    if (!inmem(ms, ptr, len)) return TRAP_RET;
    lg_i(h, 'C', ((int64_t)bus << 40) | ((int64_t)(flags & 0xff) << 32) | id);
    lg(h, 'C', mem + ptr, (size_t)len);
    if (len > 8) return -1;
    /* The power module and the DC meter of host/sim (docs/hardware.md) answer their queries, idle: output off,
     * no current, no energy. */
    static const uint8_t module_status[8] = { 0, 0, 0, 0, 0, 0, 0, 75 }, zero[8] = { 0 };
    struct { uint32_t query, answer; const uint8_t *data; } peers[] = {
        { 0x1101f0, 0x12f001, module_status }, { 0x3020f0, 0x31f020, zero }, { 0x3020f0, 0x32f020, zero } };
    for (size_t i = 0; i < sizeof peers / sizeof peers[0] && !h->silent; i++) {
        if (id != peers[i].query || bus != 0 || h->ncanq == (int32_t)(sizeof h->canq / sizeof h->canq[0])) continue;
        h->canq[h->ncanq].id = peers[i].answer;
        h->canq[h->ncanq].len = 8;
        memcpy(h->canq[h->ncanq].data, peers[i].data, 8);
        h->ncanq++;
    }
    return 0;
}
static int64_t im_gpio_set(host *h, int32_t line, int32_t level) {
    lg_i(h, 'g', ((int64_t)line << 32) | (uint32_t)level);
    /* The contactor's and the lock's feedback follow their outputs (lines n*10+2 -> +3, n*10+4 -> +5), as on
     * host/sim's charger, unless the hardware is silent. */
    int off = line % 10;
    if (!h->silent && line >= 10 && line < 30 && (off == 2 || off == 4) && h->ngpioq < (int32_t)(sizeof h->gpioq / sizeof h->gpioq[0])) {
        h->gpioq[h->ngpioq].line = line + 1;
        h->gpioq[h->ngpioq].level = level ? 1 : 0;
        h->ngpioq++;
    }
    return 0;
}
static int64_t im_crypto_hash(host *h, uint8_t *mem, uint32_t ms, int32_t alg, uint32_t ptr, int32_t len, uint32_t out, int32_t cap) {
    (void)h;
    if (!inmem(ms, ptr, len) || !inmem(ms, out, cap)) return TRAP_RET;
    static const mbedtls_md_type_t types[] = { MBEDTLS_MD_NONE, MBEDTLS_MD_SHA1, MBEDTLS_MD_SHA256, MBEDTLS_MD_SHA384, MBEDTLS_MD_SHA512 };
    if (alg < 1 || alg > 4) return -1;
    const mbedtls_md_info_t *info = mbedtls_md_info_from_type(types[alg]);
    uint8_t d[64];
    mbedtls_md(info, mem + ptr, (size_t)len, d);
    int32_t n = mbedtls_md_get_size(info);
    if (n > cap) return -2;
    memcpy(mem + out, d, (size_t)n);
    return n;
}
/* The certificate store and the key store are stubs: verification fails, a CSR cannot be made, a PEM
 * certificate "installs" (nothing is kept), the list is empty. */
static int64_t im_cert_install(host *h, uint8_t *mem, uint32_t ms, int32_t kind, uint32_t ptr, int32_t len) {
    if (!inmem(ms, ptr, len)) return TRAP_RET;
    lg_i(h, 'i', kind);
    lg(h, 'i', mem + ptr, (size_t)len);
    if (kind < 0 || kind > 4) return -1;
    static const char pem[] = "-----BEGIN CERTIFICATE-----";
    return len >= (int32_t)sizeof pem - 1 && memcmp(mem + ptr, pem, sizeof pem - 1) == 0 ? 0 : -2;
}
static int64_t im_cert_delete(host *h, uint8_t *mem, uint32_t ms, uint32_t ptr, int32_t len) {
    if (!inmem(ms, ptr, len)) return TRAP_RET;
    lg(h, 'r', mem + ptr, (size_t)len);
    return -1;
}
static int64_t im_cert_list(uint32_t ms, uint32_t out, int32_t cap) { return inmem(ms, out, cap) ? 0 : TRAP_RET; }
static int64_t im_crypto_verify(uint32_t ms, uint32_t kp, int32_t kl, uint32_t dp, int32_t dl, uint32_t sp, int32_t sl) {
    return inmem(ms, kp, kl) && inmem(ms, dp, dl) && inmem(ms, sp, sl) ? 0 : TRAP_RET;
}
static int64_t im_crypto_csr(uint32_t ms, uint32_t sp, int32_t sl, uint32_t out, int32_t cap) {
    return inmem(ms, sp, sl) && inmem(ms, out, cap) ? -1 : TRAP_RET;
}
/* Firmware slots (revision 3, ABI3.md): one inactive slot in memory; only its length and a hash are kept. */
static int64_t im_slot_begin(host *h, int32_t size) {
    lg_i(h, 'B', size);
    if (h->slot_state == 1) return -3;
    if (size > SLOT_CAP) return -1;
    h->slot_writing = 1; h->slot_done = 0; h->slot_installed = 0; h->slot_len = 0; h->slot_hash = 2166136261u;
    return 0;
}
static int64_t im_slot_write(host *h, uint8_t *mem, uint32_t ms, int32_t off, uint32_t ptr, int32_t len) {
    if (!inmem(ms, ptr, len)) return TRAP_RET;
    lg_i(h, 'W', off);
    lg(h, 'W', mem + ptr, (size_t)len);
    if (!h->slot_writing) return -4;
    if (off < 0 || (uint32_t)off != h->slot_len) return -1;
    if ((uint64_t)h->slot_len + (uint32_t)len > SLOT_CAP) return -1;
    h->slot_len += (uint32_t)len;
    h->slot_hash = fnv(h->slot_hash, mem + ptr, (size_t)len);
    return len;
}
static int64_t im_slot_end(host *h) {
    lg_i(h, 'E', h->slot_len);
    if (!h->slot_writing) return -4;
    h->slot_writing = 0; h->slot_done = 1;
    return h->slot_len;
}
static int64_t im_slot_verify(host *h, uint32_t ms, uint32_t cp, int32_t cl, uint32_t sp, int32_t sl) {
    if (!inmem(ms, cp, cl) || !inmem(ms, sp, sl)) return TRAP_RET;
    return h->slot_done ? 0 : -1;
}
static int64_t im_slot_install(host *h) { lg_i(h, 'I', h->slot_done); if (!h->slot_done) return -1; h->slot_installed = 1; return 0; }
static int64_t im_slot_confirm(host *h) { lg_i(h, 'F', h->slot_state); h->slot_state = 0; return 0; }

/* AssemblyScript's abort: message and file are UTF-16 strings (byte length at ptr - 4); logged as raw bytes. */
static void im_abort(host *h, uint8_t *mem, uint32_t ms, uint32_t msg, uint32_t file, uint32_t line, uint32_t col) {
    uint32_t parts[2] = { msg, file };
    for (int i = 0; i < 2; i++) {
        uint32_t p = parts[i], n = 0;
        if (p >= 4 && p <= ms) { memcpy(&n, mem + p - 4, 4); if ((uint64_t)p + n > ms) n = 0; }
        lg(h, 'a', mem + p, n);
    }
    lg_i(h, 'a', ((int64_t)line << 32) | col);
}

/* ---- engines ------------------------------------------------------------------------------------------------- */
enum { X_INIT, X_CONFIG_SET, X_START, X_TICK, X_NEXT_WAKEUP, X_STREAM_OPEN, X_STREAM_DATA, X_STREAM_CLOSED, X_DGRAM,
       X_UART, X_CAN, X_GPIO, X_COLLECT, X_NEW, X_COUNT };
static const char *const EXPORTS[X_COUNT] = { "init", "config_set", "start", "tick", "next_wakeup", "on_stream_open",
    "on_stream_data", "on_stream_closed", "on_dgram", "on_uart_data", "on_can_frame", "on_gpio", "__collect", "__new" };
#define TAPE_NO_COLLECT 0x80   /* in a tape's export byte: the harness did not collect after this event */
#define HEAP_UNKNOWN UINT64_MAX

struct Z_env_instance_t { host *h; Z_firmware_instance_t *inst; };

typedef struct engine {
    const char *name;
    host h, h_boot;
    uint32_t rx_off, rx_cap;
    int trapped, stopped, findings;   /* stopped: too many new instances in one input, the rest is skipped */
    /* wasm2c */
    struct Z_env_instance_t env;
    Z_firmware_instance_t inst, inst_pristine, inst_boot;
    uint8_t *mem_pristine, *mem_boot;
    /* wasm3 */
    IM3Environment w3env;
    IM3Runtime rt;
    IM3Module mod;
    IM3Function fn[X_COUNT];
    int64_t *glob_pristine, *glob_boot;
    /* The runtime's count of allocated bytes (tcms `total`, a mutable global found by probing __new): the
     * harness collects after an event once it grew by more than g_collect_bytes since the last collection
     * (heap_mark: its value then). */
    int heap_found;
    size_t heap_off;                  /* wasm2c: byte offset of the global in the instance */
    uint32_t heap_glob;               /* wasm3: index of the global */
    uint64_t heap_mark, heap_mark_boot;
    /* tape for V8 (engine 0 only, when asked) */
    bytes *tape;
} engine;

static engine E2C, EW3;
static const uint8_t *g_wasm;                  /* the module's bytes (wasm3 keeps pointers into them) */
static size_t g_wasm_len;
static int g_fresh;                            /* FUZZ_FRESH=1: every input on new instances, booted (run.sh) */
static uint64_t g_collect_bytes = 4096;        /* FUZZ_COLLECT_BYTES (event()) */
static int g_sabotage_restore;                 /* FUZZ_SABOTAGE=restore (run.sh's self-check): wasm3's memory is not restored */
static bytes g_tape, g_tape_boot, g_log_boot;
static int g_want_tape;

static uint8_t *eng_mem(engine *e, uint32_t *size) {
    if (e == &E2C) { *size = (uint32_t)e->inst.w2c_memory.size; return e->inst.w2c_memory.data; }
    return m3_GetMemory(e->rt, size, 0);
}

/* wasm2c imports */
#define H (env->h)
#define M2 env->inst->w2c_memory.data, (uint32_t)env->inst->w2c_memory.size
static u32 ret2c(int64_t r) { if (r == TRAP_RET) wasm_rt_trap(WASM_RT_TRAP_OOB); return (u32)r; }
void Z_envZ_abort(struct Z_env_instance_t *env, u32 a, u32 b, u32 c, u32 d) { im_abort(H, M2, a, b, c, d); wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE); }
u64 Z_envZ_clock_wall_ms(struct Z_env_instance_t *env) { return (u64)(WALL0 + H->wall_off + H->now); }
u32 Z_envZ_clock_set_wall_ms(struct Z_env_instance_t *env, u64 ms) { return ret2c(im_clock_set(H, (int64_t)ms)); }
u32 Z_envZ_random_fill(struct Z_env_instance_t *env, u32 p, u32 n) { return ret2c(im_random_fill(H, M2, p, (int32_t)n)); }
void Z_envZ_log_write(struct Z_env_instance_t *env, u32 l, u32 p, u32 n) { (void)env; (void)l; (void)p; (void)n; }
u32 Z_envZ_stream_open(struct Z_env_instance_t *env, u32 hp, u32 hl, u32 port, u32 tls, u32 prof) { return ret2c(im_stream_open(H, M2, hp, (int32_t)hl, (int32_t)port, (int32_t)tls, (int32_t)prof)); }
u32 Z_envZ_stream_send(struct Z_env_instance_t *env, u32 hd, u32 p, u32 n) { return ret2c(im_stream_send(H, M2, (int32_t)hd, p, (int32_t)n)); }
u32 Z_envZ_stream_full(struct Z_env_instance_t *env, u32 hd) { return (u32)im_stream_full(H, (int32_t)hd); }
void Z_envZ_stream_close(struct Z_env_instance_t *env, u32 hd) { im_stream_close(H, (int32_t)hd); }
u32 Z_envZ_dgram_open(struct Z_env_instance_t *env, u32 hp, u32 hl, u32 port) { return ret2c(im_dgram_open(H, M2, hp, (int32_t)hl, (int32_t)port)); }
u32 Z_envZ_dgram_send(struct Z_env_instance_t *env, u32 hd, u32 p, u32 n) { return ret2c(im_dgram_send(H, M2, (int32_t)hd, p, (int32_t)n)); }
void Z_envZ_dgram_close(struct Z_env_instance_t *env, u32 hd) { im_dgram_close(H, (int32_t)hd); }
u32 Z_envZ_kv_get(struct Z_env_instance_t *env, u32 kp, u32 kl, u32 bp, u32 cap) { return ret2c(im_kv_get(H, M2, kp, (int32_t)kl, bp, (int32_t)cap)); }
u32 Z_envZ_kv_put(struct Z_env_instance_t *env, u32 kp, u32 kl, u32 vp, u32 vl) { return ret2c(im_kv_put(H, M2, kp, (int32_t)kl, vp, (int32_t)vl)); }
u32 Z_envZ_kv_delete(struct Z_env_instance_t *env, u32 kp, u32 kl) { return ret2c(im_kv_delete(H, M2, kp, (int32_t)kl)); }
u32 Z_envZ_uart_write(struct Z_env_instance_t *env, u32 port, u32 p, u32 n) { return ret2c(im_uart_write(H, M2, (int32_t)port, p, (int32_t)n)); }
u32 Z_envZ_can_send(struct Z_env_instance_t *env, u32 bus, u32 id, u32 fl, u32 p, u32 n) { return ret2c(im_can_send(H, M2, (int32_t)bus, id, (int32_t)fl, p, (int32_t)n)); }
u32 Z_envZ_gpio_set(struct Z_env_instance_t *env, u32 line, u32 lvl) { return ret2c(im_gpio_set(H, (int32_t)line, (int32_t)lvl)); }
u32 Z_envZ_crypto_hash(struct Z_env_instance_t *env, u32 alg, u32 p, u32 n, u32 o, u32 cap) { return ret2c(im_crypto_hash(H, M2, (int32_t)alg, p, (int32_t)n, o, (int32_t)cap)); }
u32 Z_envZ_crypto_verify(struct Z_env_instance_t *env, u32 alg, u32 kp, u32 kl, u32 dp, u32 dl, u32 sp, u32 sl) { (void)alg; return ret2c(im_crypto_verify((uint32_t)env->inst->w2c_memory.size, kp, (int32_t)kl, dp, (int32_t)dl, sp, (int32_t)sl)); }
u32 Z_envZ_crypto_csr(struct Z_env_instance_t *env, u32 slot, u32 kt, u32 sp, u32 sl, u32 o, u32 cap) { (void)slot; (void)kt; return ret2c(im_crypto_csr((uint32_t)env->inst->w2c_memory.size, sp, (int32_t)sl, o, (int32_t)cap)); }
u32 Z_envZ_cert_install(struct Z_env_instance_t *env, u32 kind, u32 p, u32 n) { return ret2c(im_cert_install(H, M2, (int32_t)kind, p, (int32_t)n)); }
u32 Z_envZ_cert_delete(struct Z_env_instance_t *env, u32 p, u32 n) { return ret2c(im_cert_delete(H, M2, p, (int32_t)n)); }
u32 Z_envZ_cert_list(struct Z_env_instance_t *env, u32 kind, u32 o, u32 cap) { (void)kind; return ret2c(im_cert_list((uint32_t)env->inst->w2c_memory.size, o, (int32_t)cap)); }
void Z_envZ_system_reboot(struct Z_env_instance_t *env, u32 kind) { lg_i(H, 'R', kind); H->reboot = (int32_t)kind + 1; }
u32 Z_envZ_fw_slot_begin(struct Z_env_instance_t *env, u32 size) { return ret2c(im_slot_begin(H, (int32_t)size)); }
u32 Z_envZ_fw_slot_write(struct Z_env_instance_t *env, u32 off, u32 p, u32 n) { return ret2c(im_slot_write(H, M2, (int32_t)off, p, (int32_t)n)); }
u32 Z_envZ_fw_slot_end(struct Z_env_instance_t *env) { return ret2c(im_slot_end(H)); }
u32 Z_envZ_fw_slot_verify(struct Z_env_instance_t *env, u32 cp, u32 cl, u32 sp, u32 sl) { return ret2c(im_slot_verify(H, (uint32_t)env->inst->w2c_memory.size, cp, (int32_t)cl, sp, (int32_t)sl)); }
u32 Z_envZ_fw_slot_install(struct Z_env_instance_t *env) { return ret2c(im_slot_install(H)); }
u32 Z_envZ_fw_slot_confirm(struct Z_env_instance_t *env) { return ret2c(im_slot_confirm(H)); }
u32 Z_envZ_fw_slot_state(struct Z_env_instance_t *env) { return (u32)H->slot_state; }
#undef H

/* wasm3 imports */
#define H ((host *)_ctx->userdata)
#define M3 (uint8_t *)_mem, m3_GetMemorySize(runtime)
#define RET(expr) { int64_t r_ = (expr); if (r_ == TRAP_RET) m3ApiTrap(m3Err_trapOutOfBoundsMemoryAccess); m3ApiReturn((int32_t)r_); }
#pragma GCC diagnostic ignored "-Wunused-parameter"
static m3ApiRawFunction(w3_abort) { m3ApiGetArg(uint32_t, a) m3ApiGetArg(uint32_t, b) m3ApiGetArg(uint32_t, c) m3ApiGetArg(uint32_t, d) im_abort(H, M3, a, b, c, d); m3ApiTrap(m3Err_trapAbort); }
static m3ApiRawFunction(w3_clock_wall_ms) { m3ApiReturnType(int64_t) m3ApiReturn(WALL0 + H->wall_off + H->now); }
static m3ApiRawFunction(w3_clock_set_wall_ms) { m3ApiReturnType(int32_t) m3ApiGetArg(int64_t, ms) RET(im_clock_set(H, ms)); }
static m3ApiRawFunction(w3_random_fill) { m3ApiReturnType(int32_t) m3ApiGetArg(uint32_t, p) m3ApiGetArg(int32_t, n) RET(im_random_fill(H, M3, p, n)); }
static m3ApiRawFunction(w3_log_write) { m3ApiSuccess(); }
static m3ApiRawFunction(w3_stream_open) { m3ApiReturnType(int32_t) m3ApiGetArg(uint32_t, hp) m3ApiGetArg(int32_t, hl) m3ApiGetArg(int32_t, port) m3ApiGetArg(int32_t, tls) m3ApiGetArg(int32_t, prof) RET(im_stream_open(H, M3, hp, hl, port, tls, prof)); }
static m3ApiRawFunction(w3_stream_send) { m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, hd) m3ApiGetArg(uint32_t, p) m3ApiGetArg(int32_t, n) RET(im_stream_send(H, M3, hd, p, n)); }
static m3ApiRawFunction(w3_stream_full) { m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, hd) m3ApiReturn(im_stream_full(H, hd)); }
static m3ApiRawFunction(w3_stream_close) { m3ApiGetArg(int32_t, hd) im_stream_close(H, hd); m3ApiSuccess(); }
static m3ApiRawFunction(w3_dgram_open) { m3ApiReturnType(int32_t) m3ApiGetArg(uint32_t, hp) m3ApiGetArg(int32_t, hl) m3ApiGetArg(int32_t, port) RET(im_dgram_open(H, M3, hp, hl, port)); }
static m3ApiRawFunction(w3_dgram_send) { m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, hd) m3ApiGetArg(uint32_t, p) m3ApiGetArg(int32_t, n) RET(im_dgram_send(H, M3, hd, p, n)); }
static m3ApiRawFunction(w3_dgram_close) { m3ApiGetArg(int32_t, hd) im_dgram_close(H, hd); m3ApiSuccess(); }
static m3ApiRawFunction(w3_kv_get) { m3ApiReturnType(int32_t) m3ApiGetArg(uint32_t, kp) m3ApiGetArg(int32_t, kl) m3ApiGetArg(uint32_t, bp) m3ApiGetArg(int32_t, cap) RET(im_kv_get(H, M3, kp, kl, bp, cap)); }
static m3ApiRawFunction(w3_kv_put) { m3ApiReturnType(int32_t) m3ApiGetArg(uint32_t, kp) m3ApiGetArg(int32_t, kl) m3ApiGetArg(uint32_t, vp) m3ApiGetArg(int32_t, vl) RET(im_kv_put(H, M3, kp, kl, vp, vl)); }
static m3ApiRawFunction(w3_kv_delete) { m3ApiReturnType(int32_t) m3ApiGetArg(uint32_t, kp) m3ApiGetArg(int32_t, kl) RET(im_kv_delete(H, M3, kp, kl)); }
static m3ApiRawFunction(w3_uart_write) { m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, port) m3ApiGetArg(uint32_t, p) m3ApiGetArg(int32_t, n) RET(im_uart_write(H, M3, port, p, n)); }
static m3ApiRawFunction(w3_can_send) { m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, bus) m3ApiGetArg(uint32_t, id) m3ApiGetArg(int32_t, fl) m3ApiGetArg(uint32_t, p) m3ApiGetArg(int32_t, n) RET(im_can_send(H, M3, bus, id, fl, p, n)); }
static m3ApiRawFunction(w3_gpio_set) { m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, line) m3ApiGetArg(int32_t, lvl) RET(im_gpio_set(H, line, lvl)); }
static m3ApiRawFunction(w3_crypto_hash) { m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, alg) m3ApiGetArg(uint32_t, p) m3ApiGetArg(int32_t, n) m3ApiGetArg(uint32_t, o) m3ApiGetArg(int32_t, cap) RET(im_crypto_hash(H, M3, alg, p, n, o, cap)); }
static m3ApiRawFunction(w3_crypto_verify) { m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, alg) m3ApiGetArg(uint32_t, kp) m3ApiGetArg(int32_t, kl) m3ApiGetArg(uint32_t, dp) m3ApiGetArg(int32_t, dl) m3ApiGetArg(uint32_t, sp) m3ApiGetArg(int32_t, sl) (void)alg; RET(im_crypto_verify(m3_GetMemorySize(runtime), kp, kl, dp, dl, sp, sl)); }
static m3ApiRawFunction(w3_crypto_csr) { m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, slot) m3ApiGetArg(int32_t, kt) m3ApiGetArg(uint32_t, sp) m3ApiGetArg(int32_t, sl) m3ApiGetArg(uint32_t, o) m3ApiGetArg(int32_t, cap) (void)slot; (void)kt; RET(im_crypto_csr(m3_GetMemorySize(runtime), sp, sl, o, cap)); }
static m3ApiRawFunction(w3_cert_install) { m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, kind) m3ApiGetArg(uint32_t, p) m3ApiGetArg(int32_t, n) RET(im_cert_install(H, M3, kind, p, n)); }
static m3ApiRawFunction(w3_cert_delete) { m3ApiReturnType(int32_t) m3ApiGetArg(uint32_t, p) m3ApiGetArg(int32_t, n) RET(im_cert_delete(H, M3, p, n)); }
static m3ApiRawFunction(w3_cert_list) { m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, kind) m3ApiGetArg(uint32_t, o) m3ApiGetArg(int32_t, cap) (void)kind; RET(im_cert_list(m3_GetMemorySize(runtime), o, cap)); }
static m3ApiRawFunction(w3_system_reboot) { m3ApiGetArg(int32_t, kind) lg_i(H, 'R', kind); H->reboot = kind + 1; m3ApiSuccess(); }
static m3ApiRawFunction(w3_slot_begin) { m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, size) RET(im_slot_begin(H, size)); }
static m3ApiRawFunction(w3_slot_write) { m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, off) m3ApiGetArg(uint32_t, p) m3ApiGetArg(int32_t, n) RET(im_slot_write(H, M3, off, p, n)); }
static m3ApiRawFunction(w3_slot_end) { m3ApiReturnType(int32_t) RET(im_slot_end(H)); }
static m3ApiRawFunction(w3_slot_verify) { m3ApiReturnType(int32_t) m3ApiGetArg(uint32_t, cp) m3ApiGetArg(int32_t, cl) m3ApiGetArg(uint32_t, sp) m3ApiGetArg(int32_t, sl) RET(im_slot_verify(H, m3_GetMemorySize(runtime), cp, cl, sp, sl)); }
static m3ApiRawFunction(w3_slot_install) { m3ApiReturnType(int32_t) RET(im_slot_install(H)); }
static m3ApiRawFunction(w3_slot_confirm) { m3ApiReturnType(int32_t) RET(im_slot_confirm(H)); }
static m3ApiRawFunction(w3_slot_state) { m3ApiReturnType(int32_t) m3ApiReturn(H->slot_state); }
#undef H

static void die(const char *fmt, ...) {
    va_list ap; va_start(ap, fmt); vfprintf(stderr, fmt, ap); va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

static void w3_load(engine *e, const uint8_t *wasm, size_t len) {
    static const struct { const char *name, *sig; M3RawCall fn; } table[] = {
        { "abort", "v(iiii)", w3_abort }, { "clock_wall_ms", "I()", w3_clock_wall_ms }, { "clock_set_wall_ms", "i(I)", w3_clock_set_wall_ms },
        { "random_fill", "i(ii)", w3_random_fill }, { "log_write", "v(iii)", w3_log_write }, { "stream_open", "i(iiiii)", w3_stream_open },
        { "stream_send", "i(iii)", w3_stream_send }, { "stream_close", "v(i)", w3_stream_close }, { "stream_full", "i(i)", w3_stream_full }, { "dgram_open", "i(iii)", w3_dgram_open },
        { "dgram_send", "i(iii)", w3_dgram_send }, { "dgram_close", "v(i)", w3_dgram_close }, { "kv_get", "i(iiii)", w3_kv_get },
        { "kv_put", "i(iiii)", w3_kv_put }, { "kv_delete", "i(ii)", w3_kv_delete }, { "uart_write", "i(iii)", w3_uart_write },
        { "can_send", "i(iiiii)", w3_can_send }, { "gpio_set", "i(ii)", w3_gpio_set }, { "crypto_hash", "i(iiiii)", w3_crypto_hash },
        { "crypto_verify", "i(iiiiiii)", w3_crypto_verify }, { "crypto_csr", "i(iiiiii)", w3_crypto_csr }, { "cert_install", "i(iii)", w3_cert_install },
        { "cert_delete", "i(ii)", w3_cert_delete }, { "cert_list", "i(iii)", w3_cert_list }, { "system_reboot", "v(i)", w3_system_reboot },
        { "fw_slot_begin", "i(i)", w3_slot_begin }, { "fw_slot_write", "i(iii)", w3_slot_write }, { "fw_slot_end", "i()", w3_slot_end },
        { "fw_slot_verify", "i(iiii)", w3_slot_verify }, { "fw_slot_install", "i()", w3_slot_install }, { "fw_slot_confirm", "i()", w3_slot_confirm },
        { "fw_slot_state", "i()", w3_slot_state },
    };
    e->w3env = m3_NewEnvironment();
    e->rt = m3_NewRuntime(e->w3env, getenv("FUZZ_W3_STACK") ? (uint32_t)atoi(getenv("FUZZ_W3_STACK")) : 8192, NULL);   /* the C host's value stack (host/c/posix/main.c) */
    M3Result r = m3_ParseModule(e->w3env, &e->mod, wasm, (uint32_t)len);
    if (!r) r = m3_LoadModule(e->rt, e->mod);
    for (size_t i = 0; !r && i < sizeof table / sizeof table[0]; i++) {
        r = m3_LinkRawFunctionEx(e->mod, "env", table[i].name, table[i].sig, table[i].fn, &e->h);
        if (r == m3Err_functionLookupFailed) r = NULL;
    }
    for (int i = 0; !r && i < X_COUNT; i++) r = m3_FindFunction(&e->fn[i], e->rt, EXPORTS[i]);
    if (r) die("wasm3: %s", r);
}

static int64_t *w3_globals_save(engine *e, int64_t *g) {
    if (!g) g = calloc(e->mod->numGlobals + 1, sizeof *g);
    for (uint32_t i = 0; i < e->mod->numGlobals; i++) g[i] = e->mod->globals[i].intValue;
    return g;
}
static void w3_globals_load(engine *e, const int64_t *g) { for (uint32_t i = 0; i < e->mod->numGlobals; i++) e->mod->globals[i].intValue = g[i]; }

static uint8_t *mem_save(engine *e, uint8_t *dst) {
    uint32_t size;
    uint8_t *m = eng_mem(e, &size);
    if (!dst) dst = malloc(size);
    memcpy(dst, m, size);
    return dst;
}
static void mem_load(engine *e, const uint8_t *src) { uint32_t size; uint8_t *m = eng_mem(e, &size); memcpy(m, src, size); }

/* wasm2c's instance fields as saved in `saved` (globals and the rest), keeping its memory and imports' env. */
static void w2c_inst_load(engine *e, const Z_firmware_instance_t *saved) {
    wasm_rt_memory_t m = e->inst.w2c_memory;
    e->inst = *saved;
    e->inst.w2c_memory = m;
    e->inst.Z_env_instance = &e->env;
}

/* The instance as it was right after instantiation (start function run): a new instance, cheaply. */
static void instance_new(engine *e) {
    if (e == &E2C) {
        w2c_inst_load(e, &e->inst_pristine);
    } else {
        w3_globals_load(e, e->glob_pristine);
    }
    mem_load(e, e->mem_pristine);
    e->heap_mark = HEAP_UNKNOWN;
}

/* The runtime's allocated-bytes count, or HEAP_UNKNOWN when it was not found (then every event collects). */
static uint64_t heap_total(engine *e) {
    if (!e->heap_found) return HEAP_UNKNOWN;
    if (e == &E2C) { uint32_t v; memcpy(&v, (const uint8_t *)&e->inst + e->heap_off, 4); return v; }
    return (uint32_t)e->mod->globals[e->heap_glob].intValue;
}

/* ---- calling exports ----------------------------------------------------------------------------------------- */
/* Calls one export; 0, or -1 when the instance trapped. */
static int raw_call(engine *e, int fn, int64_t a, int64_t b, int64_t c, int64_t d, int64_t *ret) {
    int64_t v = 0;
    if (e == &E2C) {
        Z_firmware_instance_t *in = &e->inst;
        int trap = wasm_rt_impl_try();
        if (trap != 0) {
            if (getenv("FUZZ_TRACE")) fprintf(stderr, "wasm2c trap in %s: %s\n", EXPORTS[fn], wasm_rt_strerror((wasm_rt_trap_t)trap));
            return -1;
        }
        switch (fn) {
        case X_INIT: Z_firmwareZ_init(in, (u64)a); break;
        case X_CONFIG_SET: v = (int32_t)Z_firmwareZ_config_set(in, (u32)a, (u32)b); break;
        case X_START: Z_firmwareZ_start(in); break;
        case X_TICK: Z_firmwareZ_tick(in, (u64)a); break;
        case X_NEXT_WAKEUP: v = (int64_t)Z_firmwareZ_next_wakeup(in); break;
        case X_STREAM_OPEN: Z_firmwareZ_on_stream_open(in, (u32)a, (u32)b); break;
        case X_STREAM_DATA: Z_firmwareZ_on_stream_data(in, (u32)a, (u32)b); break;
        case X_STREAM_CLOSED: Z_firmwareZ_on_stream_closed(in, (u32)a, (u32)b); break;
        case X_DGRAM: Z_firmwareZ_on_dgram(in, (u32)a, (u32)b); break;
        case X_UART: Z_firmwareZ_on_uart_data(in, (u32)a, (u32)b); break;
        case X_CAN: Z_firmwareZ_on_can_frame(in, (u32)a, (u32)b, (u32)c, (u32)d); break;
        case X_GPIO: Z_firmwareZ_on_gpio(in, (u32)a, (u32)b); break;
        case X_COLLECT: Z_firmwareZ___collect(in); break;
        case X_NEW: v = (int32_t)Z_firmwareZ___new(in, (u32)a, (u32)b); break;
        }
    } else {
        IM3Function f = e->fn[fn];
        M3Result r;
        int32_t i32 = 0;
        switch (fn) {
        case X_INIT: case X_TICK: r = m3_CallV(f, a); break;
        case X_CONFIG_SET: case X_STREAM_OPEN: case X_STREAM_DATA: case X_STREAM_CLOSED: case X_DGRAM: case X_UART: case X_GPIO:
            r = m3_CallV(f, (int32_t)a, (int32_t)b); break;
        case X_CAN: r = m3_CallV(f, (int32_t)a, (uint32_t)b, (int32_t)c, (int32_t)d); break;
        case X_NEW: r = m3_CallV(f, (int32_t)a, (int32_t)b); break;
        default: r = m3_CallV(f); break;
        }
        if (r) {
            if (getenv("FUZZ_TRACE")) {
                M3ErrorInfo info;
                m3_GetErrorInfo(e->rt, &info);
                fprintf(stderr, "wasm3 trap in %s: %s (%s)\n", EXPORTS[fn], r, info.function ? m3_GetFunctionName(info.function) : "?");
            }
            return -1;
        }
        if (fn == X_CONFIG_SET) { m3_GetResultsV(f, &i32); v = i32; }
        if (fn == X_NEXT_WAKEUP) m3_GetResultsV(f, &v);
        if (fn == X_NEW) { m3_GetResultsV(f, &i32); v = i32; }
    }
    if (ret) *ret = v;
    return 0;
}

static void boot(engine *e);

/* A trap or a reboot: a new instance from the same module, storage kept, booted again (host-abi.md "Traps"). */
static int recreations;
static void recreate(engine *e) {
    host *h = &e->h;
    h->stream = 0; h->sstate = ST_NONE; h->dgram = 0; h->out.n = 0; h->msg.n = 0; h->call_id[0] = 0; h->reboot = 0; h->ncanq = 0; h->ngpioq = 0; h->ntp_handle = 0;
    if (g_want_tape && e == &E2C) b_u8(&g_tape, 'N');
    lg_i(h, 'N', 0);
    if (++recreations > MAX_RECREATE) { e->stopped = 1; return; }
    instance_new(e);
    boot(e);
}

/* One event: the RX bytes, the export, then __collect (host-abi.md). Returns the export's value. */
static int64_t event(engine *e, int fn, int nargs, int64_t a, int64_t b, int64_t c, int64_t d, const uint8_t *rx, size_t rxlen) {
    if (e->stopped) return 0;
    host *h = &e->h;
    if (rxlen) { uint32_t size; uint8_t *m = eng_mem(e, &size); memcpy(m + e->rx_off, rx, rxlen); }
    size_t tape_fn = 0;
    if (g_want_tape && e == &E2C) {
        int64_t args[4] = { a, b, c, d };
        b_u8(&g_tape, 'E'); tape_fn = g_tape.n; b_u8(&g_tape, (uint8_t)fn); b_u8(&g_tape, (uint8_t)nargs);
        for (int i = 0; i < nargs; i++) b_u64(&g_tape, (uint64_t)args[i]);
        b_u32(&g_tape, (uint32_t)rxlen); b_put(&g_tape, rx, rxlen);
    }
    int64_t v = 0;
    int rc = raw_call(e, fn, a, b, c, d, &v);
    /* __collect after the event, as the hosts do, once the events since the last collection allocated more than
     * g_collect_bytes (FUZZ_COLLECT_BYTES, 4096 unless set; 0: after every event that allocated). Without an
     * allocation a collection only frees what stores unlinked, which the next one frees as well; each costs a
     * full mark of the heap (about 190 KB live), most of an input's time on wasm3. Deferring it only delays
     * reuse of that much garbage: a trap for want of memory is still a finding (FUZZ_COLLECT_BYTES=0 tells). */
    if (rc == 0) {
        uint64_t total = heap_total(e);
        if (total == HEAP_UNKNOWN || e->heap_mark == HEAP_UNKNOWN || total < e->heap_mark || total - e->heap_mark > g_collect_bytes) {
            rc = raw_call(e, X_COLLECT, 0, 0, 0, 0, NULL);
            e->heap_mark = heap_total(e);
        } else if (tape_fn) {
            g_tape.p[tape_fn] |= TAPE_NO_COLLECT;
        }
    }
    if (rc != 0) {
        lg_i(h, 'X', fn);
        e->findings++;
        e->trapped = 1;
        recreate(e);
        return 0;
    }
    if (fn == X_CONFIG_SET || fn == X_NEXT_WAKEUP) lg_i(h, 'V', v);
    if (h->reboot) recreate(e);
    return v;
}
#define EV0(e, fn) event(e, fn, 0, 0, 0, 0, 0, NULL, 0)
#define EV1(e, fn, a) event(e, fn, 1, a, 0, 0, 0, NULL, 0)
#define EV2(e, fn, a, b) event(e, fn, 2, a, b, 0, 0, NULL, 0)

static void feed_stream(engine *e, const uint8_t *p, size_t n) {
    for (size_t off = 0; off < n && e->h.sstate != ST_NONE && !e->stopped; off += e->rx_cap) {
        size_t k = n - off < e->rx_cap ? n - off : e->rx_cap;
        event(e, X_STREAM_DATA, 2, e->h.stream, (int64_t)k, 0, 0, p + off, k);
    }
}

/* A server frame (unmasked). */
static void frame(bytes *b, int fin, int opcode, const uint8_t *p, size_t n) {
    b_u8(b, (uint8_t)((fin ? 0x80 : 0) | opcode));
    if (n < 126) b_u8(b, (uint8_t)n);
    else if (n < 65536) { b_u8(b, 126); b_u8(b, (uint8_t)(n >> 8)); b_u8(b, (uint8_t)n); }
    else { b_u8(b, 127); for (int i = 7; i >= 0; i--) b_u8(b, (uint8_t)((uint64_t)n >> (8 * i))); }
    b_put(b, p, n);
}
static void send_text(engine *e, const uint8_t *p, size_t n) {
    bytes b = { 0 };
    frame(&b, 1, 1, p, n);
    feed_stream(e, b.p, b.n);
    free(b.p);
}

static const uint8_t *find(const uint8_t *hay, size_t n, const char *needle) {
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++) if (memcmp(hay + i, needle, k) == 0) return hay + i;
    return NULL;
}

/* What the CSMS does unasked: answers the upgrade and (flags) the station's CALLs. */
static void on_client_message(engine *e, const uint8_t *p, size_t n, int answer_all) {
    host *h = &e->h;
    if (e == &E2C && getenv("FUZZ_TRACE")) fprintf(stderr, "station> %.*s\n", (int)n, (const char *)p);
    if (n < 5 || memcmp(p, "[2,\"", 4) != 0) return;
    size_t i = 4, k = 0;
    char id[40], action[64];
    while (i < n && p[i] != '"' && k + 1 < sizeof id) id[k++] = (char)p[i++];
    id[k] = 0;
    if (i + 3 > n || p[i] != '"' || p[i + 1] != ',' || p[i + 2] != '"') return;
    i += 3; k = 0;
    while (i < n && p[i] != '"' && k + 1 < sizeof action) action[k++] = (char)p[i++];
    action[k] = 0;
    memcpy(h->call_id, id, sizeof id);
    int boot_call = strcmp(action, "BootNotification") == 0;
    if (!answer_all && !boot_call) return;
    for (size_t a = 0; a < sizeof AUTO_RESPONSES / sizeof AUTO_RESPONSES[0]; a++) {
        if (strcmp(AUTO_RESPONSES[a].action, action) != 0) continue;
        char msg[512];
        const char *payload = boot_call ? "{\"currentTime\":\"2026-01-01T00:00:00.000Z\",\"interval\":300,\"status\":\"Accepted\"}" : AUTO_RESPONSES[a].payload;
        int len = snprintf(msg, sizeof msg, "[3,\"%s\",%s]", id, payload);
        send_text(e, (const uint8_t *)msg, (size_t)len);
        return;
    }
}

static void settle(engine *e, int answer_all) {
    host *h = &e->h;
    for (int iter = 0; iter < 64 && !e->stopped; iter++) {
        if (h->ncanq) {
            uint32_t id = h->canq[0].id;
            uint8_t data[8], len = h->canq[0].len;
            memcpy(data, h->canq[0].data, 8);
            memmove(&h->canq[0], &h->canq[1], (size_t)(--h->ncanq) * sizeof h->canq[0]);
            event(e, X_CAN, 4, 0, id, 1, len, data, len);
            continue;
        }
        if (h->ntp_handle) {
            int32_t handle = h->ntp_handle;
            uint8_t a[48];
            memcpy(a, h->ntp, 48);
            h->ntp_handle = 0;
            event(e, X_DGRAM, 2, handle, 48, 0, 0, a, 48);
            continue;
        }
        if (h->ngpioq) {
            int32_t line = h->gpioq[0].line, level = h->gpioq[0].level;
            memmove(&h->gpioq[0], &h->gpioq[1], (size_t)(--h->ngpioq) * sizeof h->gpioq[0]);
            EV2(e, X_GPIO, line, level);
            continue;
        }
        if (h->sstate == ST_OPENING) {
            h->sstate = ST_UPGRADING;
            event(e, X_STREAM_OPEN, 2, h->stream, 0, 0, 0, NULL, 0);
            continue;
        }
        if (h->sstate == ST_UPGRADING) {
            const uint8_t *end = find(h->out.p, h->out.n, "\r\n\r\n");
            if (!end) return;
            const uint8_t *key = find(h->out.p, (size_t)(end - h->out.p), "Sec-WebSocket-Key: ");
            char resp[256];
            uint8_t digest[20], acc[64];
            size_t acclen = 0;
            if (key) {
                key += 19;
                const uint8_t *eol = find(key, (size_t)(end + 2 - key), "\r\n");
                uint8_t in[128];
                size_t kl = (size_t)(eol - key);
                if (kl > 64) kl = 64;
                memcpy(in, key, kl);
                memcpy(in + kl, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", 36);
                mbedtls_md(mbedtls_md_info_from_type(MBEDTLS_MD_SHA1), in, kl + 36, digest);
                mbedtls_base64_encode(acc, sizeof acc, &acclen, digest, 20);
            }
            b_drop(&h->out, (size_t)(end + 4 - h->out.p));
            int n = snprintf(resp, sizeof resp, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                             "Sec-WebSocket-Accept: %.*s\r\nSec-WebSocket-Protocol: ocpp2.0.1\r\n\r\n", (int)acclen, acc);
            h->sstate = ST_OPEN;
            feed_stream(e, (const uint8_t *)resp, (size_t)n);
            continue;
        }
        if (h->sstate != ST_OPEN || h->out.n < 2) return;
        /* The client's frames: masked; text and continuation assembled into messages. */
        const uint8_t *b = h->out.p;
        uint64_t len = b[1] & 0x7f;
        size_t off = 2;
        if (len == 126) { if (h->out.n < 4) return; len = ((uint64_t)b[2] << 8) | b[3]; off = 4; }
        else if (len == 127) { if (h->out.n < 10) return; len = 0; for (int i = 0; i < 8; i++) len = (len << 8) | b[2 + i]; off = 10; }
        int masked = (b[1] & 0x80) != 0;
        if (len > (1u << 24)) { h->out.n = 0; return; }
        if (h->out.n < off + (masked ? 4 : 0) + len) return;
        const uint8_t *mk = masked ? b + off : NULL;
        off += masked ? 4 : 0;
        int opcode = b[0] & 15, fin = (b[0] & 0x80) != 0;
        if (opcode == 1 || opcode == 0) {
            if (opcode == 1) h->msg.n = 0;
            size_t start = h->msg.n;
            b_put(&h->msg, b + off, (size_t)len);
            if (mk) for (size_t i = 0; i < len; i++) h->msg.p[start + i] ^= mk[i & 3];
        }
        b_drop(&h->out, off + (size_t)len);
        if ((opcode == 1 || opcode == 0) && fin) {
            bytes m = h->msg;
            h->msg = (bytes){ 0 };
            on_client_message(e, m.p, m.n, answer_all);
            free(m.p);
        }
    }
}

static void boot(engine *e) {
    static const char *const config[][2] = { { "station_id", "FUZZ1" }, { "csms_url", "ws://csms.test:9000/ocpp" } };
    host *h = &e->h;
    EV1(e, X_INIT, h->now);
    for (size_t i = 0; i < sizeof config / sizeof config[0]; i++) {
        uint8_t rx[128];
        size_t kl = strlen(config[i][0]), vl = strlen(config[i][1]);
        memcpy(rx, config[i][0], kl); memcpy(rx + kl, config[i][1], vl);
        event(e, X_CONFIG_SET, 2, (int64_t)kl, (int64_t)vl, 0, 0, rx, kl + vl);
    }
    EV0(e, X_START);
    /* A new instance knows no input level: the hardware reports each again (host-abi.md on_gpio), host/sim's
     * idle charger: CP at +12 V (state A, no EV), contactor and lock feedback open, on both connectors. */
    for (int c = 1; c <= 2; c++) {
        EV2(e, X_GPIO, c * 10 + 0, 12000);
        EV2(e, X_GPIO, c * 10 + 3, 0);
        EV2(e, X_GPIO, c * 10 + 5, 0);
    }
    settle(e, 0);
}

/* Time passes: every wake-up up to now + ms gets its tick, as the hosts' virtual clock does. */
static void advance(engine *e, uint32_t ms, int answer_all) {
    host *h = &e->h;
    int64_t target = h->now + ms;
    for (int i = 0; i < MAX_WAKEUPS && !e->stopped; i++) {
        int64_t w = EV0(e, X_NEXT_WAKEUP);
        if (w > target) break;
        if (w > h->now) h->now = w;
        EV1(e, X_TICK, h->now);
        settle(e, answer_all);
    }
    h->now = target;
    EV1(e, X_TICK, h->now);
    settle(e, answer_all);
}

static uint32_t le32(const uint8_t *p, size_t n) { uint8_t x[4] = { 0 }; memcpy(x, p, n < 4 ? n : 4); return x[0] | x[1] << 8 | x[2] << 16 | (uint32_t)x[3] << 24; }

/* FUZZ_FRESH: what the snapshot stands for, done in full: a new instance (wasm2c: instantiated again; wasm3: a
 * new environment and runtime, the module parsed, loaded and linked again), a new host, the boot. */
static void w3_load(engine *e, const uint8_t *wasm, size_t len);
static void engine_fresh(engine *e) {
    host_reset(&e->h);
    if (e == &E2C) {
        Z_firmware_free(&e->inst);
        memset(&e->inst, 0, sizeof e->inst);
        Z_firmware_instantiate(&e->inst, &e->env);
    } else {
        m3_FreeRuntime(e->rt);
        m3_FreeEnvironment(e->w3env);
        w3_load(e, g_wasm, g_wasm_len);
    }
    e->heap_mark = HEAP_UNKNOWN;
    boot(e);
    if (e->trapped || e->h.sstate != ST_OPEN) die("%s: a new instance does not boot and connect", e->name);
    e->h.log.n = 0;
}

static void run_input(engine *e, const uint8_t *data, size_t size) {
    host *h = &e->h;
    /* the booted station */
    e->trapped = 0;
    e->stopped = 0;
    recreations = 0;
    if (g_fresh) engine_fresh(e); else {
    host_copy(h, &e->h_boot);
    h->log.n = 0;
    if (e == &E2C) {
        w2c_inst_load(e, &e->inst_boot);
    } else {
        w3_globals_load(e, e->glob_boot);
    }
    if (!(e == &EW3 && g_sabotage_restore)) mem_load(e, e->mem_boot);
    e->heap_mark = e->heap_mark_boot;
    }
    /* FUZZ_SABOTAGE (run.sh's self-check): 1, wasm3's host draws other random bytes, so the comparison must fail;
     * trap, the next random_fill traps the image on both engines (a finding; the instance is made again). */
    const char *sabotage = getenv("FUZZ_SABOTAGE");
    if (sabotage && strcmp(sabotage, "trap") == 0) h->trap_random = 1;
    else if (sabotage && e == &EW3 && !g_sabotage_restore) h->prng ^= 1;
    if (size == 0) return;
    int answer_all = data[0] & 1;
    h->silent = (data[0] & 2) != 0;
    size_t pos = 1;
    for (int ops = 0; pos + 3 <= size && ops < MAX_OPS && !e->stopped; ops++) {
        int op = data[pos] % 13;
        size_t n = (size_t)data[pos + 1] | (size_t)data[pos + 2] << 8;
        pos += 3;
        if (n > size - pos) n = size - pos;
        const uint8_t *d = data + pos;
        pos += n;
        int linked = h->sstate == ST_OPEN;
        bytes b = { 0 };
        char head[96];
        int hl;
        switch (op) {
        case 0: if (linked) send_text(e, d, n); break;
        case 1:
            if (!linked || n == 0) break;
            hl = snprintf(head, sizeof head, "[2,\"fz%u\",\"%s\",", h->calls++, CSMS_ACTIONS[d[0] % NACT]);
            b_put(&b, head, (size_t)hl); b_put(&b, d + 1, n - 1); b_u8(&b, ']');
            send_text(e, b.p, b.n);
            break;
        case 2: case 3:
            if (!linked) break;
            hl = snprintf(head, sizeof head, "[%d,\"%s\",", op == 2 ? 3 : 4, h->call_id[0] ? h->call_id : "x");
            b_put(&b, head, (size_t)hl); b_put(&b, d, n);
            if (op == 2) b_u8(&b, ']');
            send_text(e, b.p, b.n);
            break;
        case 4: if (linked) feed_stream(e, d, n); break;
        case 5:
            if (!linked || n < 2) break;
            {
                size_t cut = 1 + d[0] % (n - 1);
                frame(&b, 0, 1, d + 1, cut - 1);
                if (d[0] & 0x80) frame(&b, 1, 9, (const uint8_t *)"p", 1);
                frame(&b, 1, 0, d + cut, n - cut);
                feed_stream(e, b.p, b.n);
            }
            break;
        case 6:
            if (n < 1) break;
            for (size_t off = 1; off < n && !e->stopped; off += e->rx_cap) {
                size_t k = n - off < e->rx_cap ? n - off : e->rx_cap;
                event(e, X_UART, 2, d[0] % 4, (int64_t)k, 0, 0, d + off, k);
            }
            break;
        case 7:
            if (n < 6) break;
            event(e, X_CAN, 4, d[0] % 2, le32(d + 1, 4), d[5] & 3, n - 6 > 8 ? 8 : (int64_t)(n - 6), d + 6, n - 6 > 8 ? 8 : n - 6);
            break;
        case 8: {
            size_t k = n < e->rx_cap ? n : e->rx_cap;
            event(e, X_DGRAM, 2, h->dgram ? h->dgram : 1, (int64_t)k, 0, 0, d, k);
            break;
        }
        case 9: advance(e, le32(d, n) % DAY_MS, answer_all); break;
        case 10: if (n >= 1) event(e, X_GPIO, 2, d[0], (int32_t)le32(d + 1, n - 1), 0, 0, NULL, 0); break;
        case 11:
            if (h->sstate == ST_NONE) break;
            {
                int32_t s = h->stream;
                h->stream = 0; h->sstate = ST_NONE;
                if (g_want_tape && e == &E2C) b_u8(&g_tape, 'C');   /* the host forgets the stream */
                event(e, X_STREAM_CLOSED, 2, s, n ? -(d[0] % 17) : 0, 0, 0, NULL, 0);
            }
            break;
        case 12: recreate(e); break;
        }
        free(b.p);
        settle(e, answer_all);
    }
}

/* ---- set-up and the per-input check ---------------------------------------------------------------------- */
static uint8_t *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)n + 1);
    if (fread(p, 1, (size_t)n, f) != (size_t)n) { free(p); p = NULL; }
    fclose(f);
    *len = (size_t)n;
    return p;
}

/* Finds the runtime's allocated-bytes global: on the booted instance, the one mutable global that __new(64)
 * changes, and by at least 64. Then the booted state again. Not found (another runtime): every event collects. */
static void heap_probe(engine *e) {
    uint64_t mark = e->heap_mark;
    int64_t ptr = 0;
    int found = 0;
    if (e == &E2C) {
        Z_firmware_instance_t before = e->inst;
        if (raw_call(e, X_NEW, 64, 0, 0, 0, &ptr) == 0) {
            const uint8_t *x = (const uint8_t *)&before, *y = (const uint8_t *)&e->inst;
            for (size_t off = 0; off + 4 <= sizeof before; off += 4) {
                uint32_t u, v;
                memcpy(&u, x + off, 4); memcpy(&v, y + off, 4);
                if (u == v) continue;
                if (found++ == 0 && v >= u + 64 && v - u < 1024) e->heap_off = off; else found = 2;
            }
        }
        w2c_inst_load(e, &e->inst_boot);
    } else {
        if (raw_call(e, X_NEW, 64, 0, 0, 0, &ptr) == 0) {
            for (uint32_t i = 0; i < e->mod->numGlobals; i++) {
                uint64_t u = (uint64_t)e->glob_boot[i], v = e->mod->globals[i].intValue;
                if (u == v) continue;
                if (found++ == 0 && v >= u + 64 && v - u < 1024) e->heap_glob = i; else found = 2;
            }
        }
        w3_globals_load(e, e->glob_boot);
    }
    mem_load(e, e->mem_boot);
    e->heap_found = found == 1 && ptr != 0;
    if (!e->heap_found) fprintf(stderr, "%s: the runtime's allocation count was not found: a collection after every event\n", e->name);
    e->heap_mark = mark;
}

static void engine_boot(engine *e) {
    e->h.prng = 0x9e3779b97f4a7c15ull;
    uint32_t rx = 0, cap = 0;
    if (e == &E2C) {
        wasm_rt_impl_try();
        rx = Z_firmwareZ_rx_buffer(&e->inst); cap = Z_firmwareZ_rx_capacity(&e->inst);
    } else {
        IM3Function f;
        if (m3_FindFunction(&f, e->rt, "rx_buffer") || m3_CallV(f) || m3_GetResultsV(f, &rx)) die("wasm3: rx_buffer");
        if (m3_FindFunction(&f, e->rt, "rx_capacity") || m3_CallV(f) || m3_GetResultsV(f, &cap)) die("wasm3: rx_capacity");
    }
    e->rx_off = rx; e->rx_cap = cap;
    if (e == &E2C) e->inst_pristine = e->inst; else e->glob_pristine = w3_globals_save(e, NULL);
    e->mem_pristine = mem_save(e, NULL);
    /* A first boot (a collection after every event) to find the runtime's allocation count on the booted
     * instance; then the boot the inputs start from, with the harness's collection rule, from a new instance. */
    for (int pass = 0; pass < 2; pass++) {
        recreations = 0;
        host_reset(&e->h);
        if (pass) instance_new(e);
        if (e == &E2C) g_tape.n = 0;
        e->heap_mark = HEAP_UNKNOWN;
        boot(e);
        if (e->trapped || e->h.sstate != ST_OPEN) die("%s: the station does not boot and connect (trapped %d)", e->name, e->trapped);
        host_copy(&e->h_boot, &e->h);
        if (e == &E2C) e->inst_boot = e->inst; else e->glob_boot = w3_globals_save(e, e->glob_boot);
        e->mem_boot = mem_save(e, e->mem_boot);
        if (pass == 0) heap_probe(e);
    }
    e->heap_mark_boot = e->heap_mark;
}

static void setup(void) {
    const char *path = getenv("FUZZ_WASM") ? getenv("FUZZ_WASM") : "build/firmware.wasm";
    size_t len;
    uint8_t *wasm = read_file(path, &len);
    if (!wasm) die("cannot read %s (FUZZ_WASM)", path);
    E2C.name = "wasm2c"; EW3.name = "wasm3";
    wasm_rt_init();
    Z_firmware_init_module();
    E2C.env.h = &E2C.h;
    E2C.env.inst = &E2C.inst;
    Z_firmware_instantiate(&E2C.inst, &E2C.env);
    w3_load(&EW3, wasm, len);   /* wasm3 keeps pointers into the module bytes: wasm stays allocated */
    g_wasm = wasm; g_wasm_len = len;
    g_fresh = getenv("FUZZ_FRESH") != NULL;
    if (getenv("FUZZ_COLLECT_BYTES")) g_collect_bytes = strtoull(getenv("FUZZ_COLLECT_BYTES"), NULL, 10);
    g_sabotage_restore = getenv("FUZZ_SABOTAGE") && strcmp(getenv("FUZZ_SABOTAGE"), "restore") == 0;
    g_want_tape = 1;
    engine_boot(&E2C);
    b_copy(&g_tape_boot, &g_tape);
    b_copy(&g_log_boot, &E2C.h.log);
    g_want_tape = 0;
    engine_boot(&EW3);
    if (E2C.h.log.n != EW3.h.log.n || memcmp(E2C.h.log.p, EW3.h.log.p, E2C.h.log.n) != 0) die("the boots differ between wasm2c and wasm3");
}

/* FUZZ_TRACE=1: wasm2c's log as text, a record a line. */
static void trace_log(const bytes *log) {
    for (size_t i = 0; i < log->n;) {
        uint8_t tag = log->p[i++];
        if (tag & 0x80) {
            int64_t v; memcpy(&v, log->p + i, 8); i += 8;
            fprintf(stderr, "%c %" PRId64 "\n", tag & 0x7f, v);
        } else {
            uint32_t n; memcpy(&n, log->p + i, 4); i += 4;
            fprintf(stderr, "%c %.*s\n", tag, (int)n, (const char *)log->p + i);
            i += n;
        }
    }
}

/* FUZZ_DIGEST=1 (run.sh's restore check): a hash of an engine's whole state after an input: linear memory,
 * globals, the host's storage and what it keeps of the link. */
static uint32_t state_digest(engine *e) {
    uint32_t size, d = 2166136261u;
    uint8_t *m = eng_mem(e, &size);
    d = fnv(d, m, size);
    if (e == &E2C) {
        size_t from = offsetof(Z_firmware_instance_t, w2c_g0), to = offsetof(Z_firmware_instance_t, w2c_memory);
        d = fnv(d, (const uint8_t *)&e->inst + from, to - from);
    } else {
        for (uint32_t i = 0; i < e->mod->numGlobals; i++) d = fnv(d, (const uint8_t *)&e->mod->globals[i].intValue, 8);
    }
    host *h = &e->h;
    for (size_t i = 0; i < h->nkv; i++) { d = fnv(d, h->kv[i].key.p, h->kv[i].key.n); d = fnv(d, h->kv[i].val.p, h->kv[i].val.n); }
    int64_t hs[] = { (int64_t)h->prng, h->now, h->wall_off, h->next_stream, h->next_dgram, h->stream, h->sstate, h->dgram,
                     h->slot_state, h->slot_len, (int64_t)e->heap_mark };
    d = fnv(d, (const uint8_t *)hs, sizeof hs);
    return fnv(d, h->out.p, h->out.n);
}

static const char *g_tape_dir;
static unsigned g_tape_count;

/* Returns 0, or a description of the finding. */
static const char *check_input(const uint8_t *data, size_t size) {
    g_want_tape = g_tape_dir != NULL;
    if (g_want_tape) b_copy(&g_tape, &g_tape_boot);
    run_input(&E2C, data, size);
    g_want_tape = 0;
    run_input(&EW3, data, size);
    if (g_tape_dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%05u.tape", g_tape_dir, g_tape_count++);
        FILE *f = fopen(path, "wb");
        if (!f) die("cannot write %s", path);
        /* the tape's length and its boot part's, the tape, then the log the image must produce on it */
        uint8_t n[16];
        for (int i = 0; i < 8; i++) { n[i] = (uint8_t)((uint64_t)g_tape.n >> (8 * i)); n[8 + i] = (uint8_t)((uint64_t)g_tape_boot.n >> (8 * i)); }
        fwrite(n, 1, 16, f); fwrite(g_tape.p, 1, g_tape.n, f);
        fwrite(g_log_boot.p, 1, g_log_boot.n, f); fwrite(E2C.h.log.p, 1, E2C.h.log.n, f);
        fclose(f);
    }
    if (getenv("FUZZ_TRACE")) trace_log(&E2C.h.log);
    if (getenv("FUZZ_DIGEST")) fprintf(stderr, "DIGEST %08x %08x %08x %08x\n", fnv(2166136261u, E2C.h.log.p, E2C.h.log.n), state_digest(&E2C),
                                       fnv(2166136261u, EW3.h.log.p, EW3.h.log.n), state_digest(&EW3));
    if (E2C.trapped || EW3.trapped) return E2C.trapped ? "the image trapped on wasm2c" : "the image trapped on wasm3";
    if (E2C.h.log.n != EW3.h.log.n || memcmp(E2C.h.log.p, EW3.h.log.p, E2C.h.log.n) != 0) return "wasm2c and wasm3 differ";
    return NULL;
}

/* FUZZ_TAPES=DIR: each input's tape and log for tests/fuzz/v8-replay.js (replaying files, not fuzzing). */
int LLVMFuzzerInitialize(int *argc, char ***argv) { (void)argc; (void)argv; g_tape_dir = getenv("FUZZ_TAPES"); setup(); return 0; }
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *finding = check_input(data, size);
    if (finding) { fprintf(stderr, "FINDING: %s\n", finding); abort(); }
    return 0;
}
