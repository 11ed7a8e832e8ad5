#include <string.h>
#include "slcan.h"

static const char HEX[] = "0123456789ABCDEF";

void slcan_init(slcan *c, slcan_io io) {
    memset(c, 0, sizeof *c);
    c->io = io;
}

int slcan_open(slcan *c, int bitrate_code) {
    if (bitrate_code < 0 || bitrate_code > 8) return -1;
    char s[4] = { 'S', (char)('0' + bitrate_code), '\r', 0 };
    c->io.write(c->io.user, (const uint8_t *)"C\r", 2);
    c->io.write(c->io.user, (const uint8_t *)s, 3);
    c->io.write(c->io.user, (const uint8_t *)"O\r", 2);
    return 0;
}

size_t slcan_encode(uint32_t id, int flags, const uint8_t *data, size_t len, char *out, size_t cap) {
    int ext = flags & SLCAN_EXT, rtr = flags & SLCAN_RTR;
    if (len > 8 || id > (ext ? 0x1FFFFFFFu : 0x7FFu)) return 0;
    size_t digits = ext ? 8 : 3, need = 1 + digits + 1 + (rtr ? 0 : 2 * len) + 1;
    if (need > cap) return 0;
    size_t n = 0;
    out[n++] = rtr ? (ext ? 'R' : 'r') : (ext ? 'T' : 't');
    for (size_t i = digits; i-- > 0;) out[n++] = HEX[(id >> (4 * i)) & 0xF];
    out[n++] = (char)('0' + len);
    if (!rtr)
        for (size_t i = 0; i < len; i++) { out[n++] = HEX[data[i] >> 4]; out[n++] = HEX[data[i] & 0xF]; }
    out[n++] = '\r';
    return n;
}

int slcan_send(slcan *c, uint32_t id, int flags, const uint8_t *data, size_t len) {
    char line[SLCAN_LINE];
    size_t n = slcan_encode(id, flags, data, len, line, sizeof line);
    if (n == 0) return -1;
    c->io.write(c->io.user, (const uint8_t *)line, n);
    c->frames_out++;
    return 0;
}

static int hex(char ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    return -1;
}

/* count hex digits at s as a number in *v; 0, or -1 when one is not a hex digit. */
static int hex_field(const char *s, size_t count, uint32_t *v) {
    uint32_t x = 0;
    for (size_t i = 0; i < count; i++) {
        int d = hex(s[i]);
        if (d < 0) return -1;
        x = x << 4 | (uint32_t)d;
    }
    *v = x;
    return 0;
}

/* One line without its "\r": 0, or -1 when malformed. */
static int line(slcan *c, const char *s, size_t n) {
    if (n == 0 || (n == 1 && (s[0] == 'z' || s[0] == 'Z'))) { c->acks++; return 0; }
    int ext = s[0] == 'T' || s[0] == 'R', rtr = s[0] == 'r' || s[0] == 'R';
    if (!ext && !rtr && s[0] != 't') return -1;
    size_t digits = ext ? 8 : 3;
    uint32_t id, len;
    if (n < 2 + digits || hex_field(s + 1, digits, &id) != 0 || id > (ext ? 0x1FFFFFFFu : 0x7FFu)) return -1;
    if (s[1 + digits] < '0' || s[1 + digits] > '8') return -1;
    len = (uint32_t)(s[1 + digits] - '0');
    size_t at = 2 + digits, body = rtr ? 0 : 2 * len;
    if (n != at + body && n != at + body + 4) return -1;   /* optionally a 4-digit timestamp */
    uint8_t data[8];
    for (uint32_t i = 0; i < (rtr ? 0 : len); i++) {
        uint32_t b;
        if (hex_field(s + at + 2 * i, 2, &b) != 0) return -1;
        data[i] = (uint8_t)b;
    }
    uint32_t stamp;
    if (n == at + body + 4 && hex_field(s + at + body, 4, &stamp) != 0) return -1;
    c->frames_in++;
    c->io.frame(c->io.user, id, (ext ? SLCAN_EXT : 0) | (rtr ? SLCAN_RTR : 0), data, rtr ? 0 : len);
    return 0;
}

void slcan_input(slcan *c, const uint8_t *bytes, size_t len) {
    for (size_t i = 0; i < len; i++) {
        char ch = (char)bytes[i];
        if (ch == '\a') { c->errors++; c->len = 0; c->overlong = 0; continue; }
        if (ch == '\n' && c->len == 0) continue;   /* adapters that end lines with "\r\n" */
        if (ch != '\r') {
            if (c->len < sizeof c->line) c->line[c->len++] = ch;
            else c->overlong = 1;
            continue;
        }
        if (c->overlong || line(c, c->line, c->len) != 0) c->bad_lines++;
        c->len = 0;
        c->overlong = 0;
    }
}
