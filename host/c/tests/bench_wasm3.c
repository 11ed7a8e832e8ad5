/* wasm3 side of `make bench`: times the image's work on one message, with no network.
 *   bench_wasm3 <image.wasm> codec <action> <payload.json> <iterations>   decode + validate + re-encode
 *   bench_wasm3 <image.wasm> rpc <frame.json> <iterations>                RPC receive: decode, handle, encode
 *   bench_wasm3 <image.wasm> report <reportBase> <iterations>             a whole GetBaseReport, page by page
 * Prints "<ns per operation>". Each operation is followed by __collect, as the host does after every event.
 * bench_op() holds exactly the measured work, so callgrind can count only it (--toggle-collect=bench_op). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "wasm3.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

static m3ApiRawFunction(stub_i32) { m3ApiReturnType(int32_t) m3ApiReturn(0); }
static m3ApiRawFunction(stub_void) { m3ApiSuccess(); }
static m3ApiRawFunction(stub_i64) { m3ApiReturnType(int64_t) m3ApiReturn(1767225600000LL); }
static m3ApiRawFunction(stub_abort) { m3ApiTrap(m3Err_trapAbort); }

static uint8_t *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) { free(b); b = NULL; }
    fclose(f);
    *len = (size_t)n;
    return b;
}

typedef struct bench { IM3Runtime rt; IM3Function op, collect; int mode; int32_t a, b, c; } bench;

static int run_op(bench *x) {
    M3Result r = x->mode == 0 ? m3_CallV(x->op, x->a, x->b, x->c) : m3_CallV(x->op, x->a);
    if (!r) r = m3_CallV(x->collect);
    return r != NULL;
}

/* The measured operation; the warm-up (wasm3 compiles functions lazily, on first call) goes through warm_op. */
__attribute__((noinline)) int bench_op(bench *x) { return run_op(x); }
__attribute__((noinline)) int warm_op(bench *x) { return run_op(x); }

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: see the header of bench_wasm3.c\n"); return 2; }
    int codec = strcmp(argv[2], "codec") == 0, report = strcmp(argv[2], "report") == 0;
    if (codec && argc < 6) return 2;
    size_t wlen, plen = 0;
    uint8_t *wasm = read_file(argv[1], &wlen);
    uint8_t *payload = report ? calloc(1, 1) : read_file(codec ? argv[4] : argv[3], &plen);
    long iters = atol(codec ? argv[5] : argv[4]);
    if (!wasm || !payload || iters <= 0) return 2;
    IM3Environment env = m3_NewEnvironment();
    IM3Runtime rt = m3_NewRuntime(env, 8192, NULL);
    IM3Module mod;
    M3Result r = m3_ParseModule(env, &mod, wasm, (uint32_t)wlen);
    if (!r) r = m3_LoadModule(rt, mod);
    static const struct { const char *n, *s; M3RawCall f; } imports[] = {
        { "abort", "v(iiii)", stub_abort }, { "clock_wall_ms", "I()", stub_i64 }, { "clock_set_wall_ms", "i(I)", stub_i32 },
        { "random_fill", "i(ii)", stub_i32 }, { "log_write", "v(iii)", stub_void }, { "stream_open", "i(iiiii)", stub_i32 },
        { "stream_send", "i(iii)", stub_i32 }, { "stream_close", "v(i)", stub_void }, { "dgram_open", "i(iii)", stub_i32 },
        { "dgram_send", "i(iii)", stub_i32 }, { "dgram_close", "v(i)", stub_void }, { "kv_get", "i(iiii)", stub_i32 },
        { "kv_put", "i(iiii)", stub_i32 }, { "kv_delete", "i(ii)", stub_i32 }, { "cert_list", "i(iii)", stub_i32 },
    };
    for (size_t i = 0; !r && i < sizeof imports / sizeof imports[0]; i++) {
        M3Result l = m3_LinkRawFunction(mod, "env", imports[i].n, imports[i].s, imports[i].f);
        if (l && l != m3Err_functionLookupFailed) r = l;
    }
    bench x = { rt, NULL, NULL, codec ? 0 : 1, 0, 0, 0 };
    IM3Function fbuf = NULL;
    if (!r) r = m3_FindFunction(&fbuf, rt, "codec_buffer");
    if (!r) r = m3_FindFunction(&x.collect, rt, "__collect");
    if (!r) r = m3_FindFunction(&x.op, rt, codec ? "codec_roundtrip" : report ? "selftest_report" : "selftest_rpc_message");
    uint32_t buf = 0;
    if (!r) r = m3_CallV(fbuf);
    if (!r) r = m3_GetResultsV(fbuf, &buf);
    if (r) { fprintf(stderr, "bench_wasm3: %s\n", r); return 1; }
    size_t alen = codec ? strlen(argv[3]) : 0;
    uint32_t size = 0;
    uint8_t *mem = m3_GetMemory(rt, &size, 0);
    if ((uint64_t)buf + alen + plen > size) return 1;
    struct timespec t0, t1;
    for (long pass = 0; pass < 2; pass++) {     /* first pass warms wasm3's lazy compilation */
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (long i = 0; i < (pass ? iters : 1); i++) {
            memcpy(mem + buf, argv[3], alen);   /* the round trip overwrites its buffer */
            memcpy(mem + buf + alen, payload, plen);
            x.a = codec ? (int32_t)alen : report ? atoi(argv[3]) : (int32_t)plen;
            x.b = 0;
            x.c = (int32_t)plen;
            if (pass ? bench_op(&x) : warm_op(&x)) { fprintf(stderr, "bench_wasm3: trap\n"); return 1; }
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
    }
    double ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / (double)iters;
    printf("%.0f\n", ns);
    m3_FreeRuntime(rt);
    m3_FreeEnvironment(env);
    free(wasm);
    free(payload);
    return 0;
}
