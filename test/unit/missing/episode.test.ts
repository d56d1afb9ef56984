import { describe, expect, it } from "vitest";
import {
  daysMissing, describeDaysMissing, recordParentsTold, recordReturn, recordReturnInterview, rhiNoticeTimes, type MissingEpisode,
} from "../../../src/domain/missing/episode.js";
import { AppError } from "../../../src/domain/errors.js";

/** The missing episode's transitions (issue 14 points 1, 5; DOMAIN.md T-RHI), pure. */
const reported = new Date("2026-11-20T17:30:00Z");
const base: MissingEpisode = {
  id: "e1", caseRef: "LCS-1", childRef: "C1", profileId: "bromley-2023", reportedAt: reported, reportedBy: "Sam Chair",
  lookedAfter: true, onPlan: false, particularConcerns: false, returned: null, rhi: null, parentsTold: null, stratIds: ["s1"],
  version: 1, createdAt: reported, updatedAt: reported,
};
const plus72 = (at: Date) => new Date(at.getTime() + 72 * 3_600_000);
const now = new Date("2026-11-24T09:00:00Z");
const fieldOf = (f: () => unknown) => {
  try { f(); } catch (e) { return e instanceof AppError ? [e.field, e.userMessage] : ["not an AppError", String(e)]; }
  return null;
};

describe("missing episode (issue 14)", () => {
  it("days missing: to now while missing, to the return once returned", () => {
    expect(daysMissing(base, new Date("2026-11-23T17:29:00Z"))).toBe(2);
    expect(describeDaysMissing(base, new Date("2026-11-23T17:30:00Z"))).toBe("missing for 3 days");
    expect(describeDaysMissing(base, new Date("2026-11-21T17:30:00Z"))).toBe("missing for 1 day");
    expect(describeDaysMissing(base, new Date("2026-11-20T18:00:00Z"))).toBe("missing for less than a day");
    const { episode } = recordReturn(base, { at: new Date("2026-11-22T18:00:00Z"), where: "Home", by: "PC Lee" }, plus72, now);
    expect(describeDaysMissing(episode, now)).toBe("was missing for 2 days");
  });

  it("T-RHI: the return sets the interview due 72 h later; the reminder 24 h before, none when that has passed", () => {
    const at = new Date("2026-11-23T12:00:00Z");
    const { episode, audit } = recordReturn(base, { at, where: "A friend's flat", by: "PC Lee" }, plus72, now);
    expect(episode.rhi).toEqual({ due: new Date("2026-11-26T12:00:00Z"), heldAt: null, outcome: null, by: null });
    expect(audit).toEqual({ action: "missing.returned", detail: { returnedAt: at.toISOString(), rhiDue: "2026-11-26T12:00:00.000Z" } });
    expect(JSON.stringify(audit)).not.toContain("friend"); // where found stays on the episode
    expect(rhiNoticeTimes(episode.rhi!.due, now)).toEqual({ before: new Date("2026-11-25T12:00:00Z"), overdue: episode.rhi!.due });
    expect(rhiNoticeTimes(episode.rhi!.due, new Date("2026-11-25T13:00:00Z")).before).toBeNull();
  });

  it("bad input names the field: return before the report, missing fields, a second return, an interview before the return", () => {
    const ok = { at: new Date("2026-11-23T12:00:00Z"), where: "Home", by: "PC Lee" };
    expect(fieldOf(() => recordReturn(base, { ...ok, at: new Date("2026-11-20T17:00:00Z") }, plus72, now))?.[0]).toBe("returnedAt");
    expect(fieldOf(() => recordReturn(base, { ...ok, at: null }, plus72, now))?.[0]).toBe("returnedAt");
    expect(fieldOf(() => recordReturn(base, { ...ok, at: new Date("2026-12-01T00:00:00Z") }, plus72, now))?.[0]).toBe("returnedAt");
    expect(fieldOf(() => recordReturn(base, { ...ok, where: "  " }, plus72, now))?.[0]).toBe("returnedWhere");
    expect(fieldOf(() => recordReturn(base, { ...ok, by: "" }, plus72, now))?.[0]).toBe("returnedBy");
    const returned = recordReturn(base, ok, plus72, now).episode;
    expect(fieldOf(() => recordReturn(returned, ok, plus72, now))).toEqual(["returnedAt", expect.stringMatching(/already recorded/)]);
    expect(fieldOf(() => recordReturnInterview(base, { heldAt: now, outcome: "x", by: "y" }, now))?.[0]).toBe("rhiHeldAt");
    expect(fieldOf(() => recordReturnInterview(returned, { heldAt: new Date("2026-11-23T11:00:00Z"), outcome: "x", by: "y" }, now))?.[0]).toBe("rhiHeldAt");
    expect(fieldOf(() => recordReturnInterview(returned, { heldAt: now, outcome: "", by: "y" }, now))?.[0]).toBe("rhiOutcome");
    expect(fieldOf(() => recordParentsTold(base, { at: new Date("2026-11-20T17:00:00Z"), by: "Sam" }, now))?.[0]).toBe("parentsToldAt");
    expect(fieldOf(() => recordParentsTold(base, { at: now, by: " " }, now))?.[0]).toBe("parentsToldBy");
  });

  it("the interview's outcome: on time or not, recorded once", () => {
    const returned = recordReturn(base, { at: new Date("2026-11-23T12:00:00Z"), where: "Home", by: "PC Lee" }, plus72, now).episode;
    const held = recordReturnInterview(returned, { heldAt: new Date("2026-11-24T08:00:00Z"), outcome: "Talked", by: "RHI worker" }, now);
    expect(held.episode.rhi).toMatchObject({ heldAt: new Date("2026-11-24T08:00:00Z"), outcome: "Talked", by: "RHI worker" });
    expect(held.audit.detail).toEqual({ heldAt: "2026-11-24T08:00:00.000Z", onTime: true });
    expect(fieldOf(() => recordReturnInterview(held.episode, { heldAt: now, outcome: "x", by: "y" }, now))?.[1]).toMatch(/already recorded/);
    const told = recordParentsTold(base, { at: new Date("2026-11-20T18:00:00Z"), by: "Sam Chair" }, now);
    expect(told.episode.parentsTold).toEqual({ at: new Date("2026-11-20T18:00:00Z"), by: "Sam Chair" });
  });
});
