/* What a board port supplies to the portable core (host/c/core/): every function below, on the port's own context
 * `struct hal`, which the core only passes along. The core calls them from its loop, never from an interrupt; a
 * call must not call back into the core (host_push is for the port's own loop). docs/porting.md lists what each
 * must guarantee; the codes are those of docs/host-abi.md. The Linux port is host/c/posix/port.c. */
#ifndef HAL_H
#define HAL_H
#include <stddef.h>
#include <stdint.h>

typedef struct hal hal;

/* Time: monotonic ms for tick(), wall ms for the RTC. */
int64_t hal_now_ms(hal *p);
int64_t hal_wall_ms(hal *p);
void hal_set_wall_ms(hal *p, int64_t ms);

/* One log line; level is "error", "warn", "info" or "debug"; text is not NUL-terminated and may hold newlines. */
void hal_log(hal *p, const char *level, const char *text, size_t len);
/* Fills out with random bytes fit for keys and nonces: 0, or -1 (no entropy). */
int hal_random(hal *p, uint8_t *out, size_t len);

/* Streams (TCP, TLS): handle > 0 or a status code; completion, data and close come back through host_push. */
int hal_stream_open(hal *p, const char *host, int port, int tls, int security_profile);
int hal_stream_send(hal *p, int handle, const uint8_t *bytes, size_t len);   /* len or < 0 */
/* 1 when the stream holds more unsent bytes than the port's mark: the port then owes one EVQ_WRITABLE event for it,
 * queued once it has room again; 0 otherwise (also for an unknown handle). ABI revision 4. */
int hal_stream_full(hal *p, int handle);
void hal_stream_close(hal *p, int handle);
/* Datagrams (UDP), one peer per handle. */
int hal_dgram_open(hal *p, const char *host, int port);
int hal_dgram_send(hal *p, int handle, const uint8_t *bytes, size_t len);
void hal_dgram_close(hal *p, int handle);
/* The instance is gone (trap, reboot, power cut): every stream and datagram socket closes without any event. */
void hal_net_drop_all(hal *p);

/* Key-value storage: a put replaces the value whole or not at all, across a power cut. */
int hal_kv_get(hal *p, const uint8_t *key, size_t klen, uint8_t *buf, size_t cap);   /* len, -1 absent, -2 error */
int hal_kv_put(hal *p, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen); /* 0, -2 */
int hal_kv_delete(hal *p, const uint8_t *key, size_t klen);                          /* 0, -2 */

/* Charger hardware. Inputs come back through host_push. */
int hal_uart_write(hal *p, int port, const uint8_t *bytes, size_t len);              /* bytes written or -1 */
int hal_can_send(hal *p, int bus, uint32_t id, int flags, const uint8_t *data, size_t len); /* 0 or -1 */
int hal_gpio_set(hal *p, int line, int level);                                       /* 0 or -1 */
/* A new instance runs: it knows no line level, so the hardware reports its inputs again (the port logs a failure). */
void hal_hw_restarted(hal *p);

/* Crypto and the certificate store (crypto_hash, crypto_verify, crypto_csr, cert_* of docs/host-abi.md). */
int hal_hash(hal *p, int alg, const uint8_t *data, size_t len, uint8_t *out, size_t cap);
int hal_verify(hal *p, int alg, const uint8_t *key, size_t klen, const uint8_t *data, size_t dlen,
               const uint8_t *sig, size_t slen);
int hal_csr(hal *p, int slot, int key_type, const char *subject, uint8_t *out, size_t cap);
int hal_cert_install(hal *p, int kind, const uint8_t *pem, size_t len);
int hal_cert_delete(hal *p, const char *hash_data);
int hal_cert_list(hal *p, int kind, uint8_t *out, size_t cap);

/* Firmware slots (ABI revision 3; core/slots.c owns the state machine, the trial, the deadline and the imports).
 * Image slots: 0 = A, 1 = B. The port maps a slot so wasm3 can parse it in place (posix: read into a buffer;
 * the board: memory-mapped or copied into an execution area). len 0: empty (slot A then means the factory image). */
const uint8_t *hal_slot_map(hal *p, int slot, size_t *len);
int hal_slot_capacity(hal *p, int slot);                     /* bytes */
int hal_slot_erase(hal *p, int slot);                        /* 0 / -2 */
int hal_slot_write(hal *p, int slot, size_t off, const uint8_t *bytes, size_t len); /* 0 / -2 */
int hal_slot_flush(hal *p, int slot);                        /* durable: 0 / -2 */
/* The slot state record (a few bytes the core defines), atomic replace across a power cut. */
int hal_slot_state_get(hal *p, uint8_t *buf, size_t cap);    /* len, -1 absent, -2 error */
int hal_slot_state_put(hal *p, const uint8_t *buf, size_t len); /* 0 / -2 */
/* fw_slot_verify for the port's crypto: signature over bytes [image, image+len) with the certificate, which must
 * chain to one of the store's manufacturer roots (kind 1). 1 / 0 / -2 / -3 as fw_slot_verify. */
int hal_fw_verify(hal *p, const uint8_t *image, size_t len, const uint8_t *cert, size_t cert_len,
                  const uint8_t *sig, size_t sig_len);

#endif
