// What every block shares without owning it: the one clock. The station sets it once per host event (init,
// tick); blocks read it and never keep a copy, so no block acts on a stale time. Unmanaged: the collection
// after every event never traces it.

@unmanaged export class Context {
  /** The host's monotonic clock (ms) at the current event. */
  now: i64 = 0;
}
