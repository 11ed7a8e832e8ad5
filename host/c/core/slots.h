/* Firmware slots (ABI revision 3, docs/host-abi.md "Firmware slots"): two image slots A/B, boot from the active
 * one, a newly installed image boots once on trial and must confirm itself, else the previous image boots again
 * (state 2). The port supplies storage and verification (hal_slot_*, hal_fw_verify); this module decides.
 *
 * The state record (hal_slot_state_put, replaced atomically), the same as the Node host's fw/state:
 *   0..1 "FS", 2 format (1), 3 active slot (0 A, 1 B), 4 flags (SLOTS_PENDING, SLOTS_TRIAL, SLOTS_REVERTED),
 *   5..7 zero, 8..11 length of the completed image in the inactive slot (u32 LE; 0 none). */
#ifndef SLOTS_H
#define SLOTS_H
#include <stddef.h>
#include <stdint.h>
#include "hal.h"

#define SLOTS_DEADLINE_MS 600000     /* the trial's time to confirm, monotonic */
#define SLOTS_STATE_LEN 12
#define SLOTS_PENDING 1              /* the completed inactive slot boots on trial at the next boot */
#define SLOTS_TRIAL 2                /* the active slot runs on trial: one boot, then revert */
#define SLOTS_REVERTED 4             /* the last trial failed; until fw_slot_confirm */
#define SLOTS_VERSION_MAX 64         /* bytes of the station.firmware_version section passed on */

typedef struct slots {
    hal *port;
    int active;              /* 0 A, 1 B */
    int flags;               /* SLOTS_* */
    uint32_t complete;       /* the completed image in the inactive slot: its length; 0 none */
    int writing;             /* between fw_slot_begin and fw_slot_end (this instance only) */
    size_t written;
    int64_t deadline_ms;     /* the trial's allowance (tests shorten it) */
    int64_t trial_until;     /* monotonic ms by which the image on trial must confirm; INT64_MAX none */
} slots;

void slots_init(slots *s, hal *port, int64_t deadline_ms);
/* The boot decision, persisted before the image runs: a trial that ended reverts; a pending install starts its
 * trial (*trial = 1, the deadline from now). Returns the slot to boot. */
int slots_boot(slots *s, int *trial);
/* The image on trial failed (refused at load, trapped while booting, missed the deadline): the previous slot
 * becomes active again with state 2. */
void slots_revert(slots *s);
int slots_on_trial(const slots *s);
/* The trial's deadline was reached at monotonic time now (and nothing confirmed it). */
int slots_trial_expired(const slots *s, int64_t now);
int64_t slots_trial_until(const slots *s);
/* The image's bytes for slot (len 0, slot A: NULL, the factory image is the caller's). */
const uint8_t *slots_map(slots *s, int slot, size_t *len);

/* The imports, with the codes of docs/host-abi.md. */
int slots_begin(slots *s, int32_t size);
int slots_write(slots *s, int32_t offset, const uint8_t *bytes, int32_t len);
int slots_end(slots *s);
int slots_verify(slots *s, const uint8_t *cert, size_t cert_len, const uint8_t *sig, size_t sig_len);
int slots_install(slots *s);
int slots_confirm(slots *s);
int slots_state(const slots *s);

/* The content of the module's last custom section `station.firmware_version`, NUL-terminated in out: its length,
 * or -1 (none, malformed, or longer than cap - 1). */
int slots_version(const uint8_t *wasm, size_t len, char *out, size_t cap);

#endif
