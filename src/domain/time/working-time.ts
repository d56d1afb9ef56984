/**
 * Working time: the timescale operations of DOMAIN.md §2, computed in Europe/London.
 *
 * - working day: Monday–Friday that is not an England & Wales bank holiday (bank-holidays.ts);
 * - working hours: 09:00 (inclusive) – 17:00 (exclusive) local on a working day. 17:00:00.000 exactly
 *   is out of hours (bromley-2023 §1b: "out of hours … (after 5pm)"; Appendix 1: "5pm – 9am").
 *
 * Operations (all pure; a WorkingCalendar caches holiday sets per year, and a working-day flag per
 * day number of every loaded year, inside itself — no module-level state):
 * - sameDay(t): 23:59:59.999 local on t's local calendar date.
 * - workingDays(t, N), N ≥ 1: 17:00 local on the Nth working day strictly after t's local date
 *   (t's own date never counts, even at 08:00 on a working day).
 * - hours(t, H): t + H elapsed hours (absolute; DST moves the wall clock, not the duration).
 * - workingHours(t, H): t + H hours counting only time that falls on working days, each a whole
 *   local day 00:00–24:00. Reading for a trigger on a non-working day: counting starts at 00:00 of the
 *   next working day. UK clock changes always fall on a Sunday (never a working day), so every
 *   working day is exactly 24 h long and elapsed time equals wall-clock time here. When the hours run
 *   out exactly at midnight, the deadline is that midnight (the end of the last counted day).
 * - firstWorkingDay(t): 17:00 on t's date if it is a working day and t is before 17:00 (16:59:59.999
 *   → same day; 17:00:00.000 exactly → next working day); otherwise 17:00 on the next working day.
 * - nextWorkingStart(t): 09:00 local on the first working day whose 09:00 is strictly after t
 *   (used for T-OOH "before the start of the next working day", bristol-2024 §6.1).
 */
import {
  MS_PER_DAY,
  MS_PER_HOUR,
  dayNumberOf,
  isoDateOf,
  localDayNumber,
  londonOffsetMs,
  localTimeOfDayMs,
  localToUtcMs,
  weekdayOf,
  yearOf,
} from "./london.js";
import type { HolidaySource } from "./bank-holidays.js";

export const WORK_START_MS = 9 * MS_PER_HOUR;
export const WORK_END_MS = 17 * MS_PER_HOUR;
const END_OF_DAY_MS = MS_PER_DAY - 1;

export class WorkingCalendar {
  readonly #source: HolidaySource;
  /** Holiday day numbers of every year loaded so far (cache, private to this calendar). */
  readonly #holidays = new Set<number>();
  readonly #years = new Set<number>();
  /** Day-number range whose years are loaded: [#minDay, #maxDay]. */
  #minDay = 1;
  #maxDay = 0;

  constructor(source: HolidaySource) {
    this.#source = source;
  }

  /**
   * Working-day flag per day number of the loaded range (index day − #minDay): 1 = working day,
   * 0 = weekend or bank holiday. Rebuilt whenever the loaded range grows (rare); a property test
   * checks it against the uncached definition (weekday + holiday source).
   */
  #working: Uint8Array = new Uint8Array(0);

  #ensure(day: number): void {
    if (day >= this.#minDay && day <= this.#maxDay) return;
    const year = yearOf(day);
    this.#loadYear(year);
    // Keep the covered range contiguous.
    let lo = this.#minDay <= this.#maxDay ? yearOf(this.#minDay) : year;
    let hi = this.#minDay <= this.#maxDay ? yearOf(this.#maxDay) : year;
    if (year < lo) lo = year;
    if (year > hi) hi = year;
    for (let y = lo; y <= hi; y++) this.#loadYear(y);
    this.#minDay = dayNumberOf(lo, 1, 1);
    this.#maxDay = dayNumberOf(hi, 12, 31);
    const flags = new Uint8Array(this.#maxDay - this.#minDay + 1);
    for (let d = this.#minDay; d <= this.#maxDay; d++) {
      const wd = weekdayOf(d);
      flags[d - this.#minDay] = wd === 0 || wd === 6 || this.#holidays.has(d) ? 0 : 1;
    }
    this.#working = flags;
  }

  #loadYear(year: number): void {
    if (this.#years.has(year)) return;
    this.#years.add(year);
    for (const iso of this.#source(year)) {
      const y = Number(iso.slice(0, 4));
      const m = Number(iso.slice(5, 7));
      const d = Number(iso.slice(8, 10));
      this.#holidays.add(dayNumberOf(y, m, d));
    }
  }

  /** Is the local calendar day (day number) a working day? */
  isWorkingDayNumber(day: number): boolean {
    if (day >= this.#minDay && day <= this.#maxDay) return this.#working[day - this.#minDay] === 1;
    const wd = weekdayOf(day);
    if (wd === 0 || wd === 6) return false;
    this.#ensure(day);
    return this.#working[day - this.#minDay] === 1;
  }

  /** Is the local calendar date of instant t a working day? */
  isWorkingDay(t: Date): boolean {
    return this.isWorkingDayNumber(localDayNumber(t.getTime()));
  }

  /** Is "YYYY-MM-DD" a bank holiday (after overrides)? */
  isBankHoliday(isoDate: string): boolean {
    const day = dayNumberOf(Number(isoDate.slice(0, 4)), Number(isoDate.slice(5, 7)), Number(isoDate.slice(8, 10)));
    this.#ensure(day);
    return this.#holidays.has(day);
  }

  /** The first working day strictly after `day`. */
  nextWorkingDayNumber(day: number): number {
    let d = day + 1;
    while (!this.isWorkingDayNumber(d)) d++;
    return d;
  }

  /** Within working hours (09:00 ≤ local time < 17:00 on a working day)? */
  isWorkingTime(t: Date): boolean {
    const local = t.getTime() + londonOffsetMs(t.getTime());
    const day = Math.floor(local / MS_PER_DAY);
    const tod = local - day * MS_PER_DAY;
    return tod >= WORK_START_MS && tod < WORK_END_MS && this.isWorkingDayNumber(day);
  }

  /** Out of hours = not working time (DOMAIN.md §2). */
  isOutOfHours(t: Date): boolean {
    return !this.isWorkingTime(t);
  }

  /** sameDay: 23:59:59.999 local on the trigger's calendar date. */
  sameDay(t: Date): Date {
    return new Date(localToUtcMs(localDayNumber(t.getTime()), END_OF_DAY_MS));
  }

  /** workingDays(N): 17:00 local on the Nth working day after the trigger's calendar date. */
  workingDays(t: Date, n: number): Date {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`workingDays: N must be an integer ≥ 1, got ${n}`);
    let d = localDayNumber(t.getTime());
    for (let i = 0; i < n; i++) d = this.nextWorkingDayNumber(d);
    return new Date(localToUtcMs(d, WORK_END_MS));
  }

  /** hours(H): trigger + H elapsed hours. */
  hours(t: Date, h: number): Date {
    return new Date(t.getTime() + h * MS_PER_HOUR);
  }

  /** workingHours(H): add H hours counting only time on working days (whole local days). */
  workingHours(t: Date, h: number): Date {
    if (!(h >= 0)) throw new RangeError(`workingHours: H must be ≥ 0, got ${h}`);
    const ms = t.getTime();
    let remaining = h * MS_PER_HOUR;
    let day = localDayNumber(ms);
    if (this.isWorkingDayNumber(day)) {
      const available = MS_PER_DAY - localTimeOfDayMs(ms);
      if (remaining <= available) return new Date(ms + remaining);
      remaining -= available;
    }
    for (;;) {
      day = this.nextWorkingDayNumber(day);
      if (remaining <= MS_PER_DAY) return new Date(localToUtcMs(day, 0) + remaining);
      remaining -= MS_PER_DAY;
    }
  }

  /** firstWorkingDay: trigger date 17:00 if a working day and before 17:00, else 17:00 next working day. */
  firstWorkingDay(t: Date): Date {
    const local = t.getTime() + londonOffsetMs(t.getTime());
    const day = Math.floor(local / MS_PER_DAY);
    if (this.isWorkingDayNumber(day) && local - day * MS_PER_DAY < WORK_END_MS) {
      return new Date(localToUtcMs(day, WORK_END_MS));
    }
    return new Date(localToUtcMs(this.nextWorkingDayNumber(day), WORK_END_MS));
  }

  /** 09:00 local on the first working day whose 09:00 is strictly after t. */
  nextWorkingStart(t: Date): Date {
    const ms = t.getTime();
    const day = localDayNumber(ms);
    if (this.isWorkingDayNumber(day) && localTimeOfDayMs(ms) < WORK_START_MS) {
      return new Date(localToUtcMs(day, WORK_START_MS));
    }
    return new Date(localToUtcMs(this.nextWorkingDayNumber(day), WORK_START_MS));
  }

  /** The local calendar date "YYYY-MM-DD" of instant t. */
  localDate(t: Date): string {
    return isoDateOf(localDayNumber(t.getTime()));
  }
}

/** A timescale operation as data (profile files use this shape). */
export type TimeOp =
  | { kind: "sameDay" }
  | { kind: "workingDays"; n: number }
  | { kind: "hours"; h: number }
  | { kind: "workingHours"; h: number }
  | { kind: "firstWorkingDay" }
  | { kind: "nextWorkingStart" };

export function applyOp(cal: WorkingCalendar, op: TimeOp, trigger: Date): Date {
  switch (op.kind) {
    case "sameDay":
      return cal.sameDay(trigger);
    case "workingDays":
      return cal.workingDays(trigger, op.n);
    case "hours":
      return cal.hours(trigger, op.h);
    case "workingHours":
      return cal.workingHours(trigger, op.h);
    case "firstWorkingDay":
      return cal.firstWorkingDay(trigger);
    case "nextWorkingStart":
      return cal.nextWorkingStart(trigger);
  }
}

export function describeOp(op: TimeOp): string {
  switch (op.kind) {
    case "sameDay":
      return "sameDay";
    case "workingDays":
      return `workingDays(${op.n})`;
    case "hours":
      return `hours(${op.h})`;
    case "workingHours":
      return `workingHours(${op.h})`;
    case "firstWorkingDay":
      return "firstWorkingDay";
    case "nextWorkingStart":
      return "before 09:00 on the next working day";
  }
}
