/* Charger hardware seen by the host: a UART (termios, raw), a CAN bus (SocketCAN raw socket) and GPIO lines —
 * or, on a PC, the simulator bus: one loopback TCP connection carrying all three (docs/hardware.md).
 * Inputs are reported through hw_events from hw_service(); outputs are written at once. */
#ifndef HW_H
#define HW_H
#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#define HW_SIM_MAX_FRAME 1024
#define HW_GPIO_MAX 16
#define HW_POLL_SLOTS (3 + HW_GPIO_MAX)

/* Simulator bus frames: type u8, length u16 (big-endian), payload. */
enum { HW_SIM_UART = 1, HW_SIM_CAN = 2, HW_SIM_GPIO = 3, HW_SIM_TIME = 4 };

typedef struct hw_events {
    void *user;
    void (*uart)(void *user, int port, const uint8_t *bytes, size_t len);
    void (*can)(void *user, int bus, uint32_t id, int flags, const uint8_t *data, size_t len);
    void (*gpio)(void *user, int line, int level);
} hw_events;

typedef struct hw_gpio_line {
    void *line;     /* struct gpiod_line * (libgpiod builds only) */
    int offset, output;
} hw_gpio_line;

typedef struct hw {
    hw_events ev;
    int uart_fd, can_fd, sim_fd;
    uint8_t sim_in[HW_SIM_MAX_FRAME + 3];
    size_t sim_len;
    int64_t sim_acked;       /* the last TIME the simulator confirmed (virtual clock) */
    int64_t sim_next;        /* when the simulator next has something to send (host ms), INT64_MAX: nothing known */
    char sim_host[64];       /* where hw_open_sim connected ("" after hw_attach_sim_fd), for hw_restarted */
    int sim_port;
    void *chip;     /* struct gpiod_chip * (libgpiod builds only) */
    hw_gpio_line gpio[HW_GPIO_MAX];
    int gpio_count;
} hw;

void hw_init(hw *h, hw_events ev);
int hw_open_uart(hw *h, const char *path, int baud);      /* 0 or -1 */
int hw_open_can(hw *h, const char *ifname);               /* 0 or -1 */
int hw_open_sim(hw *h, const char *host, int port);       /* 0 or -1 (blocking connect to loopback) */
int hw_attach_sim_fd(hw *h, int fd);                      /* for tests: an already connected socket */
/* The image instance was created again (system_reboot, a trap, power_cycle): the new one knows no line level, so
 * the hardware shows it its current state, as at start. The simulator bus is connected again: for the simulator a
 * new connection is the controller's restart (outputs dropped, CP readings and feedback sent again; docs/hardware.md),
 * as when the host process itself restarts. libgpiod inputs report their level again. 0, or -1 (the simulator
 * could not be reached again). */
int hw_restarted(hw *h);
/* Virtual clock: tells the simulator the time is now `ms` and waits (at most 2 s) until it has sent everything
 * due by then, followed by its TIME confirmation, which also says when it next has something to send (sim_next:
 * the host steps there too, so an answer is never delivered after a time-out that should not have happened).
 * 0, or -1 (no simulator, or it did not answer). */
int hw_sim_time(hw *h, int64_t ms);
/* Board GPIO through libgpiod (build with CHOST_GPIOD=1): outputs and inputs are comma-separated line offsets
 * of the chip; the ABI's line number is the offset. Inputs report their level at open and on every edge.
 * Returns 0, or -1 (also when the build has no libgpiod). */
int hw_open_gpio(hw *h, const char *chip, const char *outputs, const char *inputs);
int hw_uart_write(hw *h, int port, const uint8_t *bytes, size_t len);              /* bytes written or -1 */
int hw_can_send(hw *h, int bus, uint32_t id, int flags, const uint8_t *data, size_t len); /* 0 or -1 */
int hw_gpio_set(hw *h, int line, int level);                                       /* 0 or -1 */
int hw_pollfds(const hw *h, struct pollfd *fds, int max);  /* HW_POLL_SLOTS slots: uart, can, sim, GPIO inputs */
void hw_service(hw *h, const struct pollfd *fds, int count);
void hw_close(hw *h);

#endif
