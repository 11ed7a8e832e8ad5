/* SLCAN, the Lawicel ASCII protocol of serial CAN adapters (CANUSB, CANable, slcand), from the controller's side:
 * the board has no CAN controller of its own, so its CAN bus goes through such an adapter on a UART.
 *   host → adapter: "C\r" close, "S6\r" 500 kbit/s (S0..S8: 10k..1M), "O\r" open, "tIIILDD..\r" standard frame,
 *                   "TIIIIIIIILDD..\r" extended, "rIIIL\r" / "RIIIIIIIIL\r" remote frames (hex, L 0..8)
 *   adapter → host: the same frame lines (received frames, optionally followed by a 4-digit timestamp);
 *                   "\r" command done, "z\r" / "Z\r" frame sent, "\a" (BEL) error
 * No board registers here: bytes go out through io.write and received frames come back through io.frame, so the
 * codec builds and is tested on the host too (host/c/tests/test_slcan.c). A malformed or over-long line is
 * counted and dropped; nothing a peer sends can overrun the line buffer. */
#ifndef SLCAN_H
#define SLCAN_H
#include <stddef.h>
#include <stdint.h>

#define SLCAN_LINE 32        /* the longest line: T + 8 id + 1 length + 16 data + 4 timestamp = 30 */
enum { SLCAN_EXT = 1, SLCAN_RTR = 2 };   /* frame flags, as on the image's can_send (docs/host-abi.md) */

typedef struct slcan_io {
    void *user;
    void (*write)(void *user, const uint8_t *bytes, size_t len);
    void (*frame)(void *user, uint32_t id, int flags, const uint8_t *data, size_t len);
} slcan_io;

typedef struct slcan {
    slcan_io io;
    char line[SLCAN_LINE];
    size_t len;
    int overlong;            /* the line in progress passed SLCAN_LINE: dropped at its end */
    unsigned long frames_in, frames_out, acks, errors, bad_lines;
} slcan;

void slcan_init(slcan *c, slcan_io io);
/* Closes the channel, sets the bit rate (code 0..8: 10, 20, 50, 100, 125, 250, 500, 800, 1000 kbit/s) and opens
 * it. 0, or -1 for a bad code. */
int slcan_open(slcan *c, int bitrate_code);
/* The frame's line (with its "\r") in out; its length, or 0 when the frame is invalid or cap too small. */
size_t slcan_encode(uint32_t id, int flags, const uint8_t *data, size_t len, char *out, size_t cap);
/* Writes the frame's line. 0, or -1 for an invalid frame (id out of range, more than 8 bytes). */
int slcan_send(slcan *c, uint32_t id, int flags, const uint8_t *data, size_t len);
/* Bytes from the adapter: each complete frame line goes to io.frame. */
void slcan_input(slcan *c, const uint8_t *bytes, size_t len);

#endif
