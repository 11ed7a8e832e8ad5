// Collection only when something was allocated since the last one (issue 17). The host still calls `__collect()`
// after every event (docs/host-abi.md "Runtime"); asconfig.json's `use` aliases the runtime's __new, __renew and
// __collect to the functions below, which wrap the stock minimal runtime (TCMS) unchanged.
//
// Skipping is safe: after a collection every object left is reachable, so with nothing allocated since, the only
// garbage can be objects an event dropped without allocating; the next collection (after the next event that
// allocates) frees them. The heap's high water therefore stays what it was: what was live at some collection plus
// what one event allocates.
import { __new as tcmsNew, __renew as tcmsRenew, __collect as tcmsCollect } from "~lib/rt/tcms";

// @lazy: start-up allocates before this file's globals would be initialized.
// @ts-ignore: decorator
@lazy let allocatedSinceCollect: bool = true;

// @ts-ignore: decorator
@global @unsafe
export function __new_counted(size: usize, id: i32): usize {
  allocatedSinceCollect = true;
  return tcmsNew(size, id);
}

// @ts-ignore: decorator
@global @unsafe
export function __renew_counted(oldPtr: usize, size: usize): usize {
  allocatedSinceCollect = true;
  return tcmsRenew(oldPtr, size);
}

// @ts-ignore: decorator
@global @unsafe
export function __collect_if_allocated(): void {
  if (!allocatedSinceCollect) return;
  allocatedSinceCollect = false;
  tcmsCollect();
}
