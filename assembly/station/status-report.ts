// status_report(): the station's state as one JSON object for the bench and `make run` (docs/host-abi.md).
// Written with the transaction writer (free between events) and copied into the RX buffer.
import { RX_BUFFER, RX_CAPACITY } from "../host/buffers";
import { ChargingStateEnumType, ConnectorEnumType, enumValuePtr, enumValueLen } from "../ocpp";
import { clock_wall_ms } from "../host/abi";
import { EventJson } from "../transactions/event-json";
import { CONNECTOR_COUNT, EVSE_ID } from "../core/topology";
import { statusName } from "../availability/availability";
import { M_ENERGY_IMPORT, M_POWER_IMPORT, M_CURRENT_IMPORT, M_VOLTAGE, M_SOC } from "../hardware/measurands";
import { WS_OPEN, WS_IDLE, WS_WAIT } from "../ws/connection";
import { RegistrationState } from "../provisioning/registration";
import { Transactions } from "../transactions/transactions";
import { ChargerHardware } from "../hardware/hardware";
import { Availability } from "../availability/availability";
import { Topology } from "../core/topology";

const CP_NAMES = "?ABCDEFX";

export function writeStatus(tx: Transactions, registration: i32, ws: i32, hw: ChargerHardware, availability: Availability,
                            topology: Topology): i32 {
  const j: EventJson = tx.json;
  j.begin();
  j.strField("csms", ws == WS_OPEN ? "connected" : ws == WS_IDLE || ws == WS_WAIT ? "offline" : "connecting");
  const reg = registration;
  j.strField("registration", reg == RegistrationState.Accepted ? "Accepted" : reg == RegistrationState.Pending ? "Pending"
    : reg == RegistrationState.Rejected ? "Rejected" : "None");
  j.timeField("time", clock_wall_ms());
  j.intField("queuedEvents", tx.queue.count());
  j.key("evses");
  j.w.byte(0x5b);
  j.w.byte(0x7b);
  j.first = true;
  j.intField("id", EVSE_ID);
  const r = tx.rec;
  j.key("transactionId");
  if (r.active) j.w.string(r.id); else j.w.raw("null");
  j.key("chargingState");
  if (tx.connector > 0 || r.active) j.w.stringBytes(enumValuePtr(ChargingStateEnumType.TYPE, tx.chargingState),
    enumValueLen(ChargingStateEnumType.TYPE, tx.chargingState));
  else j.w.raw("null");
  j.boolField("authorized", r.active ? r.authorized : tx.held);
  if (r.active && r.idToken.length > 0) j.strField("idToken", r.idToken);
  const c = tx.connector > 0 ? tx.connector : 1;
  num(j, "energyWh", hw.measurand(c, M_ENERGY_IMPORT));
  num(j, "powerW", hw.measurand(c, M_POWER_IMPORT));
  num(j, "currentA", hw.measurand(c, M_CURRENT_IMPORT));
  num(j, "voltageV", hw.measurand(c, M_VOLTAGE));
  num(j, "soc", tx.connector > 0 ? hw.measurand(c, M_SOC) : NaN);
  j.intField("moduleFaults", hw.module.faults);
  j.boolField("meterFault", hw.meter.faulted);
  j.boolField("readerFault", hw.rfid.faulted);
  j.key("connectors");
  j.w.byte(0x5b);
  for (let i = 0; i < CONNECTOR_COUNT; i++) {
    if (i > 0) j.w.byte(0x2c);
    j.w.byte(0x7b);
    j.first = true;
    const k = availability.connectors[i];
    j.intField("id", i + 1);
    j.key("type");
    const t = topology.connectorType(i + 1);
    j.w.stringBytes(enumValuePtr(ConnectorEnumType.TYPE, t), enumValueLen(ConnectorEnumType.TYPE, t));
    j.strField("status", statusName(k.status));
    const cp = hw.cp[i].state;
    j.strField("cp", CP_NAMES.charAt(cp >= 0 && cp < 8 ? cp : 0));
    j.boolField("contactor", hw.contactor[i].commanded);
    j.boolField("lock", hw.lock[i].commanded);
    j.w.byte(0x7d);
  }
  j.w.byte(0x5d);
  j.first = false;
  j.w.byte(0x7d);
  j.w.byte(0x5d);
  j.first = false;
  j.end();
  if (j.w.overflow || j.w.len() > RX_CAPACITY) return -1;
  memory.copy(RX_BUFFER, j.w.ptr(), <usize>j.w.len());
  return j.w.len();
}

function num(j: EventJson, name: string, v: f64): void {
  j.key(name);
  if (isNaN(v)) j.w.raw("null"); else j.w.decimal(<i64>Math.round(v * 10), -1);
}
