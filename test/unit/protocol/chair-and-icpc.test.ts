import { describe, expect, it } from "vitest";
import { chairRequirement, icpcAtStrat, parseReferral, type Concern } from "../../../src/domain/protocol/index.js";
import { loadProfiles } from "../../../src/infra/profiles/read-profile-files.js";
import { referral } from "./helpers.js";

/** Issue 12 point 4: the chair's seniority and whether the strat decides an ICPC follow the profile (DOMAIN.md §3). */
const reg = loadProfiles();
const AT = new Date("2026-11-23T10:00:00Z");
const req = (profile: string, concerns: Concern[], missing: { reportedAt: string; particularConcerns: boolean } | null = null) =>
  chairRequirement(reg.get(profile), parseReferral(referral({ receivedAt: "2026-11-23T09:00:00Z", concerns, missing })), AT);

describe("chair seniority by profile (T-CX, T-MHOS)", () => {
  it("bedford complex → Head of Service (T-CX)", () => {
    expect(req("bedford", ["complex"])).toMatchObject({ chair: "Head of Service", rules: ["T-CX"] });
  });
  it("bristol complex → Deputy Service Manager or above (T-CX)", () => {
    expect(req("bristol-2024", ["complex"]).chair).toMatch(/^Deputy Service Manager or above/);
  });
  it("bedford standard → the profile's default chair, no reasons", () => {
    expect(req("bedford", ["standard"])).toMatchObject({ chair: "Children's social care manager", reasons: [], rules: [] });
  });
  it("bromley: a child missing more than 7 days when the strat opens → CSC Head of Service (T-MHOS, bromley-2023 Appendix 5)", () => {
    const r = req("bromley-2023", ["missing"], { reportedAt: "2026-11-16T09:59:00Z", particularConcerns: false });
    expect(r.chair).toBe("CSC Head of Service");
    expect(r.rules).toEqual(["T-MHOS"]);
    expect(r.reasons.join(" ")).toMatch(/missing for more than 7 days/);
    expect(r.reasons.join(" ")).not.toMatch(/T-[A-Z]/); // words for the chair, not rule ids
  });
  it("bromley: missing exactly under 7 days → the default chair", () => {
    expect(req("bromley-2023", ["missing"], { reportedAt: "2026-11-16T10:00:01Z", particularConcerns: false }).chair).toBe("CSC Team or Group Manager");
  });
});

describe("T-ICPC: is an ICPC decided at the strat?", () => {
  it("bristol-2024 2.5: not the forum; the manager decides after the s47 enquiry", () => {
    const r = icpcAtStrat(reg.get("bristol-2024"));
    expect(r.decided).toBe(false);
    expect(r.instead).toMatch(/manager decides after the s(ection )?47/i);
  });
  it.each(["bromley-2023", "bedford"])("%s decides it at the strat", (p) => {
    expect(icpcAtStrat(reg.get(p))).toEqual({ decided: true, instead: null });
  });
});
