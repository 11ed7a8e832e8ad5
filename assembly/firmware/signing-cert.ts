// The firmware signing certificate as UpdateFirmware brings it, checked before anything is downloaded (L01.FR.02,
// TC_L_05_CS: an invalid one is answered InvalidCertificate at once): a PEM certificate whose DER the image can
// walk, valid now by the wall clock, and issued by a ManufacturerRootCertificate in the host's store (its issuer
// name hashes to the issuerNameHash of an installed root). The signature over the certificate and the chain are
// the host's to check (fw_slot_verify) once the image is in the slot: that check decides; this one only refuses
// early what cannot pass.
import { crypto_hash, cert_list, clock_wall_ms } from "../host/abi";
import { base64Decode } from "../util/base64";
import { parseDateTime } from "../util/datetime";
import { toHex } from "../util/hex";
import { bytesEqualIgnoreCase } from "../util/text";
import { CERT_LIST_CAPACITY } from "../core/limits";

/** cert_list's store of the manufacturer roots (docs/host-abi.md). */
const KIND_MANUFACTURER_ROOT: i32 = 1;

export const CERT_OK: i32 = 0;
export const CERT_NOT_A_CERTIFICATE: i32 = -2;
export const CERT_NOT_TRUSTED: i32 = -3;
export const CERT_EXPIRED: i32 = -4;

const BEGIN = "-----BEGIN CERTIFICATE-----";
const END = "-----END CERTIFICATE-----";

/** A DER element at p (before end): its content's start and length; false when it does not fit. */
class Der {
  tag: i32 = 0;
  start: usize = 0;
  len: i32 = 0;
  read(p: usize, end: usize): bool {
    if (p + 2 > end) return false;
    this.tag = <i32>load<u8>(p);
    let l = <i32>load<u8>(p + 1);
    let q = p + 2;
    if (l >= 0x80) {
      const k = l & 0x7f;
      if (k < 1 || k > 3 || q + <usize>k > end) return false;
      l = 0;
      for (let i = 0; i < k; i++) l = (l << 8) | <i32>load<u8>(q + <usize>i);
      q += <usize>k;
    }
    if (q + <usize>l > end) return false;
    this.start = q;
    this.len = l;
    return true;
  }
  get next(): usize { return this.start + <usize>this.len; }
}

/** The ISO 8601 text of a certificate time, built here (no string: the check runs while an update starts, when
 *  its 6.6 KB record is allocated, and its garbage stood above everything until the event ended). */
const TIME_TEXT: usize = memory.data(20);

function put2(at: i32, q: usize): void {
  store<u8>(TIME_TEXT + <usize>at, load<u8>(q));
  store<u8>(TIME_TEXT + <usize>at + 1, load<u8>(q + 1));
}

/** UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ) as epoch ms; i64.MIN_VALUE if neither. */
function derTime(d: Der): i64 {
  const p = d.start;
  let q: usize = 0;
  if (d.tag == 0x17 && d.len == 13) {
    const yy = (<i32>load<u8>(p) - 48) * 10 + (<i32>load<u8>(p + 1) - 48);
    const year = yy >= 50 ? 1900 + yy : 2000 + yy;   // two digits: 1900 to 2099 (a digit's place may hold another byte)
    store<u8>(TIME_TEXT, <u8>(48 + year / 1000));
    store<u8>(TIME_TEXT + 1, <u8>(48 + year / 100 % 10));
    store<u8>(TIME_TEXT + 2, <u8>(48 + year / 10 % 10));
    store<u8>(TIME_TEXT + 3, <u8>(48 + year % 10));
    q = p + 2;
  } else if (d.tag == 0x18 && d.len == 15) {
    memory.copy(TIME_TEXT, p, 4);
    q = p + 4;
  } else return i64.MIN_VALUE;
  if (load<u8>(q + 10) != 0x5a) return i64.MIN_VALUE;
  // YYYY-MM-DDTHH:MM:SSZ
  store<u8>(TIME_TEXT + 4, 0x2d); put2(5, q); store<u8>(TIME_TEXT + 7, 0x2d); put2(8, q + 2);
  store<u8>(TIME_TEXT + 10, 0x54); put2(11, q + 4); store<u8>(TIME_TEXT + 13, 0x3a); put2(14, q + 6);
  store<u8>(TIME_TEXT + 16, 0x3a); put2(17, q + 8); store<u8>(TIME_TEXT + 19, 0x5a);
  return parseDateTime(TIME_TEXT, 20);
}

/** Where the ASCII text `what` starts in [p, p + len) from `from` on, or -1. */
function find(p: usize, len: i32, what: string, from: i32): i32 {
  const n = what.length;
  for (let i = max(from, 0); i + n <= len; i++) {
    let j = 0;
    while (j < n && <i32>load<u8>(p + <usize>(i + j)) == what.charCodeAt(j)) j++;
    if (j == n) return i;
  }
  return -1;
}

/** Checks the PEM certificate at (pem, len) as above, without copying it into a string: CERT_OK or why not. */
export function checkSigningCertificate(pem: usize, len: i32, listing: usize = 0): i32 {
  const b = find(pem, len, BEGIN, 0);
  const e = b < 0 ? -1 : find(pem, len, END, b + BEGIN.length);
  if (e < 0) return CERT_NOT_A_CERTIFICATE;
  const bodyLen = e - b - BEGIN.length;
  const der = heap.alloc(<usize>max(bodyLen, 1));
  const rc = checkDer(der, base64Decode(pem + <usize>(b + BEGIN.length), bodyLen, der, bodyLen), listing);
  heap.free(der);
  return rc;
}

/** The DER certificate at der (n bytes; n < 0: none). */
function checkDer(der: usize, n: i32, listing: usize): i32 {
  if (n <= 0) return CERT_NOT_A_CERTIFICATE;
  const end = der + <usize>n;
  // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version?, serial, signature, issuer, validity, ... } }
  const d = new Der();
  if (!d.read(der, end) || d.tag != 0x30) return CERT_NOT_A_CERTIFICATE;
  if (!d.read(d.start, end) || d.tag != 0x30) return CERT_NOT_A_CERTIFICATE;
  const tbsEnd = d.next;
  let p = d.start;
  if (!d.read(p, tbsEnd)) return CERT_NOT_A_CERTIFICATE;
  if (d.tag == 0xa0) { p = d.next; if (!d.read(p, tbsEnd)) return CERT_NOT_A_CERTIFICATE; }
  if (d.tag != 0x02) return CERT_NOT_A_CERTIFICATE;                       // serial
  if (!d.read(d.next, tbsEnd) || d.tag != 0x30) return CERT_NOT_A_CERTIFICATE;   // signature algorithm
  const issuerAt = d.next;
  if (!d.read(issuerAt, tbsEnd) || d.tag != 0x30) return CERT_NOT_A_CERTIFICATE;
  const issuerLen = <i32>(d.next - issuerAt);
  if (!d.read(d.next, tbsEnd) || d.tag != 0x30) return CERT_NOT_A_CERTIFICATE;   // validity
  const validityEnd = d.next;
  if (!d.read(d.start, validityEnd)) return CERT_NOT_A_CERTIFICATE;
  const notBefore = derTime(d);
  if (!d.read(d.next, validityEnd)) return CERT_NOT_A_CERTIFICATE;
  const notAfter = derTime(d);
  if (notBefore == i64.MIN_VALUE || notAfter == i64.MIN_VALUE) return CERT_NOT_A_CERTIFICATE;
  const now = clock_wall_ms();
  if (now < notBefore || now > notAfter) return CERT_EXPIRED;
  return issuedByManufacturerRoot(issuerAt, issuerLen, listing) ? CERT_OK : CERT_NOT_TRUSTED;
}

/** Whether an installed manufacturer root's name (its issuerNameHash, SHA-256 of the DER name) is this issuer. */
/** listing: CERT_LIST_CAPACITY bytes to list the roots in (the certificate block's listing buffer, lent by the
 *  station: an update that replaces a running one has its 6.6 KB record allocated, and 3 KB more here set the
 *  heap's high-water, TC_L_10_CS), or 0 to allocate them for the call. */
function issuedByManufacturerRoot(issuer: usize, len: i32, listing: usize): bool {
  const digest = heap.alloc(32);
  const hex = heap.alloc(64);
  const list = listing != 0 ? listing : heap.alloc(<usize>CERT_LIST_CAPACITY);
  let found = false;
  if (crypto_hash(2, issuer, len, digest, 32) == 32) {
    toHex(digest, 32, hex);
    const n = cert_list(KIND_MANUFACTURER_ROOT, list, CERT_LIST_CAPACITY);
    if (n > 0 && n <= CERT_LIST_CAPACITY) {
      // Lines "kind alg issuerNameHash issuerKeyHash serial", fields split at each space, read in place.
      for (let at = 0; at <= n && !found; ) {
        let eol = at;
        while (eol < n && load<u8>(list + <usize>eol) != 0x0a) eol++;
        const a1 = fieldStart(list, at, eol, 1), a2 = fieldStart(list, at, eol, 2);
        found = a2 >= 0 && bytesEqualIgnoreCase(list + <usize>a1, fieldEnd(list, a1, eol) - a1, "sha256") &&
          hexEqualIgnoreCase(list + <usize>a2, fieldEnd(list, a2, eol) - a2, hex, 64);
        at = eol + 1;
      }
    }
  }
  heap.free(digest); heap.free(hex);
  if (listing == 0) heap.free(list);
  return found;
}

/** Where field k (0-based, split at each space) of the line [at, eol) starts, or -1 when the line has fewer. */
function fieldStart(p: usize, at: i32, eol: i32, k: i32): i32 {
  for (let i = at; k > 0; i++) {
    if (i >= eol) return -1;
    if (load<u8>(p + <usize>i) == 0x20) { k--; if (k == 0) return i + 1; }
  }
  return at;
}

function fieldEnd(p: usize, from: i32, eol: i32): i32 {
  let i = from;
  while (i < eol && load<u8>(p + <usize>i) != 0x20) i++;
  return i;
}

/** The n bytes at p, ASCII letters in lower case, are the m bytes at q (lower-case hex). */
function hexEqualIgnoreCase(p: usize, n: i32, q: usize, m: i32): bool {
  if (n != m) return false;
  for (let k = 0; k < n; k++) {
    let c = <i32>load<u8>(p + <usize>k);
    if (c >= 65 && c <= 90) c += 32;
    if (c != <i32>load<u8>(q + <usize>k)) return false;
  }
  return true;
}
