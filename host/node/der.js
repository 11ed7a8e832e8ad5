// Just enough DER to build a PKCS#10 request and to find the issuer Name and serial number in a certificate.
"use strict";

function len(n) {
  if (n < 0x80) return Buffer.from([n]);
  const bytes = [];
  while (n > 0) { bytes.unshift(n & 0xff); n >>= 8; }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag, body) => Buffer.concat([Buffer.from([tag]), len(body.length), body]);
const seq = (...items) => tlv(0x30, Buffer.concat(items));
const set = (...items) => tlv(0x31, Buffer.concat(items));

function oid(dotted) {
  const parts = dotted.split(".").map(Number);
  const out = [parts[0] * 40 + parts[1]];
  for (const p of parts.slice(2)) {
    const b = [p & 0x7f];
    for (let v = p >> 7; v > 0; v >>= 7) b.unshift(0x80 | (v & 0x7f));
    out.push(...b);
  }
  return tlv(0x06, Buffer.from(out));
}

/** Reads the TLV at off: { tag, start (of the value), end }. Throws on malformed input (callers catch). */
function read(buf, off) {
  if (off + 2 > buf.length) throw new Error("DER truncated");
  const tag = buf[off];
  let n = buf[off + 1];
  let start = off + 2;
  if (n & 0x80) {
    const k = n & 0x7f;
    if (k < 1 || k > 4 || start + k > buf.length) throw new Error("DER length");
    n = 0;
    for (let i = 0; i < k; i++) n = n * 256 + buf[start + i];
    start += k;
  }
  if (start + n > buf.length) throw new Error("DER truncated");
  return { tag, start, end: start + n, headerStart: off };
}

/** Children of a constructed value. */
function children(buf, node) {
  const out = [];
  for (let off = node.start; off < node.end;) { const c = read(buf, off); out.push(c); off = c.end; }
  return out;
}

module.exports = { tlv, seq, set, oid, read, children };
