/* Storage tests: a power cut between any two steps of kv_put leaves the old or the new value, never a torn
 * one, and a restart (kv_open) clears the leftovers. Prints the plain "N passed, N failed" line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "posix/kv.h"

static int passed, failed;

#define CHECK(cond, what) do { if (cond) passed++; else { failed++; fprintf(stderr, "FAIL %s:%d %s\n", __FILE__, __LINE__, what); } } while (0)

static int get_str(kv_store *kv, const char *key, char *out, size_t cap) {
    int n = kv_get(kv, (const uint8_t *)key, strlen(key), (uint8_t *)out, cap - 1);
    if (n >= 0) out[n < (int)cap - 1 ? n : (int)cap - 1] = 0;
    return n;
}

int main(void) {
    char dir[] = "/tmp/kvtest-XXXXXX";
    if (!mkdtemp(dir)) return 2;
    kv_store kv;
    char buf[64];
    CHECK(kv_open(&kv, dir) == 0, "open");
    CHECK(get_str(&kv, "absent", buf, sizeof buf) == -1, "absent key");
    CHECK(kv_put(&kv, (const uint8_t *)"k", 1, (const uint8_t *)"old value", 9) == 0, "put");
    CHECK(get_str(&kv, "k", buf, sizeof buf) == 9 && strcmp(buf, "old value") == 0, "get");
    uint8_t small[3];
    CHECK(kv_get(&kv, (const uint8_t *)"k", 1, small, sizeof small) == 9 && memcmp(small, "old", 3) == 0, "short buffer gets the length");
    for (int step = 1; step <= 3; step++) {
        kv.crash_after_step = step;                    /* the power fails after this step */
        kv_put(&kv, (const uint8_t *)"k", 1, (const uint8_t *)"new", 3);
        kv_store after;
        CHECK(kv_open(&after, dir) == 0, "reopen");    /* boot: leftovers of the torn write are removed */
        int n = get_str(&after, "k", buf, sizeof buf);
        const char *want = step < 3 ? "old value" : "new";
        CHECK(n == (int)strlen(want) && strcmp(buf, want) == 0, "old or new value after a cut");
        kv.crash_after_step = 0;
        kv_put(&kv, (const uint8_t *)"k", 1, (const uint8_t *)"old value", 9);
    }
    CHECK(kv_delete(&kv, (const uint8_t *)"k", 1) == 0 && get_str(&kv, "k", buf, sizeof buf) == -1, "delete");
    CHECK(kv_delete(&kv, (const uint8_t *)"k", 1) == 0, "delete absent");
    uint8_t longkey[KV_KEY_MAX + 1];
    memset(longkey, 'a', sizeof longkey);
    CHECK(kv_put(&kv, longkey, sizeof longkey, (const uint8_t *)"x", 1) == -2, "over-long key refused");
    CHECK(kv_put(&kv, (const uint8_t *)"\x01/..", 4, (const uint8_t *)"x", 1) == 0, "any key bytes");
    printf("%d passed, %d failed\n", passed, failed);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 2;
    return failed ? 1 : 0;
}
