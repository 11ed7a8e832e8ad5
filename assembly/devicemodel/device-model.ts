// The device model (B05–B08): GetVariables and SetVariables over the catalog (catalog.ts) with every result
// status, values validated against their characteristics (validate.ts) and persisted as
// "dm:<Component>.<Variable>[.<instance>]"; initial values from config_set "dm:..." unless the CSMS set one
// before; reports (reports.ts). Accepted values are typed (typed-value.ts) into the catalog, which the other blocks read.
import {
  Tape, RpcError, Action, GetVariablesRequest, GetVariablesResponse, GetVariableDataType, GetVariableResultType,
  GetVariableStatusEnumType, SetVariablesRequest, SetVariablesResponse, SetVariableDataType, SetVariableResultType,
  SetVariableStatusEnumType, ComponentType, VariableType, EVSEType, AttributeEnumType, StatusInfoType,
  clearError, errAppend, errAppendInt,
} from "../ocpp";
import { def, comp, varCount, Def, K, F_REBOOT, F_SECURITY, COMPONENT_COUNT, setTypedValue } from "../core/catalog";
import { Context } from "../core/context";
import { SecurityEventType } from "../core/security-log";
import { ITEMS_PER_MESSAGE, ITEM_LOG_CAPACITY } from "../core/limits";
import { ItemLog } from "./item-log";
import { StagedValues } from "./staged";
import { VariableStore, LiveValues } from "./store";
import { normalize, normalizeBytes, refusal } from "./validate";
import { typedValueOf } from "./typed-value";
import { Reports } from "./reports";
import { Block } from "../core/block";
import { kvGetKey, kvPutKey } from "../util/kv";
import { Text, text, tstr, tlen, tptr, tequals } from "../util/text";
import { line } from "../util/log";

/** Told when SetVariables changed any value, so the parts that keep their own copy (the connection, the
 *  registration, the clock) apply it again. */
export class SettingsListener {
  onSettingsChanged(): void {}
  /** A value the device model cannot judge alone (catalog key K; e.g. NetworkConfigurationPriority needs the
   *  stored network profiles). */
  acceptable(key: i32, value: string): bool { return true; }
  /** Whether acceptable() judges variable `key` at all (the others' SetVariables values are staged without a
   *  string). */
  judges(key: i32): bool { return false; }
}

const VALUE_MAX: i32 = 1000;   // SetVariableDataType.attributeValue is string[1000]

// Item log record flags (takeItem).
const L_EVSE: i32 = 1, L_CONNECTOR: i32 = 2, L_COMP_INSTANCE: i32 = 4, L_VAR_INSTANCE: i32 = 8;
const L_VAR_NAME_CATALOG: i32 = 16, L_VAR_INSTANCE_CATALOG: i32 = 32;
// Reasons (attributeStatusInfo.reasonCode), 3 bits of the record.
const R_NONE: i32 = 0, R_WRITE_ONLY: i32 = 1, R_READ_ONLY: i32 = 2, R_INVALID: i32 = 3, R_OUT_OF_RANGE: i32 = 4;
/** The reason code for what normalize() / normalizeBytes() last refused (validate.ts `refusal`). */
function refusalReason(): i32 { return refusal == "ValueOutOfRange" ? R_OUT_OF_RANGE : R_INVALID; }
const REASONS: StaticArray<string> = ["", "WriteOnly", "ReadOnly", "InvalidValue", "ValueOutOfRange"];

export class DeviceModel extends Block {
  readonly store: VariableStore;
  private buf: usize = heap.alloc(<usize>VALUE_MAX);
  private reports: Reports;
  /** What is kept of a GetVariables / SetVariables request until its answer is written. */
  private log: ItemLog = new ItemLog(ITEM_LOG_CAPACITY);
  private staged: StagedValues = new StagedValues();

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
      const n = kvGetKey(KEY, storeKey(v), this.buf, VALUE_MAX);
      if (n < 0 || n > VALUE_MAX) continue;
      // In place first: a boot with every value at its longest made 30+ KB of garbage through strings.
      const m = normalizeBytes(v, this.buf, n);
      if (m == -2) {
        const value = normalize(v, String.UTF8.decodeUnsafe(this.buf, <usize>n));
        if (value != null && this.store.set(i, value)) this.retype(i);
      } else if (m >= 0 && m <= v.cap) {
        memory.copy(tptr(v.value), this.buf, <usize>m);
        v.value = text(tptr(v.value), m);
        this.retype(i);
      }
    }
  }

  /** Whether the CSMS has set variable "<Component>.<Variable>[.<instance>]" (its value is persisted). */
  isPersisted(name: string): bool {
    const i = findByName(name);
    return i >= 0 && kvGetKey(KEY, storeKey(def(i)), this.buf, 0) >= 0;
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
      if (kvGetKey(KEY, storeKey(def(i)), this.buf, 0) >= 0) return 0;
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

  // ---- GetVariables / SetVariables item by item (rpc/ reads the request and encodes each result before the
  // next: docs/streaming.md). While the request arrives each item is judged at once and kept in the item log in
  // a few bytes; a SetVariables value is validated and staged. Once the whole request is known valid
  // (beginItems) the staged values take effect, then the results are written from the log.
  itemsProperty(action: i32): i32 {
    if (action == Action.GetVariables) return GetVariablesResponse.getVariableResult;
    return action == Action.SetVariables ? SetVariablesResponse.setVariableResult : -1;
  }

  startItems(action: i32): void {
    this.log.reset();
    this.staged.reset();
    this.itemsChanged = false;
  }

  /** Item k: its echo, status and reason into the log; a SetVariables value that would be accepted is staged. */
  takeItem(action: i32, req: Tape, item: i32, k: i32): void {
    const log = this.log;
    if (log.full || k >= ITEMS_PER_MESSAGE) return;   // the request will be refused (beginItems)
    const set = action == Action.SetVariables;
    const compObj = req.getObject(item, set ? SetVariableDataType.component : GetVariableDataType.component);
    const varObj = req.getObject(item, set ? SetVariableDataType.variable : GetVariableDataType.variable);
    const attrProp = set ? SetVariableDataType.attributeType : GetVariableDataType.attributeType;
    const attr = req.has(item, attrProp) ? req.getEnum(item, attrProp) : AttributeEnumType.Actual;   // TC_B_11_CS
    const c = findComponent(req, compObj);
    const i = c < 0 ? -1 : findVariable(req, varObj, c);
    // Status and reason; the enums' first five values are the same for both actions.
    let status = GetVariableStatusEnumType.Accepted;
    let reason = R_NONE;
    if (c < 0) status = GetVariableStatusEnumType.UnknownComponent;
    else if (i < 0) status = GetVariableStatusEnumType.UnknownVariable;
    else if ((def(i).attrs & (1 << attr)) == 0) status = GetVariableStatusEnumType.NotSupportedAttributeType;
    else if (!set) {
      if (def(i).writeOnly) { status = GetVariableStatusEnumType.Rejected; reason = R_WRITE_ONLY; }   // never reported
    } else {
      // Only the Actual value of a read-write or write-only variable can be set (B05.FR.. / TC_B_39_CS).
      const v = def(i);
      if (attr != AttributeEnumType.Actual || v.readOnly || v.isLive) reason = R_READ_ONLY;
      else reason = this.stage(i, req, item, k);
      if (reason != R_NONE) status = SetVariableStatusEnumType.Rejected;
      else if ((v.flags & F_REBOOT) != 0) status = SetVariableStatusEnumType.RebootRequired;
    }
    // The record: flags, attribute | status | reason, the catalog component whose name is the one given
    // (0xff: none), the variable found (0xff: none), then what the catalog cannot give back.
    const cp = req.getStrPtr(compObj, ComponentType.name), cl = req.getStrLen(compObj, ComponentType.name);
    const vp = req.getStrPtr(varObj, VariableType.name), vl = req.getStrLen(varObj, VariableType.name);
    const named = c >= 0 && compSpelledExactly ? c : -1;
    const evse = req.getObject(compObj, ComponentType.evse);
    let flags = 0;
    if (evse >= 0) flags |= L_EVSE;
    if (evse >= 0 && req.has(evse, EVSEType.connectorId)) flags |= L_CONNECTOR;
    if (req.has(compObj, ComponentType.instance)) flags |= L_COMP_INSTANCE;
    if (i >= 0 && varSpelledExactly) flags |= L_VAR_NAME_CATALOG;
    // A variable found by its instance has exactly the catalog's instance.
    if (req.has(varObj, VariableType.instance)) flags |= i >= 0 ? L_VAR_INSTANCE | L_VAR_INSTANCE_CATALOG : L_VAR_INSTANCE;
    log.byte(flags);
    log.byte(attr | (status << 2) | (reason << 5));
    log.byte(named < 0 ? 0xff : named);
    log.byte(i < 0 ? 0xff : i);
    if (named < 0) log.u16(log.name(cp, cl));
    if ((flags & L_COMP_INSTANCE) != 0) {
      log.u16(log.name(req.getStrPtr(compObj, ComponentType.instance), req.getStrLen(compObj, ComponentType.instance)));
    }
    if ((flags & L_VAR_NAME_CATALOG) == 0) log.u16(log.name(vp, vl));
    if ((flags & (L_VAR_INSTANCE | L_VAR_INSTANCE_CATALOG)) == L_VAR_INSTANCE) {
      log.u16(log.name(req.getStrPtr(varObj, VariableType.instance), req.getStrLen(varObj, VariableType.instance)));
    }
    if (evse >= 0) log.varint(req.getInt(evse, EVSEType.id));
    if ((flags & L_CONNECTOR) != 0) log.varint(req.getInt(evse, EVSEType.connectorId));
  }

  /** A SetVariables value for variable i: validated and normalized now, staged (a later item for the same
   *  variable replaces it); R_NONE or the reason it is refused. */
  private stage(i: i32, req: Tape, item: i32, k: i32): i32 {
    const v = def(i);
    // Without a string first (a 1000-item SetVariables read in one event made a string of each value, all garbage
    // until the event ended): the value normalized in place in a copy, as the boot's load does (validate.ts
    // normalizeBytes gives what normalize gives, refusal included, or defers).
    const vp = req.getStrPtr(item, SetVariableDataType.attributeValue);
    const vl = req.getStrLen(item, SetVariableDataType.attributeValue);
    if (vl >= 0 && vl <= VALUE_MAX && !this.listener.judges(v.key)) {
      memory.copy(this.buf, vp, <usize>vl);
      const m = normalizeBytes(v, this.buf, vl);
      if (m >= 0) return this.staged.putBytes(i, this.buf, m, k) ? R_NONE : R_OUT_OF_RANGE;
      if (m == -1) return refusalReason();
    }
    const n = normalize(v, String.UTF8.decodeUnsafe(vp, <usize>max(vl, 0)));
    if (n == null) return refusalReason();
    if (!this.listener.acceptable(v.key, n)) return R_INVALID;
    return this.staged.put(i, n, k) ? R_NONE : R_OUT_OF_RANGE;
  }

  /** The request was valid with `count` items: the count, or -(RpcError) to refuse it whole. ItemsPerMessage
   *  (B05/B06: more items are OccurrenceConstraintViolation), then the item log's bound (FormatViolation, as a
   *  request over BytesPerMessage). A SetVariables takes effect here, before the first result goes out. */
  beginItems(action: i32, count: i32): i32 {
    const set = action == Action.SetVariables;
    if (!set && action != Action.GetVariables) return -RpcError.NotSupported;
    if (count > ITEMS_PER_MESSAGE) {
      clearError();
      errAppend(set ? "setVariableData: " : "getVariableData: ");
      errAppendInt(count);
      errAppend(" items, more than ItemsPerMessage ");
      errAppendInt(ITEMS_PER_MESSAGE);
      return -RpcError.OccurrenceConstraintViolation;
    }
    if (this.log.full) {
      clearError();
      errAppend("the items' records and the names to echo that are not the device model's exceed ");
      errAppendInt(ITEM_LOG_CAPACITY);
      errAppend(" bytes");
      return -RpcError.FormatViolation;
    }
    if (set) this.applyStaged();
    this.log.rewind();
    return count;
  }

  /** The staged values, each where its last item is in the request, in request order (a value is staged exactly
   *  when its item is Accepted or RebootRequired). */
  private applyStaged(): void {
    const st = this.staged;
    st.sortByLastItem();
    for (let t = 0; t < st.count(); t++) {
      this.itemsChanged = true;
      this.apply(st.variable(t));
    }
  }

  /** Stores, persists and applies variable i's staged value. */
  private apply(i: i32): void {
    const v = def(i);
    const p = this.staged.ptr(i), n = this.staged.len(i);
    // A04: a security parameter changed (the same value again is no change).
    const same = tlen(v.value) == n && memory.compare(tptr(v.value), p, <usize>n) == 0;
    memory.copy(tptr(v.value), p, <usize>n);
    v.value = text(tptr(v.value), n);
    this.persist(i);
    if ((v.flags & F_SECURITY) != 0 && !same) {
      this.ctx.securityLog.raise(SecurityEventType.ReconfigurationOfSecurityParameters,
        "SetVariables " + tstr(comp(v.comp).name) + "." + tstr(v.name));
    }
  }

  /** After the last item: the settings listener hears of a SetVariables that changed something, once. */
  endItems(action: i32): void {
    if (this.itemsChanged) this.listener.onSettingsChanged();
    this.itemsChanged = false;
  }

  private itemsChanged: bool = false;

  /** The result of the next item (k in order) from the log. */
  answerItem(action: i32, k: i32, resp: Tape, res: i32): bool {
    const set = action == Action.SetVariables;
    const log = this.log;
    const flags = log.readByte();
    const ab = log.readByte();
    const named = log.readByte();
    const i = log.readByte();
    const attr = ab & 3, status = (ab >> 2) & 7, reason = ab >> 5;
    const compObj = resp.newObject(res, set ? SetVariableResultType.component : GetVariableResultType.component);
    const varObj = resp.newObject(res, set ? SetVariableResultType.variable : GetVariableResultType.variable);
    if (named != 0xff) resp.setBorrowed(compObj, ComponentType.name, tptr(comp(named).name), tlen(comp(named).name));
    else this.echoName(resp, compObj, ComponentType.name);
    if ((flags & L_COMP_INSTANCE) != 0) this.echoName(resp, compObj, ComponentType.instance);
    if ((flags & L_VAR_NAME_CATALOG) != 0) resp.setBorrowed(varObj, VariableType.name, tptr(def(i).name), tlen(def(i).name));
    else this.echoName(resp, varObj, VariableType.name);
    if ((flags & L_VAR_INSTANCE_CATALOG) != 0) {
      resp.setBorrowed(varObj, VariableType.instance, tptr(def(i).instance), tlen(def(i).instance));
    } else if ((flags & L_VAR_INSTANCE) != 0) this.echoName(resp, varObj, VariableType.instance);
    if ((flags & L_EVSE) != 0) {
      const e = resp.newObject(compObj, ComponentType.evse);
      resp.setInt(e, EVSEType.id, log.readVarint());
      if ((flags & L_CONNECTOR) != 0) resp.setInt(e, EVSEType.connectorId, log.readVarint());
    }
    resp.setEnum(res, set ? SetVariableResultType.attributeType : GetVariableResultType.attributeType, attr);
    resp.setEnum(res, set ? SetVariableResultType.attributeStatus : GetVariableResultType.attributeStatus, status);
    if (!set && status == GetVariableStatusEnumType.Accepted) this.store.put(resp, res, GetVariableResultType.attributeValue, i, attr);
    if (reason != R_NONE) {
      setReason(resp, res, set ? SetVariableResultType.attributeStatusInfo : GetVariableResultType.attributeStatusInfo, REASONS[reason]);
    }
    return !resp.overflow;
  }

  private echoName(resp: Tape, obj: i32, prop: i32): void {
    const ref = this.log.readU16();
    resp.setBorrowed(obj, prop, this.log.namePtr(ref), this.log.nameLen(ref));
  }

  /** GetVariables / SetVariables answered whole (a caller without the item-by-item path): the same items. */
  private answerWhole(action: i32, req: Tape, resp: Tape): i32 {
    const prop = action == Action.SetVariables ? SetVariablesRequest.setVariableData : GetVariablesRequest.getVariableData;
    const count = req.arrayLength(req.root, prop);
    this.startItems(action);
    for (let k = 0; k < count; k++) this.takeItem(action, req, req.arrayObject(req.root, prop, k), k);
    const items = this.beginItems(action, count);
    if (items < 0) return -items;
    const out = resp.newArray(resp.root, this.itemsProperty(action), items);
    for (let k = 0; k < items && this.answerItem(action, k, resp, resp.arraySetObject(out, k)); k++) { /* next */ }
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
    this.persist(i);
    return "";
  }

  /** Variable i's new value (in its store) persisted, its typed value kept in step, and logged. */
  private persist(i: i32): void {
    const v = def(i);
    kvPutKey(KEY, storeKey(v), tptr(v.value), tlen(v.value));
    this.retype(i);
    // Built in static memory (no string per value: a SetVariables applies up to every writable variable in one
    // event); a value longer than the line keeps its first bytes.
    const l = line().s("device model: ").b(tptr(comp(v.comp).name), tlen(comp(v.comp).name)).s(".").b(tptr(v.name), tlen(v.name));
    if (v.writeOnly) l.s(" set"); else l.s(" = ").b(tptr(v.value), tlen(v.value));
    l.info();
  }

  /** Keeps the typed value of a keyed stored variable in step with its text. */
  private retype(i: i32): void {
    const v = def(i);
    if (!v.isLive && v.key != K.None) setTypedValue(v.key, typedValueOf(v, v.value));
  }
}

function setReason(t: Tape, res: i32, prop: i32, reason: string): void {
  t.setString(t.newObject(res, prop), StatusInfoType.reasonCode, reason);
}

/** Station-wide variables persist as "dm:<Component>.<Variable>[.<instance>]", built in KEY (no string: the
 *  boot's load asks every variable's key). */
const KEY_CAP: i32 = 256;   // "dm:" and three names of at most 50 bytes each (the schemas' string[50])
const KEY: usize = memory.data(KEY_CAP);

/** The key's length in KEY. */
function storeKey(v: Def): i32 {
  store<u8>(KEY, 100); store<u8>(KEY + 1, 109); store<u8>(KEY + 2, 58);   // "dm:"
  let n = keyPart(3, comp(v.comp).name);
  store<u8>(KEY + <usize>n, 46);
  n = keyPart(n + 1, v.name);
  if (tlen(v.instance) == 0) return n;
  store<u8>(KEY + <usize>n, 46);
  return keyPart(n + 1, v.instance);
}

function keyPart(at: i32, t: Text): i32 {
  memory.copy(KEY + <usize>at, tptr(t), <usize>tlen(t));
  return at + tlen(t);
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
    if (x.evse == evse && x.connector == connector && tlen(x.name) == n) {
      const m = nameMatch(x.name, p, n);
      if (m != 0) { compSpelledExactly = m == 2; return c; }
    }
  }
  return -1;
}

/** Whether the names findComponent / findVariable last found were spelled as the catalog spells them (then the
 *  item log keeps no copy of them). */
let compSpelledExactly: bool = false;
let varSpelledExactly: bool = false;

/** 0: the names differ; 1: equal ignoring ASCII case (device-model names are case-insensitive); 2: the same
 *  bytes. One pass (the length is equal). */
function nameMatch(t: Text, ptr: usize, len: i32): i32 {
  const p = tptr(t);
  let exact = 2;
  // Eight equal bytes at a time first (a found name is compared to its end; a per-byte loop is ~100 native
  // instructions a byte under wasm3), then byte by byte from the first block that differs.
  let i = 0;
  while (i + 8 <= len && load<u64>(p + <usize>i) == load<u64>(ptr + <usize>i)) i += 8;
  for (; i < len; i++) {
    let a = <i32>load<u8>(p + <usize>i), b = <i32>load<u8>(ptr + <usize>i);
    if (a == b) continue;
    exact = 1;
    if (a >= 65 && a <= 90) a += 32;
    if (b >= 65 && b <= 90) b += 32;
    if (a != b) return 0;
  }
  return exact;
}

/** The variable of component `comp` a request names (name case-insensitive, instance exact; absent = none). */
function findVariable(req: Tape, variable: i32, component: i32): i32 {
  const p = req.getStrPtr(variable, VariableType.name), n = req.getStrLen(variable, VariableType.name);
  const hasInst = req.has(variable, VariableType.instance);
  const ip = req.getStrPtr(variable, VariableType.instance), il = req.getStrLen(variable, VariableType.instance);
  // The component's range of the catalog (its variables were defined together; the test of comp stays).
  const range = comp(component);
  for (let i = range.first; i < range.end; i++) {
    const v = def(i);
    if (v.comp != component || tlen(v.name) != n) continue;
    const m = nameMatch(v.name, p, n);
    if (m == 0) continue;
    if (hasInst ? tlen(v.instance) == il && memory.compare(tptr(v.instance), ip, <usize>il) == 0 : tlen(v.instance) == 0) {
      varSpelledExactly = m == 2;
      return i;
    }
  }
  return -1;
}
