// What the station is made of (target: one DC EVSE with two fixed cables, 1 = cTesla, 2 = cCCS1).
// Connector count and line numbers come from the hardware drivers; connector types from config_set
// "connector.<n>.type" (a ConnectorEnumType value).
import { ConnectorEnumType, findEnum } from "../ocpp";
import { CONNECTOR_COUNT } from "../hardware/lines";

export const EVSE_ID: i32 = 1;
export { CONNECTOR_COUNT };

export class Topology {
  readonly connectorType: StaticArray<i32> = new StaticArray<i32>(CONNECTOR_COUNT);
  constructor() {
    this.connectorType[0] = ConnectorEnumType.cTesla;
    if (CONNECTOR_COUNT > 1) this.connectorType[1] = ConnectorEnumType.cCCS1;
  }

  /** "connector.<n>.type" = ConnectorEnumType name. 0 ok, -1 unknown key, -2 bad value. */
  configure(key: string, value: string): i32 {
    if (!key.startsWith("connector.") || !key.endsWith(".type") || key.length != 16) return -1;
    const n = <i32>key.charCodeAt(10) - 48;
    if (n < 1 || n > CONNECTOR_COUNT) return -2;
    const b = String.UTF8.encode(value);
    const t = findEnum(ConnectorEnumType.TYPE, changetype<usize>(b), b.byteLength);
    if (t < 0) return -2;
    this.connectorType[n - 1] = t;
    return 0;
  }
}
