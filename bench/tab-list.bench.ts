/**
 * Benchmark (issue 15 points 5 and 7; not a timed test): the managers' list and a dashboard-style aggregate, read from
 * the read model (strat_summary) on PGlite, after seeding BENCH_STRATS strats (default 2,000) through `npm run seed`'s
 * module (the use cases, so the rows are the ones the app writes). Run: `npx tsx bench/tab-list.bench.ts`.
 *
 * Each query runs WARM_UP times, then RUNS timed; the JSON gives p50/p95 per query, and EXPLAIN ANALYZE of the slowest
 * (by p95) list page and of the aggregate.
 * The list pages are the repository's listSummaries (what GET /api/tab/list runs); the aggregate is the shape the
 * dashboard (point 3) will ask: by week over 12 weeks, held within the due and the target, quorate, short notice, late,
 * overdue actions, open dissent.
 */
import { pathToFileURL } from "node:url";
import { seedStore } from "../src/cli/seed-store.js";
import { loadProfiles } from "../src/infra/profiles/read-profile-files.js";
import { openDatabase } from "../src/infra/store/open-database.js";
import { dashboard as dashboardFigures } from "../src/app/dashboard.js";
import { createStratRepository, overdueActionsSql, summaryCountSql, summaryListSql } from "../src/infra/store/strat-repository.js";
import type { Database, SummaryQuery } from "../src/ports/store.js";

const STRATS = Number(process.env.BENCH_STRATS ?? 2000);
const RUNS = 60;
const WARM_UP = 5;
const NOW = new Date("2026-11-30T12:00:00Z");

/** The dashboard-style aggregate: 12 weeks of meetings by week (uses strat_summary_held). */
export const DASHBOARD_SQL = `SELECT date_trunc('week', held_at) AS week, count(*) AS meetings,
    count(*) FILTER (WHERE held_at <= due_at) AS within_due, count(*) FILTER (WHERE held_at <= target_at) AS within_target,
    count(*) FILTER (WHERE quorate) AS quorate, count(*) FILTER (WHERE quorate IS NOT NULL) AS attendance_recorded,
    count(*) FILTER (WHERE short_notice) AS short_notice, count(*) FILTER (WHERE late) AS late,
    sum(overdue_actions) AS overdue_actions, sum(open_dissent) AS open_dissent
  FROM strat_summary WHERE held_at >= $1 AND held_at < $2 GROUP BY 1 ORDER BY 1`;

const p = (times: number[], q: number) => {
  const s = [...times].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 100) / 100;
};
async function timed(fn: () => Promise<unknown>) {
  for (let i = 0; i < WARM_UP; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return { p50: p(times, 0.5), p95: p(times, 0.95) };
}

export async function run(db?: Database) {
  const own = db ?? (await openDatabase({ dataDir: "memory://" }));
  try {
    const t0 = performance.now();
    const profiles = loadProfiles();
    await seedStore(own, profiles, { strats: STRATS, seed: 15, force: true, now: NOW });
    const seedMs = performance.now() - t0;
    const repo = createStratRepository(own, () => NOW);
    const first = await repo.listSummaries({ sort: "due", limit: 50, at: NOW });
    const mid = first.at(-1)!;
    const pages: Record<string, SummaryQuery> = {
      "first page, sort=due": { sort: "due", limit: 50, at: NOW },
      "next page, sort=due (cursor)": { sort: "due", limit: 50, at: NOW, after: { key: mid.due_at, id: mid.strat_id } },
      "sort=opened, status=open": { sort: "opened", status: "open", limit: 50, at: NOW },
      "overdue=true": { sort: "due", overdueAt: NOW, limit: 50, at: NOW },
      "chair + status": { sort: "due", chair: "seed-chair-2", status: "closed", limit: 50, at: NOW },
      "q=LCS-S001 (case ref prefix)": { sort: "due", caseRefPrefix: "LCS-S001", limit: 50, at: NOW },
    };
    const list: Record<string, { p50: number; p95: number }> = {};
    for (const [name, q] of Object.entries(pages)) list[name] = await timed(() => repo.listSummaries({ ...q, limit: q.limit + 1 }));
    const from = new Date(NOW.getTime() - 84 * 86_400_000);
    const dashboard = await timed(() => own.query(DASHBOARD_SQL, [from, NOW]));
    // GET /api/tab/dashboard's work (src/app/dashboard.ts): every figure, by concern, the 12-week trend, actions, dissent.
    const dashCtx = { strats: repo, profiles, clock: { now: () => NOW } };
    const period = { from: "2026-09-08", to: "2026-11-30" };
    const dashboardEndpoint = await timed(() => dashboardFigures(dashCtx, period, {}));
    const slowestDashSql = summaryCountSql({ where: { held: { by: NOW, from: new Date("2026-09-07T23:00:00Z"), to: new Date("2026-12-01T00:00:00Z") } },
      figures: { held: {}, late: { late: true }, quorate: { quorate: true } }, by: { heldBefore: [new Date("2026-09-07T23:00:00Z"), new Date("2026-12-01T00:00:00Z")] } });
    const overdue = overdueActionsSql({}, NOW);
    const slowestList = Object.entries(list).sort((a, b) => b[1].p95 - a[1].p95)[0]!;
    const explain = async (text: string, params: unknown[]) =>
      (await own.query<Record<string, string>>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params)).map((r) => Object.values(r)[0]).join("\n");
    const slowSql = summaryListSql({ ...pages[slowestList[0]]!, limit: 51 });
    return {
      name: "tab list and dashboard aggregate on the read model (PGlite)",
      strats: STRATS, seedMs: Math.round(seedMs), runs: RUNS, warmUp: WARM_UP,
      listPageMs: list, slowestListPage: slowestList[0], listPageP95Max: slowestList[1].p95, listTargetMs: 100,
      dashboardAggregateMs: dashboard, dashboardEndpointMs: dashboardEndpoint, dashboardTargetMs: 150,
      explainSlowestListPage: await explain(slowSql.text, slowSql.params),
      explainDashboard: await explain(DASHBOARD_SQL, [from, NOW]),
      explainDashboardTrend: await explain(slowestDashSql.text, slowestDashSql.params),
      explainOverdueActions: await explain(overdue.text, overdue.params),
    };
  } finally {
    if (!db) await own.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)));
}
