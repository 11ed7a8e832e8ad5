/* Hardware I/O of the C host: the simulator bus protocol over a socket pair (both directions, split and
 * malformed frames), the UART over a pseudo-terminal, and SocketCAN where the kernel offers vcan. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "posix/hw.h"

static int passed, failed;
#define CHECK(cond, what) do { if (cond) passed++; else { failed++; fprintf(stderr, "FAIL %s:%d %s\n", __FILE__, __LINE__, what); } } while (0)

typedef struct seen { int uart_port, can_bus, can_flags, gpio_line, gpio_level, count; uint32_t can_id; uint8_t bytes[64]; size_t len; } seen;
static void on_uart(void *u, int port, const uint8_t *b, size_t n) { seen *s = u; s->uart_port = port; memcpy(s->bytes, b, n < 64 ? n : 64); s->len = n; s->count++; }
static void on_can(void *u, int bus, uint32_t id, int flags, const uint8_t *d, size_t n) { seen *s = u; s->can_bus = bus; s->can_id = id; s->can_flags = flags; memcpy(s->bytes, d, n); s->len = n; s->count++; }
static void on_gpio(void *u, int line, int level) { seen *s = u; s->gpio_line = line; s->gpio_level = level; s->count++; }

static void pump(hw *h) {
    struct pollfd fds[HW_POLL_SLOTS];
    int n = hw_pollfds(h, fds, HW_POLL_SLOTS);
    if (poll(fds, (nfds_t)n, 100) > 0) hw_service(h, fds, n);
}

static void sim_tests(void) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) { failed++; return; }
    seen s = { 0 };
    hw h;
    hw_init(&h, (hw_events){ &s, on_uart, on_can, on_gpio });
    CHECK(hw_attach_sim_fd(&h, sv[0]) == 0, "attach");
    /* host → simulator */
    CHECK(hw_uart_write(&h, 0, (const uint8_t *)"\x00\x00\xff", 3) == 3, "uart write");
    CHECK(hw_can_send(&h, 0, 0x18FF50E5, 1, (const uint8_t *)"\x01\x02", 2) == 0, "can send");
    CHECK(hw_gpio_set(&h, 7, -12000) == 0, "gpio set");
    uint8_t buf[64];
    ssize_t r = read(sv[1], buf, sizeof buf);
    const uint8_t want[] = { 1, 0, 4, 0, 0x00, 0x00, 0xff,  2, 0, 9, 0, 0x18, 0xFF, 0x50, 0xE5, 1, 2, 1, 2,
                             3, 0, 6, 0, 7, 0xff, 0xff, 0xd1, 0x20 };
    CHECK(r == (ssize_t)sizeof want && memcmp(buf, want, sizeof want) == 0, "frames on the bus");
    /* simulator → host, split across writes */
    const uint8_t in[] = { 2, 0, 8, 0, 0x00, 0x00, 0x01, 0x23, 0, 1, 0xAA,  3, 0, 6, 0, 2, 0, 0, 0x17, 0x70,  1, 0, 3, 0, 'h', 'i' };
    CHECK(write(sv[1], in, 5) == 5, "write part 1");
    pump(&h);
    CHECK(s.count == 0, "nothing until a frame is complete");
    CHECK(write(sv[1], in + 5, sizeof in - 5) == (ssize_t)(sizeof in - 5), "write part 2");
    pump(&h);
    CHECK(s.count == 3, "three frames");
    CHECK(s.can_id == 0x123 && s.can_flags == 0 && s.gpio_line == 2 && s.gpio_level == 6000, "decoded values");
    CHECK(s.uart_port == 0 && s.len == 2 && memcmp(s.bytes, "hi", 2) == 0, "uart bytes");
    /* a malformed frame (CAN length 9) drops the bus instead of passing garbage on */
    const uint8_t bad[] = { 2, 0, 16, 0, 0, 0, 0, 1, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    CHECK(write(sv[1], bad, sizeof bad) == (ssize_t)sizeof bad, "write bad");
    pump(&h);
    CHECK(h.sim_fd == -1 && s.count == 3, "malformed frame closes the bus");
    CHECK(hw_uart_write(&h, 0, (const uint8_t *)"x", 1) == -1, "no bus, no write");
    close(sv[1]);
    hw_close(&h);
}

static void uart_tests(void) {
    int master, slave;
    char name[128];
    if (openpty(&master, &slave, name, NULL, NULL) != 0) { printf("uart: openpty unavailable, UART test skipped\n"); return; }
    seen s = { 0 };
    hw h;
    hw_init(&h, (hw_events){ &s, on_uart, on_can, on_gpio });
    CHECK(hw_open_uart(&h, name, 115200) == 0, "open pty as UART");
    CHECK(hw_open_uart(&h, name, 1234) == -1, "unsupported baud refused");
    CHECK(hw_uart_write(&h, 0, (const uint8_t *)"\x55\x55\x00", 3) == 3, "uart write");
    uint8_t buf[16];
    CHECK(read(master, buf, sizeof buf) == 3 && buf[0] == 0x55 && buf[2] == 0, "raw bytes reach the line (no translation)");
    CHECK(write(master, "\x00\xff\x0d", 3) == 3, "line → host");
    pump(&h);
    CHECK(s.count == 1 && s.len == 3 && s.bytes[1] == 0xff && s.bytes[2] == 0x0d, "raw bytes from the line");
    hw_close(&h);
    close(master);
    close(slave);
}

static void can_tests(void) {
    seen s = { 0 };
    hw a, b;
    hw_init(&a, (hw_events){ &s, on_uart, on_can, on_gpio });
    hw_init(&b, (hw_events){ &s, on_uart, on_can, on_gpio });
    if (hw_open_can(&a, "vcan0") != 0 || hw_open_can(&b, "vcan0") != 0) {
        printf("can: no vcan0 interface here (needs 'ip link add dev vcan0 type vcan' as root with the vcan module); SocketCAN test skipped\n");
        hw_close(&a);
        hw_close(&b);
        return;
    }
    CHECK(hw_can_send(&a, 0, 0x18FF50E5, 1, (const uint8_t *)"\x10\x20", 2) == 0, "send on vcan0");
    pump(&b);
    CHECK(s.count == 1 && s.can_id == 0x18FF50E5 && s.can_flags == 1 && s.len == 2, "received on vcan0");
    hw_close(&a);
    hw_close(&b);
}

int main(void) {
    sim_tests();
    uart_tests();
    can_tests();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
