/**
 * Benchmark (issue 15; not a timed test): the managers' dashboard and list over real HTTP on a store of BENCH_STRATS strats
 * (default 100,000) seeded by the bulk path (`npm run seed -- --bulk N`: src/cli/seed-bulk.ts). Targets: GET
 * /api/tab/dashboard p95 < 150 ms, GET /api/tab/list page p95 < 100 ms (PostgreSQL with 1,000,000, PGlite with 100,000).
 *
 *   BENCH_STRATS=100000 npx tsx bench/tab-bulk.bench.ts                                   # PGlite in a temporary DATA_DIR
 *   createdb … && DATABASE_URL=postgres://…/<an empty database> BENCH_STRATS=1000000 npx tsx bench/tab-bulk.bench.ts
 *   DATABASE_URL=… BENCH_REUSE=1 npx tsx bench/tab-bulk.bench.ts                          # time a store seeded before, as it is
 *   BENCH_BULK=1 npm run bench                                                             # as a part of the whole bench
 *
 * The app is `startApp` as `npm start` builds it (local mode: the loopback viewer is a head of service, so every strat is
 * in scope; the job worker off, JOBS_POLL_MS=0, so the templates' queued jobs do not run during the timing). Each request
 * runs WARM_UP times, then RUNS timed, one at a time; p50/p95 by rank. Then EXPLAIN ANALYZE of the slowest list page's SQL.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pino from "pino";
import { bulkSeedStore, bulkSummaryLine } from "../src/cli/seed-bulk.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/infra/log/logger.js";
import { summaryListSql } from "../src/infra/store/strat-repository.js";
import { startApp } from "../src/main.js";

const STRATS = Number(process.env.BENCH_STRATS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 60);
const WARM_UP = 5;

const pct = (times: number[], q: number) => {
  const s = [...times].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 10) / 10;
};

export async function run() {
  const dataDir = process.env.DATABASE_URL ? null : mkdtempSync(join(tmpdir(), "strat-bench-"));
  const config = loadConfig({
    PORT: "0", HOST: "127.0.0.1", PLAYGROUND: "false", LOG_LEVEL: "warn", JOBS_POLL_MS: "0", GRAPH_MODE: "standin",
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : { DATA_DIR: dataDir! }),
  } as NodeJS.ProcessEnv, "");
  const app = await startApp(config, createLogger(config.LOG_LEVEL, pino.destination({ dest: "/dev/null", sync: true })));
  try {
    // BENCH_REUSE=1: time the store as it is (seeded before, e.g. by `npm run seed -- --bulk N`), no seeding.
    const seeded = process.env.BENCH_REUSE === "1"
      ? { strats: Number((await app.db.query<{ n: string | number }>("SELECT count(*) AS n FROM strats"))[0]!.n), line: "reused", rowsPerSecond: null }
      : await bulkSeedStore(app.db, app.ctx.profiles, { strats: STRATS, seed: 15, force: false }).then((b) => ({ ...b, line: bulkSummaryLine(b) }));
    await app.db.query("ANALYZE"); // a reused store too (PGlite has no autovacuum)
    const base = `http://127.0.0.1:${app.port}`;
    const getJson = async (path: string) => {
      const r = await fetch(`${base}${path}`);
      if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status} ${await r.text()}`);
      return (await r.json()) as { next?: string | null; rows?: unknown[] };
    };
    const timed = async (path: string) => {
      for (let i = 0; i < WARM_UP; i++) await getJson(path);
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        await getJson(path);
        times.push(performance.now() - t);
      }
      return { p50: pct(times, 0.5), p95: pct(times, 0.95) };
    };
    // A deep keyset page: follow the cursor 20 pages in (1,000 rows), then time that page.
    let cursor = "";
    for (let i = 0; i < 20; i++) cursor = (await getJson(`/api/tab/list?sort=due&limit=50${cursor ? `&after=${encodeURIComponent(cursor)}` : ""}`)).next ?? "";
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 83 * 86_400_000).toISOString().slice(0, 10);
    const dashboardPath = `/api/tab/dashboard?from=${from}&to=${today}`;
    const dash = (await getJson(dashboardPath)) as unknown as { late: { drill: Record<string, string> } };
    const pages: Record<string, string> = {
      "first page (sort=due)": "/api/tab/list?sort=due&limit=50",
      "filtered: status=open, sort=opened": "/api/tab/list?status=open&sort=opened&limit=50",
      "filtered: chair + status=closed": "/api/tab/list?chair=seed-chair-7&status=closed&limit=50",
      "filtered: overdue=true": "/api/tab/list?overdue=true&limit=50",
      "case ref prefix q=LCS-S012": "/api/tab/list?q=LCS-S012&limit=50",
      "deep keyset page (21st, sort=due)": `/api/tab/list?sort=due&limit=50&after=${encodeURIComponent(cursor)}`,
      "dashboard drill (late in the 12 weeks)": `/api/tab/list?${new URLSearchParams({ ...dash.late.drill, limit: "50" })}`,
    };
    const dashboardMs = await timed(dashboardPath);
    const list: Record<string, { p50: number; p95: number }> = {};
    for (const [name, path] of Object.entries(pages)) list[name] = await timed(path);
    const slowest = Object.entries(list).sort((a, b) => b[1].p95 - a[1].p95)[0]!;
    const overdue = summaryListSql({ sort: "due", overdueAt: new Date(), limit: 51, at: new Date() });
    const explain = async (text: string, params: unknown[]) =>
      (await app.db.query<Record<string, string>>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params)).map((r) => Object.values(r)[0]).join("\n");
    return {
      name: `tab dashboard and list over HTTP, bulk-seeded (${app.db.kind})`,
      store: app.db.kind, strats: seeded.strats, seed: seeded.line, copiesPerSecond: seeded.rowsPerSecond,
      runs: RUNS, warmUp: WARM_UP, loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
      dashboardMs, dashboardTargetMs: 150, dashboardPeriod: `${from}..${today}`,
      listPageMs: list, slowestListPage: slowest[0], listPageP95Max: slowest[1].p95, listTargetMs: 100,
      explainOverdueListPage: await explain(overdue.text, overdue.params),
    };
  } finally {
    await app.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)));
}
