// Persistent storage by string key (kv_* imports, atomic per key). Keys are short ASCII names; the
// small allocation per call is fine off the per-byte paths.
import { kv_get, kv_put, kv_delete } from "../host/abi";

export function kvPut(key: string, ptr: usize, len: i32): i32 {
  const k = String.UTF8.encode(key);
  return kv_put(changetype<usize>(k), k.byteLength, ptr, len);
}

/** Value length (copied up to cap), -1 absent, < -1 error. */
export function kvGet(key: string, ptr: usize, cap: i32): i32 {
  const k = String.UTF8.encode(key);
  return kv_get(changetype<usize>(k), k.byteLength, ptr, cap);
}

export function kvDelete(key: string): i32 {
  const k = String.UTF8.encode(key);
  return kv_delete(changetype<usize>(k), k.byteLength);
}
