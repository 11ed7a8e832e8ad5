// GetBaseReport and GetReport (B07, B08): the answer says whether anything matches, then the selected
// variables go out as NotifyReport pages (seqNo from 0, tbc on all but the last) pulled by the station's
// nextCall. A page holds as many variables as fit the transmit buffer and the outbound tape, by a
// conservative estimate of each one's size. Every reported variable carries its characteristics (TC_B_12_CS,
// TC_B_13_CS); a write-only value is never reported (errata 2.9, TC_B_53_CS).
import {
  Tape, Action, actionRequestType, RpcError, GetBaseReportRequest, GetBaseReportResponse, ReportBaseEnumType,
  GenericDeviceModelStatusEnumType, GetReportRequest, GetReportResponse, ComponentVariableType, ComponentType,
  VariableType, NotifyReportRequest, ReportDataType, VariableAttributeType, VariableCharacteristicsType,
  MutabilityEnumType, AttributeEnumType, EVSEType, StatusInfoType, ComponentCriterionEnumType,
} from "../ocpp";
import { def, comp, varCount, Def, K, F_CONST, F_SUMMARY } from "../core/catalog";
import { VariableStore } from "./store";
import { formatDateTime } from "../util/datetime";
import { Text, tptr, tlen, tequals, tequalsIgnoreCase } from "../util/text";
import { clock_wall_ms } from "../host/abi";
import { OUTBOUND_TAPE_WORDS, OUTBOUND_TAPE_ARENA } from "../core/limits";

// Page budget: about 13 KB of JSON (a page longer than the transmit buffer goes out in fragments, docs/streaming.md),
// and the outbound tape (core/limits.ts; catalog text and stored values are borrowed, only live values take arena
// space), less a margin for the page's own fields.
const PAGE_JSON_BYTES: i32 = 13000;
const PAGE_WORDS: i32 = OUTBOUND_TAPE_WORDS - 296;
const PAGE_ARENA_BYTES: i32 = OUTBOUND_TAPE_ARENA - 496;
// Upper bounds per reported variable, without its strings: JSON keys and punctuation, tape slots.
const ITEM_JSON: i32 = 300, ATTR_JSON: i32 = 110;
const ITEM_WORDS: i32 = 80, ATTR_WORDS: i32 = 24;

/** Component criteria (ComponentCriterionEnumType order) are the names of boolean variables. */
const CRITERIA: StaticArray<string> = ["Active", "Available", "Enabled", "Problem"];

export class Reports {
  private selected: StaticArray<bool> = new StaticArray<bool>(varCount());
  private requestId: i32 = -1;
  private next: i32 = 0;
  private pageFrom: i32 = 0;
  private seqNo: i32 = 0;
  private inFlight: bool = false;
  private stamp: usize = heap.alloc(24);

  constructor(private store: VariableStore) {}

  handleBase(req: Tape, resp: Tape): i32 {
    const base = req.getEnum(req.root, GetBaseReportRequest.reportBase);
    let status = GenericDeviceModelStatusEnumType.Accepted;
    if (this.requestId >= 0) status = GenericDeviceModelStatusEnumType.Rejected;   // one report at a time
    else {
      for (let i = 0; i < varCount(); i++) {
        const v = def(i);
        let pick = true;
        // ConfigurationInventory: what the CSMS can set (TC_B_12_CS: no read-only variable).
        if (base == ReportBaseEnumType.ConfigurationInventory) pick = !v.readOnly;
        // SummaryInventory (C-56): availability of the station, EVSE and connectors, and any problem.
        else if (base == ReportBaseEnumType.SummaryInventory) {
          pick = (v.flags & F_SUMMARY) != 0 && (v.key != K.Problem || this.store.read(i) == "true");
        }
        this.selected[i] = pick;
      }
      this.begin(<i32>req.getInt(req.root, GetBaseReportRequest.requestId));
    }
    resp.setEnum(resp.root, GetBaseReportResponse.status, status);
    return RpcError.None;
  }

  /** GetReport: the variables named by componentVariable (all when absent) of the components that meet any of
   *  the componentCriteria (all when absent). A criterion is met when the component's variable of that name is
   *  true. Criteria without componentVariable ask for the criteria themselves: the variables named after a
   *  requested criterion that are true (TC_B_16_CS: every reportData is an "Enabled" that is "true"; a component
   *  without that variable has nothing to report, B08.FR.07-10). Nothing selected: EmptyResultSet (B08.FR..). */
  handleCustom(req: Tape, resp: Tape): i32 {
    const root = req.root;
    let status = GenericDeviceModelStatusEnumType.Accepted;
    if (this.requestId >= 0) status = GenericDeviceModelStatusEnumType.Rejected;
    else {
      let criteria = 0;
      const nc = req.arrayLength(root, GetReportRequest.componentCriteria);
      for (let k = 0; k < nc; k++) criteria |= 1 << req.arrayEnum(root, GetReportRequest.componentCriteria, k);
      const n = req.arrayLength(root, GetReportRequest.componentVariable);
      let any = false;
      for (let i = 0; i < varCount(); i++) {
        const v = def(i);
        let hit = n == 0;
        for (let k = 0; k < n && !hit; k++) hit = matches(req, req.arrayObject(root, GetReportRequest.componentVariable, k), v);
        if (hit && criteria != 0) hit = n == 0 ? this.isMetCriterion(i, criteria) : this.meets(v.comp, criteria);
        this.selected[i] = hit;
        if (hit) any = true;
      }
      if (!any) {
        status = GenericDeviceModelStatusEnumType.EmptyResultSet;
        resp.setString(resp.newObject(resp.root, GetReportResponse.statusInfo), StatusInfoType.reasonCode, "NotFound");
      } else this.begin(<i32>req.getInt(root, GetReportRequest.requestId));
    }
    resp.setEnum(resp.root, GetReportResponse.status, status);
    return RpcError.None;
  }

  /** Whether variable i is one of the requested criteria (no instance) and true. */
  private isMetCriterion(i: i32, criteria: i32): bool {
    const v = def(i);
    if (tlen(v.instance) > 0) return false;
    for (let c = ComponentCriterionEnumType.Active; c <= ComponentCriterionEnumType.Problem; c++) {
      if ((criteria & (1 << c)) != 0 && tequals(v.name, CRITERIA[c])) return this.store.read(i) == "true";
    }
    return false;
  }

  private meets(component: i32, criteria: i32): bool {
    for (let c = ComponentCriterionEnumType.Active; c <= ComponentCriterionEnumType.Problem; c++) {
      if ((criteria & (1 << c)) == 0) continue;
      for (let i = 0; i < varCount(); i++) {
        const v = def(i);
        if (v.comp == component && tequals(v.name, CRITERIA[c]) && tlen(v.instance) == 0 && this.store.read(i) == "true") return true;
      }
    }
    return false;
  }

  private begin(requestId: i32): void {
    this.requestId = requestId;
    this.next = 0;
    this.seqNo = 0;
  }

  /** The next NotifyReport page into req; its action, or -1. */
  nextCall(req: Tape): i32 {
    if (this.requestId < 0 || this.inFlight) return -1;
    const root = req.newRoot(actionRequestType(Action.NotifyReport));
    req.setInt(root, NotifyReportRequest.requestId, this.requestId);
    formatDateTime(clock_wall_ms(), this.stamp);
    req.setBytes(root, NotifyReportRequest.generatedAt, this.stamp, 24);
    req.setInt(root, NotifyReportRequest.seqNo, this.seqNo);
    // The page: selected variables from `next` while the estimate fits (at least one).
    let count = 0, json = 0, words = 0, arena = 24, end = this.next;
    for (; end < varCount(); end++) {
      if (!this.selected[end]) continue;
      const s = this.textBytes(end), l = this.liveBytes(end), a = attrCount(def(end));
      const j = ITEM_JSON + a * ATTR_JSON + s + l, w = ITEM_WORDS + a * ATTR_WORDS;
      if (count > 0 && (json + j > PAGE_JSON_BYTES || words + w > PAGE_WORDS || arena + l > PAGE_ARENA_BYTES)) break;
      count++; json += j; words += w; arena += l;
    }
    const arr = req.newArray(root, NotifyReportRequest.reportData, count);
    let k = 0;
    for (let i = this.next; i < end; i++) if (this.selected[i]) this.writeItem(req, req.arraySetObject(arr, k++), i);
    req.setBool(root, NotifyReportRequest.tbc, this.selectedFrom(end));
    this.pageFrom = this.next;
    this.next = end;
    this.inFlight = true;
    return Action.NotifyReport;
  }

  onResult(): void {
    this.inFlight = false;
    this.seqNo++;
    if (!this.selectedFrom(this.next)) this.requestId = -1;
  }

  /** A page that got no answer is sent again (same seqNo); a CALLERROR ends the report. */
  onFailed(failure: i32): void {
    this.inFlight = false;
    if (failure > 0) this.requestId = -1;
    else this.next = this.pageFrom;
  }

  private selectedFrom(i: i32): bool {
    for (; i < varCount(); i++) if (this.selected[i]) return true;
    return false;
  }

  /** UTF-8 bytes of variable i's catalog text and stored value (borrowed into the page). */
  private textBytes(i: i32): i32 {
    const v = def(i);
    return tlen(comp(v.comp).name) + tlen(v.name) + tlen(v.instance) + tlen(v.unit) + tlen(v.valuesList) +
      (this.store.stored(i, AttributeEnumType.Actual) && !v.writeOnly ? tlen(v.value) : 0);
  }

  /** UTF-8 bytes of variable i's live values (copied into the page's arena). */
  private liveBytes(i: i32): i32 {
    const v = def(i);
    let n = 0;
    for (let a = AttributeEnumType.Actual; a <= AttributeEnumType.MaxSet; a++) {
      if ((v.attrs & (1 << a)) != 0 && !this.store.stored(i, a)) n += this.store.byteLength(i, a);
    }
    return n;
  }

  private writeItem(t: Tape, item: i32, i: i32): void {
    const v = def(i), x = comp(v.comp);
    const c = t.newObject(item, ReportDataType.component);
    borrow(t, c, ComponentType.name, x.name);
    if (x.evse > 0) {
      const e = t.newObject(c, ComponentType.evse);
      t.setInt(e, EVSEType.id, x.evse);
      if (x.connector > 0) t.setInt(e, EVSEType.connectorId, x.connector);
    }
    const vr = t.newObject(item, ReportDataType.variable);
    borrow(t, vr, VariableType.name, v.name);
    if (tlen(v.instance) > 0) borrow(t, vr, VariableType.instance, v.instance);
    const attrs = t.newArray(item, ReportDataType.variableAttribute, attrCount(v));
    let k = 0;
    for (let a = AttributeEnumType.Actual; a <= AttributeEnumType.MaxSet; a++) {
      if ((v.attrs & (1 << a)) == 0) continue;
      const at = t.arraySetObject(attrs, k++);
      t.setEnum(at, VariableAttributeType.type, a);
      if (!v.writeOnly) this.store.put(t, at, VariableAttributeType.value, i, a);
      // Limits (MaxSet ...) are the rated values: read-only and constant.
      const actual = a == AttributeEnumType.Actual;
      t.setEnum(at, VariableAttributeType.mutability, actual ? v.mutability : MutabilityEnumType.ReadOnly);
      t.setBool(at, VariableAttributeType.persistent, !actual || !v.isLive || (v.flags & F_CONST) != 0);
      t.setBool(at, VariableAttributeType.constant, !actual || (v.flags & F_CONST) != 0);
    }
    const ch = t.newObject(item, ReportDataType.variableCharacteristics);
    if (tlen(v.unit) > 0) borrow(t, ch, VariableCharacteristicsType.unit, v.unit);
    t.setEnum(ch, VariableCharacteristicsType.dataType, v.dataType);
    if (v.hasMin) t.setDecimal(ch, VariableCharacteristicsType.minLimit, v.min, 0);
    if (v.hasMax) t.setDecimal(ch, VariableCharacteristicsType.maxLimit, v.max, 0);
    if (tlen(v.valuesList) > 0) borrow(t, ch, VariableCharacteristicsType.valuesList, v.valuesList);
    t.setBool(ch, VariableCharacteristicsType.supportsMonitoring, false);
  }
}

function attrCount(v: Def): i32 { return <i32>popcnt(v.attrs); }

/** Catalog text is fixed for the life of the image: borrowed, never copied. */
function borrow(t: Tape, obj: i32, prop: i32, s: Text): void { t.setBorrowed(obj, prop, tptr(s), tlen(s)); }

/** A componentVariable filter: the component by name (case-insensitive) and, when given, its EVSE and
 *  connector (absent: every EVSE, B08 / TC_B_56_CS); the variable by name and, when given, instance (absent: every
 *  instance, TC_B_54_CS). */
function matches(req: Tape, cv: i32, v: Def): bool {
  const x = comp(v.comp);
  const c = req.getObject(cv, ComponentVariableType.component);
  if (req.has(c, ComponentType.instance)) return false;
  if (!tequalsIgnoreCase(x.name, req.getStrPtr(c, ComponentType.name), req.getStrLen(c, ComponentType.name))) return false;
  const e = req.getObject(c, ComponentType.evse);
  if (e >= 0) {
    if (<i32>req.getInt(e, EVSEType.id) != x.evse) return false;
    if (req.has(e, EVSEType.connectorId) && <i32>req.getInt(e, EVSEType.connectorId) != x.connector) return false;
  }
  const vr = req.getObject(cv, ComponentVariableType.variable);
  if (vr < 0) return true;
  if (!tequalsIgnoreCase(v.name, req.getStrPtr(vr, VariableType.name), req.getStrLen(vr, VariableType.name))) return false;
  if (!req.has(vr, VariableType.instance)) return true;
  const n = req.getStrLen(vr, VariableType.instance);
  return n == tlen(v.instance) && memory.compare(req.getStrPtr(vr, VariableType.instance), tptr(v.instance), <usize>n) == 0;
}
