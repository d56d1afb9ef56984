import { describe, expect, it } from "vitest";
import { followOnDeadlines, followUpStratAt } from "../../../src/domain/strat/follow-ons.js";
import { ZStratState, type DecisionsInput } from "../../../src/domain/strat/state.js";
import { loadProfiles } from "../../../src/infra/profiles/read-profile-files.js";

const reg = loadProfiles();
const iso = (d: Date) => d.toISOString();

function strat(d: Partial<DecisionsInput>, recordedAt: string, meetingStart: string | null = null, receivedAt = "2026-12-22T09:00:00Z") {
  const decisions = {
    s47: "initiate", enquiry: "joint", singleAgencyReason: null, criminalInvestigation: null, medical: null, abeInterview: null,
    childSeenAlone: null, interpreter: null, otherChildren: null, sharedWithFamily: "yes", withheldReason: null, legal: null,
    icpc: null, lado: null, followUpStrat: null, noS47Outcome: null, riskAnalysis: "r", contributions: [], ...d, recordedAt, by: "chair",
  };
  const meeting = meetingStart ? { start: meetingStart, end: meetingStart, joinUrl: null, lateRationale: null } : null;
  return { referral: { receivedAt: new Date(receivedAt) }, state: ZStratState.parse({ decisions, meeting }) };
}
const rows = (profile: string, s: ReturnType<typeof strat>) => followOnDeadlines(reg.get(profile), s).map((f) => [f.key, iso(f.due), f.owner]);

// Christmas 2026: Fri 25 Dec and Mon 28 Dec (Boxing Day substitute) are bank holidays (profile calendars).
describe("follow-on deadlines from the decisions (issue 13 point 5)", () => {
  it("T-ICPC bromley-2023 §2: QI referral within 24 hours and ICPC within 15 working days of the decision, across Christmas", () => {
    const r = rows("bromley-2023", strat({ icpc: "yes", s47: "continue" }, "2026-12-24T10:00:00Z"));
    expect(r).toEqual([
      ["T-ICPC:qi-referral", "2026-12-25T10:00:00.000Z", "chair"],
      ["T-ICPC:conference", "2027-01-19T17:00:00.000Z", "chair"],
    ]);
  });
  it("T-ICPC bedford Outcomes: conference within 15 working days of the strat that decided the s47; T-S47 45 working days from receivedAt", () => {
    const r = rows("bedford", strat({ icpc: "yes" }, "2026-12-24T10:00:00Z", null, "2026-06-01T12:00:00Z"));
    expect(r).toEqual([
      ["T-S47:assessment", "2026-08-03T16:00:00.000Z", "chair"],
      ["T-ICPC:conference", "2027-01-19T17:00:00.000Z", "chair"],
    ]);
  });
  it("bristol-2024 2.3: child seen within two working days of the strat (T-SEE); 2.5: no ICPC at the strat", () => {
    const r = rows("bristol-2024", strat({ icpc: "manager-decides" }, "2027-03-25T13:00:00Z", "2027-03-25T12:00:00Z"));
    expect(r).toEqual([["T-SEE:child-seen", "2027-03-31T16:00:00.000Z", "chair"]]);
  });
  it("no s47 and no ICPC: nothing follows; no decisions: nothing", () => {
    expect(rows("bromley-2023", strat({ s47: "no", icpc: "no" }, "2026-12-24T10:00:00Z"))).toEqual([]);
    expect(followOnDeadlines(reg.get("bromley-2023"), { referral: { receivedAt: new Date() }, state: ZStratState.parse({}) })).toEqual([]);
  });
  it("a follow-up strat date set at the meeting is a deadline of its own; old free text stays text", () => {
    const r = rows("bristol-2024", strat({ s47: "no", followUpStrat: "2027-01-05T10:00:00Z" }, "2026-12-24T10:00:00Z"));
    expect(r).toEqual([["FOLLOW-UP", "2027-01-05T10:00:00.000Z", "chair"]]);
    expect(followUpStratAt("in two weeks with the school")).toBeNull();
  });
});
