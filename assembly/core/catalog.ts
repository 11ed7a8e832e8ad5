// What the station's device model holds (B05–B08): its components — the ChargingStation, the EVSE, each
// connector and the Core controllers (Part 5 §5) — and their variables with characteristics, mutability and
// attribute types, per the Part 2 appendix (dm_components_vars.csv) and errata 2025-01 (2.40 ActiveNetworkProfile,
// 2.45 Connector.AvailabilityState, 2.1 BasicAuthPassword). Values are either stored (the device model keeps the
// text, persists what the CSMS may write and keeps each keyed variable's typed value beside it) or live (read
// from the station when asked: availability, clock, network, certificates, meter). Blocks read a value here
// (intValue, boolValue, textValue); only the device model writes it.
//
// The catalog is built once at start-up into raw memory: unmanaged records with UTF-8 text, which the
// collector never traces (the host collects after every event, and each managed object costs marking time).
import { DataEnumType, MutabilityEnumType } from "../ocpp";
import { CONNECTOR_COUNT } from "../hardware/lines";
import { MEASURAND_NAMES } from "../hardware/measurands";
import { MODULE_MAX_VOLTAGE_DV } from "../hardware/power-module";
import { EVSE_MAX_CURRENT_DA, NTP_URI_MAX, ITEMS_PER_MESSAGE_GET_VARIABLES, ITEMS_PER_MESSAGE_SET_VARIABLES, BYTES_PER_MESSAGE, ITEMS_PER_MESSAGE_GET_REPORT, BYTES_PER_MESSAGE_GET_REPORT } from "./limits";
import { Text, text, tequals, tlen, tptr, tstr } from "../util/text";

/** Attribute types a variable has, as bits of AttributeEnumType (Actual = bit 0 ... MaxSet = bit 3). */
export const ATTR_ACTUAL: i32 = 1, ATTR_MAXSET: i32 = 8;

// Def.flags
/** The value comes from the station at read time (LiveValues), not from the device model's store. */
export const F_LIVE: i32 = 1;
/** The station never changes the value at runtime (VariableAttributeType.constant). */
export const F_CONST: i32 = 2;
/** A change takes effect after a reboot (SetVariables answers RebootRequired). */
export const F_REBOOT: i32 = 4;
/** An empty list is not a value (TxStartPoint / TxStopPoint). */
export const F_NONEMPTY: i32 = 8;
/** Part of the SummaryInventory (B07): availability always, Problem when true. */
export const F_SUMMARY: i32 = 16;
export const F_HAS_MIN: i32 = 32, F_HAS_MAX: i32 = 64;
/** A security parameter: a change by SetVariables is a security event ReconfigurationOfSecurityParameters (A04). */
export const F_SECURITY: i32 = 128;

/** Variables whose value behaviour depends on, or that the station supplies live. */
export const enum K {
  None = 0,
  // OCPPCommCtrlr
  HeartbeatInterval, MessageAttempts, MessageAttemptInterval, NetworkConfigurationPriority,
  NetworkProfileConnectionAttempts, OfflineThreshold, ResetRetries, RetryBackOffRandomRange, RetryBackOffRepeatTimes,
  RetryBackOffWaitMinimum, WebSocketPingInterval, MinimumStatusDuration, MessageTimeout, ActiveNetworkProfile,
  // TxCtrlr
  EVConnectionTimeOut, StopTxOnEVSideDisconnect, StopTxOnInvalidId, TxStartPoint, TxStopPoint,
  // AuthCtrlr
  AuthEnabled, AuthorizeRemoteStart, LocalAuthorizeOffline, LocalPreAuthorize, OfflineTxForUnknownIdEnabled,
  // SampledDataCtrlr / AlignedDataCtrlr
  TxStartedMeasurands, TxUpdatedMeasurands, TxUpdatedInterval, TxEndedMeasurands, TxEndedInterval,
  AlignedMeasurands, AlignedInterval, AlignedTxEndedMeasurands, AlignedTxEndedInterval,
  // ClockCtrlr
  DateTime, TimeZone, TimeSource, NtpServerUri1, NtpServerUri2, TimeAdjustmentReportingThreshold,
  // SecurityCtrlr
  Identity, SecurityProfile, BasicAuthPassword, CertificateEntries,
  CertSigningRepeatTimes, CertSigningWaitMinimum, OrganizationName,
  // ChargingStation, EVSE, Connector
  DiagnosticsLogLevel, AvailabilityState, Problem, Power, ConnectorType, Model, VendorName,
}

/** How many keys K has. */
export const KEY_COUNT: i32 = K.VendorName + 1;

/** TxCtrlr.TxStartPoint / TxStopPoint values as bits (TxStartStopPointEnumType order). */
export const enum TxPoint {
  ParkingBayOccupancy = 1, EVConnected = 2, Authorized = 4, DataSigned = 8, PowerPathClosed = 16, EnergyTransfer = 32,
}

/** TxStartStopPointEnumType names in TxPoint bit order. */
export const TX_POINT_NAMES: StaticArray<string> = [
  "ParkingBayOccupancy", "EVConnected", "Authorized", "DataSigned", "PowerPathClosed", "EnergyTransfer",
];

/** A component: its name, and the EVSE / connector it sits on (0 = station level). */
@unmanaged export class Comp {
  name: Text;
  evse: i32;
  connector: i32;
  /** Its variables are among def(first) .. def(end - 1) (a request's variable is searched there only). */
  first: i32;
  end: i32;
}

/** A variable's definition. Its value (stored variables): `value`, in a buffer of `cap` bytes. */
@unmanaged export class Def {
  comp: i32;
  key: i32;
  dataType: i32;
  mutability: i32;
  attrs: i32;
  flags: i32;
  min: i32;
  max: i32;
  name: Text;
  instance: Text;
  unit: Text;
  valuesList: Text;
  value: Text;
  cap: i32;

  inst(i: string): Def { this.instance = pooled(i); return this; }
  u(unit: string): Def { this.unit = pooled(unit); return this; }
  list(l: string): Def { this.valuesList = pooled(l); return this; }
  def(v: string): Def { this.value = pooled(v); return this; }
  lim(min: i32, max: i32): Def { this.min = min; this.max = max; this.flags |= F_HAS_MIN | F_HAS_MAX; return this; }
  /** For strings minLimit / maxLimit are the shortest and longest value. */
  minLen(n: i32): Def { this.min = n; this.flags |= F_HAS_MIN; return this; }
  maxLen(n: i32): Def { this.max = n; this.flags |= F_HAS_MAX; return this; }
  live(): Def { this.flags |= F_LIVE; return this; }
  f(flags: i32): Def { this.flags |= flags; return this; }
  withAttrs(a: i32): Def { this.attrs = a; return this; }

  get readOnly(): bool { return this.mutability == MutabilityEnumType.ReadOnly; }
  get writeOnly(): bool { return this.mutability == MutabilityEnumType.WriteOnly; }
  get isLive(): bool { return (this.flags & F_LIVE) != 0; }
  get hasMin(): bool { return (this.flags & F_HAS_MIN) != 0; }
  get hasMax(): bool { return (this.flags & F_HAS_MAX) != 0; }
}

// Component indexes: the station, its EVSE and connectors first (the order reports follow), then controllers.
export const C_STATION: i32 = 0;
export const C_EVSE: i32 = 1;
export const C_CONNECTOR: i32 = 2;   // connector n is C_CONNECTOR + n - 1
export const C_OCPPCOMM: i32 = C_CONNECTOR + CONNECTOR_COUNT;
export const C_TX: i32 = C_OCPPCOMM + 1;
export const C_DEVICEDATA: i32 = C_TX + 1;
export const C_CLOCK: i32 = C_DEVICEDATA + 1;
export const C_SECURITY: i32 = C_CLOCK + 1;
export const C_SAMPLED: i32 = C_SECURITY + 1;
export const C_ALIGNED: i32 = C_SAMPLED + 1;
export const C_AUTH: i32 = C_ALIGNED + 1;
export const COMPONENT_COUNT: i32 = C_AUTH + 1;

/** The EVSE's rated output: the current limit at the module's highest voltage (W). */
export const EVSE_MAX_POWER_W: i32 = (EVSE_MAX_CURRENT_DA / 10) * (MODULE_MAX_VOLTAGE_DV / 10);

// ---- raw storage ------------------------------------------------------------------------------------------
const MAX_VARS: i32 = 84;      // 81 with two connectors
const POOL_CAP: i32 = 2048;     // 1.4 KB used
const COMPS: usize = heap.alloc(<usize>COMPONENT_COUNT * offsetof<Comp>());
const DEFS: usize = heap.alloc(<usize>MAX_VARS * offsetof<Def>());
const POOL: usize = heap.alloc(<usize>POOL_CAP);
let poolTop: i32 = 0;
let count: i32 = 0;

@inline export function comp(c: i32): Comp { return changetype<Comp>(COMPS + <usize>c * offsetof<Comp>()); }
@inline export function def(i: i32): Def { return changetype<Def>(DEFS + <usize>i * offsetof<Def>()); }
/** How many variables the catalog has. */
@inline export function varCount(): i32 { return count; }

/** `s` as UTF-8 in the pool, shared with an equal earlier text. Encoded at the pool's end first, so building the
 *  catalog allocates nothing (the start-up's garbage stays until the first collection, after init). */
function pooled(s: string): Text {
  const n = String.UTF8.byteLength(s);
  if (poolTop + n > POOL_CAP) unreachable();   // the catalog is fixed: a bigger one needs a bigger pool
  const p = POOL + <usize>poolTop;
  String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, p);
  for (let at = 0; at + n <= poolTop; at++) {
    if (memory.compare(POOL + <usize>at, p, <usize>n) == 0) return text(POOL + <usize>at, n);
  }
  poolTop += n;
  return text(p, n);
}

function addComp(c: i32, name: string, evse: i32 = 0, connector: i32 = 0): void {
  const x = comp(c);
  x.name = pooled(name); x.evse = evse; x.connector = connector; x.first = 0; x.end = 0;
}

function v(c: i32, name: string, dataType: i32, mutability: i32, key: i32 = K.None): Def {
  if (count >= MAX_VARS) unreachable();
  const x = comp(c);
  if (x.end == 0) x.first = count;
  x.end = count + 1;
  const d = def(count++);
  memory.fill(changetype<usize>(d), 0, offsetof<Def>());
  d.comp = c; d.name = pooled(name); d.dataType = dataType; d.mutability = mutability; d.key = key; d.attrs = ATTR_ACTUAL;
  return d;
}

const AVAILABILITY_STATES = "Available,Occupied,Reserved,Unavailable,Faulted";
const START_POINTS = "EVConnected,Authorized,PowerPathClosed,EnergyTransfer";   // C-09
const STOP_POINTS = "EVConnected,Authorized,PowerPathClosed";                   // C-10
const RO = MutabilityEnumType.ReadOnly, RW = MutabilityEnumType.ReadWrite, WO = MutabilityEnumType.WriteOnly;
const INT = DataEnumType.integer, BOOL = DataEnumType.boolean, STR = DataEnumType.string;
const MEMBERS = DataEnumType.MemberList, OPTION = DataEnumType.OptionList;

function availability(c: i32): void {
  v(c, "AvailabilityState", OPTION, RO, K.AvailabilityState).list(AVAILABILITY_STATES).live().f(F_SUMMARY);
  v(c, "Available", BOOL, RO).def("true").f(F_CONST);
}

function build(): void {
  addComp(C_STATION, "ChargingStation");
  addComp(C_EVSE, "EVSE", 1);
  for (let n = 1; n <= CONNECTOR_COUNT; n++) addComp(C_CONNECTOR + n - 1, "Connector", 1, n);
  addComp(C_OCPPCOMM, "OCPPCommCtrlr");
  addComp(C_TX, "TxCtrlr");
  addComp(C_DEVICEDATA, "DeviceDataCtrlr");
  addComp(C_CLOCK, "ClockCtrlr");
  addComp(C_SECURITY, "SecurityCtrlr");
  addComp(C_SAMPLED, "SampledDataCtrlr");
  addComp(C_ALIGNED, "AlignedDataCtrlr");
  addComp(C_AUTH, "AuthCtrlr");
  const measurands = MEASURAND_NAMES.join(",");

  // ChargingStation: a DC charger fed from a three-phase grid.
  availability(C_STATION);
  v(C_STATION, "SupplyPhases", INT, RO).def("3").f(F_CONST);
  v(C_STATION, "Model", STR, RO, K.Model).live().f(F_CONST);
  v(C_STATION, "VendorName", STR, RO, K.VendorName).live().f(F_CONST);
  v(C_STATION, "Problem", BOOL, RO, K.Problem).live().f(F_SUMMARY);
  // C-20 No: a firmware installation that is due holds the free connectors (TC_L_15_CS).
  v(C_STATION, "AllowNewSessionsPendingFirmwareUpdate", BOOL, RO).def("false").f(F_CONST);
  // The most verbose level the diagnostics log of GetLog keeps (logs/): 0 Error, 1 Warning, 2 Info, 3 Debug. The
  // Part 2 appendix has no variable for it, so it is the station's own.
  v(C_STATION, "DiagnosticsLogLevel", INT, RW, K.DiagnosticsLogLevel).lim(0, 3).def("2");
  // EVSE 1: DC, so no AC phases; per-EVSE reset is not supported (C-13).
  availability(C_EVSE);
  v(C_EVSE, "Power", DataEnumType.decimal, RO, K.Power).u("W").lim(0, EVSE_MAX_POWER_W).live().withAttrs(ATTR_ACTUAL | ATTR_MAXSET);
  v(C_EVSE, "SupplyPhases", INT, RO).def("0").f(F_CONST);
  v(C_EVSE, "AllowReset", BOOL, RO).def("false").f(F_CONST);
  v(C_EVSE, "Problem", BOOL, RO, K.Problem).live().f(F_SUMMARY);
  for (let n = 1; n <= CONNECTOR_COUNT; n++) {
    const c = C_CONNECTOR + n - 1;
    availability(c);
    v(c, "ConnectorType", STR, RO, K.ConnectorType).live().f(F_CONST);
    v(c, "SupplyPhases", INT, RO).def("0").f(F_CONST);
    v(c, "Problem", BOOL, RO, K.Problem).live().f(F_SUMMARY);
  }

  const cc = C_OCPPCOMM;
  v(cc, "ActiveNetworkProfile", INT, RO, K.ActiveNetworkProfile).live();
  // ORS-24: the HTTP client's schemes (UpdateFirmware downloads, GetLog uploads).
  v(cc, "FileTransferProtocols", MEMBERS, RO).list("HTTP,HTTPS").def("HTTP,HTTPS").f(F_CONST);
  v(cc, "HeartbeatInterval", INT, RW, K.HeartbeatInterval).u("s").lim(1, 86400).def("300");
  // TC_B_39_CS: set per network profile (SetNetworkProfile messageTimeout), read-only here.
  v(cc, "MessageTimeout", INT, RO, K.MessageTimeout).inst("Default").u("s").live();
  v(cc, "MessageAttemptInterval", INT, RW, K.MessageAttemptInterval).inst("TransactionEvent").u("s").lim(1, 3600).def("60");  // ORS-8
  v(cc, "MessageAttempts", INT, RW, K.MessageAttempts).inst("TransactionEvent").lim(1, 10).def("3");
  v(cc, "MinimumStatusDuration", INT, RW, K.MinimumStatusDuration).u("s").lim(0, 3600).def("0");   // C-04
  v(cc, "NetworkConfigurationPriority", STR, RW, K.NetworkConfigurationPriority).maxLen(20).def("0").f(F_REBOOT | F_SECURITY);
  v(cc, "NetworkProfileConnectionAttempts", INT, RW, K.NetworkProfileConnectionAttempts).lim(1, 100).def("3");
  v(cc, "OfflineThreshold", INT, RW, K.OfflineThreshold).u("s").lim(0, 86400).def("300");
  v(cc, "ResetRetries", INT, RW, K.ResetRetries).lim(0, 10).def("1");
  v(cc, "RetryBackOffRandomRange", INT, RW, K.RetryBackOffRandomRange).u("s").lim(0, 3600).def("10");
  v(cc, "RetryBackOffRepeatTimes", INT, RW, K.RetryBackOffRepeatTimes).lim(0, 20).def("2");
  v(cc, "RetryBackOffWaitMinimum", INT, RW, K.RetryBackOffWaitMinimum).u("s").lim(0, 3600).def("30");
  v(cc, "UnlockOnEVSideDisconnect", BOOL, RO).def("false").f(F_CONST);   // fixed cables, C-12.2
  v(cc, "WebSocketPingInterval", INT, RW, K.WebSocketPingInterval).u("s").lim(0, 3600).def("120");   // ORS-16

  const tx = C_TX;
  v(tx, "EVConnectionTimeOut", INT, RW, K.EVConnectionTimeOut).u("s").lim(1, 3600).def("60");
  v(tx, "StopTxOnEVSideDisconnect", BOOL, RO, K.StopTxOnEVSideDisconnect).def("true").f(F_CONST);   // C-06.2
  v(tx, "StopTxOnInvalidId", BOOL, RW, K.StopTxOnInvalidId).def("true");
  v(tx, "TxBeforeAcceptedEnabled", BOOL, RO).def("false").f(F_CONST);
  v(tx, "TxStartPoint", MEMBERS, RW, K.TxStartPoint).list(START_POINTS).def("EVConnected,Authorized").f(F_NONEMPTY);
  v(tx, "TxStopPoint", MEMBERS, RW, K.TxStopPoint).list(STOP_POINTS).def("EVConnected,Authorized").f(F_NONEMPTY);

  const dd = C_DEVICEDATA;
  v(dd, "BytesPerMessage", INT, RO).inst("GetReport").def(BYTES_PER_MESSAGE_GET_REPORT.toString()).f(F_CONST);
  v(dd, "BytesPerMessage", INT, RO).inst("GetVariables").def(BYTES_PER_MESSAGE.toString()).f(F_CONST);
  v(dd, "BytesPerMessage", INT, RO).inst("SetVariables").def(BYTES_PER_MESSAGE.toString()).f(F_CONST);
  v(dd, "ItemsPerMessage", INT, RO).inst("GetReport").def(ITEMS_PER_MESSAGE_GET_REPORT.toString()).f(F_CONST);
  v(dd, "ItemsPerMessage", INT, RO).inst("GetVariables").def(ITEMS_PER_MESSAGE_GET_VARIABLES.toString()).f(F_CONST);
  v(dd, "ItemsPerMessage", INT, RO).inst("SetVariables").def(ITEMS_PER_MESSAGE_SET_VARIABLES.toString()).f(F_CONST);

  const ck = C_CLOCK;
  v(ck, "DateTime", DataEnumType.dateTime, RO, K.DateTime).live();
  // NTP servers by priority (the instance; 1 the highest): "host", "host:port" or "ntp://host[:port]", "" none.
  v(ck, "NtpServerUri", STR, RW, K.NtpServerUri1).inst("1").maxLen(NTP_URI_MAX).def("");
  v(ck, "NtpServerUri", STR, RW, K.NtpServerUri2).inst("2").maxLen(NTP_URI_MAX).def("");
  // No DHCP option 42 here: servers come from NtpServerUri only.
  v(ck, "NtpSource", OPTION, RO).list("manual").def("manual").f(F_CONST);
  // C-23: the CSMS's Heartbeat/BootNotification time and NTP, in the order listed (provisioning/time-source.ts).
  // A04: a clock change larger than this is the security event SettingSystemTime (provisioning/time-source.ts).
  v(ck, "TimeAdjustmentReportingThreshold", INT, RW, K.TimeAdjustmentReportingThreshold).u("s").lim(0, 0x7FFFFFFF).def("20");
  v(ck, "TimeSource", DataEnumType.SequenceList, RW, K.TimeSource).list("Heartbeat,NTP").def("Heartbeat").f(F_NONEMPTY);
  v(ck, "TimeZone", STR, RW, K.TimeZone).maxLen(64).def("");   // C-26; no TimeOffset (C-25)

  const sc = C_SECURITY;
  v(sc, "AdditionalRootCertificateCheck", BOOL, RO).def("false").f(F_CONST);   // AS-2: No
  // Errata 2.1: at least 16 characters, maxLimit between 40 and 64; never reported.
  v(sc, "BasicAuthPassword", STR, WO, K.BasicAuthPassword).minLen(16).maxLen(40).f(F_SECURITY);
  // A02/A03, AS-3: new CSRs when no CertificateSigned comes (station-certificate/), the wait doubling each time.
  v(sc, "CertSigningRepeatTimes", INT, RW, K.CertSigningRepeatTimes).lim(0, 10).def("3");
  v(sc, "CertSigningWaitMinimum", INT, RW, K.CertSigningWaitMinimum).u("s").lim(1, 86400).def("60");
  v(sc, "CertificateEntries", INT, RO, K.CertificateEntries).live();
  v(sc, "Identity", STR, RO, K.Identity).maxLen(48).live();
  v(sc, "OrganizationName", STR, RW, K.OrganizationName).maxLen(50).def("");
  v(sc, "SecurityProfile", INT, RO, K.SecurityProfile).lim(0, 3).live();

  const sd = C_SAMPLED;
  v(sd, "TxEndedInterval", INT, RW, K.TxEndedInterval).u("s").lim(0, 86400).def("0");
  v(sd, "TxEndedMeasurands", MEMBERS, RW, K.TxEndedMeasurands).list(measurands).def("Energy.Active.Import.Register");
  v(sd, "TxStartedMeasurands", MEMBERS, RW, K.TxStartedMeasurands).list(measurands).def("Energy.Active.Import.Register");
  v(sd, "TxUpdatedInterval", INT, RW, K.TxUpdatedInterval).u("s").lim(0, 86400).def("60");
  v(sd, "TxUpdatedMeasurands", MEMBERS, RW, K.TxUpdatedMeasurands).list(measurands).def("Energy.Active.Import.Register,Power.Active.Import");

  const ad = C_ALIGNED;
  v(ad, "Interval", INT, RW, K.AlignedInterval).u("s").lim(0, 86400).def("900");
  v(ad, "Measurands", MEMBERS, RW, K.AlignedMeasurands).list(measurands).def("Energy.Active.Import.Register");
  v(ad, "TxEndedInterval", INT, RW, K.AlignedTxEndedInterval).u("s").lim(0, 86400).def("0");
  v(ad, "TxEndedMeasurands", MEMBERS, RW, K.AlignedTxEndedMeasurands).list(measurands).def("Energy.Active.Import.Register");

  const au = C_AUTH;
  v(au, "AuthorizeRemoteStart", BOOL, RO, K.AuthorizeRemoteStart).def("false").f(F_CONST);   // C-48.2
  v(au, "Enabled", BOOL, RW, K.AuthEnabled).def("true");
  v(au, "LocalAuthorizeOffline", BOOL, RW, K.LocalAuthorizeOffline).def("true");             // C-01
  v(au, "LocalPreAuthorize", BOOL, RW, K.LocalPreAuthorize).def("false");
  v(au, "OfflineTxForUnknownIdEnabled", BOOL, RW, K.OfflineTxForUnknownIdEnabled).def("true");  // C-02
  giveBuffers();
}

/** Stored variables the CSMS can write get a value buffer of their own, as long as any valid value. */
function giveBuffers(): void {
  for (let i = 0; i < count; i++) {
    const d = def(i);
    if (d.isLive || d.readOnly) { d.cap = tlen(d.value); continue; }
    const t = d.dataType;
    let cap = 24;   // integers, booleans, decimals, date-times
    // Limits count characters; a passwordString may hold any (errata 2025-01), up to 4 UTF-8 bytes each.
    if (t == DataEnumType.string) cap = d.key == K.BasicAuthPassword ? d.max * 4 : d.max;
    else if (t == DataEnumType.OptionList || t == DataEnumType.MemberList || t == DataEnumType.SequenceList) cap = tlen(d.valuesList);
    const buf = heap.alloc(<usize>max(cap, 1));
    memory.copy(buf, tptr(d.value), <usize>tlen(d.value));
    d.value = text(buf, tlen(d.value));
    d.cap = cap;
  }
}

build();

// ---- typed values -----------------------------------------------------------------------------------------
/** The typed value of each keyed stored variable, kept by the device model whenever the text changes: an
 *  integer; a boolean as 0/1; a member list as bits (TxPoint for the Tx points, measurand bits M_* for the
 *  measurand lists). */
const TYPED: usize = heap.alloc(<usize>KEY_COUNT << 2);

export function intValue(key: i32): i32 { return load<i32>(TYPED + (<usize>key << 2)); }
export function boolValue(key: i32): bool { return load<i32>(TYPED + (<usize>key << 2)) != 0; }
/** Written by the device model only. */
export function setTypedValue(key: i32, value: i32): void { store<i32>(TYPED + (<usize>key << 2), value); }

/** The stored text of variable `key` (its first instance); allocates, so not for hot paths. */
export function textValue(key: i32): string {
  for (let i = 0; i < count; i++) if (def(i).key == key) return tstr(def(i).value);
  return "";
}

/** textValue(key) is the ASCII string s, told without making a string (false for a value that is not ASCII). */
export function textValueIs(key: i32, s: string): bool {
  for (let i = 0; i < count; i++) if (def(i).key == key) return tequals(def(i).value, s);
  return s.length == 0;
}
