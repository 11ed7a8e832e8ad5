// SecurityCtrlr.BasicAuthPassword (A00.FR.205, A01): a passwordString of 16 to 40 characters. Errata 2025-01 lifts
// the old character set ("a passwordString should not be limited to any set of symbols"), so any UTF-8 character
// counts, except control characters, which no password typed or generated for a header carries.

export const PASSWORD_MIN_CHARS: i32 = 16;
/** The catalog's maxLimit (errata 2025-01: at least 40, at most 64). */
export const PASSWORD_MAX_CHARS: i32 = 40;

/** Is `value` a usable BasicAuthPassword? Length in characters (code points), not UTF-16 units. */
export function validBasicAuthPassword(value: string): bool {
  let chars = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return false;
    // A surrogate pair is one character; a lone surrogate is no character at all.
    if (c >= 0xd800 && c < 0xdc00) {
      if (i + 1 >= value.length) return false;
      const d = value.charCodeAt(i + 1);
      if (d < 0xdc00 || d >= 0xe000) return false;
      i++;
    } else if (c >= 0xdc00 && c < 0xe000) return false;
    chars++;
  }
  return chars >= PASSWORD_MIN_CHARS && chars <= PASSWORD_MAX_CHARS;
}
