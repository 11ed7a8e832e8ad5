/* Drives the C host's certificate module from the command line, for tests/certs.test.js:
 *   certs_cli <data dir> install <kind> <pem file> | list <kind> | delete <hash data> | csr <slot> <key type> <subject>
 * Prints the ABI result code (and the listing / CSR PEM). */
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "posix/certs.h"

int main(int argc, char **argv) {
    if (argc < 4) return 2;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, NULL, 0) != 0) return 2;
    certs c;
    if (certs_open(&c, argv[1], &drbg) != 0) return 2;
    static uint8_t out[65536];
    int rc = 2;
    if (strcmp(argv[2], "install") == 0 && argc == 5) {
        FILE *f = fopen(argv[4], "rb");
        if (!f) return 2;
        size_t n = fread(out, 1, sizeof out, f);
        fclose(f);
        printf("%d\n", certs_install(&c, atoi(argv[3]), out, n));
        rc = 0;
    } else if (strcmp(argv[2], "list") == 0) {
        int n = certs_list(&c, atoi(argv[3]), out, sizeof out);
        fwrite(out, 1, (size_t)n, stdout);
        rc = 0;
    } else if (strcmp(argv[2], "delete") == 0) {
        printf("%d\n", certs_delete(&c, argv[3]));
        rc = 0;
    } else if (strcmp(argv[2], "csr") == 0 && argc == 6) {
        int n = certs_csr(&c, atoi(argv[3]), atoi(argv[4]), argv[5], out, sizeof out);
        if (n > 0) fwrite(out, 1, (size_t)n, stdout); else printf("%d\n", n);
        rc = 0;
    }
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
    return rc;
}
