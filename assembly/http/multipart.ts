// multipart/form-data (RFC 7578) around a file source, for a log upload by POST. Neither Part 6 (TC_N_25_CS,
// TC_N_26_CS: "the format of this log file is not prescribed") nor GetLog's remoteLocation ("the URL of the
// location at the remote system where the log should be stored") fixes a method or a body form. A plain URL
// with no other contract is usually a form-upload endpoint (an HTML form's file field, the way a browser or
// `curl -F` sends it), so the station POSTs one part named "file" with the file name; a server that wants the
// bytes as they are (WebDAV, a presigned object-store URL) gets a plain PUT of the source itself.
import { HttpSource } from "./sink";

export class MultipartSource extends HttpSource {
  private inner: HttpSource;
  private prefix: ArrayBuffer;
  private suffix: ArrayBuffer;
  private pos: i64 = 0;
  /** Content-Type of the whole body, boundary included. */
  contentType: string;

  /** boundary must not occur in the file (RFC 2046 §5.1.1); fileName is ASCII without quotes. */
  constructor(inner: HttpSource, fieldName: string, fileName: string, boundary: string) {
    super();
    this.inner = inner;
    this.prefix = String.UTF8.encode("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fieldName +
      "\"; filename=\"" + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
    this.suffix = String.UTF8.encode("\r\n--" + boundary + "--\r\n");
    this.contentType = "multipart/form-data; boundary=" + boundary;
  }

  length(): i64 {
    const n = this.inner.length();
    return n < 0 ? -1 : <i64>this.prefix.byteLength + n + <i64>this.suffix.byteLength;
  }

  read(ptr: usize, cap: i32): i32 {
    const pre = <i64>this.prefix.byteLength;
    const body = this.inner.length();
    let done = 0;
    while (done < cap) {
      const at = this.pos;
      let n = 0;
      if (at < pre) {
        n = <i32>min<i64>(pre - at, <i64>(cap - done));
        memory.copy(ptr + <usize>done, changetype<usize>(this.prefix) + <usize>at, <usize>n);
      } else if (at < pre + body) {
        n = this.inner.read(ptr + <usize>done, <i32>min<i64>(pre + body - at, <i64>(cap - done)));
        if (n < 0) return n;
        if (n == 0) return done > 0 ? done : -1;   // the file ran short of its length
      } else {
        const off = at - pre - body;
        n = <i32>min<i64>(<i64>this.suffix.byteLength - off, <i64>(cap - done));
        if (n <= 0) break;
        memory.copy(ptr + <usize>done, changetype<usize>(this.suffix) + <usize>off, <usize>n);
      }
      done += n;
      this.pos += n;
    }
    return done;
  }

  rewind(): bool {
    if (!this.inner.rewind()) return false;
    this.pos = 0;
    return true;
  }
}
