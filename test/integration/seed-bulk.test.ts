/**
 * Issue 15: `npm run seed -- --bulk N` writes the rows the use cases would write. For the bulk copies, the read-model rows
 * (strat_summary, strat_action_summary, strat_dissent_summary) equal `summaryRows` recomputed from the strat as stored
 * (parsed by the repository, as the app reads it); the list and the dashboard answer over them; references are unique;
 * no names beyond the fictional seed names, DOBs the 1st of a month. Over real HTTP and the harness's store (PGlite;
 * PostgreSQL when DATABASE_URL is set).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BULK_FICTIONAL_NAMES, BULK_TEMPLATES, bulkSeedStore } from "../../src/cli/seed-bulk.js";
import { SeedRefused } from "../../src/cli/seed-store.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import { ACTION_COLUMNS, DISSENT_COLUMNS, SUMMARY_COLUMNS, summaryRows } from "../../src/domain/strat/summary.js";
import { testClock } from "../support/app-context.js";
import { startHarness, type Harness } from "../support/harness.js";

const NOW = "2026-11-30T12:00:00Z";
const COMPUTED = SUMMARY_COLUMNS.filter((c) => c !== "record_distributed_at");
const N = 500;
const TEMPLATES = 40;

/** A stored row as JSON-comparable values (timestamps as ISO strings, counts as numbers). */
const norm = (r: Record<string, unknown>, cols: readonly string[]) =>
  Object.fromEntries(cols.map((c) => {
    const v = r[c];
    return [c, v instanceof Date ? v.toISOString() : typeof v === "string" && /^\d{4}-\d{2}-\d{2}[ T]\d/.test(v) ? new Date(v).toISOString() : v];
  }));

describe("the bulk seed (npm run seed -- --bulk N)", () => {
  let h: Harness;
  let copies: Strat[];
  const get = async (path: string) => {
    const r = await fetch(`${h.base}${path}`);
    return { status: r.status, body: (await r.json()) as any };
  };

  beforeAll(async () => {
    h = await startHarness({ JOBS_POLL_MS: "0" }, testClock(NOW)); // the app's worker off: the distribution is the seed's
    const s = await bulkSeedStore(h.app.db, h.app.ctx.profiles, { strats: N, seed: 15, force: false, now: new Date(NOW), templates: TEMPLATES });
    expect(s).toMatchObject({ strats: N, templates: TEMPLATES, copies: N - TEMPLATES });
    const ids = await h.app.db.query<{ id: string }>("SELECT id FROM strats WHERE request_id IS NULL ORDER BY ref");
    copies = (await Promise.all(ids.map((r) => h.app.ctx.strats.get(r.id)))) as Strat[];
  }, 240_000);
  afterAll(async () => h?.stop());

  it("every copy's read-model rows equal summaryRows recomputed from the strat as stored", async () => {
    expect(copies).toHaveLength(N - TEMPLATES);
    expect(BULK_TEMPLATES).toBeGreaterThanOrEqual(TEMPLATES);
    const q = (sql: string) => h.app.db.query<Record<string, unknown>>(sql);
    const summaries = new Map((await q("SELECT * FROM strat_summary")).map((r) => [String(r.strat_id), r]));
    const actions = await q("SELECT * FROM strat_action_summary ORDER BY strat_id, action_id");
    const dissents = await q("SELECT * FROM strat_dissent_summary ORDER BY strat_id, dissent_id");
    const items = (rows: Record<string, unknown>[], id: string, cols: readonly string[]) => rows.filter((r) => r.strat_id === id).map((r) => norm(r, cols));
    let withActions = 0;
    let withDissent = 0;
    for (const s of copies) {
      const want = summaryRows(s);
      // record_distributed_at is the queue's (not summaryRows'): the copy inherits its template's (checked below).
      expect(norm(summaries.get(s.id)!, COMPUTED), s.ref).toEqual(norm({ ...want.summary }, COMPUTED));
      const byId = (a: { strat_id: string }, b: { strat_id: string }, k: string) => String((a as never)[k]).localeCompare(String((b as never)[k]));
      expect(items(actions, s.id, ACTION_COLUMNS)).toEqual(want.actions.sort((a, b) => byId(a, b, "action_id")).map((r) => norm({ ...r }, ACTION_COLUMNS)));
      expect(items(dissents, s.id, DISSENT_COLUMNS)).toEqual(want.dissents.sort((a, b) => byId(a, b, "dissent_id")).map((r) => norm({ ...r }, DISSENT_COLUMNS)));
      withActions += want.actions.length ? 1 : 0;
      withDissent += want.dissents.length ? 1 : 0;
    }
    expect(withActions).toBeGreaterThan(0);
    expect(withDissent).toBeGreaterThan(0);
    // Every state the use-case seed plays is among the copies: open, booked/held, closed, amended.
    expect(new Set(copies.map((s) => s.status))).toEqual(new Set(["open", "closed"]));
    expect(copies.some((s) => s.state.amendments.length > 0)).toBe(true);
  });

  it("copies inherit their template's record distribution (T-REC): on time and late, as the dashboard counts them", async () => {
    const rows = await h.app.db.query<{ copy: boolean; closed: boolean; lag: string | number | null }>(
      `SELECT s.request_id IS NULL AS copy, s.status = 'closed' AS closed, extract(epoch FROM m.record_distributed_at - m.record_due_at) AS lag
       FROM strats s JOIN strat_summary m ON m.strat_id = s.id`);
    const lags = (copy: boolean) => rows.filter((r) => r.copy === copy && r.closed).map((r) => (r.lag === null ? null : Number(r.lag)));
    const templateLags = new Set(lags(false));
    expect(templateLags.has(null)).toBe(false); // every template's record went out through the seed's job worker
    const copyLags = lags(true);
    expect(copyLags.length).toBeGreaterThan(0);
    // Times move together: a copy's distribution stands to its due as its template's did.
    for (const lag of copyLags) expect(templateLags.has(lag), `lag ${lag}`).toBe(true);
    expect(copyLags.filter((l) => l !== null && l <= 0).length).toBeGreaterThan(copyLags.filter((l) => l !== null && l > 0).length);
    const dash = await get("/api/tab/dashboard?from=2025-12-01&to=2026-11-30");
    expect(dash.status, JSON.stringify(dash.body)).toBe(200);
    const counts = await h.app.db.query<{ on_time: string | number; late: string | number }>(
      `SELECT count(*) FILTER (WHERE record_distributed_at <= record_due_at) AS on_time, count(*) FILTER (WHERE record_distributed_at > record_due_at) AS late
       FROM strat_summary WHERE held_at >= '2025-12-01T00:00:00Z' AND held_at < '2026-12-01T00:00:00Z'`);
    expect(dash.body.distributedOnTime.count).toBe(Number(counts[0]!.on_time));
    expect(dash.body.distributedLate.count).toBe(Number(counts[0]!.late));
    expect(dash.body.distributedOnTime.count).toBeGreaterThan(N / 20);
  });

  it("references are unique, copies are spread over chairs and teams, and times move together", async () => {
    const [r] = await h.app.db.query<{ n: string | number; refs: string | number }>("SELECT count(*) AS n, count(DISTINCT ref) AS refs FROM strats");
    expect(Number(r!.n)).toBe(N);
    expect(Number(r!.refs)).toBe(N);
    expect(new Set(copies.map((s) => s.chairId)).size).toBeGreaterThan(10);
    expect(new Set(copies.map((s) => s.conversationId)).size).toBeGreaterThan(5);
    for (const s of copies) {
      expect(s.createdAt.getTime()).toBe(s.referral.receivedAt.getTime());
      if (s.state.meeting) expect(Date.parse(s.state.meeting.start)).toBeGreaterThan(s.createdAt.getTime());
    }
  });

  it("no names beyond the fictional seed names; DOBs the 1st of a month; seeded case references", () => {
    const fictional = new Set(BULK_FICTIONAL_NAMES);
    for (const s of copies) {
      expect(s.caseRef).toMatch(/^LCS-S\d{5}$/);
      for (const c of s.referral.children) expect(c.dob).toMatch(/^\d{4}-\d{2}-01$/);
      const names = [s.chairName, ...s.state.invitees.map((i) => i.name), ...s.state.actions.map((a) => a.owner.name), ...s.state.dissents.map((d) => d.byName)];
      for (const n of names) if (n !== null) expect(fictional.has(n), `"${n}" is one of the fictional names`).toBe(true);
    }
  });

  it("the list API pages through them (first page, a filter, a keyset page, a chair) and the dashboard answers", async () => {
    const first = await get("/api/tab/list?sort=due&limit=50");
    expect(first.status).toBe(200);
    expect(first.body.rows).toHaveLength(50);
    expect(first.body.next).toBeTruthy();
    const next = await get(`/api/tab/list?sort=due&limit=50&after=${encodeURIComponent(first.body.next)}`);
    expect(next.status).toBe(200);
    expect(next.body.rows.map((x: { ref: string }) => x.ref)).not.toContain(first.body.rows[0].ref);
    const closed = await get("/api/tab/list?status=closed&limit=200");
    expect(closed.body.rows.length).toBeGreaterThan(0);
    for (const x of closed.body.rows) expect(x.status).toBe("closed");
    const chair = await get("/api/tab/list?chair=seed-chair-7&limit=200");
    expect(chair.body.rows.length).toBe(copies.filter((s) => s.chairId === "seed-chair-7").length);
    const dash = await get("/api/tab/dashboard?from=2025-12-01&to=2026-11-30");
    expect(dash.status, JSON.stringify(dash.body)).toBe(200);
    expect(dash.body.held.count).toBeGreaterThan(N / 10);
  });

  it("refuses the seeded store without --force, writing nothing", async () => {
    await expect(bulkSeedStore(h.app.db, h.app.ctx.profiles, { strats: 50, seed: 2, force: false, now: new Date(NOW) })).rejects.toThrow(SeedRefused);
    const [r] = await h.app.db.query<{ n: string | number }>("SELECT count(*) AS n FROM strats");
    expect(Number(r!.n)).toBe(N);
  });
});
