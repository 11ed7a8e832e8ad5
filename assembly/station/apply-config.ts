// config_set: one key of the station's configuration file, handed over by the host before start(). Identity and
// CSMS fields go to StationConfig, "dm:" keys are initial device-model values, "connector.<n>.type" the topology.
import { RX_BUFFER } from "../host/buffers";
import { DeviceModel } from "../devicemodel/device-model";
import { K } from "../core/catalog";
import { Topology } from "../core/topology";
import { StationConfig } from "../core/config";

export const enum ConfigResult { Ok = 0, UnknownKey = -1, BadValue = -2 }

function keyIs(key: string, name: string): bool { return key == name; }

/** Applies one key/value pair from the RX buffer. */
export function applyConfig(cfg: StationConfig, dm: DeviceModel, topology: Topology, keyLen: i32, valLen: i32): i32 {
  if (keyLen <= 0 || valLen < 0 || keyLen > 128 || valLen > 1000) return ConfigResult.BadValue;
  const key = String.UTF8.decodeUnsafe(RX_BUFFER, <usize>keyLen);
  const value = String.UTF8.decodeUnsafe(RX_BUFFER + <usize>keyLen, <usize>valLen);
  // Initial device-model values: "dm:<Component>.<Variable>" (docs/host-abi.md).
  if (key.startsWith("dm:")) return dm.configure(key.substring(3), value) == 0 ? ConfigResult.Ok : ConfigResult.BadValue;
  if (key.startsWith("connector.")) return topology.configure(key, value) == 0 ? ConfigResult.Ok : ConfigResult.BadValue;
  if (keyIs(key, "station_id")) {
    // Part 4 / SecurityCtrlr.Identity: identityString, at most 48 characters, no ':' (Basic auth user name).
    if (value.length == 0 || value.length > 48 || value.includes(":")) return ConfigResult.BadValue;
    cfg.stationId = value;
  } else if (keyIs(key, "csms_url")) {
    if (value.length == 0) return ConfigResult.BadValue;
    cfg.csmsUrl = value;
  } else if (keyIs(key, "security_profile")) {
    if (value.length != 1) return ConfigResult.BadValue;
    const p = <i32>value.charCodeAt(0) - 48;
    if (p < 0 || p > 3) return ConfigResult.BadValue;
    cfg.securityProfile = p;
  } else if (keyIs(key, "basic_auth_password")) {
    // SecurityCtrlr.BasicAuthPassword: 16..40 characters per the appendix; shorter ones are accepted for tests.
    if (value.length > 40) return ConfigResult.BadValue;
    // The device model's initial value; one set by the CSMS (persisted) wins.
    if (dm.initial(K.BasicAuthPassword, value) != 0) return ConfigResult.BadValue;
  } else if (keyIs(key, "vendor_name")) {
    if (value.length == 0 || value.length > 50) return ConfigResult.BadValue;
    cfg.vendorName = value;
  } else if (keyIs(key, "model")) {
    if (value.length == 0 || value.length > 20) return ConfigResult.BadValue;
    cfg.model = value;
  } else if (keyIs(key, "serial_number")) {
    if (value.length > 25) return ConfigResult.BadValue;
    cfg.serialNumber = value;
  } else if (keyIs(key, "firmware_version")) {
    if (value.length == 0 || value.length > 50) return ConfigResult.BadValue;
    cfg.firmwareVersion = value;
  } else {
    return ConfigResult.UnknownKey;
  }
  return ConfigResult.Ok;
}
