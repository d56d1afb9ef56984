import { describe, expect, it } from "vitest";
import { escalationSteps, profileEscalates } from "../../../src/domain/missing/escalations.js";
import { loadProfiles } from "../../../src/infra/profiles/read-profile-files.js";

/** Issue 14 point 4: T-MDCS and T-MHOS steps of an episode and the role told at each (DOMAIN.md), pure. */
const reg = loadProfiles();
const reportedAt = new Date("2026-11-20T17:30:00Z"); // Fri 17:30 GMT
const steps = (lookedAfter: boolean, profile = "bromley-missing-2020") =>
  escalationSteps(reg.get(profile), { reportedAt, lookedAfter }).map((s) => [s.rule, s.key, s.role, s.due.toISOString()]);

describe("missing-child escalations (T-MDCS, T-MHOS)", () => {
  it("a looked-after child: Director +24 h, DCS considers the DCE +48 h, DCS +72 h, Head of Service +7 days", () => {
    expect(steps(true)).toEqual([
      ["T-MDCS", "director-lac", "director", "2026-11-21T17:30:00.000Z"],
      ["T-MDCS", "dce-consider", "dcs", "2026-11-22T17:30:00.000Z"],
      ["T-MDCS", "dcs-72h", "dcs", "2026-11-23T17:30:00.000Z"],
      ["T-MHOS", "head-of-service", "headOfService", "2026-11-27T17:30:00.000Z"],
    ]);
  });
  it("any other child: DCS +72 h and Head of Service +7 days only; a profile without the rules has none", () => {
    expect(steps(false).map((s) => s[1])).toEqual(["dcs-72h", "head-of-service"]);
    expect(steps(true, "bedford")).toEqual([]);
    expect(profileEscalates(reg.get("bromley-2023"))).toBe(true);
    expect(profileEscalates(reg.get("bedford"))).toBe(false);
  });
});
