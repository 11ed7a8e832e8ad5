// Reset (B11, B12): the whole station, OnIdle or Immediate; per-EVSE reset is not supported (C-13: No).
// An Immediate reset ends a running transaction (ResetCommand / ImmediateReset); OnIdle waits for it
// (Scheduled). The reboot waits until the transaction messages are delivered, at most REBOOT_GRACE_MS, and
// the next BootNotification says why (persisted across the reboot): RemoteReset for a reset done when asked,
// ScheduledReset for an OnIdle reset that waited for the transaction to end (TC_B_21_CS step 7).
import { Tape, RpcError, ResetRequest, ResetResponse, ResetEnumType, ResetStatusEnumType, BootReasonEnumType } from "../ocpp";
import { system_reboot } from "../host/abi";
import { Block } from "../core/block";
import { Context } from "../core/context";
import { Session } from "../core/session";
import { kvGet, kvPut, kvDelete } from "../util/kv";
import { logInfo } from "../util/log";

const REBOOT_GRACE_MS: i64 = 10000;
const REASON_KEY = "boot.reason";

export class ResetControl extends Block {
  private waitIdle: bool = false;
  private rebootBy: i64 = i64.MAX_VALUE;
  private buf: StaticArray<i32> = new StaticArray<i32>(1);

  /** The boot reason left by the previous run (RemoteReset...), or PowerUp; consumed. */
  takeBootReason(): i32 {
    const p = changetype<usize>(this.buf);
    if (kvGet(REASON_KEY, p, 4) != 4) return BootReasonEnumType.PowerUp;
    kvDelete(REASON_KEY);
    return this.buf[0];
  }

  constructor(private ctx: Context, private session: Session) { super(); }

  /** Reset (B11, B12): a running transaction is ended at once when Immediate, else the reset waits for it. */
  handleCall(action: i32, req: Tape, resp: Tape): i32 {
    if (this.handle(req, resp, this.session.rec.active)) this.session.onReset();
    return RpcError.None;
  }

  /** Returns true when a running transaction must be ended now (Immediate). */
  private handle(req: Tape, resp: Tape, txActive: bool): bool {
    const root = req.root;
    let status = ResetStatusEnumType.Accepted;
    let endTx = false;
    if (req.has(root, ResetRequest.evseId)) status = ResetStatusEnumType.Rejected;
    else if (req.getEnum(root, ResetRequest.type) == ResetEnumType.Immediate) {
      endTx = txActive;
      this.schedule(BootReasonEnumType.RemoteReset);
    } else if (txActive) {
      this.waitIdle = true;
      status = ResetStatusEnumType.Scheduled;
    } else this.schedule(BootReasonEnumType.RemoteReset);
    resp.setEnum(resp.root, ResetResponse.status, status);
    return endTx;
  }

  private schedule(reason: i32): void {
    this.waitIdle = false;
    this.buf[0] = reason;
    kvPut(REASON_KEY, changetype<usize>(this.buf), 4);
    this.rebootBy = this.ctx.now + REBOOT_GRACE_MS;
    logInfo("reset: rebooting once the transaction messages are out");
  }

  /** idle: no transaction; drained: no transaction message waiting or in flight. */
  check(idle: bool, drained: bool): void {
    if (this.waitIdle && idle) this.schedule(BootReasonEnumType.ScheduledReset);
    if (this.rebootBy == i64.MAX_VALUE) return;
    if (drained || this.ctx.now >= this.rebootBy) {
      this.rebootBy = i64.MAX_VALUE;
      system_reboot(0);
    }
  }

  /** The reboot's deadline: react() (check()) runs on every event, this tick included. */
  nextWakeup(): i64 { return this.rebootBy; }
}
