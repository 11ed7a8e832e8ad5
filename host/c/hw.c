#include "hw.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/can.h>
#include <linux/can/raw.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#ifdef CHOST_GPIOD
#include <gpiod.h>
#endif

void hw_init(hw *h, hw_events ev) {
    memset(h, 0, sizeof *h);
    h->ev = ev;
    h->uart_fd = h->can_fd = h->sim_fd = -1;
}

static speed_t baud_of(int baud) {
    switch (baud) {
    case 9600: return B9600; case 19200: return B19200; case 38400: return B38400;
    case 57600: return B57600; case 115200: return B115200; case 230400: return B230400;
    default: return 0;
    }
}

int hw_open_uart(hw *h, const char *path, int baud) {
    speed_t speed = baud_of(baud);
    if (!speed) return -1;
    int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return -1;
    struct termios t;
    if (tcgetattr(fd, &t) != 0) { close(fd); return -1; }
    cfmakeraw(&t);
    cfsetispeed(&t, speed);
    cfsetospeed(&t, speed);
    t.c_cflag |= CLOCAL | CREAD;
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSANOW, &t) != 0) { close(fd); return -1; }
    h->uart_fd = fd;
    return 0;
}

int hw_open_can(hw *h, const char *ifname) {
    int fd = socket(PF_CAN, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, CAN_RAW);
    if (fd < 0) return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    struct sockaddr_can addr;
    memset(&addr, 0, sizeof addr);
    addr.can_family = AF_CAN;
    if (ioctl(fd, SIOCGIFINDEX, &ifr) != 0) { close(fd); return -1; }
    addr.can_ifindex = ifr.ifr_ifindex;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0) { close(fd); return -1; }
    h->can_fd = fd;
    return 0;
}

int hw_attach_sim_fd(hw *h, int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) return -1;
    h->sim_fd = fd;
    h->sim_len = 0;
    h->sim_acked = -1;
    h->sim_next = INT64_MAX;
    return 0;
}

int hw_open_sim(hw *h, const char *host, int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    if (port <= 0 || port > 65535 || inet_pton(AF_INET, host, &a.sin_addr) != 1) return -1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { close(fd); return -1; }
    if (hw_attach_sim_fd(h, fd) != 0) { close(fd); return -1; }
    snprintf(h->sim_host, sizeof h->sim_host, "%s", host);
    h->sim_port = port;
    return 0;
}

int hw_restarted(hw *h) {
#ifdef CHOST_GPIOD
    for (int i = 0; i < h->gpio_count; i++) {
        int level = h->gpio[i].output ? -1 : gpiod_line_get_value(h->gpio[i].line);
        if (level >= 0) h->ev.gpio(h->ev.user, h->gpio[i].offset, level);
    }
#endif
    if (h->sim_fd < 0 || !h->sim_host[0]) return 0;
    char host[sizeof h->sim_host];
    memcpy(host, h->sim_host, sizeof host);
    close(h->sim_fd);
    h->sim_fd = -1;
    return hw_open_sim(h, host, h->sim_port);
}

static int write_all(int fd, const uint8_t *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
            struct pollfd pf = { fd, POLLOUT, 0 };
            poll(&pf, 1, 100);
            continue;
        }
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int sim_send(hw *h, int type, const uint8_t *payload, size_t len) {
    if (h->sim_fd < 0 || len > HW_SIM_MAX_FRAME) return -1;
    uint8_t frame[HW_SIM_MAX_FRAME + 3];
    frame[0] = (uint8_t)type;
    frame[1] = (uint8_t)(len >> 8);
    frame[2] = (uint8_t)len;
    memcpy(frame + 3, payload, len);
    return write_all(h->sim_fd, frame, len + 3);
}

int hw_uart_write(hw *h, int port, const uint8_t *bytes, size_t len) {
    if (h->sim_fd >= 0) {
        uint8_t p[HW_SIM_MAX_FRAME];
        if (len + 1 > sizeof p) return -1;
        p[0] = (uint8_t)port;
        memcpy(p + 1, bytes, len);
        return sim_send(h, HW_SIM_UART, p, len + 1) == 0 ? (int)len : -1;
    }
    if (h->uart_fd < 0 || port != 0) return -1;
    return write_all(h->uart_fd, bytes, len) == 0 ? (int)len : -1;
}

int hw_can_send(hw *h, int bus, uint32_t id, int flags, const uint8_t *data, size_t len) {
    if (len > 8) return -1;
    if (h->sim_fd >= 0) {
        uint8_t p[15] = { (uint8_t)bus, (uint8_t)(id >> 24), (uint8_t)(id >> 16), (uint8_t)(id >> 8), (uint8_t)id,
                          (uint8_t)flags, (uint8_t)len };
        memcpy(p + 7, data, len);
        return sim_send(h, HW_SIM_CAN, p, 7 + len);
    }
    if (h->can_fd < 0 || bus != 0) return -1;
    struct can_frame f;
    memset(&f, 0, sizeof f);
    f.can_id = (flags & 1) ? ((id & CAN_EFF_MASK) | CAN_EFF_FLAG) : (id & CAN_SFF_MASK);
    if (flags & 2) f.can_id |= CAN_RTR_FLAG;
    f.can_dlc = (uint8_t)len;
    memcpy(f.data, data, len);
    return write(h->can_fd, &f, sizeof f) == (ssize_t)sizeof f ? 0 : -1;
}

#ifdef CHOST_GPIOD
static int add_lines(hw *h, const char *list, int output) {
    char buf[128];
    snprintf(buf, sizeof buf, "%s", list ? list : "");
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (h->gpio_count == HW_GPIO_MAX) return -1;
        int offset = atoi(tok);
        struct gpiod_line *line = gpiod_chip_get_line(h->chip, (unsigned)offset);
        if (!line) return -1;
        int rc = output ? gpiod_line_request_output(line, "ocpp-station", 0)
                        : gpiod_line_request_both_edges_events(line, "ocpp-station");
        if (rc != 0) return -1;
        h->gpio[h->gpio_count++] = (hw_gpio_line){ line, offset, output };
        if (!output) h->ev.gpio(h->ev.user, offset, gpiod_line_get_value(line));
    }
    return 0;
}
#endif

int hw_open_gpio(hw *h, const char *chip, const char *outputs, const char *inputs) {
#ifdef CHOST_GPIOD
    h->chip = gpiod_chip_open_lookup(chip);
    if (!h->chip) return -1;
    return add_lines(h, outputs, 1) == 0 && add_lines(h, inputs, 0) == 0 ? 0 : -1;
#else
    (void)h; (void)chip; (void)outputs; (void)inputs;
    return -1;
#endif
}

int hw_gpio_set(hw *h, int line, int level) {
    if (h->sim_fd >= 0) {
        uint8_t p[6] = { (uint8_t)(line >> 8), (uint8_t)line, (uint8_t)((uint32_t)level >> 24), (uint8_t)((uint32_t)level >> 16),
                         (uint8_t)((uint32_t)level >> 8), (uint8_t)level };
        return sim_send(h, HW_SIM_GPIO, p, sizeof p);
    }
#ifdef CHOST_GPIOD
    for (int i = 0; i < h->gpio_count; i++)
        if (h->gpio[i].offset == line && h->gpio[i].output) return gpiod_line_set_value(h->gpio[i].line, level != 0) == 0 ? 0 : -1;
#endif
    return -1;
}

int hw_pollfds(const hw *h, struct pollfd *fds, int max) {
    if (max < HW_POLL_SLOTS) return 0;
    int fd[3] = { h->uart_fd, h->can_fd, h->sim_fd };
    for (int i = 0; i < 3; i++) { fds[i].fd = fd[i]; fds[i].events = POLLIN; fds[i].revents = 0; }
    for (int i = 0; i < HW_GPIO_MAX; i++) {
        fds[3 + i].fd = -1;
#ifdef CHOST_GPIOD
        if (i < h->gpio_count && !h->gpio[i].output) fds[3 + i].fd = gpiod_line_event_get_fd(h->gpio[i].line);
#endif
        fds[3 + i].events = POLLIN;
        fds[3 + i].revents = 0;
    }
    return HW_POLL_SLOTS;
}

/* Frames from the simulator; a malformed one (unknown type, bad length) drops the bus connection. */
static int sim_dispatch(hw *h, int type, const uint8_t *p, size_t n) {
    if (type == HW_SIM_TIME && (n == 8 || n == 16)) {
        uint64_t t = 0, next = UINT64_MAX;
        for (int i = 0; i < 8; i++) t = t << 8 | p[i];
        if (n == 16) { next = 0; for (int i = 8; i < 16; i++) next = next << 8 | p[i]; }
        h->sim_acked = (int64_t)t;
        h->sim_next = next > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)next;
        return 0;
    }
    if (type == HW_SIM_UART && n >= 1) { h->ev.uart(h->ev.user, p[0], p + 1, n - 1); return 0; }
    if (type == HW_SIM_CAN && n >= 7 && p[6] <= 8 && n == 7u + p[6]) {
        uint32_t id = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
        h->ev.can(h->ev.user, p[0], id, p[5], p + 7, p[6]);
        return 0;
    }
    if (type == HW_SIM_GPIO && n == 6) {
        int32_t level = (int32_t)((uint32_t)p[2] << 24 | (uint32_t)p[3] << 16 | (uint32_t)p[4] << 8 | p[5]);
        h->ev.gpio(h->ev.user, p[0] << 8 | p[1], level);
        return 0;
    }
    return -1;
}

static void sim_read(hw *h) {
    for (;;) {
        ssize_t r = read(h->sim_fd, h->sim_in + h->sim_len, sizeof h->sim_in - h->sim_len);
        if (r < 0 && (errno == EAGAIN || errno == EINTR)) return;
        if (r <= 0) { close(h->sim_fd); h->sim_fd = -1; return; }
        h->sim_len += (size_t)r;
        size_t off = 0;
        while (h->sim_len - off >= 3) {
            size_t len = (size_t)h->sim_in[off + 1] << 8 | h->sim_in[off + 2];
            if (len > HW_SIM_MAX_FRAME) { close(h->sim_fd); h->sim_fd = -1; return; }
            if (h->sim_len - off < 3 + len) break;
            if (sim_dispatch(h, h->sim_in[off], h->sim_in + off + 3, len) != 0) { close(h->sim_fd); h->sim_fd = -1; return; }
            off += 3 + len;
        }
        memmove(h->sim_in, h->sim_in + off, h->sim_len - off);
        h->sim_len -= off;
    }
}

int hw_sim_time(hw *h, int64_t ms) {
    if (h->sim_fd < 0) return -1;
    uint8_t p[8];
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)((uint64_t)ms >> (56 - 8 * i));
    if (sim_send(h, HW_SIM_TIME, p, sizeof p) != 0) return -1;
    while (h->sim_fd >= 0 && h->sim_acked != ms) {
        struct pollfd f = { h->sim_fd, POLLIN, 0 };
        if (poll(&f, 1, 2000) <= 0) return -1;
        sim_read(h);
    }
    return h->sim_fd >= 0 ? 0 : -1;
}

void hw_service(hw *h, const struct pollfd *fds, int count) {
    if (count < HW_POLL_SLOTS) return;
#ifdef CHOST_GPIOD
    for (int i = 0; i < h->gpio_count; i++) {
        struct gpiod_line_event e;
        if (h->gpio[i].output || !fds[3 + i].revents || gpiod_line_event_read(h->gpio[i].line, &e) != 0) continue;
        h->ev.gpio(h->ev.user, h->gpio[i].offset, e.event_type == GPIOD_LINE_EVENT_RISING_EDGE ? 1 : 0);
    }
#endif
    if (h->uart_fd >= 0 && fds[0].revents) {
        uint8_t buf[512];
        ssize_t r = read(h->uart_fd, buf, sizeof buf);
        if (r > 0) h->ev.uart(h->ev.user, 0, buf, (size_t)r);
    }
    if (h->can_fd >= 0 && fds[1].revents) {
        struct can_frame f;
        if (read(h->can_fd, &f, sizeof f) == (ssize_t)sizeof f && !(f.can_id & CAN_ERR_FLAG)) {
            int flags = (f.can_id & CAN_EFF_FLAG ? 1 : 0) | (f.can_id & CAN_RTR_FLAG ? 2 : 0);
            uint32_t id = f.can_id & (f.can_id & CAN_EFF_FLAG ? CAN_EFF_MASK : CAN_SFF_MASK);
            h->ev.can(h->ev.user, 0, id, flags, f.data, f.can_dlc <= 8 ? f.can_dlc : 8);
        }
    }
    if (h->sim_fd >= 0 && fds[2].revents) sim_read(h);
}

void hw_close(hw *h) {
#ifdef CHOST_GPIOD
    if (h->chip) gpiod_chip_close(h->chip); /* releases the requested lines too */
    h->chip = NULL;
    h->gpio_count = 0;
#endif
    if (h->uart_fd >= 0) close(h->uart_fd);
    if (h->can_fd >= 0) close(h->can_fd);
    if (h->sim_fd >= 0) close(h->sim_fd);
    h->uart_fd = h->can_fd = h->sim_fd = -1;
}
