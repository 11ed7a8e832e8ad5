// Top-level station: owns the connection and routes host events. (skeleton)
export class Station {
  now: i64 = 0;
  init(nowMs: i64): void { this.now = nowMs; }
  configSet(keyLen: i32, valLen: i32): i32 { return 0; }
  start(): void {}
  tick(nowMs: i64): void { this.now = nowMs; }
  nextWakeup(): i64 { return i64.MAX_VALUE; }
  onStreamOpen(handle: i32, status: i32): void {}
  onStreamData(handle: i32, len: i32): void {}
  onStreamClosed(handle: i32, reason: i32): void {}
  onUartData(port: i32, len: i32): void {}
  onCanFrame(bus: i32, id: u32, flags: i32, len: i32): void {}
  onGpio(line: i32, level: i32): void {}
}
export const station = new Station();
