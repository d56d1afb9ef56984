/**
 * The tab's views by the location's hash (issue 15 point 3): `#/` or `#/dashboard?from&to&team` the dashboard (the landing
 * view), `#/list?…` the list with the drill-down's filters. The strat route is App.tsx's routeOf.
 */
export type View = { view: "dashboard" | "list"; query: string };

export function viewOf(hash: string): View {
  const m = /^#\/(list|dashboard)?(?:\?(.*))?$/.exec(hash);
  return { view: m?.[1] === "list" ? "list" : "dashboard", query: m?.[2] ?? "" };
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
/** A day as YYYY-MM-DD (UTC date of the instant), and `n` days on. */
export const isoDay = (d: Date): string => d.toISOString().slice(0, 10);
export const addDays = (d: Date, n: number): Date => new Date(d.getTime() + n * 86_400_000);
/** A day (YYYY-MM-DD) as the dashboard's charts and captions name it: "16 Nov". */
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;
export const dayLabel = (day: string): string => `${Number(day.slice(8, 10))} ${MONTHS[Number(day.slice(5, 7)) - 1] ?? ""}`;

export interface Period { from: string; to: string; team: string }

/** The period presets a manager picks most: the last 4 weeks (the default), the last 12 weeks, this year. */
export function presets(today: Date): readonly { label: string; period: Omit<Period, "team"> }[] {
  const to = isoDay(today);
  return [
    { label: "Last 4 weeks", period: { from: isoDay(addDays(today, -27)), to } },
    { label: "Last 12 weeks", period: { from: isoDay(addDays(today, -83)), to } },
    { label: "This year", period: { from: `${to.slice(0, 4)}-01-01`, to } },
  ];
}

/** The dashboard's period and team from its route's query; a missing or malformed day falls back to the last 4 weeks. */
export function periodOf(query: string, today: Date): Period {
  const q = new URLSearchParams(query);
  const dflt = presets(today)[0]!.period;
  const day = (k: "from" | "to") => {
    const v = q.get(k);
    return v && ISO_DAY.test(v) ? v : dflt[k];
  };
  return { from: day("from"), to: day("to"), team: (q.get("team") ?? "").trim() };
}

/** The dashboard's route for a period (and team). */
export function dashboardHref(p: Period): string {
  const q = new URLSearchParams({ from: p.from, to: p.to });
  if (p.team) q.set("team", p.team);
  return `#/dashboard?${q}`;
}
