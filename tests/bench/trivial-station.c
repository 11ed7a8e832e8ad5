/* The bench's trivial station: the floor the real stations' wire latency is measured against (tests/bench/e2e.js,
 * docs/bench.md "Issue 17: latency").
 *
 *   trivial-station HOST PORT PATH [--persist DIR]
 *   trivial-station --write-floor DIR N     times N such storage writes alone: {"p50Ms":..,"p99Ms":..} on stdout
 *
 * What it is: a native program that opens the same OCPP WebSocket as a station (plain TCP on loopback, TCP_NODELAY,
 * subprotocol ocpp2.0.1, masked client frames) and answers each CSMS CALL at once with a canned CALLRESULT:
 * GetVariables with the one result the bench asks for; RequestStartTransaction with Accepted, then a canned
 * TransactionEvent(Started); RequestStopTransaction with Accepted, then a canned TransactionEvent(Ended). Any other
 * CALL gets a CALLERROR NotImplemented; CALLRESULTs and CALLERRORs from the CSMS are read and dropped.
 * With --persist, each TransactionEvent is first written to DIR as the C host's kv_put writes a value (temp file,
 * write, fsync, rename, fsync of the directory), and only then are the CALLRESULT and the event sent: one atomic,
 * synced storage write on the remote start's path, as principle 4 asks of the station.
 *
 * What it is not: an OCPP station. It decodes nothing but the message type, id and action (ids and action names
 * are taken up to the next quote: the CSMS's ids have no escapes), validates nothing, keeps no state but a
 * transaction counter, does not verify Sec-WebSocket-Accept, takes no fragmented frames, sends no
 * BootNotification or Heartbeat, and blocks on its one socket. Frames are masked with a fixed key. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_MSG 65536

typedef struct trivial {
    int fd;
    const char *persist;   /* NULL: no storage write */
    int tx;                /* transactions started so far */
    uint8_t in[MAX_MSG + 16];
    size_t in_len;
} trivial;

static void die(const char *what) { fprintf(stderr, "trivial-station: %s (%s)\n", what, strerror(errno)); exit(1); }

static void send_all(int fd, const uint8_t *b, size_t n) {
    while (n > 0) {
        ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) die("send");
        b += w;
        n -= (size_t)w;
    }
}

/* One masked text frame (RFC 6455 §5.2), written with a single send. */
static void send_text(trivial *t, const char *text) {
    static const uint8_t mask[4] = { 0x37, 0xfa, 0x21, 0x3d };
    size_t n = strlen(text);
    uint8_t frame[MAX_MSG + 16];
    size_t h = 0;
    if (n > MAX_MSG) die("message too long");
    frame[h++] = 0x81;
    if (n < 126) frame[h++] = (uint8_t)(0x80 | n);
    else { frame[h++] = 0x80 | 126; frame[h++] = (uint8_t)(n >> 8); frame[h++] = (uint8_t)n; }
    memcpy(frame + h, mask, 4);
    h += 4;
    for (size_t i = 0; i < n; i++) frame[h + i] = (uint8_t)text[i] ^ mask[i & 3];
    send_all(t->fd, frame, h + n);
}

/* The C host's kv_put (host/c/posix/kv.c): temp file, fsync, rename, fsync of the directory. */
static void persist(trivial *t, const char *value) {
    char path[512], tmp[520];
    snprintf(path, sizeof path, "%s/event", t->persist);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) die("open");
    size_t n = strlen(value);
    if (write(fd, value, n) != (ssize_t)n || fsync(fd) != 0) die("write");
    close(fd);
    if (rename(tmp, path) != 0) die("rename");
    int dir = open(t->persist, O_RDONLY | O_DIRECTORY);
    if (dir < 0 || fsync(dir) != 0) die("fsync dir");
    close(dir);
}

static void timestamp(char *out, size_t cap) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, cap - n, ".%03dZ", (int)(ts.tv_nsec / 1000000) % 1000);
}

/* The n-th quoted string of a frame, up to its closing quote: 0, or -1 when there is none. */
static int quoted(const char *msg, int nth, const char **s, size_t *len) {
    const char *p = msg;
    for (int i = 0; i <= nth; i++) {
        const char *a = strchr(p, '"');
        const char *b = a ? strchr(a + 1, '"') : NULL;
        if (!b) return -1;
        *s = a + 1;
        *len = (size_t)(b - a - 1);
        p = b + 1;
    }
    return 0;
}

static void on_message(trivial *t, char *msg) {
    if (strncmp(msg, "[2,", 3) != 0) return;   /* a CALLRESULT or CALLERROR of ours */
    const char *id, *action;
    size_t id_len, action_len;
    if (quoted(msg, 0, &id, &id_len) != 0 || quoted(msg, 1, &action, &action_len) != 0 || id_len > 64) return;
    char out[1024], event[768], when[40];
    const char *payload = NULL;
    event[0] = 0;
    timestamp(when, sizeof when);
    if (action_len == 12 && memcmp(action, "GetVariables", 12) == 0) {
        payload = "{\"getVariableResult\":[{\"attributeStatus\":\"Accepted\",\"attributeValue\":\"300\","
                  "\"component\":{\"name\":\"OCPPCommCtrlr\"},\"variable\":{\"name\":\"HeartbeatInterval\"}}]}";
    } else if (action_len == 23 && memcmp(action, "RequestStartTransaction", 23) == 0) {
        const char *r = strstr(msg, "\"remoteStartId\":");
        int remote = r ? atoi(r + 16) : 0;
        t->tx++;
        payload = "{\"status\":\"Accepted\"}";
        snprintf(event, sizeof event, "[2,\"trivial-%d-s\",\"TransactionEvent\",{\"eventType\":\"Started\",\"timestamp\":\"%s\","
                 "\"triggerReason\":\"RemoteStart\",\"seqNo\":0,\"transactionInfo\":{\"transactionId\":\"trivial-%d\","
                 "\"remoteStartId\":%d},\"evse\":{\"id\":1,\"connectorId\":1},\"idToken\":{\"idToken\":\"04A1B2C3D4E5F6\","
                 "\"type\":\"ISO14443\"}}]", t->tx, when, t->tx, remote);
    } else if (action_len == 22 && memcmp(action, "RequestStopTransaction", 22) == 0) {
        payload = "{\"status\":\"Accepted\"}";
        snprintf(event, sizeof event, "[2,\"trivial-%d-e\",\"TransactionEvent\",{\"eventType\":\"Ended\",\"timestamp\":\"%s\","
                 "\"triggerReason\":\"RemoteStop\",\"seqNo\":1,\"transactionInfo\":{\"transactionId\":\"trivial-%d\","
                 "\"stoppedReason\":\"Remote\"}}]", t->tx, when, t->tx);
    }
    if (event[0] && t->persist) persist(t, event);
    if (payload) snprintf(out, sizeof out, "[3,\"%.*s\",%s]", (int)id_len, id, payload);
    else snprintf(out, sizeof out, "[4,\"%.*s\",\"NotImplemented\",\"\",{}]", (int)id_len, id);
    send_text(t, out);
    if (event[0]) send_text(t, event);
}

/* Consumes whole frames from the input buffer: 0 to go on, -1 when the CSMS closed. */
static int frames(trivial *t) {
    for (;;) {
        if (t->in_len < 2) return 0;
        uint8_t op = t->in[0] & 0x0f;
        size_t len = t->in[1] & 0x7f, h = 2;
        if (t->in[1] & 0x80) die("masked frame from the server");
        if (len == 126) { if (t->in_len < 4) return 0; len = (size_t)t->in[2] << 8 | t->in[3]; h = 4; }
        else if (len == 127) { if (t->in_len < 10) return 0; len = 0; for (int i = 2; i < 10; i++) len = len << 8 | t->in[i]; h = 10; }
        if (len > MAX_MSG) die("frame too long");
        if (t->in_len < h + len) return 0;
        if (!(t->in[0] & 0x80) || op == 0) die("fragmented message (not supported)");
        if (op == 8) return -1;
        if (op == 1) {
            char msg[MAX_MSG + 1];
            memcpy(msg, t->in + h, len);
            msg[len] = 0;
            on_message(t, msg);
        } else if (op == 9) {   /* ping: the same payload back as a pong */
            uint8_t pong[2 + 4 + 125] = { 0x8a, (uint8_t)(0x80 | (len & 0x7f)), 0, 0, 0, 0 };
            if (len <= 125) { memcpy(pong + 6, t->in + h, len); send_all(t->fd, pong, 6 + len); }
        }
        memmove(t->in, t->in + h + len, t->in_len - h - len);
        t->in_len -= h + len;
    }
}

static double ms_since(const struct timespec *a) {
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (double)(b.tv_sec - a->tv_sec) * 1e3 + (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

static int cmp_double(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }

/* The floor of the remote start's persistence: one atomic, synced write of a TransactionEvent-sized value. */
static int write_floor(const char *dir, int n) {
    static trivial t;
    static double ms[10000];
    char value[600];
    memset(value, 'x', sizeof value - 1);
    value[sizeof value - 1] = 0;
    t.persist = dir;
    if (n < 1 || n > 10000) return 2;
    for (int i = 0; i < n; i++) {
        struct timespec a;
        clock_gettime(CLOCK_MONOTONIC, &a);
        persist(&t, value);
        ms[i] = ms_since(&a);
    }
    qsort(ms, (size_t)n, sizeof ms[0], cmp_double);
    printf("{\"p50Ms\":%.3f,\"p99Ms\":%.3f}\n", ms[n / 2], ms[n * 99 / 100]);
    return 0;
}

int main(int argc, char **argv) {
    static trivial t;
    if (argc == 4 && strcmp(argv[1], "--write-floor") == 0) return write_floor(argv[2], atoi(argv[3]));
    if (argc != 4 && !(argc == 6 && strcmp(argv[4], "--persist") == 0)) {
        fprintf(stderr, "usage: trivial-station HOST PORT PATH [--persist DIR]\n");
        return 2;
    }
    t.persist = argc == 6 ? argv[5] : NULL;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2])) };
    if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) die("address");
    t.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(t.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (t.fd < 0 || connect(t.fd, (struct sockaddr *)&sa, sizeof sa) != 0) die("connect");
    char req[600];
    snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s:%s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Key: dHJpdmlhbC1zdGF0aW9uIQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp2.0.1\r\n\r\n",
             argv[3], argv[1], argv[2]);
    send_all(t.fd, (const uint8_t *)req, strlen(req));
    /* The upgrade's answer: up to the blank line; what follows it is already WebSocket frames. */
    for (;;) {
        ssize_t r = recv(t.fd, t.in + t.in_len, MAX_MSG - t.in_len, 0);
        if (r <= 0) die("handshake");
        t.in_len += (size_t)r;
        t.in[t.in_len] = 0;
        char *end = strstr((char *)t.in, "\r\n\r\n");
        if (!end) continue;
        if (strncmp((char *)t.in, "HTTP/1.1 101", 12) != 0) { fprintf(stderr, "trivial-station: upgrade refused\n"); return 1; }
        size_t used = (size_t)(end + 4 - (char *)t.in);
        memmove(t.in, t.in + used, t.in_len - used);
        t.in_len -= used;
        break;
    }
    printf("connected\n");
    fflush(stdout);
    for (;;) {
        if (frames(&t) != 0) return 0;
        if (t.in_len >= sizeof t.in - 1) die("input overflow");
        ssize_t r = recv(t.fd, t.in + t.in_len, sizeof t.in - 1 - t.in_len, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return 0;
        t.in_len += (size_t)r;
    }
}
