// Reads the generated schema tables (assembly/ocpp/gen/tables.ts), all u16 words:
//   TYPE_OFFSETS[type] → offset (words) of the type's entry in TYPES
//   object: [flags (bit1: open — unknown properties allowed, as in CustomDataType), propCount, props × 6]
//     prop: [nameOff, nameLen | 0x100 required | 0x200 array, kind, ref, a, b]
//       ref: maxLength (string, 0 none) / type id (enum, object) / minimum+0x4000 (integer, 0xFFFF none)
//       a:   maximum+0x4000 (integer) / minItems (array);  b: maxItems (array, 0xFFFF none)
//   enum:   [1, count, values × (nameOff, nameLen)]
//   ACTIONS: per action (sorted by name) [nameOff, nameLen, requestType, responseType]
import { STRINGS, TYPES, TYPE_OFFSETS, ACTIONS, ACTION_COUNT, TYPE_COUNT } from "./gen/tables";
import { sameBytes } from "./plain";

export const enum Kind { String = 0, DateTime = 1, Integer = 2, Number = 3, Boolean = 4, Enum = 5, Object = 6, Any = 7 }
export const NO_LIMIT: i32 = 0xffff;
export const LIMIT_BIAS: i32 = 0x4000;
const PROP_WORDS: i32 = 6;

// Accessors are @inline: the codec calls them per property and per byte of a key, and under wasm3 a call
// costs more than the load it wraps (issue 17).
@inline function word(i: i32): i32 { return <i32>load<u16>(TYPES + (<usize>i << 1)); }
@inline export function typeBase(type: i32): i32 { return <i32>load<u16>(TYPE_OFFSETS + (<usize>type << 1)); }

export function isValidType(type: i32): bool { return type >= 0 && type < TYPE_COUNT; }
@inline export function isEnum(type: i32): bool { return word(typeBase(type)) == 1; }
@inline export function isOpen(type: i32): bool { return (word(typeBase(type)) & 2) != 0; }
/** Property count of an object type, value count of an enum. */
@inline export function memberCount(type: i32): i32 { return word(typeBase(type) + 1); }

@inline function propBase(type: i32, prop: i32): i32 { return typeBase(type) + 2 + prop * PROP_WORDS; }
@inline export function propNamePtr(type: i32, prop: i32): usize { return STRINGS + <usize>word(propBase(type, prop)); }
@inline export function propNameLen(type: i32, prop: i32): i32 { return word(propBase(type, prop) + 1) & 0xff; }
@inline export function propRequired(type: i32, prop: i32): bool { return (word(propBase(type, prop) + 1) & 0x100) != 0; }
@inline export function propIsArray(type: i32, prop: i32): bool { return (word(propBase(type, prop) + 1) & 0x200) != 0; }
@inline export function propKind(type: i32, prop: i32): i32 { return word(propBase(type, prop) + 2); }
@inline export function propRef(type: i32, prop: i32): i32 { return word(propBase(type, prop) + 3); }
@inline export function propA(type: i32, prop: i32): i32 { return word(propBase(type, prop) + 4); }
@inline export function propB(type: i32, prop: i32): i32 { return word(propBase(type, prop) + 5); }

@inline export function enumValuePtr(type: i32, i: i32): usize { return STRINGS + <usize>word(typeBase(type) + 2 + i * 2); }
@inline export function enumValueLen(type: i32, i: i32): i32 { return word(typeBase(type) + 3 + i * 2); }

/** Index of the property named by the bytes, or -1. (Starting the search after the property decoded before saved
 *  a little, but its start, as an argument or computed in the decoder, cost 128 B of wasm3's value-stack margin at
 *  the decoder's depth limit: tests/fuzz/corpus/regress-wasm3-*. Not done.) */
export function findProp(type: i32, ptr: usize, len: i32): i32 {
  const n = memberCount(type);
  for (let p = 0; p < n; p++) {
    if (propNameLen(type, p) == len && sameBytes(propNamePtr(type, p), ptr, len)) return p;
  }
  return -1;
}

/** Index of the enum value equal to the bytes, or -1. */
export function findEnum(type: i32, ptr: usize, len: i32): i32 {
  const n = memberCount(type);
  for (let i = 0; i < n; i++) {
    if (enumValueLen(type, i) == len && sameBytes(enumValuePtr(type, i), ptr, len)) return i;
  }
  return -1;
}

@inline function actionWord(a: i32, k: i32): i32 { return <i32>load<u16>(ACTIONS + (<usize>(a * 4 + k) << 1)); }

/** The action named by the bytes, or -1: a binary search, ACTIONS being sorted by name (schemas-gen: JavaScript's
 *  sort, for ASCII names byte order with a prefix first). A linear search was ~40 compares for GetVariables. */
export function actionByName(ptr: usize, len: i32): i32 {
  if (len < 0) return -1;
  let lo = 0, hi = ACTION_COUNT - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const n = actionWord(mid, 1);
    let c = memory.compare(STRINGS + <usize>actionWord(mid, 0), ptr, <usize>min(n, len));
    if (c == 0) c = n - len;
    if (c == 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
@inline export function actionNamePtr(a: i32): usize { return STRINGS + <usize>actionWord(a, 0); }
@inline export function actionNameLen(a: i32): i32 { return actionWord(a, 1); }
export function actionName(a: i32): string {
  return a >= 0 && a < ACTION_COUNT ? String.UTF8.decodeUnsafe(actionNamePtr(a), <usize>actionNameLen(a)) : "";
}
@inline export function actionRequestType(a: i32): i32 { return actionWord(a, 2); }
@inline export function actionResponseType(a: i32): i32 { return actionWord(a, 3); }
