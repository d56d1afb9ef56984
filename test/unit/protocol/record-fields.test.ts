import { describe, expect, it } from "vitest";
import { loadProfiles } from "../../../src/infra/profiles/read-profile-files.js";
import { buildProfiles, recordRules } from "../../../src/domain/protocol/index.js";
import { AppError } from "../../../src/domain/errors.js";
import {
  closeChecklist, recordAttendance, recordDecisions, setPlan, setRecordFields, ZStratState, type DecisionsInput, type StratState,
} from "../../../src/domain/strat/state.js";

/**
 * Issue 12 point 6 (R-REC, DOMAIN.md §5): the record's fields each profile asks, which it requires to close, and the
 * transition that saves a section of them (checked against the profile's definition, the field named when refused).
 */
const reg = loadProfiles();
const AT = new Date("2026-11-23T10:30:00Z");
const DUE = new Date("2026-11-26T17:00:00Z");
const required = (id: string) => reg.get(id, { includeHistory: true }).record.filter((f) => f.requiredToClose).map((f) => f.id);
const rules = (id: string, concerns: string[] = ["standard"]) => recordRules(reg.get(id), { concerns: concerns as never });

const decisions = (over: Partial<DecisionsInput> = {}): DecisionsInput => ({
  s47: "initiate", enquiry: "joint", singleAgencyReason: null, criminalInvestigation: null, medical: null, abeInterview: null, childSeenAlone: null,
  interpreter: null, otherChildren: null, sharedWithFamily: "yes", withheldReason: null, legal: null, icpc: null, lado: null, followUpStrat: null,
  noS47Outcome: null, riskAnalysis: "Risk is high until the child is seen.", contributions: [], ...over,
});
const ready = (over: Partial<DecisionsInput> = {}): StratState => {
  let s = recordAttendance(ZStratState.parse({}), { entries: [], quorum: { quorate: true, missing: [] }, inquorateReason: null, seniorManager: null }, "chair", AT);
  s = recordDecisions(s, decisions(over), "chair", AT);
  return setPlan(s, "The child stays with the grandmother tonight.", "chair", AT);
};
const refusal = (fn: () => unknown): AppError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error("expected a refusal");
};

describe("the record's fields by profile (R-REC)", () => {
  it("each profile says which fields it requires to close; Bedford's risk prompts and Bristol's complex checklist are theirs only", () => {
    // Issue 14 point 6: bromley-2023 merges bromley-missing-2020, whose missing section (when: missing) adds two.
    expect(required("bromley-2023")).toEqual(["reason", "mode", "modeRationale", "missingSummary", "nationalDeskConsulted"]);
    expect(required("bromley-2017")).toEqual(["reason", "mode", "modeRationale", "missingSummary", "nationalDeskConsulted"]);
    expect(required("bedford")).toEqual(["reason", "mode", "modeRationale", "maracMappa"]);
    expect(required("bristol-2024")).toEqual(["reason", "mode", "modeRationale", "disruptionPlan"]);
    const sections = (id: string) => new Set(reg.get(id).record.map((f) => f.section));
    expect(sections("bedford").has("bedford-prompts")).toBe(true);
    expect(sections("bromley-2023").has("bedford-prompts")).toBe(false);
    expect(sections("bristol-2024").has("complex-checklist")).toBe(true);
    expect(sections("bedford").has("complex-checklist")).toBe(false);
    for (const p of ["bromley-2023", "bedford", "bristol-2024"]) for (const f of reg.get(p).record) expect(f.source.length).toBeGreaterThan(10);
  });

  it("a profile's record field is validated: a choice without options is refused naming the field", () => {
    const file = { id: "x", title: "x", source: "x", status: "current", selectable: true, record: [{ id: "mode", label: "Mode", section: "mode", kind: "choice", rule: "R-REC", source: "s" }] };
    expect(() => buildProfiles([{ file: "x.json", json: file }])).toThrow(/record\[0\]\.options|options/);
  });
});

describe("setRecordFields and the close checklist (R-REC, R-RISK)", () => {
  it("the analysis of risk is required to close in every profile", () => {
    expect(closeChecklist(ready({ riskAnalysis: null }), DUE)).toEqual(["The analysis of risk is not recorded (type decide)."]);
  });

  it("close is refused naming each missing required field; saving them empties the list", () => {
    const s = ready();
    expect(closeChecklist(s, DUE, rules("bedford"))).toEqual([
      "Reason for the strategy discussion is not recorded (type record).",
      "How the discussion is held is not recorded (type record).",
      "Referral to MARAC or MAPPA is not recorded (type record).",
    ]);
    let t = setRecordFields(s, rules("bedford"), "reason", { reason: "Bruising seen at school." }, "chair", AT);
    t = setRecordFields(t, rules("bedford"), "mode", { mode: "teams", modeRationale: "" }, "chair", AT);
    t = setRecordFields(t, rules("bedford"), "bedford-prompts", { maracMappa: "neither" }, "chair", AT);
    expect(closeChecklist(t, DUE, rules("bedford"))).toEqual([]);
    expect(t.recordFields.reason).toEqual({ value: "Bruising seen at school.", at: AT.toISOString(), by: "chair" });
  });

  it("separate calls need the rationale; Bristol's disruption plan is required for complex concerns only", () => {
    const s = ready();
    const e = refusal(() => setRecordFields(s, rules("bristol-2024"), "mode", { mode: "separate-calls" }, "chair", AT));
    expect(e.field).toBe("modeRationale");
    expect(e.userMessage).toMatch(/^Why not all together/);
    const complex = rules("bristol-2024", ["complex"]);
    expect(refusal(() => setRecordFields(s, complex, "complex-checklist", { mapping: "Park and station" }, "chair", AT)).field).toBe("disruptionPlan");
    expect(closeChecklist(s, DUE, complex)).toContain("Disruption plan (Home Office disruption toolkit) is not recorded (type record).");
    expect(closeChecklist(s, DUE, rules("bristol-2024"))).not.toContain("Disruption plan (Home Office disruption toolkit) is not recorded (type record).");
  });

  it("issue 14 point 6: Bromley's missing section (bromley-missing-2020 Appendix 4, §9.1) applies only with the missing concern", () => {
    const s = ready();
    const missing = rules("bromley-2023", ["missing"]);
    expect(closeChecklist(s, DUE, missing)).toEqual(expect.arrayContaining([
      "Summary of concerns is not recorded (type record).", "National missing persons desk consulted is not recorded (type record).",
    ]));
    expect(closeChecklist(s, DUE, rules("bromley-2023")).join(" ")).not.toMatch(/Summary of concerns|missing persons desk/);
    expect(refusal(() => setRecordFields(s, rules("bromley-2023"), "missing", { missingSummary: "x", nationalDeskConsulted: "no" }, "chair", AT)).field).toBe("section");
    expect(refusal(() => setRecordFields(s, missing, "missing", { missingSummary: "Seen with older youths" }, "chair", AT)).field).toBe("nationalDeskConsulted");
    expect(refusal(() => setRecordFields(s, missing, "missing", { missingSummary: "x", nationalDeskConsulted: "no", nrmReferralDate: "soon" }, "chair", AT)).field).toBe("nrmReferralDate");
  });

  it("bad input names the field and changes nothing: a choice not offered, a field of another section, a section the profile does not ask", () => {
    const s = ready();
    const e = refusal(() => setRecordFields(s, rules("bedford"), "mode", { mode: "carrier-pigeon" }, "chair", AT));
    expect([e.field, e.userMessage]).toEqual(["mode", "How the discussion is held: choose one of the options."]);
    expect(refusal(() => setRecordFields(s, rules("bedford"), "mode", { reason: "x" }, "chair", AT)).field).toBe("reason");
    expect(refusal(() => setRecordFields(s, rules("bromley-2023"), "bedford-prompts", { maracMappa: "marac" }, "chair", AT)).field).toBe("section");
    expect(s.recordFields).toEqual({});
  });

  it("stored strats keep working: no recordFields, the four old no-s47 outcomes, actions without a term", () => {
    const old = ZStratState.parse({ actions: [{ id: "a1", owner: { name: "A", agency: "B" }, what: "w", byWhen: AT.toISOString(), purpose: "p", status: "open", createdAt: AT.toISOString(), createdBy: "c" }] });
    expect(old.recordFields).toEqual({});
    expect(old.actions[0]!.term).toBe("immediate");
    expect(ready({ s47: "no", enquiry: null, noS47Outcome: "youth-justice" }).decisions!.noS47Outcome).toBe("youth-justice");
  });
});
