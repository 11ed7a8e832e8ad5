// The device model's live variables, read from the station when asked (GetVariables, reports): availability
// and problems of the station, EVSE and connectors, the EVSE's power, connector types, the clock, the network
// profile and security profile in use, and the certificates installed.
import { AttributeEnumType, ConnectorEnumType, ConnectorStatusEnumType, enumValuePtr, enumValueLen } from "../ocpp";
import { LiveValues } from "../devicemodel/store";
import { K, EVSE_MAX_POWER_W } from "../core/catalog";
import { statusName } from "../availability/availability";
import { CONNECTOR_COUNT } from "../core/topology";
import { M_POWER_IMPORT, readMeasurand } from "../hardware/measurands";
import { formatDateTime } from "../util/datetime";
import { clock_wall_ms, cert_list } from "../host/abi";
import { Availability } from "../availability/availability";
import { ChargerHardware } from "../hardware/hardware";
import { Context } from "../core/context";
import { NetworkProfiles } from "../provisioning/network-profiles";

const CERT_LIST_CAP: i32 = 2048;   // a dozen certificates

export class StationValues extends LiveValues {
  /** buf: scratch of at least CERT_LIST_CAP bytes, used only within value() (the certificate block's listing
   *  buffer, which every use of a listing reads again: no buffer of its own). */
  constructor(private ctx: Context, private av: Availability, private hw: ChargerHardware, private network: NetworkProfiles,
              private buf: usize) { super(); }

  value(key: i32, evse: i32, connector: i32, attr: i32): string {
    switch (key) {
      case K.AvailabilityState: return this.availabilityState(evse, connector);
      case K.Problem: return this.problem(evse, connector) ? "true" : "false";
      case K.Power: {
        if (attr == AttributeEnumType.MaxSet) return EVSE_MAX_POWER_W.toString();
        const w = readMeasurand(M_POWER_IMPORT, this.hw.meter, this.hw.module, this.hw.ev[0]);
        return isNaN(w) ? "0" : (<i64>w).toString();
      }
      case K.ConnectorType: {
        const t = this.ctx.topology.connectorType(connector);
        return String.UTF8.decodeUnsafe(enumValuePtr(ConnectorEnumType.TYPE, t), <usize>enumValueLen(ConnectorEnumType.TYPE, t));
      }
      case K.MessageTimeout: return this.network.messageTimeoutS().toString();
      case K.ActiveNetworkProfile: return max(this.network.active, 0).toString();
      case K.DateTime: return String.UTF8.decodeUnsafe(this.buf, <usize>formatDateTime(clock_wall_ms(), this.buf));
      case K.Identity: return this.ctx.config.stationId;
      case K.SecurityProfile: return this.ctx.config.securityProfile.toString();
      case K.CertificateEntries: return this.certificateCount().toString();
      case K.Model: return this.ctx.config.model;
      case K.VendorName: return this.ctx.config.vendorName;
    }
    return "";
  }

  /** Station and EVSE: Faulted when the EVSE cannot deliver, Unavailable when made inoperative, Occupied when
   *  a cable is in, else Available; a connector: its StatusNotification status. */
  private availabilityState(evse: i32, connector: i32): string {
    const av = this.av;
    if (connector > 0) return statusName(av.connectors[connector - 1].status);
    if (evse == 0 && !av.stationOperative) return "Unavailable";
    if (av.evseFaulted) return "Faulted";
    if (!av.evseOperative || !av.stationOperative) return "Unavailable";
    let occupied = false, usable = false;
    for (let i = 0; i < CONNECTOR_COUNT; i++) {
      const st = av.connectors[i].status;
      if (st == ConnectorStatusEnumType.Occupied) occupied = true;
      if (st != ConnectorStatusEnumType.Faulted && st != ConnectorStatusEnumType.Unavailable) usable = true;
    }
    if (occupied) return "Occupied";
    return usable ? "Available" : "Unavailable";
  }

  /** A fault of the EVSE (power module, meter) is a problem of the EVSE, its connectors and the station; a
   *  connector's own fault is its and, upward, the EVSE's and the station's (Part 2 appendix: Problem). */
  private problem(evse: i32, connector: i32): bool {
    const av = this.av;
    if (av.evseFaulted) return true;
    if (connector > 0) return av.connectors[connector - 1].faulted();
    for (let i = 0; i < CONNECTOR_COUNT; i++) if (av.connectors[i].faulted()) return true;
    return false;
  }

  /** Lines of cert_list (one per certificate); a listing longer than the buffer is extrapolated. */
  private certificateCount(): i32 {
    const n = cert_list(-1, this.buf, CERT_LIST_CAP);
    if (n <= 0) return 0;
    const seen = min(n, CERT_LIST_CAP);
    let lines = 0;
    for (let i = 0; i < seen; i++) if (load<u8>(this.buf + <usize>i) == 0x0a) lines++;
    return n > CERT_LIST_CAP ? <i32>(<i64>lines * n / CERT_LIST_CAP) : lines;
  }
}
