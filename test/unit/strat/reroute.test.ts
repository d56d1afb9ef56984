import { describe, expect, it } from "vitest";
import { parseReferral, recommendInvitees } from "../../../src/domain/protocol/index.js";
import { loadProfiles } from "../../../src/infra/profiles/read-profile-files.js";
import { rerouteOf } from "../../../src/domain/strat/reroute.js";
import { applyRecommendations, initialState, ZResponse, type StratState } from "../../../src/domain/strat/state.js";
import { referral } from "../protocol/helpers.js";

/**
 * Issue 12 point 3 (DOMAIN.md §4): re-applying the recommendations at a new meeting time says which recipients changed.
 * bromley-2023 §1b (police after 5pm: Operations Room, copy the front door) and §1c (out of hours: switchboard).
 */
const bromley = loadProfiles().get("bromley-2023");
const ref = parseReferral(referral({ children: [{ ref: "C1", dob: "2015-03-01", inHospital: true, inPatient: false, lookedAfter: false, cpPlan: false, school: null }] }));
const DAY = new Date("2026-06-01T10:00:00Z");
const EVENING = new Date("2026-06-01T17:30:00Z");
const at = (s: StratState, when: Date) => {
  const recs = recommendInvitees(bromley, ref, when);
  const next = applyRecommendations(s, recs, when);
  return { next, r: rerouteOf(s, next, recs, bromley.calendar.isOutOfHours(when)) };
};

describe("rerouteOf: which recipients a new meeting time changed", () => {
  const day = at(initialState(), DAY).next;
  it("in hours → out of hours: Operations Room and switchboard added, Kings dropped, front door now copied", () => {
    const { r } = at(day, EVENING);
    expect(r!.outOfHours).toBe(true);
    expect(r!.added.map((e) => e.name)).toEqual(expect.arrayContaining(["South BCU Operations Room", "Hospital switchboard: ask for the paediatrician on duty"]));
    expect(r!.added.find((e) => e.group === "health")!.phone).toMatch(/PRUH 01689 863000/);
    expect(r!.dropped.map((e) => e.name)).toContain("Kings Safeguarding Team (PRUH / Denmark Hill)");
    expect(r!.copied.map((e) => e.name)).toEqual(["Police Single Front Door (South BCU)"]);
    expect(r!.answeredKept).toEqual([]);
  });
  it("the same hours again → null (nothing to tell the chair)", () => {
    expect(at(day, new Date("2026-06-02T11:00:00Z")).r).toBeNull();
  });
  it("an invitee who already answered is kept, and named as kept beside the new route", () => {
    const answered: StratState = {
      ...day,
      invitees: day.invitees.map((i) => (i.address === "kch-tr.safeguardingchildren@nhs.net" ? { ...i, response: ZResponse.parse({ kind: "accepted", at: DAY.toISOString(), via: "link", by: i.address }) } : i)),
    };
    const { next, r } = at(answered, EVENING);
    expect(next.invitees.some((i) => i.address === "kch-tr.safeguardingchildren@nhs.net" && !i.removed)).toBe(true);
    expect(r!.dropped.map((e) => e.name)).not.toContain("Kings Safeguarding Team (PRUH / Denmark Hill)");
    expect(r!.answeredKept.map((e) => e.name)).toEqual(["Kings Safeguarding Team (PRUH / Denmark Hill)"]);
  });
});
