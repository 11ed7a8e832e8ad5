// CustomerInformation (customer-information/): the NotifyCustomerInformation pages of a report longer than one
// page (512 characters each, seqNo from 0, tbc on all but the last), a page resent after no answer, a report
// ended by a CALLERROR, and a second request refused while pages are out. The scenarios are in
// tests/conformance/n-customer-information.test.js; no data the station holds today fills more than one page.
import {
  Tape, Action, actionRequestType, actionResponseType, RpcError, CustomerInformationRequest,
  CustomerInformationResponse, CustomerInformationStatusEnumType, NotifyCustomerInformationRequest, IdTokenType,
  IdTokenEnumType,
} from "../ocpp";
import { CustomerInformation } from "../customer-information/customer-information";
import { CustomerData } from "../core/customer-data";
import { CallFailure } from "../rpc/app";

/** Holds a long text about "LONG", nothing about anyone else. */
class LongData extends CustomerData {
  report(idToken: string, type: i32): string { return idToken == "LONG" ? LONG_TEXT : ""; }
  clear(idToken: string, type: i32): string { return ""; }
}

function longText(): string {
  let s = "";
  for (let i = 0; i < 1100; i++) s += String.fromCharCode(65 + i % 26);
  return s;
}
const LONG_TEXT: string = longText();
const req = new Tape(1024, 2048);
const resp = new Tape(1024, 2048);
const out = new Tape(1024, 4096);

function ask(ci: CustomerInformation, requestId: i32, token: string): i32 {
  req.reset(); resp.reset();
  const r = req.newRoot(actionRequestType(Action.CustomerInformation));
  req.setInt(r, CustomerInformationRequest.requestId, requestId);
  req.setBool(r, CustomerInformationRequest.report, true);
  req.setBool(r, CustomerInformationRequest.clear, false);
  const t = req.newObject(r, CustomerInformationRequest.idToken);
  req.setString(t, IdTokenType.idToken, token);
  req.setEnum(t, IdTokenType.type, IdTokenEnumType.ISO14443);
  resp.newRoot(actionResponseType(Action.CustomerInformation));
  expect<i32>(ci.handleCall(Action.CustomerInformation, req, resp)).toBe(RpcError.None);
  return resp.getEnum(resp.root, CustomerInformationResponse.status);
}

function page(ci: CustomerInformation): string {
  out.reset();
  const a = ci.nextCall(out);
  if (a < 0) return "<none>";
  expect<i32>(a).toBe(Action.NotifyCustomerInformation);
  const r = out.root;
  return out.getInt(r, NotifyCustomerInformationRequest.requestId).toString() + " "
    + out.getInt(r, NotifyCustomerInformationRequest.seqNo).toString() + " "
    + (out.getBool(r, NotifyCustomerInformationRequest.tbc) ? "tbc " : "last ")
    + out.getStrLen(r, NotifyCustomerInformationRequest.data).toString() + " "
    + out.getString(r, NotifyCustomerInformationRequest.data).substring(0, 3);
}

describe("customer information pages", () => {
  it("cuts a long report into pages of 512 characters, tbc on all but the last", () => {
    const ci = new CustomerInformation(new LongData());
    expect<i32>(ask(ci, 7, "LONG")).toBe(CustomerInformationStatusEnumType.Accepted);
    // "idToken LONG: " (14) + 1100 characters = 1114: 512 + 512 + 90.
    expect<string>(page(ci)).toBe("7 0 tbc 512 idT");
    expect<string>(page(ci)).toBe("<none>");            // one call at a time
    ci.onCallResult(Action.NotifyCustomerInformation, resp);
    expect<string>(page(ci)).toBe("7 1 tbc 512 " + LONG_TEXT.substring(498, 501));
    ci.onCallFailed(Action.NotifyCustomerInformation, CallFailure.Timeout);
    expect<string>(page(ci)).toBe("7 1 tbc 512 " + LONG_TEXT.substring(498, 501));   // the same page again
    expect<i32>(ask(ci, 8, "LONG")).toBe(CustomerInformationStatusEnumType.Rejected);  // pages still out
    ci.onCallResult(Action.NotifyCustomerInformation, resp);
    expect<string>(page(ci)).toBe("7 2 last 90 " + LONG_TEXT.substring(1010, 1013));
    ci.onCallResult(Action.NotifyCustomerInformation, resp);
    expect<string>(page(ci)).toBe("<none>");
  });

  it("sends one page when nothing is found; a CALLERROR ends the report", () => {
    const ci = new CustomerInformation(new LongData());
    expect<i32>(ask(ci, 9, "OTHER")).toBe(CustomerInformationStatusEnumType.Accepted);
    expect<string>(page(ci)).toBe("9 0 last 32 No ");
    ci.onCallResult(Action.NotifyCustomerInformation, resp);
    expect<string>(page(ci)).toBe("<none>");
    expect<i32>(ask(ci, 10, "LONG")).toBe(CustomerInformationStatusEnumType.Accepted);
    page(ci);
    ci.onCallFailed(Action.NotifyCustomerInformation, RpcError.InternalError);
    expect<string>(page(ci)).toBe("<none>");
  });
});
