/**
 * Issue 13 point 7: `npm run seed` fills a store with strats in every state through the use cases, with no names and
 * no real dates of birth, an audit trail that verifies (R-*, issue 13 point 4), and refuses a second run without --force.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEED_FICTIONAL_NAMES, SeedRefused, seedStore } from "../../src/cli/seed-store.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import { loadProfiles } from "../../src/infra/profiles/read-profile-files.js";
import { auditSigningKey, verifyAudit } from "../../src/infra/store/audit-log.js";
import { createStratRepository } from "../../src/infra/store/strat-repository.js";
import { testStores } from "../support/databases.js";

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
