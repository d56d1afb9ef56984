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

/** A refusal of ours: the sentence to show (it names the field). */
export class ApiError extends Error {}

export type GetJson = <T>(path: string, schema: z.ZodType<T>) => Promise<T>;

/** A GET of our API as the viewer; a refusal's `error` sentence becomes an ApiError. */
export function apiClient(token: () => Promise<string | null>): GetJson {
  return async (path, schema) => {
    const headers: Record<string, string> = { accept: "application/json" };
    const t = await token();
    if (t) headers.authorization = `Bearer ${t}`;
    const res = await fetch(path, { headers, credentials: "same-origin" });
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const error = z.object({ error: z.string() }).safeParse(body);
      throw new ApiError(error.success ? error.data.error : `The server answered ${res.status}.`);
    }
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
}
export const NO_FILTERS: ListFilters = { q: "", status: "open", team: "", chair: "", profile: "", overdue: false, sort: "due" };

export function listQuery(f: ListFilters, after?: string | null): string {
  const q = new URLSearchParams();
  for (const k of ["q", "status", "team", "chair", "profile"] as const) if (f[k].trim()) q.set(k, f[k].trim());
  if (f.overdue) q.set("overdue", "true");
  q.set("sort", f.sort);
  if (after) q.set("after", after);
  return q.toString();
}
