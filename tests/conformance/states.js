// The reusable states (Part 6 §2.18) and memory states (§2.19) as code. Each state plays its manual actions
// and CSMS calls on a charging scenario (tests/helpers/scenario.js), then asserts the tool validations the
// state gives for the messages it produced (only those: a case asserts its own steps itself). The station's
// TxStartPoint / TxStopPoint decide which of a state's steps are due, as the states' notes say.
//
// Usage: const c = await conformance(t, { config, csms }); await states.authorized(c); ...
// `c` is the scenario `s` plus: c.tx (what the states know of the transaction), c.mark() / c.since(mark) to
// look at what the CSMS received from a point on, c.startPoints / c.stopPoints.
"use strict";
const assert = require("node:assert/strict");
const { chargingScenario, VALID_TOKEN } = require("../helpers/scenario.js");

const ID_TOKEN = { idToken: VALID_TOKEN, type: "ISO14443" };
const EVSE_ID = 1;
const CONNECTOR_ID = 1;
const CONNECTORS = [1, 2];
// The station's defaults (docs/architecture.md): what Part 6 calls <Configured TxStartPoint/TxStopPoint>.
const DEFAULT_START = "EVConnected,Authorized";
const DEFAULT_STOP = "EVConnected,Authorized";

const split = (v) => new Set(String(v).split(",").map((x) => x.trim()).filter(Boolean));

/** A charging scenario for a certification case. options.config holds dm: settings (the case's Configuration
 *  State as the lab would have set it before the case); TxStartPoint/TxStopPoint default to the station's. */
async function conformance(t, options = {}) {
  const stationOptions = options.station || {};
  const config = { ...(stationOptions.config || {}), ...(options.config || {}) };
  const start = config["dm:TxCtrlr.TxStartPoint"] || DEFAULT_START;
  const stop = config["dm:TxCtrlr.TxStopPoint"] || DEFAULT_STOP;
  const s = await chargingScenario(t, { csms: options.csms, station: { ...stationOptions, config }, boot: options.boot });
  s.startPoints = split(start);
  s.stopPoints = split(stop);
  /** What the states know: the transaction (id, started, ended), the EV's cable, who authorized it. */
  s.tx = { id: null, started: false, ended: false, evConnected: false, authorized: false, remote: false, connector: CONNECTOR_ID };
  s.mark = () => s.csms.received.length;
  /** What the CSMS received from `mark` on: [{ method, params }]. */
  s.since = (mark) => s.csms.received.slice(mark);
  /** The requests of one action received from `mark` on. */
  s.sentSince = (mark, method) => s.since(mark).filter((r) => r.method === method).map((r) => r.params);
  /** The StatusNotifications from `mark` on as [connectorId, status]. */
  s.statusesSince = (mark) => s.sentSince(mark, "StatusNotification").map((p) => [p.connectorId, p.connectorStatus]);
  /** Sets a Configuration State variable as the lab does before a case (SetVariables, Accepted). */
  /** Steps of `ms` until pred() holds (at most maxMs): for what the station does once the power has ramped down
   *  (an Ended waits until no more energy flows, E06). Returns pred(). */
  s.stepUntil = async (pred, maxMs = 10_000, ms = 250) => {
    for (let waited = 0; !pred() && waited < maxMs; waited += ms) await s.step(ms);
    return pred();
  };
  s.configure = async (settings) => {
    for (const [key, value] of Object.entries(settings)) {
      const [component, name] = key.split(".");
      assert.equal(await s.setVariable(component, name, String(value)), "Accepted", `Configuration State ${key} = ${value}`);
      if (key === "TxCtrlr.TxStartPoint") s.startPoints = split(value);
      if (key === "TxCtrlr.TxStopPoint") s.stopPoints = split(value);
    }
  };
  return s;
}

/** Adopts the transaction of a TransactionEvent and checks the general rules of §2.1 against it. */
function follow(s, ev, why) {
  if (ev.eventType === "Started") {
    assert.equal(s.tx.started && !s.tx.ended, false, `${why}: a Started while a transaction is running`);
    s.tx = { ...s.tx, id: ev.transactionInfo.transactionId, started: true, ended: false };
    assert.equal(ev.seqNo, 0, `${why}: Started has seqNo 0`);
  } else {
    assert.ok(s.tx.started, `${why}: the first TransactionEvent of a transaction must be Started, got ${ev.eventType}`);
    assert.equal(ev.transactionInfo.transactionId, s.tx.id, `${why}: same transaction`);
  }
  if (ev.eventType === "Ended") s.tx.ended = true;
}

/** Updated events the meter's own schedule sends (clock-aligned, periodic): they may fall between a state's
 *  steps, depending on the wall time the CSMS gave at boot, and are not what the state's steps ask for. */
const scheduledMeterValue = (ev) => ev.eventType === "Updated" &&
  (ev.triggerReason === "MeterValueClock" || ev.triggerReason === "MeterValuePeriodic");

/** The TransactionEvents from `mark` on, each followed; the scheduled meter values left out of the list. */
function txEventsSince(s, mark, why) {
  const list = s.sentSince(mark, "TransactionEvent");
  for (const ev of list) follow(s, ev, why);
  return list.filter((ev) => !scheduledMeterValue(ev));
}

const open = (s) => s.tx.started && !s.tx.ended;

function assertStatus(s, mark, connectorId, status, why) {
  const got = s.sentSince(mark, "StatusNotification").filter((p) => p.connectorId === connectorId);
  assert.ok(got.length > 0, `${why}: a StatusNotification for connector ${connectorId}`);
  const p = got[got.length - 1];
  assert.equal(p.connectorStatus, status, `${why}: connector ${connectorId} ${status}`);
  assert.equal(p.evseId, EVSE_ID, `${why}: evseId`);
}

// ---- §2.18 reusable states ---------------------------------------------------------------------------

/** Booting: Reset Immediate accepted; the station goes down. Returns the mark before the reset. */
async function booting(s) {
  const mark = s.mark();
  const r = await s.call("Reset", { type: "Immediate" });
  assert.equal(r.status, "Accepted", "Booting step 2: ResetResponse Accepted");
  return mark;
}

/** Booted: a reset (via "reset", the default) or a power cycle ("powerCycle"), then BootNotification Accepted,
 *  every connector reported (`expect`: connectorId → status, default Available) and a security event
 *  StartupOfTheDevice or ResetOrReboot. Returns the messages from the reset on. */
async function booted(s, { via = "reset", expect = {}, reason } = {}) {
  const mark = s.mark();
  const boots = s.csms.count("BootNotification");
  if (via === "reset") {
    assert.equal((await s.call("Reset", { type: "Immediate" })).status, "Accepted", "Booted step 2: ResetResponse Accepted");
  } else {
    await s.st.powerCycle();
  }
  await s.csms.waitFor("BootNotification", boots + 1, 10_000);
  await s.step(3000);
  const after = s.since(mark);
  const boot = after.find((r) => r.method === "BootNotification");
  if (reason) assert.equal(boot.params.reason, reason, "BootNotification reason");
  for (const c of CONNECTORS) assertStatus(s, mark, c, expect[c] || "Available", "Booted step 5");
  for (const p of s.sentSince(mark, "StatusNotification")) {
    assert.notEqual(p.evseId, 0, "Booted step 5: evseId not 0");
    assert.notEqual(p.connectorId, 0, "Booted step 5: connectorId not 0");
  }
  const sec = s.sentSince(mark, "SecurityEventNotification");
  assert.ok(sec.some((p) => p.type === "StartupOfTheDevice" || p.type === "ResetOrReboot"),
    "Booted step 7: SecurityEventNotification StartupOfTheDevice or ResetOrReboot");
  s.tx.evConnected = s.sim.ev(s.tx.connector).plugged;
  return after;
}

/** ParkingBayOccupied: optional, and this station has no bay sensor (C-09.6 No): nothing to do. */
async function parkingBayOccupied() {}

/** EVConnectedPreSession: the cable goes in; Occupied; a TransactionEvent when the start point or a running
 *  transaction calls for one (Started if this opens the transaction). */
async function evConnectedPreSession(s, { connector = s.tx.connector } = {}) {
  const mark = s.mark();
  await s.plug(connector);
  s.tx.evConnected = true;
  s.tx.connector = connector;
  assertStatus(s, mark, connector, "Occupied", "EVConnectedPreSession step 1");
  const due = s.startPoints.has("EVConnected") || open(s);
  const list = txEventsSince(s, mark, "EVConnectedPreSession step 3");
  if (!due) {
    assert.equal(list.length, 0, "EVConnectedPreSession: no TransactionEvent (no transaction, EVConnected not a start point)");
    return list;
  }
  assert.ok(list.length >= 1, "EVConnectedPreSession step 3: a TransactionEvent");
  const ev = list[0];
  assert.ok(["CablePluggedIn", "ChargingStateChanged", "RemoteStart"].includes(ev.triggerReason), `step 3 triggerReason, got ${ev.triggerReason}`);
  const states = s.tx.authorized ? ["EVConnected", "SuspendedEVSE", "SuspendedEV", "Charging"] : ["EVConnected"];
  assert.ok(states.includes(ev.transactionInfo.chargingState), `step 3 chargingState, got ${ev.transactionInfo.chargingState}`);
  assert.deepEqual(ev.evse, { id: EVSE_ID, connectorId: connector }, "step 3 evse.id and evse.connectorId");
  return list;
}

/** Authorized, A (local, default): the card; Authorize; a TransactionEvent Authorized with the idToken when the
 *  start point or a running transaction calls for one. B ({ remote: true }): RequestStartTransaction. */
async function authorized(s, { remote = false, idToken = ID_TOKEN, remoteStartId = 1, authorizeRemoteStart = false } = {}) {
  const mark = s.mark();
  const running = open(s) ? s.tx.id : null;
  let response = null;
  if (remote) {
    response = await s.call("RequestStartTransaction", { idToken, evseId: EVSE_ID, remoteStartId });
    await s.step(1000);
    assert.equal(response.status, "Accepted", "Authorized B step 2: RequestStartTransactionResponse Accepted");
    if (running) assert.equal(response.transactionId, running, "Authorized B step 2: transactionId of the running transaction");
  } else {
    await s.swipe(idToken.idToken);
  }
  const auth = s.sentSince(mark, "Authorize");
  if (!remote || authorizeRemoteStart) {
    assert.equal(auth.length, 1, `Authorized ${remote ? "B step 3" : "A step 1"}: one AuthorizeRequest`);
    assert.deepEqual(auth[0].idToken, idToken, "AuthorizeRequest idToken");
  } else {
    assert.equal(auth.length, 0, "Authorized B: no AuthorizeRequest (AuthorizeRemoteStart false)");
  }
  s.tx.authorized = true;
  s.tx.remote = remote;
  const due = s.startPoints.has("Authorized") || !!running || (s.tx.evConnected && s.startPoints.has("EVConnected"));
  const list = txEventsSince(s, mark, "Authorized");
  if (!due) {
    assert.equal(list.length, 0, "Authorized: no TransactionEvent before the start point");
    return { response, events: list };
  }
  assert.ok(list.length >= 1, "Authorized: a TransactionEvent");
  const ev = list[0];
  assert.equal(ev.triggerReason, remote ? "RemoteStart" : "Authorized", "Authorized: triggerReason");
  assert.deepEqual(ev.idToken, idToken, "Authorized: idToken");
  if (remote) assert.equal(ev.transactionInfo.remoteStartId, remoteStartId, "Authorized B: transactionInfo.remoteStartId");
  assert.equal(ev.eventType, running ? "Updated" : "Started", "Authorized: eventType");
  return { response, events: list };
}

/** EnergyTransferStarted: from Authorized; the cable if not yet in (part 1), then the EV takes energy (part 2):
 *  the last event ChargingStateChanged / Charging. */
async function energyTransferStarted(s, { connector = s.tx.connector } = {}) {
  if (!s.tx.authorized) await authorized(s);
  const mark = s.mark();
  if (!s.tx.evConnected) {
    await s.plug(connector);
    s.tx.evConnected = true;
    s.tx.connector = connector;
    assertStatus(s, mark, connector, "Occupied", "EnergyTransferStarted step 1");
    const plugged = txEventsSince(s, mark, "EnergyTransferStarted step 3");
    assert.ok(plugged.length >= 1, "EnergyTransferStarted step 3: a TransactionEvent");
    assert.equal(plugged[0].triggerReason, "CablePluggedIn", "EnergyTransferStarted step 3 triggerReason");
    assert.equal(plugged[0].transactionInfo.chargingState, "EVConnected", "EnergyTransferStarted step 3 chargingState");
  }
  const part2 = s.mark();
  await s.ready(connector);
  const list = txEventsSince(s, part2, "EnergyTransferStarted part 2");
  assert.ok(list.length >= 1, "EnergyTransferStarted step 9: a TransactionEvent");
  for (const ev of list) assert.equal(ev.triggerReason, "ChargingStateChanged", "EnergyTransferStarted steps 7/9: triggerReason");
  const lastEv = list[list.length - 1];
  assert.equal(lastEv.transactionInfo.chargingState, "Charging", "EnergyTransferStarted step 9: Charging");
  return list;
}

/** EnergyTransferSuspended: the EV stops taking energy; Updated ChargingStateChanged / SuspendedEV. */
async function energyTransferSuspended(s, { connector = s.tx.connector } = {}) {
  const mark = s.mark();
  await s.suspend(connector);
  const list = txEventsSince(s, mark, "EnergyTransferSuspended");
  assert.equal(list.length, 1, "EnergyTransferSuspended step 1: one TransactionEvent");
  const ev = list[0];
  assert.equal(ev.eventType, "Updated", "EnergyTransferSuspended: eventType (EnergyTransfer is no stop point here, C-10.4 No)");
  assert.ok(["EVConnected", "SuspendedEV"].includes(ev.transactionInfo.chargingState), "EnergyTransferSuspended: chargingState");
  if (ev.transactionInfo.chargingState === "SuspendedEV") assert.equal(ev.triggerReason, "ChargingStateChanged");
  return list;
}

/** StopAuthorized, A (local, default): the same card again. With Authorized (or PowerPathClosed) in TxStopPoint
 *  the transaction ends: errata 2025-01 E07 allows one Ended with StopAuthorized, or an Updated StopAuthorized
 *  and then Ended ChargingStateChanged; either way chargingState EVConnected, stoppedReason Local or omitted.
 *  B ({ remote: true }): RequestStopTransaction, a TransactionEvent RemoteStop. */
async function stopAuthorized(s, { remote = false, idToken = ID_TOKEN } = {}) {
  assert.ok(open(s), "StopAuthorized needs a running transaction");
  const mark = s.mark();
  let response = null;
  if (remote) {
    response = await s.call("RequestStopTransaction", { transactionId: s.tx.id });
    assert.equal(response.status, "Accepted", "StopAuthorized B step 2: RequestStopTransactionResponse Accepted");
    await s.step(2000);
  } else {
    await s.swipe(idToken.idToken);
    await s.step(1000);
  }
  const ends = s.stopPoints.has("Authorized") || s.stopPoints.has("PowerPathClosed");
  // The Ended comes once the power path is open and the current down (its energy is the final register).
  if (ends) await s.stepUntil(() => s.sentSince(mark, "TransactionEvent").some((e) => e.eventType === "Ended"));
  const list = txEventsSince(s, mark, "StopAuthorized");
  assert.ok(list.length >= 1, "StopAuthorized: a TransactionEvent");
  const first = list[0];
  if (remote) {
    assert.equal(first.triggerReason, "RemoteStop", "StopAuthorized B step 3: triggerReason RemoteStop");
  } else {
    assert.equal(first.triggerReason, "StopAuthorized", "StopAuthorized A step 1: triggerReason StopAuthorized");
    if (first.idToken) assert.deepEqual(first.idToken, idToken, "StopAuthorized A step 1: idToken");
  }
  if (ends) {
    const ended = list.find((e) => e.eventType === "Ended");
    assert.ok(ended, "StopAuthorized: Ended (TxStopPoint Authorized)");
    assert.ok(ended === first || ended.triggerReason === "ChargingStateChanged", "StopAuthorized step 3: the Ended's triggerReason");
    assert.equal(ended.transactionInfo.chargingState, "EVConnected", "StopAuthorized step 3: chargingState EVConnected");
    const reason = ended.transactionInfo.stoppedReason;
    if (remote) assert.equal(reason, "Remote", "stoppedReason Remote");
    else assert.ok(reason === undefined || reason === "Local", `StopAuthorized A: stoppedReason Local or omitted, got ${reason}`);
  }
  s.tx.authorized = false;
  return { response, events: list };
}

/** EVConnectedPostSession: a running transaction reports the energy transfer stopped (ChargingStateChanged,
 *  EVConnected); a transaction already ended sends nothing. */
async function evConnectedPostSession(s) {
  const mark = s.mark();
  await s.step(2000);
  const list = txEventsSince(s, mark, "EVConnectedPostSession");
  if (!open(s) && list.length === 0) return list;
  assert.ok(list.length >= 1, "EVConnectedPostSession step 1: a TransactionEvent");
  assert.equal(list[0].triggerReason, "ChargingStateChanged", "EVConnectedPostSession step 1: triggerReason");
  assert.equal(list[0].transactionInfo.chargingState, "EVConnected", "EVConnectedPostSession step 1: chargingState");
  return list;
}

/** EVDisconnected: the cable comes out; Available; a running transaction reports EVCommunicationLost / Idle. */
async function evDisconnected(s, { connector = s.tx.connector } = {}) {
  const wasOpen = open(s);
  const mark = s.mark();
  await s.unplug(connector);
  s.tx.evConnected = false;
  if (wasOpen) await s.stepUntil(() => s.sentSince(mark, "TransactionEvent").length > 0);
  const list = txEventsSince(s, mark, "EVDisconnected");
  if (wasOpen) {
    assert.ok(list.length >= 1, "EVDisconnected step 3: a TransactionEvent");
    assert.equal(list[0].triggerReason, "EVCommunicationLost", "EVDisconnected step 3: triggerReason");
    assert.equal(list[0].transactionInfo.chargingState, "Idle", "EVDisconnected step 3: chargingState Idle");
  } else {
    assert.equal(list.length, 0, "EVDisconnected: nothing more for an ended transaction");
  }
  assertStatus(s, mark, connector, "Available", "EVDisconnected step 1");
  return list;
}

/** ParkingBayUnoccupied: no bay sensor (C-10.5 No), so no transaction can still wait for it: nothing to do. */
async function parkingBayUnoccupied(s) {
  assert.ok(!open(s), "ParkingBayUnoccupied: no stop point is left but the bay, which this station does not have");
}

/** StartOfflineTransaction: the CSMS goes away; card, cable; the CSMS accepts the station again. The events
 *  made offline are delivered afterwards; returns the mark before the CSMS went away. */
async function startOfflineTransaction(s, { idToken = ID_TOKEN, connector = s.tx.connector } = {}) {
  const mark = s.mark();
  await s.csmsGone();
  await s.swipe(idToken.idToken);
  await s.plug(connector);
  s.tx.evConnected = true;
  s.tx.authorized = true;
  await s.csmsBack();
  return mark;
}

/** Unavailable: ChangeAvailability Inoperative for the station, an EVSE or a connector; Accepted and every
 *  connector of it reported Unavailable. */
async function unavailable(s, { evseId, connectorId } = {}) {
  const mark = s.mark();
  const req = { operationalStatus: "Inoperative" };
  if (evseId) req.evse = connectorId ? { id: evseId, connectorId } : { id: evseId };
  assert.equal((await s.call("ChangeAvailability", req)).status, "Accepted", "Unavailable step 2: Accepted");
  await s.step(1000);
  for (const c of connectorId ? [connectorId] : CONNECTORS) assertStatus(s, mark, c, "Unavailable", "Unavailable step 3");
}

// ---- §2.19 memory states -----------------------------------------------------------------------------

/** TransactionEventsInQueueEnded: a whole transaction while the CSMS is away (card, cable, same card, cable out);
 *  then the CSMS takes the station back. Returns the mark before it went away. */
async function transactionEventsInQueueEnded(s, { idToken = ID_TOKEN, connector = s.tx.connector } = {}) {
  const mark = s.mark();
  await s.csmsGone();
  await s.plug(connector);
  await s.swipe(idToken.idToken);
  await s.step(2000);
  await s.swipe(idToken.idToken);
  await s.step(1000);
  await s.unplug(connector);
  await s.csmsBack();
  return mark;
}

module.exports = {
  conformance, ID_TOKEN, EVSE_ID, CONNECTOR_ID, CONNECTORS, txEventsSince, assertStatus,
  states: {
    booting, booted, parkingBayOccupied, evConnectedPreSession, authorized, energyTransferStarted,
    energyTransferSuspended, stopAuthorized, evConnectedPostSession, evDisconnected, parkingBayUnoccupied,
    startOfflineTransaction, unavailable, transactionEventsInQueueEnded,
  },
};
