#include "fwslots.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void path_of(const fw_slots *f, const char *name, char *out, size_t cap) { snprintf(out, cap, "%s/%s", f->dir, name); }
static const char *slot_name(int slot) { return slot ? "slot-b.wasm" : "slot-a.wasm"; }

static void unmap(fw_slots *f, int slot) {
    free(f->map[slot]);
    f->map[slot] = NULL;
    f->map_len[slot] = 0;
}

static int sync_dir(const fw_slots *f) {
    int fd = open(f->dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int fws_open(fw_slots *f, const char *data_dir) {
    memset(f, 0, sizeof *f);
    if (snprintf(f->dir, sizeof f->dir, "%s/fw", data_dir) >= (int)sizeof f->dir) return -2;
    mkdir(data_dir, 0700);
    if (mkdir(f->dir, 0700) != 0 && errno != EEXIST) return -2;
    char tmp[FWS_DIR_MAX + 32];
    path_of(f, "state.tmp", tmp, sizeof tmp);   /* a put a power cut interrupted before its rename */
    unlink(tmp);
    return 0;
}

void fws_close(fw_slots *f) { unmap(f, 0); unmap(f, 1); }

const uint8_t *fws_map(fw_slots *f, int slot, size_t *len) {
    *len = 0;
    if (slot < 0 || slot > 1) return NULL;
    unmap(f, slot);
    char path[FWS_DIR_MAX + 32];
    path_of(f, slot_name(slot), path, sizeof path);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0 || st.st_size > FWS_CAPACITY) { close(fd); return NULL; }
    uint8_t *b = malloc((size_t)st.st_size);
    size_t got = 0;
    while (b && got < (size_t)st.st_size) {
        ssize_t r = read(fd, b + got, (size_t)st.st_size - got);
        if (r <= 0) { free(b); b = NULL; break; }
        got += (size_t)r;
    }
    close(fd);
    if (!b) return NULL;
    f->map[slot] = b;
    f->map_len[slot] = got;
    *len = got;
    return b;
}

int fws_erase(fw_slots *f, int slot) {
    if (slot < 0 || slot > 1) return -2;
    unmap(f, slot);
    char path[FWS_DIR_MAX + 32];
    path_of(f, slot_name(slot), path, sizeof path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return -2;
    int rc = fsync(fd);
    close(fd);
    return rc == 0 && sync_dir(f) == 0 ? 0 : -2;
}

int fws_write(fw_slots *f, int slot, size_t off, const uint8_t *bytes, size_t len) {
    if (slot < 0 || slot > 1 || off + len > FWS_CAPACITY) return -2;
    unmap(f, slot);
    char path[FWS_DIR_MAX + 32];
    path_of(f, slot_name(slot), path, sizeof path);
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    if (fd < 0) return -2;
    size_t done = 0;
    while (done < len) {
        ssize_t w = pwrite(fd, bytes + done, len - done, (off_t)(off + done));
        if (w <= 0) { close(fd); return -2; }
        done += (size_t)w;
    }
    close(fd);
    return 0;
}

int fws_flush(fw_slots *f, int slot) {
    if (slot < 0 || slot > 1) return -2;
    char path[FWS_DIR_MAX + 32];
    path_of(f, slot_name(slot), path, sizeof path);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -2;
    int rc = fsync(fd);
    close(fd);
    return rc == 0 && sync_dir(f) == 0 ? 0 : -2;
}

int fws_state_get(fw_slots *f, uint8_t *buf, size_t cap) {
    char path[FWS_DIR_MAX + 32];
    path_of(f, "state", path, sizeof path);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return errno == ENOENT ? -1 : -2;
    ssize_t n = read(fd, buf, cap);
    close(fd);
    return n < 0 ? -2 : (int)n;
}

int fws_state_put(fw_slots *f, const uint8_t *buf, size_t len) {
    char path[FWS_DIR_MAX + 32], tmp[FWS_DIR_MAX + 32];
    path_of(f, "state", path, sizeof path);
    path_of(f, "state.tmp", tmp, sizeof tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return -2;
    int ok = write(fd, buf, len) == (ssize_t)len && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) { unlink(tmp); return -2; }
    return sync_dir(f) == 0 ? 0 : -2;
}
