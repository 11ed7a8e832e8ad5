// Checking a value against a variable's characteristics (B05.FR..: a value that does not fit its dataType,
// limits or valuesList is Rejected) and bringing it to one spelling: booleans in lower case, integers without
// leading zeros, member lists in valuesList order.
import { DataEnumType } from "../ocpp";
import { parseDateTime } from "../util/datetime";
import { Def, F_NONEMPTY } from "../core/catalog";
import { tstr, equalsIgnoreCase } from "../util/text";

/** Why normalize() refused, as a reason code for attributeStatusInfo. */
export let refusal: string = "";

/** The stored spelling of `value` for v, or null (and `refusal` says why). */
export function normalize(v: Def, value: string): string | null {
  refusal = "InvalidValue";
  const t = v.dataType;
  if (t == DataEnumType.integer) {
    const n = parseIntStrict(value);
    if (n == i64.MIN_VALUE) return null;
    if (!inRange(v, <f64>n)) return null;
    return n.toString();
  }
  if (t == DataEnumType.decimal) {
    if (!isDecimal(value)) return null;
    return inRange(v, parseFloat(value)) ? value : null;
  }
  if (t == DataEnumType.boolean) {
    // ASCII only: String#toLowerCase would bring Unicode's case tables, 9 KB of data segment (issue 17).
    return equalsIgnoreCase(value, "true") ? "true" : equalsIgnoreCase(value, "false") ? "false" : null;
  }
  if (t == DataEnumType.dateTime) {
    const u = String.UTF8.encode(value);
    return parseDateTime(changetype<usize>(u), u.byteLength) == i64.MIN_VALUE ? null : value;
  }
  if (t == DataEnumType.OptionList) return listIndex(tstr(v.valuesList), value) >= 0 ? value : null;
  if (t == DataEnumType.MemberList || t == DataEnumType.SequenceList) return normalizeList(v, value);
  // string: maxLimit is the longest value, minLimit the shortest (BasicAuthPassword), in characters (code points).
  const len = codePoints(value);
  if ((v.hasMax && len > v.max) || (v.hasMin && len < v.min)) { refusal = "ValueOutOfRange"; return null; }
  return value;
}

/** Characters of `value`: a surrogate pair is one. */
function codePoints(value: string): i32 {
  let n = value.length;
  for (let i = 0; i + 1 < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) { n--; i++; }
    }
  }
  return n;
}

function inRange(v: Def, n: f64): bool {
  if ((v.hasMin && n < <f64>v.min) || (v.hasMax && n > <f64>v.max)) { refusal = "ValueOutOfRange"; return false; }
  return true;
}

/** A member list ("a,b") keeps valuesList order; a sequence list keeps the given order. Members must be in
 *  valuesList and appear once; an empty list is a value unless the variable says otherwise. */
function normalizeList(v: Def, value: string): string | null {
  const list = tstr(v.valuesList);
  let size = 1;
  for (let i = 0; i < list.length; i++) if (list.charCodeAt(i) == 44) size++;
  const picked = new StaticArray<i32>(size);   // position in the given text + 1, 0 = absent
  let count = 0;
  // A value already in its stored spelling (each stored value is, at boot) comes back as it is, without building a
  // new one: no members split, no concatenation.
  let canonical = true;
  if (value.trim().length > 0) {
    const parts = value.split(",");
    for (let k = 0, last = -1; k < parts.length; k++) {
      const part = parts[k].trim();
      const j = listIndex(list, part);
      if (j < 0 || picked[j] != 0) return null;
      picked[j] = ++count;
      if (part.length != parts[k].length || (v.dataType == DataEnumType.MemberList && j < last)) canonical = false;
      last = j;
    }
  }
  if (count == 0) return (v.flags & F_NONEMPTY) != 0 ? null : "";
  if (canonical) return value;
  const members = list.split(",");
  let out = "";
  const sequence = v.dataType == DataEnumType.SequenceList;
  for (let pos = 1; pos <= (sequence ? count : 1); pos++) {
    for (let j = 0; j < members.length; j++) {
      if (picked[j] == 0 || (sequence && picked[j] != pos)) continue;
      out += (out.length > 0 ? "," : "") + members[j];
    }
  }
  return out;
}

/** Index of `item` in a comma-separated list, -1 if absent. Compared in place: a split per call made 1.2 KB of
 *  garbage per member of a stored list, 11 KB per MemberList at boot, before the host's first collection. */
export function listIndex(list: string, item: string): i32 {
  const n = item.length, len = list.length;
  if (n == 0) return -1;
  for (let i = 0, start = 0, j = 0; i <= len; i++) {
    if (i < len && list.charCodeAt(i) != 44) continue;
    if (i - start == n && memory.compare(changetype<usize>(list) + (<usize>start << 1), changetype<usize>(item), <usize>n << 1) == 0) return j;
    j++;
    start = i + 1;
  }
  return -1;
}

/** Bits of the members of `value` by their position in `names` (an unknown member is ignored). */
export function memberBits(value: string, names: StaticArray<string>): i32 {
  if (value.length == 0) return 0;
  const parts = value.split(",");
  let bits = 0;
  for (let k = 0; k < parts.length; k++) {
    for (let j = 0; j < names.length; j++) if (names[j] == parts[k]) bits |= 1 << j;
  }
  return bits;
}

/** A decimal integer in i32 range ("-5", "300"), or i64.MIN_VALUE. */
export function parseIntStrict(t: string): i64 {
  const len = t.length;
  if (len == 0 || len > 11) return i64.MIN_VALUE;
  let i = t.charCodeAt(0) == 45 ? 1 : 0;
  if (i >= len) return i64.MIN_VALUE;
  let n: i64 = 0;
  for (; i < len; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return i64.MIN_VALUE;
    n = n * 10 + c;
  }
  if (t.charCodeAt(0) == 45) n = -n;
  return n < i32.MIN_VALUE || n > i32.MAX_VALUE ? i64.MIN_VALUE : n;
}

/** -12, 3.25, 0.5: an optional sign, digits, an optional fraction. */
function isDecimal(t: string): bool {
  let i = t.length > 0 && t.charCodeAt(0) == 45 ? 1 : 0;
  let digits = 0, dot = false;
  for (; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c == 46 && !dot) { dot = true; continue; }
    if (c < 48 || c > 57) return false;
    digits++;
  }
  return digits > 0 && digits <= 18 && t.charCodeAt(t.length - 1) != 46;
}
