/**
 * The managers' dashboard (issue 15 point 3), computed by SQL over the read model only (strat_summary and the action and
 * dissent rows of migration 012), never by parsing a strat's state per request. Each number carries `drill`: the
 * /api/tab/list query parameters that list exactly the strats it counts. A number and its drill are the same filter: the
 * figure is defined here as drill parameters, turned into the store's filter by `drillFilter` (which the list uses too).
 * A period is whole London days, `to` included; the trend is the 12 weeks ending at `to`.
 */
import { z } from "zod";
import { dayNumberOfIso, isoDateOf, localDayNumber, londonDayStart } from "../domain/time/index.js";
import { DISSENT_AGES, type DissentAge, type HeldDayCounts, type SummaryCounts, type SummaryFilter } from "../ports/store.js";
import type { AppContext } from "./context.js";
import type { Period } from "./figures.js";
import { countsAt } from "./item-trend.js";
import { missingDashboardFor } from "./missing-figures.js";

/** The list's drill parameters: each with the sentence a chair or manager reads when it is wrong. */
const ZDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((s) => dayNumberOfIso(s) !== null);
const ZBool = z.enum(["true", "false"]);
const one = <T extends z.ZodTypeAny>(schema: T, message: string) => ({ schema: schema.optional(), message });
export const DRILL_PARAMS = {
  held_from: one(ZDay, "Held from must be a date as YYYY-MM-DD, e.g. 2026-11-01."),
  held_to: one(ZDay, "Held to must be a date as YYYY-MM-DD, e.g. 2026-11-30."),
  late: one(ZBool, "Late must be true or false."),
  short_notice: one(ZBool, "Short notice must be true or false."),
  quorate: one(ZBool, "Quorate must be true or false."),
  target_met: one(ZBool, "Target met must be true or false."),
  distributed_on_time: one(ZBool, "Distributed on time must be true or false."),
  concern: one(z.string().min(1).max(100).regex(/^[A-Za-z0-9 ._-]+$/), "Concern must be a concern category, e.g. standard."),
  action_overdue: one(z.literal("true"), "Action overdue must be true."),
  agency: one(z.string().min(1).max(100), "Agency must be an agency's name, e.g. Police."),
  dissent_open: one(z.literal("true"), "Dissent open must be true."),
  dissent_stage: one(z.enum(["chair", "senior-managers"]), "Dissent stage must be chair or senior-managers."),
  dissent_age: one(z.enum(DISSENT_AGES), "Dissent age must be 0-6, 7-27 or 28-plus (days)."),
  as_at: one(ZDay, "As at must be a date as YYYY-MM-DD, e.g. 2026-11-29 (the end of that day)."),
} as const;
export type DrillField = keyof typeof DRILL_PARAMS;
export type Drill = Partial<Record<DrillField | "team", string>>;

const bool = (v: string | undefined) => (v === undefined ? undefined : v === "true");

export type DrillResult = { ok: true; filter: SummaryFilter } | { ok: false; field: DrillField; error: string };

/** The drill parameters of a query as the store's filter at `now`; the first bad one names its field. */
export function drillFilter(raw: Record<string, unknown>, now: Date): DrillResult {
  const v: Partial<Record<DrillField, string>> = {};
  for (const f of Object.keys(DRILL_PARAMS) as DrillField[]) {
    const r = DRILL_PARAMS[f].schema.safeParse(raw[f] === "" ? undefined : raw[f]);
    if (!r.success) return { ok: false, field: f, error: DRILL_PARAMS[f].message };
    if (r.data !== undefined) v[f] = r.data as string;
  }
  if (v.held_from && v.held_to && v.held_to < v.held_from) return { ok: false, field: "held_to", error: "Held to must be on or after Held from." };
  if ((v.agency && !v.action_overdue) || ((v.dissent_stage || v.dissent_age) && !v.dissent_open)) {
    const field = v.agency && !v.action_overdue ? "agency" : v.dissent_stage ? "dissent_stage" : "dissent_age";
    return { ok: false, field, error: `${DRILL_PARAMS[field].message.split(" must")[0]} needs ${field === "agency" ? "action_overdue" : "dissent_open"}=true.` };
  }
  if (v.as_at && !v.action_overdue && !v.dissent_open) {
    return { ok: false, field: "as_at", error: "As at needs action_overdue=true or dissent_open=true (it says when they are counted)." };
  }
  // A dissent's stage is kept as it is now, not as it was: a past count by stage would be wrong.
  if (v.as_at && v.dissent_stage && londonDayStart(v.as_at, 1).getTime() < now.getTime()) {
    return { ok: false, field: "dissent_stage", error: "Dissent stage is known as it is now only: leave out As at, or the stage." };
  }
  // As at the end of a day (London), never after now: an earlier instant counts by when items were done or closed.
  const itemsAt = v.as_at && londonDayStart(v.as_at, 1).getTime() < now.getTime() ? londonDayStart(v.as_at, 1) : now;
  const past = itemsAt !== now ? { past: true } : {};
  const held = v.held_from || v.held_to
    ? { by: now, from: v.held_from ? londonDayStart(v.held_from) : undefined, to: v.held_to ? londonDayStart(v.held_to, 1) : undefined } : undefined;
  return {
    ok: true,
    filter: {
      held, late: bool(v.late), shortNotice: bool(v.short_notice), quorate: bool(v.quorate), targetMet: bool(v.target_met),
      distributedOnTime: v.distributed_on_time ? { onTime: v.distributed_on_time === "true", at: now } : undefined, concern: v.concern,
      overdueActions: v.action_overdue ? { at: itemsAt, agency: v.agency, ...past } : undefined,
      openDissent: v.dissent_open ? { at: itemsAt, stage: v.dissent_stage, age: v.dissent_age as DissentAge | undefined, ...past } : undefined,
    },
  };
}

/**
 * The headline figures of held strats, as drill parameters added to the period's (T-STD: held by the statutory due, i.e.
 * not late; the local target; Q-1 quorate; T-REC: the record distributed by its due; counted: short notice, late).
 * Each "…Not" is the other side of a rate's denominator.
 */
const HEADLINES = {
  held: {}, withinDue: { late: "false" }, late: { late: "true" }, shortNotice: { short_notice: "true" },
  withinTarget: { target_met: "true" }, targetMissed: { target_met: "false" },
  quorate: { quorate: "true" }, inquorate: { quorate: "false" },
  distributedOnTime: { distributed_on_time: "true" }, distributedLate: { distributed_on_time: "false" },
} as const satisfies Record<string, Drill>;
type Headline = keyof typeof HEADLINES;
const HEADLINE_NAMES = Object.keys(HEADLINES) as Headline[];
/** By concern: held within the due and the target (T-STD by concern category). */
const BY_CONCERN: readonly Headline[] = ["held", "withinDue", "withinTarget", "targetMissed"];

export interface Figure { count: number; drill: Drill }
const rate = (n: number, of: number) => (of ? Math.round((n / of) * 1000) / 1000 : null);

const filterOf = (d: Drill, now: Date): SummaryFilter => {
  const r = drillFilter(d, now);
  if (!r.ok) throw new Error(`dashboard drill ${r.field} is not a valid list filter`); // a programming error, never the asker's
  return r.filter;
};

export const TREND_WEEKS = 12;

/** The day aggregates' counts as the headline figures (withinDue: held and not late; the rest one to one). */
const headlineCounts = (r: HeldDayCounts): SummaryCounts => ({
  group: r.group,
  counts: {
    held: r.held, withinDue: r.held - r.late, late: r.late, shortNotice: r.shortNotice, withinTarget: r.targetMet, targetMissed: r.targetMissed,
    quorate: r.quorate, inquorate: r.inquorate, distributedOnTime: r.distributedOnTime, distributedLate: r.distributedLate,
  } satisfies Record<Headline, number>,
});

/**
 * The dashboard for a period over the strats chaired by `chairIn` (undefined: all) and, with `team`, of one team.
 * Overdue actions and open dissent are as at now (not of the period); each week of the trend has them as at its end
 * (`atEnd`, item-trend.ts), with the missing-children figures as they stood then (missing-figures.ts).
 */
export async function dashboard(ctx: Pick<AppContext, "strats" | "episodes" | "profiles" | "clock">, p: Period, scope: { chairIn?: readonly string[]; team?: string }) {
  const now = ctx.clock.now();
  const base: Drill = { held_from: p.from, held_to: p.to, ...(scope.team ? { team: scope.team } : {}) };
  const where = (d: Drill): SummaryFilter => ({ ...filterOf(d, now), team: d.team, chairIn: scope.chairIn });
  const figures = (names: readonly Headline[], extra: Drill = {}) => Object.fromEntries(names.map((n) => [n, filterOf({ ...HEADLINES[n], ...extra }, now)]));
  const figure = (count: number, drill: Drill): Figure => ({ count, drill });
  const headlineOf = (counts: Record<string, number>, drill: Drill, names: readonly Headline[] = HEADLINE_NAMES) => {
    const c = (n: Headline) => counts[n] ?? 0;
    const f = Object.fromEntries(names.map((n) => [n, figure(c(n), { ...drill, ...HEADLINES[n] })])) as Record<Headline, Figure>;
    const has = (n: Headline) => names.includes(n);
    const rates = {
      withinDue: rate(c("withinDue"), c("held")), withinTarget: rate(c("withinTarget"), c("withinTarget") + c("targetMissed")),
      ...(has("quorate") ? { quorate: rate(c("quorate"), c("quorate") + c("inquorate")) } : {}),
      ...(has("distributedOnTime") ? { distributedOnTime: rate(c("distributedOnTime"), c("distributedOnTime") + c("distributedLate")) } : {}),
    };
    return { ...f, rates };
  };

  // The trend: week k (1…12) is [to − 7(12−k) − 6, to − 7(12−k)] in London days; one grouped query for every figure.
  const toDay = dayNumberOfIso(p.to)!;
  const weeks = Array.from({ length: TREND_WEEKS }, (_, k) => ({
    from: isoDateOf(toDay - 7 * (TREND_WEEKS - 1 - k) - 6), to: isoDateOf(toDay - 7 * (TREND_WEEKS - 1 - k)),
  }));
  // All chairs (a head of service): the day aggregates (migration 013), whose reads do not grow with the store; a chair's
  // or a manager's chairs: their strats' summary rows. Both give the numbers the drills list (test: dashboard-day-figures).
  const held = scope.chairIn === undefined
    ? async (fromDay: string, by?: "concern" | { weekStarts: readonly string[] }) => (await ctx.strats.heldDayFigures({
      fromDay, toDay: p.to, today: isoDateOf(localDayNumber(now.getTime())), now, team: scope.team, by, dayStart: (d) => londonDayStart(d),
    })).map(headlineCounts)
    : (fromDay: string, by?: "concern" | { weekStarts: readonly string[] }) => ctx.strats.countSummaries({
      where: where({ ...base, held_from: fromDay }), figures: figures(by === "concern" ? BY_CONCERN : HEADLINE_NAMES),
      by: by === undefined || by === "concern" ? by : { heldBefore: by.weekStarts.map((d) => londonDayStart(d)) },
    });
  const [[whole], concerns, trendRows] = await Promise.all([
    held(p.from), held(p.from, "concern"), held(weeks[0]!.from, { weekStarts: [...weeks.map((w) => w.from), isoDateOf(toDay + 1)] }),
  ]);
  const byBucket = new Map(trendRows.map((r) => [r.group, r.counts]));

  const scoped: SummaryFilter = { team: scope.team, chairIn: scope.chairIn };
  const team = scope.team ? { team: scope.team } : {};
  // The as-at-now figures at each week's end (a London midnight; null when that is not yet past: counted as now).
  const today = isoDateOf(localDayNumber(now.getTime()));
  const ends = weeks.map((w) => {
    const day = isoDateOf(dayNumberOfIso(w.to)! + 1);
    return londonDayStart(day).getTime() < now.getTime() ? day : null;
  });
  const firstEnd = ends.find((d) => d !== null);
  const [agencies, stages, ages, events, missing] = await Promise.all([
    ctx.strats.overdueActionsByAgency(scoped, now),
    ctx.strats.openDissentBy(scoped, now, "stage"), ctx.strats.openDissentBy(scoped, now, "age"),
    firstEnd ? ctx.strats.itemEventDays(scoped, { fromDay: firstEnd, today, todayStart: londonDayStart(today), now }) : [],
    missingDashboardFor(ctx, p, weeks, scope.chairIn),
  ]);
  const items = (rows: { key: string; items: number; strats: number }[], drill: (key: string) => Drill) =>
    rows.map((r) => ({ key: r.key, count: r.items, strats: figure(r.strats, { ...team, ...drill(r.key) }) }));
  const overdueNow = agencies.reduce((n, r) => n + r.items, 0);
  const dissentNow = stages.reduce((n, r) => n + r.items, 0);
  const overdueAt = countsAt(overdueNow, events, "action-due-day", "action-done-day", ends);
  const dissentAt = countsAt(dissentNow, events, "dissent-raised-day", "dissent-closed-day", ends);
  // Each week's end: the count then, and its drill (the list as at the end of that week's last day; now for this week).
  const atEnd = (k: number) => ({
    at: missing.trend[k]!.at,
    overdueActions: figure(overdueAt[k]!, { ...team, action_overdue: "true", ...(ends[k] ? { as_at: weeks[k]!.to } : {}) }),
    openDissent: figure(dissentAt[k]!, { ...team, dissent_open: "true", ...(ends[k] ? { as_at: weeks[k]!.to } : {}) }),
    missing: missing.trend[k]!.figures,
  });

  return {
    from: p.from, to: p.to, team: scope.team ?? null, at: now.toISOString(),
    ...headlineOf(whole?.counts ?? {}, base),
    byConcern: concerns.map((r) => ({ concern: String(r.group), ...headlineOf(r.counts, { ...base, concern: String(r.group) }, BY_CONCERN) })),
    trend: weeks.map((w, k) => ({
      ...w, ...headlineOf(byBucket.get(k + 1) ?? {}, { ...base, held_from: w.from, held_to: w.to }), atEnd: atEnd(k),
    })),
    overdueActions: {
      // R-ACT: due before now and not done, decided at query time.
      total: overdueNow,
      byAgency: items(agencies, (agency) => ({ action_overdue: "true", agency })),
    },
    openDissent: {
      total: dissentNow,
      byStage: items(stages, (s) => ({ dissent_open: "true", dissent_stage: s })),
      byAge: items(ages, (a) => ({ dissent_open: "true", dissent_age: a })),
    },
    missing: missing.figures,
  };
}
