// The host's certificate store as the image sees it: cert_list (docs/host-abi.md) read in place, one line per
// certificate, "kind alg issuerNameHash issuerKeyHash serial". The lines' text stays in this block's buffer, so
// an answer may borrow it until it is encoded.
import { cert_list } from "../host/abi";
import { CERT_LIST_CAPACITY } from "../core/limits";

/** The host's store kinds (cert_install). */
export const KIND_CSMS_ROOT: i32 = 0;
export const KIND_MANUFACTURER_ROOT: i32 = 1;
export const KIND_V2G_ROOT: i32 = 2;
export const KIND_MO_ROOT: i32 = 3;
export const KIND_STATION: i32 = 4;

/** Bits of Listing.read(): the roots (what GetInstalledCertificateIds reports), the station's own. */
export const ROOT_KINDS: i32 = (1 << KIND_CSMS_ROOT) | (1 << KIND_MANUFACTURER_ROOT) | (1 << KIND_V2G_ROOT) | (1 << KIND_MO_ROOT);
export const STATION_KINDS: i32 = 1 << KIND_STATION;

/** Fields of a line: kind, hash algorithm, issuerNameHash, issuerKeyHash, serialNumber. */
export const F_ALG: i32 = 1;
export const F_NAME: i32 = 2;
export const F_KEY: i32 = 3;
export const F_SERIAL: i32 = 4;
const FIELDS: i32 = 5;
/** Lines kept from one listing (a longer one is cut; the buffer holds fewer anyway). */
const LINES_MAX: i32 = 24;
/** "SHA256:" + two SHA-256 hex digests + ":" + a 20-byte serial in hex, with room to spare. */
const HASH_DATA_MAX: i32 = 256;

@inline function lower(c: u32): u32 { return c >= 0x41 && c <= 0x5a ? c | 0x20 : c; }

/** Hex text equal without regard to case; leading zeros skipped when `number` (OCPP's serialNumber has none, a
 *  CSMS may still send them). */
function hexEquals(a: usize, aLen: i32, b: usize, bLen: i32, number: bool): bool {
  if (number) {
    while (aLen > 1 && load<u8>(a) == 0x30) { a++; aLen--; }
    while (bLen > 1 && load<u8>(b) == 0x30) { b++; bLen--; }
  }
  if (aLen != bLen) return false;
  for (let i = 0; i < aLen; i++) if (lower(load<u8>(a + <usize>i)) != lower(load<u8>(b + <usize>i))) return false;
  return true;
}

export class Listing {
  private buf: usize = heap.alloc(<usize>CERT_LIST_CAPACITY);
  private hd: usize = heap.alloc(<usize>HASH_DATA_MAX);
  private starts: StaticArray<i32> = new StaticArray<i32>(LINES_MAX * FIELDS);
  private lens: StaticArray<i32> = new StaticArray<i32>(LINES_MAX * FIELDS);
  private kinds: StaticArray<i32> = new StaticArray<i32>(LINES_MAX);
  /** Certificates in the last listing. */
  count: i32 = 0;

  /** The listing's buffer (CERT_LIST_CAPACITY bytes), lent as scratch between listings: every use of a listing
   *  reads it first, within one handler (station/station-values.ts counts the certificates in it). */
  get buffer(): usize { return this.buf; }

  /** Lists the kinds whose bits are set in `kinds` (bit k: kind k), one host call per kind, so certificates of one
   *  kind never crowd out another's; false when the host could not list. A line the buffer cut is left out. */
  read(kinds: i32): bool {
    this.count = 0;
    let used = 0;
    for (let k = 0; k <= KIND_STATION && used < CERT_LIST_CAPACITY; k++) {
      if ((kinds & (1 << k)) == 0) continue;
      const room = CERT_LIST_CAPACITY - used;
      const n = cert_list(k, this.buf + <usize>used, room);
      if (n < 0) return false;
      this.parse(used, used + min(n, room));
      used += min(n, room);
    }
    return true;
  }

  /** The complete lines in buf[from, to). */
  private parse(from: i32, to: i32): void {
    let line = from;
    while (line < to && this.count < LINES_MAX) {
      let nl = line;
      while (nl < to && load<u8>(this.buf + <usize>nl) != 0x0a) nl++;
      if (nl >= to) break;
      this.split(line, nl);
      line = nl + 1;
    }
  }

  private split(from: i32, to: i32): void {
    const row = this.count * FIELDS;
    let f = 0, at = from;
    while (f < FIELDS && at < to) {
      let e = at;
      while (e < to && load<u8>(this.buf + <usize>e) != 0x20) e++;
      unchecked(this.starts[row + f] = at);
      unchecked(this.lens[row + f] = e - at);
      f++;
      at = e + 1;
    }
    const k0 = <i32>load<u8>(this.buf + <usize>from) - 0x30;
    if (f < FIELDS || this.lens[row] != 1 || k0 < 0 || k0 > KIND_STATION) return;   // not a line of the ABI
    unchecked(this.kinds[this.count] = k0);
    this.count++;
  }

  kind(i: i32): i32 { return this.kinds[i]; }
  fieldPtr(i: i32, field: i32): usize { return this.buf + <usize>this.starts[i * FIELDS + field]; }
  fieldLen(i: i32, field: i32): i32 { return this.lens[i * FIELDS + field]; }

  countOf(kind: i32): i32 {
    let n = 0;
    for (let i = 0; i < this.count; i++) if (this.kinds[i] == kind) n++;
    return n;
  }

  /** The line whose SHA-256 hash data match, or -1. */
  find(name: usize, nameLen: i32, key: usize, keyLen: i32, serial: usize, serialLen: i32): i32 {
    for (let i = 0; i < this.count; i++) {
      if (hexEquals(this.fieldPtr(i, F_NAME), this.fieldLen(i, F_NAME), name, nameLen, false) &&
          hexEquals(this.fieldPtr(i, F_KEY), this.fieldLen(i, F_KEY), key, keyLen, false) &&
          hexEquals(this.fieldPtr(i, F_SERIAL), this.fieldLen(i, F_SERIAL), serial, serialLen, true)) return i;
    }
    return -1;
  }

  /** The hash data of line i as cert_delete takes it, "alg:issuerNameHash:issuerKeyHash:serial", in a buffer of
   *  this listing; its length, or -1 when it does not fit. */
  hashDataOf(i: i32): i32 {
    let n = 0;
    for (let f = F_ALG; f < FIELDS; f++) {
      const len = this.fieldLen(i, f);
      if (n + len + 1 > HASH_DATA_MAX) return -1;
      if (f > F_ALG) store<u8>(this.hd + <usize>(n++), 0x3a);
      memory.copy(this.hd + <usize>n, this.fieldPtr(i, f), <usize>len);
      n += len;
    }
    return n;
  }
  get hashDataPtr(): usize { return this.hd; }
}
