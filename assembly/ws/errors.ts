// Result codes of the WebSocket client. One code space is shared by WsConnection.lastError and
// WsListener.onDisconnected(reason) so a single integer tells the security/diagnostics code what happened:
//   100..599    HTTP status of a refused opening handshake (e.g. 401 for bad Basic credentials)
//   1000..4999  WebSocket close code (RFC 6455 §7.4), sent by the peer or by us
//   -1..-99     stream status / close reason from the host (docs/host-abi.md)
//   <= -100     the codes below, detected inside the image

import { WS_MAX_MESSAGE } from "../core/limits";

export { WS_MAX_MESSAGE };

// configure()
export const WS_ERR_URL_SCHEME: i32 = -101;
export const WS_ERR_URL_HOST: i32 = -102;
export const WS_ERR_URL_PORT: i32 = -103;
export const WS_ERR_URL_PATH: i32 = -104;
export const WS_ERR_STATION_ID: i32 = -105;
export const WS_ERR_PROFILE: i32 = -106;      // unknown profile, or scheme does not match it
export const WS_ERR_PASSWORD: i32 = -107;     // profile 1/2 without a usable BasicAuthPassword
export const WS_ERR_NOT_CONFIGURED: i32 = -108;

// opening handshake
export const WS_ERR_HS_TIMEOUT: i32 = -110;
export const WS_ERR_HS_TOO_LARGE: i32 = -111;
export const WS_ERR_HS_MALFORMED: i32 = -112;
export const WS_ERR_HS_UPGRADE: i32 = -113;   // Upgrade/Connection header missing or wrong
export const WS_ERR_HS_ACCEPT: i32 = -114;
export const WS_ERR_HS_PROTOCOL: i32 = -115;  // subprotocol not ocpp2.0.1
export const WS_ERR_HS_EXTENSION: i32 = -116; // server picked an extension we did not offer
export const WS_ERR_HS_CLOSED: i32 = -117;    // stream ended before the response was complete

// open connection
export const WS_ERR_SEND: i32 = -120;
export const WS_ERR_PING_TIMEOUT: i32 = -121;
export const WS_ERR_CLOSE_TIMEOUT: i32 = -122;
export const WS_ERR_HOST: i32 = -123;         // random_fill / crypto_hash failed

// close codes we send (RFC 6455 §7.4.1)
export const CLOSE_NORMAL: i32 = 1000;
export const CLOSE_PROTOCOL: i32 = 1002;
export const CLOSE_UNSUPPORTED: i32 = 1003;
export const CLOSE_NO_STATUS: i32 = 1005;     // never on the wire: peer close without a code
export const CLOSE_INVALID_DATA: i32 = 1007;
export const CLOSE_TOO_BIG: i32 = 1009;
export const CLOSE_INTERNAL: i32 = 1011;   // a message we started could not be finished (docs/streaming.md)
