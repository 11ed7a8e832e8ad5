// The device model (B05–B08): GetVariables and SetVariables over the catalog (catalog.ts) with every result
// status, values validated against their characteristics (validate.ts) and persisted as
// "dm:<Component>.<Variable>[.<instance>]"; initial values from config_set "dm:..." unless the CSMS set one
// before; reports (reports.ts). Accepted values are typed (typed-value.ts) into the catalog, which the other blocks read.
import {
  Tape, RpcError, Action, GetVariablesRequest, GetVariablesResponse, GetVariableDataType, GetVariableResultType,
  GetVariableStatusEnumType, SetVariablesRequest, SetVariablesResponse, SetVariableDataType, SetVariableResultType,
  SetVariableStatusEnumType, ComponentType, VariableType, EVSEType, AttributeEnumType, StatusInfoType,
} from "../ocpp";
import { def, comp, varCount, Def, K, F_REBOOT, F_SECURITY, COMPONENT_COUNT, setTypedValue } from "../core/catalog";
import { Context } from "../core/context";
import { SecurityEventType } from "../core/security-log";
import { ITEMS_PER_MESSAGE_GET_VARIABLES, ITEMS_PER_MESSAGE_SET_VARIABLES } from "../core/limits";
import { VariableStore, LiveValues } from "./store";
import { normalize, refusal } from "./validate";
import { typedValue } from "./typed-value";
import { Reports } from "./reports";
import { Block } from "../core/block";
import { kvGet, kvPut } from "../util/kv";
import { tstr, tlen, tptr, tequals, tequalsIgnoreCase } from "../util/text";
import { logInfo } from "../util/log";

/** Told when SetVariables changed any value, so the parts that keep their own copy (the connection, the
 *  registration, the clock) apply it again. */
export class SettingsListener {
  onSettingsChanged(): void {}
  /** A value the device model cannot judge alone (catalog key K; e.g. NetworkConfigurationPriority needs the
   *  stored network profiles). */
  acceptable(key: i32, value: string): bool { return true; }
}

const VALUE_MAX: i32 = 1000;   // SetVariableDataType.attributeValue is string[1000]

export class DeviceModel extends Block {
  readonly store: VariableStore;
  private buf: usize = heap.alloc(<usize>VALUE_MAX);
  private reports: Reports;
  /** The component the last echo() found, or -1. */
  private foundComp: i32 = -1;

  constructor(readonly listener: SettingsListener, live: LiveValues, private ctx: Context) {
    super();
    const store = new VariableStore(live);
    this.store = store;
    this.reports = new Reports(store);
    for (let i = 0; i < varCount(); i++) this.retype(i);
  }

  /** init: values the CSMS set before come back. */
  load(): void {
    for (let i = 0; i < varCount(); i++) {
      const v = def(i);
      if (v.readOnly || v.isLive) continue;
      const n = kvGet(storeKey(v), this.buf, VALUE_MAX);
      if (n < 0 || n > VALUE_MAX) continue;
      const value = normalize(v, String.UTF8.decodeUnsafe(this.buf, <usize>n));
      if (value != null && this.store.set(i, value)) this.retype(i);
    }
  }

  /** Whether the CSMS has set variable "<Component>.<Variable>[.<instance>]" (its value is persisted). */
  isPersisted(name: string): bool {
    const i = findByName(name);
    return i >= 0 && kvGet(storeKey(def(i)), this.buf, 0) >= 0;
  }

  /** config_set "dm:<Component>.<Variable>[.<instance>]": an initial value; a persisted one wins. 0 ok, < 0 rejected. */
  configure(name: string, value: string): i32 {
    const i = findByName(name);
    if (i < 0 || def(i).readOnly || def(i).isLive) return -1;
    if (this.isPersisted(name)) return 0;
    const n = normalize(def(i), value);
    if (n == null || !this.store.set(i, n)) return -2;
    this.retype(i);
    return 0;
  }

  /** The configuration file's value of variable `key` as its initial value, taken as it is (the installer's;
   *  what the CSMS writes is validated). A persisted one wins. 0 ok, -2 longer than the variable holds. */
  initial(key: i32, value: string): i32 {
    for (let i = 0; i < varCount(); i++) {
      if (def(i).key != key) continue;
      if (kvGet(storeKey(def(i)), this.buf, 0) >= 0) return 0;
      return this.store.set(i, value) ? 0 : -2;
    }
    return -1;
  }

  /** A value the station itself sets (HeartbeatInterval from the BootNotification response, B01): stored,
   *  persisted and typed like a SetVariables one; false if it does not fit the variable. */
  update(key: i32, value: string): bool {
    for (let i = 0; i < varCount(); i++) {
      if (def(i).key != key || def(i).isLive) continue;
      return tequals(def(i).value, value) || this.write(i, value).length == 0;   // no flash write for no change
    }
    return false;
  }

  /** GetVariables, SetVariables, GetBaseReport, GetReport. */
  handleCall(action: i32, req: Tape, resp: Tape): i32 {
    if (action == Action.GetBaseReport) return this.reports.handleBase(req, resp);
    if (action == Action.GetReport) return this.reports.handleCustom(req, resp);
    return this.answerWhole(action, req, resp);
  }

  nextCall(req: Tape): i32 { return this.reports.nextCall(req); }
  onCallResult(action: i32, resp: Tape): void { if (action == Action.NotifyReport) this.reports.onResult(); }
  onCallFailed(action: i32, failure: i32): void { if (action == Action.NotifyReport) this.reports.onFailed(failure); }

  private attr: i32 = AttributeEnumType.Actual;

  /** Echoes an item's component, variable and attributeType (Actual when absent: TC_B_11_CS) into its result
   *  and returns the variable it names, or -1 (then foundComp says whether the component exists). */
  private echo(req: Tape, item: i32, resp: Tape, res: i32, inComp: i32, inVar: i32, inAttr: i32,
               outComp: i32, outVar: i32, outAttr: i32): i32 {
    const comp = req.getObject(item, inComp);
    const variable = req.getObject(item, inVar);
    copyComponent(req, comp, resp, resp.newObject(res, outComp));
    copyVariable(req, variable, resp, resp.newObject(res, outVar));
    this.attr = req.has(item, inAttr) ? req.getEnum(item, inAttr) : AttributeEnumType.Actual;
    resp.setEnum(res, outAttr, this.attr);
    this.foundComp = findComponent(req, comp);
    return this.foundComp < 0 ? -1 : findVariable(req, variable, this.foundComp);
  }

  // ---- GetVariables item by item (rpc/ encodes each result before the next: docs/streaming.md) ----
  itemsProperty(action: i32): i32 {
    if (action == Action.GetVariables) return GetVariablesResponse.getVariableResult;
    return action == Action.SetVariables ? SetVariablesResponse.setVariableResult : -1;
  }

  /** The item count, or -(RpcError): more than ItemsPerMessage is refused as a whole (B05.FR.., B06.FR..). */
  beginItems(action: i32, req: Tape): i32 {
    this.itemsChanged = false;
    if (action == Action.SetVariables) {
      const n = req.arrayLength(req.root, SetVariablesRequest.setVariableData);
      return n > ITEMS_PER_MESSAGE_SET_VARIABLES ? -RpcError.OccurrenceConstraintViolation : n;
    }
    if (action != Action.GetVariables) return -RpcError.NotSupported;
    const items = req.arrayLength(req.root, GetVariablesRequest.getVariableData);
    return items > ITEMS_PER_MESSAGE_GET_VARIABLES ? -RpcError.OccurrenceConstraintViolation : items;
  }

  /** After the last item: the settings listener hears of a SetVariables that changed something, once. */
  endItems(action: i32): void {
    if (this.itemsChanged) this.listener.onSettingsChanged();
    this.itemsChanged = false;
  }

  private itemsChanged: bool = false;

  /** Item k's result into `res`. A SetVariables item takes effect here: the request was validated whole before
   *  the first item (docs/streaming.md). */
  answerItem(action: i32, req: Tape, k: i32, resp: Tape, res: i32): bool {
    if (action == Action.SetVariables) return this.setItem(req, k, resp, res);
    const item = req.arrayObject(req.root, GetVariablesRequest.getVariableData, k);
    const i = this.echo(req, item, resp, res, GetVariableDataType.component, GetVariableDataType.variable,
      GetVariableDataType.attributeType, GetVariableResultType.component, GetVariableResultType.variable,
      GetVariableResultType.attributeType);
    let status = GetVariableStatusEnumType.Accepted;
    let reason = "";
    if (this.foundComp < 0) status = GetVariableStatusEnumType.UnknownComponent;
    else if (i < 0) status = GetVariableStatusEnumType.UnknownVariable;
    else if ((def(i).attrs & (1 << this.attr)) == 0) status = GetVariableStatusEnumType.NotSupportedAttributeType;
    else if (def(i).writeOnly) { status = GetVariableStatusEnumType.Rejected; reason = "WriteOnly"; }   // never reported
    else this.store.put(resp, res, GetVariableResultType.attributeValue, i, this.attr);
    resp.setEnum(res, GetVariableResultType.attributeStatus, status);
    if (reason.length > 0) setReason(resp, res, GetVariableResultType.attributeStatusInfo, reason);
    return !resp.overflow;
  }

  private setItem(req: Tape, k: i32, resp: Tape, res: i32): bool {
    const item = req.arrayObject(req.root, SetVariablesRequest.setVariableData, k);
    const i = this.echo(req, item, resp, res, SetVariableDataType.component, SetVariableDataType.variable,
      SetVariableDataType.attributeType, SetVariableResultType.component, SetVariableResultType.variable,
      SetVariableResultType.attributeType);
    let status = SetVariableStatusEnumType.Accepted;
    let reason = "";
    if (this.foundComp < 0) status = SetVariableStatusEnumType.UnknownComponent;
    else if (i < 0) status = SetVariableStatusEnumType.UnknownVariable;
    else if ((def(i).attrs & (1 << this.attr)) == 0) status = SetVariableStatusEnumType.NotSupportedAttributeType;
    else {
      // Only the Actual value of a read-write or write-only variable can be set (B05.FR.. / TC_B_39_CS).
      const v = def(i);
      const value = req.getString(item, SetVariableDataType.attributeValue);
      const same = tequals(v.value, value);
      reason = this.attr != AttributeEnumType.Actual || v.readOnly || v.isLive ? "ReadOnly" : this.write(i, value);
      if (reason.length > 0) status = SetVariableStatusEnumType.Rejected;
      else {
        this.itemsChanged = true;
        // A04: a security parameter changed (the same value again is no change).
        if ((v.flags & F_SECURITY) != 0 && !same) {
          this.ctx.securityLog.raise(SecurityEventType.ReconfigurationOfSecurityParameters,
            "SetVariables " + tstr(comp(v.comp).name) + "." + tstr(v.name));
        }
        if ((v.flags & F_REBOOT) != 0) status = SetVariableStatusEnumType.RebootRequired;
      }
    }
    resp.setEnum(res, SetVariableResultType.attributeStatus, status);
    if (reason.length > 0) setReason(resp, res, SetVariableResultType.attributeStatusInfo, reason);
    return !resp.overflow;
  }

  /** GetVariables / SetVariables answered whole (a caller without the item-by-item path): the same items. */
  private answerWhole(action: i32, req: Tape, resp: Tape): i32 {
    const items = this.beginItems(action, req);
    if (items < 0) return -items;
    const out = resp.newArray(resp.root, this.itemsProperty(action), items);
    for (let k = 0; k < items && this.answerItem(action, req, k, resp, resp.arraySetObject(out, k)); k++) { /* next */ }
    this.endItems(action);
    return resp.overflow ? RpcError.InternalError : RpcError.None;
  }

  /** Validates, stores, persists and applies a new value; "" or the reason it was refused. */
  private write(i: i32, value: string): string {
    const v = def(i);
    const n = normalize(v, value);
    if (n == null) return refusal;
    if (!this.listener.acceptable(v.key, n)) return "InvalidValue";
    if (!this.store.set(i, n)) return "ValueOutOfRange";
    const b = String.UTF8.encode(n);
    kvPut(storeKey(v), changetype<usize>(b), b.byteLength);
    this.retype(i);
    logInfo("device model: " + tstr(comp(v.comp).name) + "." + tstr(v.name) + (v.writeOnly ? " set" : " = " + n));
    return "";
  }

  /** Keeps the typed value of a keyed stored variable in step with its text. */
  private retype(i: i32): void {
    const v = def(i);
    if (!v.isLive && v.key != K.None) setTypedValue(v.key, typedValue(v, tstr(v.value)));
  }
}

function setReason(t: Tape, res: i32, prop: i32, reason: string): void {
  t.setString(t.newObject(res, prop), StatusInfoType.reasonCode, reason);
}

/** Station-wide variables persist as "dm:<Component>.<Variable>[.<instance>]". */
function storeKey(v: Def): string {
  return "dm:" + tstr(comp(v.comp).name) + "." + tstr(v.name) + (tlen(v.instance) > 0 ? "." + tstr(v.instance) : "");
}

/** A station-wide variable by "<Component>.<Variable>[.<instance>]", or -1. */
function findByName(name: string): i32 {
  const parts = name.split(".");
  if (parts.length < 2 || parts.length > 3) return -1;
  const inst = parts.length == 3 ? parts[2] : "";
  for (let i = 0; i < varCount(); i++) {
    const v = def(i), c = comp(v.comp);
    if (c.evse == 0 && tequals(c.name, parts[0]) && tequals(v.name, parts[1]) && tequals(v.instance, inst)) return i;
  }
  return -1;
}

/** The component a request names: its name (case-insensitive), no instance (none of ours has one), and the
 *  EVSE / connector it sits on (absent = station level). -1 if there is none. */
export function findComponent(req: Tape, obj: i32): i32 {
  if (req.has(obj, ComponentType.instance)) return -1;
  const e = req.getObject(obj, ComponentType.evse);
  const evse = e >= 0 ? <i32>req.getInt(e, EVSEType.id) : 0;
  const connector = e >= 0 && req.has(e, EVSEType.connectorId) ? <i32>req.getInt(e, EVSEType.connectorId) : 0;
  const p = req.getStrPtr(obj, ComponentType.name), n = req.getStrLen(obj, ComponentType.name);
  for (let c = 0; c < COMPONENT_COUNT; c++) {
    const x = comp(c);
    // The length first: most names differ in it, and it costs no call.
    if (x.evse == evse && x.connector == connector && tlen(x.name) == n && tequalsIgnoreCase(x.name, p, n)) return c;
  }
  return -1;
}

/** The variable of component `comp` a request names (name case-insensitive, instance exact; absent = none). */
function findVariable(req: Tape, variable: i32, component: i32): i32 {
  const p = req.getStrPtr(variable, VariableType.name), n = req.getStrLen(variable, VariableType.name);
  const hasInst = req.has(variable, VariableType.instance);
  const ip = req.getStrPtr(variable, VariableType.instance), il = req.getStrLen(variable, VariableType.instance);
  for (let i = 0; i < varCount(); i++) {
    const v = def(i);
    if (v.comp != component || tlen(v.name) != n || !tequalsIgnoreCase(v.name, p, n)) continue;
    if (hasInst ? tlen(v.instance) == il && memory.compare(tptr(v.instance), ip, <usize>il) == 0 : tlen(v.instance) == 0) return i;
  }
  return -1;
}

// Echoed names are borrowed from the request: it stays in the message buffer until the answer is encoded.
function copyComponent(src: Tape, from: i32, dst: Tape, to: i32): void {
  dst.setBorrowed(to, ComponentType.name, src.getStrPtr(from, ComponentType.name), src.getStrLen(from, ComponentType.name));
  if (src.has(from, ComponentType.instance)) {
    dst.setBorrowed(to, ComponentType.instance, src.getStrPtr(from, ComponentType.instance), src.getStrLen(from, ComponentType.instance));
  }
  const evse = src.getObject(from, ComponentType.evse);
  if (evse >= 0) {
    const e = dst.newObject(to, ComponentType.evse);
    dst.setInt(e, EVSEType.id, src.getInt(evse, EVSEType.id));
    if (src.has(evse, EVSEType.connectorId)) dst.setInt(e, EVSEType.connectorId, src.getInt(evse, EVSEType.connectorId));
  }
}

function copyVariable(src: Tape, from: i32, dst: Tape, to: i32): void {
  dst.setBorrowed(to, VariableType.name, src.getStrPtr(from, VariableType.name), src.getStrLen(from, VariableType.name));
  if (src.has(from, VariableType.instance)) {
    dst.setBorrowed(to, VariableType.instance, src.getStrPtr(from, VariableType.instance), src.getStrLen(from, VariableType.instance));
  }
}
