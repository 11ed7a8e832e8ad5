// The EVSE's transaction (E01–E09, E11–E15): when it starts and ends (TxCtrlr.TxStartPoint / TxStopPoint,
// C-09/C-10), which TransactionEvent each step produces (triggerReason, chargingState, seqNo, idToken,
// evse, stoppedReason, meter values per SampledDataCtrlr), and their delivery from the persistent queue
// in order, with MessageAttemptsTransactionEvent / MessageAttemptIntervalTransactionEvent retries (E04,
// E12). Every event is persisted before anything relies on it; a transaction found running at boot was cut
// by a power loss and is ended with stoppedReason PowerLoss (E.. power-loss rule).
import {
  Tape, Action, JsonReader, decodeVerbatim, TransactionEventRequest, TransactionEventResponse, IdTokenInfoType,
  TransactionEventEnumType, TriggerReasonEnumType, ChargingStateEnumType, ReasonEnumType, IdTokenEnumType,
  ReadingContextEnumType, AuthorizationStatusEnumType, TransactionType, RpcError, GetTransactionStatusRequest,
  GetTransactionStatusResponse,
} from "../ocpp";
import { CallFailure } from "../rpc/app";
import { K, TxPoint, intValue, boolValue } from "../core/catalog";
import { Context } from "../core/context";
import { Session } from "../core/session";
import { EVSE_ID } from "../core/topology";
import { ChargerHardware } from "../hardware/hardware";
import { MEASURAND_COUNT, M_ENERGY_IMPORT } from "../hardware/measurands";
import { clock_wall_ms, random_fill } from "../host/abi";
import { TxQueue, ENTRY_MAX, QUEUE_SOFT_LIMIT } from "./tx-queue";
import { TxRecord, RECORD_MAX } from "../core/tx-record";
import { EventJson, hasReading, meterValueItemBound } from "./event-json";
import { EndedSamples, DUE_NONE, DUE_CLOCK } from "./ended-samples";
import { ByteWriter, ByteReader } from "../util/bytes";
import { logInfo, logWarn, line } from "../util/log";
import { StringRing } from "../util/string-ring";
import { formatDateTime } from "../util/datetime";

/** Current (0.1 A) below which no energy is taken to flow. */
const FLOW_DA: i32 = 10;
/** While an Ended waits for the flow to stop: how often to look, and the longest wait. */
const END_POLL_MS: i64 = 50;
const END_WAIT_MAX_MS: i64 = 10000;

// What an event carries besides the always-present fields.
const F_EVSE: i32 = 1, F_STATE: i32 = 2, F_TOKEN: i32 = 4;

export class Transactions extends Session {
  readonly queue: TxQueue = new TxQueue();
  /** A queue entry: [JSON][record snapshot][u16 snapshot length], read from or written to the queue. */
  private buf: usize = heap.alloc(<usize>ENTRY_MAX);
  /** The event is written as JSON straight into buf, where the entry's JSON goes (no second 6 KB buffer): between
   *  building an event and its push nothing else uses buf (status_report writes here between events). */
  readonly json: EventJson = new EventJson(ENTRY_MAX - RECORD_MAX - 2, this.buf);
  /** An idToken as the queued events write it (customer information): 36 characters, each escaped at worst. */
  private readonly needle: EventJson = new EventJson(272);
  // Shares buf: its writes happen on ticks, never between building or reading a queue entry and its use.
  readonly ended: EndedSamples = new EndedSamples(this.buf, ENTRY_MAX);
  private values: StaticArray<f64> = new StaticArray<f64>(MEASURAND_COUNT);
  private reader: JsonReader = new JsonReader();

  // Volatile facts of the EVSE, fed by the station.
  evConnected: bool = false;
  chargingState: i32 = ChargingStateEnumType.Idle;
  // An authorization given before any transaction started (TxStartPoint without Authorized).
  heldToken: string = "";
  heldType: i32 = -1;
  heldGroup: string = "";
  pendingRemoteStartId: i32 = -1;
  // The idToken presented to end the authorization: the StopAuthorized event names it (TC_C_39_CS step 8).
  private stopToken: string = "";
  private endToken: string = "";      // the stopToken of an Ended that waits for the energy flow to stop
  private heldTrigger: i32 = TriggerReasonEnumType.Authorized;
  private connectDeadline: i64 = i64.MAX_VALUE;   // EVConnectionTimeOut
  private nextSampleAt: i64 = i64.MAX_VALUE;
  /** The transaction started with its EVSE not known yet (E01.FR.16/17): the event sent when the cable goes in
   *  names the EVSE and carries the Transaction.Begin values. Volatile: a transaction found at boot is ended. */
  private evsePending: bool = false;
  // Delivery
  private inFlight: bool = false;
  /** The in-flight event's transactionId as UTF-8 bytes (at most 36, the schema's bound): no string per event. */
  private inFlightTxId: usize = heap.alloc(TX_ID_MAX);
  private inFlightTxIdLen: i32 = 0;
  private snapWriter: ByteWriter = new ByteWriter(0, 0);
  private attempts: i32 = 0;
  private nextAttemptAt: i64 = 0;
  private recovering: bool = false;
  // The Ended waits for the energy flow to stop (contactor open, current down) and for a meter reading taken
  // after that, so that Transaction.End bills every Wh of the transaction (nothing delivered after the end).
  private endTrigger: i32 = 0;
  private endWithState: bool = false;
  private endSince: i64 = 0;
  private endFrames: i32 = -1;
  private noWait: bool = false;

  constructor(private ctx: Context, private hw: ChargerHardware) { super(); }

  /** The station's clock (core/context.ts). */
  get now(): i64 { return this.ctx.now; }


  // ---- boot -------------------------------------------------------------------------------------
  /** Restores the queue and the record; a transaction still running was cut by a power loss. Call after the
   *  hardware's init (the energy register floor is the last known meter value). */
  load(): void {
    this.queue.load(this.buf);
    const r = this.rec;
    r.load(this.buf);
    const n = this.queue.peekLast(this.buf, ENTRY_MAX);
    if (n > 2) {
      const snapLen = <i32>load<u16>(this.buf + <usize>(n - 2));
      if (snapLen > 0 && snapLen <= n - 2) {
        const snap = new TxRecord();
        // The queue entry is newer: the cut came before the record's save. Save it now, before the entry can be
        // delivered and popped, or the next boot would find the stale record alone.
        if (snap.read(new ByteReader(this.buf + <usize>(n - 2 - snapLen), snapLen)) && snap.version > r.version) {
          r.copyFrom(snap);
          r.save(this.buf);
        }
      }
    }
    if (r.active) {
      logWarn("transactions: " + r.id + " was running at power loss; ending it");
      this.ended.load(r.id);
      // The persisted register floor may lag the last values sent or collected: the end never reports less.
      const floor = <f64>this.hw.meter.importReg.reported, collected = this.ended.highestEnergyWh();
      if (isNaN(r.lastEnergyWh) || floor > r.lastEnergyWh) r.lastEnergyWh = floor;
      if (!isNaN(collected) && collected > r.lastEnergyWh) r.lastEnergyWh = collected;
      r.stoppedReason = ReasonEnumType.PowerLoss;
      this.recovering = true;
      this.emitEnd(TriggerReasonEnumType.AbnormalCondition, false);
      this.recovering = false;
    }
  }

  // ---- inputs -----------------------------------------------------------------------------------
  onEvConnected(connector: i32): void {
    this.evConnected = true;
    this.connector = connector;
    this.connectDeadline = i64.MAX_VALUE;
    if (this.chargingState == ChargingStateEnumType.Idle) this.chargingState = ChargingStateEnumType.EVConnected;
    const r = this.rec;
    if (this.ending) return;
    if (r.active) {
      if (r.connector == 0) {
        r.connector = connector;
        r.chargingState = ChargingStateEnumType.EVConnected;
        if (this.evsePending) {
          // E01.FR.17: the first event naming the EVSE carries the Transaction.Begin values.
          this.evsePending = false;
          this.emit(TransactionEventEnumType.Updated, TriggerReasonEnumType.CablePluggedIn, F_EVSE | F_STATE,
            intValue(K.TxStartedMeasurands), ReadingContextEnumType.Transaction_Begin);
        } else {
          this.emit(TransactionEventEnumType.Updated, TriggerReasonEnumType.CablePluggedIn, F_EVSE | F_STATE, 0, 0);
        }
      }
    } else if (this.startsAt(TxPoint.EVConnected)) {
      this.start(TriggerReasonEnumType.CablePluggedIn);
    }
  }

  onEvDisconnected(): void {
    this.evConnected = false;
    this.held = false;                     // C-06.2: authorization is not kept once the cable is out
    const r = this.rec;
    if (this.ending) { this.chargingState = ChargingStateEnumType.Idle; this.connector = 0; return; }
    if (r.active && (this.stopsAt(TxPoint.EVConnected) || boolValue(K.StopTxOnEVSideDisconnect) || !r.authorized)) {
      r.chargingState = -1;                // reported below only if it changes
      this.chargingState = ChargingStateEnumType.Idle;
      this.end(TriggerReasonEnumType.EVCommunicationLost, ReasonEnumType.EVDisconnected);
    }
    this.connector = 0;
  }

  /** An idToken was accepted (locally or by the CSMS) for this EVSE. */
  onAuthorized(token: string, type: i32, group: string): void {
    this.authorize(token, type, group, TriggerReasonEnumType.Authorized);
  }

  /** RequestStartTransaction accepted (F01–F03, AuthorizeRemoteStart false): the token counts as authorized and
   *  the remoteStartId goes into the event that reports it. */
  onRemoteStart(token: string, type: i32, group: string, remoteStartId: i32): void {
    this.pendingRemoteStartId = remoteStartId;
    this.authorize(token, type, group, TriggerReasonEnumType.RemoteStart);
  }

  private authorize(token: string, type: i32, group: string, trigger: i32): void {
    const r = this.rec;
    if (this.ending) { logInfo("transactions: authorization while the last transaction ends; ignored"); return; }
    if (r.active) {
      if (r.authorized) return;
      this.withheld = false;
      r.idToken = token; r.idTokenType = type; r.groupId = group; r.authorized = true;
      if (this.pendingRemoteStartId >= 0) { r.remoteStartId = this.pendingRemoteStartId; this.pendingRemoteStartId = -1; }
      this.emit(TransactionEventEnumType.Updated, trigger, F_TOKEN, 0, 0);
      return;
    }
    this.heldToken = token; this.heldType = type; this.heldGroup = group; this.held = true;
    this.heldTrigger = trigger;
    if (!this.evConnected) this.connectDeadline = this.now + <i64>intValue(K.EVConnectionTimeOut) * 1000;
    if (this.startsAt(TxPoint.Authorized)) this.start(trigger);
  }

  /** The transaction's authorization ends: the same (or a group) idToken presented (StopAuthorized/Local),
   *  RequestStopTransaction (RemoteStop/Remote) or the CSMS's verdict (Deauthorized/DeAuthorized).
   *  TxStopPoint Authorized: that is the end, one Ended with the trigger (E06.FR.03, E05 for the CSMS verdict;
   *  TC_E_15_CS, TC_E_21_CS, TC_E_16_CS).
   *  PowerPathClosed without Authorized: an Updated with the trigger, then the energy transfer stops and that
   *  state change ends it (reusable states StopAuthorized, EVConnectedPostSession; E06.FR.06;
   *  TC_E_07_CS, TC_E_35_CS);
   *  the CSMS's verdict ends it at once. EVConnected only: it ends when the cable is out. */
  onStopRequest(trigger: i32, reason: i32, token: string = ""): bool {
    const r = this.rec;
    if (!r.active) { this.held = false; return false; }
    if (this.ending) return true;
    r.authorized = false;
    this.withheld = false;
    r.stoppedReason = reason;
    this.stopToken = token;
    const now = !this.evConnected || this.stopsAt(TxPoint.Authorized) ||
      (trigger == TriggerReasonEnumType.Deauthorized && this.stopsAt(TxPoint.PowerPathClosed));
    if (now) {
      // Without an authorization the EVSE offers no energy: the power control follows in the same react().
      if (this.evConnected) this.chargingState = ChargingStateEnumType.EVConnected;
      this.end(trigger, reason);
    } else {
      this.emit(TransactionEventEnumType.Updated, trigger, 0, 0, 0);
    }
    this.stopToken = "";
    return true;
  }

  onChargingState(state: i32): void {
    const r = this.rec;
    // Not authorized because the CSMS refused the token (StopTxOnInvalidId false): the EVSE withholds the energy.
    if (this.withheld && r.active && state == ChargingStateEnumType.EVConnected) state = ChargingStateEnumType.SuspendedEVSE;
    this.chargingState = state;
    if (this.ending) return;
    if (r.active) {
      if (state != r.chargingState && r.connector != 0) {
        r.chargingState = state;
        const stopped = !r.authorized && r.stoppedReason >= 0 && state == ChargingStateEnumType.EVConnected;
        if (stopped && (this.stopsAt(TxPoint.Authorized) || this.stopsAt(TxPoint.PowerPathClosed))) {
          this.emitEnd(TriggerReasonEnumType.ChargingStateChanged, true);
        } else {
          this.emit(TransactionEventEnumType.Updated, TriggerReasonEnumType.ChargingStateChanged, F_STATE, 0, 0);
        }
      }
    } else if (state == ChargingStateEnumType.Charging && this.startsAt(TxPoint.EnergyTransfer)) {
      this.start(TriggerReasonEnumType.ChargingStateChanged);
    }
  }

  /** TriggerMessage TransactionEvent (F06): an Updated with the current state and meter values. */
  onTrigger(): void {
    if (!this.rec.active || this.ending) return;
    this.emit(TransactionEventEnumType.Updated, TriggerReasonEnumType.Trigger, (this.evsePending ? 0 : F_EVSE) | F_STATE | F_TOKEN,
      intValue(K.TxUpdatedMeasurands), ReadingContextEnumType.Trigger);
  }

  /** A clock-aligned sample during the transaction (J02; AlignedDataCtrlr.Measurands): true if it went into the
   *  transaction. */
  onClockAligned(): bool {
    if (!this.rec.active || this.ending) return false;
    this.emit(TransactionEventEnumType.Updated, TriggerReasonEnumType.MeterValueClock, 0, intValue(K.AlignedMeasurands),
      ReadingContextEnumType.Sample_Clock);
    return true;
  }

  /** An Immediate reset ends the transaction (B12). */
  onReset(): void {
    if (this.ending) { this.finishEnd(); return; }   // the power goes off with the reset: end it now
    if (!this.rec.active) return;
    // TC_B_22_CS: the power goes off with the reset, so the transaction ends EVConnected (Idle without a cable).
    this.rec.authorized = false;
    if (this.evConnected) this.chargingState = ChargingStateEnumType.EVConnected;
    // The reboot follows at once: the Ended cannot wait for the flow to stop.
    this.noWait = true;
    this.end(TriggerReasonEnumType.ResetCommand, ReasonEnumType.ImmediateReset);
    this.noWait = false;
  }

  /** GetTransactionStatus (E14). */
  handleCall(action: i32, req: Tape, resp: Tape): i32 {
    const has = req.has(req.root, GetTransactionStatusRequest.transactionId);
    const id: string | null = has ? req.getString(req.root, GetTransactionStatusRequest.transactionId) : null;
    // E14.FR.. : ongoingIndicator only when asked about a transaction.
    if (id != null) resp.setBool(resp.root, GetTransactionStatusResponse.ongoingIndicator, this.rec.active && this.rec.id == id);
    resp.setBool(resp.root, GetTransactionStatusResponse.messagesInQueue, this.hasQueued(id));
    return RpcError.None;
  }

  /** Whether events of `id` (any transaction if id is null) wait in the queue. */
  hasQueued(id: string | null): bool {
    if (this.queue.count() == 0) return false;
    if (id == null) return true;
    const needle = String.UTF8.encode("\"transactionId\":\"" + id + "\"");
    const nLen = needle.byteLength;
    for (let k = this.queue.head; k < this.queue.tail; k++) {
      const n = this.queue.read(k, this.buf, ENTRY_MAX);
      for (let i = 0; i + nLen <= n; i++) {
        if (memory.compare(this.buf + <usize>i, changetype<usize>(needle), <usize>nLen) == 0) return true;
      }
    }
    return false;
  }

  /** TxStartPoint PowerPathClosed: the contactor closing starts the transaction. The trigger names the cause:
   *  a remote start, else the charging state change the closing is (E01 S5, E01.FR.05; reusable state
   *  EVConnectedPreSession: CablePluggedIn, ChargingStateChanged or RemoteStart; never Authorized). */
  onPowerPathClosed(): void {
    if (this.rec.active || !this.startsAt(TxPoint.PowerPathClosed)) return;
    const remote = this.held && this.heldTrigger == TriggerReasonEnumType.RemoteStart;
    this.start(remote ? TriggerReasonEnumType.RemoteStart : TriggerReasonEnumType.ChargingStateChanged);
  }

  /** May the EVSE deliver energy? An authorized transaction, or an authorization waiting for a later start
   *  point (PowerPathClosed, EnergyTransfer) that needs the power path to reach it. */
  energyAllowed(): bool {
    const r = this.rec;
    if (this.ending) return false;
    if (r.active) return r.authorized;
    return this.held && (this.startsAt(TxPoint.PowerPathClosed) || this.startsAt(TxPoint.EnergyTransfer));
  }

  tick(): void {
    const now = this.now;
    const r = this.rec;
    if (now >= this.connectDeadline) {
      this.connectDeadline = i64.MAX_VALUE;
      if (r.active && !this.evConnected) {
        // E03.FR.05, TC_E_05_CS: Ended (Timeout) when TxStopPoint has Authorized, else an Updated.
        r.authorized = false;
        if (this.stopsAt(TxPoint.Authorized)) this.end(TriggerReasonEnumType.EVConnectTimeout, ReasonEnumType.Timeout);
        else this.emit(TransactionEventEnumType.Updated, TriggerReasonEnumType.EVConnectTimeout, 0, 0, 0);
      } else if (this.held && !this.evConnected) {
        logInfo("transactions: no cable within EVConnectionTimeOut; authorization dropped");
        this.held = false;
      }
    }
    if (this.ending) { this.settleEnd(); return; }
    if (r.active) this.takeEndedSamples(now);
    if (r.active && now >= this.nextSampleAt) {
      const interval = <i64>intValue(K.TxUpdatedInterval) * 1000;
      this.nextSampleAt = interval > 0 ? max(this.nextSampleAt + interval, now + 1) : i64.MAX_VALUE;
      // A full queue (long offline period) is thinned of periodic samples first; Started/Ended never.
      if (this.queue.count() < QUEUE_SOFT_LIMIT) {
        this.emit(TransactionEventEnumType.Updated, TriggerReasonEnumType.MeterValuePeriodic, 0,
          intValue(K.TxUpdatedMeasurands), ReadingContextEnumType.Sample_Periodic);
      }
    }
  }

  nextWakeup(): i64 {
    if (this.ending) return this.now + END_POLL_MS;
    const t = min(this.connectDeadline, this.nextSampleAt);
    return this.rec.active ? min(t, this.ended.nextWakeup(this.now, clock_wall_ms())) : t;
  }

  /** The samples for the Ended event that are due (J01 AlignedDataCtrlr.TxEnded*, J02 SampledDataCtrlr.TxEnded*;
   *  TC_J_03_CS, TC_J_10_CS). */
  private takeEndedSamples(now: i64): void {
    const wall = clock_wall_ms();
    this.ended.plan(now, wall, intValue(K.AlignedTxEndedInterval), intValue(K.TxEndedInterval));
    for (let d = this.ended.due(now, wall); d != DUE_NONE; d = this.ended.due(now, wall)) {
      this.sample(false);
      this.ended.add(this.ended.dueStamp, d, d == DUE_CLOCK ? intValue(K.AlignedTxEndedMeasurands) : intValue(K.TxEndedMeasurands), this.values);
    }
  }

  // ---- customer information (N09/N10, through core/customer-data.ts) ------------------------------------
  // What this block keeps about an idToken: the record of the running transaction authorized with it (forgotten
  // at the Ended), and the queued TransactionEvents that name it until the CSMS has them.
  private runsWith(token: string, type: i32): bool {
    const r = this.rec;
    return r.active && r.authorized && r.idToken == token && (r.idTokenType >= 0 ? r.idTokenType : IdTokenEnumType.ISO14443) == type;
  }

  /** The queued events whose idToken is this one: the entries' JSON holds it as EventJson wrote it. */
  private queuedWith(token: string, type: i32): i32 {
    const needle = this.needle;
    needle.begin();
    needle.strField("idToken", token);
    needle.enumField("type", IdTokenEnumType.TYPE, type);
    if (needle.w.overflow) return 0;
    const np = needle.w.ptr() + 1, nl = needle.w.len() - 1;   // past the opening brace
    let count = 0;
    for (let k = this.queue.head; k < this.queue.tail; k++) {
      const n = this.queue.read(k, this.buf, ENTRY_MAX);
      if (n < 2) continue;
      const jsonLen = n - 2 - <i32>load<u16>(this.buf + <usize>(n - 2));
      for (let i = 0; i + nl <= jsonLen; i++) {
        if (memory.compare(this.buf + <usize>i, np, <usize>nl) == 0) { count++; break; }
      }
    }
    return count;
  }

  customerReport(token: string, type: i32): string {
    let text = "";
    if (this.runsWith(token, type)) {
      const r = this.rec;
      let since = "";
      if (r.startedAtMs > 0) {
        const b = new StaticArray<u8>(24);
        formatDateTime(r.startedAtMs, changetype<usize>(b));
        since = " since " + String.UTF8.decodeUnsafe(changetype<usize>(b), 24);
      }
      text = "the running transaction " + r.id + (r.connector > 0 ? " on connector " + r.connector.toString() : "") + since
        + " was authorized with it" + (r.groupId.length > 0 ? " (groupIdToken " + r.groupId + ")." : ".");
    }
    const queued = this.queuedWith(token, type);
    if (queued > 0) {
      text += (text.length > 0 ? " " : "") + queued.toString() + " TransactionEvent" + (queued > 1 ? "s" : "")
        + " naming it wait" + (queued > 1 ? "" : "s") + " to be sent to the CSMS.";
    }
    return text;
  }

  /** Kept: the running transaction's idToken until it ends (presenting it again stops the transaction, and the
   *  Ended reports it, E07); the queued events until the CSMS has them (its own transaction data, for billing). */
  customerClear(token: string, type: i32): string {
    let text = "";
    if (this.runsWith(token, type)) text = "the running transaction " + this.rec.id + " keeps it until it ends.";
    const queued = this.queuedWith(token, type);
    if (queued > 0) {
      text += (text.length > 0 ? " " : "") + "the queued TransactionEvents keep it until the CSMS has them.";
    }
    return text;
  }

  // ---- delivery -----------------------------------------------------------------------------------
  /** When the head of the queue may go next (i64.MAX_VALUE: nothing to send). */
  nextCallAt(): i64 { return this.inFlight || this.queue.count() == 0 ? i64.MAX_VALUE : this.nextAttemptAt; }

  nextCall(req: Tape): i32 {
    if (this.nextCallAt() > this.now) return -1;
    for (;;) {
      const n = this.queue.peek(this.buf, ENTRY_MAX);
      if (n < 0) return -1;
      const snapLen = n >= 2 ? <i32>load<u16>(this.buf + <usize>(n - 2)) : n;
      const jsonLen = n - 2 - snapLen;
      this.reader.reset(this.buf, jsonLen);
      // In place: the strings stay in the entry's buffer, which holds until the call is encoded (rpc/rpc.ts pump,
      // at once); none takes the tape's arena. Verbatim: the bytes go out as stored unless a string had to be
      // unescaped over them.
      req.inPlace = true;
      const rc = jsonLen > 0 ? decodeVerbatim(this.reader, TransactionEventRequest.TYPE, req) : -1;
      req.inPlace = false;
      if (rc == 0) {
        this.inFlight = true;
        const info = req.getObject(req.root, TransactionEventRequest.transactionInfo);
        const idLen = req.getStrLen(info, TransactionType.transactionId);
        this.inFlightTxIdLen = idLen >= 0 && idLen <= TX_ID_MAX ? idLen : 0;
        memory.copy(this.inFlightTxId, req.getStrPtr(info, TransactionType.transactionId), <usize>this.inFlightTxIdLen);
        return Action.TransactionEvent;
      }
      logWarn("transactions: a queued event does not decode; dropped");
      this.queue.pop();
      req.reset();
    }
    return -1;
  }

  /** Is the in-flight event's transactionId `id`? */
  private inFlightIs(id: string): bool {
    const n = this.inFlightTxIdLen;
    if (String.UTF8.byteLength(id) != n) return false;
    String.UTF8.encodeUnsafe(changetype<usize>(id), id.length, TX_ID_SCRATCH);
    return memory.compare(TX_ID_SCRATCH, this.inFlightTxId, <usize>n) == 0;
  }

  onCallResult(action: i32, resp: Tape): void {
    this.inFlight = false;
    this.attempts = 0;
    this.queue.pop();
    const info = resp.getObject(resp.root, TransactionEventResponse.idTokenInfo);
    if (info < 0) return;
    const status = resp.getEnum(info, IdTokenInfoType.status);
    const r = this.rec;
    // E05/C.. : the CSMS does not accept the token of a running transaction → deauthorize it.
    if (status != AuthorizationStatusEnumType.Accepted && r.active && r.authorized && this.inFlightIs(r.id)) {
      logWarn("transactions: the CSMS did not accept the idToken of " + r.id);
      if (boolValue(K.StopTxOnInvalidId)) this.onStopRequest(TriggerReasonEnumType.Deauthorized, ReasonEnumType.DeAuthorized);
      else {
        // TC_C_26_CS: the transaction goes on, the energy is withheld (SuspendedEVSE) until it ends.
        r.authorized = false;
        this.withheld = true;
        let flags = 0;
        if (this.evConnected && r.connector != 0) {
          this.chargingState = r.chargingState = ChargingStateEnumType.SuspendedEVSE;
          flags = F_STATE;
        }
        this.emit(TransactionEventEnumType.Updated, TriggerReasonEnumType.Deauthorized, flags, 0, 0);
      }
    }
  }

  onCallFailed(action: i32, failure: i32): void {
    this.inFlight = false;
    if (failure == CallFailure.Disconnected) return;        // sent again after reconnection, not an attempt
    this.attempts++;
    if (this.attempts >= max(intValue(K.MessageAttempts), 1)) {
      logWarn("transactions: TransactionEvent dropped after " + this.attempts.toString() + " attempts");
      this.queue.pop();
      this.attempts = 0;
      this.nextAttemptAt = this.now;
      return;
    }
    this.nextAttemptAt = this.now + <i64>intValue(K.MessageAttemptInterval) * 1000 * this.attempts;
  }

  // ---- events -------------------------------------------------------------------------------------
  private startsAt(p: i32): bool { return (intValue(K.TxStartPoint) & p) != 0; }
  private stopsAt(p: i32): bool { return (intValue(K.TxStopPoint) & p) != 0; }

  private start(trigger: i32): void {
    const r = this.rec;
    const version = r.version;
    r.clear();
    r.version = version;
    r.active = true;
    r.id = newTransactionId();
    r.startedAtMs = clock_wall_ms();
    r.connector = this.evConnected ? this.connector : 0;
    if (this.held) {
      r.idToken = this.heldToken; r.idTokenType = this.heldType; r.groupId = this.heldGroup; r.authorized = true;
      this.held = false;
      if (!this.evConnected) this.connectDeadline = this.now + <i64>intValue(K.EVConnectionTimeOut) * 1000;
    }
    r.remoteStartId = this.pendingRemoteStartId;
    this.pendingRemoteStartId = -1;
    r.chargingState = this.evConnected ? this.chargingState : ChargingStateEnumType.Idle;
    line().s("transactions: ").s(r.id).s(" started").info();
    this.withheld = false;
    this.ended.begin(r.id, this.now, r.startedAtMs, intValue(K.AlignedTxEndedInterval), intValue(K.TxEndedInterval));
    // E01.FR.16/17, TC_J_08_CS: started by a local authorization before the EV is connected, the EVSE to be used
    // is not known yet (no EVSE is chosen before authorizing, AQ-8 No): the Started names none and carries no
    // Transaction.Begin values; the event sent when the cable goes in does. A remote start names its EVSE.
    this.evsePending = !this.evConnected && r.remoteStartId < 0;
    if (this.evsePending) {
      this.emit(TransactionEventEnumType.Started, trigger, F_STATE | F_TOKEN, 0, 0);
    } else {
      this.emit(TransactionEventEnumType.Started, trigger, F_EVSE | F_STATE | F_TOKEN, intValue(K.TxStartedMeasurands),
        ReadingContextEnumType.Transaction_Begin);
    }
    const interval = <i64>intValue(K.TxUpdatedInterval) * 1000;
    this.nextSampleAt = interval > 0 ? this.now + interval : i64.MAX_VALUE;
  }

  private end(trigger: i32, reason: i32): void {
    const r = this.rec;
    if (r.stoppedReason < 0) r.stoppedReason = reason;
    const state = this.evConnected ? this.chargingState : ChargingStateEnumType.Idle;
    const changed = state != r.chargingState;
    r.chargingState = state;
    this.emitEnd(trigger, changed);
  }

  /** The end of the transaction. While energy still flows (the power path opening, the current ramping down)
   *  the Ended waits: settleEnd() sends it on the first meter reading taken after the flow stopped. */
  private emitEnd(trigger: i32, withState: bool): void {
    if (!this.recovering && !this.noWait && this.energyFlowing()) {
      this.ending = true;
      this.endToken = this.stopToken;
      this.endTrigger = trigger;
      this.endWithState = withState;
      this.endSince = this.now;
      this.endFrames = -1;
      this.nextSampleAt = i64.MAX_VALUE;
      this.connectDeadline = i64.MAX_VALUE;
      return;
    }
    this.emitEndNow(trigger, withState);
  }

  /** Is energy still flowing on the power path: a contactor commanded or still closed, or current measured. */
  private energyFlowing(): bool {
    const hw = this.hw;
    for (let i = 0; i < hw.contactor.length; i++) {
      const k = hw.contactor[i];
      if (k.commanded || k.feedback) return true;
    }
    return abs(hw.meter.currentDa) >= FLOW_DA || abs(hw.module.currentDa) >= FLOW_DA;
  }

  /** Called on ticks and after every reaction of the power path while an Ended waits (see emitEnd). */
  settleEnd(): void {
    if (!this.ending) return;
    if (this.now - this.endSince < END_WAIT_MAX_MS) {
      const meter = this.hw.meter;
      if (this.energyFlowing()) { this.endFrames = -1; return; }
      // The flow stopped: the next energy reading from the meter is the transaction's last one.
      if (this.endFrames < 0) { this.endFrames = meter.energyFrames; meter.pollSoon(this.now); return; }
      if (meter.energyFrames <= this.endFrames && !meter.faulted) return;
    } else {
      logWarn("transactions: the energy flow did not stop in time; ending on the last reading");
    }
    this.finishEnd();
  }

  private finishEnd(): void {
    this.ending = false;
    this.endFrames = -1;
    this.stopToken = this.endToken;   // TC_C_39_CS: the Ended names the card that stopped it
    this.emitEndNow(this.endTrigger, this.endWithState);
    this.stopToken = "";
    this.endToken = "";
  }


  private emitEndNow(trigger: i32, withState: bool): void {
    logInfo("transactions: " + this.rec.id + " ended");
    this.emit(TransactionEventEnumType.Ended, trigger, withState ? F_STATE : 0, intValue(K.TxEndedMeasurands),
      ReadingContextEnumType.Transaction_End);
    this.nextSampleAt = i64.MAX_VALUE;
    this.connectDeadline = i64.MAX_VALUE;
    this.evsePending = false;
    this.withheld = false;
  }

  /** Writes the event and persists it with the record's new state (the record's own save waits for the pop). */
  private emit(eventType: i32, trigger: i32, flags: i32, meterSet: i32, context: i32): void {
    const r = this.rec, j = this.json;
    const wall = clock_wall_ms();
    j.begin();
    j.enumField("eventType", TransactionEventEnumType.TYPE, eventType);
    j.timeField("timestamp", wall);
    j.enumField("triggerReason", TriggerReasonEnumType.TYPE, trigger);
    j.intField("seqNo", r.seqNo);
    if (!this.ctx.online) j.boolField("offline", true);
    j.openObject("transactionInfo");
    j.strField("transactionId", r.id);
    if ((flags & F_STATE) != 0 && r.chargingState >= 0) j.enumField("chargingState", ChargingStateEnumType.TYPE, r.chargingState);
    if (eventType == TransactionEventEnumType.Ended && r.stoppedReason >= 0) j.enumField("stoppedReason", ReasonEnumType.TYPE, r.stoppedReason);
    if (r.remoteStartId >= 0 && (eventType == TransactionEventEnumType.Started || trigger == TriggerReasonEnumType.RemoteStart)) {
      j.intField("remoteStartId", r.remoteStartId);
    }
    j.closeObject();
    if ((flags & F_EVSE) != 0) {
      j.openObject("evse");
      j.intField("id", EVSE_ID);
      if (r.connector > 0) j.intField("connectorId", r.connector);
      j.closeObject();
    }
    if (this.stopToken.length > 0) {
      // Cards are the only local means of authorization here (C-30): type ISO14443.
      j.openObject("idToken");
      j.strField("idToken", this.stopToken);
      j.enumField("type", IdTokenEnumType.TYPE, IdTokenEnumType.ISO14443);
      j.closeObject();
    } else if ((flags & F_TOKEN) != 0 && r.authorized && r.idToken.length > 0) {
      j.openObject("idToken");
      j.strField("idToken", r.idToken);
      j.enumField("type", IdTokenEnumType.TYPE, r.idTokenType >= 0 ? r.idTokenType : IdTokenEnumType.ISO14443);
      j.closeObject();
    }
    if (eventType == TransactionEventEnumType.Ended) this.endedMeterValues(wall, meterSet);
    else if (meterSet != 0) {
      this.sample(this.recovering);
      if (j.meterValue("meterValue", wall, meterSet, context, this.values)) this.noteEnergy();
    }
    j.end();
    if (j.w.overflow) { logWarn("transactions: event too large, not queued"); return; }
    r.seqNo++;
    r.version++;
    if (eventType == TransactionEventEnumType.Ended) { const v = r.version; r.clear(); r.version = v; }
    // Entry: [JSON][record snapshot][u16 snapshot length].
    const len = j.w.len();   // the JSON is in buf already (the writer writes there)
    const bw = this.snapWriter.reset(this.buf + <usize>len, RECORD_MAX);
    r.write(bw);
    store<u16>(this.buf + <usize>(len + bw.pos), <u16>bw.pos);
    // Stored with the entry, the record's state is safe: its own save follows at the entry's pop (TxQueue).
    if (this.queue.push(this.buf, len + bw.pos + 2) == 0) this.queue.deferSave(r, this.buf);
    else r.save(this.buf);
    if (eventType == TransactionEventEnumType.Ended) this.ended.clear();
  }

  /** The Ended event's meterValue: the samples collected during the transaction, then the Transaction.End
   *  values (SampledDataCtrlr.TxEndedMeasurands), in one array, within what one queue entry holds. */
  private endedMeterValues(wall: i64, endSet: i32): void {
    const j = this.json;
    this.ended.stop();
    if (endSet != 0) this.sample(this.recovering);
    const withEnd = endSet != 0 && hasReading(endSet, this.values);
    // Room for the samples: what is left after the array's key and brackets, the Transaction.End element and
    // the event's closing brace.
    const room = j.room() - (withEnd ? meterValueItemBound(endSet) : 0) - 32;
    const samples = this.ended.fitting(room) > 0;
    if (!samples && !withEnd) return;
    j.openArray("meterValue");
    if (samples) this.ended.write(j, room);
    if (withEnd && j.meterValueItem(wall, endSet, ReadingContextEnumType.Transaction_End, this.values)) this.noteEnergy();
    j.closeArray();
  }

  private noteEnergy(): void {
    const e = this.values[M_ENERGY_IMPORT];
    if (!isNaN(e)) this.rec.lastEnergyWh = e;
  }

  /** Readings for the connector of the transaction; after a power loss only the persisted energy floor. */
  private sample(lastKnownOnly: bool): void {
    const c = this.rec.connector > 0 ? this.rec.connector : 1;
    for (let i = 0; i < MEASURAND_COUNT; i++) this.values[i] = this.hw.measurand(c, i);
    const e = this.values[M_ENERGY_IMPORT];
    if ((isNaN(e) || lastKnownOnly) && !isNaN(this.rec.lastEnergyWh)) {
      for (let i = 0; i < MEASURAND_COUNT; i++) this.values[i] = NaN;
      this.values[M_ENERGY_IMPORT] = this.rec.lastEnergyWh;
    }
  }
}

/** The schema's bound on a transactionId (string[36]). */
const TX_ID_MAX: i32 = 36;
/** Room to compare a transactionId's UTF-8 (a non-ASCII one is longer than its 36 units, never more than 3×). */
const TX_ID_SCRATCH: usize = memory.data(TX_ID_MAX * 3);
const UUID_RANDOM: usize = memory.data(16);

/** The transaction ids, reused: the record keeps the running one and the Ended samples the last one until the
 *  next transaction begins (nothing else keeps an id string; the queue and the in-flight event keep bytes). */
const TX_IDS = new StringRing(3, 36);

/** A random UUID (RFC 4122 v4 form, 36 characters: the schema's limit), built in static memory into one of the
 *  ring's strings: no allocation. */
function newTransactionId(): string {
  const b = UUID_RANDOM;
  random_fill(b, 16);
  store<u8>(b + 6, (load<u8>(b + 6) & 0x0f) | 0x40);
  store<u8>(b + 8, (load<u8>(b + 8) & 0x3f) | 0x80);
  const out = TX_ID_SCRATCH;
  let o: usize = 0;
  for (let i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10) store<u8>(out + o++, 0x2d);
    const v = <i32>load<u8>(b + <usize>i);
    store<u8>(out + o++, <u8>hexDigit(v >> 4));
    store<u8>(out + o++, <u8>hexDigit(v & 15));
  }
  return TX_IDS.fromAscii(out, <i32>o)!;
}

function hexDigit(v: i32): i32 { return v < 10 ? 48 + v : 87 + v; }
