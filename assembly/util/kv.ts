// Persistent storage by string key (kv_* imports, atomic per key). Keys are short ASCII names, copied into a
// static buffer for the call: no allocation, so a boot that reads a thousand keys before the host's first
// collection leaves no garbage behind (tests/bounded-boot.test.js). A key that does not fit, or is not ASCII, is
// encoded on the heap.
import { kv_get, kv_put, kv_delete } from "../host/abi";

const KEY_CAP: i32 = 256;
const KEY_BUF: usize = memory.data(KEY_CAP);

/** Length of `key` (then `n` in decimal when n >= 0) written to KEY_BUF, or -1 when it does not fit as ASCII. */
function staticKey(key: string, n: i32 = -1): i32 {
  const len = key.length;
  if (len > KEY_CAP - 11) return -1;
  for (let i = 0; i < len; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0x80) return -1;
    store<u8>(KEY_BUF + <usize>i, <u8>c);
  }
  if (n < 0) return len;
  let digits = 1;
  for (let v = n; v >= 10; v /= 10) digits++;
  for (let v = n, i = len + digits - 1; i >= len; i--, v /= 10) store<u8>(KEY_BUF + <usize>i, <u8>(48 + v % 10));
  return len + digits;
}

export function kvPut(key: string, ptr: usize, len: i32): i32 {
  const n = staticKey(key);
  if (n >= 0) return kv_put(KEY_BUF, n, ptr, len);
  const k = String.UTF8.encode(key);
  return kv_put(changetype<usize>(k), k.byteLength, ptr, len);
}

/** Value length (copied up to cap), -1 absent, < -1 error. */
export function kvGet(key: string, ptr: usize, cap: i32): i32 {
  const n = staticKey(key);
  if (n >= 0) return kv_get(KEY_BUF, n, ptr, cap);
  const k = String.UTF8.encode(key);
  return kv_get(changetype<usize>(k), k.byteLength, ptr, cap);
}

export function kvDelete(key: string): i32 {
  const n = staticKey(key);
  if (n >= 0) return kv_delete(KEY_BUF, n);
  const k = String.UTF8.encode(key);
  return kv_delete(changetype<usize>(k), k.byteLength);
}

/** The same under the key "<prefix><index>" (prefix ASCII), without building the key's string; a negative index
 *  is an error (-2). */
export function kvPutAt(prefix: string, index: i32, ptr: usize, len: i32): i32 {
  if (index < 0) return -2;   // no key "<prefix>" by mistake
  const n = staticKey(prefix, index);
  return n < 0 ? kvPut(prefix + index.toString(), ptr, len) : kv_put(KEY_BUF, n, ptr, len);
}

export function kvGetAt(prefix: string, index: i32, ptr: usize, cap: i32): i32 {
  if (index < 0) return -2;   // no key "<prefix>" by mistake
  const n = staticKey(prefix, index);
  return n < 0 ? kvGet(prefix + index.toString(), ptr, cap) : kv_get(KEY_BUF, n, ptr, cap);
}

export function kvDeleteAt(prefix: string, index: i32): i32 {
  if (index < 0) return -2;   // no key "<prefix>" by mistake
  const n = staticKey(prefix, index);
  return n < 0 ? kvDelete(prefix + index.toString()) : kv_delete(KEY_BUF, n);
}

/** The same under a key already in memory as bytes (a caller that builds its keys in its own static buffer). */
export function kvGetKey(keyPtr: usize, keyLen: i32, ptr: usize, cap: i32): i32 { return kv_get(keyPtr, keyLen, ptr, cap); }

export function kvPutKey(keyPtr: usize, keyLen: i32, ptr: usize, len: i32): i32 { return kv_put(keyPtr, keyLen, ptr, len); }
