/* Placeholders for the firmware-slot functions of hal.h (ABI revision 3) until the board's own land (fwboard's
 * flash partitions replace them; weak, so the board's definitions win and this file can go). Without them the board
 * boots its linked image, fw_slot_begin reports a storage error and nothing is ever installed. */
#include "hal.h"

__attribute__((weak)) const uint8_t *hal_slot_map(hal *p, int slot, size_t *len) { (void)p; (void)slot; *len = 0; return NULL; }
__attribute__((weak)) int hal_slot_capacity(hal *p, int slot) { (void)p; (void)slot; return 0; }
__attribute__((weak)) int hal_slot_erase(hal *p, int slot) { (void)p; (void)slot; return -2; }
__attribute__((weak)) int hal_slot_write(hal *p, int slot, size_t off, const uint8_t *bytes, size_t len) {
    (void)p; (void)slot; (void)off; (void)bytes; (void)len;
    return -2;
}
__attribute__((weak)) int hal_slot_flush(hal *p, int slot) { (void)p; (void)slot; return -2; }
__attribute__((weak)) int hal_slot_state_get(hal *p, uint8_t *buf, size_t cap) { (void)p; (void)buf; (void)cap; return -1; }
__attribute__((weak)) int hal_slot_state_put(hal *p, const uint8_t *buf, size_t len) { (void)p; (void)buf; (void)len; return -2; }
__attribute__((weak)) int hal_fw_verify(hal *p, const uint8_t *image, size_t len, const uint8_t *cert, size_t cert_len,
                                        const uint8_t *sig, size_t sig_len) {
    (void)p; (void)image; (void)len; (void)cert; (void)cert_len; (void)sig; (void)sig_len;
    return -3;
}
