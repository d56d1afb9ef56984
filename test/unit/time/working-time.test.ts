import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Holidays from "date-holidays";
import { WorkingCalendar } from "../../../src/domain/time/working-time.js";
import { englandWalesHolidays } from "../../../src/domain/time/bank-holidays.js";
import { londonOffsetMs, localDayNumber, localTimeOfDayMs, MS_PER_DAY } from "../../../src/domain/time/london.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const cal = new WorkingCalendar(englandWalesHolidays());
const D = (s: string) => new Date(s);
const iso = (d: Date) => d.toISOString();

describe("§2 working day and bank holidays", () => {
  it("date-holidays GB/ENG agrees with gov.uk england-and-wales on every weekday holiday 2024–2027", () => {
    const feed = JSON.parse(readFileSync(path.resolve(repoRoot, "test/contracts/uk-bank-holidays.json"), "utf8"));
    const gov = new Set<string>(
      feed["england-and-wales"].events.map((e: { date: string }) => e.date).filter((d: string) => d >= "2024-01-01" && d <= "2027-12-31"),
    );
    const hd = new Holidays("GB", "ENG");
    const lib = new Set<string>();
    for (let y = 2024; y <= 2027; y++) for (const h of hd.getHolidays(y)) if (h.type === "public") lib.add(h.date.slice(0, 10));
    const weekday = (d: string) => {
      const wd = new Date(`${d}T12:00:00Z`).getUTCDay();
      return wd !== 0 && wd !== 6;
    };
    const govW = [...gov].filter(weekday).sort();
    const libW = [...lib].filter(weekday).sort();
    expect(libW).toEqual(govW);
    expect(govW.length).toBeGreaterThanOrEqual(32);
    for (const d of govW) expect(cal.isBankHoliday(d)).toBe(true);
  });

  it.each([
    ["2026-12-25", false], // Christmas Day (Fri)
    ["2026-12-28", false], // Boxing Day substitute (Mon)
    ["2026-12-29", true],
    ["2027-03-26", false], // Good Friday
    ["2027-03-29", false], // Easter Monday
    ["2027-03-30", true],
    ["2027-01-01", false],
    ["2026-10-24", false], // Saturday
  ])("working day %s → %s", (d, w) => {
    expect(cal.isWorkingDay(D(`${d}T12:00:00Z`))).toBe(w);
  });

  it("override file adds and removes holidays", () => {
    const c = new WorkingCalendar(englandWalesHolidays({ add: ["2026-06-15"], remove: ["2026-12-28"] }));
    expect(c.isWorkingDay(D("2026-06-15T12:00:00Z"))).toBe(false);
    expect(c.isWorkingDay(D("2026-12-28T12:00:00Z"))).toBe(true);
  });
});

describe("§2 sameDay", () => {
  it.each([
    ["2026-12-24T16:59:00Z", "2026-12-24T23:59:59.999Z"],
    ["2026-07-01T23:30:00Z", "2026-07-02T22:59:59.999Z"], // 00:30 BST on 2 Jul
    ["2027-03-28T00:30:00Z", "2027-03-28T22:59:59.999Z"], // BST starts 01:00 UTC that day
    ["2026-10-25T00:30:00Z", "2026-10-25T23:59:59.999Z"], // 01:30 BST, GMT from 01:00 UTC
    ["2026-12-25T10:00:00Z", "2026-12-25T23:59:59.999Z"], // bank holiday still the calendar day
  ])("T-SH/T-SAF sameDay(%s) = %s", (t, due) => expect(iso(cal.sameDay(D(t)))).toBe(due));
});

describe("§2 workingDays(N)", () => {
  it.each([
    ["2026-06-01T09:00:00Z", 1, "2026-06-02T16:00:00.000Z"], // Mon 10:00 BST → Tue 17:00 BST
    ["2026-06-06T10:00:00Z", 1, "2026-06-08T16:00:00.000Z"], // Sat → Mon
    ["2026-06-01T07:00:00Z", 1, "2026-06-02T16:00:00.000Z"], // 08:00 on a working day: own date never counts
    ["2026-12-24T16:59:00Z", 3, "2026-12-31T17:00:00.000Z"], // Christmas 2026: 25, 28 skipped
    ["2026-12-24T17:01:00Z", 3, "2026-12-31T17:00:00.000Z"],
    ["2026-12-23T12:00:00Z", 1, "2026-12-24T17:00:00.000Z"],
    ["2026-12-24T12:00:00Z", 1, "2026-12-29T17:00:00.000Z"],
    ["2026-12-31T12:00:00Z", 1, "2027-01-04T17:00:00.000Z"], // year end + New Year's Day
    ["2027-03-25T12:00:00Z", 1, "2027-03-30T16:00:00.000Z"], // Easter 2027 + BST from 28 Mar
    ["2027-03-25T12:00:00Z", 3, "2027-04-01T16:00:00.000Z"],
    ["2026-10-23T12:00:00Z", 1, "2026-10-26T17:00:00.000Z"], // Fri BST → Mon GMT
    ["2026-06-01T12:00:00Z", 45, "2026-08-03T16:00:00.000Z"], // T-S47: 9 weeks of 5 + Mon 3 Aug
  ])("workingDays(%s, %i) = %s", (t, n, due) => expect(iso(cal.workingDays(D(t), n as number))).toBe(due));
});

describe("§2 hours(H) and workingHours(H)", () => {
  it.each([
    ["2027-03-27T12:00:00Z", 24, "2027-03-28T12:00:00.000Z"], // across BST start: 13:00 BST wall clock
    ["2026-10-24T12:00:00Z", 24, "2026-10-25T12:00:00.000Z"],
  ])("hours(%s, %i) = %s", (t, h, due) => expect(iso(cal.hours(D(t), h as number))).toBe(due));

  it.each([
    ["2026-06-05T13:00:00Z", 24, "2026-06-08T13:00:00.000Z"], // Fri 14:00 BST → Mon 14:00 BST
    ["2026-08-28T13:00:00Z", 24, "2026-09-01T13:00:00.000Z"], // Mon 31 Aug bank holiday → Tue
    ["2026-12-24T14:00:00Z", 24, "2026-12-29T14:00:00.000Z"], // Thu → (25,26,27,28 off) → Tue
    ["2026-06-06T10:00:00Z", 24, "2026-06-08T23:00:00.000Z"], // Sat: from 00:00 Mon (BST) → Tue 00:00 BST
    ["2026-06-01T09:00:00Z", 10, "2026-06-01T19:00:00.000Z"],
    ["2027-03-25T15:00:00Z", 24, "2027-03-30T14:00:00.000Z"], // Thu 15:00 GMT → (Good Fri..Easter Mon) → Tue 15:00 BST
    ["2026-10-23T12:00:00Z", 24, "2026-10-26T13:00:00.000Z"], // Fri 13:00 BST → Mon 13:00 GMT
  ])("T-REC workingHours(%s, %i) = %s", (t, h, due) => expect(iso(cal.workingHours(D(t), h as number))).toBe(due));
});

describe("§2 firstWorkingDay", () => {
  it.each([
    ["2026-12-24T16:59:00Z", "2026-12-24T17:00:00.000Z"], // 16:59 → same day
    ["2026-12-24T17:00:00Z", "2026-12-29T17:00:00.000Z"], // 17:00 exactly → next working day
    ["2026-12-24T17:01:00Z", "2026-12-29T17:00:00.000Z"],
    ["2026-06-01T15:59:00Z", "2026-06-01T16:00:00.000Z"], // 16:59 BST
    ["2026-06-01T16:01:00Z", "2026-06-02T16:00:00.000Z"], // 17:01 BST
    ["2027-03-27T10:00:00Z", "2027-03-30T16:00:00.000Z"], // Sat before Easter Monday, BST
    ["2026-06-01T05:00:00Z", "2026-06-01T16:00:00.000Z"], // 06:00 on a working day
  ])("firstWorkingDay(%s) = %s", (t, due) => expect(iso(cal.firstWorkingDay(D(t)))).toBe(due));
});

describe("§2 working hours / out of hours", () => {
  it.each([
    ["2026-06-01T08:00:00Z", true], // 09:00 BST
    ["2026-06-01T15:59:59Z", true],
    ["2026-06-01T16:00:00Z", false], // 17:00 BST exactly
    ["2026-12-24T16:59:00Z", true],
    ["2026-12-24T17:01:00Z", false],
    ["2026-12-28T12:00:00Z", false], // bank holiday
    ["2026-06-06T12:00:00Z", false], // Saturday
  ])("isWorkingTime(%s) = %s", (t, w) => expect(cal.isWorkingTime(D(t))).toBe(w));
});

const instant = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2029, 11, 31) }).map((n) => new Date(n));

describe("properties", () => {
  it("London offset by the EU/UK DST rule equals Intl Europe/London", () => {
    const fmt = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1997, 0, 1), max: Date.UTC(2099, 11, 31) }), (ms) => {
        const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
        const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
        const expected = wall - Math.floor(ms / 60000) * 60000;
        expect(londonOffsetMs(ms)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it("workingDays is monotone in N and never lands on a non-working day, at 17:00 local", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 30 }), (t, n) => {
        const a = cal.workingDays(t, n);
        const b = cal.workingDays(t, n + 1);
        expect(b.getTime()).toBeGreaterThan(a.getTime());
        expect(cal.isWorkingDay(a)).toBe(true);
        expect(localTimeOfDayMs(a.getTime())).toBe(17 * 3_600_000);
        expect(localDayNumber(a.getTime())).toBeGreaterThan(localDayNumber(t.getTime()));
      }),
    );
  });

  it("workingDays(N) = N applications of workingDays(1) (each applied to the previous 17:00 result)", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 25 }), (t, n) => {
        let x = t;
        for (let i = 0; i < n; i++) x = cal.workingDays(x, 1);
        expect(x.toISOString()).toBe(cal.workingDays(t, n).toISOString());
      }),
    );
  });

  it("firstWorkingDay lands on a working day at 17:00 and never before the trigger's date", () => {
    fc.assert(
      fc.property(instant, (t) => {
        const d = cal.firstWorkingDay(t);
        expect(cal.isWorkingDay(d)).toBe(true);
        expect(d.getTime()).toBeGreaterThan(t.getTime());
      }),
    );
  });

  it("workingHours is monotone in H and hours on working days add up", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 200 }), (t, h) => {
        expect(cal.workingHours(t, h + 1).getTime()).toBeGreaterThan(cal.workingHours(t, h).getTime());
        expect(cal.workingHours(cal.workingHours(t, h), 24).getTime()).toBe(cal.workingHours(t, h + 24).getTime());
      }),
      { numRuns: 300 },
    );
  });

  it("sameDay is on the trigger's local date at 23:59:59.999", () => {
    fc.assert(
      fc.property(instant, (t) => {
        const d = cal.sameDay(t);
        expect(localDayNumber(d.getTime())).toBe(localDayNumber(t.getTime()));
        expect(localTimeOfDayMs(d.getTime())).toBe(MS_PER_DAY - 1);
      }),
    );
  });
});
