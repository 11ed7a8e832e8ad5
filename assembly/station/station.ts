// The station: receives every host event, owns the CSMS connection (WebSocket +
// RPC) and hands CSMS requests to the functional blocks.
import { RX_BUFFER, RX_CAPACITY } from "../host/buffers";
import { Tape, Action, RpcError } from "../ocpp";
import { Rpc } from "../rpc/rpc";
import { RpcApp } from "../rpc/app";
import { StationConfig, applyConfig } from "./config";
import { Registration } from "../provisioning/registration";
import { handleGetVariables } from "../provisioning/get-variables";
import { StationVariables } from "./variables";
import { logError, logInfo } from "../util/log";

export class Station extends RpcApp {
  now: i64 = 0;
  readonly config: StationConfig = new StationConfig();
  readonly registration: Registration = new Registration();
  rpc!: Rpc;
  private vars!: StationVariables;
  private started: bool = false;

  constructor() {
    super();
    this.rpc = new Rpc(this);
    this.vars = new StationVariables(this);
  }

  // ---- host events -----------------------------------------------------------
  init(nowMs: i64): void { this.now = nowMs; this.rpc.now = nowMs; }

  configSet(keyLen: i32, valLen: i32): i32 { return applyConfig(this.config, keyLen, valLen); }

  start(): void {
    if (this.started) return;
    const cfg = this.config;
    const rc = this.rpc.ws.configure(cfg.csmsUrl, cfg.stationId, cfg.basicAuthPassword, cfg.securityProfile);
    if (rc != 0) {
      logError("station: CSMS url or security profile not usable (" + rc.toString() + "): " + cfg.csmsUrl);
      return;
    }
    this.started = true;
    logInfo("station " + cfg.stationId + " connecting to " + cfg.csmsUrl);
    this.rpc.ws.start(this.now);
  }

  tick(nowMs: i64): void {
    if (nowMs > this.now) this.now = nowMs;
    this.rpc.tick(this.now);
  }

  nextWakeup(): i64 {
    const a = this.rpc.nextWakeup();
    // A due CALL waits for the line; the response (or its time-out) pumps it, so no earlier wake-up is needed.
    const lineFree = this.rpc.ws.isOpen() && this.rpc.pendingAction < 0;
    const b = lineFree ? this.registration.nextWakeup() : i64.MAX_VALUE;
    return a < b ? a : b;
  }

  onStreamOpen(handle: i32, status: i32): void { this.rpc.ws.onStreamOpen(handle, status); }
  onStreamData(handle: i32, len: i32): void {
    // The length comes from the host: never trust it past the buffer it names.
    if (len <= 0 || len > RX_CAPACITY) return;
    this.rpc.ws.onStreamData(handle, RX_BUFFER, len);
  }
  onStreamClosed(handle: i32, reason: i32): void { this.rpc.ws.onStreamClosed(handle, reason); }
  // Hardware drivers arrive with the hardware issue; until then inputs are accepted and ignored.
  onUartData(port: i32, len: i32): void {}
  onCanFrame(bus: i32, id: u32, flags: i32, len: i32): void {}
  onGpio(line: i32, level: i32): void {}

  // ---- RpcApp -----------------------------------------------------------------
  handleCall(action: i32, req: Tape, resp: Tape): i32 {
    if (action == Action.GetVariables) return handleGetVariables(req, resp, this.vars);
    return RpcError.NotSupported;
  }

  nextCall(req: Tape): i32 {
    return this.registration.nextCall(req, this.now, this.config);
  }

  onCallResult(action: i32, resp: Tape): void {
    if (action == Action.BootNotification) this.registration.onBootResponse(resp, this.now);
    else if (action == Action.Heartbeat) this.registration.onHeartbeatResponse(resp);
  }

  onCallFailed(action: i32, failure: i32): void {
    if (action == Action.BootNotification) this.registration.onBootFailed(this.now);
  }

  onConnected(): void {
    logInfo("station: connected to the CSMS");
    this.registration.onConnected(this.now);
  }

  onDisconnected(): void {
    logInfo("station: disconnected from the CSMS");
  }
}

export const station = new Station();
