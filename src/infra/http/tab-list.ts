/**
 * Issue 15 point 5: the managers' list of strats, filtered, sorted and searched on the server, paged by keyset (an
 * opaque cursor: base64url of the last row's sort key and id, never an offset), and its CSV download. Read from the
 * read model (strat_summary, point 7), never from the strats' JSON state. References only: case and strat
 * references, never a child's name or date of birth. Bad parameters: 400 naming the field, in words.
 *
 *   GET /api/tab/list?status=&profile=&team=&chair=&q=<case ref prefix>&overdue=true&sort=due|opened&after=<cursor>&limit=50
 *     → { rows, next }; and the dashboard's drill filters (src/app/dashboard.ts DRILL_PARAMS): held_from, held_to, late,
 *     short_notice, quorate, target_met, distributed_on_time, concern, action_overdue(&agency), dissent_open(&dissent_stage, dissent_age)
 *   GET /api/tab/list.csv (the same filters; up to 10,000 rows, streamed)
 */
import express, { type Request, type RequestHandler, type Response } from "express";
import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { drillFilter, type DrillField } from "../../app/dashboard.js";
import { SUMMARY_COLUMNS, type StratSummary } from "../../domain/strat/summary.js";
import type { SummaryQuery } from "../../ports/store.js";

export const LIST_PAGE_MAX = 200;
export const CSV_MAX_ROWS = 10_000;
const CSV_PAGE = 500;

/** Each parameter with the sentence a chair or manager reads when it is wrong. */
const one = <T extends z.ZodTypeAny>(schema: T, message: string) => ({ schema: schema.optional(), message });
const PARAMS = {
  status: one(z.enum(["open", "closed", "cancelled"]), "Status must be open, closed or cancelled."),
  profile: one(z.string().min(1).max(100), "Profile must be a profile id, e.g. bromley-2023."),
  team: one(z.string().min(1).max(300), "Team must be a team's id."),
  chair: one(z.string().min(1).max(200), "Chair must be a chair's id."),
  q: one(z.string().min(1).max(50).regex(/^[A-Za-z0-9 ./_-]+$/), "Search must be the start of a case reference: letters, digits, / . _ - (up to 50)."),
  overdue: one(z.enum(["true", "false"]), "Overdue must be true or false."),
  sort: one(z.enum(["due", "opened"]), "Sort must be due or opened."),
  after: one(z.string().min(1).max(200), "The page link is not valid: start again from the first page."),
  limit: one(z.string().regex(/^\d{1,3}$/).transform(Number).pipe(z.number().int().min(1).max(LIST_PAGE_MAX)), `Limit must be a whole number from 1 to ${LIST_PAGE_MAX}.`),
} as const;
type Field = keyof typeof PARAMS;
const FIELDS = Object.keys(PARAMS) as Field[];

const ZCursor = z.tuple([z.string().datetime({ offset: true }), z.string().uuid()]);
const sortKeyOf = (row: StratSummary, sort: SummaryQuery["sort"]) => (sort === "due" ? row.due_at : row.opened_at);
export const encodeCursor = (key: string, id: string) => Buffer.from(JSON.stringify([key, id])).toString("base64url");
function decodeCursor(cursor: string): SummaryQuery["after"] | null {
  try {
    const parsed = ZCursor.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    return parsed.success ? { key: parsed.data[0], id: parsed.data[1] } : null;
  } catch {
    return null;
  }
}

type Parsed = { ok: true; query: SummaryQuery } | { ok: false; field: Field | DrillField; error: string };

/** The query string as a list query; the first bad parameter names its field. */
export function parseListQuery(raw: Request["query"], now: Date, defaultLimit: number): Parsed {
  const v: { [K in Field]?: z.infer<(typeof PARAMS)[K]["schema"]> } = {};
  for (const f of FIELDS) {
    const r = PARAMS[f].schema.safeParse(raw[f] === "" ? undefined : raw[f]);
    if (!r.success) return { ok: false, field: f, error: PARAMS[f].message };
    (v as Record<Field, unknown>)[f] = r.data;
  }
  const after = v.after === undefined ? undefined : decodeCursor(v.after);
  if (after === null) return { ok: false, field: "after", error: PARAMS.after.message };
  // The dashboard's drill parameters (issue 15 point 3): the same filters the dashboard counts with.
  const drill = drillFilter(raw, now);
  if (!drill.ok) return drill;
  return {
    ok: true,
    query: {
      ...drill.filter, status: v.status, profile: v.profile, team: v.team, chair: v.chair, caseRefPrefix: v.q,
      overdueAt: v.overdue === "true" ? now : undefined, sort: v.sort ?? "due", after, limit: v.limit ?? defaultLimit, at: now,
    },
  };
}

/** RFC 4180 quoting; a cell a spreadsheet would run as a formula starts with an apostrophe. */
export function csvCell(v: unknown): string {
  const text = v === null || v === undefined ? "" : Array.isArray(v) ? v.join("; ") : String(v);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
/**
 * The CSV's columns: the read model's, without the internal id (the strat reference identifies a row), and after the
 * team's id its name as Teams sent it to the bot (migration 017; empty while unknown).
 */
const CSV_COLUMNS = SUMMARY_COLUMNS.filter((c) => c !== "strat_id");
const CSV_HEADER = CSV_COLUMNS.flatMap((c) => (c === "team" ? [c, "team_name"] : [c]));
const csvLine = (cells: readonly unknown[]) => `${cells.map(csvCell).join(",")}\r\n`;

/** Whose strats a viewer may list (tab-auth.ts canSee, as a query): undefined = all. */
export type ListScope = (res: Response) => readonly string[] | undefined;

export function tabListRoutes(ctx: AppContext, access: RequestHandler, scope: ListScope): express.Router {
  const router = express.Router();
  const refuse = (res: Response, p: Extract<Parsed, { ok: false }>) => res.status(400).json({ error: p.error, field: p.field });

  router.get("/api/tab/list", access, async (req: Request, res: Response) => {
    const p = parseListQuery(req.query, ctx.clock.now(), 50);
    if (!p.ok) return void refuse(res, p);
    // One row more than asked tells whether there is a next page.
    const rows = await ctx.strats.listSummaries({ ...p.query, chairIn: scope(res), limit: p.query.limit + 1 });
    const page = rows.slice(0, p.query.limit);
    const last = page.at(-1);
    res.setHeader("cache-control", "no-store");
    res.json({ rows: page, next: rows.length > page.length && last ? encodeCursor(sortKeyOf(last, p.query.sort), last.strat_id) : null });
  });

  router.get("/api/tab/list.csv", access, async (req: Request, res: Response) => {
    const p = parseListQuery(req.query, ctx.clock.now(), CSV_PAGE);
    if (!p.ok) return void refuse(res, p);
    res.status(200).type("text/csv; charset=utf-8").setHeader("content-disposition", 'attachment; filename="strats.csv"');
    res.setHeader("cache-control", "no-store");
    res.write(csvLine(CSV_HEADER));
    let after = p.query.after;
    for (let sent = 0; sent < CSV_MAX_ROWS; ) {
      const rows = await ctx.strats.listSummaries({ ...p.query, chairIn: scope(res), after, limit: Math.min(CSV_PAGE, CSV_MAX_ROWS - sent) });
      const names = (await ctx.teamNames?.namesOf([...new Set(rows.flatMap((r) => (r.team ? [r.team] : [])))])) ?? new Map<string, string>();
      for (const r of rows) res.write(csvLine(CSV_COLUMNS.flatMap((c) => (c === "team" ? [r.team, r.team ? names.get(r.team) : null] : [r[c]]))));
      sent += rows.length;
      const last = rows.at(-1);
      if (!last || rows.length < CSV_PAGE) break;
      after = { key: sortKeyOf(last, p.query.sort), id: last.strat_id };
    }
    res.end();
  });
  return router;
}
