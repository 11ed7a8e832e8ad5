// Every buffer size and every DeviceDataCtrlr limit of the image, in one place: the buffers are allocated once
// at start-up (docs/architecture.md "Memory"), and the limits the device model reports are derived from them.
// A leaf: it imports nothing, so every layer may read it (tests/tools/as-deps.js).

// ---- buffers ------------------------------------------------------------------------------------------------
/** Inbound bytes from the host per call (docs/host-abi.md). What must fit whole: a config_set key and value (at
 *  most 128 + 1000 bytes, station/apply-config.ts), status_report's JSON (about 600 bytes), a datagram (NTP: 48),
 *  UART bytes (the PN532's frames: at most 262). Stream data comes in pieces of at most this many bytes, which
 *  the WebSocket and HTTP parsers take as they come (they did so for anything over 8 KiB before). */
export const RX_CAPACITY: i32 = 2048;
/** The WebSocket message buffer (strings are decoded in place); doubles as handshake space. It bounds no request
 *  read item by item (GetVariables / SetVariables arrive in parts, only one item must fit: docs/streaming.md);
 *  any other message longer than it is refused from its envelope (FormatViolation). The longest other request
 *  the station takes is a CertificateSigned chain of 10 000 characters. */
export const WS_MAX_MESSAGE: i32 = 16384;
/** The WebSocket writer's frame buffer: a message of n bytes costs ceil((n + 14) / WS_SEND_CAPACITY) sends. */
export const WS_SEND_CAPACITY: i32 = 1024;
/** The RPC's transmit buffer: an encoded outbound message (a CALL, or the answer to a CSMS request) goes out in
 *  fragments of this size when it is longer (docs/streaming.md), so it bounds no message. */
export const TRANSMIT_CAPACITY: i32 = 2048;
/** Words of the inbound tape (ocpp/tape.ts); it has no arena (strings stay in the message). It holds one item of a
 *  request read item by item, or a whole other message: the maximal instance of each of the 128 schemas fits
 *  (tests/schema-conformance.test.js). The decoder's array stack takes the tape's free words (at its end), so
 *  a message fits when its slots and the elements of the arrays open at once do. */
export const INBOUND_TAPE_WORDS: i32 = 2048;
/** Slots and arena bytes of the outbound tape: requests the station sends, answers it gives (one result at a time
 *  of an answer item by item). Measured over the scenario suite (docs/bench.md "Issue 17: memory"): at most 2 825
 *  words (a NotifyReport page, whose budget is derived from these: devicemodel/reports.ts) and 311 arena bytes.
 *  The largest by bound: a queued TransactionEvent (at most ENTRY_MAX - 514 = 5 630 bytes of JSON, decoded in place,
 *  about half a word per byte: under 3 000 words), a NotifyCustomerInformation page (512 characters, at most
 *  1 536 bytes, in the arena), GetInstalledCertificateIds with the listing full (about 17 certificates × 34 words,
 *  borrowed). A tape that overflows is a logged error, never a trap: an answer becomes InternalError, a CALL fails
 *  (rpc/rpc.ts). */
export const OUTBOUND_TAPE_WORDS: i32 = 3584;
export const OUTBOUND_TAPE_ARENA: i32 = 2048;

// ---- DeviceDataCtrlr --------------------------------------------------------------------------------------
// GetVariables and SetVariables are read item by item as they arrive and answered item by item
// (docs/streaming.md): neither the message buffer nor the tapes bound them, only ITEMS_PER_MESSAGE and the item
// log. The target's ORS-2/3/5/6: 1000 items, 1 000 000 bytes.
/** DeviceDataCtrlr.ItemsPerMessage[GetVariables] and [SetVariables]. */
export const ITEMS_PER_MESSAGE: i32 = 1000;
export const ITEMS_PER_MESSAGE_GET_VARIABLES: i32 = ITEMS_PER_MESSAGE;
export const ITEMS_PER_MESSAGE_SET_VARIABLES: i32 = ITEMS_PER_MESSAGE;
/** DeviceDataCtrlr.BytesPerMessage[GetVariables] and [SetVariables]. */
export const BYTES_PER_MESSAGE: i32 = 1000000;
/** What the device model keeps of such a request until its answer is written (devicemodel/item-log.ts): 4 bytes
 *  per item (catalog indexes, attribute, status, reason), 1 more each for an EVSE id and a connector id (up to 10
 *  for ids beyond 63), 2 more per name it must echo that is not spelled as the catalog's, and each such distinct
 *  name once (4 + its bytes). 1000 items with four such names each, an EVSE and a connector take 14 000 bytes
 *  plus their distinct names; a request that does not fit is refused (FormatViolation) before anything is sent. */
export const ITEM_LOG_CAPACITY: i32 = 16384;
/** GetReport (the target's ORS-1 / ORS-4): any request of that size fits the inbound tape. */
export const ITEMS_PER_MESSAGE_GET_REPORT: i32 = 1000;
export const BYTES_PER_MESSAGE_GET_REPORT: i32 = 1000;

// ---- ratings and value lengths ----------------------------------------------------------------------------
/** The EVSE's DC output limit (0.1 A): 200 A. */
export const EVSE_MAX_CURRENT_DA: i32 = 2000;
/** ClockCtrlr.NtpServerUri's longest value: "ntp://" + a 253-character name + ":65535". */
export const NTP_URI_MAX: i32 = 265;

// ---- station certificate (A02/A03) -------------------------------------------------------------------------
/** The CSR the host writes for SignCertificateRequest (PEM): a P-256 or P-384 request takes about 600 bytes, an
 *  RSA-2048 one about 1 100; the schema allows 5 500. */
export const CSR_PEM_MAX: i32 = 2048;

// ---- certificates (certificates/, docs/security.md) ----------------------------------------------------------
/** Installed roots per certificate type (CSMSRootCertificate, ManufacturerRootCertificate): a full type answers
 *  InstallCertificate Rejected, never replaces one. */
export const CERT_ROOTS_PER_TYPE: i32 = 4;
/** The host's certificate listing (cert_list), one line of about 180 bytes per certificate: the roots of every
 *  type at their bound and a few station certificates. */
export const CERT_LIST_CAPACITY: i32 = 3072;

// ---- logs (logs/, GetLog N01) --------------------------------------------------------------------------------
/** The diagnostics log's ring in host storage: DIAG_LOG_CHUNKS values of at most DIAG_LOG_CHUNK bytes of lines
 *  each (16 KB), written a batch at a time; the oldest value is overwritten when the ring is full. */
export const DIAG_LOG_CHUNK: i32 = 1024;
export const DIAG_LOG_CHUNKS: i32 = 16;
/** The longest message a diagnostics line keeps (bytes); a longer one is cut at a character boundary. */
export const DIAG_LOG_MESSAGE_MAX: i32 = 200;
/** A batch of lines waits at most this long (station clock, ms) before it is written: one flash write per
 *  minute of logging at most, besides full batches. */
export const DIAG_LOG_FLUSH_MS: i64 = 60_000;
