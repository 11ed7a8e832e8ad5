// What every block shares without owning it: the one clock, the link, the configuration file and the topology.
// The station writes the clock once per host event (init, tick) and the link in one place (Station.link()); blocks
// read them here and never keep a copy, so no block acts on a stale time or link. Storage (util/kv.ts) and the
// typed device-model values (core/catalog.ts: intValue, boolValue, textValue) are functions every layer calls, so
// the context does not forward them.
import { StationConfig } from "./config";
import { Topology } from "./topology";
import { SecurityLog } from "./security-log";

export class Context {
  /** The host's monotonic clock (ms) at the current event. */
  now: i64 = 0;
  /** The CSMS accepted the boot and the WebSocket is open: messages made now are not offline (E12, TC_E_16_CS). */
  online: bool = false;
  /** The station's configuration file (identity, CSMS); complete once start() runs. */
  readonly config: StationConfig = new StationConfig();
  /** EVSE and connectors. */
  readonly topology: Topology = new Topology();
  /** Where blocks report security events; the station wires it to the security block before init. */
  securityLog: SecurityLog = new SecurityLog();
}
