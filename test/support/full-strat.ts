/**
 * A full strat for the record's tests and bench (issue 13 point 1), built through the pure transitions of
 * src/domain/strat/state.ts: invitees who answered (accepted, delegate, written report, declined with a reason),
 * attendance (inquorate: health absent), decisions with contributions and risk analysis, the interim safety plan,
 * actions with updates, dissent escalated to senior managers, verification with T-REC, and one amendment.
 */
import { parseReferral } from "../../src/domain/protocol/referral.js";
import {
  addAction, addInvitee, amendRecord, initialState, progressDissent, recordAttendance, recordDecisions, recordDissent, recordResponse, setMeeting,
  setPlan, updateAction, verifyRecord, type StratState,
} from "../../src/domain/strat/state.js";
import type { Strat } from "../../src/domain/strat/strat.js";

export const FULL_AT = new Date("2026-11-23T10:30:00Z");
const DUE = new Date("2026-11-26T17:00:00Z");
const min = (n: number) => new Date(FULL_AT.getTime() + n * 60_000);

export interface FullStratSize { children: number; invitees: number; actions: number }

export function fullStrat(size: FullStratSize = { children: 2, invitees: 5, actions: 3 }): Strat {
  let s: StratState = initialState();
  const roles = ["police", "health", "csc"] as const;
  for (let n = 0; n < size.invitees; n++) {
    const quorumRole = roles[n] ?? null;
    s = addInvitee(s, {
      address: `person${n + 1}@agency${n + 1}.example`, name: `Professional ${n + 1}`, agency: `Agency ${n + 1}`, role: "Practitioner",
      quorumRole, quorumReason: quorumRole && "fills the role for the test",
    })[1];
  }
  const ids = s.invitees.map((i) => i.id);
  const base = { at: min(1).toISOString(), via: "link" as const, by: "mailbox", reason: null, delegate: null, report: null };
  s = recordResponse(s, ids[0]!, { ...base, kind: "accepted" });
  s = recordResponse(s, ids[1]!, { ...base, kind: "declined", reason: "Clinic all day" });
  if (ids[2]) s = recordResponse(s, ids[2], { ...base, kind: "delegate", delegate: { name: "Deputy Person", role: "Senior practitioner" } });
  if (ids[3]) s = recordResponse(s, ids[3], { ...base, kind: "report", report: "Attendance 92%, no concerns in class" });
  s = setMeeting(s, { start: min(60), end: min(120), lateRationale: null }, { at: DUE, rule: "T-STD" }, FULL_AT);
  s = recordAttendance(s, {
    entries: s.invitees.map((i, n) => ({
      agency: i.agency, quorumRole: i.quorumRole, inviteeIds: [i.id], attended: n !== 1, nonAttendanceReason: n === 1 ? "Clinic all day" : null,
    })),
    quorum: { quorate: false, missing: ["health"] }, inquorateReason: "Health could not attend at short notice", seniorManager: "Service Manager",
  }, "chair", min(125));
  s = recordDecisions(s, {
    s47: "initiate", enquiry: "single", singleAgencyReason: "Police have no role", criminalInvestigation: null, medical: "Paediatric assessment today",
    abeInterview: null, childSeenAlone: "Tomorrow at school", interpreter: "Polish", otherChildren: "Siblings seen", sharedWithFamily: "withheld",
    withheldReason: "Would place the child at risk", legal: null, icpc: "yes", lado: "not-applicable", followUpStrat: "In 10 working days", noS47Outcome: null,
    riskAnalysis: "Risk of significant harm from the injury pattern",
    contributions: [{ agency: "Agency 1", summary: "Known to police for DV" }, { agency: "Agency 4", summary: "School saw bruising" }],
  }, "chair", min(130));
  s = setPlan(s, "The child stays with the grandmother until the assessment.", "chair", min(131));
  for (let n = 0; n < size.actions; n++) {
    s = addAction(s, {
      ownerName: `Owner ${n + 1}`, agency: `Agency ${(n % size.invitees) + 1}`, what: `Action number ${n + 1}, "quoted", done carefully`,
      byWhen: min(2000 + n), purpose: `Purpose ${n + 1}`,
    }, "chair", min(132))[1];
  }
  if (s.actions[0]) s = updateAction(s, s.actions[0].id, "open", "Visit booked", "chair", min(140));
  const [d, s2] = recordDissent(s, { agency: "Agency 1", decision: "single-agency enquiry", reason: "Police wish to investigate", by: "u1", byName: "P1" }, min(135));
  s = progressDissent(s2, d.id, { outcome: "Not resolved", escalate: true }, "chair", min(136));
  s = verifyRecord(s, DUE, "chair", min(150), { due: new Date("2026-11-24T12:00:00Z"), rule: "T-REC" });
  s = amendRecord(s, { section: "plan", text: "Grandmother's address confirmed", why: "Address was missing" }, "chair", min(200));
  const children = Array.from({ length: size.children }, (_, n) => ({ ref: `C-${1000 + n}`, dob: `201${n % 10}-0${(n % 9) + 1}-15` }));
  return {
    id: "strat-1", ref: "SD-2026-0042", caseRef: "CASE-777", profileId: "bromley-2023", status: "closed", version: 14,
    referral: parseReferral({ receivedAt: "2026-11-23T09:00:00Z", concerns: ["serious-harm"], children }),
    state: s, dueAt: DUE, dueRule: "T-STD", targetAt: null, applied: [], chairId: "chair", chairName: "Chair Person", conversationId: null,
    createdAt: FULL_AT, updatedAt: min(200), closedAt: min(150),
  };
}
