// Checking a value against a variable's characteristics (B05.FR..: a value that does not fit its dataType,
// limits or valuesList is Rejected) and bringing it to one spelling: booleans in lower case, integers without
// leading zeros, member lists in valuesList order.
import { DataEnumType } from "../ocpp";
import { parseDateTime } from "../util/datetime";
import { Def, F_NONEMPTY } from "../core/catalog";
import { tstr, tptr, tlen, equalsIgnoreCase, bytesEqualIgnoreCase } from "../util/text";

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

/** normalize() for the UTF-8 bytes [ptr, ptr+len), in place: the normalized length (never more than len), -1 when
 *  refused, -2 when this cannot tell without the string path (non-ASCII bytes, decimals, a list with blanks or not in
 *  its stored spelling); on -1 `refusal` is what normalize() gives. For the boot's load (the values stored are
 *  normalized and come back without allocating) and SetVariables' items. */
export function normalizeBytes(v: Def, ptr: usize, len: i32): i32 {
  refusal = "InvalidValue";   // on -1, `refusal` says why, as normalize() would
  const t = v.dataType;
  // ASCII only; a list has no blanks (normalizeList() trims its members).
  const lowest: u32 = t == DataEnumType.MemberList || t == DataEnumType.SequenceList ? 0x21 : 0;
  for (let i = 0; i < len; i++) if (<u32>load<u8>(ptr + <usize>i) - lowest >= 0x7f - lowest) return -2;
  if (t == DataEnumType.integer) {
    const n = parseIntBytes(ptr, len);
    if (n == i64.MIN_VALUE || !inRange(v, <f64>n)) return -1;
    return writeInt(ptr, <i32>n);
  }
  if (t == DataEnumType.boolean) {
    if (bytesEqualIgnoreCase(ptr, len, "true")) return writeAscii(ptr, "true");
    return bytesEqualIgnoreCase(ptr, len, "false") ? writeAscii(ptr, "false") : -1;
  }
  if (t == DataEnumType.dateTime) return parseDateTime(ptr, len) == i64.MIN_VALUE ? -1 : len;
  if (t == DataEnumType.OptionList) return listIndexBytes(tptr(v.valuesList), tlen(v.valuesList), ptr, len) >= 0 ? len : -1;
  if (t == DataEnumType.MemberList || t == DataEnumType.SequenceList) return listBytes(v, ptr, len);
  if (t == DataEnumType.decimal) return -2;
  if ((v.hasMax && len > v.max) || (v.hasMin && len < v.min)) { refusal = "ValueOutOfRange"; return -1; }   // ASCII: a byte is a character
  return len;
}

/** A list in its stored spelling comes back as it is; refused as normalizeList() refuses; else -2. */
function listBytes(v: Def, ptr: usize, len: i32): i32 {
  if (len == 0) return (v.flags & F_NONEMPTY) != 0 ? -1 : 0;
  const lp = tptr(v.valuesList), ll = tlen(v.valuesList);
  let picked: u64 = 0;
  for (let start = 0, last = -1, i = 0; i <= len; i++) {
    if (i < len && load<u8>(ptr + <usize>i) != 44) continue;
    const j = listIndexBytes(lp, ll, ptr + <usize>start, i - start);
    if (j < 0) return -1;
    if (j >= 64) return -2;
    if ((picked & (<u64>1 << j)) != 0) return -1;
    picked |= <u64>1 << j;
    if (v.dataType == DataEnumType.MemberList && j < last) return -2;   // to be put in valuesList order
    last = j;
    start = i + 1;
  }
  return len;
}

/** listIndex() over UTF-8 bytes. */
function listIndexBytes(list: usize, listLen: i32, item: usize, n: i32): i32 {
  if (n == 0) return -1;
  for (let i = 0, start = 0, j = 0; i <= listLen; i++) {
    if (i < listLen && load<u8>(list + <usize>i) != 44) continue;
    if (i - start == n && memory.compare(list + <usize>start, item, <usize>n) == 0) return j;
    j++;
    start = i + 1;
  }
  return -1;
}

function writeAscii(ptr: usize, s: string): i32 {
  for (let i = 0; i < s.length; i++) store<u8>(ptr + <usize>i, <u8>s.charCodeAt(i));
  return s.length;
}

/** n in decimal at ptr (as i32#toString spells it); its length. */
function writeInt(ptr: usize, n: i32): i32 {
  let u = n < 0 ? <u32>0 - <u32>n : <u32>n;
  let digits = 1;
  for (let x = u; x >= 10; x /= 10) digits++;
  const sign = n < 0 ? 1 : 0;
  if (sign) store<u8>(ptr, 45);
  for (let i = sign + digits - 1; i >= sign; i--, u /= 10) store<u8>(ptr + <usize>i, <u8>(48 + u % 10));
  return sign + digits;
}

/** parseIntStrict() over bytes. */
export function parseIntBytes(ptr: usize, len: i32): i64 {
  if (len == 0 || len > 11) return i64.MIN_VALUE;
  const neg = load<u8>(ptr) == 45;
  let i = neg ? 1 : 0;
  if (i >= len) return i64.MIN_VALUE;
  let n: i64 = 0;
  for (; i < len; i++) {
    const c = <i32>load<u8>(ptr + <usize>i) - 48;
    if (c < 0 || c > 9) return i64.MIN_VALUE;
    n = n * 10 + c;
  }
  if (neg) n = -n;
  return n < i32.MIN_VALUE || n > i32.MAX_VALUE ? i64.MIN_VALUE : n;
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
  // The picked members in the given order (SequenceList) or in the list's (MemberList), copied into one string
  // made at its length: concatenated member by member (or joined, which concatenates too), every prefix stayed as
  // garbage until the event ended (issue 17: the heap's high-water).
  const sequence = v.dataType == DataEnumType.SequenceList;
  const at = new StaticArray<i32>(count * 2);   // per output position: the member's start and end in `list`
  let len = count - 1;
  for (let j = 0, k = 0, start = 0, i = 0; i <= list.length; i++) {
    if (i < list.length && list.charCodeAt(i) != 44) continue;
    if (picked[j] != 0) {
      const pos = sequence ? picked[j] - 1 : k++;
      at[pos * 2] = start;
      at[pos * 2 + 1] = i;
      len += i - start;
    }
    j++;
    start = i + 1;
  }
  const out = changetype<string>(__new(<usize>len << 1, idof<string>()));
  const src = changetype<usize>(list), dst = changetype<usize>(out);
  for (let k = 0, o = 0; k < count; k++) {
    if (k > 0) { store<u16>(dst + (<usize>o << 1), 44); o++; }
    const n = at[k * 2 + 1] - at[k * 2];
    memory.copy(dst + (<usize>o << 1), src + (<usize>at[k * 2] << 1), <usize>n << 1);
    o += n;
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
