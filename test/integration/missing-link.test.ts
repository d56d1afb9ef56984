import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor, AppContext } from "../../src/app/context.js";
import { recordEpisodeReturn } from "../../src/app/missing-episode.js";
import { openChildOnChildStrats, openStrat } from "../../src/app/open-strat.js";
import { reconveneStrat } from "../../src/app/reconvene.js";
import type { MissingEpisodeRepository } from "../../src/ports/missing-episodes.js";
import { appContext, testClock } from "../support/app-context.js";
import { testStores } from "../support/databases.js";

const chair: Actor = { id: "aad-chair", name: "Chair" };
const child = (ref: string, dob: string, lookedAfter = false) =>
  ({ ref, dob, inHospital: false, inPatient: false, lookedAfter, cpPlan: false, school: null });
/** A missing referral of three children (T-MIS from missing.reportedAt). */
const referral = {
  receivedAt: "2026-11-23T10:00:00Z",
  concerns: ["missing"],
  children: [child("C-H1", "2013-01-01", true), child("C-V2", "2016-01-01"), child("C-O3", "2020-01-01")],
  unborn: false, medicalImplications: false, parentalMentalHealth: false, maternalMentalHealth: false, substanceMisuse: false, camhsInvolved: false,
  knownProfessionals: [], referrer: null, missing: { reportedAt: "2026-11-23T09:00:00Z", particularConcerns: false },
};
const roles = { roles: ["harmer", "harmed", "other"] as ("harmer" | "harmed" | "other")[], harmedChair: "Alex Worker", harmerChair: "Bo Worker" };

/** Issue 14 gaps points 3 and 4: opening a missing strat links it to its children's episodes, in the same transaction. */
for (const store of testStores()) {
  describe(`a missing strat is linked to its episodes as it opens, on ${store.name}`, () => {
    let db: Awaited<ReturnType<typeof store.open>>;
    let ctx: AppContext;
    beforeAll(async () => {
      db = await store.open();
      ctx = appContext(db, testClock("2026-11-23T10:05:00Z"));
    });
    afterAll(async () => db?.drop());
    const input = (caseRef: string, requestId = randomUUID()) => ({ caseRef, profileId: "bromley-2023", referral, requestId, conversationId: "c1" });
    const episodesOf = async (caseRef: string) => (await ctx.episodes!.listOpen(500)).filter((e) => e.caseRef === caseRef);

    it("point 4: `new` (openStrat) opens the strat linked to each child's episode; a later strat of the case links to the same ones", async () => {
      const { strat } = await openStrat(ctx, chair, input("LCS-L-1"));
      const linked = await ctx.episodes!.ofStrat(strat.id);
      expect(linked.map((e) => e.childRef).sort()).toEqual(["C-H1", "C-O3", "C-V2"]);
      const { strat: again } = await openStrat(ctx, chair, input("LCS-L-1"));
      expect((await ctx.episodes!.ofStrat(again.id)).map((e) => e.id).sort()).toEqual(linked.map((e) => e.id).sort());
      expect(await episodesOf("LCS-L-1")).toHaveLength(3);
    });

    it("point 4: a fault after the link is written (before the transaction commits) leaves neither the strat nor the episode", async () => {
      const real = ctx.episodes!;
      const crashing: MissingEpisodeRepository = {
        ...real,
        async linkWithin(tx, ...rest) {
          await real.linkWithin(tx, ...rest);
          throw new Error("injected fault between the link and the commit");
        },
      };
      await expect(openStrat({ ...ctx, episodes: crashing }, chair, input("LCS-L-2"))).rejects.toThrow("injected fault");
      expect(await ctx.strats.listByCase("LCS-L-2")).toHaveLength(0);
      expect(await episodesOf("LCS-L-2")).toHaveLength(0);
    });

    it("point 3 (I-C2C): `new` for a child harmed by another child links each strat to its own children's episodes", async () => {
      const { strats } = await openChildOnChildStrats(ctx, chair, input("LCS-L-3"), roles);
      const [harmed, harmer] = strats as [typeof strats[0], typeof strats[0]];
      expect((await ctx.episodes!.ofStrat(harmed.id)).map((e) => e.childRef).sort()).toEqual(["C-O3", "C-V2"]);
      expect((await ctx.episodes!.ofStrat(harmer.id)).map((e) => e.childRef)).toEqual(["C-H1"]);
      expect(await episodesOf("LCS-L-3")).toHaveLength(3);
      // the escalation jobs of each new episode come with it (T-MDCS for the looked-after child)
      const [e] = await ctx.episodes!.ofStrat(harmer.id);
      const jobs = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM background_jobs WHERE dedupe_key LIKE $1", [`missing-escalate:${e!.id}:%`]);
      expect(jobs[0]!.n).toBeGreaterThan(0);
    });

    it("issue 14: `reconvene` links the follow-up to each child's still-open episode in the transaction that opens it; a returned episode is not reopened", async () => {
      const { strat: first } = await openStrat(ctx, chair, input("LCS-L-4"));
      const episodes = await ctx.episodes!.ofStrat(first.id);
      const returned = episodes.find((e) => e.childRef === "C-V2")!;
      await recordEpisodeReturn(ctx, chair, returned.id, { at: new Date("2026-11-23T10:00:00Z"), where: "home", by: "police" });
      const { strat: follow } = await reconveneStrat(ctx, chair, first.id, { requestId: randomUUID(), conversationId: null, whileOpen: true });
      expect((await ctx.episodes!.ofStrat(follow.id)).map((e) => e.childRef).sort()).toEqual(["C-H1", "C-O3"]);
      // no new episode from the old report time: still the two open ones of the first strat, and the returned one
      expect((await episodesOf("LCS-L-4")).map((e) => e.id).sort()).toEqual(episodes.filter((e) => e.id !== returned.id).map((e) => e.id).sort());
      expect((await ctx.episodes!.get(returned.id))!.returned).not.toBeNull();
    });

    it("issue 14: a fault after the reconvene link is written leaves neither the follow-up strat nor the link", async () => {
      const { strat: first } = await openStrat(ctx, chair, input("LCS-L-5"));
      const real = ctx.episodes!;
      const crashing: MissingEpisodeRepository = {
        ...real,
        async linkOpenWithin(tx, ...rest) {
          await real.linkOpenWithin(tx, ...rest);
          throw new Error("injected fault between the link and the commit");
        },
      };
      await expect(reconveneStrat({ ...ctx, episodes: crashing }, chair, first.id, { requestId: randomUUID(), conversationId: null, whileOpen: true }))
        .rejects.toThrow("injected fault");
      expect((await ctx.strats.listByCase("LCS-L-5")).map((s) => s.id)).toEqual([first.id]);
      for (const e of await episodesOf("LCS-L-5")) expect(e.stratIds).toEqual([first.id]);
    });
  });
}
