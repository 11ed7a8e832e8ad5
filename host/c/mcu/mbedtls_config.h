/* mbedTLS 2.28 configuration for the board (MBEDTLS_CONFIG_FILE, host/c/mcu/net.mk): what the station's TLS
 * (docs/host-abi.md: TLS 1.2 client, ECDHE-ECDSA/RSA with AES-GCM, server verification, a client certificate
 * for security profile 3), shared/hcrypto.c (SHA-1/256/384/512, ECDSA and RSA verification) and crypto_csr
 * (shared/keygen.c: EC key generation, pk-write, x509write-csr) need. No file system, no sockets (lwIP carries the
 * records), no platform entropy: the DRBGs are seeded from hal_random by host/c/mcu/net.c and certs.c.
 * Allocations come from a fixed buffer the port hands to mbedtls_memory_buffer_alloc_init, so the heap is bounded
 * and its peak measurable. */
#ifndef MCU_MBEDTLS_CONFIG_H
#define MCU_MBEDTLS_CONFIG_H

/* System */
#define MBEDTLS_HAVE_ASM
/* No MBEDTLS_HAVE_TIME(_DATE): mbedTLS would call time() with no context to reach the port's wall clock;
 * host/c/mcu/net.c checks certificate dates itself (a verify callback on hal_wall_ms). */
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
#define MBEDTLS_MEMORY_DEBUG         /* mbedtls_memory_buffer_alloc_max_get: the heap peak for docs/bench.md */
#define MBEDTLS_DEPRECATED_REMOVED

/* Symmetric crypto and hashes */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES       /* tables in flash, not 8 KiB of RAM */
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA1_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_SHA512_C
#define MBEDTLS_CTR_DRBG_C

/* Public keys */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_GENPRIME
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_WINDOW_SIZE 2    /* less RAM per multiplication (default 6) */
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_WRITE_C

/* Encodings and certificates */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_PEM_WRITE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CREATE_C
#define MBEDTLS_X509_CSR_WRITE_C

/* TLS 1.2 client */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_ENCRYPT_THEN_MAC
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384   /* a server may send full records (no max_fragment_length in Node) */
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096   /* the station's records: mbedtls_ssl_write splits longer writes */

#include "mbedtls/check_config.h"
#endif
