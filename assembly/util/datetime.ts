// RFC 3339 date-times (the schemas' "date-time" format) to and from Unix epoch
// milliseconds, over UTF-8 bytes. Civil-date arithmetic after H. Hinnant's
// days_from_civil, valid for years 0000–9999.

function daysFromCivil(y: i32, m: i32, d: i32): i64 {
  y -= m <= 2 ? 1 : 0;
  const era: i32 = (y >= 0 ? y : y - 399) / 400;
  const yoe: i32 = y - era * 400;
  const doy: i32 = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const doe: i32 = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return <i64>era * 146097 + <i64>doe - 719468;
}

function digits(ptr: usize, n: i32): i32 {
  let v: i32 = 0;
  for (let i = 0; i < n; i++) {
    const c: i32 = <i32>load<u8>(ptr + <usize>i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function daysInMonth(y: i32, m: i32): i32 {
  if (m == 2) return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
  return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
}

/** Epoch ms of an RFC 3339 date-time, or i64.MIN_VALUE if the text is not one. */
export function parseDateTime(ptr: usize, len: i32): i64 {
  if (len < 20) return i64.MIN_VALUE;
  const y = digits(ptr, 4), mo = digits(ptr + 5, 2), d = digits(ptr + 8, 2);
  const h = digits(ptr + 11, 2), mi = digits(ptr + 14, 2), s = digits(ptr + 17, 2);
  const t = load<u8>(ptr + 10) | 0x20;
  if (load<u8>(ptr + 4) != 0x2d || load<u8>(ptr + 7) != 0x2d || t != 0x74 ||
      load<u8>(ptr + 13) != 0x3a || load<u8>(ptr + 16) != 0x3a) return i64.MIN_VALUE;
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 ||
      s < 0 || s > 60) return i64.MIN_VALUE;
  let i: i32 = 19;
  let ms: i32 = 0;
  if (load<u8>(ptr + 19) == 0x2e) {
    i = 20;
    let scale: i32 = 100;
    while (i < len) {
      const c: i32 = <i32>load<u8>(ptr + <usize>i) - 48;
      if (c < 0 || c > 9) break;
      ms += c * scale;
      scale /= 10;
      i++;
    }
    if (i == 20) return i64.MIN_VALUE;
  }
  if (i >= len) return i64.MIN_VALUE;
  let offsetMin: i32 = 0;
  const z = load<u8>(ptr + <usize>i) | 0x20;
  if (z == 0x7a) {
    i++;
  } else {
    const sign = load<u8>(ptr + <usize>i);
    if ((sign != 0x2b && sign != 0x2d) || i + 6 != len || load<u8>(ptr + <usize>(i + 3)) != 0x3a) return i64.MIN_VALUE;
    const oh = digits(ptr + <usize>(i + 1), 2), om = digits(ptr + <usize>(i + 4), 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return i64.MIN_VALUE;
    offsetMin = (oh * 60 + om) * (sign == 0x2d ? -1 : 1);
    i += 6;
  }
  if (i != len) return i64.MIN_VALUE;
  const secs: i64 = daysFromCivil(y, mo, d) * 86400 + <i64>(h * 3600 + mi * 60 + (s > 59 ? 59 : s)) - <i64>offsetMin * 60;
  return secs * 1000 + <i64>ms;
}

function put2(out: usize, v: i32): void {
  store<u8>(out, <u8>(48 + v / 10));
  store<u8>(out + 1, <u8>(48 + v % 10));
}

/** Writes "YYYY-MM-DDTHH:MM:SS.mmmZ" (24 bytes) at out; returns 24. */
export function formatDateTime(epochMs: i64, out: usize): i32 {
  let days: i64 = epochMs / 86400000;
  let msOfDay: i64 = epochMs % 86400000;
  if (msOfDay < 0) { msOfDay += 86400000; days -= 1; }
  // civil_from_days
  const z: i64 = days + 719468;
  const era: i64 = (z >= 0 ? z : z - 146096) / 146097;
  const doe: i32 = <i32>(z - era * 146097);
  const yoe: i32 = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const doy: i32 = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp: i32 = (5 * doy + 2) / 153;
  const d: i32 = doy - (153 * mp + 2) / 5 + 1;
  const m: i32 = mp < 10 ? mp + 3 : mp - 9;
  const y: i32 = <i32>(<i64>yoe + era * 400) + (m <= 2 ? 1 : 0);
  const ms: i32 = <i32>msOfDay;
  put2(out, (y / 100) % 100); put2(out + 2, y % 100);
  store<u8>(out + 4, 0x2d); put2(out + 5, m); store<u8>(out + 7, 0x2d); put2(out + 8, d);
  store<u8>(out + 10, 0x54); put2(out + 11, ms / 3600000); store<u8>(out + 13, 0x3a);
  put2(out + 14, (ms / 60000) % 60); store<u8>(out + 16, 0x3a); put2(out + 17, (ms / 1000) % 60);
  store<u8>(out + 19, 0x2e);
  const frac = ms % 1000;
  store<u8>(out + 20, <u8>(48 + frac / 100)); put2(out + 21, frac % 100);
  store<u8>(out + 23, 0x5a);
  return 24;
}
