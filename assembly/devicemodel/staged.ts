// SetVariables values accepted while the request arrives, applied only once the whole request is known valid
// (docs/streaming.md). One slot per variable the CSMS can write, as long as the variable's own value buffer: a
// later item for the same variable replaces the earlier one, so the space is bounded by the catalog, not by
// the item count.
import { def, varCount } from "../core/catalog";

@unmanaged export class StagedValues {
  private slots: usize;   // per variable: offset (i32), length (i32, -1 none), item (i32)
  private bytes: usize;
  private touched: usize;  // the variables staged since reset (i32 each)
  private touchedCount: i32 = 0;

  constructor() {
    const n = varCount();
    this.slots = heap.alloc(<usize>(n * 12));
    this.touched = heap.alloc(<usize>(n * 4));
    let total = 0;
    for (let i = 0; i < n; i++) {
      store<i32>(this.slot(i), total);
      const d = def(i);
      if (!d.readOnly && !d.isLive) total += d.cap;
    }
    this.bytes = heap.alloc(<usize>max(total, 1));
    for (let i = 0; i < n; i++) { store<i32>(this.slot(i), -1, 4); store<i32>(this.slot(i), -1, 8); }
  }

  @inline private slot(i: i32): usize { return this.slots + <usize>(i * 12); }

  /** Drops what was staged (only the variables staged: a GetVariables costs nothing here). */
  reset(): void {
    for (let t = 0; t < this.touchedCount; t++) {
      const i = load<i32>(this.touched + (<usize>t << 2));
      store<i32>(this.slot(i), -1, 4);
      store<i32>(this.slot(i), -1, 8);
    }
    this.touchedCount = 0;
  }

  /** Stages variable i's normalized value for item k; false if it is longer than the variable holds. */
  put(i: i32, value: string, k: i32): bool {
    if (!this.take(i, String.UTF8.byteLength(value), k)) return false;
    String.UTF8.encodeUnsafe(changetype<usize>(value), value.length, this.ptr(i));
    return true;
  }

  /** As put(), the value's n UTF-8 bytes at ptr. */
  putBytes(i: i32, ptr: usize, n: i32, k: i32): bool {
    if (!this.take(i, n, k)) return false;
    memory.copy(this.ptr(i), ptr, <usize>n);
    return true;
  }

  /** Variable i's slot taken for a value of n bytes from item k (its bytes are the caller's to write); false if
   *  the variable cannot hold them. */
  private take(i: i32, n: i32, k: i32): bool {
    const d = def(i);
    if (n > d.cap || d.readOnly || d.isLive) return false;
    if (load<i32>(this.slot(i), 8) < 0) {
      store<i32>(this.touched + (<usize>this.touchedCount << 2), i);
      this.touchedCount++;
    }
    store<i32>(this.slot(i), n, 4);
    store<i32>(this.slot(i), k, 8);
    return true;
  }

  /** Variables staged since reset. */
  count(): i32 { return this.touchedCount; }
  /** The t-th of them (after sortByLastItem: in the order of their last items in the request). */
  variable(t: i32): i32 { return load<i32>(this.touched + (<usize>t << 2)); }

  /** Orders the staged variables by the item whose value each keeps (insertion sort: at most the catalog's
   *  writable variables, usually a few). */
  sortByLastItem(): void {
    for (let t = 1; t < this.touchedCount; t++) {
      const i = this.variable(t);
      const k = this.lastItem(i);
      let u = t - 1;
      for (; u >= 0 && this.lastItem(this.variable(u)) > k; u--) {
        store<i32>(this.touched + (<usize>(u + 1) << 2), this.variable(u));
      }
      store<i32>(this.touched + (<usize>(u + 1) << 2), i);
    }
  }

  /** The item whose value is staged for variable i, or -1. */
  lastItem(i: i32): i32 { return load<i32>(this.slot(i), 8); }
  ptr(i: i32): usize { return this.bytes + <usize>load<i32>(this.slot(i)); }
  len(i: i32): i32 { return load<i32>(this.slot(i), 4); }
}
