// What the station is made of (target: one DC EVSE with two fixed cables, 1 = cTesla, 2 = cCCS1).
// Connector count and line numbers come from the hardware drivers; connector types from config_set
// "connector.<n>.type" (a ConnectorEnumType value). Unmanaged, its types in raw memory: the collection after every
// event never traces it.
import { ConnectorEnumType, findEnum } from "../ocpp";
import { CONNECTOR_COUNT } from "../hardware/lines";

export const EVSE_ID: i32 = 1;
export { CONNECTOR_COUNT };

@unmanaged export class Topology {
  private types: usize = heap.alloc(<usize>CONNECTOR_COUNT << 2);
  constructor() {
    store<i32>(this.types, ConnectorEnumType.cTesla);
    if (CONNECTOR_COUNT > 1) store<i32>(this.types + 4, ConnectorEnumType.cCCS1);
  }

  /** The ConnectorEnumType of connector n (1..CONNECTOR_COUNT). */
  connectorType(n: i32): i32 { return load<i32>(this.types + (<usize>(n - 1) << 2)); }

  /** "connector.<n>.type" = ConnectorEnumType name. 0 ok, -1 unknown key, -2 bad value. */
  configure(key: string, value: string): i32 {
    if (!key.startsWith("connector.") || !key.endsWith(".type") || key.length != 16) return -1;
    const n = <i32>key.charCodeAt(10) - 48;
    if (n < 1 || n > CONNECTOR_COUNT) return -2;
    const b = String.UTF8.encode(value);
    const t = findEnum(ConnectorEnumType.TYPE, changetype<usize>(b), b.byteLength);
    if (t < 0) return -2;
    store<i32>(this.types + (<usize>(n - 1) << 2), t);
    return 0;
  }
}
