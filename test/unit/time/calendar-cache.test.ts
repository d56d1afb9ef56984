/**
 * WorkingCalendar keeps a working-day flag per day number of every loaded year (cache inside the
 * object) and london.ts does calendar arithmetic without Date: both must agree with the uncached
 * definitions for any access order.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { WorkingCalendar } from "../../../src/domain/time/working-time.js";
import { englandWalesHolidays, type HolidaySource } from "../../../src/domain/time/bank-holidays.js";
import { civilOfDayNumber, daysFromCivil, isoDateOf, utcYear, weekdayOf, yearOf, yearOfDayNumber, MS_PER_DAY } from "../../../src/domain/time/london.js";

/** The definition, uncached: Monday–Friday and not in the source's holidays of that year. */
function uncachedWorking(source: HolidaySource, day: number): boolean {
  const wd = weekdayOf(day);
  if (wd === 0 || wd === 6) return false;
  const iso = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
  return !source(Number(iso.slice(0, 4))).includes(iso);
}

/** The same source with its years memoised (test speed only; the answers are the source's). */
function memo(source: HolidaySource): HolidaySource {
  const years = new Map<number, readonly string[]>();
  return (y) => {
    let v = years.get(y);
    if (!v) years.set(y, (v = source(y)));
    return v;
  };
}

const D_LO = daysFromCivil(2000, 1, 1);
const D_HI = daysFromCivil(2040, 12, 31);

describe("WorkingCalendar working-day cache", () => {
  const plain = memo(englandWalesHolidays());
  const withOverrides = memo(englandWalesHolidays({ add: ["2026-06-15", "2027-01-04", "2031-03-03"], remove: ["2026-12-25", "2028-05-01"] }));

  it("agrees with the uncached definition for random days in any access order (fresh calendar per run)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: D_LO, max: D_HI }), { minLength: 1, maxLength: 40 }), fc.boolean(), (days, over) => {
        const source = over ? withOverrides : plain;
        const cal = new WorkingCalendar(source);
        for (const d of days) expect(cal.isWorkingDayNumber(d)).toBe(uncachedWorking(source, d));
        // Also re-check after the range has grown.
        for (const d of days) expect(cal.isWorkingDayNumber(d - 1)).toBe(uncachedWorking(source, d - 1));
      }),
      { numRuns: 150 },
    );
  });

  it("agrees on every day 2024–2028, with and without overrides", () => {
    for (const source of [plain, withOverrides]) {
      const cal = new WorkingCalendar(source);
      // Start in the middle so the range grows both ways.
      expect(cal.isWorkingDayNumber(daysFromCivil(2026, 7, 1))).toBe(uncachedWorking(source, daysFromCivil(2026, 7, 1)));
      for (let d = daysFromCivil(2024, 1, 1); d <= daysFromCivil(2028, 12, 31); d++) expect(cal.isWorkingDayNumber(d)).toBe(uncachedWorking(source, d));
    }
  });

  it("isBankHoliday is unchanged by the cache", () => {
    const cal = new WorkingCalendar(withOverrides);
    expect(cal.isWorkingDayNumber(daysFromCivil(2026, 1, 5))).toBe(true);
    expect(cal.isBankHoliday("2026-06-15")).toBe(true);
    expect(cal.isBankHoliday("2026-12-25")).toBe(false);
    expect(cal.isBankHoliday("2026-12-28")).toBe(true);
  });
});

describe("calendar arithmetic without Date agrees with Date", () => {
  it("daysFromCivil, civilOfDayNumber, yearOfDayNumber", () => {
    fc.assert(
      fc.property(fc.integer({ min: daysFromCivil(100, 1, 1), max: daysFromCivil(9999, 12, 31) }), (day) => {
        const d = new Date(day * MS_PER_DAY);
        const y = d.getUTCFullYear();
        const m = d.getUTCMonth() + 1;
        const dd = d.getUTCDate();
        expect(civilOfDayNumber(day)).toBe(y * 10_000 + m * 100 + dd);
        expect(yearOfDayNumber(day)).toBe(y);
        expect(yearOf(day)).toBe(y);
        expect(daysFromCivil(y, m, dd)).toBe(day);
        expect(daysFromCivil(y, m, dd)).toBe(Math.floor(Date.UTC(y, m - 1, dd) / MS_PER_DAY));
        expect(isoDateOf(day)).toBe(d.toISOString().slice(0, 10));
      }),
      { numRuns: 20_000 },
    );
  });

  it("utcYear at and around every year boundary 1900–2200, and at random instants", () => {
    for (let y = 1900; y <= 2200; y++) {
      const t = Date.UTC(y, 0, 1);
      for (const ms of [t - 1, t, t + 1]) expect(utcYear(ms)).toBe(new Date(ms).getUTCFullYear());
    }
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }), (ms) => {
        expect(utcYear(ms)).toBe(new Date(ms).getUTCFullYear());
      }),
      { numRuns: 20_000 },
    );
  });
});
