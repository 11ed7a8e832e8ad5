// Chunked transfer coding (RFC 9112 §7.1), decoded incrementally: any split of the input gives the same pieces
// to the sink, and no byte is copied (data is handed out as slices of the input). Extensions are skipped,
// trailers read and dropped; every line is bounded by HTTP_MAX_CHUNK_LINE.
import { HTTP_MAX_CHUNK_LINE, HTTP_ERR_CHUNK, HTTP_ERR_SINK } from "./errors";
import { HttpSink } from "./sink";

const SIZE: i32 = 0;       // hex digits of the chunk size
const EXT: i32 = 1;        // after the size: extensions or whitespace up to CRLF
const SIZE_LF: i32 = 2;    // CR seen after the size line
const DATA: i32 = 3;
const DATA_CR: i32 = 4;    // CRLF after the chunk data
const DATA_LF: i32 = 5;
const TRAILER: i32 = 6;    // trailer lines after the last chunk, until an empty line
const TRAILER_LF: i32 = 7;
const DONE: i32 = 8;

/** Returned by feed(): more input wanted, or the last chunk and trailers were read. */
export const CHUNKED_MORE: i32 = 0;
export const CHUNKED_DONE: i32 = 1;

export class ChunkedDecoder {
  private state: i32 = SIZE;
  private size: i64 = 0;
  private digits: i32 = 0;
  private lineLen: i32 = 0;
  /** Bytes of the last feed() input used; after CHUNKED_DONE the rest belongs to no body. */
  consumed: i32 = 0;

  reset(): void { this.state = SIZE; this.size = 0; this.digits = 0; this.lineLen = 0; this.consumed = 0; }

  /** Decodes input, handing data to sink (null: discard); CHUNKED_MORE, CHUNKED_DONE or HTTP_ERR_CHUNK/SINK. */
  feed(ptr: usize, len: i32, sink: HttpSink | null): i32 {
    let i = 0;
    while (i < len) {
      const st = this.state;
      if (st == DATA) {
        const n = <i32>min<i64>(this.size, <i64>(len - i));
        if (sink != null && !sink.onBody(ptr + <usize>i, n)) { this.consumed = i + n; return HTTP_ERR_SINK; }
        i += n;
        this.size -= n;
        if (this.size == 0) this.state = DATA_CR;
        continue;
      }
      const c = <i32>load<u8>(ptr + <usize>i);
      i++;
      if (st == SIZE) {
        const v = hexValue(c);
        if (v >= 0) {
          if (++this.digits > 15) return this.fail(i);      // 2^60 and more: not a chunk we will ever read
          this.size = (this.size << 4) | v;
          continue;
        }
        if (this.digits == 0) return this.fail(i);
        if (c == 0x0d) { this.state = SIZE_LF; continue; }
        if (c == 0x3b || c == 0x20 || c == 0x09) { this.state = EXT; this.lineLen = this.digits + 1; continue; }
        return this.fail(i);
      }
      if (st == EXT) {
        if (c == 0x0d) { this.state = SIZE_LF; continue; }
        if (c < 0x20 && c != 0x09 || ++this.lineLen > HTTP_MAX_CHUNK_LINE) return this.fail(i);
        continue;
      }
      if (st == SIZE_LF) {
        if (c != 0x0a) return this.fail(i);
        this.digits = 0;
        if (this.size == 0) { this.state = TRAILER; this.lineLen = 0; }
        else this.state = DATA;
        continue;
      }
      if (st == DATA_CR) { if (c != 0x0d) return this.fail(i); this.state = DATA_LF; continue; }
      if (st == DATA_LF) { if (c != 0x0a) return this.fail(i); this.state = SIZE; this.size = 0; continue; }
      if (st == TRAILER) {
        if (c == 0x0d) { this.state = TRAILER_LF; continue; }
        if (c < 0x20 && c != 0x09 || ++this.lineLen > HTTP_MAX_CHUNK_LINE) return this.fail(i);
        continue;
      }
      if (st == TRAILER_LF) {
        if (c != 0x0a) return this.fail(i);
        if (this.lineLen == 0) { this.state = DONE; this.consumed = i; return CHUNKED_DONE; }
        this.lineLen = 0;
        this.state = TRAILER;
        continue;
      }
      // DONE: the caller must not feed more.
      return this.fail(i - 1);
    }
    this.consumed = len;
    return CHUNKED_MORE;
  }

  private fail(at: i32): i32 { this.consumed = at; return HTTP_ERR_CHUNK; }
}

@inline function hexValue(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
