import { describe, expect, it } from "vitest";
import { assessQuorum, attendanceByRole, parseReferral, recommendInvitees } from "../../../src/domain/protocol/index.js";
import { loadProfiles } from "../../../src/infra/profiles/read-profile-files.js";
import { referral } from "./helpers.js";

/**
 * Q-1 (DOMAIN.md §4): quorum is counted by the role of the attendee's invitation, not their organisation.
 * Bromley (bromley-2023 §2, DOMAIN.md I-* rows): I-POL/I-POL-OOH fill police; I-BHC, I-HOSP and I-CPAED fill health;
 * I-HV (health visiting, the same trust as BHC safeguarding and the community paediatricians) fills none.
 * Bristol (bristol-2024 4.2): "health = community paediatrician, specialist safeguarding nurse or SARC; police =
 * decision maker, safeguarding unit or CID"; its health visitor is in the same "Health" agency as the paediatrician.
 */
const reg = loadProfiles();
// A baby (health visiting, I-HV) with medical implications (community paediatrician, I-CPAED), meeting in working hours.
const baby = parseReferral(referral({
  receivedAt: "2026-06-01T09:00:00Z", medicalImplications: true,
  children: [{ ref: "C1", dob: "2025-09-01", inHospital: false, inPatient: false, lookedAfter: false, cpPlan: false, school: null }],
}));

describe.each(["bromley-2023", "bristol-2024", "bedford"])("Q-1 by role, not by organisation (%s)", (id) => {
  const profile = reg.get(id);
  const invitees = recommendInvitees(profile, baby, new Date("2026-06-01T10:00:00Z")).map((i, n) => ({ ...i, id: `i${n + 1}` }));
  const byRule = (rule: string) => invitees.find((i) => i.rules.includes(rule))!;
  const quorumOf = (...rules: string[]) => assessQuorum(profile, [
    ...attendanceByRole(invitees, rules.map((r) => byRule(r).id)), { quorumRole: "csc", attended: true },
  ]);

  it("the health visitor shares an agency with a health quorum invitee (the case this rule is about)", () => {
    expect(invitees.some((i) => i.agency === byRule("I-HV").agency && i.quorumRole === "health")).toBe(true);
  });

  it("police + health visitor only → inquorate, health missing", () => {
    expect(quorumOf("I-POL", "I-HV")).toEqual({ rule: "Q-1", quorate: false, missing: ["health"] });
  });

  it("police + community paediatrician → quorate", () => {
    expect(quorumOf("I-POL", "I-CPAED")).toEqual({ rule: "Q-1", quorate: true, missing: [] });
  });

  it("attendance stays per agency, split by the role each invitation fills", () => {
    const groups = attendanceByRole(invitees, [byRule("I-HV").id]);
    const hv = groups.find((g) => g.inviteeIds.includes(byRule("I-HV").id))!;
    expect(hv).toMatchObject({ agency: byRule("I-HV").agency, quorumRole: null, attended: true });
    const health = groups.filter((g) => g.agency === hv.agency && g.quorumRole === "health");
    expect(health.length).toBeGreaterThan(0);
    expect(health.every((g) => !g.attended && g.inviteeIds.length === 0)).toBe(true);
  });
});
