// Client→server frames (RFC 6455 §5.2/§5.3): masked with a fresh key per frame; FIN set unless the frame is
// one fragment of a longer message (§5.4: a text frame with FIN clear, continuation frames, the last with FIN). The payload is masked
// while being copied into a small send buffer, so the caller's bytes are never modified and no
// message-sized buffer is needed; large payloads go to the host in several stream_send calls.
import { stream_send } from "../host/abi";
import { RandomPool } from "./random";
import { WS_SEND_CAPACITY } from "../core/limits";


export class FrameWriter {
  private out: usize = heap.alloc(<usize>WS_SEND_CAPACITY);
  readonly rnd: RandomPool = new RandomPool();

  /** Sends one frame (FIN unless `fin` is false); false if the host refused bytes or has no randomness (the
   *  stream is then unusable). */
  send(handle: i32, opcode: i32, ptr: usize, len: i32, fin: bool = true): bool {
    if (len < 0) return false;
    const out = this.out;
    const key = this.rnd.next32();
    if (this.rnd.failed) return false;
    store<u8>(out, <u8>((fin ? 0x80 : 0) | opcode));
    let o: i32;
    if (len < 126) {
      store<u8>(out + 1, <u8>(0x80 | len));
      o = 2;
    } else if (len < 65536) {
      store<u8>(out + 1, 0x80 | 126);
      store<u8>(out + 2, <u8>(len >> 8));
      store<u8>(out + 3, <u8>len);
      o = 4;
    } else {
      store<u8>(out + 1, 0x80 | 127);
      store<u32>(out + 2, 0);
      store<u32>(out + 6, bswap<u32>(<u32>len));
      o = 10;
    }
    store<u32>(out + <usize>o, key);   // little-endian store: wire byte j is (key >> 8j)
    o += 4;
    for (let i = 0; i < len; i++) {
      if (o == WS_SEND_CAPACITY) {
        if (stream_send(handle, out, o) != o) return false;
        o = 0;
      }
      store<u8>(out + <usize>o, load<u8>(ptr + <usize>i) ^ <u8>(key >> ((<u32>i & 3) << 3)));
      o++;
    }
    return stream_send(handle, out, o) == o;
  }

  /** Sends raw bytes (the opening handshake request). */
  sendRaw(handle: i32, ptr: usize, len: i32): bool {
    return stream_send(handle, ptr, len) == len;
  }
}
