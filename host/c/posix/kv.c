#include "kv.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int mkdirs(const char *dir) {
    char tmp[sizeof(((kv_store *)0)->dir)];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof tmp) return -1;
    memcpy(tmp, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (tmp[i] == '/' || tmp[i] == 0) {
            char c = tmp[i];
            tmp[i] = 0;
            if (mkdir(tmp, 0700) != 0 && errno != EEXIST) return -1;
            tmp[i] = c;
        }
    }
    return 0;
}

static int file_of(const kv_store *kv, const uint8_t *key, size_t klen, char *out, size_t cap, const char *suffix) {
    static const char hex[] = "0123456789abcdef";
    if (klen == 0 || klen > KV_KEY_MAX) return -1;
    size_t d = strlen(kv->dir);
    if (d + 1 + 2 * klen + strlen(suffix) + 1 > cap) return -1;
    memcpy(out, kv->dir, d);
    out[d++] = '/';
    for (size_t i = 0; i < klen; i++) {
        out[d++] = hex[key[i] >> 4];
        out[d++] = hex[key[i] & 15];
    }
    strcpy(out + d, suffix);
    return 0;
}

static int sync_dir(const kv_store *kv) {
    int fd = open(kv->dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int kv_open(kv_store *kv, const char *dir) {
    if (strlen(dir) >= sizeof kv->dir) return -2;
    strcpy(kv->dir, dir);
    kv->crash_after_step = 0;
    if (mkdirs(dir) != 0) return -2;
    /* Temp files are puts a power cut interrupted before the rename: the old value stands. */
    DIR *d = opendir(dir);
    if (!d) return -2;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".tmp") == 0) {
            char p[KV_PATH_MAX + 256];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    }
    closedir(d);
    return 0;
}

int kv_get(kv_store *kv, const uint8_t *key, size_t klen, uint8_t *buf, size_t cap) {
    char path[KV_PATH_MAX];
    if (file_of(kv, key, klen, path, sizeof path, "") != 0) return -2;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return errno == ENOENT ? -1 : -2;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size > 0x7fffffff) { close(fd); return -2; }
    size_t want = (size_t)st.st_size < cap ? (size_t)st.st_size : cap;
    size_t got = 0;
    while (got < want) {
        ssize_t r = read(fd, buf + got, want - got);
        if (r <= 0) { close(fd); return -2; }
        got += (size_t)r;
    }
    close(fd);
    return (int)st.st_size;
}

int kv_put(kv_store *kv, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen) {
    char path[KV_PATH_MAX], tmp[KV_PATH_MAX];
    if (file_of(kv, key, klen, path, sizeof path, "") != 0 || file_of(kv, key, klen, tmp, sizeof tmp, ".tmp") != 0) return -2;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return -2;
    size_t done = 0;
    while (done < vlen) {
        ssize_t w = write(fd, val + done, vlen - done);
        if (w <= 0) { close(fd); unlink(tmp); return -2; }
        done += (size_t)w;
    }
    if (kv->crash_after_step == 1) { close(fd); return 0; }
    if (fsync(fd) != 0) { close(fd); unlink(tmp); return -2; }
    close(fd);
    if (kv->crash_after_step == 2) return 0;
    if (rename(tmp, path) != 0) { unlink(tmp); return -2; }
    if (kv->crash_after_step == 3) return 0;
    return sync_dir(kv) == 0 ? 0 : -2;
}

int kv_delete(kv_store *kv, const uint8_t *key, size_t klen) {
    char path[KV_PATH_MAX];
    if (file_of(kv, key, klen, path, sizeof path, "") != 0) return -2;
    if (unlink(path) != 0 && errno != ENOENT) return -2;
    return sync_dir(kv) == 0 ? 0 : -2;
}
