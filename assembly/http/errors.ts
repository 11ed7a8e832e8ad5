// Result codes and bounds of the HTTP/1.1 client (docs/architecture.md "HTTP client"). One code space:
//   0           success (a 2xx response read to its end)
//   -1..-99     stream status / close reason from the host, passed through (docs/host-abi.md: DNS, refused,
//               TLS failures, network down)
//   <= -200     the codes below, detected inside the image
// The HTTP status of the last response is kept apart (HttpClient.status), so HTTP_ERR_STATUS plus the status
// tells a caller "the server answered 404".

/** Longest URL: UpdateFirmware's location and GetLog's remoteLocation are string[512]. */
export const HTTP_MAX_URL: i32 = 512;
/** Longest host name (RFC 1035) and longest status or header line we keep. */
export const HTTP_MAX_HOST: i32 = 253;
export const HTTP_MAX_LINE: i32 = 512;
/** Headers per response; a server that sends more is refused rather than read forever. */
export const HTTP_MAX_HEADERS: i32 = 64;
/** Longest chunk-size line (size and extensions) and trailer line. */
export const HTTP_MAX_CHUNK_LINE: i32 = 256;
/** The request head (request line and headers) is built in one buffer of this size. */
export const HTTP_TX_CAPACITY: i32 = 1024;
/** Redirects followed per request (RFC 9110 §15.4 leaves it to the client; browsers stop near 20). */
export const HTTP_MAX_REDIRECTS: i32 = 5;
/** Body pieces sent per event while uploading, so a large upload never starves the station's other work. */
export const HTTP_PIECES_PER_EVENT: i32 = 4;

export const HTTP_OK: i32 = 0;

// URL
export const HTTP_ERR_URL_SCHEME: i32 = -201;   // not http:// or https://
export const HTTP_ERR_URL_HOST: i32 = -202;     // empty, too long, bad character, bad [v6]
export const HTTP_ERR_URL_PORT: i32 = -203;     // not 1..65535
export const HTTP_ERR_URL_PATH: i32 = -204;     // control character, space or non-ASCII in path or query
export const HTTP_ERR_URL_TOO_LONG: i32 = -205; // longer than HTTP_MAX_URL
export const HTTP_ERR_URL_USERINFO: i32 = -206; // user:password@ is not supported

// request
export const HTTP_ERR_BUSY: i32 = -210;         // a request is already running
export const HTTP_ERR_SEND: i32 = -211;         // stream_send failed
export const HTTP_ERR_HEAD_TOO_LONG: i32 = -212;// request line and headers exceed HTTP_TX_CAPACITY
export const HTTP_ERR_SOURCE: i32 = -213;       // the body source failed, ran short, or cannot rewind for a redirect
export const HTTP_ERR_TIMEOUT: i32 = -214;      // nothing happened for the request's time-out
export const HTTP_ERR_CLOSED: i32 = -215;       // the stream closed before the response was complete

// response
export const HTTP_ERR_STATUS_LINE: i32 = -220;  // not "HTTP/1.x NNN ..."
export const HTTP_ERR_HEADER_TOO_LONG: i32 = -221; // a status or header line longer than HTTP_MAX_LINE
export const HTTP_ERR_HEADER_SYNTAX: i32 = -222;// no colon, empty name, obsolete line folding
export const HTTP_ERR_TOO_MANY_HEADERS: i32 = -223;
export const HTTP_ERR_CONTENT_LENGTH: i32 = -224; // not digits, too large, or two different values
export const HTTP_ERR_ENCODING: i32 = -225;     // a Transfer-Encoding other than chunked
export const HTTP_ERR_BODY_TOO_LONG: i32 = -226;// bytes after Content-Length (or after the last chunk)
export const HTTP_ERR_CHUNK: i32 = -227;        // chunk size, extension, CRLF or trailer syntax
export const HTTP_ERR_STATUS: i32 = -228;       // the final status is not 2xx (see HttpClient.status)
export const HTTP_ERR_REDIRECTS: i32 = -229;    // more than HTTP_MAX_REDIRECTS
export const HTTP_ERR_LOCATION: i32 = -230;     // redirect without a usable Location (missing, bad URL, https → http)
export const HTTP_ERR_SINK: i32 = -231;         // the body sink refused a piece
