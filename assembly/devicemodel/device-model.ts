// The device model (B05–B08): GetVariables and SetVariables over the station's variables (variables.ts),
// every result status, values validated and persisted ("dm:<Component>.<Variable>[.<instance>]"); initial values
// from config_set "dm:..." unless the CSMS set one before. The accepted values live in Settings, which the other
// blocks read; the listener re-applies them.
import {
  Tape, RpcError, Action, GetVariablesRequest, GetVariablesResponse, GetVariableDataType, GetVariableResultType,
  GetVariableStatusEnumType, SetVariablesRequest, SetVariablesResponse, SetVariableDataType, SetVariableResultType,
  SetVariableStatusEnumType, ComponentType, VariableType, EVSEType, AttributeEnumType,
} from "../ocpp";
import { Settings, SettingsListener } from "../station/settings";
import { StationConfig } from "../station/config";
import { VARIABLES, Access, ITEMS_PER_MESSAGE, readValue, writeValue } from "./variables";
import { kvGet, kvPut } from "../util/kv";
import { Reports } from "./reports";
import { logInfo } from "../util/log";

const NOT_FOUND_COMPONENT: i32 = -1, NOT_FOUND_VARIABLE: i32 = -2;
const VALUE_MAX: i32 = 1000;   // SetVariableDataType.attributeValue is string[1000]

export class DeviceModel {
  private buf: usize = heap.alloc(<usize>VALUE_MAX);
  private reports: Reports;

  constructor(readonly settings: Settings, readonly config: StationConfig, readonly listener: SettingsListener) {
    this.reports = new Reports(settings, config);
  }

  /** init: values the CSMS set before come back into Settings. */
  load(): void {
    for (let i = 0; i < VARIABLES.length; i++) {
      if (VARIABLES[i].access == Access.ReadOnly) continue;
      const n = kvGet(storeKey(i), this.buf, VALUE_MAX);
      if (n >= 0 && n <= VALUE_MAX) writeValue(i, String.UTF8.decodeUnsafe(this.buf, <usize>n), this.settings, this.config);
    }
  }

  /** config_set "dm:<Component>.<Variable>[.<instance>]": an initial value; a persisted one wins. 0 ok, < 0 rejected. */
  configure(name: string, value: string): i32 {
    const parts = name.split(".");
    if (parts.length < 2 || parts.length > 3) return -1;
    const i = find(parts[0], parts[1], parts.length == 3 ? parts[2] : "");
    if (i < 0 || VARIABLES[i].access == Access.ReadOnly) return -1;
    if (kvGet(storeKey(i), this.buf, 0) >= 0) return 0;
    return writeValue(i, value, this.settings, this.config) ? 0 : -2;
  }

  handles(action: i32): bool {
    return action == Action.GetVariables || action == Action.SetVariables || action == Action.GetBaseReport || action == Action.GetReport;
  }

  handleCall(action: i32, req: Tape, resp: Tape, now: i64): i32 {
    if (action == Action.GetBaseReport) return this.reports.handleBase(req, resp);
    if (action == Action.GetReport) return this.reports.handleCustom(req, resp);
    return action == Action.GetVariables ? this.getVariables(req, resp) : this.setVariables(req, resp);
  }

  nextCall(req: Tape, now: i64): i32 { return this.reports.nextCall(req, this.listener.activeSecurityProfile()); }
  onCallResult(action: i32, resp: Tape): void { if (action == Action.NotifyReport) this.reports.onResult(); }
  onCallFailed(action: i32, failure: i32): void { if (action == Action.NotifyReport) this.reports.onFailed(failure); }

  private attr: i32 = AttributeEnumType.Actual;

  /** Echoes an item's component, variable and attributeType into its result (Get and Set name them alike);
   *  returns the variable's index or NOT_FOUND_*, and leaves the requested attribute type in this.attr. */
  private echo(req: Tape, item: i32, resp: Tape, res: i32, inComp: i32, inVar: i32, inAttr: i32,
               outComp: i32, outVar: i32, outAttr: i32): i32 {
    const comp = req.getObject(item, inComp);
    const variable = req.getObject(item, inVar);
    copyComponent(req, comp, resp, resp.newObject(res, outComp));
    copyVariable(req, variable, resp, resp.newObject(res, outVar));
    const hasAttr = req.has(item, inAttr);
    this.attr = hasAttr ? req.getEnum(item, inAttr) : AttributeEnumType.Actual;
    if (hasAttr) resp.setEnum(res, outAttr, this.attr);
    return lookup(req, comp, variable);
  }

  private getVariables(req: Tape, resp: Tape): i32 {
    const items = req.arrayLength(req.root, GetVariablesRequest.getVariableData);
    // DeviceDataCtrlr.ItemsPerMessage(GetVariables): more is refused as a whole (B06.FR..).
    if (items > ITEMS_PER_MESSAGE) return RpcError.OccurrenceConstraintViolation;
    const out = resp.newArray(resp.root, GetVariablesResponse.getVariableResult, items);
    for (let k = 0; k < items; k++) {
      const item = req.arrayObject(req.root, GetVariablesRequest.getVariableData, k);
      const res = resp.arraySetObject(out, k);
      const i = this.echo(req, item, resp, res, GetVariableDataType.component, GetVariableDataType.variable,
        GetVariableDataType.attributeType, GetVariableResultType.component, GetVariableResultType.variable,
        GetVariableResultType.attributeType);
      const attr = this.attr;
      let status = GetVariableStatusEnumType.Accepted;
      if (i == NOT_FOUND_COMPONENT) status = GetVariableStatusEnumType.UnknownComponent;
      else if (i == NOT_FOUND_VARIABLE) status = GetVariableStatusEnumType.UnknownVariable;
      else if (attr != AttributeEnumType.Actual) status = GetVariableStatusEnumType.NotSupportedAttributeType;
      else if (VARIABLES[i].access == Access.WriteOnly) status = GetVariableStatusEnumType.Rejected;   // never reported
      else resp.setString(res, GetVariableResultType.attributeValue, readValue(i, this.settings, this.config, this.listener.activeSecurityProfile()));
      resp.setEnum(res, GetVariableResultType.attributeStatus, status);
    }
    return resp.overflow ? RpcError.InternalError : RpcError.None;
  }

  private setVariables(req: Tape, resp: Tape): i32 {
    const items = req.arrayLength(req.root, SetVariablesRequest.setVariableData);
    if (items > ITEMS_PER_MESSAGE) return RpcError.OccurrenceConstraintViolation;
    const out = resp.newArray(resp.root, SetVariablesResponse.setVariableResult, items);
    let changed = false;
    for (let k = 0; k < items; k++) {
      const item = req.arrayObject(req.root, SetVariablesRequest.setVariableData, k);
      const res = resp.arraySetObject(out, k);
      const i = this.echo(req, item, resp, res, SetVariableDataType.component, SetVariableDataType.variable,
        SetVariableDataType.attributeType, SetVariableResultType.component, SetVariableResultType.variable,
        SetVariableResultType.attributeType);
      const attr = this.attr;
      let status = SetVariableStatusEnumType.Accepted;
      if (i == NOT_FOUND_COMPONENT) status = SetVariableStatusEnumType.UnknownComponent;
      else if (i == NOT_FOUND_VARIABLE) status = SetVariableStatusEnumType.UnknownVariable;
      else if (attr != AttributeEnumType.Actual) status = SetVariableStatusEnumType.NotSupportedAttributeType;
      else {
        const v = VARIABLES[i];
        const value = req.getString(item, SetVariableDataType.attributeValue);
        if (v.access == Access.ReadOnly || !this.listener.acceptable(v.component, v.name, value) ||
            !writeValue(i, value, this.settings, this.config)) {
          status = SetVariableStatusEnumType.Rejected;
        } else {
          const b = String.UTF8.encode(value);
          kvPut(storeKey(i), changetype<usize>(b), b.byteLength);
          changed = true;
          if (v.rebootRequired) status = SetVariableStatusEnumType.RebootRequired;
          logInfo("device model: " + v.component + "." + v.name + (v.access == Access.WriteOnly ? " set" : " = " + value));
        }
      }
      resp.setEnum(res, SetVariableResultType.attributeStatus, status);
    }
    if (changed) this.listener.onSettingsChanged();
    return resp.overflow ? RpcError.InternalError : RpcError.None;
  }
}

function storeKey(i: i32): string {
  const v = VARIABLES[i];
  return "dm:" + v.component + "." + v.name + (v.instance.length > 0 ? "." + v.instance : "");
}

function find(component: string, name: string, instance: string): i32 {
  let known = false;
  for (let i = 0; i < VARIABLES.length; i++) {
    const v = VARIABLES[i];
    if (v.component != component) continue;
    known = true;
    if (v.name == name && v.instance == instance) return i;
  }
  return known ? NOT_FOUND_VARIABLE : NOT_FOUND_COMPONENT;
}

/** The variable a request item names; every one of these is station-wide, so an EVSE or a component instance
 *  makes the component unknown. */
function lookup(req: Tape, comp: i32, variable: i32): i32 {
  if (req.has(comp, ComponentType.evse) || req.has(comp, ComponentType.instance)) return NOT_FOUND_COMPONENT;
  const inst = req.has(variable, VariableType.instance) ? req.getString(variable, VariableType.instance) : "";
  return find(req.getString(comp, ComponentType.name), req.getString(variable, VariableType.name), inst);
}

function copyComponent(src: Tape, from: i32, dst: Tape, to: i32): void {
  dst.setBytes(to, ComponentType.name, src.getStrPtr(from, ComponentType.name), src.getStrLen(from, ComponentType.name));
  if (src.has(from, ComponentType.instance)) {
    dst.setBytes(to, ComponentType.instance, src.getStrPtr(from, ComponentType.instance), src.getStrLen(from, ComponentType.instance));
  }
  const evse = src.getObject(from, ComponentType.evse);
  if (evse >= 0) {
    const e = dst.newObject(to, ComponentType.evse);
    dst.setInt(e, EVSEType.id, src.getInt(evse, EVSEType.id));
    if (src.has(evse, EVSEType.connectorId)) dst.setInt(e, EVSEType.connectorId, src.getInt(evse, EVSEType.connectorId));
  }
}

function copyVariable(src: Tape, from: i32, dst: Tape, to: i32): void {
  dst.setBytes(to, VariableType.name, src.getStrPtr(from, VariableType.name), src.getStrLen(from, VariableType.name));
  if (src.has(from, VariableType.instance)) {
    dst.setBytes(to, VariableType.instance, src.getStrPtr(from, VariableType.instance), src.getStrLen(from, VariableType.instance));
  }
}
