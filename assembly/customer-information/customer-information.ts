// CustomerInformation (N09 report, N10 clear): the CSMS names a customer by idToken or by a customer certificate;
// the station reports what it holds about them and/or removes it, then sends NotifyCustomerInformation pages for
// the request (also when nothing is found, and after a clear without report: TC_N_28/31/32_CS). The data itself
// belongs to other blocks, asked through core/customer-data.ts. customerIdentifier is not supported (target PICS
// C-14 No): such a request is Rejected. This station has no ISO 15118 and keeps no customer (contract)
// certificates, so a customerCertificate request is answered "nothing held".
import {
  Tape, RpcError, Action, actionRequestType, CustomerInformationRequest, CustomerInformationResponse,
  CustomerInformationStatusEnumType, NotifyCustomerInformationRequest, IdTokenType, StatusInfoType,
} from "../ocpp";
import { Block } from "../core/block";
import { CustomerData } from "../core/customer-data";
import { formatDateTime } from "../util/datetime";
import { clock_wall_ms } from "../host/abi";

/** NotifyCustomerInformationRequest.data: at most 512 characters per page (schema). */
export const PAGE_CHARS: i32 = 512;

export class CustomerInformation extends Block {
  /** The request whose pages are being sent; -1: none. */
  private requestId: i32 = -1;
  private text: string = "";
  private seqNo: i32 = 0;
  private inFlight: bool = false;
  private stamp: usize = heap.alloc(24);

  constructor(private data: CustomerData) { super(); }

  handleCall(action: i32, req: Tape, resp: Tape): i32 {
    const r = req.root;
    const report = req.getBool(r, CustomerInformationRequest.report);
    const clear = req.getBool(r, CustomerInformationRequest.clear);
    const byToken = req.has(r, CustomerInformationRequest.idToken);
    const byCert = req.has(r, CustomerInformationRequest.customerCertificate);
    const byCustomer = req.has(r, CustomerInformationRequest.customerIdentifier);
    const named = (byToken ? 1 : 0) + (byCert ? 1 : 0) + (byCustomer ? 1 : 0);
    // One customer, and something to do with them; a second request waits until the pages of the first are out.
    if (named != 1 || (!report && !clear)) return this.answer(resp, CustomerInformationStatusEnumType.Invalid, "InvalidValue");
    if (byCustomer) return this.answer(resp, CustomerInformationStatusEnumType.Rejected, "UnsupportedParam");
    if (this.requestId >= 0) return this.answer(resp, CustomerInformationStatusEnumType.Rejected, "TryAgainLater");

    let text: string;
    if (byToken) {
      const t = req.getObject(r, CustomerInformationRequest.idToken);
      const token = req.getString(t, IdTokenType.idToken), type = req.getEnum(t, IdTokenType.type);
      const who = "idToken " + token;
      // Report first: what was held before the clear (N10 clear and report).
      const found = report ? this.data.report(token, type) : "";
      const kept = clear ? this.data.clear(token, type) : "";
      text = report ? (found.length > 0 ? who + ": " + found : "No data found for " + who + ".") : "";
      if (clear) {
        if (text.length > 0) text += " ";
        text += kept.length > 0 ? "Data of " + who + " cleared, except: " + kept : "Data of " + who + " cleared.";
      }
    } else {
      text = report ? "No data found for the customer certificate: this station keeps no customer certificates." : "";
      if (clear) text += (text.length > 0 ? " " : "") + "Customer certificate data cleared (none held).";
    }
    this.requestId = <i32>req.getInt(r, CustomerInformationRequest.requestId);
    this.text = text;
    this.seqNo = 0;
    this.inFlight = false;
    return this.answer(resp, CustomerInformationStatusEnumType.Accepted, "");
  }

  private answer(resp: Tape, status: i32, reason: string): i32 {
    resp.setEnum(resp.root, CustomerInformationResponse.status, status);
    if (reason.length > 0) resp.setString(resp.newObject(resp.root, CustomerInformationResponse.statusInfo), StatusInfoType.reasonCode, reason);
    return RpcError.None;
  }

  /** The next page: seqNo 0.., tbc on all but the last. */
  nextCall(req: Tape): i32 {
    if (this.requestId < 0 || this.inFlight) return -1;
    const root = req.newRoot(actionRequestType(Action.NotifyCustomerInformation));
    const from = this.seqNo * PAGE_CHARS;
    const last = from + PAGE_CHARS >= this.text.length;
    req.setString(root, NotifyCustomerInformationRequest.data, this.text.substring(from, from + PAGE_CHARS));
    req.setBool(root, NotifyCustomerInformationRequest.tbc, !last);
    req.setInt(root, NotifyCustomerInformationRequest.seqNo, this.seqNo);
    formatDateTime(clock_wall_ms(), this.stamp);
    req.setBytes(root, NotifyCustomerInformationRequest.generatedAt, this.stamp, 24);
    req.setInt(root, NotifyCustomerInformationRequest.requestId, this.requestId);
    this.inFlight = true;
    return Action.NotifyCustomerInformation;
  }

  onCallResult(action: i32, resp: Tape): void {
    this.inFlight = false;
    this.seqNo++;
    if (this.seqNo * PAGE_CHARS >= this.text.length) this.done();
  }

  /** A page that got no answer is sent again (same seqNo); a CALLERROR ends the report. */
  onCallFailed(action: i32, failure: i32): void {
    this.inFlight = false;
    if (failure > 0) this.done();
  }

  private done(): void { this.requestId = -1; this.text = ""; this.seqNo = 0; }
}
