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

/** The day number of "YYYY-MM-DD", or null when it is not a calendar date (2026-02-30). */
export function dayNumberOfIso(iso: string): number | null {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  const n = dayNumberOf(y, m, d);
  return isoDateOf(n) === iso ? n : null;
}

/** The London midnight starting the day `iso` ("YYYY-MM-DD", a calendar date), `plus` days on. */
export function londonDayStart(iso: string, plus = 0): Date {
  const n = dayNumberOfIso(iso);
  if (n === null) throw new Error(`not a calendar date: ${iso}`);
  return new Date(localToUtcMs(n + plus, 0));
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

// ---- Wall-clock readings and formatting (the one London-time module: cards, reminders, mail, pages) ----

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;
/** en-GB short month names, as Teams and Outlook in the UK show them ("Sept"). */
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"] as const;
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** The London wall-clock reading of an instant (month 1–12, weekday 0 = Sunday). */
export function londonParts(utcMs: number): { year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: number } {
  const dayNumber = localDayNumber(utcMs);
  const civil = civilOfDayNumber(dayNumber);
  const t = Math.floor(localTimeOfDayMs(utcMs) / 1000);
  return {
    year: Math.floor(civil / 10_000), month: Math.floor(civil / 100) % 100, day: civil % 100,
    hour: Math.floor(t / 3600), minute: Math.floor(t / 60) % 60, second: t % 60, weekday: weekdayOf(dayNumber),
  };
}

const msOf = (at: Date | string | number | null | undefined): number | null => {
  if (at === null || at === undefined || at === "") return null;
  const ms = typeof at === "number" ? at : typeof at === "string" ? Date.parse(at) : at.getTime();
  return Number.isNaN(ms) ? null : ms;
};

/** "Wed 25 Nov 2026, 17:00" (London); "—" when there is no instant. */
export function showLondon(at: Date | string | number | null | undefined): string {
  const ms = msOf(at);
  if (ms === null) return "—";
  const p = londonParts(ms);
  return `${WEEKDAYS[p.weekday]} ${p.day} ${MONTHS[p.month - 1]} ${p.year}, ${pad2(p.hour)}:${pad2(p.minute)}`;
}

/** "Wed 25 Nov, 17:00" (London, no year): reminders, slot explanations, invitations. */
export function londonLabel(at: Date | string | number): string {
  const p = londonParts(msOf(at) ?? Number.NaN);
  return `${WEEKDAYS[p.weekday]} ${p.day} ${MONTHS[p.month - 1]}, ${pad2(p.hour)}:${pad2(p.minute)}`;
}

/** "17:00" (London). */
export function londonClock(at: Date | string | number): string {
  const p = londonParts(msOf(at) ?? Number.NaN);
  return `${pad2(p.hour)}:${pad2(p.minute)}`;
}

/** "25/11/2026, 17:00:00" (London): a full timestamp for the local stand-in's pages. */
export function londonTimestamp(at: Date | string | number): string {
  const p = londonParts(msOf(at) ?? Number.NaN);
  return `${pad2(p.day)}/${pad2(p.month)}/${p.year}, ${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)}`;
}

/** The London calendar date and time of an instant, for pre-filling inputs: { date: "2026-11-25", time: "17:00" }. */
export function londonDateTime(at: Date): { date: string; time: string } {
  const p = londonParts(at.getTime());
  return { date: `${p.year}-${pad2(p.month)}-${pad2(p.day)}`, time: `${pad2(p.hour)}:${pad2(p.minute)}` };
}

/**
 * "2026-11-23" + "16:59" (London wall clock, as typed on a card) → the instant, or null if either is
 * malformed or not a real date. Spring-forward and fall-back hours follow `localToUtcMs`.
 */
export function londonToInstant(date: string, time: string): Date | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  const t = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(time.trim());
  if (!d || !t) return null;
  const [y, mo, da, h, mi, s] = [+d[1]!, +d[2]!, +d[3]!, +t[1]!, +t[2]!, +(t[3] ?? 0)];
  if (mo < 1 || mo > 12 || da < 1 || h > 23 || mi > 59 || s > 59) return null;
  const day = daysFromCivil(y, mo, da);
  if (civilOfDayNumber(day) !== y * 10_000 + mo * 100 + da) return null;
  return new Date(localToUtcMs(day, ((h * 60 + mi) * 60 + s) * 1000));
}
