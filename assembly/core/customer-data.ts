// What the customer-information block (N09/N10) asks of the blocks that hold data about a customer: the station
// forwards it to each owner (today the transaction block: the running transaction's idToken). Text, because it
// goes into NotifyCustomerInformation as it is.
export class CustomerData {
  /** What is held about the customer with this idToken (IdTokenEnumType), as text; "" when nothing. */
  report(idToken: string, type: i32): string { return ""; }
  /** Removes what is held about the idToken; what had to be kept, and why, as text ("": nothing kept). */
  clear(idToken: string, type: i32): string { return ""; }
}
