// RFC 3339 timestamps (the ABI's "UTC ISO-8601 strings") to Unix seconds.

/** What parseTime answers for text that is not an RFC 3339 date-time. */
export const BAD_TIME: i64 = i64.MIN_VALUE;

function digits(s: string, at: i32, n: i32): i32 {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(at + i) - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

// daysFromCivil counts days from 1970-01-01 to y-m-d in the proleptic
// Gregorian calendar (Howard Hinnant's algorithm).
function daysFromCivil(y: i64, m: i64, d: i64): i64 {
  if (m <= 2) y -= 1;
  const era = (y >= 0 ? y : y - 399) / 400;
  const yoe = y - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = (153 * mp + 2) / 5 + d - 1;
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: i32, m: i32): i32 {
  if (m == 2) return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28;
  return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
}

/**
 * Parses an RFC 3339 date-time ("2026-12-01T10:30:00Z",
 * "2026-12-01T11:30:00.000+01:00") to Unix seconds, the fraction dropped;
 * BAD_TIME when s is anything else. It takes the form Cal.com and Go write:
 * upper-case T and Z, no leap second, at most 40 characters.
 */
export function parseTime(s: string): i64 {
  const n = s.length;
  if (n < 20 || n > 40) return BAD_TIME;
  const y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
  const h = digits(s, 11, 2), mi = digits(s, 14, 2), se = digits(s, 17, 2);
  if (s.charCodeAt(4) != 0x2d || s.charCodeAt(7) != 0x2d || s.charCodeAt(13) != 0x3a || s.charCodeAt(16) != 0x3a) return BAD_TIME;
  if (s.charCodeAt(10) != 0x54 /* T */) return BAD_TIME;
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59) return BAD_TIME;
  if (d > daysInMonth(y, mo)) return BAD_TIME;
  let i = 19;
  if (i < n && s.charCodeAt(i) == 0x2e) {
    i++;
    const start = i;
    while (i < n && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
    if (i == start) return BAD_TIME;
  }
  if (i >= n) return BAD_TIME;
  let offset: i64 = 0;
  const z = s.charCodeAt(i);
  if (z == 0x5a /* Z */) {
    i++;
  } else if (z == 0x2b || z == 0x2d) {
    if (n - i != 6 || s.charCodeAt(i + 3) != 0x3a) return BAD_TIME;
    const oh = digits(s, i + 1, 2), om = digits(s, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return BAD_TIME;
    offset = <i64>(oh * 3600 + om * 60);
    if (z == 0x2d) offset = -offset;
    i += 6;
  } else {
    return BAD_TIME;
  }
  if (i != n) return BAD_TIME;
  const secs = daysFromCivil(y, mo, d) * 86400 + <i64>(h * 3600 + mi * 60 + se);
  return secs - offset;
}
