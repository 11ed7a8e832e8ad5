// GetBaseReport and GetReport (B07, B08): the answer says whether anything matches, then the selected
// variables go out as NotifyReport pages (seqNo from 0, tbc on all but the last) pulled by the station's
// nextCall, REPORT_ITEMS_PER_PAGE items each. SummaryInventory needs component states (AvailabilityState,
// Problem) that this step of the model does not hold yet: NotSupported, as is a componentCriteria request.
import {
  Tape, Action, actionRequestType, RpcError, GetBaseReportRequest, GetBaseReportResponse, ReportBaseEnumType,
  GenericDeviceModelStatusEnumType, GetReportRequest, GetReportResponse, ComponentVariableType, ComponentType,
  VariableType, NotifyReportRequest, ReportDataType, VariableAttributeType, VariableCharacteristicsType,
  DataEnumType, MutabilityEnumType, AttributeEnumType,
} from "../ocpp";
import { VARIABLES, Variable, Access, Kind, readValue } from "./variables";
import { Settings } from "../station/settings";
import { StationConfig } from "../station/config";
import { formatDateTime } from "../util/datetime";
import { clock_wall_ms } from "../host/abi";

export const REPORT_ITEMS_PER_PAGE: i32 = 10;

export class Reports {
  private selected: StaticArray<bool> = new StaticArray<bool>(VARIABLES.length);
  private requestId: i32 = -1;
  private next: i32 = 0;
  private pageFrom: i32 = 0;
  private seqNo: i32 = 0;
  private inFlight: bool = false;
  private stamp: usize = heap.alloc(24);

  constructor(private settings: Settings, private config: StationConfig) {}

  handleBase(req: Tape, resp: Tape): i32 {
    const base = req.getEnum(req.root, GetBaseReportRequest.reportBase);
    let status = GenericDeviceModelStatusEnumType.Accepted;
    if (base == ReportBaseEnumType.SummaryInventory) status = GenericDeviceModelStatusEnumType.NotSupported;
    else if (this.requestId >= 0) status = GenericDeviceModelStatusEnumType.Rejected;   // one report at a time
    else {
      for (let i = 0; i < VARIABLES.length; i++) {
        this.selected[i] = base == ReportBaseEnumType.FullInventory || VARIABLES[i].access != Access.ReadOnly;
      }
      this.begin(<i32>req.getInt(req.root, GetBaseReportRequest.requestId));
    }
    resp.setEnum(resp.root, GetBaseReportResponse.status, status);
    return RpcError.None;
  }

  handleCustom(req: Tape, resp: Tape): i32 {
    const root = req.root;
    let status = GenericDeviceModelStatusEnumType.Accepted;
    if (req.arrayLength(root, GetReportRequest.componentCriteria) > 0) status = GenericDeviceModelStatusEnumType.NotSupported;
    else if (this.requestId >= 0) status = GenericDeviceModelStatusEnumType.Rejected;
    else {
      const n = req.arrayLength(root, GetReportRequest.componentVariable);
      let any = false;
      for (let i = 0; i < VARIABLES.length; i++) {
        const v = VARIABLES[i];
        let hit = n == 0;
        for (let k = 0; k < n && !hit; k++) hit = matches(req, req.arrayObject(root, GetReportRequest.componentVariable, k), v);
        this.selected[i] = hit;
        if (hit) any = true;
      }
      if (!any) status = GenericDeviceModelStatusEnumType.EmptyResultSet;
      else this.begin(<i32>req.getInt(root, GetReportRequest.requestId));
    }
    resp.setEnum(resp.root, GetReportResponse.status, status);
    return RpcError.None;
  }

  private begin(requestId: i32): void {
    this.requestId = requestId;
    this.next = 0;
    this.seqNo = 0;
  }

  /** The next NotifyReport page into req; its action, or -1. */
  nextCall(req: Tape, activeProfile: i32): i32 {
    if (this.requestId < 0 || this.inFlight) return -1;
    const root = req.newRoot(actionRequestType(Action.NotifyReport));
    req.setInt(root, NotifyReportRequest.requestId, this.requestId);
    formatDateTime(clock_wall_ms(), this.stamp);
    req.setBytes(root, NotifyReportRequest.generatedAt, this.stamp, 24);
    req.setInt(root, NotifyReportRequest.seqNo, this.seqNo);
    let count = 0, i = this.next;
    for (; i < VARIABLES.length && count < REPORT_ITEMS_PER_PAGE; i++) if (this.selected[i]) count++;
    const arr = req.newArray(root, NotifyReportRequest.reportData, count);
    let k = 0;
    for (let j = this.next; j < i; j++) if (this.selected[j]) this.writeItem(req, req.arraySetObject(arr, k++), j, activeProfile);
    let more = false;
    for (let j = i; j < VARIABLES.length; j++) if (this.selected[j]) { more = true; break; }
    req.setBool(root, NotifyReportRequest.tbc, more);
    this.pageFrom = this.next;
    this.next = i;
    this.inFlight = true;
    return Action.NotifyReport;
  }

  onResult(): void {
    this.inFlight = false;
    this.seqNo++;
    let more = false;
    for (let j = this.next; j < VARIABLES.length; j++) if (this.selected[j]) { more = true; break; }
    if (!more) this.requestId = -1;
  }

  /** A page that got no answer is sent again (same seqNo); a CALLERROR ends the report. */
  onFailed(failure: i32): void {
    this.inFlight = false;
    if (failure > 0) this.requestId = -1;
    else this.next = this.pageFrom;
  }

  private writeItem(t: Tape, item: i32, i: i32, activeProfile: i32): void {
    const v = VARIABLES[i];
    const c = t.newObject(item, ReportDataType.component);
    t.setString(c, ComponentType.name, v.component);
    const vr = t.newObject(item, ReportDataType.variable);
    t.setString(vr, VariableType.name, v.name);
    if (v.instance.length > 0) t.setString(vr, VariableType.instance, v.instance);
    const attrs = t.newArray(item, ReportDataType.variableAttribute, 1);
    const a = t.arraySetObject(attrs, 0);
    t.setEnum(a, VariableAttributeType.type, AttributeEnumType.Actual);
    // Write-only values (BasicAuthPassword) are never reported.
    if (v.access != Access.WriteOnly) t.setString(a, VariableAttributeType.value, readValue(i, this.settings, this.config, activeProfile));
    t.setEnum(a, VariableAttributeType.mutability, v.access == Access.ReadOnly ? MutabilityEnumType.ReadOnly
      : v.access == Access.WriteOnly ? MutabilityEnumType.WriteOnly : MutabilityEnumType.ReadWrite);
    t.setBool(a, VariableAttributeType.persistent, true);
    t.setBool(a, VariableAttributeType.constant, v.access == Access.ReadOnly);
    const ch = t.newObject(item, ReportDataType.variableCharacteristics);
    t.setEnum(ch, VariableCharacteristicsType.dataType, dataType(v));
    if (v.kind == Kind.Int && v.max > v.min) {
      t.setDecimal(ch, VariableCharacteristicsType.minLimit, v.min, 0);
      t.setDecimal(ch, VariableCharacteristicsType.maxLimit, v.max, 0);
    }
    if (v.kind == Kind.TxPoints) t.setString(ch, VariableCharacteristicsType.valuesList, i == 16
      ? "EVConnected,Authorized,PowerPathClosed,EnergyTransfer" : "EVConnected,Authorized,PowerPathClosed");
    if (v.kind == Kind.Measurands) t.setString(ch, VariableCharacteristicsType.valuesList,
      "Energy.Active.Import.Register,Energy.Active.Export.Register,Power.Active.Import,Current.Import,Current.Offered,Power.Offered,Voltage,SoC,Power.Factor");
    t.setBool(ch, VariableCharacteristicsType.supportsMonitoring, false);
  }
}

function dataType(v: Variable): i32 {
  if (v.kind == Kind.Int) return DataEnumType.integer;
  if (v.kind == Kind.Bool) return DataEnumType.boolean;
  if (v.kind == Kind.TxPoints || v.kind == Kind.Measurands) return DataEnumType.MemberList;
  return v.name == "TimeSource" ? DataEnumType.SequenceList : DataEnumType.string;
}

/** A componentVariable filter: the component by name (no EVSE or instance here: all station-wide), and the
 *  variable by name and instance when given. */
function matches(req: Tape, cv: i32, v: Variable): bool {
  const c = req.getObject(cv, ComponentVariableType.component);
  if (req.has(c, ComponentType.evse) || req.has(c, ComponentType.instance)) return false;
  if (!req.strEquals(c, ComponentType.name, v.component)) return false;
  const vr = req.getObject(cv, ComponentVariableType.variable);
  if (vr < 0) return true;
  if (!req.strEquals(vr, VariableType.name, v.name)) return false;
  return !req.has(vr, VariableType.instance) || req.strEquals(vr, VariableType.instance, v.instance);
}
