/* The portable core of the C host: one station context (no globals) and the loop's logic. The port's main loop
 * feeds it events (host_push), lets time pass (host_tick), delivers (host_drain) and sleeps until
 * host_next_wakeup(); everything it needs from the board goes through hal.h. */
#ifndef HOST_H
#define HOST_H
#include <stddef.h>
#include <stdint.h>
#include "hal.h"
#include "core/abi.h"
#include "core/image.h"
#include "core/queue.h"
#include "core/slots.h"

#define HOST_MAX_CONFIG 40

typedef struct host {
    hal *port;
    const uint8_t *wasm;     /* the factory image (slot A while that is empty), owned by the port */
    size_t wasm_len;
    uint32_t stack_bytes;    /* wasm3 value stack */
    const char *config_keys[HOST_MAX_CONFIG];
    const char *config_values[HOST_MAX_CONFIG];
    int config_count;
    img img;
    evq queue;
    abi_ctx abi;
    int64_t last_tick;
    int booting;
    int restart;             /* a trap or system_reboot: the instance is re-created once the current call returned */
    int boot_traps;          /* boots in a row that trapped */
    int64_t retry_at;        /* no instance since a boot trapped: when to boot again; -1 otherwise */
    int traps;               /* every trap since start (stats) */
    slots slots;             /* firmware slots (ABI revision 3): which image boots; slots.deadline_ms for tests */
    char version[SLOTS_VERSION_MAX];   /* the booted image's station.firmware_version, passed as config */
} host;

/* Sets up the context; the port fills wasm, stack_bytes and the config pairs before host_start. The image boots
 * from the active firmware slot (hal_slot_*): the factory image while slot A is empty and active. */
void host_init(host *h, hal *port);
/* The first boot: 0 (also when the image trapped: retried later), or -1 when the image is refused (h->img.error). */
int host_start(host *h);
void host_stop(host *h);
/* An input event (EVQ_* kinds; data is copied). Datagrams take at most half the queue: they may be lost anyway,
 * and stream and hardware events must still fit. */
void host_push(host *h, int kind, int handle, int arg, uint32_t id, const uint8_t *data, size_t len);
int host_pending(const host *h);
/* tick() when the clock moved since the last one; a boot retry that is due. */
void host_tick(host *h);
/* Delivers the queued events one at a time, each after a tick if the clock moved. */
void host_drain(host *h);
/* When the image (or a boot retry) next needs time to pass; INT64_MAX: only events. */
int64_t host_next_wakeup(host *h);
/* A power cut: the instance, its connections and every undelivered event vanish; a new one boots from storage. */
void host_power_cycle(host *h);
/* The image's status JSON (status_report export) into out: its length, or -1 (none, or longer than cap). */
int host_status(host *h, char *out, size_t cap);
void host_code_lines(const host *h, size_t *used, size_t *allocated);

#endif
