// The variables the station can report before the full device model exists:
// the connection settings of OCPPCommCtrlr and SecurityCtrlr (names per the
// Part 2 appendix, dm_components_vars.csv).
import { VariableSource } from "../provisioning/get-variables";
import { Station } from "./station";

export class StationVariables extends VariableSource {
  constructor(private station: Station) { super(); }

  hasComponent(component: string): bool {
    return component == "OCPPCommCtrlr" || component == "SecurityCtrlr";
  }

  isWriteOnly(component: string, variable: string): bool {
    return component == "SecurityCtrlr" && variable == "BasicAuthPassword";
  }

  read(component: string, variable: string): string | null {
    const s = this.station;
    const ws = s.rpc.ws;
    if (component == "OCPPCommCtrlr") {
      if (variable == "HeartbeatInterval") return s.registration.heartbeatIntervalS.toString();
      if (variable == "WebSocketPingInterval") return ws.pingIntervalS.toString();
      if (variable == "RetryBackOffWaitMinimum") return ws.backoffWaitMinimumS.toString();
      if (variable == "RetryBackOffRandomRange") return ws.backoffRandomRangeS.toString();
      if (variable == "RetryBackOffRepeatTimes") return ws.backoffRepeatTimes.toString();
      if (variable == "MessageTimeout") return (s.rpc.messageTimeoutMs / 1000).toString();
      return null;
    }
    if (component == "SecurityCtrlr") {
      if (variable == "Identity") return s.config.stationId;
      if (variable == "SecurityProfile") return s.config.securityProfile.toString();
      return null;
    }
    return null;
  }
}
