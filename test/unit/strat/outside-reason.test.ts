/**
 * The reason an outside agency reads (issue 11 point 12): the engine's publicReason, and for an invitee
 * stored before reasons had two sides a plain sentence, never the chair's reason (which may name a child
 * reference or a school).
 */
import { describe, expect, it } from "vitest";
import { addInvitee, initialState, outsideReason, parseStratState } from "../../../src/domain/strat/state.js";

describe("outsideReason", () => {
  it("an invitee stored before publicReason existed shows a plain sentence, not the chair's reason", () => {
    const stored = parseStratState({
      invitees: [{ id: "i1", address: "dsl@xylo.sch.uk", name: "Xylo Primary designated safeguarding lead", agency: "Xylo Primary", rule: "I-EDU", rules: ["I-EDU"],
        reason: "Child ZQ7731 is of school age: education professionals should always be invited: designated safeguarding lead at Xylo Primary", source: "recommended" }],
    });
    expect(outsideReason(stored.invitees[0]!)).toBe("Recommended by the local protocol");
  });

  it("a recommendation's publicReason, and the chair's own addition, are shown as they are", () => {
    const stored = parseStratState({
      invitees: [{ id: "i1", address: "a@b.org", name: "HV", agency: "HV", rule: "I-HV", rules: ["I-HV"], reason: "Child ZQ7731 is under five", publicReason: "Child in this case is under five", source: "recommended" }],
    });
    expect(outsideReason(stored.invitees[0]!)).toBe("Child in this case is under five");
    const [added] = addInvitee(initialState(), { address: "x@y.org", name: "X", agency: "Y" });
    expect(outsideReason(added)).toBe("Added by the chair");
  });
});
