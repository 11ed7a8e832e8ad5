// Imports the image needs from its host. docs/host-abi.md is the contract;
// every function here is listed there with its buffer ownership and errors.
// Only integers and (pointer, length) byte buffers cross this boundary.

// ---- clock --------------------------------------------------------------
/** Wall clock, Unix epoch milliseconds UTC. */
@external("env", "clock_wall_ms") export declare function clock_wall_ms(): i64;
/** Sets the wall clock (e.g. from the CSMS's currentTime). 0 ok, <0 error. */
@external("env", "clock_set_wall_ms") export declare function clock_set_wall_ms(epochMs: i64): i32;

// ---- randomness and log ------------------------------------------------
/** Fills [ptr, ptr+len) with cryptographically strong random bytes. 0 ok. */
@external("env", "random_fill") export declare function random_fill(ptr: usize, len: i32): i32;
/** level: 0 error, 1 warn, 2 info, 3 debug. Text is UTF-8. */
@external("env", "log_write") export declare function log_write(level: i32, ptr: usize, len: i32): void;

// ---- streams (TCP / TLS) -------------------------------------------------
/** Starts connecting; returns a handle > 0 (completion arrives as on_stream_open) or < 0 error.
 *  tls: 0 plain TCP, 1 TLS. securityProfile 0..3 selects the client-certificate policy for TLS. */
@external("env", "stream_open") export declare function stream_open(hostPtr: usize, hostLen: i32, port: i32, tls: i32, securityProfile: i32): i32;
/** Queues bytes for sending; returns len or < 0 error. The host copies; the buffer stays the image's. */
@external("env", "stream_send") export declare function stream_send(handle: i32, ptr: usize, len: i32): i32;
/** 1 when the host holds more of the stream's bytes than its mark (send no more data now: on_stream_writable
 *  follows once it has room), 0 otherwise (ABI revision 4). */
@external("env", "stream_full") export declare function stream_full(handle: i32): i32;
/** Closes the stream; no further events for this handle. */
@external("env", "stream_close") export declare function stream_close(handle: i32): void;

// ---- datagrams (UDP; ABI revision 2) ---------------------------------------
/** Resolves the name and connects a UDP socket to host:port; returns a handle > 0 or < 0 (stream codes).
 *  Datagrams from that peer arrive as on_dgram. */
@external("env", "dgram_open") export declare function dgram_open(hostPtr: usize, hostLen: i32, port: i32): i32;
/** Sends one datagram; returns len or < 0. The host copies; delivery is not guaranteed. */
@external("env", "dgram_send") export declare function dgram_send(handle: i32, ptr: usize, len: i32): i32;
/** Closes the socket; no further on_dgram for this handle. */
@external("env", "dgram_close") export declare function dgram_close(handle: i32): void;

// ---- persistent key-value storage --------------------------------------
/** Copies up to cap bytes of the value into buf; returns the full value length, -1 if absent, < -1 error. */
@external("env", "kv_get") export declare function kv_get(keyPtr: usize, keyLen: i32, bufPtr: usize, cap: i32): i32;
/** Atomically replaces the value. 0 ok, < 0 error. */
@external("env", "kv_put") export declare function kv_put(keyPtr: usize, keyLen: i32, valPtr: usize, valLen: i32): i32;
/** Deletes the key (absent is not an error). 0 ok, < 0 error. */
@external("env", "kv_delete") export declare function kv_delete(keyPtr: usize, keyLen: i32): i32;

// ---- hardware -------------------------------------------------------------
@external("env", "uart_write") export declare function uart_write(port: i32, ptr: usize, len: i32): i32;
/** flags bit0: extended (29-bit) id, bit1: RTR. len 0..8. */
@external("env", "can_send") export declare function can_send(bus: i32, id: u32, flags: i32, ptr: usize, len: i32): i32;
@external("env", "gpio_set") export declare function gpio_set(line: i32, level: i32): i32;

// ---- crypto the host owns -------------------------------------------------
/** alg: 1 SHA-1, 2 SHA-256, 3 SHA-384, 4 SHA-512. Writes the digest at out (cap bytes); returns its length or < 0. */
@external("env", "crypto_hash") export declare function crypto_hash(alg: i32, ptr: usize, len: i32, out: usize, cap: i32): i32;
/** Verifies sig over data with the public key or certificate (PEM or DER) at key.
 *  alg: 1 ECDSA-SHA256, 2 ECDSA-SHA384, 3 RSA-PKCS1-SHA256, 4 RSA-PKCS1-SHA384, 5 RSA-PKCS1-SHA512.
 *  Returns 1 valid, 0 invalid, < 0 error. */
@external("env", "crypto_verify") export declare function crypto_verify(alg: i32, keyPtr: usize, keyLen: i32, dataPtr: usize, dataLen: i32, sigPtr: usize, sigLen: i32): i32;
/** Generates a new key pair (kept by the host as pending for `slot`) and writes a PKCS#10 CSR (PEM) for the
 *  subject (UTF-8 "O=...,CN=..." list). keyType: 1 EC P-256, 2 EC P-384, 3 RSA-2048. Returns PEM length or < 0. */
@external("env", "crypto_csr") export declare function crypto_csr(slot: i32, keyType: i32, subjPtr: usize, subjLen: i32, out: usize, cap: i32): i32;
/** Installs a PEM certificate (chain) into store `kind` (see docs/host-abi.md). Returns 0 or < 0 (reason). */
@external("env", "cert_install") export declare function cert_install(kind: i32, pemPtr: usize, pemLen: i32): i32;
/** Deletes the certificate matching hash data "alg:issuerNameHash:issuerKeyHash:serial". 0 ok, -1 not found. */
@external("env", "cert_delete") export declare function cert_delete(hdPtr: usize, hdLen: i32): i32;
/** Lists store `kind` (-1 all) as lines "kind alg issuerNameHash issuerKeyHash serial\n". Returns length or < 0. */
@external("env", "cert_list") export declare function cert_list(kind: i32, out: usize, cap: i32): i32;

// ---- firmware slots (ABI revision 3) ---------------------------------------
// Two image slots (A/B); the host boots the active one. A newly installed image boots once on trial and must
// confirm itself, else the host goes back to the previous image (docs/host-abi.md, "Firmware slots").
/** Starts writing a new image into the inactive slot (erases it). size: expected bytes, 0 unknown.
 *  0 ok; -1 larger than the slot, -2 storage error, -3 busy: the running image is on trial. */
@external("env", "fw_slot_begin") export declare function fw_slot_begin(size: i32): i32;
/** Writes bytes at offset (= bytes written so far, else -1). Returns len; -1 past the slot or out of sequence,
 *  -2 storage error, -4 no fw_slot_begin. */
@external("env", "fw_slot_write") export declare function fw_slot_write(offset: i32, ptr: usize, len: i32): i32;
/** The written image is complete and durable. Returns its total length; -4 nothing begun. */
@external("env", "fw_slot_end") export declare function fw_slot_end(): i32;
/** Checks the completed slot against the signing certificate (PEM) and the raw signature bytes. 1 valid (chains
 *  to a ManufacturerRootCertificate, within validity, signature good); 0 signature invalid; -1 no completed image,
 *  -2 not a certificate, -3 not chained to a manufacturer root or outside its validity period. */
@external("env", "fw_slot_verify") export declare function fw_slot_verify(certPtr: usize, certLen: i32, sigPtr: usize, sigLen: i32): i32;
/** The completed image boots on trial at the next boot (call system_reboot(1) to boot now).
 *  0 ok; -1 no completed image, -2 storage error. */
@external("env", "fw_slot_install") export declare function fw_slot_install(): i32;
/** The running image makes itself permanent (also acknowledges state 2). 0, also when nothing was to confirm. */
@external("env", "fw_slot_confirm") export declare function fw_slot_confirm(): i32;
/** 0 permanent; 1 on trial (not yet confirmed); 2 reverted: the last trial failed and the previous image runs
 *  (until fw_slot_confirm). */
@external("env", "fw_slot_state") export declare function fw_slot_state(): i32;

// ---- power -----------------------------------------------------------------
/** Asks the host to restart the image (kind 0 soft: re-create the runtime; 1 hard: restart the process/board). */
@external("env", "system_reboot") export declare function system_reboot(kind: i32): void;
