// Pieces of the firmware block (firmware/): the base64 decoder of the signature, the early check of the signing
// certificate's form, and the persisted update record (a boot reads back what was written; a damaged value is no
// update). The whole update runs in tests/conformance/l-firmware.test.js and tests/firmware-update.test.js.
import { base64Decode } from "../util/base64";
import { checkSigningCertificate, CERT_NOT_A_CERTIFICATE } from "../firmware/signing-cert";
import { UpdateRecord, Phase } from "../firmware/update-record";
import { kvPut, kvDelete } from "../util/kv";

const OUT: usize = heap.alloc(64);

function decode(s: string): string {
  const b = String.UTF8.encode(s);
  const n = base64Decode(changetype<usize>(b), b.byteLength, OUT, 64);
  return n < 0 ? "<error>" : String.UTF8.decodeUnsafe(OUT, <usize>n);
}

describe("base64Decode", () => {
  it("decodes with and without padding, skipping whitespace", () => {
    expect(decode("aGVsbG8=")).toBe("hello");
    expect(decode("aGVsbG8")).toBe("hello");
    expect(decode("aGVs\r\nbG8h")).toBe("hello!");
    expect(decode("")).toBe("");
  });
  it("refuses bad characters, data after padding, a lone character and too much output", () => {
    expect(decode("aGV*bG8=")).toBe("<error>");
    expect(decode("aGVsbG8=aGVs")).toBe("<error>");
    expect(decode("aGVsb")).toBe("<error>");
    const big = String.UTF8.encode("QUFB".repeat(30));   // 90 bytes > 64
    expect(base64Decode(changetype<usize>(big), big.byteLength, OUT, 64)).toBe(-1);
  });
  it("decodes in place", () => {
    const b = String.UTF8.encode("c2lnbmF0dXJl");
    const p = changetype<usize>(b);
    const n = base64Decode(p, b.byteLength, p, b.byteLength);
    expect(String.UTF8.decodeUnsafe(p, <usize>n)).toBe("signature");
  });
});

function check(pem: string): i32 {
  const b = String.UTF8.encode(pem);
  return checkSigningCertificate(changetype<usize>(b), b.byteLength);
}

describe("checkSigningCertificate", () => {
  it("refuses what is no PEM certificate", () => {
    expect(check("")).toBe(CERT_NOT_A_CERTIFICATE);
    expect(check("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----")).toBe(CERT_NOT_A_CERTIFICATE);
    // Base64 of a DER that is not a certificate (an INTEGER).
    expect(check("-----BEGIN CERTIFICATE-----\nAgEB\n-----END CERTIFICATE-----")).toBe(CERT_NOT_A_CERTIFICATE);
    // A SEQUENCE whose length runs past the end.
    expect(check("-----BEGIN CERTIFICATE-----\nMIIBAA==\n-----END CERTIFICATE-----")).toBe(CERT_NOT_A_CERTIFICATE);
  });
});

describe("UpdateRecord", () => {
  it("reads back what was saved", () => {
    const r = new UpdateRecord();
    const loc = String.UTF8.encode("https://example.com/fw.wasm");
    const cert = String.UTF8.encode("-----BEGIN CERTIFICATE-----");
    r.open(loc.byteLength, cert.byteLength);
    r.setTexts(changetype<usize>(loc), loc.byteLength, changetype<usize>(cert), cert.byteLength);
    store<u8>(r.sigDest, 0x30);
    store<u8>(r.sigDest + 1, 0x45);
    r.setSigLen(2);
    r.requestId = 42;
    r.retriesLeft = 2;
    r.retryIntervalS = 30;
    r.retrieveAt = 1767225600000;
    r.installAt = i64.MIN_VALUE;
    r.phase = Phase.InstallWait;
    expect(r.save()).toBe(true);
    const back = new UpdateRecord();
    expect(back.load()).toBe(true);
    expect(back.phase).toBe(Phase.InstallWait);
    expect(back.requestId).toBe(42);
    expect(back.retriesLeft).toBe(2);
    expect(back.retryIntervalS).toBe(30);
    expect(back.retrieveAt).toBe(1767225600000);
    expect(back.installAt).toBe(i64.MIN_VALUE);
    expect(back.location).toBe("https://example.com/fw.wasm");
    expect(back.certLen).toBe(cert.byteLength);
    expect(back.sigLen).toBe(2);
    const whole = back.texts();
    expect<bool>(whole != 0).toBe(true);
    expect(load<u8>(back.sigPtr(whole) + 1)).toBe(0x45);
    expect(String.UTF8.decodeUnsafe(back.certPtr(whole), <usize>back.certLen)).toBe("-----BEGIN CERTIFICATE-----");
    back.release(whole);
    // A later save rewrites the stored value whole: the new header, the texts as they were.
    back.phase = Phase.Rebooting;
    back.setQueued(1);
    back.setQueuedAt(0, 7);
    expect(back.save()).toBe(true);
    const again = new UpdateRecord();
    expect(again.load()).toBe(true);
    expect(again.phase).toBe(Phase.Rebooting);
    expect(again.queuedAt(0)).toBe(7);
    expect(again.location).toBe("https://example.com/fw.wasm");
    const w2 = again.texts();
    expect(load<u8>(again.sigPtr(w2))).toBe(0x30);
    expect(String.UTF8.decodeUnsafe(again.certPtr(w2), <usize>again.certLen)).toBe("-----BEGIN CERTIFICATE-----");
    again.release(w2);
    again.close();
    expect(new UpdateRecord().load()).toBe(false);
  });
  it("takes a damaged or idle value for no update", () => {
    const bad = heap.alloc(16);
    memory.fill(bad, 1, 16);
    kvPut("fw", bad, 16);
    expect(new UpdateRecord().load()).toBe(false);
    const r = new UpdateRecord();
    r.open(0, 0);
    r.phase = Phase.Idle;
    r.save();
    expect(new UpdateRecord().load()).toBe(false);
    kvDelete("fw");
  });
});
