/**
 * England & Wales bank holidays (DOMAIN.md §2 "Working day").
 *
 * Source: the maintained `date-holidays` library, country GB, state ENG (England; Wales shares the
 * same bank holidays). Only entries of type "public" are holidays. date-holidays lists both the
 * weekend original and the weekday substitute of a substitute holiday (e.g. Boxing Day 2026 is
 * Saturday 26 Dec and its substitute Monday 28 Dec); we take every listed `date`: the weekend
 * entries do not matter because weekends are non-working anyway. A test checks that this agrees
 * with the gov.uk feed (test/contracts/uk-bank-holidays.json) on every weekday holiday 2024–2027.
 *
 * An optional override file (JSON, validated by ZHolidayOverrides) adds dates (e.g. a one-off
 * bank holiday announced after the library release) or removes dates.
 */
import Holidays from "date-holidays";
import { z } from "zod";

/** A function returning the holiday dates ("YYYY-MM-DD") of one calendar year. */
export type HolidaySource = (year: number) => readonly string[];

const ZIsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be a date YYYY-MM-DD" })
  .refine((s) => isRealDate(s), { error: "is not a real calendar date" });

export const ZHolidayOverrides = z.strictObject({
  add: z.array(ZIsoDate).default([]),
  remove: z.array(ZIsoDate).default([]),
});
export type HolidayOverrides = z.infer<typeof ZHolidayOverrides>;

export function isRealDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return false;
  const dim = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= dim;
}

/**
 * Build a HolidaySource for England & Wales from date-holidays, with optional overrides.
 * The returned function has no shared state of its own; callers cache (WorkingCalendar does).
 */
export function englandWalesHolidays(overrides?: HolidayOverrides): HolidaySource {
  const hd = new Holidays("GB", "ENG");
  const add = overrides?.add ?? [];
  const remove = new Set(overrides?.remove ?? []);
  return (year: number) => {
    const out = new Set<string>();
    for (const h of hd.getHolidays(year) || []) {
      if (h.type !== "public") continue;
      out.add(h.date.slice(0, 10));
    }
    for (const d of add) if (d.startsWith(`${year}-`)) out.add(d);
    for (const d of remove) out.delete(d);
    return [...out].sort();
  };
}
