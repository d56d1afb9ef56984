import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditSigningKey, verifyAudit } from "../../src/infra/store/audit-log.js";
import type { Actor, AppContext } from "../../src/app/context.js";
import { openChildOnChildStrats, openStrat } from "../../src/app/open-strat.js";
import { appContext, testClock } from "../support/app-context.js";
import { testStores } from "../support/databases.js";

const chair: Actor = { id: "aad-chair", name: "Chair" };
const child = (ref: string, dob: string, lookedAfter = false) =>
  ({ ref, dob, inHospital: false, inPatient: false, lookedAfter, cpPlan: false, school: null });
/** A missing referral: T-MIS is firstWorkingDay for a looked-after child, hours(72) otherwise (bromley-missing-2020 §9, bromley-2023 Appendix 5). */
const referral = {
  receivedAt: "2026-11-23T10:00:00Z",
  concerns: ["missing"],
  children: [child("C-H1", "2013-01-01", true), child("C-V2", "2016-01-01"), child("C-O3", "2020-01-01")],
  unborn: false, medicalImplications: false, parentalMentalHealth: false, maternalMentalHealth: false, substanceMisuse: false, camhsInvolved: false,
  knownProfessionals: [], referrer: null, missing: { reportedAt: "2026-11-23T09:00:00Z", particularConcerns: false },
};
const roles = { roles: ["harmer", "harmed", "other"] as ("harmer" | "harmed" | "other")[], harmedChair: "Alex Worker", harmerChair: "Bo Worker" };

/** I-C2C (bromley-2023 §2): the open use case for a child alleged to have harmed another child, on each real store. */
for (const store of testStores()) {
  describe(`child on child: one strat per child, linked, atomic, on ${store.name}`, () => {
    let db: Awaited<ReturnType<typeof store.open>>;
    let ctx: AppContext;
    beforeAll(async () => {
      db = await store.open();
      ctx = appContext(db, testClock("2026-11-23T10:05:00Z"));
    });
    afterAll(async () => db?.drop());
    const forCase = async (caseRef: string) => (await ctx.strats.listOpen(500)).filter((s) => s.caseRef === caseRef);
    const input = (caseRef: string, requestId = randomUUID()) => ({ caseRef, profileId: "bromley-2023", referral, requestId, conversationId: "c1" });

    it("opens two strats of one case, each from its own children (due time per strat), each naming its chair and listing the other", async () => {
      const { strats, created } = await openChildOnChildStrats(ctx, chair, input("LCS-U-1"), roles);
      expect(created).toBe(true);
      const [harmed, harmer] = strats as [typeof strats[0], typeof strats[0]];
      expect(harmed.referral.children.map((c) => c.ref)).toEqual(["C-V2", "C-O3"]);
      expect(harmer.referral.children.map((c) => c.ref)).toEqual(["C-H1"]);
      expect([harmed.chairName, harmer.chairName]).toEqual(["Alex Worker", "Bo Worker"]);
      expect(harmed.state.linked).toEqual([harmer.ref]);
      expect(harmer.state.linked).toEqual([harmed.ref]);
      // T-MIS per child: the looked-after harmer's strat is due the same working day, the other within 72 hours
      expect(harmer.dueAt.toISOString()).toBe("2026-11-23T17:00:00.000Z");
      expect(harmed.dueAt.toISOString()).toBe("2026-11-26T09:00:00.000Z");
      expect((await forCase("LCS-U-1")).map((s) => s.ref).sort()).toEqual([harmed.ref, harmer.ref].sort());
      // each opens its own tamper-evident audit chain (issue 13 point 4), written in the same transaction
      for (const s of [harmed, harmer]) {
        expect(await verifyAudit(db, { key: await auditSigningKey(db, undefined), ref: s.ref })).toMatchObject({ ok: true, chains: 1, entries: 1 });
      }
    });

    it("both or none: when the second cannot be opened, the first is not saved either", async () => {
      const requestId = randomUUID();
      // another submission already holds the second strat's request id: its insert is refused inside the transaction
      await openStrat(ctx, chair, { ...input("LCS-U-2-OTHER"), requestId: `${requestId}:harmer` });
      await expect(openChildOnChildStrats(ctx, chair, input("LCS-U-2", requestId), roles)).rejects.toMatchObject({ code: "conflict" });
      expect(await forCase("LCS-U-2")).toHaveLength(0);
    });

    it("the same chair for both (an empty field is the chair opening them) is refused, naming the field; nothing is opened", async () => {
      await expect(openChildOnChildStrats(ctx, chair, input("LCS-U-3"), { ...roles, harmedChair: "", harmerChair: "chair" }))
        .rejects.toMatchObject({ code: "invalid_input", field: "harmerChair" });
      await expect(openChildOnChildStrats(ctx, chair, input("LCS-U-3"), { ...roles, roles: ["harmed", "harmed", "other"] }))
        .rejects.toMatchObject({ code: "invalid_input", field: "childRoles" });
      expect(await forCase("LCS-U-3")).toHaveLength(0);
    });
  });
}
