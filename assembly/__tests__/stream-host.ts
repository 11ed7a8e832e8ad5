// The fake host's stream controls (tests/aspect-host.js) and what they show, shared by the specs of the layers
// that use streams (ws-connection, http-client).
@external("env", "test_sent_count") export declare function test_sent_count(): i32;
@external("env", "test_sent_handle") export declare function test_sent_handle(i: i32): i32;
@external("env", "test_sent_copy") export declare function test_sent_copy(i: i32, ptr: usize, cap: i32): i32;
@external("env", "test_sent_clear") export declare function test_sent_clear(): void;
@external("env", "test_open_result") export declare function test_open_result(v: i32): void;
@external("env", "test_send_fail") export declare function test_send_fail(v: i32): void;
@external("env", "test_closed_count") export declare function test_closed_count(): i32;
@external("env", "test_closed_last") export declare function test_closed_last(): i32;
@external("env", "test_open_arg") export declare function test_open_arg(which: i32): i32;
@external("env", "test_open_host_copy") export declare function test_open_host_copy(ptr: usize, cap: i32): i32;

/** The host name the last stream_open was given. */
export function openedHost(): string {
  const buf = new ArrayBuffer(300);
  const n = test_open_host_copy(changetype<usize>(buf), 300);
  return String.UTF8.decodeUnsafe(changetype<usize>(buf), <usize>min(n, 300));
}
