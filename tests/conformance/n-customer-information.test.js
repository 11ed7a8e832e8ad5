// Block N, customer information (N09 report, N10 clear): TC_N_32_CS, the one Core case of Part 5 for it that
// applies to the target without more. TC_N_27/28/30/31_CS are conditional on Local Authorization List Management or
// an authorization cache (C-49 No), which the target does not have yet: they come with the local list
// (tests/conformance/cases.tsv). TC_N_62_CS needs customerIdentifier (C-14 No): the station rejects it (below).
// Station configuration assumed: the defaults; the station keeps about an idToken only its running transaction
// (assembly/customer-information/, docs/architecture.md), so with no transaction it holds nothing.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { HOST } = require("../helpers/station-host.js");
const { conformance, states, ID_TOKEN } = require("./states.js");

/** The test tool answers NotifyCustomerInformation as a Core CSMS does (an empty response). */
const CSMS = { handlers: { NotifyCustomerInformation: () => ({}) } };
const REQUEST_ID = 32;

/** The NotifyCustomerInformation pages of one request, checked for the rules every page follows: requestId,
 *  seqNo 0.. in order, tbc on all but the last, generatedAt a date-time, data within 512 characters. */
function pagesOf(s, mark, requestId, why) {
  const pages = s.sentSince(mark, "NotifyCustomerInformation");
  assert.ok(pages.length >= 1, `${why}: at least one NotifyCustomerInformationRequest`);
  pages.forEach((p, i) => {
    assert.equal(p.requestId, requestId, `${why}: page ${i} requestId of the CustomerInformationRequest`);
    assert.equal(p.seqNo, i, `${why}: page ${i} seqNo`);
    assert.equal(p.tbc === true, i < pages.length - 1, `${why}: page ${i} tbc true on all but the last`);
    assert.ok(!Number.isNaN(Date.parse(p.generatedAt)), `${why}: page ${i} generatedAt is a date-time`);
    assert.ok(p.data.length <= 512, `${why}: page ${i} data within 512 characters`);
  });
  return pages;
}

test(`[${HOST}] TC_N_32_CS Clear Customer Information - Clear and no report`, async (t) => {
  const s = await conformance(t, { csms: CSMS });
  // Before: Configuration, Memory and Charging State N/a; the prerequisite (no customer information about the
  // <Configured valid idToken fields>) holds: no transaction has run.
  // Main step 1: CustomerInformationRequest report false, clear true, idToken <Configured valid idToken fields>.
  const mark = s.mark();
  const r = await s.call("CustomerInformation", { requestId: REQUEST_ID, report: false, clear: true, idToken: ID_TOKEN });
  // Tool validations, step 2: CustomerInformationResponse status Accepted.
  assert.equal(r.status, "Accepted", "step 2: CustomerInformationResponse status Accepted");
  // Steps 3-4: the station sends NotifyCustomerInformationRequest; the tool answers it.
  await s.step(2000);
  const pages = pagesOf(s, mark, REQUEST_ID, "step 3");
  // Post scenario validation: a message is sent indicating that the data is cleared (N10.FR.06: one message).
  assert.equal(pages.length, 1, "step 3: one NotifyCustomerInformationRequest");
  assert.match(pages[0].data, /cleared/i, "post scenario: the message says the data is cleared");
  assert.equal(s.since(mark).filter((m) => m.method !== "NotifyCustomerInformation").length, 0,
    "nothing else sent after the CustomerInformationRequest");
  await s.step(5000);
  assert.equal(s.sentSince(mark, "NotifyCustomerInformation").length, 1, "the page is sent once (answered)");
});

// Not certification cases: the rest of N09/N10 as this station implements them.

test(`[${HOST}] CustomerInformation: report and clear with a running transaction, then nothing found`, async (t) => {
  const s = await conformance(t, { csms: CSMS });
  await states.evConnectedPreSession(s);
  await states.authorized(s);
  assert.ok(s.tx.id, "a transaction runs");
  // Report: the running transaction, authorized with the idToken.
  let mark = s.mark();
  let r = await s.call("CustomerInformation", { requestId: 1, report: true, clear: false, idToken: ID_TOKEN });
  assert.equal(r.status, "Accepted");
  await s.step(2000);
  let pages = pagesOf(s, mark, 1, "report");
  assert.equal(pages.length, 1);
  assert.ok(pages[0].data.includes(ID_TOKEN.idToken) && pages[0].data.includes(s.tx.id),
    `report names the idToken and the transaction (${pages[0].data})`);
  // Another idToken, or the same token of another type: nothing held.
  mark = s.mark();
  r = await s.call("CustomerInformation", { requestId: 2, report: true, clear: false, idToken: { idToken: ID_TOKEN.idToken, type: "Central" } });
  assert.equal(r.status, "Accepted");
  await s.step(2000);
  pages = pagesOf(s, mark, 2, "other type");
  assert.match(pages[0].data, /no data found/i, "N09: a message saying nothing was found");
  // Clear and report while it runs: reported, and the token kept until the transaction ends (said so).
  mark = s.mark();
  r = await s.call("CustomerInformation", { requestId: 3, report: true, clear: true, idToken: ID_TOKEN });
  assert.equal(r.status, "Accepted");
  await s.step(2000);
  pages = pagesOf(s, mark, 3, "clear and report");
  t.diagnostic(`clear and report: ${pages[0].data}`);
  assert.ok(pages[0].data.includes(s.tx.id) && /cleared, except/i.test(pages[0].data), `clear and report (${pages[0].data})`);
  // The transaction still ends by the same card; afterwards nothing about the token is held.
  await states.stopAuthorized(s);
  await states.evDisconnected(s);
  mark = s.mark();
  r = await s.call("CustomerInformation", { requestId: 4, report: true, clear: false, idToken: ID_TOKEN });
  assert.equal(r.status, "Accepted");
  await s.step(2000);
  pages = pagesOf(s, mark, 4, "after the transaction");
  assert.match(pages[0].data, /no data found/i, "nothing held once the transaction ended");
});

test(`[${HOST}] CustomerInformation: queued TransactionEvents naming the idToken are reported and kept until delivered`, async (t) => {
  let failing = true;
  const busy = () => { const e = new Error("busy"); e.rpcErrorCode = "InternalError"; throw e; };
  const s = await conformance(t, { csms: { handlers: { ...CSMS.handlers,
    TransactionEvent: (p) => (failing ? busy() : (p.idToken ? { idTokenInfo: { status: "Accepted" } } : {})) } } });
  // The CSMS refuses the TransactionEvents for now: the card's events stay queued (E13 retries).
  await s.plug(1);
  await s.swipe(ID_TOKEN.idToken);
  await s.step(1000);
  await s.swipe(ID_TOKEN.idToken);   // the same card ends the transaction: its Ended names the token too
  await s.step(1000);
  await s.unplug(1);
  await s.step(1000);
  let mark = s.mark();
  let r = await s.call("CustomerInformation", { requestId: 11, report: true, clear: true, idToken: ID_TOKEN });
  assert.equal(r.status, "Accepted");
  await s.step(1000);
  let pages = pagesOf(s, mark, 11, "queued events");
  t.diagnostic(`queued events: ${pages[0].data}`);
  assert.match(pages[0].data, /\d+ TransactionEvents naming it wait to be sent/, "the queued events are reported");
  assert.match(pages[0].data, /queued TransactionEvents keep it until the CSMS has them/, "and kept by the clear");
  assert.doesNotMatch(pages[0].data, /running transaction/, "no transaction runs");
  // Once the CSMS has them, nothing about the token is left.
  failing = false;
  await s.step(120_000);
  assert.deepEqual(await s.call("GetTransactionStatus", {}), { messagesInQueue: false }, "the queue is empty");
  mark = s.mark();
  r = await s.call("CustomerInformation", { requestId: 12, report: true, clear: false, idToken: ID_TOKEN });
  await s.step(1000);
  pages = pagesOf(s, mark, 12, "after delivery");
  assert.match(pages[0].data, /no data found/i, "nothing held once the events are delivered");
});

test(`[${HOST}] CustomerInformation: customerCertificate (none held), customerIdentifier (C-14 No), invalid requests`, async (t) => {
  const s = await conformance(t, { csms: CSMS });
  const cert = { hashAlgorithm: "SHA256", issuerNameHash: "a".repeat(64), issuerKeyHash: "b".repeat(64), serialNumber: "01" };
  let mark = s.mark();
  let r = await s.call("CustomerInformation", { requestId: 5, report: true, clear: true, customerCertificate: cert });
  assert.equal(r.status, "Accepted", "customerCertificate: Accepted");
  await s.step(2000);
  const pages = pagesOf(s, mark, 5, "customerCertificate");
  assert.equal(pages.length, 1);
  assert.match(pages[0].data, /no data found/i, "no customer certificate held");
  // customerIdentifier is not supported (target PICS C-14 No): Rejected, no report.
  mark = s.mark();
  r = await s.call("CustomerInformation", { requestId: 6, report: true, clear: false, customerIdentifier: "customer-1" });
  assert.equal(r.status, "Rejected", "customerIdentifier: Rejected");
  // No customer named, two named, or neither report nor clear: Invalid.
  r = await s.call("CustomerInformation", { requestId: 7, report: true, clear: false });
  assert.equal(r.status, "Invalid", "no customer named: Invalid");
  r = await s.call("CustomerInformation", { requestId: 8, report: true, clear: false, idToken: ID_TOKEN, customerCertificate: cert });
  assert.equal(r.status, "Invalid", "two customers named: Invalid");
  r = await s.call("CustomerInformation", { requestId: 9, report: false, clear: false, idToken: ID_TOKEN });
  assert.equal(r.status, "Invalid", "neither report nor clear: Invalid");
  await s.step(2000);
  assert.equal(s.sentSince(mark, "NotifyCustomerInformation").length, 0, "no NotifyCustomerInformation for a refused request");
});
