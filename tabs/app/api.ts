/**
 * The tab's calls to our JSON API (README "The managers' tab"), each answer checked with zod at this boundary.
 * Inside a Microsoft 365 host every call carries the Teams SSO token as a Bearer token (issue 15 point 2).
 */
import { z } from "zod";

export const ZViewer = z.object({ role: z.enum(["chair", "manager", "head"]), name: z.string().nullable() });
export type Viewer = z.infer<typeof ZViewer>;

/** GET /api/tab/strats: the open strats with their countdown and rule, and who is asking. */
export const ZOpenStrats = z.object({
  viewer: ZViewer,
  strats: z.array(z.object({ ref: z.string(), caseRef: z.string(), dueRule: z.string(), countdown: z.string(), overdue: z.boolean() })),
});
export type OpenStrats = z.infer<typeof ZOpenStrats>;

/** One row of GET /api/tab/list (the read model, src/domain/strat/summary.ts). */
export const ZListRow = z.object({
  strat_id: z.string(), ref: z.string(), case_ref: z.string(), profile_id: z.string(), team: z.string().nullable(),
  chair_id: z.string(), chair_name: z.string().nullable(), status: z.enum(["open", "closed", "cancelled"]),
  opened_at: z.string(), due_at: z.string(), held_at: z.string().nullable(), closed_at: z.string().nullable(),
  quorate: z.boolean().nullable(), concerns: z.array(z.string()), overdue_actions: z.number(), open_dissent: z.number(),
});
export type ListRow = z.infer<typeof ZListRow>;
export const ZListPage = z.object({ rows: z.array(ZListRow), next: z.string().nullable() });
export type ListPage = z.infer<typeof ZListPage>;

const ZCountedStrat = z.object({ ref: z.string(), caseRef: z.string() });
/** GET /api/tab/figures?from&to: the counted figures (issue 12 point 9) and the missing-children figures (issue 14 point 7). */
export const ZFigures = z.object({
  from: z.string(), to: z.string(), meetings: z.number(),
  shortNotice: z.object({ count: z.number(), strats: z.array(ZCountedStrat.extend({ start: z.string(), minutesAhead: z.number() })) }),
  late: z.object({ count: z.number(), strats: z.array(ZCountedStrat.extend({ start: z.string(), minutesLate: z.number(), rationale: z.string().nullish() })) }),
  inquorate: z.object({ count: z.number(), strats: z.array(ZCountedStrat.extend({ missing: z.array(z.string()), reason: z.string().nullish() })) }),
  missing: z.object({
    openByDaysMissing: z.object({ "0-1": z.number(), "2-3": z.number(), "4-7": z.number(), "over-7": z.number() }),
    weeklyMeetings: z.object({ kept: z.number(), due: z.number() }),
    escalationsOnTime: z.object({ kept: z.number(), due: z.number() }),
    rhiWithin72h: z.object({ kept: z.number(), due: z.number() }),
  }),
});
export type Figures = z.infer<typeof ZFigures>;

/** A number's drill-down: the /api/tab/list parameters of exactly the strats it counts (src/app/dashboard.ts). */
export const ZDrill = z.record(z.string(), z.string());
export type Drill = z.infer<typeof ZDrill>;
export const ZFigure = z.object({ count: z.number(), drill: ZDrill });
export type Figure = z.infer<typeof ZFigure>;
const ZRates = z.object({
  withinDue: z.number().nullable(), withinTarget: z.number().nullable(),
  quorate: z.number().nullable().optional(), distributedOnTime: z.number().nullable().optional(),
});
/** The headline figures of held strats (T-STD within the due, the local target, Q-1 quorate, T-REC distributed on time, counted). */
const HEADLINE_SHAPE = {
  held: ZFigure, withinDue: ZFigure, late: ZFigure, shortNotice: ZFigure, withinTarget: ZFigure, targetMissed: ZFigure,
  quorate: ZFigure, inquorate: ZFigure, distributedOnTime: ZFigure, distributedLate: ZFigure, rates: ZRates,
};
const ZHeadlines = z.object(HEADLINE_SHAPE);
export type Headlines = z.infer<typeof ZHeadlines>;
const ZItems = z.array(z.object({ key: z.string(), count: z.number(), strats: ZFigure }));
/** GET /api/tab/dashboard?from&to[&team]: the managers' dashboard (issue 15 point 3). */
export const ZDashboard = ZHeadlines.extend({
  from: z.string(), to: z.string(), team: z.string().nullable(), at: z.string(),
  byConcern: z.array(z.object({ concern: z.string(), held: ZFigure, withinDue: ZFigure, withinTarget: ZFigure, targetMissed: ZFigure, rates: ZRates })),
  /** Each week: its held figures, and the as-at-now figures as they stood at its end (`atEnd.at`: the end, or now). */
  trend: z.array(ZHeadlines.extend({
    from: z.string(), to: z.string(),
    atEnd: z.object({ at: z.string(), overdueActions: ZFigure, openDissent: ZFigure, missing: ZFigures.shape.missing }),
  })),
  overdueActions: z.object({ total: z.number(), byAgency: ZItems }),
  openDissent: z.object({ total: z.number(), byStage: ZItems, byAge: ZItems }),
  missing: ZFigures.shape.missing,
});
export type Dashboard = z.infer<typeof ZDashboard>;
/** GET /api/tab/teams: the teams of the strats the viewer may see, each with a name to show (the dashboard's team chooser). */
export const ZTeams = z.object({ teams: z.array(z.object({ id: z.string(), name: z.string() })) });
export type Team = z.infer<typeof ZTeams>["teams"][number];

/** A refusal of ours: the sentence to show (it names the field), and the HTTP status (404: nothing the viewer can see). */
export class ApiError extends Error {
  constructor(message: string, readonly status: number | null = null) {
    super(message);
  }
}

export type GetJson = <T>(path: string, schema: z.ZodType<T>) => Promise<T>;

/** The viewer's headers: inside a host the Teams SSO token as a Bearer token (outside, the dev sign-in's cookie goes by itself). */
async function headersOf(token: () => Promise<string | null>, accept: string): Promise<Record<string, string>> {
  const t = await token();
  return t ? { accept, authorization: `Bearer ${t}` } : { accept };
}

/** A refusal's `error` sentence (or the status) as an ApiError. */
async function refusalOf(res: Response): Promise<ApiError> {
  const error = z.object({ error: z.string() }).safeParse(await res.json().catch(() => null));
  return new ApiError(error.success ? error.data.error : `The server answered ${res.status}.`, res.status);
}

/**
 * A file of our API saved as `fileName` (issue 15 point 2): a plain link carries no Bearer token inside a host, so the
 * page fetches it with the token and saves the Blob through an `<a download>`.
 */
export async function downloadFile(token: () => Promise<string | null>, path: string, fileName: string): Promise<void> {
  const res = await fetch(path, { headers: await headersOf(token, "*/*"), credentials: "same-origin" });
  if (!res.ok) throw await refusalOf(res);
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement("a"), { href: url, download: fileName });
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

/** A GET of our API as the viewer; a refusal's `error` sentence becomes an ApiError. */
export function apiClient(token: () => Promise<string | null>): GetJson {
  return async (path, schema) => {
    const res = await fetch(path, { headers: await headersOf(token, "application/json"), credentials: "same-origin" });
    if (!res.ok) throw await refusalOf(res);
    const body: unknown = await res.json().catch(() => null);
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new ApiError("The server's answer was not understood; reload the page.");
    return parsed.data;
  };
}

/** The list's filters, as the query string of /api/tab/list and /api/tab/list.csv (empty ones left out). */
export interface ListFilters {
  q: string;
  status: "" | "open" | "closed" | "cancelled";
  team: string;
  chair: string;
  profile: string;
  overdue: boolean;
  sort: "due" | "opened";
  /** The dashboard's drill-down parameters (held_from, late, agency, …), passed through as they came. */
  drill: Drill;
}
export const NO_FILTERS: ListFilters = { q: "", status: "open", team: "", chair: "", profile: "", overdue: false, sort: "due", drill: {} };

/** The list's route for a number's drill: `#/list?late=true&held_from=…` (its team too). */
export const drillHref = (drill: Drill): string => `#/list?${new URLSearchParams(drill)}`;

/**
 * The list's filters from its route's query (a drill-down from the dashboard): a drill lists every state (a held strat
 * may be closed), its team goes to the team filter, the rest are drill parameters (the server checks them).
 */
export function filtersFromRoute(query: string): ListFilters {
  const params = new URLSearchParams(query);
  if ([...params.keys()].length === 0) return NO_FILTERS;
  const drill: Drill = {};
  for (const [k, v] of params) if (k !== "team") drill[k] = v;
  return { ...NO_FILTERS, status: "", team: params.get("team") ?? "", drill };
}

export function listQuery(f: ListFilters, after?: string | null): string {
  const q = new URLSearchParams();
  for (const k of ["q", "status", "team", "chair", "profile"] as const) if (f[k].trim()) q.set(k, f[k].trim());
  if (f.overdue) q.set("overdue", "true");
  for (const [k, v] of Object.entries(f.drill)) q.set(k, v);
  q.set("sort", f.sort);
  if (after) q.set("after", after);
  return q.toString();
}

/**
 * GET /api/tab/strat/:ref (src/app/strat-view.ts): what the strat view shows of it. The record's own schema
 * (src/domain/record/record.ts) hashes with node:crypto, so the page checks here only the parts it reads.
 */
const ZWhen = z.string();
const ZStratRecordView = z.object({
  stratRef: z.string(), caseRef: z.string(), version: z.number(), status: z.enum(["open", "closed", "cancelled"]),
  profile: z.object({ id: z.string(), title: z.string() }),
  reason: z.object({ concerns: z.array(z.string()), receivedAt: ZWhen, due: ZWhen, dueRule: z.string() }),
  meeting: z.object({ start: ZWhen, end: ZWhen, mode: z.string(), lateRationale: z.string().nullable() }).nullable(),
  quorum: z.object({ quorate: z.boolean(), missingRoles: z.array(z.string()), inquorateReason: z.string().nullable(), escalatedTo: z.string().nullable() }).nullable(),
  contributions: z.array(z.object({ agency: z.string(), summary: z.string() })),
  riskAnalysis: z.string().nullable(),
  decisions: z.record(z.string(), z.unknown()).nullable(),
  interimSafetyPlan: z.object({ text: z.string(), at: ZWhen }).nullable(),
  verifiedAt: ZWhen.nullable(),
  recordDue: z.object({ at: ZWhen, rule: z.string() }).nullable(),
  amendments: z.array(z.object({ version: z.number(), at: ZWhen, by: z.string(), why: z.string(), section: z.string(), text: z.string() })),
  profileFields: z.array(z.object({ id: z.string(), label: z.string(), section: z.string(), sectionTitle: z.string(), value: z.string() })),
  contentHash: z.string(),
});
export const ZStratView = z.object({
  record: ZStratRecordView,
  verified: z.boolean(),
  versions: z.array(z.object({ version: z.number(), at: ZWhen, by: z.string(), contentHash: z.string(), reason: z.string().nullable(), pdf: z.string() })),
  timeline: z.array(z.object({
    at: ZWhen, kind: z.string(), actor: z.string().nullable(), agency: z.string().optional(), role: z.string().nullish(), answer: z.string().optional(),
    meeting: z.object({ start: ZWhen, end: ZWhen }).nullish(), version: z.number().optional(), recipient: z.string().optional(), sent: z.string().optional(),
  })),
  attendance: z.object({
    invited: z.array(z.object({ inviteeId: z.string(), agency: z.string(), role: z.string().nullable(), quorumRole: z.string().nullable(), answer: z.string().nullable(), attended: z.boolean().nullable() })),
    quorum: z.object({
      quorate: z.boolean(), missingRoles: z.array(z.string()), inquorateReason: z.string().nullable(),
      byRole: z.array(z.object({ role: z.string(), invited: z.number(), attended: z.number() })),
    }).nullable(),
  }),
  actions: z.array(z.object({
    id: z.string(), what: z.string(), owner: z.string(), agency: z.string(), due: ZWhen, status: z.string(), overdue: z.boolean(),
    latest: z.object({ at: ZWhen, text: z.string(), status: z.string() }).nullable(),
  })),
  dissent: z.array(z.object({
    id: z.string(), agency: z.string(), decision: z.string(), at: ZWhen, ageDays: z.number(),
    stages: z.array(z.object({ stage: z.string(), at: ZWhen, outcome: z.string().nullable() })),
  })),
  audit: z.object({
    entries: z.array(z.object({ at: ZWhen, actor: z.string(), kind: z.string(), version: z.number().nullable() })),
    chain: z.object({ verified: z.boolean(), firstBad: z.object({ at: ZWhen.nullable(), kind: z.string().nullable(), problem: z.string() }).nullable() }),
  }),
});
export type StratViewData = z.infer<typeof ZStratView>;
