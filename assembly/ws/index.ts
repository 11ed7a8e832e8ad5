// Public API of the WebSocket client.
export { WsListener, WsConnection, WS_IDLE, WS_WAIT, WS_CONNECTING, WS_HANDSHAKE, WS_OPEN, WS_CLOSING } from "./connection";
export * from "./errors";
export { backoffDelayMs } from "./backoff";
export { parseWsUrl, percentEncode, WsTarget } from "./url";
