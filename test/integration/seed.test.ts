/**
 * Issue 13 point 7: `npm run seed` fills a store with strats in every state through the use cases, with no names and
 * no real dates of birth, an audit trail that verifies (R-*, issue 13 point 4), and refuses a second run without --force.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEED_FICTIONAL_NAMES, SeedRefused, seedStore, summaryLine, type SeedSummary } from "../../src/cli/seed-store.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import { loadProfiles } from "../../src/infra/profiles/read-profile-files.js";
import { auditSigningKey, verifyAudit } from "../../src/infra/store/audit-log.js";
import { createStratRepository } from "../../src/infra/store/strat-repository.js";
import { testClock } from "../support/app-context.js";
import { testStores } from "../support/databases.js";
import { startHarness, type Harness } from "../support/harness.js";

const NOW = new Date("2026-11-30T12:00:00Z");

for (const store of testStores()) {
  describe(`npm run seed on ${store.name}`, () => {
    let db: Awaited<ReturnType<typeof store.open>>;
    let strats: Strat[];
    const profiles = loadProfiles();
    const counts = async () => {
      const [r] = await db.query<Record<string, string | number>>(
        "SELECT (SELECT count(*) FROM strats) AS strats, (SELECT count(*) FROM audit_log) AS audit, (SELECT count(*) FROM background_jobs) AS jobs");
      return Object.fromEntries(Object.entries(r!).map(([k, v]) => [k, Number(v)]));
    };

    beforeAll(async () => {
      db = await store.open();
      const summary = await seedStore(db, profiles, { strats: 30, seed: 7, force: false, now: NOW });
      expect(summary.strats).toBe(30);
      const repo = createStratRepository(db, () => NOW);
      const ids = await db.query<{ id: string }>("SELECT id FROM strats ORDER BY ref");
      strats = (await Promise.all(ids.map((r) => repo.get(r.id)))).filter((s): s is Strat => s !== null);
    }, 60_000);
    afterAll(async () => db?.drop());

    it("every state is present, across the three profiles (open, booked, held, closed and distributed, amended, overdue, dissent, out of hours, missing)", async () => {
      expect(strats).toHaveLength(30);
      const has = (what: string, p: (s: Strat) => boolean) => expect(strats.filter(p).length, what).toBeGreaterThan(0);
      has("open, unscheduled", (s) => s.status === "open" && !s.state.meeting);
      has("booked (meeting ahead)", (s) => s.status === "open" && !!s.state.meeting && new Date(s.state.meeting.start) > NOW);
      has("held, not closed", (s) => s.status === "open" && !!s.state.attendance);
      has("closed", (s) => s.status === "closed" && s.state.amendments.length === 0);
      has("amended", (s) => s.status === "closed" && s.state.amendments.length > 0);
      has("overdue action", (s) => s.state.actions.some((a) => a.status !== "done" && new Date(a.byWhen) < NOW));
      has("dissent open", (s) => s.state.dissents.some((d) => !d.acknowledged));
      has("dissent resolved", (s) => s.status === "closed" && s.state.dissents.some((d) => !!d.acknowledged));
      has("missing-child episode", (s) => s.referral.concerns.includes("missing"));
      has("out of hours", (s) => { const h = new Date(s.referral.receivedAt).getUTCHours(); return h >= 18 || h < 8; });
      expect(new Set(strats.map((s) => s.profileId))).toEqual(new Set(["bromley-2023", "bedford", "bristol-2024"]));
      // Closed and distributed: each closed strat's record is handed to the queue (publication and one mail job per version).
      const [d] = await db.query<{ n: string | number }>("SELECT count(DISTINCT strat_id) AS n FROM background_jobs WHERE kind = 'record.distribute'");
      expect(Number(d!.n)).toBe(strats.filter((s) => s.status === "closed").length);
      // Referral times over the last 12 weeks.
      for (const s of strats) expect(NOW.getTime() - new Date(s.referral.receivedAt).getTime()).toBeLessThanOrEqual(84 * 86_400_000);
    });

    it("no names and no real dates of birth: references only, DOBs the 1st of a month, people the fictional role names, mail on .invalid", () => {
      const fictional = new Set(SEED_FICTIONAL_NAMES);
      for (const s of strats) {
        expect(s.caseRef).toMatch(/^LCS-S\d{5}$/);
        for (const c of s.referral.children) {
          expect(c.ref).toMatch(/^C\d+$/);
          expect(c.dob).toMatch(/^\d{4}-\d{2}-01$/);
        }
        expect(s.referral.referrer).toBeNull();
        expect(s.referral.knownProfessionals).toEqual([]);
        const names = [s.chairName, ...s.state.invitees.map((i) => i.name), ...s.state.actions.map((a) => a.owner.name), ...s.state.dissents.map((d) => d.byName)];
        for (const n of names) if (n !== null) expect(fictional.has(n), `"${n}" is one of the fictional names`).toBe(true);
        for (const i of s.state.invitees) expect(i.address ?? "x@y.invalid").toMatch(/\.invalid$/);
      }
    });

    it("the audit trail verifies (audit verify)", async () => {
      const r = await verifyAudit(db, { key: await auditSigningKey(db, undefined) });
      expect(r.message).toMatch(/^30 chains/);
      expect(r.ok).toBe(true);
    });

    it("a second run without --force refuses and changes nothing", async () => {
      const before = await counts();
      await expect(seedStore(db, profiles, { strats: 5, seed: 8, force: false, now: NOW })).rejects.toBeInstanceOf(SeedRefused);
      expect(await counts()).toEqual(before);
    });
  });
}

/**
 * Issue 15 (seed, point 1): the seed runs the record jobs it queues the way the app does (the job worker, the record
 * distribution and the Graph mail against the local stand-in, the seed's clock), so the managers' dashboard, over real
 * HTTP, shows records distributed on time and late (T-REC), and the summary line says how many. The app's own worker is
 * off (JOBS_POLL_MS=0): what the dashboard shows is the seed's doing.
 */
describe("npm run seed: records distributed as the app distributes them (T-REC)", () => {
  let h: Harness;
  let summary: SeedSummary;
  const get = async (path: string) => {
    const r = await fetch(`${h.base}${path}`);
    return { status: r.status, body: (await r.json()) as { distributedOnTime: { count: number }; distributedLate: { count: number } } };
  };

  beforeAll(async () => {
    h = await startHarness({ JOBS_POLL_MS: "0" }, testClock(NOW.toISOString()));
    summary = await seedStore(h.app.db, h.app.ctx.profiles, { strats: 20, seed: 3, force: false, now: NOW });
  }, 120_000);
  afterAll(async () => h?.stop());

  it("the dashboard shows records distributed on time and late, matching the stored strats and the summary line", async () => {
    const dash = await get("/api/tab/dashboard?from=2026-08-01&to=2026-11-30");
    expect(dash.status, JSON.stringify(dash.body)).toBe(200);
    const [stored] = await h.app.db.query<{ on_time: string | number; late: string | number; closed: string | number; mails: string | number }>(
      `SELECT count(*) FILTER (WHERE m.record_distributed_at <= m.record_due_at) AS on_time,
              count(*) FILTER (WHERE m.record_distributed_at > m.record_due_at) AS late,
              count(*) FILTER (WHERE s.status = 'closed') AS closed,
              (SELECT count(*) FROM standin_inbox WHERE kind = 'mail' AND subject LIKE 'Strategy discussion record %') AS mails
       FROM strat_summary m JOIN strats s ON s.id = m.strat_id`);
    const onTime = Number(stored!.on_time);
    const late = Number(stored!.late);
    expect(dash.body.distributedOnTime.count).toBeGreaterThan(0);
    expect(dash.body.distributedOnTime.count).toBe(onTime);
    expect(dash.body.distributedLate.count).toBeGreaterThanOrEqual(0);
    expect(dash.body.distributedLate.count).toBe(late);
    // Every closed strat's record went out (through the stand-in's mailboxes), most of them on time.
    expect(onTime + late).toBe(Number(stored!.closed));
    expect(onTime).toBeGreaterThan(late);
    expect(Number(stored!.mails)).toBeGreaterThanOrEqual(onTime + late);
    expect(summary.distributed).toEqual({ onTime, late });
    expect(summaryLine(summary)).toContain(`records distributed ${onTime} on time, ${late} late`);
  });
});
