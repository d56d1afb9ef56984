import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { actionsCsv } from "../../../src/domain/record/actions-csv.js";
import { assembleRecord, canonicalJson, recordJson, RECORD_SCHEMA_VERSION, ZStratRecord } from "../../../src/domain/record/record.js";
import { fullStrat } from "../../support/full-strat.js";
import type { RecordField } from "../../../src/domain/protocol/profile-schema.js";

/** Issue 13 point 1: the record (DOMAIN.md §5, R-*) assembled from a full strat, field by field. */
const PROFILE = { id: "bromley-2023", title: "Bromley 2023" };

describe("assembleRecord (R-*)", () => {
  const strat = fullStrat();
  const r = assembleRecord(strat, PROFILE);

  it("identifies the strat, case, profile, version (1 + amendments) and schema version", () => {
    expect(r).toMatchObject({ recordSchemaVersion: RECORD_SCHEMA_VERSION, stratRef: "SD-2026-0042", caseRef: "CASE-777", profile: PROFILE, version: 2, status: "closed" });
    expect(r.reason).toEqual({ concerns: ["serious-harm"], receivedAt: "2026-11-23T09:00:00.000Z", due: "2026-11-26T17:00:00.000Z", dueRule: "T-STD" });
  });

  it("holds the children by reference only: no date of birth anywhere in the record", () => {
    expect(r.children).toEqual([{ ref: "C-1000", lookedAfter: false, cpPlan: false }, { ref: "C-1001", lookedAfter: false, cpPlan: false }]);
    const json = recordJson(r);
    for (const c of strat.referral.children) expect(json).not.toContain(c.dob);
    expect(json).not.toContain("dob");
  });

  it("invited per agency with response, delegate, written report and reason (R-*)", () => {
    expect(r.invited.map((i) => [i.agency, i.quorumRole, i.response?.kind])).toEqual([
      ["Agency 1", "police", "accepted"], ["Agency 2", "health", "declined"], ["Agency 3", "csc", "delegate"], ["Agency 4", null, "report"], ["Agency 5", null, undefined],
    ]);
    expect(r.invited[1]!.response!.reason).toBe("Clinic all day");
    expect(r.invited[2]!.response!.delegate).toEqual({ name: "Deputy Person", role: "Senior practitioner" });
    expect(r.invited[3]!.response!.report).toBe("Attendance 92%, no concerns in class");
  });

  it("attended per agency with non-attendance reason, and the quorum (Q-1)", () => {
    expect(r.attended[1]).toEqual({ agency: "Agency 2", quorumRole: "health", attended: false, nonAttendanceReason: "Clinic all day" });
    expect(r.attended.filter((a) => a.attended)).toHaveLength(4);
    expect(r.quorum).toEqual({ quorate: false, missingRoles: ["health"], inquorateReason: "Health could not attend at short notice", escalatedTo: "Service Manager" });
  });

  it("meeting mode, contributions, analysis of risk and every decision", () => {
    expect(r.meeting).toMatchObject({ mode: "not-recorded", lateRationale: null });
    expect(r.contributions).toEqual([{ agency: "Agency 1", summary: "Known to police for DV" }, { agency: "Agency 4", summary: "School saw bruising" }]);
    expect(r.riskAnalysis).toBe("Risk of significant harm from the injury pattern");
    expect(r.decisions).toMatchObject({
      s47: "initiate", enquiry: "single", singleAgencyReason: "Police have no role", medical: "Paediatric assessment today", childSeenAlone: "Tomorrow at school",
      interpreter: "Polish", otherChildren: "Siblings seen", sharedWithFamily: "withheld", withheldReason: "Would place the child at risk", icpc: "yes",
      lado: "not-applicable", followUpStrat: "In 10 working days", noS47Outcome: null,
    });
  });

  it("interim safety plan (R-ISP), actions with who/agency/what/by when/purpose/status/updates (R-ACT), dissent with stages (R-DIS)", () => {
    expect(r.interimSafetyPlan?.text).toBe("The child stays with the grandmother until the assessment.");
    expect(r.actions).toHaveLength(3);
    expect(r.actions[0]).toMatchObject({ id: "a6", owner: "Owner 1", agency: "Agency 1", purpose: "Purpose 1", status: "open", byWhen: "2026-11-24T19:50:00.000Z" });
    expect(r.actions[0]!.updates).toEqual([{ at: "2026-11-23T12:50:00.000Z", text: "Visit booked", status: "open" }]);
    expect(r.dissent[0]).toMatchObject({ agency: "Agency 1", decision: "single-agency enquiry", reason: "Police wish to investigate" });
    expect(r.dissent[0]!.stages.map((st) => [st.stage, st.outcome])).toEqual([["chair", "Not resolved"], ["senior-managers", null]]);
  });

  it("chair verification time, record due with its rule (T-REC), amendments as versions", () => {
    expect(r.verifiedAt).toBe("2026-11-23T13:00:00.000Z");
    expect(r.recordDue).toEqual({ at: "2026-11-24T12:00:00.000Z", rule: "T-REC" });
    expect(r.amendments).toEqual([{ version: 2, at: "2026-11-23T13:50:00.000Z", by: "chair", why: "Address was missing", section: "plan", text: "Grandmother's address confirmed" }]);
    expect(r.profileFields).toEqual([]);
  });

  it("the profile's own record fields (R-REC), in the profile's order, a choice as its title; the mode recorded is the meeting's mode", () => {
    const fields: RecordField[] = [
      { id: "reason", label: "Reason for the strategy discussion", section: "reason", kind: "text", requiredToClose: true, when: "always", rule: "R-REC", source: "s" },
      { id: "mode", label: "How it is held", section: "mode", kind: "choice", options: [{ value: "teams", title: "Teams meeting" }, { value: "separate-calls", title: "Separate calls with each agency" }], requiredToClose: true, when: "always", rule: "R-REC", source: "s" },
      { id: "contingency", label: "Contingency plan", section: "outcomes", kind: "text", requiredToClose: false, when: "always", rule: "R-REC", source: "s" },
    ];
    const at = "2026-11-23T12:00:00.000Z";
    const withFields = { ...strat, state: { ...strat.state, recordFields: { mode: { value: "separate-calls", at, by: "chair" }, reason: { value: " Bruising seen at school ", at, by: "chair" } } } };
    const rec = assembleRecord(withFields, { ...PROFILE, record: fields });
    expect(rec.profileFields).toEqual([
      { id: "reason", label: "Reason for the strategy discussion", section: "reason", sectionTitle: "Reason for the strategy discussion", value: "Bruising seen at school", recordedAt: at },
      { id: "mode", label: "How it is held", section: "mode", sectionTitle: "How the discussion is held", value: "Separate calls with each agency", recordedAt: at },
    ]);
    expect(rec.meeting?.mode).toBe("separate-calls");
    expect(rec.contentHash).not.toBe(r.contentHash);
  });

  it("carries the SHA-256 of its canonical JSON (sorted keys, without the hash); any change changes it", () => {
    const { contentHash, ...rest } = r;
    expect(contentHash).toBe(createHash("sha256").update(canonicalJson(rest)).digest("hex"));
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 0 }] } })).toBe('{"a":{"c":[3,{"e":0,"f":1}],"d":2},"b":1}');
    expect(assembleRecord(strat, PROFILE).contentHash).toBe(contentHash);
    expect(assembleRecord({ ...strat, caseRef: "CASE-778" }, PROFILE).contentHash).not.toBe(contentHash);
    expect(ZStratRecord.parse(JSON.parse(recordJson(r)))).toEqual(r);
  });
});

describe("actionsCsv (RFC 4180)", () => {
  const csv = actionsCsv(assembleRecord(fullStrat(), PROFILE));

  it("has the import columns, CRLF line ends, quotes doubled and fields with commas quoted", () => {
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe("strat ref,case ref,action id,owner,agency,what,by when,purpose,status,last update");
    expect(lines[1]).toBe('SD-2026-0042,CASE-777,a6,Owner 1,Agency 1,"Action number 1, ""quoted"", done carefully",2026-11-24T19:50:00.000Z,Purpose 1,open,Visit booked');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe("");
  });

  it("quotes line breaks and defuses spreadsheet formulas", () => {
    const r = assembleRecord(fullStrat(), PROFILE);
    const odd = { ...r, actions: [{ ...r.actions[0]!, what: "line one\nline two", purpose: "=HYPERLINK(1)" }] };
    expect(actionsCsv(odd).split("\r\n")[1]).toContain(`"line one\nline two",2026-11-24T19:50:00.000Z,'=HYPERLINK(1)`);
  });
});

/** Issue 13 point 6: a verified version never changes, whatever happens to the strat's open actions afterwards. */
describe("a verified version of the record never changes", () => {
  const base = fullStrat();
  const asOf = (base.state.amendments.at(-1)?.at ?? base.state.closure!.verifiedAt)!;
  const later = new Date(new Date(asOf).getTime() + 3_600_000).toISOString();
  const before = assembleRecord(base, PROFILE);
  // The action's owner marks it done after the record was verified (an action stays open until done: R-ACT).
  const updated = {
    ...base,
    state: {
      ...base.state,
      actions: base.state.actions.map((a, i) => (i === 0 ? { ...a, status: "done" as const, updates: [...a.updates, { at: later, by: "owner", text: "done", status: "done" as const, via: "link" as const }] } : a)),
    },
  };
  const after = assembleRecord(updated, PROFILE);

  it("an action updated after verification leaves the verified record (and its hash) as it was", () => {
    expect(after.contentHash).toBe(before.contentHash);
    expect(after.actions[0]!.status).toBe("open");
    expect(after.actions[0]!.updates.map((u) => u.at)).not.toContain(later);
  });

  it("an amendment after the update is a new version that shows the action as it is then", () => {
    const amended = { ...updated, state: { ...updated.state, amendments: [...updated.state.amendments, { at: new Date(new Date(later).getTime() + 60_000).toISOString(), by: "chair", why: "Action done", section: "plan", text: "Plan as before" }] } };
    const v = assembleRecord(amended as typeof updated, PROFILE);
    expect(v.version).toBe(before.version + 1);
    expect(v.actions[0]!.status).toBe("done");
    expect(v.actions[0]!.updates.map((u) => u.at)).toContain(later);
  });
});
