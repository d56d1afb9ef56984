import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../../../src/domain/errors.js";
import { loadProfiles } from "../../../src/infra/profiles/read-profile-files.js";
import { assessQuorum } from "../../../src/domain/protocol/quorum.js";
import {
  addAction, addInvitee, amendRecord, closeChecklist, mayUpdateAction, progressDissent, recordAttendance, recordDecisions, recordDissent, recordResponse,
  removeInvitee, setPlan, updateAction, ZStratState, type AttendanceInput, type DecisionsInput, type InviteeResponse, type StratState,
} from "../../../src/domain/strat/state.js";

/**
 * The strat's transitions (src/domain/strat/state.ts), one table per transition: each refusal is an
 * AppError naming the field to fix and leaves the state it was given unchanged (the transitions are pure).
 */
const AT = new Date("2026-11-23T10:30:00Z");
const DUE = new Date("2026-11-26T17:00:00Z");
const empty = (): StratState => ZStratState.parse({});

/** The AppError a call throws (fails the test when it does not throw one). */
function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error("expected a refusal, but the transition succeeded");
}

/** A state with police (i1), health (i2), CSC (i3) and a school (i4). */
function withInvitees(): StratState {
  let s = empty();
  for (const [address, agency, quorumRole] of [
    ["police@met.example", "Metropolitan Police", "police"], ["health@nhs.example", "Bromley Healthcare", "health"],
    ["csc@council.example", "Children's Social Care", "csc"], ["dsl@school.example", "School", null],
  ] as const) s = addInvitee(s, { address, name: agency, agency, quorumRole, quorumReason: quorumRole && "fills the role in this test" })[1];
  return s;
}

const answer = (kind: InviteeResponse["kind"], at: string, over: Partial<InviteeResponse> = {}): InviteeResponse => ({
  kind, at, via: "link", by: "mailbox:police@met.example", reason: null, delegate: null, report: null, ...over,
});

describe("addInvitee / removeInvitee (Q-1: police and health are the quorum)", () => {
  it("numbers invitees i1, i2…, lower-cases the address and refuses the same address twice (field: address)", () => {
    const s = withInvitees();
    expect(s.invitees.map((i) => i.id)).toEqual(["i1", "i2", "i3", "i4"]);
    const [inv] = addInvitee(s, { address: "  New.Person@Example.ORG ", name: "New", agency: "Early Help" });
    expect(inv).toMatchObject({ id: "i5", address: "new.person@example.org", source: "chair", reason: "Added by the chair" });
    const e = refusal(() => addInvitee(s, { address: "POLICE@met.example", name: "again", agency: "Police" }));
    expect(e).toMatchObject({ code: "invalid_input", field: "address" });
  });

  it.each([
    ["police", "i1", null, "reason"],
    ["police", "i1", "   ", "reason"],
    ["health", "i2", "", "reason"],
  ] as const)("removing the %s invitee without a reason is refused (field: %s → %s)", (_role, id, reason, field) => {
    const s = withInvitees();
    const e = refusal(() => removeInvitee(s, id, "chair", reason, AT));
    expect(e.field).toBe(field);
    expect(e.userMessage).toMatch(/quorum role: give a reason/);
    expect(s.invitees.find((i) => i.id === id)!.removed).toBeNull();
  });

  it("police and health are removed with a reason; CSC and others without one; an unknown or removed invitee is refused (field: invitee)", () => {
    const s = withInvitees();
    const noPolice = removeInvitee(s, "i1", "chair", " Attending by phone ", AT);
    expect(noPolice.invitees[0]!.removed).toEqual({ at: AT.toISOString(), by: "chair", reason: "Attending by phone" });
    expect(removeInvitee(s, "i3", "chair", null, AT).invitees[2]!.removed?.reason).toBe("removed by the chair"); // CSC (the chair's own agency)
    expect(removeInvitee(s, "i4", "chair", null, AT).invitees[3]!.removed?.reason).toBe("removed by the chair");
    expect(refusal(() => removeInvitee(s, "i99", "chair", "x", AT)).field).toBe("invitee");
    expect(refusal(() => removeInvitee(noPolice, "i1", "chair", "again", AT)).field).toBe("invitee");
  });

  it.each([undefined, null, "", "   "])("Q-1: a chair-added invitee given a quorum role without a reason (%j) is refused (field: quorumReason), nothing added", (quorumReason) => {
    const s = withInvitees();
    const e = refusal(() => addInvitee(s, { address: "sarc@nhs.example", name: "SARC nurse", agency: "SARC", quorumRole: "health", quorumReason }));
    expect(e).toMatchObject({ code: "invalid_input", field: "quorumReason" });
    expect(e.userMessage).toMatch(/Reason for the quorum role/);
    expect(s.invitees).toHaveLength(4);
  });

  it("Q-1: a chair-added invitee fills a quorum role only when given one, and keeps the reason", () => {
    const [sarc] = addInvitee(withInvitees(), { address: "sarc@nhs.example", name: "SARC nurse", agency: "SARC", quorumRole: "health", quorumReason: " Forensic examination today " });
    expect(sarc).toMatchObject({ quorumRole: "health", quorumReason: "Forensic examination today", source: "chair" });
    const [plain] = addInvitee(withInvitees(), { address: "hv@nhs.example", name: "Health visitor", agency: "Bromley Healthcare", quorumReason: "ignored" });
    expect(plain).toMatchObject({ quorumRole: null, quorumReason: null });
  });

  it("re-adding a removed address revives it as a new invitee", () => {
    const removed = removeInvitee(withInvitees(), "i4", "chair", null, AT);
    const [inv, s] = addInvitee(removed, { address: "dsl@school.example", name: "DSL", agency: "School" });
    expect(inv.id).toBe("i5");
    expect(s.invitees.filter((i) => i.address === "dsl@school.example").map((i) => i.id)).toEqual(["i5"]);
  });
});

describe("recordResponse: one answer per invitee, the latest wins", () => {
  it.each([
    ["declined", {}, "reason"],
    ["declined", { reason: "  " }, "reason"],
    ["delegate", { delegate: { name: "DC Jones", role: "" } }, "delegate"],
    ["delegate", {}, "delegate"],
    ["report", { report: "" }, "report"],
  ] as const)("%s with %j is refused (field: %s)", (kind, over, field) => {
    const s = withInvitees();
    expect(refusal(() => recordResponse(s, "i1", answer(kind, "2026-11-23T11:00:00Z", over))).field).toBe(field);
    expect(s.invitees[0]!.response).toBeNull();
  });

  it("an unknown or removed invitee is refused as forbidden (field: invitation)", () => {
    const s = removeInvitee(withInvitees(), "i4", "chair", null, AT);
    expect(refusal(() => recordResponse(s, "i99", answer("accepted", "2026-11-23T11:00:00Z")))).toMatchObject({ code: "forbidden", field: "invitation" });
    expect(refusal(() => recordResponse(s, "i4", answer("accepted", "2026-11-23T11:00:00Z")))).toMatchObject({ code: "forbidden", field: "invitation" });
  });

  it("the latest answer wins; an older answer arriving late does not", () => {
    const s0 = withInvitees();
    const s1 = recordResponse(s0, "i1", answer("accepted", "2026-11-23T11:00:00Z"));
    const s2 = recordResponse(s1, "i1", answer("declined", "2026-11-23T12:00:00Z", { reason: "Sickness" }));
    expect(s2.invitees[0]!.response).toMatchObject({ kind: "declined", reason: "Sickness" });
    const late = recordResponse(s2, "i1", answer("tentative", "2026-11-23T11:30:00Z", { via: "calendar" }));
    expect(late.invitees[0]!.response).toEqual(s2.invitees[0]!.response); // the 11:30 answer is older than the 12:00 one: it does not win
    expect(late.invitees[0]!.earlierResponses.map((r) => r.kind)).toEqual(["accepted", "tentative"]); // but it was given: kept, in time order
    const same = recordResponse(s2, "i1", answer("accepted", "2026-11-23T12:00:00Z", { via: "teams" }));
    expect(same.invitees[0]!.response).toMatchObject({ kind: "accepted", via: "teams" }); // same instant: the one that arrives last
  });

  it("a calendar `none` never overwrites a real answer, even a later one; on no answer it is kept", () => {
    const s1 = recordResponse(withInvitees(), "i2", answer("accepted", "2026-11-23T11:00:00Z"));
    expect(recordResponse(s1, "i2", answer("none", "2026-11-24T09:00:00Z", { via: "calendar" }))).toBe(s1);
    const s2 = recordResponse(withInvitees(), "i2", answer("none", "2026-11-23T11:00:00Z", { via: "calendar" }));
    expect(s2.invitees[1]!.response?.kind).toBe("none");
    expect(recordResponse(s2, "i2", answer("accepted", "2026-11-23T12:00:00Z")).invitees[1]!.response?.kind).toBe("accepted");
  });

  it("property: whatever order answers arrive in, the one with the latest instant is kept (none aside)", () => {
    const kinds = ["accepted", "declined", "tentative"] as const;
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 8 }), fc.array(fc.constantFrom(...kinds), { minLength: 8, maxLength: 8 }), (minutes, ks) => {
        let s = withInvitees();
        const answers = minutes.map((m, i) => answer(ks[i]!, new Date(AT.getTime() + m * 60_000).toISOString(), { reason: "r" }));
        for (const a of answers) s = recordResponse(s, "i1", a);
        const latest = answers.reduce((x, y) => (Date.parse(y.at) > Date.parse(x.at) ? y : x));
        expect(s.invitees[0]!.response).toEqual(latest);
      }),
    );
  });
});

describe("recordResponse keeps every answer (issue 11 point 2: a changed answer's content was lost)", () => {
  it("a written report, then accepted: the report stays readable as an earlier answer; the latest is the answer", () => {
    const s1 = recordResponse(withInvitees(), "i1", answer("report", "2026-11-23T11:00:00Z", { report: "CAIT: two previous call-outs, report attached" }));
    const s2 = recordResponse(s1, "i1", answer("accepted", "2026-11-23T12:00:00Z"));
    const inv = s2.invitees[0]!;
    expect(inv.response).toMatchObject({ kind: "accepted", at: "2026-11-23T12:00:00Z" });
    expect(inv.earlierResponses).toEqual([answer("report", "2026-11-23T11:00:00Z", { report: "CAIT: two previous call-outs, report attached" })]);
  });

  it("decline reasons and delegate details are kept in order, oldest first, whatever order they arrive in; none is not an answer", () => {
    const declined = answer("declined", "2026-11-23T11:00:00Z", { reason: "No cover today" });
    const delegate = answer("delegate", "2026-11-23T12:00:00Z", { delegate: { name: "DC Jones", role: "Detective Constable" } });
    const accepted = answer("accepted", "2026-11-23T13:00:00Z", { via: "teams" });
    let s = recordResponse(withInvitees(), "i1", answer("none", "2026-11-23T10:00:00Z", { via: "calendar" }));
    for (const a of [accepted, declined, delegate]) s = recordResponse(s, "i1", a);
    expect(s.invitees[0]!.response).toEqual(accepted);
    expect(s.invitees[0]!.earlierResponses).toEqual([declined, delegate]);
  });

  it("the very same answer delivered twice is kept once", () => {
    const a = answer("declined", "2026-11-23T11:00:00Z", { reason: "No cover today" });
    const s1 = recordResponse(withInvitees(), "i1", a);
    expect(recordResponse(s1, "i1", { ...a })).toBe(s1);
    const s2 = recordResponse(s1, "i1", answer("accepted", "2026-11-23T12:00:00Z"));
    expect(recordResponse(s2, "i1", { ...a })).toBe(s2); // already among the earlier answers
  });

  it("a state saved before earlier answers were kept reads with none", () => {
    const old = JSON.parse(JSON.stringify(withInvitees())) as { invitees: Record<string, unknown>[] };
    for (const i of old.invitees) delete i.earlierResponses;
    expect(ZStratState.parse(old).invitees[0]!.earlierResponses).toEqual([]);
  });
});

describe("recordAttendance (Q-1)", () => {
  const profile = loadProfiles().get("bromley-2023");
  const entries = (attended: Record<"police" | "health" | "csc", boolean>): AttendanceInput["entries"] =>
    (["police", "health", "csc"] as const).map((r, i) => ({ agency: r, quorumRole: r, inviteeIds: [`i${i + 1}`], attended: attended[r], nonAttendanceReason: null }));
  const input = (attended: Record<"police" | "health" | "csc", boolean>, inquorateReason: string | null): AttendanceInput => {
    const e = entries(attended);
    return { entries: e, quorum: assessQuorum(profile, e), inquorateReason, seniorManager: "Head of Service" };
  };

  it.each([
    [{ police: true, health: true, csc: true }, true, []],
    [{ police: true, health: false, csc: true }, false, ["health"]],
    [{ police: false, health: false, csc: true }, false, ["police", "health"]],
    [{ police: true, health: true, csc: false }, false, ["csc"]],
  ] as const)("assessQuorum(%j) → quorate %s, missing %j", (attended, quorate, missing) => {
    expect(assessQuorum(profile, entries(attended))).toEqual({ rule: "Q-1", quorate, missing });
  });

  it("quorate: recorded without a reason or escalation", () => {
    const s = recordAttendance(empty(), input({ police: true, health: true, csc: true }, "ignored"), "chair", AT);
    expect(s.attendance).toMatchObject({ quorate: true, missingRoles: [], inquorateReason: null, escalation: null, by: "chair", recordedAt: AT.toISOString() });
  });

  it.each([null, "", "   "])("inquorate with reason %j is refused, naming the missing roles (field: inquorateReason)", (reason) => {
    const e = refusal(() => recordAttendance(empty(), input({ police: false, health: false, csc: true }, reason), "chair", AT));
    expect(e.field).toBe("inquorateReason");
    expect(e.userMessage).toMatch(/^Inquorate: police and health did not attend/);
  });

  it("inquorate with a reason: kept (trimmed) and escalated to the senior manager", () => {
    const s = recordAttendance(empty(), input({ police: true, health: false, csc: true }, " No cover "), "chair", AT);
    expect(s.attendance).toMatchObject({ quorate: false, missingRoles: ["health"], inquorateReason: "No cover", escalation: { to: "Head of Service", at: AT.toISOString() } });
    const noManager = recordAttendance(empty(), { ...input({ police: true, health: false, csc: true }, "No cover"), seniorManager: null }, "chair", AT);
    expect(noManager.attendance!.escalation!.to).toBe("senior manager (not configured)");
  });
});

describe("recordDecisions (R-*)", () => {
  const base: DecisionsInput = {
    s47: "initiate", enquiry: "joint", singleAgencyReason: null, criminalInvestigation: null, medical: null, abeInterview: null, childSeenAlone: null,
    interpreter: null, otherChildren: null, sharedWithFamily: "yes", withheldReason: null, legal: null, icpc: "yes", lado: "not-applicable",
    followUpStrat: null, noS47Outcome: null, riskAnalysis: null, contributions: [],
  };
  it.each([
    [{ enquiry: null }, "enquiry"],
    [{ enquiry: "single", singleAgencyReason: " " }, "singleAgencyReason"],
    [{ sharedWithFamily: "withheld" }, "withheldReason"],
    [{ s47: "no", enquiry: null, noS47Outcome: null }, "noS47Outcome"],
  ] as const)("%j is refused (field: %s)", (over, field) => {
    expect(refusal(() => recordDecisions(empty(), { ...base, ...over } as DecisionsInput, "chair", AT)).field).toBe(field);
  });
  it.each(["yes", "no"] as const)("T-ICPC: a profile that does not decide an ICPC at the strat (bristol-2024 2.5) refuses icpc %s (field: icpc)", (icpc) => {
    const e = refusal(() => recordDecisions(empty(), { ...base, icpc }, "chair", AT, { icpcAtStrat: false }));
    expect(e.field).toBe("icpc");
    expect(e.message).toMatch(/manager decides after the section 47 enquiry/);
    expect(recordDecisions(empty(), { ...base, icpc: "manager-decides" }, "chair", AT, { icpcAtStrat: false }).decisions!.icpc).toBe("manager-decides");
  });
  it("complete decisions are recorded with who and when", () => {
    expect(recordDecisions(empty(), base, "chair", AT).decisions).toMatchObject({ s47: "initiate", enquiry: "joint", by: "chair", recordedAt: AT.toISOString() });
    expect(recordDecisions(empty(), { ...base, s47: "no", enquiry: null, noS47Outcome: "early-help" }, "chair", AT).decisions!.noS47Outcome).toBe("early-help");
    expect(recordDecisions(empty(), { ...base, enquiry: "single", singleAgencyReason: "Police not needed" }, "chair", AT).decisions!.enquiry).toBe("single");
  });
});

describe("setPlan (R-ISP)", () => {
  it.each(["", "   ", "too short"])("plan %j is refused (field: plan)", (text) => {
    expect(refusal(() => setPlan(empty(), text, "chair", AT)).field).toBe("plan");
  });
  it("a plan of a sentence is saved, trimmed", () => {
    expect(setPlan(empty(), "  Child stays with grandmother.  ", "chair", AT).plan).toEqual({ text: "Child stays with grandmother.", at: AT.toISOString(), by: "chair" });
  });
});

describe("addAction (R-ACT: who, agency, what, by when, purpose)", () => {
  const ok = { ownerName: "PC Lee", agency: "Police", what: "Visit the school", byWhen: new Date("2026-11-27T12:00:00Z"), purpose: "Speak to the DSL" };
  it.each([
    [{ ownerName: "" }, "ownerName", "ownerName"],
    [{ agency: "  " }, "agency", "agency"],
    [{ what: "" }, "what", "what"],
    [{ purpose: "" }, "purpose", "purpose"],
    [{ ownerName: "", agency: "", what: "", purpose: "" }, "ownerName", "ownerName, agency, what, purpose"],
    [{ byWhen: new Date("nonsense") }, "byWhen", null],
  ] as const)("%j is refused (field: %s)", (over, field, listed) => {
    const s = empty();
    const e = refusal(() => addAction(s, { ...ok, ...over }, "chair", AT));
    expect(e.field).toBe(field);
    if (listed) expect(e.userMessage).toContain(`purpose: ${listed} missing`);
    expect(s.actions).toEqual([]);
  });
  it("all four given: a1, a2… trimmed, open", () => {
    const [a1, s1] = addAction(empty(), { ...ok, ownerName: " PC Lee " }, "chair", AT);
    const [a2] = addAction(s1, ok, "chair", AT);
    expect(a1).toMatchObject({ id: "a1", owner: { name: "PC Lee", agency: "Police" }, what: "Visit the school", byWhen: "2026-11-27T12:00:00.000Z", purpose: "Speak to the DSL", status: "open" });
    expect(a2.id).toBe("a2");
  });
  it("updateAction: an open update needs text (field: update); an unknown action is refused (field: action); done needs none", () => {
    const [, s] = addAction(empty(), ok, "chair", AT);
    expect(refusal(() => updateAction(s, "a1", "open", " ", "owner", AT)).field).toBe("update");
    expect(refusal(() => updateAction(s, "a9", "done", "", "owner", AT)).field).toBe("action");
    const done = updateAction(s, "a1", "done", "", "owner", AT);
    expect(done.actions[0]).toMatchObject({ status: "done", updates: [{ text: "done", status: "done", by: "owner" }] });
  });
  it("bristol-2024 4.8: an invitee owner (name, agency, Teams id from the invitee); owner or chair may update; a done action is refused", () => {
    const [inv, s0] = addInvitee(empty(), { name: "Pat Smith", agency: "Early Help", address: null, teamsUserId: "29:pat" });
    const [a, s] = addAction(s0, { ...ok, ownerName: "", agency: "", ownerInviteeId: inv.id }, "chair", AT);
    expect(a).toMatchObject({ owner: { name: "Pat Smith", agency: "Early Help" }, ownerInviteeId: inv.id, ownerTeamsUserId: "29:pat" });
    expect(refusal(() => addAction(s0, { ...ok, ownerInviteeId: "i99" }, "chair", AT)).field).toBe("ownerInviteeId");
    expect(mayUpdateAction(a, { chair: false, teamsIds: ["29:pat"], inviteeId: null })).toBe(true);
    expect(mayUpdateAction(a, { chair: false, teamsIds: [], inviteeId: inv.id })).toBe(true);
    expect(mayUpdateAction(a, { chair: true, teamsIds: [], inviteeId: null })).toBe(true);
    expect(mayUpdateAction(a, { chair: false, teamsIds: ["29:kit"], inviteeId: "i98" })).toBe(false);
    const done = updateAction(s, a.id, "done", "", inv.id, AT, "link");
    expect(done.actions[0]!.updates[0]).toMatchObject({ by: inv.id, via: "link", status: "done" });
    expect(refusal(() => updateAction(done, a.id, "done", "", inv.id, AT)).userMessage).toMatch(/already done/);
  });
});

describe("recordDissent / progressDissent (R-DIS)", () => {
  const ok = { agency: "Police", decision: "Single-agency medical", reason: "Want a joint medical", by: "chair", byName: "Sam" };
  it.each([
    [{ decision: "" }, "decision"],
    [{ reason: " " }, "reason"],
    [{ agency: "" }, "agency"],
  ] as const)("%j is refused (field: %s)", (over, field) => {
    expect(refusal(() => recordDissent(empty(), { ...ok, ...over }, AT)).field).toBe(field);
  });
  it("recorded at the chair stage, unacknowledged; the chair's outcome acknowledges it; escalation adds the senior managers' stage once", () => {
    const [d, s] = recordDissent(empty(), ok, AT);
    expect(d).toMatchObject({ id: "d1", agency: "Police", stages: [{ stage: "chair", outcome: null }], acknowledged: null });
    expect(closeChecklist(s, DUE)).toContain("Dissent d1 from Police is not acknowledged by the chair.");
    expect(refusal(() => progressDissent(s, "d1", { outcome: "", escalate: false }, "chair", AT)).field).toBe("outcome");
    expect(refusal(() => progressDissent(s, "d7", { outcome: "x", escalate: false }, "chair", AT)).field).toBe("dissent");
    const later = new Date(AT.getTime() + 3600_000);
    const up = progressDissent(s, "d1", { outcome: "Not agreed", escalate: true }, "chair", later);
    expect(up.dissents[0]!.stages.map((x) => [x.stage, x.outcome])).toEqual([["chair", "Not agreed"], ["senior-managers", null]]);
    expect(up.dissents[0]!.acknowledged).toEqual({ at: later.toISOString(), by: "chair" });
    expect(refusal(() => progressDissent(up, "d1", { outcome: "Still not agreed", escalate: true }, "chair", later)).field).toBe("escalate");
    const settled = progressDissent(up, "d1", { outcome: "Agreed joint medical", escalate: false }, "hos", later);
    expect(settled.dissents[0]!.stages[1]).toMatchObject({ outcome: "Agreed joint medical", by: "hos" });
    expect(settled.dissents[0]!.acknowledged!.by).toBe("chair"); // the first acknowledgement stays
  });
});

describe("closeChecklist: what stops a close", () => {
  const complete = (): StratState => {
    let s = recordAttendance(empty(), {
      entries: [], quorum: { quorate: true, missing: [] }, inquorateReason: null, seniorManager: null,
    }, "chair", AT);
    s = recordDecisions(s, {
      s47: "no", enquiry: null, singleAgencyReason: null, criminalInvestigation: null, medical: null, abeInterview: null, childSeenAlone: null, interpreter: null,
      otherChildren: null, sharedWithFamily: "yes", withheldReason: null, legal: null, icpc: null, lado: null, followUpStrat: null, noS47Outcome: "s17-assessment",
      riskAnalysis: "Low risk while the child stays with the grandmother.", contributions: [],
    }, "chair", AT);
    return setPlan(s, "Child stays at home with a safety plan.", "chair", AT);
  };

  it("an empty strat lists attendance, decisions and plan", () => {
    expect(closeChecklist(empty(), DUE)).toEqual([
      "Attendance is not recorded (type attendance).",
      "The section 47 decision is not recorded (type decide).",
      "The interim safety plan is not recorded (type plan).",
    ]);
  });

  it("a complete strat is ready (empty list)", () => {
    expect(closeChecklist(complete(), DUE)).toEqual([]);
  });

  it("each gap is named: inquorate without reason (Q-1), an incomplete action (R-ACT), unacknowledged dissent (R-DIS), a late meeting without rationale", () => {
    const s = complete();
    const inquorate = { ...s, attendance: { ...s.attendance!, quorate: false, missingRoles: ["health" as const], inquorateReason: null, escalation: null } };
    expect(closeChecklist(inquorate, DUE)).toEqual(["Inquorate without a recorded reason for non-attendance."]);
    const badAction = { ...s, actions: [{ ...addAction(s, { ownerName: "A", agency: "B", what: "C", purpose: "D", byWhen: DUE }, "chair", AT)[0], purpose: " " }] };
    expect(closeChecklist(badAction, DUE)).toEqual(["Action a1 lacks who, what, by when or purpose."]);
    const [, dissent] = recordDissent(s, { agency: "Health", decision: "x", reason: "y", by: "chair", byName: null }, AT);
    expect(closeChecklist(dissent, DUE)).toEqual(["Dissent d1 from Health is not acknowledged by the chair."]);
    const late = { ...s, meeting: { start: "2026-11-27T10:00:00.000Z", end: "2026-11-27T11:00:00.000Z", joinUrl: null, lateRationale: null, convenedAt: null } };
    expect(closeChecklist(late, DUE)).toEqual(["The meeting was held after the due time: record the rationale (type schedule)."]);
    expect(closeChecklist({ ...late, meeting: { ...late.meeting, lateRationale: "Police unavailable" } }, DUE)).toEqual([]);
    const onTime = { ...s, meeting: { start: DUE.toISOString(), end: "2026-11-26T18:00:00.000Z", joinUrl: null, lateRationale: null, convenedAt: null } };
    expect(closeChecklist(onTime, DUE)).toEqual([]); // starting at the due instant is not late
  });
});

describe("amendRecord: only after closure", () => {
  const closed = (): StratState => ({ ...empty(), closure: { verifiedAt: AT.toISOString(), by: "chair" } });
  it("an open strat is refused (field: status)", () => {
    expect(refusal(() => amendRecord(empty(), { section: "plan", text: "x", why: "y" }, "chair", AT)).field).toBe("status");
  });
  it.each([
    [{ section: "referral" }, "section"],
    [{ text: " " }, "text"],
    [{ why: "" }, "why"],
  ] as const)("%j is refused (field: %s)", (over, field) => {
    expect(refusal(() => amendRecord(closed(), { section: "plan", text: "Placed with aunt", why: "Change of circumstances", ...over }, "chair", AT)).field).toBe(field);
  });
  it("an amendment is appended with who, when and why; the original sections stay", () => {
    const s = amendRecord(closed(), { section: "plan", text: " Placed with aunt ", why: " Change " }, "chair", AT);
    const s2 = amendRecord(s, { section: "other", text: "Second", why: "Typo" }, "deputy", AT);
    expect(s2.amendments).toEqual([
      { at: AT.toISOString(), by: "chair", why: "Change", section: "plan", text: "Placed with aunt" },
      { at: AT.toISOString(), by: "deputy", why: "Typo", section: "other", text: "Second" },
    ]);
    expect(s2.plan).toBeNull();
  });
});
