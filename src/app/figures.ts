/**
 * The managers' counted figures for a period (issue 12 point 9): strats whose meetings start in the period,
 * and of those the short-notice, late and inquorate ones with the strats behind each count
 * (src/domain/strat/figures.ts decides what counts). A period is whole London days, `to` included.
 */
import { z } from "zod";
import { tallyCounted } from "../domain/strat/figures.js";
import { dayNumberOf, isoDateOf, localDayNumber, localToUtcMs } from "../domain/time/index.js";
import type { Strat } from "../domain/strat/strat.js";
import type { AppContext } from "./context.js";

/** The longest period one request may ask for. */
export const MAX_PERIOD_DAYS = 366;
/** Without a period: the last 28 days, today included. */
export const DEFAULT_PERIOD_DAYS = 28;

export interface Period { from: string; to: string }
export type PeriodResult = { ok: true; period: Period } | { ok: false; field: "from" | "to"; error: string };

const ZDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const dayOf = (iso: string): number | null => {
  if (!ZDate.safeParse(iso).success) return null;
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  const n = dayNumberOf(y, m, d);
  return isoDateOf(n) === iso ? n : null; // 2026-02-30 is not a date
};

/** Reads `from` and `to` (YYYY-MM-DD, London days) from a query; bad values name the field. */
export function parsePeriod(query: { from?: unknown; to?: unknown }, now: Date): PeriodResult {
  const today = localDayNumber(now.getTime());
  const read = (field: "from" | "to", v: unknown, dflt: number) => {
    if (v === undefined || v === "") return dflt;
    return typeof v === "string" ? dayOf(v) : null;
  };
  const to = read("to", query.to, today);
  if (to === null) return { ok: false, field: "to", error: "To must be a date as YYYY-MM-DD, e.g. 2026-11-30." };
  const from = read("from", query.from, to - (DEFAULT_PERIOD_DAYS - 1));
  if (from === null) return { ok: false, field: "from", error: "From must be a date as YYYY-MM-DD, e.g. 2026-11-01." };
  if (to < from) return { ok: false, field: "to", error: "To must be on or after From." };
  if (to - from + 1 > MAX_PERIOD_DAYS) return { ok: false, field: "to", error: `To must be within ${MAX_PERIOD_DAYS} days of From.` };
  return { ok: true, period: { from: isoDateOf(from), to: isoDateOf(to) } };
}

/** `visible`: only the strats the asker may see are counted (the tab's scoping, issue 15 point 2). */
export async function countedFigures(ctx: AppContext, p: Period, visible: (s: Strat) => boolean = () => true) {
  const start = (iso: string) => new Date(localToUtcMs(dayOf(iso)!, 0));
  const end = new Date(localToUtcMs(dayOf(p.to)! + 1, 0));
  const strats = (await ctx.strats.listByMeetingStart(start(p.from), end)).filter(visible);
  return { from: p.from, to: p.to, ...tallyCounted(strats) };
}
