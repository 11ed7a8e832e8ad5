/* Firmware slots: the state machine of slots.h on the port's storage. Every change of the state record is one
 * hal_slot_state_put (atomic), made before anything relies on it; the slot bytes are flushed before the record
 * calls them complete. So a power cut at any instant boots the old image, or the new one on trial. */
#include <string.h>
#include "core/slots.h"

static const char VERSION_SECTION[] = "station.firmware_version";

static void load(slots *s) {
    uint8_t b[SLOTS_STATE_LEN];
    s->active = 0;
    s->flags = 0;
    s->complete = 0;
    int n = hal_slot_state_get(s->port, b, sizeof b);
    if (n != SLOTS_STATE_LEN || b[0] != 'F' || b[1] != 'S' || b[2] != 1 || b[3] > 1) return;  /* absent or unreadable: slot A */
    s->active = b[3];
    s->flags = b[4] & (SLOTS_PENDING | SLOTS_TRIAL | SLOTS_REVERTED);
    s->complete = (uint32_t)b[8] | (uint32_t)b[9] << 8 | (uint32_t)b[10] << 16 | (uint32_t)b[11] << 24;
}

/* Persists the record; the in-memory copy follows only when it is durable. 0 / -2. */
static int save(slots *s, int active, int flags, uint32_t complete) {
    uint8_t b[SLOTS_STATE_LEN] = { 'F', 'S', 1, (uint8_t)active, (uint8_t)flags, 0, 0, 0,
                                   (uint8_t)complete, (uint8_t)(complete >> 8), (uint8_t)(complete >> 16), (uint8_t)(complete >> 24) };
    if (hal_slot_state_put(s->port, b, sizeof b) != 0) return -2;
    s->active = active;
    s->flags = flags;
    s->complete = complete;
    return 0;
}

void slots_init(slots *s, hal *port, int64_t deadline_ms) {
    memset(s, 0, sizeof *s);
    s->port = port;
    s->deadline_ms = deadline_ms;
    s->trial_until = INT64_MAX;
}

int slots_boot(slots *s, int *trial) {
    *trial = 0;
    s->writing = 0;
    s->trial_until = INT64_MAX;
    load(s);
    if (s->flags & SLOTS_TRIAL) {
        const char *why = "host: the trial image ended before it confirmed; the previous slot boots (reverted)";
        hal_log(s->port, "warn", why, strlen(why));
        slots_revert(s);
    } else if (s->flags & SLOTS_PENDING) {
        /* "Trial started" is durable before the new image runs: whatever ends this boot, the next one reverts. */
        if (save(s, s->active ^ 1, SLOTS_TRIAL, 0) == 0) {
            *trial = 1;
            s->trial_until = hal_now_ms(s->port) + s->deadline_ms;
            const char *m = s->active ? "host: slot B boots on trial" : "host: slot A boots on trial";
            hal_log(s->port, "info", m, strlen(m));
        }
    }
    return s->active;
}

void slots_revert(slots *s) {
    /* Even when the record cannot be written, this boot runs the previous slot; the next one reverts again. */
    if (save(s, s->active ^ 1, SLOTS_REVERTED, 0) != 0) { s->active ^= 1; s->flags = SLOTS_REVERTED; s->complete = 0; }
    s->trial_until = INT64_MAX;
}

int slots_on_trial(const slots *s) { return (s->flags & SLOTS_TRIAL) != 0; }
int slots_trial_expired(const slots *s, int64_t now) { return slots_on_trial(s) && now >= s->trial_until; }
int64_t slots_trial_until(const slots *s) { return slots_on_trial(s) ? s->trial_until : INT64_MAX; }

const uint8_t *slots_map(slots *s, int slot, size_t *len) {
    *len = 0;
    const uint8_t *b = hal_slot_map(s->port, slot, len);
    if (!b) *len = 0;
    return *len ? b : NULL;
}

int slots_begin(slots *s, int32_t size) {
    if (size < 0 || size > hal_slot_capacity(s->port, s->active ^ 1)) return -1;
    if (s->flags & SLOTS_TRIAL) return -3;
    s->writing = 0;
    /* Forget what the slot held (an unfinished or installed-but-not-booted image) before erasing it. */
    if (((s->flags & SLOTS_PENDING) || s->complete) && save(s, s->active, s->flags & ~SLOTS_PENDING, 0) != 0) return -2;
    if (hal_slot_erase(s->port, s->active ^ 1) != 0) return -2;
    s->writing = 1;
    s->written = 0;
    return 0;
}

int slots_write(slots *s, int32_t offset, const uint8_t *bytes, int32_t len) {
    if (!s->writing) return -4;
    if (len < 0 || offset < 0 || (size_t)offset != s->written
        || s->written + (size_t)len > (size_t)hal_slot_capacity(s->port, s->active ^ 1)) return -1;
    if (len && hal_slot_write(s->port, s->active ^ 1, s->written, bytes, (size_t)len) != 0) return -2;
    s->written += (size_t)len;
    return len;
}

int slots_end(slots *s) {
    if (!s->writing) return -4;
    if (hal_slot_flush(s->port, s->active ^ 1) != 0) return -2;
    if (save(s, s->active, s->flags & ~SLOTS_PENDING, (uint32_t)s->written) != 0) return -2;
    s->writing = 0;
    return (int)s->written;
}

int slots_verify(slots *s, const uint8_t *cert, size_t cert_len, const uint8_t *sig, size_t sig_len) {
    if (!s->complete || (s->flags & SLOTS_TRIAL)) return -1;
    size_t len = 0;
    const uint8_t *image = hal_slot_map(s->port, s->active ^ 1, &len);
    if (!image || len < s->complete) return -1;
    return hal_fw_verify(s->port, image, s->complete, cert, cert_len, sig, sig_len);
}

int slots_install(slots *s) {
    if (!s->complete || (s->flags & SLOTS_TRIAL)) return -1;
    return save(s, s->active, s->flags | SLOTS_PENDING, s->complete);
}

int slots_confirm(slots *s) {
    if (!(s->flags & (SLOTS_TRIAL | SLOTS_REVERTED))) return 0;
    int was_trial = s->flags & SLOTS_TRIAL;
    if (save(s, s->active, s->flags & ~(SLOTS_TRIAL | SLOTS_REVERTED), s->complete) != 0) return -2;
    s->trial_until = INT64_MAX;
    if (was_trial) {
        const char *m = s->active ? "host: slot B confirmed" : "host: slot A confirmed";
        hal_log(s->port, "info", m, strlen(m));
    }
    return 0;
}

int slots_state(const slots *s) { return s->flags & SLOTS_TRIAL ? 1 : s->flags & SLOTS_REVERTED ? 2 : 0; }

/* Unsigned LEB128 at *pos (at most 5 bytes, below end); -1 when malformed. */
static int64_t leb(const uint8_t *b, size_t end, size_t *pos) {
    uint64_t v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        if (*pos >= end) return -1;
        uint8_t c = b[(*pos)++];
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) return v > 0xffffffffu ? -1 : (int64_t)v;
    }
    return -1;
}

int slots_version(const uint8_t *wasm, size_t len, char *out, size_t cap) {
    int found = -1;
    if (!wasm || len < 8 || memcmp(wasm, "\0asm", 4) != 0 || cap == 0) return -1;
    size_t pos = 8;
    while (pos < len) {
        uint8_t id = wasm[pos++];
        int64_t size = leb(wasm, len, &pos);
        if (size < 0 || (uint64_t)size > len - pos) return -1;
        size_t end = pos + (size_t)size;
        if (id == 0) {
            size_t p = pos;
            int64_t nl = leb(wasm, end, &p);
            if (nl == (int64_t)(sizeof VERSION_SECTION - 1) && (size_t)nl <= end - p && memcmp(wasm + p, VERSION_SECTION, (size_t)nl) == 0) {
                p += (size_t)nl;
                size_t n = end - p;
                if (n < cap) { memcpy(out, wasm + p, n); out[n] = 0; found = (int)n; }
                else found = -1;
            }
        }
        pos = end;
    }
    return found;
}
