import { describe, expect, it } from "vitest";
import { childSeenDue, computeDeadline, icpcDue, missingDirectorNotifications, missingHeadOfServiceDue, missingReconveneDue, outOfHoursRecordDue, parseReferral, recordDue, recordRecipient, returnInterviewDue, s47Due, type Concern } from "../../../src/domain/protocol/index.js";
import { loadProfiles } from "../../../src/infra/profiles/read-profile-files.js";
import { referral } from "./helpers.js";

const reg = loadProfiles();
const D = (s: string) => new Date(s);
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

function due(profile: string, receivedAt: string, concerns: Concern[], extra: Parameters<typeof referral>[0] = {}) {
  return computeDeadline(reg.get(profile), parseReferral(referral({ receivedAt, concerns, ...extra })));
}

// Hand-worked: Thu 24 Dec 2026 (GMT). Fri 25 Dec and Mon 28 Dec (Boxing Day substitute) are bank holidays.
// Working days after 24 Dec: Tue 29 (1), Wed 30 (2), Thu 31 (3), Mon 4 Jan (4), Tue 5 Jan (5).
describe("convening rules around Christmas 2026, trigger 16:59 vs 17:01", () => {
  const cases: [string, string, Concern, string, string][] = [
    ["bromley-2023", "2026-12-24T16:59:00Z", "standard", "T-STD", "2026-12-31T17:00:00.000Z"],
    ["bromley-2023", "2026-12-24T17:01:00Z", "standard", "T-STD", "2026-12-31T17:00:00.000Z"],
    ["bromley-2023", "2026-12-24T16:59:00Z", "serious-harm", "T-SH", "2026-12-24T23:59:59.999Z"],
    ["bromley-2023", "2026-12-24T17:01:00Z", "sexual-abuse-forensic", "T-SAF", "2026-12-24T23:59:59.999Z"],
    ["bromley-2023", "2026-12-24T16:59:00Z", "immediate-action", "T-IA", "2026-12-29T17:00:00.000Z"],
    ["bromley-2023", "2026-12-24T16:59:00Z", "complex", "T-CX", "2027-01-05T17:00:00.000Z"],
    ["bromley-2023", "2026-12-24T16:59:00Z", "allegation-against-staff", "T-AAS", "2027-01-05T17:00:00.000Z"],
    ["bedford", "2026-12-24T16:59:00Z", "standard", "T-STD", "2026-12-31T17:00:00.000Z"],
    ["bedford", "2026-12-24T16:59:00Z", "serious-harm", "T-SH", "2026-12-24T23:59:59.999Z"],
    ["bedford", "2026-12-24T16:59:00Z", "sexual-abuse-forensic", "T-SAF", "2026-12-24T23:59:59.999Z"],
    ["bedford", "2026-12-24T16:59:00Z", "immediate-action", "T-IA", "2026-12-29T17:00:00.000Z"],
    ["bedford", "2026-12-24T16:59:00Z", "complex", "T-CX", "2027-01-05T17:00:00.000Z"],
    ["bedford", "2026-12-24T16:59:00Z", "allegation-against-staff", "T-AAS", "2027-01-05T17:00:00.000Z"],
    ["bristol-2024", "2026-12-24T16:59:00Z", "standard", "T-STD", "2026-12-30T17:00:00.000Z"],
    ["bristol-2024", "2026-12-24T16:59:00Z", "serious-harm", "T-SH", "2026-12-24T23:59:59.999Z"],
    ["bristol-2024", "2026-12-24T16:59:00Z", "sexual-abuse-forensic", "T-SAF", "2026-12-24T23:59:59.999Z"],
    ["bristol-2024", "2026-12-24T16:59:00Z", "immediate-action", "T-IA", "2026-12-30T17:00:00.000Z"],
    ["bristol-2024", "2026-12-24T16:59:00Z", "complex", "T-CX", "2026-12-30T17:00:00.000Z"],
    ["bristol-2024", "2026-12-24T16:59:00Z", "allegation-against-staff", "T-AAS", "2026-12-30T17:00:00.000Z"],
  ];
  it.each(cases)("%s received %s concern %s → %s due %s", (p, at, c, rule, d) => {
    const r = due(p, at, [c]);
    expect(r.rule).toBe(rule);
    expect(iso(r.due)).toBe(d);
  });
});

// Easter 2027: Good Friday 26 Mar, Easter Monday 29 Mar; BST from Sun 28 Mar 01:00 UTC.
describe("Easter 2027 and the BST change", () => {
  it.each([
    ["bromley-2023", "2027-03-25T12:00:00Z", "standard", "2027-04-01T16:00:00.000Z"], // Tue 30, Wed 31, Thu 1 Apr 17:00 BST
    ["bristol-2024", "2027-03-25T12:00:00Z", "standard", "2027-03-31T16:00:00.000Z"],
    ["bromley-2023", "2027-03-25T12:00:00Z", "immediate-action", "2027-03-30T16:00:00.000Z"],
    ["bromley-2023", "2027-03-27T23:30:00Z", "serious-harm", "2027-03-27T23:59:59.999Z"], // Sat 23:30 GMT
    ["bromley-2023", "2027-03-28T00:30:00Z", "serious-harm", "2027-03-28T22:59:59.999Z"], // Sun 00:30 GMT → 23:59:59.999 BST
  ] as [string, string, Concern, string][])("%s %s %s → %s", (p, at, c, d) => {
    expect(iso(due(p, at, [c]).due)).toBe(d);
  });
});

describe("GMT change 25 Oct 2026 and weekends", () => {
  it("T-STD from Fri 23 Oct 2026 16:00 BST (15:00Z) → Wed 28 Oct 17:00 GMT", () => {
    expect(iso(due("bromley-2023", "2026-10-23T15:00:00Z", ["standard"]).due)).toBe("2026-10-28T17:00:00.000Z");
  });
  it("T-SH on Sun 25 Oct 2026 00:30 UTC (01:30 BST) → 23:59:59.999 GMT that day", () => {
    expect(iso(due("bromley-2023", "2026-10-25T00:30:00Z", ["serious-harm"]).due)).toBe("2026-10-25T23:59:59.999Z");
  });
  it("T-IA received Saturday → Monday 17:00", () => {
    expect(iso(due("bedford", "2026-06-06T10:00:00Z", ["immediate-action"]).due)).toBe("2026-06-08T16:00:00.000Z");
  });
});

describe("T-TGT target and earliest wins", () => {
  it("bromley target is hours(24) from receivedAt; null elsewhere", () => {
    expect(iso(due("bromley-2023", "2027-03-27T12:00:00Z", ["standard"]).target)).toBe("2027-03-28T12:00:00.000Z");
    expect(due("bedford", "2027-03-27T12:00:00Z", ["standard"]).target).toBeNull();
    expect(due("bristol-2024", "2027-03-27T12:00:00Z", ["standard"]).target).toBeNull();
  });
  it("several concerns: every rule listed, the earliest named", () => {
    const r = due("bromley-2023", "2026-12-24T16:59:00Z", ["standard", "complex", "immediate-action"]);
    expect(r.rule).toBe("T-IA");
    expect(r.applied.map((a) => a.rule)).toEqual(["T-STD", "T-IA", "T-CX"]);
  });
  it("tie → first rule in DOMAIN table order (bristol standard + complex → T-STD)", () => {
    expect(due("bristol-2024", "2026-06-01T09:00:00Z", ["complex", "standard"]).rule).toBe("T-STD");
  });
});

describe("T-MIS missing (bromley-missing-2020 §9.1–9.2)", () => {
  const child = (o: { lookedAfter?: boolean; cpPlan?: boolean } = {}) => [
    { ref: "C1", dob: "2012-01-01", inHospital: false, inPatient: false, lookedAfter: o.lookedAfter ?? false, cpPlan: o.cpPlan ?? false, school: null },
  ];
  it("particular concerns → hours(24) from missing.reportedAt", () => {
    const r = due("bromley-2023", "2026-12-24T16:59:00Z", ["missing"], { missing: { reportedAt: "2026-12-24T20:00:00Z", particularConcerns: true } });
    expect(r.rule).toBe("T-MIS");
    expect(iso(r.due)).toBe("2026-12-25T20:00:00.000Z");
  });
  it("looked after → firstWorkingDay from reportedAt (reported 17:01 Thu 24 Dec → Tue 29 Dec 17:00)", () => {
    const r = due("bromley-2023", "2026-12-24T18:00:00Z", ["missing"], { children: child({ lookedAfter: true }), missing: { reportedAt: "2026-12-24T17:01:00Z", particularConcerns: false } });
    expect(iso(r.due)).toBe("2026-12-29T17:00:00.000Z");
  });
  it("CP plan, reported 16:59 → same day 17:00", () => {
    const r = due("bromley-2023", "2026-12-24T18:00:00Z", ["missing"], { children: child({ cpPlan: true }), missing: { reportedAt: "2026-12-24T16:59:00Z", particularConcerns: false } });
    expect(iso(r.due)).toBe("2026-12-24T17:00:00.000Z");
  });
  it("both particular concerns and looked after: both apply, earliest wins", () => {
    const r = due("bromley-2023", "2026-12-24T18:00:00Z", ["missing"], { children: child({ lookedAfter: true }), missing: { reportedAt: "2026-12-24T17:01:00Z", particularConcerns: true } });
    expect(r.applied.filter((a) => a.rule === "T-MIS")).toHaveLength(2);
    expect(iso(r.due)).toBe("2026-12-25T17:01:00.000Z");
  });
  it("T-MIS no particular concerns, not looked after / on a plan → hours(72) from missing.reportedAt (bromley-2023 Appendix 5)", () => {
    const r = due("bromley-2023", "2026-12-24T16:59:00Z", ["missing"], { missing: { reportedAt: "2026-12-20T10:00:00Z", particularConcerns: false } });
    expect(r.rule).toBe("T-MIS");
    expect(iso(r.due)).toBe("2026-12-23T10:00:00.000Z");
    expect(r.applied).toEqual([{ rule: "T-MIS", due: r.due, basis: "hours(72) from missing.reportedAt: no particular concerns, not looked after or on a plan (bromley-2023 Appendix 5)" }]);
  });
  it("T-MIS 72 h is elapsed time across the clocks going back (BST → GMT)", () => {
    const r = due("bromley-2023", "2026-10-24T08:00:00Z", ["missing"], { missing: { reportedAt: "2026-10-24T08:00:00Z", particularConcerns: false } });
    expect(iso(r.due)).toBe("2026-10-27T08:00:00.000Z");
  });
  it.each(["bedford", "bristol-2024"])("%s: missing is (standard)", (p) => {
    const r = due(p, "2026-12-24T16:59:00Z", ["missing"], { children: child({ lookedAfter: true }), missing: { reportedAt: "2026-12-24T10:00:00Z", particularConcerns: true } });
    expect(r.rule).toBe("T-MIS");
    expect(iso(r.due)).toBe(p === "bedford" ? "2026-12-31T17:00:00.000Z" : "2026-12-30T17:00:00.000Z");
  });
  it("bromley-missing-2020 alone = bromley-2023 + missing rules", () => {
    const a = due("bromley-missing-2020", "2026-12-24T16:59:00Z", ["standard", "missing"], { missing: { reportedAt: "2026-12-24T10:00:00Z", particularConcerns: true } });
    const b = due("bromley-2023", "2026-12-24T16:59:00Z", ["standard", "missing"], { missing: { reportedAt: "2026-12-24T10:00:00Z", particularConcerns: true } });
    expect(a).toEqual(b);
  });
});

describe("follow-on deadlines", () => {
  const b = reg.get("bromley-2023");
  const bed = reg.get("bedford");
  const bri = reg.get("bristol-2024");
  it("T-REC bromley workingHours(24): meeting ends Thu 24 Dec 2026 14:00 → Tue 29 Dec 14:00", () => {
    expect(iso(recordDue(b, D("2026-12-24T14:00:00Z")).due)).toBe("2026-12-29T14:00:00.000Z");
  });
  it("T-REC bedford workingDays(2), bristol workingDays(5)", () => {
    expect(iso(recordDue(bed, D("2026-12-24T14:00:00Z")).due)).toBe("2026-12-30T17:00:00.000Z");
    expect(iso(recordDue(bri, D("2026-12-24T14:00:00Z")).due)).toBe("2027-01-05T17:00:00.000Z");
  });
  it("T-OOH bristol names who gets the record: 'emailed to either First Response or the Consultant Social Worker…' (bristol-2024 6.1)", () => {
    expect(recordRecipient(reg.get("bristol-2024"), "T-OOH")).toMatchObject({ name: "First Response", address: null });
    expect(recordRecipient(reg.get("bristol-2024"), "T-REC")).toBeNull();
    expect(recordRecipient(reg.get("bromley-2023"), "T-OOH")).toBeNull();
  });
  it("T-OOH bristol: out-of-hours strat record before 09:00 on the next working day, and it wins", () => {
    const r = recordDue(bri, D("2026-12-24T22:00:00Z"), D("2026-12-24T20:00:00Z"));
    expect(r.rule).toBe("T-OOH");
    expect(iso(r.due)).toBe("2026-12-29T09:00:00.000Z");
    expect(iso(outOfHoursRecordDue(bri, D("2027-03-28T03:00:00Z")))).toBe("2027-03-30T08:00:00.000Z");
    expect(iso(outOfHoursRecordDue(bri, D("2026-06-02T05:00:00Z")))).toBe("2026-06-02T08:00:00.000Z"); // 06:00 BST Tue → 09:00 same day
    expect(outOfHoursRecordDue(b, D("2026-06-02T05:00:00Z"))).toBeNull();
  });
  it("T-ICPC bromley: QI referral hours(24) and conference workingDays(15); bedford conference; bristol not at the strat", () => {
    const r = icpcDue(b, D("2026-12-24T10:00:00Z"));
    expect(r.steps.map((s) => [s.key, iso(s.due)])).toEqual([
      ["qi-referral", "2026-12-25T10:00:00.000Z"],
      ["conference", "2027-01-19T17:00:00.000Z"],
    ]);
    expect(iso(icpcDue(bed, D("2026-12-24T10:00:00Z")).steps[0]!.due)).toBe("2027-01-19T17:00:00.000Z");
    const bris = icpcDue(bri, D("2026-12-24T10:00:00Z"));
    expect(bris.applies).toBe(true);
    expect(bris.steps).toEqual([]);
    expect(bris.note).toMatch(/not decided at the strat/i);
  });
  it("T-SEE bristol workingDays(2) from the strat", () => {
    expect(iso(childSeenDue(bri, D("2027-03-25T12:00:00Z")))).toBe("2027-03-31T16:00:00.000Z");
    expect(childSeenDue(b, D("2027-03-25T12:00:00Z"))).toBeNull();
  });
  it("T-S47 workingDays(45) from referral received (bromley, bedford); none in bristol", () => {
    expect(iso(s47Due(b, D("2026-06-01T12:00:00Z")))).toBe("2026-08-03T16:00:00.000Z");
    expect(iso(s47Due(bed, D("2026-06-01T12:00:00Z")))).toBe("2026-08-03T16:00:00.000Z");
    expect(s47Due(bri, D("2026-06-01T12:00:00Z"))).toBeNull();
  });
  it("T-RHI hours(72) from return, across the BST change", () => {
    expect(iso(returnInterviewDue(b, D("2027-03-26T12:00:00Z")))).toBe("2027-03-29T12:00:00.000Z");
    expect(returnInterviewDue(bed, D("2027-03-26T12:00:00Z"))).toBeNull();
  });
  it("T-MWK reconvene hours(168); T-MHOS escalation at hours(168)", () => {
    expect(iso(missingReconveneDue(b, D("2026-10-20T10:00:00Z")))).toBe("2026-10-27T10:00:00.000Z");
    expect(iso(missingHeadOfServiceDue(b, D("2026-10-20T10:00:00Z")))).toBe("2026-10-27T10:00:00.000Z");
  });
  it("T-MDCS: looked after 24h/48h/72h; others 72h", () => {
    expect(missingDirectorNotifications(b, D("2026-12-24T10:00:00Z"), true).map((s) => iso(s.due))).toEqual([
      "2026-12-25T10:00:00.000Z",
      "2026-12-26T10:00:00.000Z",
      "2026-12-27T10:00:00.000Z",
    ]);
    expect(missingDirectorNotifications(b, D("2026-12-24T10:00:00Z"), false).map((s) => s.key)).toEqual(["dcs-72h"]);
  });
});
