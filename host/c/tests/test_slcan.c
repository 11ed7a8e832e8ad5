/* The board's SLCAN codec (host/c/mcu/slcan.c), on the host: frames to lines, lines to frames, the adapter's
 * answers, and every kind of bad input counted and dropped (split lines, over-long lines, bad digits, lengths). */
#include <stdio.h>
#include <string.h>
#include "mcu/slcan.h"

static int passed, failed;
#define CHECK(cond, what) do { if (cond) passed++; else { failed++; fprintf(stderr, "FAIL %s:%d %s\n", __FILE__, __LINE__, what); } } while (0)

typedef struct seen { char out[256]; size_t out_len; int frames; uint32_t id; int flags; uint8_t data[8]; size_t len; } seen;
static void on_write(void *u, const uint8_t *b, size_t n) {
    seen *s = u;
    if (s->out_len + n < sizeof s->out) { memcpy(s->out + s->out_len, b, n); s->out_len += n; s->out[s->out_len] = 0; }
}
static void on_frame(void *u, uint32_t id, int flags, const uint8_t *d, size_t n) {
    seen *s = u;
    s->frames++; s->id = id; s->flags = flags; s->len = n;
    memcpy(s->data, d, n);
}
static void feed(slcan *c, const char *text) { slcan_input(c, (const uint8_t *)text, strlen(text)); }

int main(void) {
    seen s = { 0 };
    slcan c;
    slcan_init(&c, (slcan_io){ &s, on_write, on_frame });

    CHECK(slcan_open(&c, 6) == 0 && strcmp(s.out, "C\rS6\rO\r") == 0, "open: close, 500 kbit/s, open");
    CHECK(slcan_open(&c, 9) == -1, "bit rate code out of range");
    s.out_len = 0;
    CHECK(slcan_send(&c, 0x123, 0, (const uint8_t *)"\x01\xAB", 2) == 0 && strcmp(s.out, "t123201AB\r") == 0, "standard frame");
    s.out_len = 0;
    CHECK(slcan_send(&c, 0x1012F001, SLCAN_EXT, (const uint8_t *)"\x00\xFF\x10\x20\x30\x40\x50\x60", 8) == 0
          && strcmp(s.out, "T1012F001800FF102030405060\r") == 0, "extended frame, 8 bytes");
    s.out_len = 0;
    CHECK(slcan_send(&c, 0x7FF, SLCAN_RTR, NULL, 4) == 0 && strcmp(s.out, "r7FF4\r") == 0, "remote frame");
    s.out_len = 0;
    CHECK(slcan_send(&c, 0x1FFFFFFF, SLCAN_EXT | SLCAN_RTR, NULL, 0) == 0 && strcmp(s.out, "R1FFFFFFF0\r") == 0, "extended remote");
    s.out_len = 0;
    CHECK(slcan_send(&c, 0x800, 0, NULL, 0) == -1 && s.out_len == 0, "standard id over 11 bits");
    CHECK(slcan_send(&c, 0x20000000, SLCAN_EXT, NULL, 0) == -1, "extended id over 29 bits");
    CHECK(slcan_send(&c, 1, 0, (const uint8_t *)"123456789", 9) == -1, "9 data bytes");
    CHECK(c.frames_out == 4, "frames out");

    feed(&c, "T1012F0013A1b2C3\r");
    CHECK(s.frames == 1 && s.id == 0x1012F001 && s.flags == SLCAN_EXT && s.len == 3 && s.data[0] == 0xA1 && s.data[2] == 0xC3, "extended frame in");
    feed(&c, "t12");
    feed(&c, "30");
    CHECK(s.frames == 1, "half a line is held");
    feed(&c, "\r");
    CHECK(s.frames == 2 && s.id == 0x123 && s.flags == 0 && s.len == 0, "split line");
    feed(&c, "t1231551234\r");
    CHECK(s.frames == 3 && s.len == 1 && s.data[0] == 0x55, "a frame with its timestamp");
    feed(&c, "R000000018\r");
    CHECK(s.frames == 4 && s.flags == (SLCAN_EXT | SLCAN_RTR) && s.len == 0, "remote frame in");
    feed(&c, "\rz\rZ\r\a");
    CHECK(c.acks == 3 && c.errors == 1, "acks and the error bell");
    feed(&c, "t1231551234\r\n");
    CHECK(s.frames == 5, "a line ending in CR LF");

    unsigned long bad = c.bad_lines;
    const char *bads[] = { "x\r", "t12\r", "t1G30\r", "t8000\r", "t1239\r", "t123201\r", "t1232010203\r", "T2000000000\r",
                           "t12320G00\r", "T123\r", "t123155123\r", "O\r" };
    for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) feed(&c, bads[i]);
    CHECK(c.bad_lines == bad + sizeof bads / sizeof bads[0] && s.frames == 5, "malformed lines counted, none delivered");
    char big[200];
    memset(big, '1', sizeof big);
    big[0] = 'T';
    slcan_input(&c, (const uint8_t *)big, sizeof big);
    feed(&c, "\r");
    CHECK(c.bad_lines == bad + sizeof bads / sizeof bads[0] + 1 && s.frames == 5, "an over-long line is dropped");
    feed(&c, "t0010\r");
    CHECK(s.frames == 6 && s.id == 1, "the next line after it is read");
    /* Every byte value, in every position: no crash, no frame from garbage without a valid line. */
    uint8_t noise[512];
    for (size_t i = 0; i < sizeof noise; i++) noise[i] = (uint8_t)(i * 37 + 11);
    slcan_input(&c, noise, sizeof noise);
    feed(&c, "\rt0010\r");
    CHECK(s.frames >= 7, "frames after noise");

    printf("test_slcan: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
