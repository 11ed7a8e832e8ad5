// The device model (B05–B08, B12–B14). STUB until the device-model work lands: the station already calls
// these entry points, so filling them in needs no change in station.ts.
import { Tape, RpcError } from "../ocpp";
import { Settings, SettingsListener } from "../station/settings";
import { StationConfig } from "../station/config";

export class DeviceModel {
  constructor(readonly settings: Settings, readonly config: StationConfig, readonly listener: SettingsListener) {}

  /** init: restores persisted values into the store and into `settings`. */
  load(): void {}

  /** config_set "dm:<Component>.<Variable>" (initial values; a persisted value wins). 0 ok, < 0 rejected. */
  configure(key: string, value: string): i32 { return -1; }

  /** true if `action` is a device-model request (GetVariables, SetVariables, GetBaseReport, GetReport). */
  handles(action: i32): bool { return false; }

  /** A device-model CSMS request: fill resp, return RpcError.None or an RpcError. */
  handleCall(action: i32, req: Tape, resp: Tape, now: i64): i32 { return RpcError.NotSupported; }

  /** The next device-model CALL (NotifyReport pages) into req; its action, or -1. */
  nextCall(req: Tape, now: i64): i32 { return -1; }
  onCallResult(action: i32, resp: Tape): void {}
  onCallFailed(action: i32, failure: i32): void {}

  /** Read-only values that reflect live state (AvailabilityState, ...), pushed by the blocks that own them. */
  setLive(component: string, evse: i32, connector: i32, variable: string, value: string): void {}
}
