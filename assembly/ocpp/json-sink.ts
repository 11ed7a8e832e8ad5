// Where a JsonWriter's full buffer goes when the writer streams (rpc/ sends it as a WebSocket fragment), so an
// encoded message may be longer than the buffer. drain() takes the bytes as they are (the writer then starts
// over at its start) or refuses them (the writer overflows).
export abstract class JsonSink {
  abstract drain(ptr: usize, len: i32): bool;
}
