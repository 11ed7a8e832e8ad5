// Where a JSON value ends, without parsing it: a request read item by item (rpc/request-stream.ts) must know
// that an item's bytes are all in the buffer before it decodes that item alone. Strings and nesting are
// followed (quotes, escapes, brackets); everything else is the decoder's job, which then reads exactly
// these bytes and reports any error with its path.

/** The end of the value that starts at p (its first byte, not blank): the address just after it, or 0 if the
 *  bytes up to `end` do not hold all of it. A scalar ends at the first blank, ',', ']' or '}'. */
export function valueEnd(p: usize, end: usize): usize {
  if (p >= end) return 0;
  const c = <u32>load<u8>(p);
  if (c == 0x22) {
    for (let i = p + 1; i < end; i++) {
      const b = <u32>load<u8>(i);
      if (b == 0x5c) { i++; continue; }
      if (b == 0x22) return i + 1;
    }
    return 0;
  }
  if (c == 0x7b || c == 0x5b) {
    let depth = 0;
    let inString = false;
    for (let i = p; i < end; i++) {
      const b = <u32>load<u8>(i);
      if (inString) {
        if (b == 0x5c) i++;
        else if (b == 0x22) inString = false;
        continue;
      }
      if (b == 0x22) inString = true;
      else if (b == 0x7b || b == 0x5b) depth++;
      else if (b == 0x7d || b == 0x5d) { if (--depth == 0) return i + 1; }
    }
    return 0;
  }
  for (let i = p; i < end; i++) {
    const b = <u32>load<u8>(i);
    if (b == 0x2c || b == 0x5d || b == 0x7d || b == 0x20 || b == 0x0a || b == 0x0d || b == 0x09) return i;
  }
  return 0;
}
