import { describe, expect, it } from "vitest";
import { assessQuorum, parseReferral, recommendInvitees } from "../../../src/domain/protocol/index.js";
import { loadProfiles } from "../../../src/infra/profiles/read-profile-files.js";
import { referral } from "./helpers.js";

const reg = loadProfiles();
const bromley = reg.get("bromley-2023");
const D = (s: string) => new Date(s);
const child = (o: Record<string, unknown> = {}) => ({ ref: "C1", dob: "2015-03-01", inHospital: false, inPatient: false, lookedAfter: false, cpPlan: false, school: null, ...o });
const inv = (o: Parameters<typeof referral>[0], at = "2026-06-01T10:00:00Z", p = bromley) => recommendInvitees(p, parseReferral(referral(o)), D(at));
const addrs = (l: ReturnType<typeof inv>) => l.map((i) => i.address);
const byAddr = (l: ReturnType<typeof inv>, a: string) => l.find((i) => i.address?.toLowerCase() === a.toLowerCase());

describe("I-POL / I-POL-OOH follow the meeting instant", () => {
  it.each([
    ["2026-12-24T16:59:00Z", false],
    ["2026-12-24T17:00:00Z", true],
    ["2026-12-24T17:01:00Z", true],
    ["2026-12-24T09:00:00Z", false],
    ["2026-12-24T08:59:00Z", true],
    ["2026-12-28T12:00:00Z", true], // Boxing Day substitute
    ["2027-03-29T10:00:00Z", true], // Easter Monday
    ["2027-03-30T08:30:00Z", false], // 09:30 BST
    ["2027-03-30T16:30:00Z", true], // 17:30 BST
    ["2026-10-26T08:30:00Z", true], // 08:30 GMT
  ])("meeting at %s → out of hours %s", (at, ooh) => {
    const l = inv({}, at);
    const police = l.filter((i) => i.quorumRole === "police");
    if (ooh) {
      expect(police[0]!.rule).toBe("I-POL-OOH");
      expect(police[0]!.address).toBe("SNMailbox.OperationsRoom@met.police.uk");
      expect(police[1]!.address).toBe("SNMailbox-PublicProtectionReferrals@met.police.uk");
      expect(police[1]!.cc).toBe(true);
    } else {
      expect(police.map((i) => [i.rule, i.address])).toEqual([["I-POL", "SNMailbox-PublicProtectionReferrals@met.police.uk"]]);
    }
  });
});

describe("I-HOSP / I-HOSP-OOH follow the meeting instant (issue 12 point 3)", () => {
  const hosp = [child({ inHospital: true })];
  it("I-HOSP in working hours: the Kings safeguarding team (bromley-2023 §1c), no switchboard", () => {
    const l = inv({ children: hosp }, "2026-06-01T10:00:00Z");
    expect(byAddr(l, "kch-tr.safeguardingchildren@nhs.net")?.rule).toBe("I-HOSP");
    expect(l.some((i) => i.rule === "I-HOSP-OOH")).toBe(false);
  });
  it("I-HOSP-OOH out of hours: 'If out of hours, contact Switchboard and ask for Paediatrician on duty' (bromley-2023 §1c, Appendix 1) — a phone line, no mailbox, fills health", () => {
    const l = inv({ children: hosp }, "2026-06-01T17:30:00Z");
    expect(byAddr(l, "kch-tr.safeguardingchildren@nhs.net")).toBeUndefined();
    const sw = l.filter((i) => i.rule === "I-HOSP-OOH");
    expect(sw).toHaveLength(1);
    expect(sw[0]).toMatchObject({ address: null, quorumRole: "health", phone: "PRUH 01689 863000; Denmark Hill 020 3299 9000" });
    expect(sw[0]!.name).toMatch(/switchboard.*paediatrician on duty/i);
    expect(sw[0]!.reason).toMatch(/C1/);
    expect(assessQuorum(bromley, [{ quorumRole: "police", attended: true }, { quorumRole: "health", attended: true }, { quorumRole: "csc", attended: true }]).quorate).toBe(true);
  });
  it("a child not in hospital gets neither, at any hour", () => {
    const l = inv({}, "2026-06-01T17:30:00Z");
    expect(l.some((i) => i.rule === "I-HOSP" || i.rule === "I-HOSP-OOH")).toBe(false);
  });
});

describe("Bristol out of hours (bristol-2024 6.1: 'a social worker, police and the on-call Community Pediatrician')", () => {
  const bristol = reg.get("bristol-2024");
  it("out of hours: EDT social worker (I-EDT), police (I-POL) and the on-call community paediatrician (I-CPAED-OOH, health)", () => {
    const l = inv({}, "2026-06-01T19:00:00Z", bristol);
    expect(l.find((i) => i.rule === "I-EDT")?.name).toMatch(/Emergency Duty Team social worker/);
    expect(l.find((i) => i.rule === "I-CPAED-OOH")).toMatchObject({ quorumRole: "health", address: null });
    expect(l.some((i) => i.rule === "I-POL")).toBe(true);
  });
  it("in working hours: no EDT, no on-call paediatrician", () => {
    const l = inv({}, "2026-06-01T10:00:00Z", bristol);
    expect(l.some((i) => i.rule === "I-EDT" || i.rule === "I-CPAED-OOH")).toBe(false);
  });
});

describe("Bromley health, education and others (DOMAIN.md §4)", () => {
  it("I-BHC when not in hospital; I-HOSP (+ ward nurse) when in hospital/in-patient", () => {
    expect(byAddr(inv({}), "Bromh.safeguardingchildren@nhs.net")?.rule).toBe("I-BHC");
    const h = inv({ children: [child({ inHospital: true, inPatient: true })] });
    expect(byAddr(h, "kch-tr.safeguardingchildren@nhs.net")?.quorumRole).toBe("health");
    expect(byAddr(h, "Bromh.safeguardingchildren@nhs.net")).toBeUndefined();
    expect(h.some((i) => i.rule === "I-HOSP" && i.address === null && /ward nurse/i.test(i.role))).toBe(true);
  });
  it("I-CPAED on medical implications (and serious-harm / sexual-abuse-forensic)", () => {
    expect(byAddr(inv({ medicalImplications: true }), "bromh.safeguardingreferrals@nhs.net")?.rule).toBe("I-CPAED");
    expect(byAddr(inv({ concerns: ["serious-harm"] }), "bromh.safeguardingreferrals@nhs.net")?.quorumRole).toBe("health");
    expect(byAddr(inv({}), "bromh.safeguardingreferrals@nhs.net")).toBeUndefined();
  });
  it("I-HV under five (age at receivedAt), not for a 5-year-old", () => {
    expect(byAddr(inv({ receivedAt: "2026-06-01T10:00:00Z", children: [child({ dob: "2021-06-02" })] }), "bromh.bromley0to19@nhs.net")?.rule).toBe("I-HV");
    expect(byAddr(inv({ receivedAt: "2026-06-01T10:00:00Z", children: [child({ dob: "2021-06-01" })] }), "bromh.bromley0to19@nhs.net")).toBeUndefined();
  });
  it("I-SN + I-EDU: Bromley school → school nurses + DSL; unknown school → Education Welfare", () => {
    const l = inv({ children: [child({ school: { name: "Ravens Wood", borough: "Bromley", dslEmail: "dsl@rw.sch.uk" } })] });
    expect(byAddr(l, "Bromh.snsafeguarding@nhs.net")?.rule).toBe("I-SN");
    expect(byAddr(l, "dsl@rw.sch.uk")?.rule).toBe("I-EDU");
    const u = inv({});
    expect(byAddr(u, "Education.welfare@bromley.gov.uk")?.rule).toBe("I-EDU");
    expect(byAddr(u, "Bromh.snsafeguarding@nhs.net")?.rule).toBe("I-SN");
  });
  it.each([
    ["Croydon", "ch-tr.croydonschoolnurses@nhs.net"],
    ["Southwark", "Gst-tr.SchoolnurseSPE@nhs.net"],
    ["London Borough of Lambeth", "Gst-tr.SchoolnurseSPE@nhs.net"],
    ["Lewisham", "Lg.shssafeguarding@nhs.net"],
    ["Royal Borough of Greenwich", "oxl-tr.snsouth@nhs.net"],
  ])("I-SN out-of-borough school in %s → Appendix 7 %s", (borough, addr) => {
    const l = inv({ children: [child({ school: { name: "X", borough, dslEmail: "dsl@x.sch.uk" } })] });
    expect(byAddr(l, addr)?.rule).toBe("I-SN");
    expect(byAddr(l, "Bromh.snsafeguarding@nhs.net")).toBeUndefined();
  });
  it("I-SN borough not in Appendix 7 → address null with a reason telling the chair", () => {
    const l = inv({ children: [child({ school: { name: "X", borough: "Kent", dslEmail: "dsl@x.sch.uk" } })] });
    const sn = l.find((i) => i.rule === "I-SN")!;
    expect(sn.address).toBeNull();
    expect(sn.reason).toMatch(/Kent/);
  });
  it.each([
    [{ lookedAfter: true }, "BROMH.lookedafterchildren@nhs.net", "I-CLA"],
  ])("I-CLA", (c, addr, rule) => expect(byAddr(inv({ children: [child(c)] }), addr)?.rule).toBe(rule));
  it("I-MID, perinatal, I-AMH, I-CAMHS, I-SUB", () => {
    const l = inv({ unborn: true, children: [], maternalMentalHealth: true, parentalMentalHealth: true, camhsInvolved: true, substanceMisuse: true });
    expect(l.some((i) => i.rule === "I-MID" && i.address === null)).toBe(true);
    expect(byAddr(l, "oxl-tr.oxleasperinatalmentalservice@nhs.net")?.rule).toBe("I-MID");
    expect(byAddr(l, "oxl-tr.igteam@nhs.net")?.rule).toBe("I-AMH");
    expect(byAddr(l, "oxl-tr.Bromleycamhsadmin@nhs.net")?.rule).toBe("I-CAMHS");
    expect(byAddr(l, "admin.bromley@cgl.cjsm.net")?.rule).toBe("I-SUB");
    expect(byAddr(l, "Bromh.safeguardingchildren@nhs.net")?.rule).toBe("I-BHC");
  });
  it("I-KNOWN: the person AND the service's generic mailbox; I-REF professional referrer only", () => {
    const l = inv({
      knownProfessionals: [{ name: "Pat", email: "pat.hv@nhs.net", service: "Health Visiting" }],
      referrer: { name: "Sam", email: "sam@school.org", professional: true },
    });
    expect(byAddr(l, "pat.hv@nhs.net")?.rule).toBe("I-KNOWN");
    expect(byAddr(l, "bromh.bromley0to19@nhs.net")?.rules).toContain("I-KNOWN");
    expect(byAddr(l, "sam@school.org")?.rule).toBe("I-REF");
    expect(byAddr(inv({ referrer: { name: "Mum", email: "mum@x.com", professional: false } }), "mum@x.com")).toBeUndefined();
  });
  it("I-MISS: missing notifies Missing.Children; looked-after missing adds CLA health etc.", () => {
    const l = inv({ concerns: ["missing"], children: [child({ lookedAfter: true })], missing: { reportedAt: "2026-06-01T08:00:00Z", particularConcerns: false } });
    expect(byAddr(l, "Missing.Children@bromley.gov.uk")?.action).toBe("notify");
    expect(byAddr(l, "BROMH.lookedafterchildren@nhs.net")?.rules).toEqual(["I-CLA", "I-MISS"]);
    expect(l.filter((i) => i.rule === "I-MISS" && i.address === null).length).toBe(3);
  });
  it("dedupe by address case-insensitively, keeping the first rule and merging reasons", () => {
    const l = inv({ knownProfessionals: [{ name: "Team", email: "BROMH.SAFEGUARDINGCHILDREN@nhs.net", service: "BHC safeguarding" }] });
    const hits = l.filter((i) => i.address?.toLowerCase() === "bromh.safeguardingchildren@nhs.net");
    expect(hits).toHaveLength(1);
    expect(hits[0]!.rule).toBe("I-BHC");
    expect(hits[0]!.rules).toEqual(["I-BHC", "I-KNOWN"]);
    expect(hits[0]!.reason).toContain(" | ");
    expect(hits[0]!.quorumRole).toBe("health");
  });
  it("every recommendation has a rule and a readable reason", () => {
    for (const i of inv({ medicalImplications: true, children: [child({ lookedAfter: true })] })) {
      expect(i.rule).toMatch(/^I-/);
      expect(i.reason.length).toBeGreaterThan(10);
    }
  });
});

describe("Bedford and Bristol: roles with an empty address book", () => {
  it.each(["bedford", "bristol-2024"])("%s recommends police and health with address null", (p) => {
    const l = inv({ medicalImplications: true }, "2026-06-01T10:00:00Z", reg.get(p));
    expect(l.find((i) => i.rule === "I-POL")).toMatchObject({ address: null, quorumRole: "police" });
    expect(l.some((i) => i.quorumRole === "health" && i.address === null)).toBe(true);
    expect(l.find((i) => i.rule === "I-CPAED")?.quorumRole).toBe("health");
    expect(l.find((i) => i.rule === "I-EDU")?.address).toBeNull();
  });
  it("bristol: known school DSL still comes through with its address", () => {
    const l = inv({ children: [child({ school: { name: "Y", borough: "Bristol", dslEmail: "dsl@y.sch.uk" } })] }, "2026-06-01T10:00:00Z", reg.get("bristol-2024"));
    expect(byAddr(l, "dsl@y.sch.uk")?.rule).toBe("I-EDU");
  });
});

describe("Q-1 quorum", () => {
  it.each([
    [[{ quorumRole: "csc", attended: true }, { quorumRole: "police", attended: true }, { quorumRole: "health", attended: true }], true, []],
    [[{ quorumRole: "csc", attended: true }, { quorumRole: "police", attended: true }, { quorumRole: "health", attended: false }], false, ["health"]],
    [[{ quorumRole: "csc", attended: true }], false, ["police", "health"]],
    [[], false, ["csc", "police", "health"]],
  ] as const)("Q-1 %j → quorate %s missing %j", (att, quorate, missing) => {
    for (const p of ["bromley-2023", "bedford", "bristol-2024"]) {
      const r = assessQuorum(reg.get(p), att as never);
      expect(r.quorate).toBe(quorate);
      expect(r.missing).toEqual(missing);
    }
  });
});

describe("reasons outside the council (issue 11 point 12): never a child reference or a school name", () => {
  // References and school names that cannot occur in any profile's own wording, so a hit is a leak.
  const kids = (n: number, o: (i: number) => Record<string, unknown>) =>
    Array.from({ length: n }, (_, i) => child({ ref: `ZQ${7731 + i}`, ...o(i) }));
  const SCHOOLS = ["Quillfarthing Academy", "Xylo Primary"];
  const leaks = (text: string) => [...["ZQ7731", "ZQ7732", "ZQ7733"], ...SCHOOLS].filter((s) => text.includes(s));

  it.each(["bromley-2023", "bedford", "bristol-2024", "bromley-2017"])("%s: every recommendation's publicReason is free of refs and school names; the chair's reason still names them", (p) => {
    const profile = reg.get(p, { includeHistory: true });
    const cases = [
      // school-aged with schools in and out of borough, a nursery child, a child with no school; every child flag on
      kids(3, (i) => ({
        dob: ["2014-05-01", "2023-01-01", "2012-02-02"][i], inHospital: i === 1, inPatient: i === 1, lookedAfter: true, cpPlan: true,
        school: i === 2 ? null : { name: SCHOOLS[i]!, borough: ["Bromley", "Croydon"][i]!, dslEmail: `dsl${i}@school.example.org` },
      })),
      kids(2, (i) => ({ dob: "2015-01-01", school: { name: SCHOOLS[i]!, borough: "Kent", dslEmail: `dsl${i}@school.example.org` } })),
    ];
    for (const children of cases) {
      for (const at of ["2026-06-01T10:00:00Z", "2026-06-01T20:00:00Z"]) {
        const l = inv({
          children, concerns: ["standard", "missing"], missing: { reportedAt: "2026-06-01T08:00:00Z", particularConcerns: true },
          medicalImplications: true, parentalMentalHealth: true, camhsInvolved: true, substanceMisuse: true,
          knownProfessionals: [{ name: "Pat Visitor", email: "pat@nhs.example", service: "Health Visiting" }],
        }, at, profile);
        for (const i of l) expect(leaks(i.publicReason), `${i.rule} ${i.publicReason}`).toEqual([]);
        expect(l.some((i) => leaks(i.reason).length > 0)).toBe(true); // the chair still sees which child and school
        expect(l.every((i) => i.publicReason.length > 10)).toBe(true);
      }
    }
  });

  it("I-EDU reads as words outside the council: the school's safeguarding lead, without naming the child or the school", () => {
    const l = inv({ children: [child({ ref: "ZQ7731", dob: "2014-05-01", school: { name: "Xylo Primary", borough: "Bromley", dslEmail: "dsl@xylo.sch.uk" } })] });
    const edu = byAddr(l, "dsl@xylo.sch.uk")!;
    expect(edu.reason).toBe("Child ZQ7731 is of school age: education professionals should always be invited: designated safeguarding lead at Xylo Primary");
    expect(edu.publicReason).toBe("Child in this case is of school age: education professionals should always be invited: the school's designated safeguarding lead");
  });
});
