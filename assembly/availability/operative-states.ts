// ChangeAvailability (G03, G04) for the station, the EVSE or one connector. Going inoperative while a
// transaction runs there is Scheduled and applied when it ends; the operative states are persisted and
// survive a reboot (G03.FR.08, G04.FR.09; TC_G_18_CS, TC_G_19_CS, TC_G_21_CS, TC_B_23_CS). Every change applied, even
// to the state already in force, reports the current status of each connector it covers (G04.FR.05, TC_G_13_CS).
import { Tape, RpcError, ChangeAvailabilityRequest, ChangeAvailabilityResponse, ChangeAvailabilityStatusEnumType,
  OperationalStatusEnumType, EVSEType } from "../ocpp";
import { Availability } from "./availability";
import { Block } from "../core/block";
import { Session } from "../core/session";
import { EVSE_ID, CONNECTOR_COUNT } from "../core/topology";
import { kvGet, kvPut } from "../util/kv";
import { logInfo } from "../util/log";

const KEY = "avail";

export class OperativeStates extends Block {
  // Scheduled change: target 0 station, 1 EVSE, 2 connector; -1 none.
  private target: i32 = -1;
  private connector: i32 = 0;
  private operative: bool = true;
  private buf: StaticArray<u8> = new StaticArray<u8>(2 + CONNECTOR_COUNT);

  constructor(private av: Availability, private session: Session) { super(); }

  load(): void {
    const p = changetype<usize>(this.buf);
    if (kvGet(KEY, p, 2 + CONNECTOR_COUNT) != 2 + CONNECTOR_COUNT) return;
    this.av.stationOperative = this.buf[0] != 0;
    this.av.evseOperative = this.buf[1] != 0;
    for (let i = 0; i < CONNECTOR_COUNT; i++) this.av.connectors[i].operative = this.buf[2 + i] != 0;
  }

  private save(): void {
    this.buf[0] = this.av.stationOperative ? 1 : 0;
    this.buf[1] = this.av.evseOperative ? 1 : 0;
    for (let i = 0; i < CONNECTOR_COUNT; i++) this.buf[2 + i] = this.av.connectors[i].operative ? 1 : 0;
    kvPut(KEY, changetype<usize>(this.buf), 2 + CONNECTOR_COUNT);
  }

  private apply(target: i32, connector: i32, operative: bool): void {
    if (target == 0) this.av.stationOperative = operative;
    else if (target == 1) this.av.evseOperative = operative;
    else this.av.connectors[connector - 1].operative = operative;
    for (let c = 1; c <= CONNECTOR_COUNT; c++) if (target < 2 || connector == c) this.av.reportAgain(c);
    this.save();
    logInfo("availability: " + (target == 0 ? "station" : target == 1 ? "EVSE" : "connector " + connector.toString()) +
      (operative ? " operative" : " inoperative"));
  }

  /** ChangeAvailability (G03, G04). */
  handleCall(action: i32, req: Tape, resp: Tape): i32 {
    // A transaction running, on the connector whose cable is in (0: none), makes a change Scheduled.
    const txActive = this.session.rec.active, txConnector = this.session.connector;
    const root = req.root;
    const operative = req.getEnum(root, ChangeAvailabilityRequest.operationalStatus) == OperationalStatusEnumType.Operative;
    const e = req.getObject(root, ChangeAvailabilityRequest.evse);
    let target = 0, connector = 0;
    let status = ChangeAvailabilityStatusEnumType.Accepted;
    if (e >= 0) {
      const id = <i32>req.getInt(e, EVSEType.id);
      target = 1;
      if (req.has(e, EVSEType.connectorId)) { connector = <i32>req.getInt(e, EVSEType.connectorId); target = 2; }
      // G03.FR.. : an evse id 0 means the whole station.
      if (id == 0 && target == 1) target = 0;
      else if (id != EVSE_ID || (target == 2 && (connector < 1 || connector > CONNECTOR_COUNT))) status = ChangeAvailabilityStatusEnumType.Rejected;
    }
    if (status == ChangeAvailabilityStatusEnumType.Accepted) {
      const affected = txActive && (target < 2 || txConnector == connector);
      if (!operative && affected) {
        this.target = target; this.connector = connector; this.operative = operative;
        status = ChangeAvailabilityStatusEnumType.Scheduled;
      } else {
        if (this.target == target && this.connector == connector) this.target = -1;
        this.apply(target, connector, operative);
      }
    }
    resp.setEnum(resp.root, ChangeAvailabilityResponse.status, status);
    return RpcError.None;
  }

  /** A scheduled change waits for the transaction to end. */
  applyScheduled(txActive: bool): void {
    if (this.target < 0 || txActive) return;
    const t = this.target;
    this.target = -1;
    this.apply(t, this.connector, this.operative);
  }
}
