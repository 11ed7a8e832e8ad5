/* The image → host half of docs/host-abi.md: binds the image's imports to the HAL. */
#ifndef ABI_H
#define ABI_H
#include "hal.h"
#include "core/queue.h"
#include "core/slots.h"
#include "wasm3.h"

typedef struct abi_ctx {
    hal *port;
    evq *queue;              /* stream_close and dgram_close drop the handle's pending events */
    int reboot_requested;    /* system_reboot: the loop restarts the instance once the current call returned */
    slots *slots;            /* fw_slot_* (revision 3) */
} abi_ctx;

/* Links every import the module uses; an import it does not use is fine. */
M3Result abi_link(abi_ctx *ctx, IM3Module mod);

#endif
