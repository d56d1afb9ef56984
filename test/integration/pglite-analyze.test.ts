/**
 * PGlite has no autovacuum: a long-running `npm start` on a PGlite store refreshes the planner's statistics itself,
 * once at start (after migrations, before serving) and then daily in the one queue (maintenance.analyze). PostgreSQL's
 * autovacuum does this there, so nothing is run or scheduled on it. The PGlite case always runs on PGlite (a folder store
 * with rows before start); the other runs on the harness's store (PostgreSQL when DATABASE_URL is set).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seedStore } from "../../src/cli/seed-store.js";
import { loadProfiles } from "../../src/infra/profiles/read-profile-files.js";
import { openDatabase } from "../../src/infra/store/open-database.js";
import type { Database } from "../../src/ports/store.js";
import { noteStoreUsed } from "../support/databases.js";
import { startHarness, type Harness } from "../support/harness.js";

const NOW = "2026-11-30T12:00:00Z";
const DAY = 86_400_000;
/** Strats written before the start. */
const ROWS = 10;
const clock = { now: () => new Date(NOW) };

const statistics = (db: Database) =>
  db.query<{ relname: string; reltuples: number; analyzed: boolean }>(
    `SELECT c.relname, c.reltuples::float8 AS reltuples, s.last_analyze IS NOT NULL AS analyzed
     FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.relname IN ('strats', 'strat_summary') ORDER BY c.relname`);
const analyzeJobs = (db: Database) =>
  db.query<{ run_at: Date; state: string }>("SELECT run_at, state FROM background_jobs WHERE kind = 'maintenance.analyze'");

describe("planner statistics on a PGlite store (ANALYZE at start, then daily)", () => {
  const dir = mkdtempSync(join(tmpdir(), "strat-analyze-"));
  let h: Harness | undefined;
  afterAll(async () => {
    await h?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a PGlite store with rows has fresh statistics once the app has started, and a daily ANALYZE queued", async () => {
    noteStoreUsed("pglite");
    // Rows written before this start (as by an earlier run): nothing has analysed them.
    // One block of the seed (every state): rows in strats and strat_summary that the start must count exactly.
    const before = await openDatabase({ dataDir: dir });
    await seedStore(before, loadProfiles(), { strats: ROWS, seed: 3, force: false, now: new Date(NOW) });
    const [{ n }] = (await before.query<{ n: number }>("SELECT count(*)::int AS n FROM strats")) as [{ n: number }];
    expect(n).toBe(ROWS);
    await before.close();

    h = await startHarness({ DATA_DIR: dir, JOBS_POLL_MS: "0" }, clock);
    expect(h.app.db.kind).toBe("pglite");
    expect(await statistics(h.app.db)).toEqual([
      { relname: "strat_summary", reltuples: ROWS, analyzed: true },
      { relname: "strats", reltuples: ROWS, analyzed: true },
    ]);
    expect(h.logs.some((l) => /planner statistics refreshed \(ANALYZE\)/.test(l))).toBe(true);
    // The next one a day later, in the queue; start-up does not queue a second.
    const jobs = await analyzeJobs(h.app.db);
    expect(jobs.map((j) => [new Date(j.run_at).toISOString(), j.state])).toEqual([[new Date(Date.parse(NOW) + DAY).toISOString(), "pending"]]);
  }, 120_000);

  it("the daily job analyses again and queues the next day's", async () => {
    const db = h!.app.db;
    await db.exec("INSERT INTO app_settings (key, value) SELECT 'analyze-test-' || i, 'x' FROM generate_series(1, 25) AS i");
    await db.query("UPDATE background_jobs SET run_at = $1 WHERE kind = 'maintenance.analyze'", [new Date(NOW)]);
    await h!.app.jobs.runOnce({ kinds: ["maintenance.analyze"] });
    const [settings] = await db.query<{ reltuples: number }>("SELECT reltuples::float8 AS reltuples FROM pg_class WHERE relname = 'app_settings'");
    expect(settings!.reltuples).toBeGreaterThanOrEqual(25);
    const jobs = await analyzeJobs(db);
    expect(jobs.map((j) => j.state).sort()).toEqual(["done", "pending"]);
  });
});

describe("planner statistics on the harness's store", () => {
  let h: Harness;
  afterAll(async () => h?.stop());
  it("PostgreSQL (its autovacuum) gets no ANALYZE job; PGlite gets one", async () => {
    h = await startHarness({ JOBS_POLL_MS: "0" }, clock);
    expect((await analyzeJobs(h.app.db)).length).toBe(h.store === "pglite" ? 1 : 0);
    expect(h.logs.some((l) => /planner statistics refreshed/.test(l))).toBe(h.store === "pglite");
  }, 120_000);
});
