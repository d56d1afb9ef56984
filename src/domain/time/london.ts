/**
 * Europe/London wall-clock arithmetic without Intl (DOMAIN.md §2).
 *
 * The UK has followed the EU summer-time rule since 1996: BST (UTC+1) runs from the last Sunday of
 * March at 01:00 UTC to the last Sunday of October at 01:00 UTC; GMT (UTC+0) otherwise. A property
 * test (test/unit/time/london.test.ts) checks this against Intl for 1996–2100. Outside 1996–2199 the
 * functions still answer with the same rule (documented limit).
 *
 * Calendar dates are handled as "day numbers": days since 1970-01-01 (a Thursday) of the LOCAL date.
 */

export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/** Day of month (1–31) of the last Sunday of `month0` (0-based) in `year`. */
export function lastSunday(year: number, month0: number): number {
  const lastDayMs = Date.UTC(year, month0 + 1, 0);
  const dayNum = Math.floor(lastDayMs / MS_PER_DAY);
  const weekday = (((dayNum + 4) % 7) + 7) % 7;
  const dim = dayNum - Math.floor(Date.UTC(year, month0, 1) / MS_PER_DAY) + 1;
  return dim - weekday;
}

/** Instant (UTC ms) when BST starts in `year`: last Sunday of March 01:00 UTC. */
export function bstStartMs(year: number): number {
  return Date.UTC(year, 2, lastSunday(year, 2), 1);
}

/** Instant (UTC ms) when BST ends in `year`: last Sunday of October 01:00 UTC. */
export function bstEndMs(year: number): number {
  return Date.UTC(year, 9, lastSunday(year, 9), 1);
}

/** Offset of Europe/London from UTC at the instant `utcMs`, in ms (0 or 3 600 000). */
export function londonOffsetMs(utcMs: number): number {
  // The UTC year equals the London year except in the first hour of 1 January (GMT then), so using
  // the UTC year is exact for the DST window (March–October). Quick exits avoid work outside
  // late March / late October (BST always starts 25–31 Mar and ends 25–31 Oct).
  // Pure integer arithmetic (no Date, no Date.UTC) on the hot path.
  const day = Math.floor(utcMs / MS_PER_DAY);
  const year = yearOfDayNumber(day);
  const dayOfYear = day - daysFromCivil(year, 1, 1); // 0-based
  if (dayOfYear < 82 || dayOfYear > 305) return 0; // before 24 Mar or after 2 Nov
  if (dayOfYear >= 92 && dayOfYear <= 295) return MS_PER_HOUR; // 2 Apr … 23 Oct
  return utcMs >= bstStartMs(year) && utcMs < bstEndMs(year) ? MS_PER_HOUR : 0;
}

/** UTC calendar year of an instant, without allocating a Date. */
export function utcYear(utcMs: number): number {
  return yearOfDayNumber(Math.floor(utcMs / MS_PER_DAY));
}

/**
 * Day number (days since 1970-01-01) of a proleptic Gregorian date, month 1–12, by integer
 * arithmetic (H. Hinnant's days_from_civil). Agrees with Math.floor(Date.UTC(y, m - 1, d) / MS_PER_DAY)
 * for in-range dates (property test).
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400; // [0, 399]
  const mp = month > 2 ? month - 3 : month + 9; // March = 0
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1; // [0, 365]
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy; // [0, 146096]
  return era * 146_097 + doe - 719_468;
}

/** Packed civil date of a day number: year * 10000 + month * 100 + day (years ≥ 0). */
export function civilOfDayNumber(dayNumber: number): number {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097; // [0, 146096]
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365); // [0, 399]
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)); // [0, 365]
  const mp = Math.floor((5 * doy + 2) / 153); // [0, 11]
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1; // [1, 31]
  const m = mp < 10 ? mp + 3 : mp - 9; // [1, 12]
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 10_000 + m * 100 + d;
}

/** Calendar year of a day number, by integer arithmetic. */
export function yearOfDayNumber(dayNumber: number): number {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  // doy ≥ 306 is January or February of the next civil year (the era year starts in March).
  return yoe + era * 400 + (doy >= 306 ? 1 : 0);
}

/** The local calendar day number (days since 1970-01-01) of the instant. */
export function localDayNumber(utcMs: number): number {
  return Math.floor((utcMs + londonOffsetMs(utcMs)) / MS_PER_DAY);
}

/** Milliseconds since local midnight of the instant. */
export function localTimeOfDayMs(utcMs: number): number {
  const local = utcMs + londonOffsetMs(utcMs);
  return local - Math.floor(local / MS_PER_DAY) * MS_PER_DAY;
}

/** 0 = Sunday … 6 = Saturday, of a day number. */
export function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

/** Day number of a calendar date (month 1–12). */
export function dayNumberOf(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

/** "YYYY-MM-DD" of a day number. */
export function isoDateOf(dayNumber: number): string {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Calendar year of a day number. */
export function yearOf(dayNumber: number): number {
  return yearOfDayNumber(dayNumber);
}

/**
 * The instant (UTC ms) at which London wall clock shows `timeOfDayMs` on local day `dayNumber`.
 * Wall times that do not exist (01:00–01:59 on the spring-forward Sunday) map to the GMT reading
 * (i.e. one hour later on the wall clock); wall times that occur twice (01:00–01:59 on the
 * fall-back Sunday) map to the first (BST) occurrence. The engine only asks for 00:00, 09:00,
 * 17:00 and 23:59:59.999, which are never ambiguous.
 */
export function localToUtcMs(dayNumber: number, timeOfDayMs: number): number {
  const wall = dayNumber * MS_PER_DAY + timeOfDayMs;
  const asBst = wall - MS_PER_HOUR;
  if (londonOffsetMs(asBst) === MS_PER_HOUR) return asBst;
  return wall;
}
