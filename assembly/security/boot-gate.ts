// What the CSMS may ask of a station whose boot is Pending (B02): it may read and change the configuration
// (B02.FR.01: GetVariables, SetVariables, GetBaseReport, GetReport) and trigger messages, the BootNotification
// among them (F06.FR.17). RequestStartTransaction and RequestStopTransaction are answered, with Rejected (the
// CSMS may not start or stop a transaction while Pending; TC_B_02_CS step 12 expects the response). Anything
// else is answered with CALLERROR SecurityError, as the CSMS answers a station that sends what its state does
// not allow (Part 4 FR.04, errata 2025-01); while Rejected, every request is (B03, TC_B_30_CS).
import { Action } from "../ocpp";

export function servedWhilePending(action: i32): bool {
  switch (action) {
    case Action.GetVariables: case Action.SetVariables: case Action.GetBaseReport: case Action.GetReport:
    case Action.TriggerMessage: case Action.RequestStartTransaction: case Action.RequestStopTransaction:
      return true;
  }
  return false;
}
