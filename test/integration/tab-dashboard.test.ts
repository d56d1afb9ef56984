/**
 * Issue 15 point 3, over real HTTP and the harness's store (PGlite; PostgreSQL when DATABASE_URL is set): the dashboard
 * counts by SQL over the read model; each figure equals the value computed here by hand from the strats as stored
 * (T-STD held by the due, the local target, Q-1 quorate, counted short notice and late, R-ACT overdue actions by agency,
 * open dissent by stage), each drill lists exactly the strats behind its number, overdue actions follow the clock with no
 * write, and a chair sees only their own numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedStore } from "../../src/cli/seed-store.js";
import { addStratAction } from "../../src/app/strat-commands.js";
import { counted } from "../../src/domain/strat/figures.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import { testClock } from "../support/app-context.js";
import { startHarness, type Harness } from "../support/harness.js";

const NOW = "2026-11-30T12:00:00Z";
const PERIOD = "from=2026-06-01&to=2026-11-30";
type Figure = { count: number; drill: Record<string, string> };

describe("the managers' dashboard (/api/tab/dashboard) on the read model", () => {
  let h: Harness;
  const clock = testClock(NOW);
  const get = async (path: string, cookie?: string) => {
    const r = await fetch(`${h.base}${path}`, { headers: cookie ? { cookie } : {} });
    return { status: r.status, body: (await r.json()) as any };
  };
  const dash = async (query = PERIOD, cookie?: string) => get(`/api/tab/dashboard?${query}`, cookie);
  const drillCount = async (f: Figure, cookie?: string) => {
    const r = await get(`/api/tab/list?${new URLSearchParams({ ...f.drill, limit: "200" })}`, cookie);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.rows.length as number;
  };
  const stored = async () => {
    const ids = await h.app.db.query<{ id: string }>("SELECT id FROM strats ORDER BY ref");
    return (await Promise.all(ids.map((r) => h.app.ctx.strats.get(r.id)))) as Strat[];
  };
  /** Held in the period by now (not cancelled): the meeting's start. */
  const heldIn = (s: Strat, now: number) => {
    const start = s.state.meeting ? Date.parse(s.state.meeting.start) : NaN;
    return s.status !== "cancelled" && start >= Date.parse("2026-06-01T00:00:00+01:00") && start < Date.parse("2026-12-01T00:00:00Z") && start <= now;
  };
  const overdueByAgency = (strats: Strat[], now: number) => {
    const by: Record<string, number> = {};
    for (const a of strats.flatMap((s) => s.state.actions)) if (a.status === "open" && Date.parse(a.byWhen) < now) by[a.owner.agency] = (by[a.owner.agency] ?? 0) + 1;
    return by;
  };

  beforeAll(async () => {
    h = await startHarness({}, clock);
    // Through the use cases: open, invitees, schedule, attendance, decisions, close, amend, actions (some done), dissent.
    await seedStore(h.app.db, h.app.ctx.profiles, { strats: 40, seed: 15, force: false, now: new Date(NOW) });
  }, 180_000);
  afterAll(async () => h?.stop());

  it("each headline figure equals the hand-computed value from the stored strats, and its drill lists exactly those strats", async () => {
    const now = clock.now().getTime();
    const held = (await stored()).filter((s) => heldIn(s, now));
    const c = (pick: (s: Strat) => boolean) => held.filter(pick).length;
    const { status, body } = await dash();
    expect(status).toBe(200);
    const expected = {
      held: held.length,
      withinDue: c((s) => counted(s).late === null), late: c((s) => counted(s).late !== null),
      shortNotice: c((s) => counted(s).shortNotice !== null),
      withinTarget: c((s) => s.targetAt !== null && Date.parse(s.state.meeting!.start) <= s.targetAt.getTime()),
      targetMissed: c((s) => s.targetAt !== null && Date.parse(s.state.meeting!.start) > s.targetAt.getTime()),
      quorate: c((s) => s.state.attendance?.quorate === true), inquorate: c((s) => s.state.attendance?.quorate === false),
    };
    expect(expected.held).toBeGreaterThan(5);
    expect(expected.quorate + expected.inquorate).toBeGreaterThan(0);
    for (const [name, n] of Object.entries(expected)) {
      expect(body[name].count, name).toBe(n);
      expect(await drillCount(body[name]), `${name} drill`).toBe(n);
    }
    expect(body.rates.withinDue).toBe(Math.round((expected.withinDue / expected.held) * 1000) / 1000);
    // By concern category (T-STD by concern): each concern of the held strats.
    const concerns = [...new Set(held.flatMap((s) => s.referral.concerns))].sort();
    expect(body.byConcern.map((r: { concern: string }) => r.concern)).toEqual(concerns);
    for (const r of body.byConcern) {
      const of = held.filter((s) => s.referral.concerns.includes(r.concern));
      expect(r.held.count, r.concern).toBe(of.length);
      expect(r.withinDue.count).toBe(of.filter((s) => counted(s).late === null).length);
      expect(await drillCount(r.withinDue)).toBe(r.withinDue.count);
    }
    // The trend: 12 weeks ending at `to`, whose held counts add up to those held in them.
    expect(body.trend).toHaveLength(12);
    expect(body.trend.at(-1).to).toBe("2026-11-30");
    for (const w of body.trend.filter((x: { held: Figure }) => x.held.count > 0)) expect(await drillCount(w.held)).toBe(w.held.count);
  });

  it("overdue actions by agency and open dissent by stage: counted at query time, with drills of their strats", async () => {
    const strats = await stored();
    const { body } = await dash();
    const by = overdueByAgency(strats, clock.now().getTime());
    expect(Object.fromEntries(body.overdueActions.byAgency.map((r: { key: string; count: number }) => [r.key, r.count]))).toEqual(by);
    for (const r of body.overdueActions.byAgency) expect(await drillCount(r.strats)).toBe(r.strats.count);
    const open = strats.flatMap((s) => s.state.dissents).filter((d) => d.stages.at(-1)!.outcome === null);
    expect(body.openDissent.total).toBe(open.length);
    for (const r of [...body.openDissent.byStage, ...body.openDissent.byAge]) expect(await drillCount(r.strats)).toBe(r.strats.count);
  });

  it("the overdue count changes when the clock passes an action's due time, with no write", async () => {
    const open = (await stored()).find((s) => s.status === "open")!;
    // An action due in two hours, through the use case (the last write of this test).
    await addStratAction(h.app.ctx, { id: open.chairId, name: open.chairName ?? "Chair" }, open.id,
      { ownerName: "DS Example", agency: "Police", what: "Visit the school", byWhen: new Date(clock.now().getTime() + 2 * 3_600_000), purpose: "Safety" });
    const strats = await stored();
    const pending = strats.flatMap((s) => s.state.actions).filter((a) => a.status === "open" && Date.parse(a.byWhen) >= clock.now().getTime());
    expect(pending.length).toBeGreaterThan(0);
    const before = (await dash()).body.overdueActions.total;
    const writes = (await h.app.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log"))[0]!.n;
    clock.set(new Date(Math.max(...pending.map((a) => Date.parse(a.byWhen))) + 60_000).toISOString());
    try {
      const after = (await dash()).body.overdueActions.total;
      expect(after).toBe(before + pending.length);
      const expected = Object.values(overdueByAgency(strats, clock.now().getTime())).reduce((a, b) => a + b, 0);
      expect(after).toBe(expected);
      expect((await h.app.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log"))[0]!.n).toBe(writes);
    } finally {
      clock.set(NOW);
    }
  });

  it("a chair sees only their own numbers", async () => {
    const now = clock.now().getTime();
    const strats = await stored();
    const chair = strats[0]!.chairId;
    const r = await fetch(`${h.base}/tab/dev-signin?role=chair&oid=${encodeURIComponent(chair)}`, { redirect: "manual" });
    const cookie = r.headers.get("set-cookie")!.split(";")[0]!;
    const mine = strats.filter((s) => s.chairId === chair);
    expect(mine.length).toBeLessThan(strats.length);
    const { status, body } = await dash(PERIOD, cookie);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.held.count).toBe(mine.filter((s) => heldIn(s, now)).length);
    expect(await drillCount(body.held, cookie)).toBe(body.held.count);
    expect(body.overdueActions.total).toBe(Object.values(overdueByAgency(mine, now)).reduce((a, b) => a + b, 0));
  });

  it("bad parameters are refused with 400 naming the field; nothing is changed", async () => {
    for (const [query, field] of [["from=2026-13-01", "from"], ["to=yesterday", "to"], ["from=2026-11-30&to=2026-11-01", "to"], ["team=", null]] as const) {
      const r = await dash(query);
      if (field === null) expect(r.status).toBe(200);
      else expect([r.status, r.body.field], query).toEqual([400, field]);
    }
    for (const [query, field] of [["held_from=2026-02-30", "held_from"], ["late=maybe", "late"], ["dissent_age=old&dissent_open=true", "dissent_age"], ["agency=Police", "agency"]] as const) {
      const r = await get(`/api/tab/list?${query}`);
      expect([r.status, r.body.field], query).toEqual([400, field]);
      expect(r.body.error).toMatch(/ must | needs /);
    }
  });
});
