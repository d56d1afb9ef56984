/**
 * Issue 15 point 7 (migration 013): the dashboard of all chairs reads the held figures from day aggregates kept by triggers
 * on strat_summary, a chair's or a manager's from the summary rows. Both must give the same numbers: the whole dashboard
 * of all chairs (day aggregates) equals the dashboard scoped to every chair (summary rows), for periods ending before
 * today, ending today (meetings started today are read from the rows), and across the clock passing a record's due with
 * no write (a record not distributed becomes late); and the aggregate table equals its recomputation from strat_summary
 * after the use cases, the bulk copies, a moved meeting and a cancelled strat. Real store (PGlite; PostgreSQL with
 * DATABASE_URL).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedStore } from "../../src/cli/seed-store.js";
import { bulkSeedStore } from "../../src/cli/seed-bulk.js";
import { dashboard } from "../../src/app/dashboard.js";
import { drillFilter } from "../../src/app/dashboard.js";
import { progressAction } from "../../src/app/action-progress.js";
import { progressStratDissent, recordStratDissent, setStratMeeting } from "../../src/app/strat-commands.js";
import { testClock } from "../support/app-context.js";
import { startHarness, type Harness } from "../support/harness.js";

const NOW = "2026-11-30T12:00:00Z";

describe("the dashboard's day aggregates (migration 013) give the numbers the summary rows give", () => {
  let h: Harness;
  const clock = testClock(NOW);
  let chairs: string[] = [];
  let teams: string[] = [];

  /** strat_day_figures against its recomputation from strat_summary by a plain GROUP BY (what the triggers keep it equal to). */
  const expectAggregatesKept = async () => {
    const cols = "day::text, team, concern, held, late, short_notice, target_met, target_missed, quorate, inquorate, dist_on_time, dist_after_due, dist_pending";
    const kept = await h.app.db.query(`SELECT ${cols} FROM strat_day_figures WHERE held <> 0 OR dist_pending <> 0 OR late <> 0 ORDER BY day, team, concern`);
    const want = await h.app.db.query(`
      SELECT day::text, team_key AS team, concern, count(*)::int AS held, sum(late::int)::int AS late, sum(short_notice::int)::int AS short_notice,
        sum((target_at IS NOT NULL AND held_at <= target_at)::int)::int AS target_met, sum((target_at IS NOT NULL AND held_at > target_at)::int)::int AS target_missed,
        sum((quorate IS TRUE)::int)::int AS quorate, sum((quorate IS FALSE)::int)::int AS inquorate,
        sum(((record_due_at IS NOT NULL AND record_distributed_at <= record_due_at) IS TRUE)::int)::int AS dist_on_time,
        sum(((record_due_at IS NOT NULL AND record_distributed_at > record_due_at) IS TRUE)::int)::int AS dist_after_due,
        sum((record_due_at IS NOT NULL AND record_distributed_at IS NULL)::int)::int AS dist_pending
      FROM (SELECT s.held_at, s.late, s.short_notice, s.target_at, s.quorate, s.record_due_at, s.record_distributed_at,
                   (s.held_at AT TIME ZONE 'Europe/London')::date AS day, COALESCE(s.team, '') AS team_key, k.concern
            FROM strat_summary s CROSS JOIN LATERAL (SELECT '' UNION ALL SELECT unnest(s.concerns)) AS k(concern)
            WHERE s.held_at IS NOT NULL AND s.status <> 'cancelled') AS x
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept).toEqual(want);
  };
  /** The dashboard of all chairs (day aggregates) and of every chair by name (summary rows), without `at`. */
  const both = async (from: string, to: string, team?: string) => {
    const p = { from, to };
    const fast = await dashboard(h.app.ctx, p, { team });
    const rows = await dashboard(h.app.ctx, p, { team, chairIn: chairs });
    return { fast, rows };
  };

  beforeAll(async () => {
    h = await startHarness({}, clock);
    // Through the use cases (every state), then bulk copies of them (the INSERT trigger on a 1,000-row statement).
    await seedStore(h.app.db, h.app.ctx.profiles, { strats: 40, seed: 21, force: false, now: new Date(NOW) });
    // 3,400: four batches of 1,000, three at once on PostgreSQL (concurrent statements through the triggers: a deadlock once).
    await bulkSeedStore(h.app.db, h.app.ctx.profiles, { strats: 3_400, seed: 22, force: true, now: new Date(NOW), templates: 40 });
    chairs = (await h.app.db.query<{ chair_id: string }>("SELECT DISTINCT chair_id FROM strat_summary")).map((r) => r.chair_id);
    teams = (await h.app.db.query<{ team: string }>("SELECT DISTINCT team FROM strat_summary WHERE team IS NOT NULL ORDER BY team")).map((r) => r.team);
  }, 240_000);
  afterAll(async () => h?.stop());

  it("after the use cases and the bulk copies the aggregate equals its recomputation from strat_summary", async () => {
    await expectAggregatesKept();
  });

  it("the whole dashboard is the same from the aggregates as from the rows: periods before today, ending today, a team", async () => {
    expect(teams.length).toBeGreaterThan(0);
    const periods: [string, string, string | undefined][] = [
      ["2026-06-01", "2026-11-30", undefined], // ends today: today's started meetings from the rows
      ["2026-09-01", "2026-11-29", undefined], // ends yesterday
      ["2025-12-01", "2026-11-30", teams[0]],
      ["2026-11-30", "2026-11-30", undefined], // today only
      ["2024-01-01", "2024-03-31", undefined],
    ];
    let held = 0;
    for (const [from, to, team] of periods) {
      const { fast, rows } = await both(from, to, team);
      expect(fast, `${from}..${to} ${team ?? "all"}`).toEqual(rows);
      held += fast.held.count;
    }
    expect(held).toBeGreaterThan(50);
  });

  it("overdue actions by agency and open dissent by stage and age (migration 014's counts) equal the item rows counted directly", async () => {
    const direct = async (at: Date, team?: string, chairIn?: string[]) => {
      const scope = `${team ? ` AND team = '${team}'` : ""}${chairIn ? ` AND chair_id IN (${chairIn.map((c) => `'${c}'`).join(", ")})` : ""}`;
      const rows = async (sql: string) => (await h.app.db.query<{ key: string; items: number; strats: number }>(sql, [at]))
        .map((r) => ({ key: r.key, count: Number(r.items), strats: Number(r.strats) }));
      const age = `CASE WHEN raised_at > $1::timestamptz - interval '7 days' THEN '0-6' WHEN raised_at > $1::timestamptz - interval '28 days' THEN '7-27' ELSE '28-plus' END`;
      return {
        byAgency: await rows(`SELECT agency AS key, count(*) AS items, count(DISTINCT strat_id) AS strats FROM strat_action_summary
          WHERE NOT done AND due_at < $1::timestamptz${scope} GROUP BY 1 ORDER BY 1`),
        byStage: await rows(`SELECT stage AS key, count(*) AS items, count(DISTINCT strat_id) AS strats FROM strat_dissent_summary
          WHERE open AND $1::timestamptz IS NOT NULL${scope} GROUP BY 1 ORDER BY 1`),
        byAge: await rows(`SELECT ${age} AS key, count(*) AS items, count(DISTINCT strat_id) AS strats FROM strat_dissent_summary
          WHERE open${scope} GROUP BY 1 ORDER BY 1`),
      };
    };
    const shown = (d: Awaited<ReturnType<typeof dashboard>>) => {
      const items = (rs: { key: string; count: number; strats: { count: number } }[]) => rs.map((r) => ({ key: r.key, count: r.count, strats: r.strats.count }));
      return { byAgency: items(d.overdueActions.byAgency), byStage: items(d.openDissent.byStage), byAge: items(d.openDissent.byAge) };
    };
    const some = chairs.slice(0, Math.max(1, Math.floor(chairs.length / 3)));
    let seen = 0;
    // Now, and the clock moved back a fortnight and on a fortnight: actions fall due and dissent ages with no write.
    for (const at of ["2026-11-16T12:00:00Z", NOW, "2026-12-14T12:00:00Z"]) {
      clock.set(at);
      try {
        for (const [team, chairIn] of [[undefined, undefined], [teams[0], undefined], [undefined, some]] as const) {
          const want = await direct(new Date(at), team, chairIn ? [...chairIn] : undefined);
          const got = shown(await dashboard(h.app.ctx, { from: "2026-11-01", to: "2026-11-30" }, { team, chairIn }));
          expect(got, `${at} ${team ?? "all teams"} ${chairIn ? "some chairs" : "all chairs"}`).toEqual(want);
          seen += want.byAgency.length + want.byAge.length;
        }
      } finally {
        clock.set(NOW);
      }
    }
    expect(seen).toBeGreaterThan(10);
  });

  it("each week's end has overdue actions and open dissent as they were then (migration 016), and its drill lists those strats", async () => {
    // Changes through the use cases at NOW: an overdue action done (done after its due), dissent raised, one closed, one escalated.
    const overdue = await h.app.db.query<{ strat_id: string; chair_id: string; action_id: string }>(
      `SELECT a.strat_id, s.chair_id, a.action_id FROM strat_action_summary a JOIN strat_summary s USING (strat_id)
       WHERE NOT a.done AND a.due_at < $1 AND s.status IN ('open', 'closed') ORDER BY a.strat_id LIMIT 2`, [NOW]);
    expect(overdue.length).toBe(2);
    for (const o of overdue) await progressAction(h.app.ctx, { id: o.chair_id, name: "Chair" }, o.strat_id, o.action_id, { status: "done", text: "done late", via: "teams" });
    const [o] = await h.app.db.query<{ strat_id: string; chair_id: string }>(
      "SELECT strat_id, chair_id FROM strat_summary WHERE status = 'open' ORDER BY ref LIMIT 1");
    const chair = { id: o!.chair_id, name: "Chair" };
    const d1 = (await recordStratDissent(h.app.ctx, chair, o!.strat_id, { agency: "Health", decision: "s47", reason: "Health see no s47 threshold" })).result!;
    const d2 = (await recordStratDissent(h.app.ctx, chair, o!.strat_id, { agency: "Police", decision: "plan", reason: "Police want a stronger plan" })).result!;
    await progressStratDissent(h.app.ctx, chair, o!.strat_id, d1.id, { outcome: "Resolved", escalate: false });
    await progressStratDissent(h.app.ctx, chair, o!.strat_id, d2.id, { outcome: "Not resolved", escalate: true });

    // The definition, counted directly on the item rows: overdue at T = due before T and not done before T; open at T =
    // raised before T and not closed before T.
    const direct = async (t: Date, team?: string, chairIn?: string[]) => {
      const scope = `${team ? ` AND team = '${team}'` : ""}${chairIn ? ` AND chair_id IN (${chairIn.map((c) => `'${c}'`).join(", ")})` : ""}`;
      const [a] = await h.app.db.query<{ n: number; s: number }>(`SELECT count(*)::int AS n, count(DISTINCT strat_id)::int AS s FROM strat_action_summary
        WHERE due_at < $1::timestamptz AND (NOT done OR done_at >= $1::timestamptz)${scope}`, [t]);
      const [d] = await h.app.db.query<{ n: number; s: number }>(`SELECT count(*)::int AS n, count(DISTINCT strat_id)::int AS s FROM strat_dissent_summary
        WHERE raised_at < $1::timestamptz AND (open OR closed_at >= $1::timestamptz)${scope}`, [t]);
      return { overdue: a!, dissent: d! };
    };
    const listed = async (drill: Record<string, string>, at: Date) => {
      const f = drillFilter(drill, at);
      if (!f.ok) throw new Error(f.error);
      return (await h.app.ctx.strats.listSummaries({ ...f.filter, team: drill.team, sort: "due", limit: 100_000, at })).length;
    };
    const some = chairs.slice(0, Math.max(1, Math.floor(chairs.length / 3)));
    const counts = new Set<string>();
    // Now (today's changes from the rows), the next morning and a week and a half on (today's changes in the day rows).
    for (const at of [NOW, "2026-12-01T08:00:00Z", "2026-12-10T16:30:00Z"]) {
      clock.set(at);
      try {
        for (const [team, chairIn] of [[undefined, undefined], [teams[0], undefined], [undefined, some]] as const) {
          const d = await dashboard(h.app.ctx, { from: "2026-10-01", to: "2026-12-13" }, { team, chairIn });
          for (const w of d.trend) {
            const t = new Date(w.atEnd.at);
            expect(t.getTime()).toBeLessThanOrEqual(new Date(at).getTime());
            if (t.getTime() === new Date(at).getTime()) continue; // this week's end is now: the headline figures (below)
            const want = await direct(t, team, chairIn ? [...chairIn] : undefined);
            const label = `${at} week to ${w.to} ${team ?? "all teams"} ${chairIn ? "some chairs" : "all chairs"}`;
            expect({ overdue: w.atEnd.overdueActions.count, dissent: w.atEnd.openDissent.count }, label).toEqual({ overdue: want.overdue.n, dissent: want.dissent.n });
            counts.add(`${want.overdue.n}/${want.dissent.n}`);
            if (!chairIn && w === d.trend[8]) {
              expect(await listed(w.atEnd.overdueActions.drill, new Date(at)), `${label}: drill`).toBe(want.overdue.s);
              expect(await listed(w.atEnd.openDissent.drill, new Date(at)), `${label}: drill`).toBe(want.dissent.s);
            }
          }
          // The last week's end is now (the period runs past today): the headline figures.
          expect(d.trend.at(-1)!.atEnd.overdueActions.count).toBe(d.overdueActions.total);
          expect(d.trend.at(-1)!.atEnd.openDissent.count).toBe(d.openDissent.total);
        }
      } finally {
        clock.set(NOW);
      }
    }
    expect(counts.size).toBeGreaterThan(5); // the counts move over the weeks: not a constant
  });

  it("a record's due passing with no write makes it late in both; a moved meeting and a cancelled strat keep the aggregate equal", async () => {
    // A record not distributed (the summary row written as the repository writes it): late once its due has passed.
    const [rec] = await h.app.db.query<{ strat_id: string; record_due_at: Date }>(
      `SELECT strat_id, record_due_at FROM strat_summary WHERE record_due_at IS NOT NULL AND held_at >= '2026-06-01' AND held_at < '2026-11-29'
       AND status <> 'cancelled' ORDER BY ref LIMIT 1`);
    expect(rec).toBeDefined();
    await h.app.db.query("UPDATE strat_summary SET record_distributed_at = NULL WHERE strat_id = $1", [rec!.strat_id]);
    await expectAggregatesKept();
    const due = new Date(rec!.record_due_at).getTime();
    const lateAt = async (at: number) => {
      clock.set(new Date(at).toISOString());
      const d = await both("2026-06-01", "2026-11-29");
      expect(d.fast).toEqual(d.rows);
      return d.fast.distributedLate.count;
    };
    try {
      expect(await lateAt(due + 60_000)).toBe((await lateAt(due - 60_000)) + 1);
    } finally {
      clock.set(NOW);
    }
    // Move an open strat's meeting to yesterday afternoon (a day the aggregate holds), through the use case.
    const open = await h.app.db.query<{ strat_id: string; chair_id: string; held_at: Date | null; due_at: Date }>(
      "SELECT strat_id, chair_id, held_at, due_at FROM strat_summary WHERE status = 'open' AND held_at IS NOT NULL ORDER BY ref LIMIT 1");
    expect(open.length).toBe(1);
    const s = open[0]!;
    const start = new Date("2026-11-29T14:00:00Z");
    await setStratMeeting(h.app.ctx, { id: s.chair_id, name: "Chair" }, s.strat_id,
      { start, end: new Date(start.getTime() + 3_600_000), lateRationale: "Police could only attend on Sunday" });
    await expectAggregatesKept();
    const moved = await both("2026-11-01", "2026-11-30");
    expect(moved.fast).toEqual(moved.rows);
    // A cancelled strat counts nowhere (written as the repository writes a change: the summary row in the same statement).
    await h.app.db.query("UPDATE strat_summary SET status = 'cancelled' WHERE strat_id = $1", [s.strat_id]);
    await expectAggregatesKept();
    const cancelled = await both("2026-11-01", "2026-11-30");
    expect(cancelled.fast).toEqual(cancelled.rows);
    expect(cancelled.fast.held.count).toBe(moved.fast.held.count - 1);
  });
});
