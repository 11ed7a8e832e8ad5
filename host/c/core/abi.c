/* The image → host half of docs/host-abi.md on wasm3. Every pointer from the image is bounds-checked
 * against its linear memory before use; a bad one traps the image (it is a bug in the image, not input). */
#include <stdio.h>
#include <string.h>
#include "core/abi.h"

/* wasm3's raw-function signature fixes all four parameters; not every import needs each of them. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#define ABI(ctx) ((abi_ctx *)(ctx)->userdata)
#define PORT(ctx) (ABI(ctx)->port)
#define CHECK(ptr, len) m3ApiCheckMem((uint8_t *)_mem + (uint32_t)(ptr), (uint32_t)(len))
#define MEM(ptr) ((uint8_t *)_mem + (uint32_t)(ptr))
/* NET_IO of docs/host-abi.md: a bad argument to stream_* and dgram_*. */
#define ABI_IO (-5)

static m3ApiRawFunction(abi_abort) {
    m3ApiGetArg(uint32_t, msg) m3ApiGetArg(uint32_t, file) m3ApiGetArg(int32_t, line) m3ApiGetArg(int32_t, col)
    /* AssemblyScript strings: UTF-16LE, byte length as u32 just before the pointer. ASCII is enough for logs. */
    char text[400];
    size_t n = 0;
    uint32_t size = m3_GetMemorySize(runtime);
    uint32_t parts[2] = { msg, file };
    for (int p = 0; p < 2; p++) {
        uint32_t ptr = parts[p];
        if (p == 1 && n + 4 < sizeof text) { memcpy(text + n, " at ", 4); n += 4; }
        if (ptr < 4 || ptr > size) continue;
        uint32_t len;
        memcpy(&len, MEM(ptr - 4), 4);
        for (uint32_t i = 0; i + 1 < len && ptr + i + 1 < size && n + 1 < sizeof text - 32; i += 2) {
            uint16_t c = (uint16_t)(MEM(ptr)[i] | (MEM(ptr)[i + 1] << 8));
            text[n++] = c < 128 ? (char)c : '?';
        }
    }
    n += (size_t)snprintf(text + n, sizeof text - n, ":%d:%d", (int)line, (int)col);
    char out[440];
    int k = snprintf(out, sizeof out, "trap: %.*s", (int)n, text);
    hal_log(PORT(_ctx), "error", out, (size_t)k);
    m3ApiTrap(m3Err_trapAbort);
}

static m3ApiRawFunction(abi_clock_wall_ms) {
    m3ApiReturnType(int64_t)
    m3ApiReturn(hal_wall_ms(PORT(_ctx)));
}

static m3ApiRawFunction(abi_clock_set_wall_ms) {
    m3ApiReturnType(int32_t) m3ApiGetArg(int64_t, ms)
    hal_set_wall_ms(PORT(_ctx), ms);
    m3ApiReturn(0);
}

static m3ApiRawFunction(abi_random_fill) {
    m3ApiReturnType(int32_t) m3ApiGetArg(uint32_t, ptr) m3ApiGetArg(int32_t, len)
    if (len < 0) m3ApiReturn(-1);
    CHECK(ptr, len);
    m3ApiReturn(hal_random(PORT(_ctx), MEM(ptr), (size_t)len) == 0 ? 0 : -1);
}

static m3ApiRawFunction(abi_log_write) {
    m3ApiGetArg(int32_t, level) m3ApiGetArg(uint32_t, ptr) m3ApiGetArg(int32_t, len)
    static const char *levels[] = { "error", "warn", "info", "debug" };
    if (len < 0) m3ApiSuccess();
    CHECK(ptr, len);
    hal_log(PORT(_ctx), level >= 0 && level < 4 ? levels[level] : "debug", (const char *)MEM(ptr), (size_t)len);
    m3ApiSuccess();
}

static m3ApiRawFunction(abi_stream_open) {
    m3ApiReturnType(int32_t) m3ApiGetArg(uint32_t, hp) m3ApiGetArg(int32_t, hl) m3ApiGetArg(int32_t, port)
    m3ApiGetArg(int32_t, tls) m3ApiGetArg(int32_t, profile)
    if (hl <= 0 || hl > 253) m3ApiReturn(ABI_IO);
    CHECK(hp, hl);
    char name[256];
    memcpy(name, MEM(hp), (size_t)hl);
    name[hl] = 0;
    m3ApiReturn(hal_stream_open(PORT(_ctx), name, port, tls, profile));
}

static m3ApiRawFunction(abi_stream_send) {
    m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, handle) m3ApiGetArg(uint32_t, ptr) m3ApiGetArg(int32_t, len)
    if (len < 0) m3ApiReturn(ABI_IO);
    CHECK(ptr, len);
    m3ApiReturn(hal_stream_send(PORT(_ctx), handle, MEM(ptr), (size_t)len));
}

static m3ApiRawFunction(abi_stream_full) {
    m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, handle)
    m3ApiReturn(hal_stream_full(PORT(_ctx), handle));
}

static m3ApiRawFunction(abi_stream_close) {
    m3ApiGetArg(int32_t, handle)
    hal_stream_close(PORT(_ctx), handle);
    evq_forget(ABI(_ctx)->queue, EVQ_DATA, handle);
    m3ApiSuccess();
}

static m3ApiRawFunction(abi_dgram_open) {
    m3ApiReturnType(int32_t) m3ApiGetArg(uint32_t, hp) m3ApiGetArg(int32_t, hl) m3ApiGetArg(int32_t, port)
    if (hl <= 0 || hl > 253) m3ApiReturn(ABI_IO);
    CHECK(hp, hl);
    char name[256];
    memcpy(name, MEM(hp), (size_t)hl);
    name[hl] = 0;
    m3ApiReturn(hal_dgram_open(PORT(_ctx), name, port));
}

static m3ApiRawFunction(abi_dgram_send) {
    m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, handle) m3ApiGetArg(uint32_t, ptr) m3ApiGetArg(int32_t, len)
    if (len < 0) m3ApiReturn(ABI_IO);
    CHECK(ptr, len);
    m3ApiReturn(hal_dgram_send(PORT(_ctx), handle, MEM(ptr), (size_t)len));
}

static m3ApiRawFunction(abi_dgram_close) {
    m3ApiGetArg(int32_t, handle)
    hal_dgram_close(PORT(_ctx), handle);
    evq_forget(ABI(_ctx)->queue, EVQ_DGRAM, handle);
    m3ApiSuccess();
}

static m3ApiRawFunction(abi_kv_get) {
    m3ApiReturnType(int32_t) m3ApiGetArg(uint32_t, kp) m3ApiGetArg(int32_t, kl) m3ApiGetArg(uint32_t, bp) m3ApiGetArg(int32_t, cap)
    if (kl <= 0 || cap < 0) m3ApiReturn(-2);
    CHECK(kp, kl);
    CHECK(bp, cap);
    m3ApiReturn(hal_kv_get(PORT(_ctx), MEM(kp), (size_t)kl, MEM(bp), (size_t)cap));
}

static m3ApiRawFunction(abi_kv_put) {
    m3ApiReturnType(int32_t) m3ApiGetArg(uint32_t, kp) m3ApiGetArg(int32_t, kl) m3ApiGetArg(uint32_t, vp) m3ApiGetArg(int32_t, vl)
    if (kl <= 0 || vl < 0) m3ApiReturn(-2);
    CHECK(kp, kl);
    CHECK(vp, vl);
    m3ApiReturn(hal_kv_put(PORT(_ctx), MEM(kp), (size_t)kl, MEM(vp), (size_t)vl));
}

static m3ApiRawFunction(abi_kv_delete) {
    m3ApiReturnType(int32_t) m3ApiGetArg(uint32_t, kp) m3ApiGetArg(int32_t, kl)
    if (kl <= 0) m3ApiReturn(-2);
    CHECK(kp, kl);
    m3ApiReturn(hal_kv_delete(PORT(_ctx), MEM(kp), (size_t)kl));
}

static m3ApiRawFunction(abi_uart_write) {
    m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, port) m3ApiGetArg(uint32_t, ptr) m3ApiGetArg(int32_t, len)
    if (len < 0) m3ApiReturn(-1);
    CHECK(ptr, len);
    m3ApiReturn(hal_uart_write(PORT(_ctx), port, MEM(ptr), (size_t)len));
}

static m3ApiRawFunction(abi_can_send) {
    m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, bus) m3ApiGetArg(uint32_t, id) m3ApiGetArg(int32_t, flags)
    m3ApiGetArg(uint32_t, ptr) m3ApiGetArg(int32_t, len)
    if (len < 0 || len > 8) m3ApiReturn(-1);
    CHECK(ptr, len);
    m3ApiReturn(hal_can_send(PORT(_ctx), bus, id, flags, MEM(ptr), (size_t)len));
}

static m3ApiRawFunction(abi_gpio_set) {
    m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, line) m3ApiGetArg(int32_t, level)
    m3ApiReturn(hal_gpio_set(PORT(_ctx), line, level));
}

static m3ApiRawFunction(abi_crypto_hash) {
    m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, alg) m3ApiGetArg(uint32_t, ptr) m3ApiGetArg(int32_t, len)
    m3ApiGetArg(uint32_t, out) m3ApiGetArg(int32_t, cap)
    if (len < 0 || cap < 0) m3ApiReturn(-1);
    CHECK(ptr, len);
    CHECK(out, cap);
    m3ApiReturn(hal_hash(PORT(_ctx), alg, MEM(ptr), (size_t)len, MEM(out), (size_t)cap));
}

static m3ApiRawFunction(abi_crypto_verify) {
    m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, alg) m3ApiGetArg(uint32_t, kp) m3ApiGetArg(int32_t, kl)
    m3ApiGetArg(uint32_t, dp) m3ApiGetArg(int32_t, dl) m3ApiGetArg(uint32_t, sp) m3ApiGetArg(int32_t, sl)
    if (kl <= 0 || dl < 0 || sl <= 0) m3ApiReturn(-1);
    CHECK(kp, kl);
    CHECK(dp, dl);
    CHECK(sp, sl);
    m3ApiReturn(hal_verify(PORT(_ctx), alg, MEM(kp), (size_t)kl, MEM(dp), (size_t)dl, MEM(sp), (size_t)sl));
}

static m3ApiRawFunction(abi_crypto_csr) {
    m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, slot) m3ApiGetArg(int32_t, key_type) m3ApiGetArg(uint32_t, sp)
    m3ApiGetArg(int32_t, sl) m3ApiGetArg(uint32_t, out) m3ApiGetArg(int32_t, cap)
    if (sl <= 0 || sl > 255 || cap < 0) m3ApiReturn(-1);
    CHECK(sp, sl);
    CHECK(out, cap);
    char subject[256];
    memcpy(subject, MEM(sp), (size_t)sl);
    subject[sl] = 0;
    m3ApiReturn(hal_csr(PORT(_ctx), slot, key_type, subject, MEM(out), (size_t)cap));
}

static m3ApiRawFunction(abi_cert_install) {
    m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, kind) m3ApiGetArg(uint32_t, pp) m3ApiGetArg(int32_t, pl)
    if (pl <= 0) m3ApiReturn(-2);
    CHECK(pp, pl);
    m3ApiReturn(hal_cert_install(PORT(_ctx), kind, MEM(pp), (size_t)pl));
}

static m3ApiRawFunction(abi_cert_delete) {
    m3ApiReturnType(int32_t) m3ApiGetArg(uint32_t, hp) m3ApiGetArg(int32_t, hl)
    if (hl <= 0 || hl > 255) m3ApiReturn(-1);
    CHECK(hp, hl);
    char hd[256];
    memcpy(hd, MEM(hp), (size_t)hl);
    hd[hl] = 0;
    m3ApiReturn(hal_cert_delete(PORT(_ctx), hd));
}

static m3ApiRawFunction(abi_cert_list) {
    m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, kind) m3ApiGetArg(uint32_t, out) m3ApiGetArg(int32_t, cap)
    if (cap < 0) m3ApiReturn(-1);
    CHECK(out, cap);
    m3ApiReturn(hal_cert_list(PORT(_ctx), kind, MEM(out), (size_t)cap));
}

static m3ApiRawFunction(abi_system_reboot) {
    m3ApiGetArg(int32_t, kind)
    (void)kind;
    ABI(_ctx)->reboot_requested = 1;
    m3ApiSuccess();
}

/* Firmware slots (revision 3): core/slots.c. */
static m3ApiRawFunction(abi_fw_slot_begin) {
    m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, size)
    m3ApiReturn(slots_begin(ABI(_ctx)->slots, size));
}

static m3ApiRawFunction(abi_fw_slot_write) {
    m3ApiReturnType(int32_t) m3ApiGetArg(int32_t, off) m3ApiGetArg(uint32_t, ptr) m3ApiGetArg(int32_t, len)
    if (!ABI(_ctx)->slots->writing) m3ApiReturn(-4);
    if (len < 0) m3ApiReturn(-1);
    CHECK(ptr, len);
    m3ApiReturn(slots_write(ABI(_ctx)->slots, off, MEM(ptr), len));
}

static m3ApiRawFunction(abi_fw_slot_end) {
    m3ApiReturnType(int32_t)
    m3ApiReturn(slots_end(ABI(_ctx)->slots));
}

static m3ApiRawFunction(abi_fw_slot_verify) {
    m3ApiReturnType(int32_t) m3ApiGetArg(uint32_t, cp) m3ApiGetArg(int32_t, cl) m3ApiGetArg(uint32_t, sp) m3ApiGetArg(int32_t, sl)
    if (cl < 0 || sl < 0) m3ApiReturn(-2);
    CHECK(cp, cl);
    CHECK(sp, sl);
    m3ApiReturn(slots_verify(ABI(_ctx)->slots, MEM(cp), (size_t)cl, MEM(sp), (size_t)sl));
}

static m3ApiRawFunction(abi_fw_slot_install) {
    m3ApiReturnType(int32_t)
    m3ApiReturn(slots_install(ABI(_ctx)->slots));
}

static m3ApiRawFunction(abi_fw_slot_confirm) {
    m3ApiReturnType(int32_t)
    m3ApiReturn(slots_confirm(ABI(_ctx)->slots));
}

static m3ApiRawFunction(abi_fw_slot_state) {
    m3ApiReturnType(int32_t)
    m3ApiReturn(slots_state(ABI(_ctx)->slots));
}

M3Result abi_link(abi_ctx *ctx, IM3Module mod) {
    static const struct { const char *name, *sig; M3RawCall fn; } table[] = {
        { "abort", "v(iiii)", abi_abort },
        { "clock_wall_ms", "I()", abi_clock_wall_ms },
        { "clock_set_wall_ms", "i(I)", abi_clock_set_wall_ms },
        { "random_fill", "i(ii)", abi_random_fill },
        { "log_write", "v(iii)", abi_log_write },
        { "stream_open", "i(iiiii)", abi_stream_open },
        { "stream_send", "i(iii)", abi_stream_send },
        { "stream_full", "i(i)", abi_stream_full },
        { "stream_close", "v(i)", abi_stream_close },
        { "dgram_open", "i(iii)", abi_dgram_open },
        { "dgram_send", "i(iii)", abi_dgram_send },
        { "dgram_close", "v(i)", abi_dgram_close },
        { "kv_get", "i(iiii)", abi_kv_get },
        { "kv_put", "i(iiii)", abi_kv_put },
        { "kv_delete", "i(ii)", abi_kv_delete },
        { "uart_write", "i(iii)", abi_uart_write },
        { "can_send", "i(iiiii)", abi_can_send },
        { "gpio_set", "i(ii)", abi_gpio_set },
        { "crypto_hash", "i(iiiii)", abi_crypto_hash },
        { "crypto_verify", "i(iiiiiii)", abi_crypto_verify },
        { "crypto_csr", "i(iiiiii)", abi_crypto_csr },
        { "cert_install", "i(iii)", abi_cert_install },
        { "cert_delete", "i(ii)", abi_cert_delete },
        { "cert_list", "i(iii)", abi_cert_list },
        { "system_reboot", "v(i)", abi_system_reboot },
        { "fw_slot_begin", "i(i)", abi_fw_slot_begin },
        { "fw_slot_write", "i(iii)", abi_fw_slot_write },
        { "fw_slot_end", "i()", abi_fw_slot_end },
        { "fw_slot_verify", "i(iiii)", abi_fw_slot_verify },
        { "fw_slot_install", "i()", abi_fw_slot_install },
        { "fw_slot_confirm", "i()", abi_fw_slot_confirm },
        { "fw_slot_state", "i()", abi_fw_slot_state },
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        M3Result r = m3_LinkRawFunctionEx(mod, "env", table[i].name, table[i].sig, table[i].fn, ctx);
        if (r && r != m3Err_functionLookupFailed) return r; /* an import the image does not use is fine */
    }
    return NULL;
}
