// GetVariables (B06) over the variables the station holds so far. The full
// device model (every Core controller, attribute types, characteristics,
// persistence) arrives with the device-model issue; this answers every
// requested item with the right status so a CSMS can already read the
// connection settings.
import {
  Tape, GetVariablesRequest, GetVariablesResponse, GetVariableDataType, GetVariableResultType,
  ComponentType, VariableType, EVSEType, AttributeEnumType, GetVariableStatusEnumType, RpcError,
} from "../ocpp";

/** Reads one variable; returns its value, or null when the component has no such variable. */
export abstract class VariableSource {
  /** 0 known component, -1 unknown component. */
  abstract hasComponent(component: string): bool;
  abstract read(component: string, variable: string): string | null;
  /** Write-only variables (e.g. BasicAuthPassword) exist but are never reported. */
  abstract isWriteOnly(component: string, variable: string): bool;
}

export function handleGetVariables(req: Tape, resp: Tape, vars: VariableSource): i32 {
  const items = req.arrayLength(req.root, GetVariablesRequest.getVariableData);
  const out = resp.newArray(resp.root, GetVariablesResponse.getVariableResult, items);
  for (let i = 0; i < items; i++) {
    const item = req.arrayObject(req.root, GetVariablesRequest.getVariableData, i);
    const res = resp.arraySetObject(out, i);
    const comp = req.getObject(item, GetVariableDataType.component);
    const variable = req.getObject(item, GetVariableDataType.variable);
    copyComponent(req, comp, resp, resp.newObject(res, GetVariableResultType.component));
    copyVariable(req, variable, resp, resp.newObject(res, GetVariableResultType.variable));
    const attr = req.has(item, GetVariableDataType.attributeType) ? req.getEnum(item, GetVariableDataType.attributeType) : AttributeEnumType.Actual;
    if (req.has(item, GetVariableDataType.attributeType)) resp.setEnum(res, GetVariableResultType.attributeType, attr);
    const compName = req.getString(comp, ComponentType.name);
    const varName = req.getString(variable, VariableType.name);
    let status: i32;
    if (!vars.hasComponent(compName) || req.has(comp, ComponentType.evse) || req.has(comp, ComponentType.instance)) {
      status = GetVariableStatusEnumType.UnknownComponent;
    } else if (req.has(variable, VariableType.instance)) {
      status = GetVariableStatusEnumType.UnknownVariable;
    } else if (vars.isWriteOnly(compName, varName)) {
      status = GetVariableStatusEnumType.Rejected;
    } else {
      const value = vars.read(compName, varName);
      if (value === null) status = GetVariableStatusEnumType.UnknownVariable;
      else if (attr != AttributeEnumType.Actual) status = GetVariableStatusEnumType.NotSupportedAttributeType;
      else {
        status = GetVariableStatusEnumType.Accepted;
        resp.setString(res, GetVariableResultType.attributeValue, value);
      }
    }
    resp.setEnum(res, GetVariableResultType.attributeStatus, status);
  }
  return resp.overflow ? RpcError.InternalError : RpcError.None;
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
