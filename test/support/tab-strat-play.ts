/**
 * One strat played to close through the use cases for the managers' tab's strat view (issue 15 point 4): invitations,
 * answers, meeting, attendance (Q-1, inquorate), decisions, plan, record fields (R-REC), an action with progress (overdue
 * at the end), dissent escalated (R-DIS), verification (T-REC), distribution by mail, an amendment. Each step at its own
 * time; the clock ends at 2026-11-26T09:00:00Z. Used by test/integration/tab-strat.test.ts and test/e2e/tab-strat.test.ts.
 */
import { progressAction } from "../../src/app/action-progress.js";
import type { Actor } from "../../src/app/context.js";
import { openStrat } from "../../src/app/open-strat.js";
import { respondToInvitation } from "../../src/app/respond-to-invitation.js";
import { sendInvitations } from "../../src/app/send-invitations.js";
import {
  addStratAction, addStratInvitee, amendClosedStrat, closeStrat, progressStratDissent, recordStratAttendance, recordStratDecisions,
  recordStratDissent, setStratMeeting, setStratPlan, setStratRecordFields,
} from "../../src/app/strat-commands.js";
import { recordRules } from "../../src/domain/protocol/index.js";
import { missingRecordFields, type Invitee } from "../../src/domain/strat/state.js";
import type { testClock } from "./app-context.js";
import type { Harness } from "./harness.js";

type TestClock = ReturnType<typeof testClock>;

export const CHAIR: Actor = { id: "chair-tab-a", name: "Alex Chair" };
export const OTHER: Actor = { id: "chair-tab-b", name: "Bo Chair" };
export const CASE = "LCS-TAB-0001";
const AGENCIES = [
  { agency: "Police", quorumRole: "police", address: "police.mash@police.test.invalid" },
  { agency: "Health", quorumRole: "health", address: "safeguarding@nhs.test.invalid" },
  { agency: "Children's Social Care", quorumRole: "csc", address: "sw@council.test.invalid" },
  { agency: "Education", quorumRole: null, address: "dsl@school.test.invalid" },
] as const;
export const referral = (receivedAt: string) => ({
  receivedAt, concerns: ["standard"],
  children: [{ ref: "C1", dob: "2015-03-01", inHospital: false, inPatient: false, lookedAfter: false, cpPlan: false, school: null }],
  unborn: false, medicalImplications: false, parentalMentalHealth: false, maternalMentalHealth: false, substanceMisuse: false, camhsInvolved: false,
  knownProfessionals: [], referrer: null, missing: null,
});

/** The strat played to close and amended, each step at its own time. */
export async function playTabStrat(h: Harness, clock: TestClock): Promise<string> {
  const ctx = h.app.ctx;
  const at = (iso: string) => clock.set(iso);
  const opened = await openStrat(ctx, CHAIR, { caseRef: CASE, profileId: "bromley-2023", referral: referral("2026-11-23T09:00:00Z"), requestId: "req-tab-strat-1", conversationId: null });
  const id = opened.strat.id;
  at("2026-11-23T09:15:00Z");
  const invitees: Invitee[] = [];
  for (const a of AGENCIES) {
    invitees.push((await addStratInvitee(ctx, CHAIR, id, {
      address: a.address, name: `${a.agency} representative`, agency: a.agency, role: "Safeguarding lead", quorumRole: a.quorumRole, quorumReason: a.quorumRole && "the role",
    })).result!);
  }
  at("2026-11-23T09:20:00Z");
  await sendInvitations(ctx, CHAIR, id, { card: () => ({ type: "AdaptiveCard", version: "1.5" }), conversationId: "conv-tab-strat", showHere: async () => {} });
  const answer = async (n: number, iso: string, a: Parameters<typeof respondToInvitation>[4]) => {
    at(iso);
    const who = invitees[n]!;
    await respondToInvitation(ctx, { id: who.address!, name: null, mailbox: who.address! }, id, who.id, a);
  };
  await answer(0, "2026-11-23T09:30:00Z", { kind: "accepted", via: "link" });
  await answer(1, "2026-11-23T09:40:00Z", { kind: "declined", via: "link", reason: "Clinic all day" });
  await answer(3, "2026-11-23T09:50:00Z", { kind: "report", via: "link", report: "No concerns in class" });
  at("2026-11-23T10:00:00Z");
  await setStratMeeting(ctx, CHAIR, id, { start: new Date("2026-11-23T12:00:00Z"), end: new Date("2026-11-23T13:00:00Z"), lateRationale: null });
  at("2026-11-23T13:05:00Z");
  await recordStratAttendance(ctx, CHAIR, id, {
    attendedInviteeIds: [invitees[0]!.id, invitees[2]!.id], inquorateReason: "Health could not attend at short notice", nonAttendance: { [invitees[1]!.id]: "Clinic all day" },
  });
  await recordStratDecisions(ctx, CHAIR, id, {
    s47: "initiate", enquiry: "joint", singleAgencyReason: null, criminalInvestigation: "Police to investigate", medical: null, abeInterview: null,
    childSeenAlone: "Within two working days", interpreter: null, otherChildren: null, sharedWithFamily: "partly", withheldReason: null, legal: null,
    icpc: "yes", lado: "not-applicable", followUpStrat: null, noS47Outcome: null, riskAnalysis: "Risk of significant harm",
    contributions: [{ agency: "Police", summary: "Previous call-outs" }],
  });
  await setStratPlan(ctx, CHAIR, id, "The child stays with a safe adult until the assessment.");
  const s = (await ctx.strats.get(id))!;
  const rules = recordRules(ctx.profiles.get(s.profileId), s.referral);
  const sections = new Set(["reason", "mode", ...missingRecordFields(s.state, rules).map((f) => f.section)]);
  for (const section of sections) {
    const fields = rules.fields.filter((f) => f.section === section && (f.requiredToClose || f.id === "reason" || f.id === "mode"));
    const value = (f: (typeof fields)[number]) => (f.id === "mode" ? "teams" : f.kind === "choice" ? f.options?.[0]?.value ?? "" : f.kind === "yesno" ? "no" : f.kind === "date" ? "2026-11-23" : "Recorded at the meeting.");
    if (fields.length) await setStratRecordFields(ctx, CHAIR, id, section, Object.fromEntries(fields.map((f) => [f.id, value(f)])));
  }
  const action = (await addStratAction(ctx, CHAIR, id, {
    ownerName: "Social worker", agency: "Children's Social Care", what: "Visit the child", byWhen: new Date("2026-11-24T17:00:00Z"), purpose: "Assess safety",
  })).result!;
  await progressAction(ctx, CHAIR, id, action.id, { status: "open", text: "Visit booked", via: "teams" });
  const d = (await recordStratDissent(ctx, CHAIR, id, { agency: "Police", decision: "joint enquiry", reason: "Police consider single-agency enough" })).result!;
  await progressStratDissent(ctx, CHAIR, id, d.id, { outcome: "Not resolved", escalate: true });
  at("2026-11-23T13:30:00Z");
  await closeStrat(ctx, CHAIR, id);
  await h.app.jobs.drain();
  at("2026-11-23T15:30:00Z");
  await amendClosedStrat(ctx, CHAIR, id, { section: "plan", text: "The safe adult's address was confirmed.", why: "The address was missing" });
  await h.app.jobs.drain();
  at("2026-11-26T09:00:00Z"); // the action is now overdue
  return opened.strat.ref;
}

