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
    // Eight bytes at a time (payload byte i takes key byte i & 3): the key twice over in a u64, rotated so that
    // its lowest byte is the one for the chunk's first byte. A per-byte loop was most of a frame's cost under
    // wasm3 (issue 17).
    const key2 = (<u64>key << 32) | <u64>key;
    let i = 0;
    while (i < len) {
      if (o == WS_SEND_CAPACITY) {
        if (stream_send(handle, out, o) != o) return false;
        o = 0;
      }
      const n = min(len - i, WS_SEND_CAPACITY - o);
      const k = rotr<u64>(key2, <u64>((i & 3) << 3));
      const src = ptr + <usize>i, dst = out + <usize>o;
      let j = 0;
      for (; j + 8 <= n; j += 8) store<u64>(dst + <usize>j, load<u64>(src + <usize>j) ^ k);
      for (; j < n; j++) store<u8>(dst + <usize>j, load<u8>(src + <usize>j) ^ <u8>(k >> (<u64>(j & 7) << 3)));
      i += n;
      o += n;
    }
    return stream_send(handle, out, o) == o;
  }

  /** Sends raw bytes (the opening handshake request). */
  sendRaw(handle: i32, ptr: usize, len: i32): bool {
    return stream_send(handle, ptr, len) == len;
  }
}
