// What the station's device model holds (B05–B08): its components — the ChargingStation, the EVSE, each
// connector and the Core controllers (Part 5 §5) — and their variables with characteristics, mutability and
// attribute types, per the Part 2 appendix (dm_components_vars.csv) and errata 2025-01 (2.40 ActiveNetworkProfile,
// 2.45 Connector.AvailabilityState, 2.1 BasicAuthPassword). Values are either stored (the device model keeps the
// text, persists what the CSMS may write and hands typed copies to Settings) or live (read from the station when
// asked: availability, clock, network, certificates, meter).
import { DataEnumType, MutabilityEnumType } from "../ocpp";
import { CONNECTOR_COUNT } from "../hardware/lines";
import { MEASURAND_NAMES } from "../hardware/measurands";
import { EVSE_MAX_CURRENT_DA } from "../charging/power-control";
import { MODULE_MAX_VOLTAGE_DV } from "../hardware/power-module";

/** Attribute types a variable has, as bits of AttributeEnumType (Actual = bit 0 ... MaxSet = bit 3). */
export const ATTR_ACTUAL: i32 = 1, ATTR_MAXSET: i32 = 8;

// Var.flags
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

/** Variables whose value behaviour depends on (Settings fields) or that the station supplies live. */
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
  DateTime, TimeZone,
  // SecurityCtrlr
  Identity, SecurityProfile, BasicAuthPassword, CertificateEntries,
  // ChargingStation, EVSE, Connector
  AvailabilityState, Problem, Power, ConnectorType, Model, VendorName,
}

export class Component {
  constructor(public name: string, public evse: i32 = 0, public connector: i32 = 0) {}
}

export class Var {
  instance: string = "";
  unit: string = "";
  valuesList: string = "";
  value: string = "";          // the default of a stored variable
  hasMin: bool = false;
  hasMax: bool = false;
  min: i32 = 0;
  max: i32 = 0;
  attrs: i32 = ATTR_ACTUAL;
  flags: i32 = 0;
  constructor(public comp: i32, public name: string, public dataType: i32, public mutability: i32,
              public key: i32 = K.None) {}

  inst(i: string): Var { this.instance = i; return this; }
  u(unit: string): Var { this.unit = unit; return this; }
  list(l: string): Var { this.valuesList = l; return this; }
  def(v: string): Var { this.value = v; return this; }
  lim(min: i32, max: i32): Var { this.hasMin = true; this.min = min; this.hasMax = true; this.max = max; return this; }
  /** For strings maxLimit is the longest value. */
  maxLen(n: i32): Var { this.hasMax = true; this.max = n; return this; }
  live(): Var { this.flags |= F_LIVE; return this; }
  f(flags: i32): Var { this.flags |= flags; return this; }
  withAttrs(a: i32): Var { this.attrs = a; return this; }

  get readOnly(): bool { return this.mutability == MutabilityEnumType.ReadOnly; }
  get writeOnly(): bool { return this.mutability == MutabilityEnumType.WriteOnly; }
  get isLive(): bool { return (this.flags & F_LIVE) != 0; }
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

/** What one GetVariables / SetVariables may carry: the 32 KiB WebSocket message buffer takes the request, the
 *  16 KiB transmit buffer the answer, for items with names of the longest length the schema allows. */
export const ITEMS_PER_MESSAGE: i32 = 40;
export const BYTES_PER_MESSAGE: i32 = 32768;
/** GetReport (the target's ORS-1 / ORS-4): any request of that size fits the inbound tape. */
export const ITEMS_PER_MESSAGE_GET_REPORT: i32 = 1000;
export const BYTES_PER_MESSAGE_GET_REPORT: i32 = 1000;

/** The EVSE's rated output: the current limit at the module's highest voltage (W). */
export const EVSE_MAX_POWER_W: i32 = (EVSE_MAX_CURRENT_DA / 10) * (MODULE_MAX_VOLTAGE_DV / 10);

const AVAILABILITY_STATES = "Available,Occupied,Reserved,Unavailable,Faulted";
const START_POINTS = "EVConnected,Authorized,PowerPathClosed,EnergyTransfer";   // C-09
const STOP_POINTS = "EVConnected,Authorized,PowerPathClosed";                   // C-10
const RO = MutabilityEnumType.ReadOnly, RW = MutabilityEnumType.ReadWrite, WO = MutabilityEnumType.WriteOnly;
const INT = DataEnumType.integer, BOOL = DataEnumType.boolean, STR = DataEnumType.string;
const MEMBERS = DataEnumType.MemberList, OPTION = DataEnumType.OptionList;

function components(): StaticArray<Component> {
  const c = new StaticArray<Component>(COMPONENT_COUNT);
  c[C_STATION] = new Component("ChargingStation");
  c[C_EVSE] = new Component("EVSE", 1);
  for (let n = 1; n <= CONNECTOR_COUNT; n++) c[C_CONNECTOR + n - 1] = new Component("Connector", 1, n);
  c[C_OCPPCOMM] = new Component("OCPPCommCtrlr");
  c[C_TX] = new Component("TxCtrlr");
  c[C_DEVICEDATA] = new Component("DeviceDataCtrlr");
  c[C_CLOCK] = new Component("ClockCtrlr");
  c[C_SECURITY] = new Component("SecurityCtrlr");
  c[C_SAMPLED] = new Component("SampledDataCtrlr");
  c[C_ALIGNED] = new Component("AlignedDataCtrlr");
  c[C_AUTH] = new Component("AuthCtrlr");
  return c;
}

function availability(v: Array<Var>, comp: i32): void {
  v.push(new Var(comp, "AvailabilityState", OPTION, RO, K.AvailabilityState).list(AVAILABILITY_STATES).live().f(F_SUMMARY));
  v.push(new Var(comp, "Available", BOOL, RO).def("true").f(F_CONST));
}

function variables(): Array<Var> {
  const v = new Array<Var>();
  const measurands = MEASURAND_NAMES.join(",");
  // ChargingStation: a DC charger fed from a three-phase grid.
  availability(v, C_STATION);
  v.push(new Var(C_STATION, "SupplyPhases", INT, RO).def("3").f(F_CONST));
  v.push(new Var(C_STATION, "Model", STR, RO, K.Model).live().f(F_CONST));
  v.push(new Var(C_STATION, "VendorName", STR, RO, K.VendorName).live().f(F_CONST));
  v.push(new Var(C_STATION, "Problem", BOOL, RO, K.Problem).live().f(F_SUMMARY));
  // EVSE 1: DC, so no AC phases; per-EVSE reset is not supported (C-13).
  availability(v, C_EVSE);
  v.push(new Var(C_EVSE, "Power", DataEnumType.decimal, RO, K.Power).u("W").lim(0, EVSE_MAX_POWER_W).live()
    .withAttrs(ATTR_ACTUAL | ATTR_MAXSET));
  v.push(new Var(C_EVSE, "SupplyPhases", INT, RO).def("0").f(F_CONST));
  v.push(new Var(C_EVSE, "AllowReset", BOOL, RO).def("false").f(F_CONST));
  v.push(new Var(C_EVSE, "Problem", BOOL, RO, K.Problem).live().f(F_SUMMARY));
  for (let n = 1; n <= CONNECTOR_COUNT; n++) {
    const c = C_CONNECTOR + n - 1;
    availability(v, c);
    v.push(new Var(c, "ConnectorType", STR, RO, K.ConnectorType).live().f(F_CONST));
    v.push(new Var(c, "SupplyPhases", INT, RO).def("0").f(F_CONST));
    v.push(new Var(c, "Problem", BOOL, RO, K.Problem).live().f(F_SUMMARY));
  }

  const cc = C_OCPPCOMM;
  v.push(new Var(cc, "ActiveNetworkProfile", INT, RO, K.ActiveNetworkProfile).live());
  // No file transfer yet (GetLog / UpdateFirmware come with their own blocks): the list is what they will offer.
  v.push(new Var(cc, "FileTransferProtocols", MEMBERS, RO).list("HTTP,HTTPS").def("").f(F_CONST));
  v.push(new Var(cc, "HeartbeatInterval", INT, RW, K.HeartbeatInterval).u("s").lim(1, 86400).def("300"));
  // TC_B_39_CS: set per network profile (SetNetworkProfile messageTimeout), read-only here.
  v.push(new Var(cc, "MessageTimeout", INT, RO, K.MessageTimeout).inst("Default").u("s").live());
  v.push(new Var(cc, "MessageAttemptInterval", INT, RW, K.MessageAttemptInterval).inst("TransactionEvent").u("s")
    .lim(1, 3600).def("60"));   // ORS-8: up to 3600 s
  v.push(new Var(cc, "MessageAttempts", INT, RW, K.MessageAttempts).inst("TransactionEvent").lim(1, 10).def("3"));
  v.push(new Var(cc, "MinimumStatusDuration", INT, RW, K.MinimumStatusDuration).u("s").lim(0, 3600).def("0"));  // C-04
  v.push(new Var(cc, "NetworkConfigurationPriority", STR, RW, K.NetworkConfigurationPriority).maxLen(20).def("0").f(F_REBOOT));
  v.push(new Var(cc, "NetworkProfileConnectionAttempts", INT, RW, K.NetworkProfileConnectionAttempts).lim(1, 100).def("3"));
  v.push(new Var(cc, "OfflineThreshold", INT, RW, K.OfflineThreshold).u("s").lim(0, 86400).def("300"));
  v.push(new Var(cc, "ResetRetries", INT, RW, K.ResetRetries).lim(0, 10).def("1"));
  v.push(new Var(cc, "RetryBackOffRandomRange", INT, RW, K.RetryBackOffRandomRange).u("s").lim(0, 3600).def("10"));
  v.push(new Var(cc, "RetryBackOffRepeatTimes", INT, RW, K.RetryBackOffRepeatTimes).lim(0, 20).def("2"));
  v.push(new Var(cc, "RetryBackOffWaitMinimum", INT, RW, K.RetryBackOffWaitMinimum).u("s").lim(0, 3600).def("30"));
  v.push(new Var(cc, "UnlockOnEVSideDisconnect", BOOL, RO).def("false").f(F_CONST));   // fixed cables, C-12.2
  v.push(new Var(cc, "WebSocketPingInterval", INT, RW, K.WebSocketPingInterval).u("s").lim(0, 3600).def("120"));  // ORS-16

  const tx = C_TX;
  v.push(new Var(tx, "EVConnectionTimeOut", INT, RW, K.EVConnectionTimeOut).u("s").lim(1, 3600).def("60"));
  v.push(new Var(tx, "StopTxOnEVSideDisconnect", BOOL, RO, K.StopTxOnEVSideDisconnect).def("true").f(F_CONST));  // C-06.2
  v.push(new Var(tx, "StopTxOnInvalidId", BOOL, RW, K.StopTxOnInvalidId).def("true"));
  v.push(new Var(tx, "TxBeforeAcceptedEnabled", BOOL, RO).def("false").f(F_CONST));
  v.push(new Var(tx, "TxStartPoint", MEMBERS, RW, K.TxStartPoint).list(START_POINTS).def("EVConnected,Authorized").f(F_NONEMPTY));
  v.push(new Var(tx, "TxStopPoint", MEMBERS, RW, K.TxStopPoint).list(STOP_POINTS).def("EVConnected,Authorized").f(F_NONEMPTY));

  const dd = C_DEVICEDATA;
  v.push(new Var(dd, "BytesPerMessage", INT, RO).inst("GetReport").def(BYTES_PER_MESSAGE_GET_REPORT.toString()).f(F_CONST));
  v.push(new Var(dd, "BytesPerMessage", INT, RO).inst("GetVariables").def(BYTES_PER_MESSAGE.toString()).f(F_CONST));
  v.push(new Var(dd, "BytesPerMessage", INT, RO).inst("SetVariables").def(BYTES_PER_MESSAGE.toString()).f(F_CONST));
  v.push(new Var(dd, "ItemsPerMessage", INT, RO).inst("GetReport").def(ITEMS_PER_MESSAGE_GET_REPORT.toString()).f(F_CONST));
  v.push(new Var(dd, "ItemsPerMessage", INT, RO).inst("GetVariables").def(ITEMS_PER_MESSAGE.toString()).f(F_CONST));
  v.push(new Var(dd, "ItemsPerMessage", INT, RO).inst("SetVariables").def(ITEMS_PER_MESSAGE.toString()).f(F_CONST));

  const ck = C_CLOCK;
  v.push(new Var(ck, "DateTime", DataEnumType.dateTime, RO, K.DateTime).live());
  // C-23: the CSMS's Heartbeat/BootNotification time is the source this firmware has.
  v.push(new Var(ck, "TimeSource", DataEnumType.SequenceList, RW).list("Heartbeat").def("Heartbeat").f(F_NONEMPTY));
  v.push(new Var(ck, "TimeZone", STR, RW, K.TimeZone).maxLen(64).def(""));   // C-26; no TimeOffset (C-25)

  const sc = C_SECURITY;
  v.push(new Var(sc, "AdditionalRootCertificateCheck", BOOL, RO).def("false").f(F_CONST));   // AS-2: No
  // Errata 2.1: at least 16 characters, maxLimit between 40 and 64; never reported.
  const pw = new Var(sc, "BasicAuthPassword", STR, WO, K.BasicAuthPassword).maxLen(40);
  pw.hasMin = true; pw.min = 16;
  v.push(pw);
  v.push(new Var(sc, "CertificateEntries", INT, RO, K.CertificateEntries).live());
  v.push(new Var(sc, "Identity", STR, RO, K.Identity).maxLen(48).live());
  v.push(new Var(sc, "OrganizationName", STR, RW).maxLen(50).def(""));
  v.push(new Var(sc, "SecurityProfile", INT, RO, K.SecurityProfile).lim(0, 3).live());

  const sd = C_SAMPLED;
  v.push(new Var(sd, "TxEndedInterval", INT, RW, K.TxEndedInterval).u("s").lim(0, 86400).def("0"));
  v.push(new Var(sd, "TxEndedMeasurands", MEMBERS, RW, K.TxEndedMeasurands).list(measurands).def("Energy.Active.Import.Register"));
  v.push(new Var(sd, "TxStartedMeasurands", MEMBERS, RW, K.TxStartedMeasurands).list(measurands).def("Energy.Active.Import.Register"));
  v.push(new Var(sd, "TxUpdatedInterval", INT, RW, K.TxUpdatedInterval).u("s").lim(0, 86400).def("60"));
  v.push(new Var(sd, "TxUpdatedMeasurands", MEMBERS, RW, K.TxUpdatedMeasurands).list(measurands)
    .def("Energy.Active.Import.Register,Power.Active.Import"));

  const ad = C_ALIGNED;
  v.push(new Var(ad, "Interval", INT, RW, K.AlignedInterval).u("s").lim(0, 86400).def("900"));
  v.push(new Var(ad, "Measurands", MEMBERS, RW, K.AlignedMeasurands).list(measurands).def("Energy.Active.Import.Register"));
  v.push(new Var(ad, "TxEndedInterval", INT, RW, K.AlignedTxEndedInterval).u("s").lim(0, 86400).def("0"));
  v.push(new Var(ad, "TxEndedMeasurands", MEMBERS, RW, K.AlignedTxEndedMeasurands).list(measurands).def("Energy.Active.Import.Register"));

  const au = C_AUTH;
  v.push(new Var(au, "AuthorizeRemoteStart", BOOL, RO, K.AuthorizeRemoteStart).def("false").f(F_CONST));   // C-48.2
  v.push(new Var(au, "Enabled", BOOL, RW, K.AuthEnabled).def("true"));
  v.push(new Var(au, "LocalAuthorizeOffline", BOOL, RW, K.LocalAuthorizeOffline).def("true"));             // C-01
  v.push(new Var(au, "LocalPreAuthorize", BOOL, RW, K.LocalPreAuthorize).def("false"));
  v.push(new Var(au, "OfflineTxForUnknownIdEnabled", BOOL, RW, K.OfflineTxForUnknownIdEnabled).def("true"));  // C-02
  return v;
}

export const COMPONENTS: StaticArray<Component> = components();
export const VARS: Array<Var> = variables();
