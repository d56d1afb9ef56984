import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findSlots, fits, inWindow, parseReadingHours, type SlotSearch } from "../../../src/infra/graph/slots.js";
import { isoDateOf } from "../../../src/domain/time/index.js";
import type { TimeSlot } from "../../../src/ports/scheduler.js";

/**
 * Slot finding (src/infra/graph/slots.ts), pure: London working hours (Mon–Fri 09:00–17:00 unless an agency
 * mailbox's reading hours say otherwise), bank holidays, busy time, the due instant. Answers worked by hand
 * (GMT in November/December: London = UTC; BST in June: London = UTC+1).
 */
const Z = (iso: string) => new Date(iso);
const slot = (start: string, end: string): TimeSlot => ({ start: Z(start), end: Z(end) });
const iso = (xs: TimeSlot[]) => xs.map((x) => [x.start.toISOString().slice(0, 16), x.end.toISOString().slice(11, 16)]);
const HOLIDAYS_2026 = new Set(["2026-12-25", "2026-12-28"]);
const bankHoliday = (day: number) => HOLIDAYS_2026.has(isoDateOf(day));

function search(over: Partial<SlotSearch>): SlotSearch {
  return {
    durationMinutes: 60, notBefore: Z("2026-11-23T10:07:00Z"), dueBy: Z("2026-11-26T17:00:00Z"), target: null, busy: [], windows: [],
    horizon: Z("2027-01-20T00:00:00Z"), closed: bankHoliday, notes: ["Checked."], ...over,
  };
}

describe("parseReadingHours", () => {
  it.each([
    ["Mon–Fri 09:00–17:00", [1, 2, 3, 4, 5], 540, 1020],
    ["mon-fri 9:30-16:00", [1, 2, 3, 4, 5], 570, 960],
    ["Fri–Mon 08:00–12:00", [0, 1, 5, 6], 480, 720], // wraps over the weekend
    ["Daily 08:00-20:00", [0, 1, 2, 3, 4, 5, 6], 480, 1200],
    ["17:00–09:00", [0, 1, 2, 3, 4, 5, 6], 1020, 540], // overnight, every day
    ["every day 00:00–24:00", [0, 1, 2, 3, 4, 5, 6], 0, 1440],
  ])("%j → days %j, %i–%i min", (text, days, from, to) => {
    const w = parseReadingHours(text)!;
    expect([...w.days].sort()).toEqual(days);
    expect([w.fromMin, w.toMin]).toEqual([from, to]);
    expect(w.label).toBe(text.trim());
  });
  it.each([null, undefined, "", "office hours", "Mon–Fri", "24:00–25:00", "09:00–25:00", "Mon–Fri 9–17"])("%j → null (unreadable)", (text) => {
    expect(parseReadingHours(text)).toBeNull();
  });
});

describe("inWindow (London time, bank holidays)", () => {
  const office = parseReadingHours("Mon–Fri 09:00–17:00")!;
  const nights = parseReadingHours("Mon–Fri 17:00–09:00")!;
  const daily = parseReadingHours("Daily 08:00–20:00")!;
  const at = (s: string) => Z(s).getTime();
  it.each([
    [office, "2026-11-23T09:00:00Z", true], // Mon 09:00 GMT
    [office, "2026-11-23T08:59:00Z", false],
    [office, "2026-11-23T16:59:00Z", true],
    [office, "2026-11-23T17:00:00Z", false], // the end is exclusive
    [office, "2026-11-28T10:00:00Z", false], // Saturday
    [office, "2026-06-01T08:00:00Z", true], // Mon 1 Jun 09:00 BST
    [office, "2026-06-01T16:00:00Z", false], // 17:00 BST
    [office, "2026-12-25T10:00:00Z", false], // Christmas Day (a Friday): the office is shut
    [office, "2026-12-24T10:00:00Z", true],
    [nights, "2026-11-23T22:00:00Z", true], // Mon evening
    [nights, "2026-11-24T02:00:00Z", true], // Tue 02:00 belongs to Monday night
    [nights, "2026-11-28T02:00:00Z", true], // Sat 02:00 belongs to Friday night
    [nights, "2026-11-23T02:00:00Z", false], // Mon 02:00 belongs to Sunday night
    [nights, "2026-11-23T12:00:00Z", false],
    [daily, "2026-12-25T10:00:00Z", true], // a window for every day is read on bank holidays too
    [daily, "2026-11-28T19:59:00Z", true],
  ])("%#: %s → %s", (w, when, expected) => {
    expect(inWindow(w, at(when), bankHoliday)).toBe(expected);
  });
});

describe("findSlots: hand-worked answers", () => {
  it("the earliest three distinct hours from the next quarter hour, before the due time", () => {
    const p = findSlots(search({}));
    expect(iso(p.slots)).toEqual([["2026-11-23T10:15", "11:15"], ["2026-11-23T11:15", "12:15"], ["2026-11-23T12:15", "13:15"]]);
    expect(p).toMatchObject({ beforeDue: true, beforeTarget: null, rationaleNeeded: false });
    expect(p.explanation).toBe("Checked. The earliest slot that suits everyone is Mon 23 Nov, 10:15, before the due time (Thu 26 Nov, 17:00).");
  });

  it("busy time of any attendee is avoided", () => {
    const p = findSlots(search({ busy: [[slot("2026-11-23T10:00:00Z", "2026-11-23T12:00:00Z")], [slot("2026-11-23T12:30:00Z", "2026-11-23T13:00:00Z")]] }));
    expect(iso(p.slots)).toEqual([["2026-11-23T13:00", "14:00"], ["2026-11-23T14:00", "15:00"], ["2026-11-23T15:00", "16:00"]]);
  });

  it("late in the day: the next working morning; a weekend is skipped", () => {
    expect(iso(findSlots(search({ notBefore: Z("2026-11-23T16:30:00Z"), max: 2 })).slots)).toEqual([["2026-11-24T09:00", "10:00"], ["2026-11-24T10:00", "11:00"]]);
    expect(iso(findSlots(search({ notBefore: Z("2026-11-27T16:01:00Z"), dueBy: Z("2026-12-02T17:00:00Z"), max: 1 })).slots)).toEqual([["2026-11-30T09:00", "10:00"]]);
  });

  it("bank holidays: from Thu 24 Dec 16:01 the first slot is Tue 29 Dec 09:00 (25 and 28 Dec closed, 26–27 a weekend)", () => {
    const p = findSlots(search({ notBefore: Z("2026-12-24T16:01:00Z"), dueBy: Z("2026-12-31T17:00:00Z"), max: 1 }));
    expect(iso(p.slots)).toEqual([["2026-12-29T09:00", "10:00"]]);
    // without the bank-holiday calendar, Fri 25 Dec 09:00 would be offered
    expect(iso(findSlots(search({ notBefore: Z("2026-12-24T16:01:00Z"), dueBy: Z("2026-12-31T17:00:00Z"), max: 1, closed: undefined })).slots)).toEqual([["2026-12-25T09:00", "10:00"]]);
  });

  it("British Summer Time: 09:00 London is 08:00 UTC", () => {
    const p = findSlots(search({ notBefore: Z("2026-06-01T06:00:00Z"), dueBy: Z("2026-06-03T16:00:00Z"), max: 2, durationMinutes: 90 }));
    expect(iso(p.slots)).toEqual([["2026-06-01T08:00", "09:30"], ["2026-06-01T09:30", "11:00"]]);
  });

  it("an agency mailbox's reading hours narrow the day", () => {
    const p = findSlots(search({ notBefore: Z("2026-11-23T09:00:00Z"), windows: [parseReadingHours("Mon–Fri 10:00–12:00")!] }));
    expect(iso(p.slots)).toEqual([["2026-11-23T10:00", "11:00"], ["2026-11-23T11:00", "12:00"], ["2026-11-24T10:00", "11:00"]]);
  });

  it("a slot must end by the due time: when none fits, only the earliest is offered and a rationale is needed", () => {
    const p = findSlots(search({ notBefore: Z("2026-11-23T16:30:00Z"), dueBy: Z("2026-11-23T17:00:00Z") }));
    expect(iso(p.slots)).toEqual([["2026-11-24T09:00", "10:00"]]);
    expect(p).toMatchObject({ beforeDue: false, rationaleNeeded: true });
    expect(p.explanation).toMatch(/No slot suits everyone before the due time \(Mon 23 Nov, 17:00\)\. The earliest possible is Tue 24 Nov, 09:00/);
  });

  it("a slot ending exactly at the due time is before it; the list stops before the first slot that would end after it", () => {
    const p = findSlots(search({ notBefore: Z("2026-11-23T14:00:00Z"), dueBy: Z("2026-11-23T16:00:00Z") }));
    expect(iso(p.slots)).toEqual([["2026-11-23T14:00", "15:00"], ["2026-11-23T15:00", "16:00"]]);
    expect(p.beforeDue).toBe(true);
  });

  it("the local target: before the due time but after the target is said", () => {
    const p = findSlots(search({ notBefore: Z("2026-11-23T16:30:00Z"), target: Z("2026-11-24T09:30:00Z") }));
    expect(p).toMatchObject({ beforeDue: true, beforeTarget: false, rationaleNeeded: false });
    expect(p.explanation).toMatch(/No slot suits everyone before the local target \(Tue 24 Nov, 09:30\); the earliest, Tue 24 Nov, 09:00/);
    expect(findSlots(search({ notBefore: Z("2026-11-23T16:30:00Z"), target: Z("2026-11-24T10:00:00Z") })).beforeTarget).toBe(true);
  });

  it("nothing free before the horizon: no slot, and the chair is told to choose one by hand", () => {
    const p = findSlots(search({ notBefore: Z("2026-11-23T16:30:00Z"), horizon: Z("2026-11-24T09:30:00Z") }));
    expect(p.slots).toEqual([]);
    expect(p).toMatchObject({ beforeDue: false, rationaleNeeded: true });
    expect(p.explanation).toMatch(/No 60-minute slot is free for everyone before Tue 24 Nov, 09:30\. Choose a time by hand/);
  });

  it("max is kept between 1 and 10", () => {
    expect(findSlots(search({ max: 0 })).slots).toHaveLength(1);
    expect(findSlots(search({ max: 50, dueBy: Z("2026-12-20T17:00:00Z") })).slots).toHaveLength(10);
  });
});

describe("findSlots: properties", () => {
  const BASE = Z("2026-11-23T00:00:00Z").getTime(); // Mon 23 Nov 2026
  const H = 3_600_000;
  const busyArb = fc.array(
    fc.array(fc.tuple(fc.integer({ min: 0, max: 10 * 24 * 4 }), fc.integer({ min: 1, max: 16 })).map(([q, len]) => slot(new Date(BASE + q * 15 * 60_000).toISOString(), new Date(BASE + (q + len) * 15 * 60_000).toISOString())), { maxLength: 6 }),
    { maxLength: 3 },
  );
  const searchArb = fc.record({
    notBefore: fc.integer({ min: 0, max: 7 * 24 * 60 }).map((m) => new Date(BASE + m * 60_000)),
    dueAfterH: fc.integer({ min: 1, max: 10 * 24 }),
    durationMinutes: fc.constantFrom(15, 30, 45, 60, 90, 120),
    busy: busyArb,
    max: fc.integer({ min: 1, max: 6 }),
    window: fc.constantFrom(null, "Mon–Fri 09:00–17:00", "Mon–Fri 10:00–12:00", "Daily 08:00–20:00", "Mon–Fri 17:00–09:00"),
  }).map((r) => search({
    notBefore: r.notBefore, dueBy: new Date(r.notBefore.getTime() + r.dueAfterH * H), durationMinutes: r.durationMinutes, busy: r.busy, max: r.max,
    windows: r.window ? [parseReadingHours(r.window)!] : [], horizon: new Date(r.notBefore.getTime() + 21 * 24 * H),
  }));

  it("slots start no earlier than asked, never overlap busy time or each other, sit in the hours, and the first is the earliest that fits", () => {
    fc.assert(
      fc.property(searchArb, (s) => {
        const p = findSlots(s);
        const dur = s.durationMinutes * 60_000;
        let prevEnd = -Infinity;
        for (const x of p.slots) {
          expect(x.end.getTime() - x.start.getTime()).toBe(dur);
          expect(x.start.getTime()).toBeGreaterThanOrEqual(s.notBefore.getTime());
          expect(x.start.getTime()).toBeGreaterThanOrEqual(prevEnd); // distinct, in order
          prevEnd = x.end.getTime();
          for (const person of s.busy) for (const b of person) expect(b.start < x.end && b.end > x.start).toBe(false);
          expect(fits(s, x.start.getTime(), x.end.getTime())).toBe(true);
        }
        expect(p.slots.length).toBeLessThanOrEqual(s.max!);
        if (p.slots[0]) {
          for (let t = Math.ceil(s.notBefore.getTime() / 900_000) * 900_000; t < p.slots[0].start.getTime(); t += 900_000) expect(fits(s, t, t + dur)).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("slots never end after the due time, except a single earliest slot offered when none fits (and then a rationale is needed)", () => {
    fc.assert(
      fc.property(searchArb, (s) => {
        const p = findSlots(s);
        const late = p.slots.filter((x) => x.end.getTime() > s.dueBy.getTime());
        if (late.length) {
          expect(p.slots).toHaveLength(1);
          expect(p).toMatchObject({ beforeDue: false, rationaleNeeded: true });
        } else {
          expect(p.beforeDue).toBe(p.slots.length > 0);
        }
      }),
      { numRuns: 150 },
    );
  });
});
