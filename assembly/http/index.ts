// The HTTP/1.1 client layer (docs/architecture.md "HTTP client"): below the blocks, beside ws/.
export { HttpClient, HTTP_IDLE, HTTP_CONNECTING, HTTP_SENDING, HTTP_WAITING } from "./client";
export { HttpSink, HttpSource, HttpListener } from "./sink";
export { MultipartSource } from "./multipart";
export { HttpTarget, parseHttpUrl } from "./url";
export * from "./errors";
