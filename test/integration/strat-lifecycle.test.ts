import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor, AppContext } from "../../src/app/context.js";
import { openStrat } from "../../src/app/open-strat.js";
import {
  addStratAction, addStratInvitee, closeStrat, progressStratDissent, recordStratAttendance, recordStratDecisions, recordStratDissent, setStratRecordFields,
  refreshInvitees, removeStratInvitee, setStratPlan, CloseRefused,
} from "../../src/app/strat-commands.js";
import { respondToInvitation } from "../../src/app/respond-to-invitation.js";
import { type DecisionsInput } from "../../src/domain/strat/state.js";
import { appContext, testClock } from "../support/app-context.js";
import { testStores } from "../support/databases.js";

const chair: Actor = { id: "aad-chair", name: "Chair" };
const stranger: Actor = { id: "aad-stranger", name: "Someone" };
const referral = {
  receivedAt: "2026-11-23T10:00:00Z",
  concerns: ["standard"],
  children: [{ ref: "C1", dob: "2015-03-01", inHospital: false, inPatient: false, lookedAfter: false, cpPlan: false, school: null }],
  unborn: false, medicalImplications: false, parentalMentalHealth: false, maternalMentalHealth: false, substanceMisuse: false, camhsInvolved: false,
  knownProfessionals: [], referrer: null, missing: null,
};
const decisions: DecisionsInput = {
  s47: "initiate", enquiry: "joint", singleAgencyReason: null, criminalInvestigation: "Police to investigate", medical: "Child protection medical today",
  abeInterview: "Consider ABE", childSeenAlone: "Today 15:00", interpreter: null, otherChildren: "None in household", sharedWithFamily: "partly",
  withheldReason: null, legal: null, icpc: "yes", lado: "not-applicable", followUpStrat: null, noS47Outcome: null, riskAnalysis: "High risk of further harm",
  contributions: [{ agency: "Police", summary: "Known to police" }],
};

for (const store of testStores()) {
  describe(`a strat from open to close on ${store.name} (use cases, real store)`, () => {
    let db: Awaited<ReturnType<typeof store.open>>;
    let ctx: AppContext;
    const clock = testClock("2026-11-23T10:05:00Z");
    beforeAll(async () => {
      db = await store.open();
      ctx = appContext(db, clock);
    });
    afterAll(async () => db?.drop());

    const open = async () => (await openStrat(ctx, chair, { caseRef: "LCS-9", profileId: "bromley-2023", referral, requestId: randomUUID(), conversationId: "c1" })).strat;

    it("invitees come from the engine with rule ids (I-POL, I-BHC, I-EDU…); removing police needs a reason", async () => {
      const s = await open();
      const r = await refreshInvitees(ctx, chair, s.id);
      const inv = r.result!;
      const rules = inv.map((i) => i.rule);
      expect(rules).toContain("I-POL");
      expect(rules).toContain("I-BHC");
      expect(rules).toContain("I-EDU");
      const police = inv.find((i) => i.rule === "I-POL")!;
      expect(police.quorumRole).toBe("police");
      await expect(removeStratInvitee(ctx, chair, s.id, police.id, null)).rejects.toMatchObject({ field: "reason" });
      const after = await removeStratInvitee(ctx, chair, s.id, police.id, "Police already attending by phone");
      expect(after.strat.state.invitees.find((i) => i.id === police.id)!.removed?.reason).toBe("Police already attending by phone");
      await expect(refreshInvitees(ctx, stranger, s.id)).rejects.toMatchObject({ code: "forbidden" });
    });

    it("close is refused with the list of what is missing, then succeeds after an inquorate meeting, a dissent and three actions", async () => {
      const s = await open();
      const inv = (await refreshInvitees(ctx, chair, s.id)).result!;
      const police = inv.find((i) => i.quorumRole === "police")!;
      const health = inv.find((i) => i.quorumRole === "health")!;

      const refused = await closeStrat(ctx, chair, s.id).catch((e) => e);
      expect(refused).toBeInstanceOf(CloseRefused);
      expect((refused as CloseRefused).missing.join("\n")).toMatch(/Attendance.*\n.*section 47.*\n.*interim safety plan/s);

      // police answer through their signed link (mailbox identity)
      const policeActor: Actor = { id: `mailbox:${police.address}`, name: null, mailbox: police.address! };
      await respondToInvitation(ctx, policeActor, s.id, police.id, { kind: "accepted", via: "link" });
      // a stranger cannot answer police's invitation
      await expect(respondToInvitation(ctx, stranger, s.id, police.id, { kind: "declined", via: "link", reason: "x" })).rejects.toMatchObject({ code: "forbidden" });

      // health did not attend → inquorate: reason demanded, then recorded and escalated
      await expect(recordStratAttendance(ctx, chair, s.id, { attendedInviteeIds: [police.id], inquorateReason: null })).rejects.toMatchObject({ field: "inquorateReason" });
      const att = await recordStratAttendance(ctx, chair, s.id, { attendedInviteeIds: [police.id], inquorateReason: "Health safeguarding team had no one available" });
      expect(att.result).toMatchObject({ quorate: false, missingRoles: ["health"], escalation: { to: "Head of Service (test)" } });
      expect(health).toBeDefined();

      await expect(recordStratDecisions(ctx, chair, s.id, { ...decisions, enquiry: "single" })).rejects.toMatchObject({ field: "singleAgencyReason" });
      await recordStratDecisions(ctx, chair, s.id, decisions);
      await expect(setStratPlan(ctx, chair, s.id, "")).rejects.toMatchObject({ field: "plan" });
      await setStratPlan(ctx, chair, s.id, "Child to stay with grandmother; no unsupervised contact with father.");
      // R-REC: what bromley-2023 requires to close beyond the decisions (reason, mode)
      await setStratRecordFields(ctx, chair, s.id, "reason", { reason: "Bruising reported by the school" });
      await setStratRecordFields(ctx, chair, s.id, "mode", { mode: "teams" });
      for (const [who, agency] of [["PC Lee", "Police"], ["Dr Shah", "Health"], ["SW Amin", "CSC"]]) {
        await addStratAction(ctx, chair, s.id, { ownerName: who!, agency: agency!, what: "Visit", byWhen: new Date("2026-11-27T12:00:00Z"), purpose: "Safety" });
      }
      await expect(addStratAction(ctx, chair, s.id, { ownerName: "X", agency: "", what: "Visit", byWhen: new Date(), purpose: "p" })).rejects.toMatchObject({ field: "agency" });

      // the attending police representative records dissent against a decision
      const d = await recordStratDissent(ctx, policeActor, s.id, { decision: "single-agency medical", reason: "Police want a joint visit" });
      expect(d.result!.agency).toBe(police.agency);
      const refused2 = (await closeStrat(ctx, chair, s.id).catch((e) => e)) as CloseRefused;
      expect(refused2.missing).toEqual([expect.stringMatching(/Dissent d\d+ .* not acknowledged/)]);

      await progressStratDissent(ctx, chair, s.id, d.result!.id, { outcome: "Discussed; not resolved", escalate: true });
      const closed = await closeStrat(ctx, chair, s.id);
      expect(closed.strat.status).toBe("closed");
      expect(closed.result!.recordRule).toBe("T-REC");
      const state = closed.strat.state;
      expect(state.dissents[0]!.stages.map((x) => x.stage)).toEqual(["chair", "senior-managers"]);
      expect(state.actions).toHaveLength(3);

      // the verified record is immutable
      await expect(setStratPlan(ctx, chair, s.id, "A different plan for the child.")).rejects.toMatchObject({ code: "conflict" });
      const trail = (await ctx.strats.auditTrail(s.id)).map((a) => a.action);
      expect(trail).toEqual(expect.arrayContaining(["strat.opened", "invitation.answered", "attendance.recorded", "decisions.recorded", "plan.recorded", "dissent.recorded", "dissent.escalated", "strat.closed"]));
    });

    it("bristol-2024: one attendee per agency unless the chair agrees (4.7): a second police delegate is refused", async () => {
      const s = (await openStrat(ctx, chair, { caseRef: "LCS-BRS", profileId: "bristol-2024", referral, requestId: randomUUID(), conversationId: "c1" })).strat;
      const a = (await addStratInvitee(ctx, chair, s.id, { address: "lighthouse@police.example", name: "Lighthouse Safeguarding Unit", agency: "Police", quorumRole: "police", quorumReason: "bristol-2024 4.2: the safeguarding unit counts as police" })).result!;
      const b = (await addStratInvitee(ctx, chair, s.id, { address: "cid@police.example", name: "CID", agency: "Police", quorumRole: "police", quorumReason: "bristol-2024 4.2: CID counts as police" })).result!;
      const as = (i: typeof a): Actor => ({ id: `mailbox:${i.address}`, name: null, mailbox: i.address! });
      await respondToInvitation(ctx, as(a), s.id, a.id, { kind: "delegate", via: "link", delegate: { name: "DS Khan", role: "Decision maker" } });
      await expect(
        respondToInvitation(ctx, as(b), s.id, b.id, { kind: "delegate", via: "link", delegate: { name: "DC Jones", role: "CID officer" } }),
      ).rejects.toMatchObject({ field: "delegate", userMessage: expect.stringMatching(/one attendee per agency unless the chair agrees \(bristol-2024 4\.7\)/) });
      // the same in Bromley (no such rule) is fine
      const s2 = await open();
      const c = (await addStratInvitee(ctx, chair, s2.id, { address: "x1@police.example", name: "X1", agency: "Police" })).result!;
      const d = (await addStratInvitee(ctx, chair, s2.id, { address: "x2@police.example", name: "X2", agency: "Police" })).result!;
      await respondToInvitation(ctx, as(c), s2.id, c.id, { kind: "accepted", via: "link" });
      await respondToInvitation(ctx, as(d), s2.id, d.id, { kind: "delegate", via: "link", delegate: { name: "DC Jones", role: "CID officer" } });
    });

    it("a configured deputy chair may change the strat; others may not", async () => {
      const deputy: Actor = { id: "aad-deputy", name: "Deputy" };
      const withDeputy = { ...ctx, deputyIds: ["aad-deputy"] };
      const s = (await openStrat(withDeputy, chair, { caseRef: "LCS-10", profileId: "bromley-2023", referral, requestId: randomUUID(), conversationId: "c1" })).strat;
      await setStratPlan(ctx, deputy, s.id, "Deputy records the safety plan.");
      await expect(setStratPlan(ctx, stranger, s.id, "Stranger tries to record a plan.")).rejects.toMatchObject({ code: "forbidden" });
    });

    it("20 invitees answering in the same second: every answer kept, none lost", async () => {
      const s = await open();
      const added = [];
      for (let k = 0; k < 20; k++) {
        added.push((await addStratInvitee(ctx, chair, s.id, { address: `agency${k}@example.org`, name: `Agency ${k}`, agency: `Agency ${k}` })).result!);
      }
      await Promise.all(
        added.map((inv, k) =>
          respondToInvitation(ctx, { id: `mailbox:${inv.address}`, name: null, mailbox: inv.address! }, s.id, inv.id,
            k % 2 ? { kind: "accepted", via: "link" } : { kind: "declined", via: "link", reason: "On leave" }),
        ),
      );
      const st = (await ctx.strats.get(s.id))!.state;
      const answered = st.invitees.filter((i) => i.response);
      expect(answered).toHaveLength(20);
      expect(answered.filter((i) => i.response!.kind === "accepted")).toHaveLength(10);
    });

    it("an invitee's answer arriving after the chair's card was shown does not make that card stale", async () => {
      const s = await open();
      const inv = (await refreshInvitees(ctx, chair, s.id)).result!.find((i) => i.rule === "I-POL")!;
      const cardVersion = (await ctx.strats.get(s.id))!.version;
      await respondToInvitation(ctx, { id: `mailbox:${inv.address}`, name: null, mailbox: inv.address! }, s.id, inv.id, { kind: "accepted", via: "calendar" });
      const out = await setStratPlan(ctx, chair, s.id, "Plan saved from a card shown before the answer.", { expectedVersion: cardVersion });
      const st = out.strat.state;
      expect(st.plan?.text).toMatch(/before the answer/);
      expect(st.invitees.find((i) => i.id === inv.id)!.response?.kind).toBe("accepted");
    });

    it("a stale card version is refused and a redelivered activity is applied once", async () => {
      const s = await open();
      await setStratPlan(ctx, chair, s.id, "First plan for safety.", { expectedVersion: s.version });
      await expect(setStratPlan(ctx, chair, s.id, "Second plan from an old card.", { expectedVersion: s.version })).rejects.toMatchObject({ code: "conflict" });
      const key = `act-${randomUUID()}`;
      const input = { ownerName: "PC Lee", agency: "Police", what: "Visit school", byWhen: new Date("2026-11-27T12:00:00Z"), purpose: "Speak to DSL" };
      const [a, b] = await Promise.all([addStratAction(ctx, chair, s.id, input, { dedupeKey: key }), addStratAction(ctx, chair, s.id, input, { dedupeKey: key })]);
      expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
      expect((await ctx.strats.get(s.id))!.state.actions).toHaveLength(1);
    });
  });
}
