// The CSMS-side check of transaction delivery (issue "Core behaviour II", power-cut campaign): per transaction,
// every seqNo from 0 up to the Ended arrives (lost = a gap or no Ended), the first arrival of each seqNo is in
// order (out-of-order), a seqNo that arrives again carries the same content (duplicated = different content;
// identical re-sends of a message unacknowledged at the cut are counted apart), one Started first, one Ended last,
// and the energy register never goes back within a transaction (energyBack: the reading each event was made with,
// in seqNo order, and the meterValue elements within each event, the Ended's TxEnded samples included).
"use strict";

const ENERGY = "Energy.Active.Import.Register";

/** events: TransactionEvent request payloads in arrival order. Returns the counts and the problems found. */
function checkTransactions(events, { requireEnded = true } = {}) {
  const byTx = new Map();
  for (const e of events) {
    const id = e.transactionInfo.transactionId;
    if (!byTx.has(id)) byTx.set(id, []);
    byTx.get(id).push(e);
  }
  const r = { transactions: byTx.size, events: events.length, lost: 0, duplicated: 0, resent: 0, outOfOrder: 0,
    notEnded: 0, energyBack: 0, problems: [] };
  const note = (what) => { if (r.problems.length < 20) r.problems.push(what); };
  for (const [id, list] of byTx) {
    const seen = new Map();
    let highest = -1;
    for (const e of list) {
      const key = JSON.stringify(e);
      if (seen.has(e.seqNo)) {
        if (seen.get(e.seqNo) === key) r.resent++;
        else { r.duplicated++; note(`${id}: seqNo ${e.seqNo} sent twice with different content`); }
        continue;
      }
      seen.set(e.seqNo, key);
      if (e.seqNo < highest) { r.outOfOrder++; note(`${id}: seqNo ${e.seqNo} after ${highest}`); }
      highest = Math.max(highest, e.seqNo);
    }
    for (let s = 0; s <= highest; s++) if (!seen.has(s)) { r.lost++; note(`${id}: seqNo ${s} missing`); }
    const firsts = [...seen.values()].map((k) => JSON.parse(k));
    const started = firsts.filter((e) => e.eventType === "Started");
    const ended = firsts.filter((e) => e.eventType === "Ended");
    if (started.length !== 1 || !seen.has(0) || JSON.parse(seen.get(0)).eventType !== "Started") {
      r.lost++; note(`${id}: no Started at seqNo 0`);
    }
    if (ended.length > 1) { r.duplicated++; note(`${id}: ${ended.length} Ended`); }
    if (ended.length === 1 && ended[0].seqNo !== highest) { r.outOfOrder++; note(`${id}: events after the Ended`); }
    if (ended.length === 0 && requireEnded) { r.notEnded++; note(`${id}: never ended`); }
    // An event's last meterValue element is its reading when it was made; the elements before it (the Ended's
    // TxEnded samples) were taken earlier in the transaction.
    let current = -Infinity;
    for (const e of firsts.sort((a, b) => a.seqNo - b.seqNo)) {
      const readings = (e.meterValue || []).map((mv) => mv.sampledValue.find((v) => (v.measurand || ENERGY) === ENERGY))
        .filter((v) => v).map((v) => v.value);
      for (let i = 1; i < readings.length; i++) {
        if (readings[i] < readings[i - 1]) { r.energyBack++; note(`${id}: seqNo ${e.seqNo} energy ${readings[i]} Wh after ${readings[i - 1]} Wh`); }
      }
      if (readings.length === 0) continue;
      const now = readings[readings.length - 1];
      if (now < current) { r.energyBack++; note(`${id}: seqNo ${e.seqNo} energy ${now} Wh after ${current} Wh`); }
      current = Math.max(current, now);
    }
  }
  return r;
}

module.exports = { checkTransactions };
