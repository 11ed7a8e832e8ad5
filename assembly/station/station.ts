// The station: receives every host event, owns the CSMS connection (WebSocket +
// RPC) and hands CSMS requests to the functional blocks.
import { RX_BUFFER, RX_CAPACITY } from "../host/buffers";
import { Tape, Action, RpcError } from "../ocpp";
import { Rpc } from "../rpc/rpc";
import { RpcApp } from "../rpc/app";
import { applyConfig } from "./apply-config";
import { Registration, RegistrationState } from "../provisioning/registration";
import { logError, logInfo, setLogTap } from "../util/log";
import { DeviceModel, SettingsListener } from "../devicemodel/device-model";
import { K, intValue, textValue, textValueIs } from "../core/catalog";
import { StationValues } from "./station-values";
import { CONNECTOR_COUNT } from "../core/topology";
import { ChargerHardware } from "../hardware/hardware";
import { HardwareListener, OUTPUT_CONTACTOR } from "../hardware/listener";
import { Context } from "../core/context";
import { RemoteRequests } from "../core/remote-requests";
import { Availability, CpEdge } from "../availability/availability";
import { Transactions } from "../transactions/transactions";
import { Authorization } from "../authorization/authorization";
import { PowerControl } from "../charging/power-control";
import { writeStatus } from "./status-report";
import { OperativeStates } from "../availability/operative-states";
import { ResetControl } from "../provisioning/reset";
import { MeterValues } from "../metering/meter-values";
import { RemoteControl } from "../remote/remote-control";
import { DataTransfer } from "../diagnostics/data-transfer";
import { StationCertificate } from "../station-certificate/station-certificate";
import { LinkControl } from "../core/link-control";
import { CLOSE_NORMAL } from "../ws/errors";
import { Certificates } from "../certificates/certificates";
import { CustomerInformation } from "../customer-information/customer-information";
import { Logs } from "../logs/logs";
import { CustomerData } from "../core/customer-data";
import { Block } from "../core/block";
import { NetworkProfiles } from "../provisioning/network-profiles";
import { TransportSecurity } from "../provisioning/transport-security";
import { validBasicAuthPassword } from "../ws/credentials";
import { SecurityEvents, bootEvent } from "../security/security-events";
import { servedWhilePending } from "../security/boot-gate";
import { SecurityLog } from "../core/security-log";
import { TimeSources } from "../provisioning/time-source";
import { NtpClient, NO_OFFSET, validNtpServerUri } from "../provisioning/ntp";
import { clock_wall_ms } from "../host/abi";
import { MessageTriggerEnumType, BootReasonEnumType } from "../ocpp";
import { Firmware } from "../firmware/firmware";

/** Re-applies device-model settings to the parts that keep their own copy (connection, registration). */
class ApplySettings extends SettingsListener {
  constructor(private station: Station) { super(); }
  onSettingsChanged(): void { this.station.applySettings(); }
  acceptable(key: i32, value: string): bool {
    // B10.FR..: every slot of the priority list must hold a usable profile.
    if (key == K.NetworkConfigurationPriority) return this.station.network.validPriority(value);
    if (key == K.NtpServerUri1 || key == K.NtpServerUri2) return validNtpServerUri(value);
    if (key == K.BasicAuthPassword) return validBasicAuthPassword(value);   // A01, TC_A_10_CS
    return true;
  }
  judges(key: i32): bool {
    return key == K.NetworkConfigurationPriority || key == K.NtpServerUri1 || key == K.NtpServerUri2 || key == K.BasicAuthPassword;
  }
}

/** Places in the outbound priority list (priorityAt()). */
const PRIORITY_SLOTS: i32 = 13;
/** Places in the timer list (timerAt()). */
const TIMER_SLOTS: i32 = 9;
/** The CSMS calls react() follows: they may change what the power path and the connector statuses follow. */
const REACTS_AFTER: u64 = (<u64>1 << <u64>Action.ChangeAvailability) | (<u64>1 << <u64>Action.Reset);
/** react() passes at most (see react()). */
const REACT_PASSES_MAX: i32 = 4;

/** Hardware driver events into the station. The reader's fault and the EV's stop request change nothing here:
 *  the reader's state is read where it is shown (status_report), and power control follows the EV's demand on
 *  every react(), which the next tick runs. */
class HardwareEvents extends HardwareListener {
  constructor(private station: Station) { super(); }
  onCpState(connector: i32, state: i32, previous: i32): void { this.station.onCpState(connector, state); }
  onOutputFault(connector: i32, output: i32, faulted: bool): void {
    if (output == OUTPUT_CONTACTOR) this.station.onContactorFault(connector, faulted);
  }
  onCardPresented(uidHex: string): void { this.station.onCard(uidHex); }
  onReaderFault(faulted: bool): void {}
  onModuleFault(faultBits: i32): void { this.station.onEvseFault(); }
  onEvStopRequest(connector: i32, timeout: bool): void {}
  onMeterFault(faulted: bool): void { this.station.onEvseFault(); }
}

/** Security events any block raises go to the security block, stamped with the wall clock. */
class StationSecurityLog extends SecurityLog {
  constructor(private events: SecurityEvents) { super(); }
  raise(type: i32, techInfo: string = ""): void { this.events.record(type, clock_wall_ms(), techInfo); }
  entries(): i32 { return this.events.count; }
  line(index: i32, out: usize, cap: i32): i32 { return this.events.line(index, out, cap); }
}

/** Remote control's requests, each to the block that owns the answer. */
class StationRequests extends RemoteRequests {
  constructor(private station: Station) { super(); }
  registrationAccepted(): bool { return this.station.registration.accepted(); }
  triggerBoot(): void { this.station.registration.triggerBoot(); }
  sessionPossible(): bool { return this.station.sessionPossible(); }
  reportConnectorAgain(connector: i32): void { this.station.availability.reportTriggered(connector); }
  meterValueTriggered(): void { this.station.meterValues.trigger(); }
  triggeredCall(message: i32, req: Tape): i32 { return this.station.triggeredCall(message, req); }
  signStationCertificate(): bool { return this.station.stationCertificate.trigger(); }
  changed(): void { this.station.react(); }
}

/** What customer information (N09/N10) asks about a customer, from the block that holds it. */
class StationCustomerData extends CustomerData {
  constructor(private station: Station) { super(); }
  report(idToken: string, type: i32): string { return this.station.tx.customerReport(idToken, type); }
  clear(idToken: string, type: i32): string { return this.station.tx.customerClear(idToken, type); }
}

/** The CSMS connection as blocks may ask for it: a new one (the station certificate's switch, A02.FR.08). */
class StationLink extends LinkControl {
  constructor(private station: Station) { super(); }
  reconnect(): void { this.station.reconnect(); }
}

export class Station extends RpcApp {
  // What the station is made of, each created here once: the shared facts, the link, the drivers and the blocks,
  // which the routing table, the priority list and the timer list below name. Fields with their value, not "!"
  // fields set in a constructor: those are read through a checking getter (code and instructions).
  readonly ctx: Context = new Context();
  readonly clock: TimeSources = new TimeSources(this.ctx);
  readonly ntp: NtpClient = new NtpClient(this.ctx);
  readonly dataTransfer: DataTransfer = new DataTransfer();
  readonly certificates: Certificates = new Certificates();
  readonly network: NetworkProfiles = new NetworkProfiles();
  readonly transport: TransportSecurity = new TransportSecurity(this.ctx);
  readonly security: SecurityEvents = new SecurityEvents(this.ctx);
  readonly availability: Availability = new Availability(this.ctx);
  readonly registration: Registration = new Registration(this.ctx, this.clock);
  readonly rpc: Rpc = new Rpc(this);
  readonly hw: ChargerHardware = new ChargerHardware(new HardwareEvents(this));
  readonly dm: DeviceModel = new DeviceModel(new ApplySettings(this), new StationValues(this.ctx, this.availability, this.hw, this.network, this.certificates.scratch), this.ctx);
  readonly tx: Transactions = new Transactions(this.ctx, this.hw);
  readonly auth: Authorization = new Authorization(this.ctx, this.tx);
  readonly power: PowerControl = new PowerControl(this.hw);
  readonly operative: OperativeStates = new OperativeStates(this.availability, this.tx);
  readonly reset: ResetControl = new ResetControl(this.ctx, this.tx);
  readonly meterValues: MeterValues = new MeterValues(this.ctx, this.hw, this.tx);
  readonly remote: RemoteControl = new RemoteControl(this.tx, new StationRequests(this), this.hw);
  readonly stationCertificate: StationCertificate = new StationCertificate(this.ctx, new StationLink(this));
  readonly customerInfo: CustomerInformation = new CustomerInformation(new StationCustomerData(this));
  readonly firmware: Firmware = new Firmware(this.ctx, this.tx, this.certificates.scratch);
  readonly logs: Logs = new Logs(this.ctx);
  /** The block that issued the outstanding call. */
  private caller: Block | null = null;
  private pathClosed: bool = false;
  private started: bool = false;
  /** The BasicAuthPassword the connection was configured with. */
  private password: string = "";
  /** The station itself closed the connection to open a new one: not a failed attempt of the network profile. */
  private reconnecting: bool = false;

  /** The station's clock (core/context.ts), set once per host event. */
  get now(): i64 { return this.ctx.now; }

  applySettings(): void {
    const ws = this.rpc.ws;
    // A new BasicAuthPassword is used from the next connection attempt on, without a reboot.
    // The strings are made only when the values may have changed (a setting applied makes no garbage of them).
    if (this.started && !textValueIs(K.BasicAuthPassword, this.password) && textValue(K.BasicAuthPassword) != this.password) this.useNetworkSlot();
    ws.pingIntervalS = intValue(K.WebSocketPingInterval);
    ws.backoffWaitMinimumS = intValue(K.RetryBackOffWaitMinimum);
    ws.backoffRandomRangeS = intValue(K.RetryBackOffRandomRange);
    ws.backoffRepeatTimes = intValue(K.RetryBackOffRepeatTimes);
    this.rpc.messageTimeoutMs = <i64>this.network.messageTimeoutS() * 1000;
    this.meterValues.plan();
    this.registration.setHeartbeatInterval(intValue(K.HeartbeatInterval));
    this.clock.configure(textValue(K.TimeSource), intValue(K.HeartbeatInterval));
    const ntpListed = this.clock.ntpListed;
    if (!textValueIs(K.NtpServerUri1, this.ntp.server1) || !textValueIs(K.NtpServerUri2, this.ntp.server2) || ntpListed != this.ntp.listed) {
      this.ntp.configure(textValue(K.NtpServerUri1), textValue(K.NtpServerUri2), ntpListed);
    }
  }

  // ---- wiring --------------------------------------------------------------------
  // The tables are code, not heap: the collection after every event would trace a table of blocks.

  /** The routing table: which block answers each CSMS call (REACTS_AFTER: the calls react() follows). */
  private blockFor(action: i32): Block | null {
    switch (action) {
      case Action.GetVariables: case Action.SetVariables: case Action.GetBaseReport: case Action.GetReport: return this.dm;
      case Action.RequestStartTransaction: case Action.RequestStopTransaction: case Action.UnlockConnector:
      case Action.TriggerMessage: return this.remote;
      case Action.DataTransfer: return this.dataTransfer;
      case Action.InstallCertificate: case Action.GetInstalledCertificateIds: case Action.DeleteCertificate: return this.certificates;
      case Action.SetNetworkProfile: return this.network;
      case Action.ChangeAvailability: return this.operative;
      case Action.Reset: return this.reset;
      case Action.GetTransactionStatus: return this.tx;
      case Action.CertificateSigned: return this.stationCertificate;
      case Action.CustomerInformation: return this.customerInfo;
      case Action.UpdateFirmware: return this.firmware;
      case Action.GetLog: return this.logs;
    }
    return null;
  }

  /** The outbound priority list: whose call goes first when the line is free (after acceptance), and whose calls
   *  that fall due at a time wake the station (nextCallAt()). null marks the gate of the boot's reports; remote
   *  control's turn is the triggered messages. */
  @inline private priorityAt(place: i32): Block | null {
    switch (place) {
      case 0: return this.auth;
      case 1: return this.availability;
      case 2: return null;
      case 3: return this.security;
      case 4: return this.remote;
      case 5: return this.stationCertificate;
      case 6: return this.meterValues;
      case 7: return this.tx;
      case 8: return this.dm;
      case 9: return this.customerInfo;
      case 10: return this.firmware;
      case 11: return this.logs;
    }
    return this.registration;
  }

  /** The timer list: the blocks whose timers tick() runs, in this order, and whose wake-ups nextWakeup() takes.
   *  null marks the station's own turn: react() and the RPC, so what the timers before it made goes out in the
   *  same tick. */
  private timerAt(place: i32): Block | null {
    switch (place) {
      case 0: return this.tx;
      case 1: return this.meterValues;
      case 2: return this.stationCertificate;
      case 3: return this.firmware;
      case 4: return null;
      case 5: return this.ntp;
      case 6: return this.security;
      case 7: return this.logs;
    }
    return this.reset;
  }

  // ---- host events -----------------------------------------------------------
  init(nowMs: i64): void {
    this.ctx.now = nowMs; this.rpc.now = nowMs;
    setLogTap(this.logs.diagnostics);
    this.logs.diagnostics.load();
    // The heap's high-water is at boot (issue 17): the start-up's garbage (module initialisation, 3 KB) is collected
    // before the device model's load, and that load's (keys, decoded values: 30+ KB with every variable stored at
    // its longest) before the loads after it. Safe in the minimal runtime: no managed reference is on the stack
    // (init's callers hold none; `this` is a global's).
    __collect();
    this.dm.load();
    __collect();
    this.availability.onBoot();
    this.hw.init(nowMs);
    this.hw.tick(nowMs);
    this.operative.load();
    this.registration.bootReason = this.reset.takeBootReason();
    if (this.firmware.load()) this.registration.bootReason = BootReasonEnumType.FirmwareUpdate;
    this.security.load();
    this.ctx.securityLog = new StationSecurityLog(this.security);
    this.ctx.securityLog.raise(bootEvent(this.registration.bootReason == BootReasonEnumType.PowerUp));
    this.tx.load();
  }

  configSet(keyLen: i32, valLen: i32): i32 { return applyConfig(this.ctx.config, this.dm, this.ctx.topology, keyLen, valLen); }

  start(): void {
    if (this.started) return;
    const cfg = this.ctx.config;
    this.network.load(cfg.csmsUrl, cfg.securityProfile);
    if (this.network.first(textValue(K.NetworkConfigurationPriority)) < 0 || !this.useNetworkSlot()) {
      logError("station: no usable network profile (slot 0: " + cfg.csmsUrl + ")");
      return;
    }
    this.started = true;
    this.applySettings();
    logInfo("station " + cfg.stationId + " connecting to " + cfg.csmsUrl);
    this.rpc.ws.start(this.now);
    this.ntp.start();
  }

  tick(nowMs: i64): void {
    if (nowMs > this.now) this.ctx.now = nowMs;
    this.hw.tick(this.now);
    for (let i = 0; i < TIMER_SLOTS; i++) {
      const b = this.timerAt(i);
      if (b != null) b.tick();
      else { this.react(); this.rpc.tick(this.now); }
    }
  }

  /** The earliest of the drivers', the RPC's and the timer list's wake-ups, and of the calls the priority list
   *  would offer. */
  nextWakeup(): i64 {
    let t = min(this.rpc.nextWakeup(), this.hw.nextWakeup());
    for (let i = 0; i < TIMER_SLOTS; i++) {
      const b = this.timerAt(i);
      if (b != null) t = min(t, b.nextWakeup());
    }
    // A due CALL waits for the line; the response (or its time-out) pumps it, so no earlier wake-up is needed.
    const lineFree = this.rpc.ws.isOpen() && this.rpc.pendingAction < 0 && !this.rpc.answerPaused;
    return lineFree ? min(t, this.nextCallAt()) : t;
  }

  /** When the next call of the priority list falls due; before acceptance only the BootNotification's counts. */
  private nextCallAt(): i64 {
    if (!this.registration.accepted()) return this.registration.nextCallAt();
    let t = i64.MAX_VALUE;
    for (let i = 0; i < PRIORITY_SLOTS; i++) {
      const b = this.priorityAt(i);
      if (b != null) t = min(t, b.nextCallAt());
    }
    return t;
  }

  /** Brings the power path, connector statuses and transaction in line with the latest inputs, then lets
   *  the RPC send what became due. Runs after every hardware event and tick. */
  react(): void {
    const tx = this.tx;
    // A pass that changed a connector's status runs again: the power path and the transaction follow the status.
    // The statuses follow the inputs, not the power path, so the second pass changes none; the bound says so
    // (it was a recursion with no visible bound).
    for (let pass = 1; ; pass++) {
      this.link();
      // A firmware installation that is due makes the connectors not in use Unavailable (C-20 No, TC_L_15_CS).
      this.availability.holdFor(this.firmware.holdsConnectors(), tx.rec.active ? tx.connector : 0);
      this.availability.update();
      const c = tx.connector;
      const healthy = c > 0 ? this.availability.usable(c) : true;
      const state = this.power.update(c, tx.energyAllowed(), healthy, tx.rec.active);
      if (this.power.powerPathClosed && !this.pathClosed) tx.onPowerPathClosed();
      this.pathClosed = this.power.powerPathClosed;
      tx.onChargingState(state);
      tx.settleEnd();
      this.operative.applyScheduled(tx.rec.active);
      if (!this.availability.update() || pass == REACT_PASSES_MAX) break;
    }
    this.reset.check(!tx.rec.active, tx.queue.count() == 0 && this.rpc.pendingAction < 0);
  }

  private afterHardware(): void { this.react(); this.rpc.pump(); }

  // ---- hardware events (HardwareEvents) ---------------------------------------
  onCpState(connector: i32, state: i32): void {
    const edge = this.availability.onCpState(connector, state);
    if (edge == CpEdge.NoConnector) return;
    const tx = this.tx;
    this.link();
    // One cable at a time per EVSE: a second EV is seen (Occupied) but gets no session.
    if (edge == CpEdge.Connected) {
      if (tx.connector == 0 && this.availability.usable(connector)) tx.onEvConnected(connector);
    } else if (edge == CpEdge.Disconnected && tx.connector == connector) tx.onEvDisconnected();
    this.afterHardware();
  }

  onContactorFault(connector: i32, faulted: bool): void {
    this.availability.onOutputFault(connector, faulted);
    this.afterHardware();
  }

  onEvseFault(): void {
    this.availability.onEvseFault(!this.hw.module.healthy || this.hw.meter.faulted);
    this.afterHardware();
  }

  onCard(uid: string): void {
    logInfo("card presented: " + uid);
    // A new session needs a usable connector (operative, not faulted); a running one can always be stopped.
    if (!this.tx.rec.active && !this.sessionPossible()) { logInfo("card ignored: EVSE unavailable"); return; }
    this.link();
    this.auth.onCard(uid);
    this.afterHardware();
  }

  /** Can a new session start: the plugged connector, or any connector when none is plugged, is usable. */
  sessionPossible(): bool {
    if (this.tx.connector > 0) return this.availability.usable(this.tx.connector);
    for (let c = 1; c <= CONNECTOR_COUNT; c++) if (this.availability.usable(c)) return true;
    return false;
  }

  /** status_report(): JSON into the RX buffer; its length or -1. */
  statusReport(): i32 {
    return writeStatus(this.tx, this.registration.state, this.rpc.ws.getState(), this.hw, this.availability, this.ctx.topology);
  }

  // Streams by handle: the firmware download's and the log upload's (HTTP clients), else the CSMS connection's.
  onStreamOpen(handle: i32, status: i32): void {
    if (this.firmware.owns(handle)) { this.firmware.http.onStreamOpen(handle, status, this.now); this.rpc.pump(); return; }
    if (handle > 0 && handle == this.logs.streamHandle()) this.logs.onStreamOpen(handle, status);
    else this.rpc.ws.onStreamOpen(handle, status);
  }
  onStreamData(handle: i32, len: i32): void {
    // The length comes from the host: never trust it past the buffer it names.
    if (len <= 0 || len > RX_CAPACITY) return;
    if (this.firmware.owns(handle)) { this.firmware.http.onStreamData(handle, RX_BUFFER, len, this.now); this.rpc.pump(); return; }
    if (handle > 0 && handle == this.logs.streamHandle()) this.logs.onStreamData(handle, RX_BUFFER, len);
    else this.rpc.ws.onStreamData(handle, RX_BUFFER, len);
  }
  onStreamClosed(handle: i32, reason: i32): void {
    if (this.firmware.owns(handle)) { this.firmware.http.onStreamClosed(handle, reason); this.rpc.pump(); return; }
    if (handle > 0 && handle == this.logs.streamHandle()) this.logs.onStreamClosed(handle, reason);
    else this.rpc.ws.onStreamClosed(handle, reason);
  }
  /** Send room for the CSMS connection: a paused answer goes on (docs/streaming.md). */
  onStreamWritable(handle: i32): void { this.rpc.ws.onStreamWritable(handle); }
  /** A datagram: the NTP client's socket is the only one. */
  onDgram(handle: i32, len: i32): void {
    if (len <= 0 || len > RX_CAPACITY || handle != this.ntp.handle) return;
    const offset = this.ntp.onDgram(handle, RX_BUFFER, len);
    if (offset != NO_OFFSET && this.clock.fromNtp(offset, this.now)) this.meterValues.plan();
  }
  // The length comes from the host: the drivers never read past it, and it is bounded by the buffer.
  onUartData(port: i32, len: i32): void {
    if (len <= 0 || len > RX_CAPACITY) return;
    this.hw.onUartData(port, len);
    this.rpc.pump();
  }
  onCanFrame(bus: i32, id: u32, flags: i32, len: i32): void {
    if (len < 0 || len > 8) return;
    this.hw.onCanFrame(bus, id, flags, len);
    this.rpc.pump();
  }
  onGpio(line: i32, level: i32): void {
    this.hw.onGpio(line, level);
    this.rpc.pump();
  }

  // ---- RpcApp -----------------------------------------------------------------
  handleCall(action: i32, req: Tape, resp: Tape): i32 {
    // B03.FR.07, TC_B_30_CS: a station the CSMS rejected serves no request until a later boot is accepted (the
    // CSMS answers the station's calls the same way, Part 4 FR.04).
    if (this.registration.state == RegistrationState.Rejected) return RpcError.SecurityError;
    if (this.registration.state == RegistrationState.Pending && !servedWhilePending(action)) return RpcError.SecurityError;
    const block = this.blockFor(action);
    if (block == null) return RpcError.NotSupported;
    const rc = block.handleCall(action, req, resp);
    if ((REACTS_AFTER >> <u64>action) & 1) this.react();
    return rc;
  }

  // GetVariables / SetVariables are read and answered item by item (docs/streaming.md), with the same gate as
  // handleCall once the request is known valid.
  itemsProperty(action: i32): i32 {
    return action == Action.GetVariables || action == Action.SetVariables ? this.dm.itemsProperty(action) : -1;
  }
  startItems(action: i32): void { this.dm.startItems(action); }
  takeItem(action: i32, req: Tape, item: i32, k: i32): void { this.dm.takeItem(action, req, item, k); }
  beginItems(action: i32, count: i32): i32 {
    if (this.registration.state == RegistrationState.Rejected) return -RpcError.SecurityError;
    if (this.registration.state == RegistrationState.Pending && !servedWhilePending(action)) return -RpcError.SecurityError;
    return this.dm.beginItems(action, count);
  }
  answerItem(action: i32, k: i32, resp: Tape, item: i32): bool { return this.dm.answerItem(action, k, resp, item); }
  endItems(action: i32): void { this.dm.endItems(action); }

  /** The block's call, if it has one now; the station remembers the block as the caller, unless the block had
   *  another build it (remote control's triggered messages). */
  @inline private offer(block: Block, req: Tape): i32 {
    const a = block.nextCall(req);
    if (a >= 0 && this.caller == null) this.caller = block;
    return a;
  }

  /** A message TriggerMessage asked for (F06), built by the block that owns it (remote control's turn). */
  triggeredCall(message: i32, req: Tape): i32 {
    if (message == MessageTriggerEnumType.MeterValues) return this.offer(this.meterValues, req);
    if (message == MessageTriggerEnumType.FirmwareStatusNotification) { this.caller = this.firmware; return this.firmware.triggeredCall(req); }
    if (message == MessageTriggerEnumType.LogStatusNotification) { this.caller = this.logs; return this.logs.triggeredStatus(req); }
    this.caller = this.registration;
    return this.registration.heartbeatNow(req);
  }

  /** Before acceptance: BootNotification when due; while Pending also what the CSMS asked for (report pages,
   *  triggered messages; B02, TC_B_02_CS); while Rejected nothing else at all (B03, TC_B_03_CS). */
  private preAcceptanceCall(req: Tape): i32 {
    const reg = this.registration;
    let a = this.offer(reg, req);
    if (a >= 0 || reg.state != RegistrationState.Pending) return a;
    a = this.offer(this.remote, req);
    if (a < 0) a = this.offer(this.dm, req);
    return a;
  }

  /** Station-initiated calls after acceptance: the outbound priority list (priorityAt()), most urgent first. */
  nextCall(req: Tape): i32 {
    this.caller = null;
    if (!this.registration.accepted()) return this.preAcceptanceCall(req);
    for (let i = 0; i < PRIORITY_SLOTS; i++) {
      const b = this.priorityAt(i);
      if (b == null) {
        // Booted: the boot's security event follows the connector statuses, which wait for the hardware's readings.
        if (this.availability.holding()) return -1;
        continue;
      }
      const a = this.offer(b, req);
      if (a >= 0) return a;
    }
    return -1;
  }

  onCallResult(action: i32, resp: Tape): void {
    const block = this.caller;
    this.caller = null;
    if (block == null) return;
    this.link();
    block.onCallResult(action, resp);
    if (action == Action.BootNotification) {
      if (this.registration.accepted()) {
        this.dm.update(K.HeartbeatInterval, this.registration.heartbeatIntervalS.toString());   // B01: the CSMS's interval
        this.firmware.onBootAccepted();   // a trial image confirms itself (L01)
        this.availability.reportAll();
        this.meterValues.plan();   // the clock may have been set
        this.react();
      }
    } else if (action == Action.Authorize || action == Action.TransactionEvent) this.react();
  }

  onCallFailed(action: i32, failure: i32): void {
    const block = this.caller;
    this.caller = null;
    if (block == null) return;
    block.onCallFailed(action, failure);
    if (action == Action.Authorize) this.react();
  }

  /** A CSMS message that is not valid OCPP: a security event (InvalidMessages, rate-limited there). */
  onInvalidMessage(action: i32, error: i32): void { this.security.invalidMessage(action, error); }

  onConnected(): void {
    logInfo("station: connected to the CSMS");
    this.network.onConnected();
    this.transport.onConnected();
    // A05 (errata 2025-01): once a higher profile connected, the slots below it leave the priority list.
    const kept = this.network.withoutLowerProfiles(textValue(K.NetworkConfigurationPriority));
    if (kept != null) this.dm.update(K.NetworkConfigurationPriority, kept);
    this.security.onConnected(this.ctx.config.securityProfile);
    this.registration.onConnected();
    this.availability.onLinkUp();
    this.link();
  }

  /** The one place that writes the link state blocks read (Context.online): the CSMS has accepted us and the link
   *  is up, so events made now are not offline (E12, TC_E_16_CS). */
  private link(): void { this.ctx.online = this.rpc.ws.isOpen() && this.registration.accepted(); }

  /** Points the WebSocket at the active network profile; false if that profile is not usable. */
  private useNetworkSlot(): bool {
    const cfg = this.ctx.config;
    const p = this.network.slots[this.network.active];
    const password = textValue(K.BasicAuthPassword);
    const rc = this.rpc.ws.configure(p.url, cfg.stationId, password.length > 0 ? password : null, p.securityProfile);
    if (rc != 0) {
      logError("station: network profile " + this.network.active.toString() + " not usable (" + rc.toString() + "): " + p.url);
      return false;
    }
    cfg.csmsUrl = p.url;
    cfg.securityProfile = p.securityProfile;
    this.password = password;
    return true;
  }

  /** A new connection on the same network profile (LinkControl, A02.FR.08). */
  reconnect(): void {
    if (!this.rpc.ws.isOpen()) return;
    this.reconnecting = true;
    this.rpc.ws.close(CLOSE_NORMAL);
  }

  onDisconnected(): void {
    logInfo("station: disconnected from the CSMS");
    this.availability.onLinkDown();
    this.link();
    this.transport.onAttemptEnded(this.rpc.ws.lastError);   // TLS failures: security events (A00)
    if (this.reconnecting) { this.reconnecting = false; return; }
    if (this.network.onAttemptFailed(textValue(K.NetworkConfigurationPriority), intValue(K.NetworkProfileConnectionAttempts))) this.useNetworkSlot();
  }
}

export const station = new Station();
