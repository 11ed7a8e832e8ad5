// Stream status and close codes of docs/host-abi.md.
"use strict";
module.exports = {
  OK: 0, DNS: -1, REFUSED: -2, TIMEOUT: -3, RESET: -4, IO: -5,
  TLS_HANDSHAKE: -10, TLS_UNTRUSTED: -11, TLS_EXPIRED: -12, TLS_HOSTNAME: -13, TLS_VERSION: -14, TLS_CLIENT_CERT: -15, TLS_CIPHER: -16,
};

/** Maps a Node socket/TLS error to a stream code. `peerCertSeen`: the TLS handshake had received the server's
 *  certificate when it failed (a handshake_failure alert then refuses our certificate, before it our cipher suites). */
module.exports.fromError = function fromError(err, peerCertSeen = false) {
  const c = module.exports;
  switch (err && err.code) {
    case "ENOTFOUND": case "EAI_AGAIN": return c.DNS;
    case "ECONNREFUSED": return c.REFUSED;
    case "ETIMEDOUT": return c.TIMEOUT;
    case "ECONNRESET": case "EPIPE": return c.RESET;
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE": case "SELF_SIGNED_CERT_IN_CHAIN": case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "UNABLE_TO_GET_ISSUER_CERT": case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY": case "CERT_SIGNATURE_FAILURE": return c.TLS_UNTRUSTED;
    case "CERT_HAS_EXPIRED": case "CERT_NOT_YET_VALID": return c.TLS_EXPIRED;
    case "ERR_TLS_CERT_ALTNAME_INVALID": return c.TLS_HOSTNAME;
    case "ERR_SSL_UNSUPPORTED_PROTOCOL": case "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION": case "ERR_SSL_WRONG_VERSION_NUMBER": return c.TLS_VERSION;
    case "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED": case "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE": return c.TLS_CLIENT_CERT;
    case "ERR_SSL_WRONG_CIPHER_RETURNED": case "ERR_SSL_NO_SHARED_CIPHER": return c.TLS_CIPHER;
    case "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE": return peerCertSeen ? c.TLS_CLIENT_CERT : c.TLS_CIPHER;
    default:
      if (err && typeof err.code === "string" && err.code.startsWith("ERR_SSL")) return c.TLS_HANDSHAKE;
      return c.IO;
  }
};
