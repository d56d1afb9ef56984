/** What a strat counts towards (src/domain/strat/figures.ts; issue 12 point 9; DOMAIN.md §3 short notice, Q-1). */
import { describe, expect, it } from "vitest";
import { counted, tallyCounted } from "../../../src/domain/strat/figures.js";
import { initialState, type StratState } from "../../../src/domain/strat/state.js";

const dueAt = new Date("2026-11-24T17:00:00Z");
const withMeeting = (start: string, convenedAt: string | null, lateRationale: string | null = null): StratState =>
  ({ ...initialState(), meeting: { start, end: start, joinUrl: null, lateRationale, convenedAt } });

describe("counted", () => {
  it("short notice is convened less than 2 hours ahead: 1 h 59 counts, 2 h does not, unknown convening does not", () => {
    expect(counted({ dueAt, state: withMeeting("2026-11-24T12:00:00.000Z", "2026-11-24T10:01:00.000Z") }).shortNotice).toEqual({ minutesAhead: 119 });
    expect(counted({ dueAt, state: withMeeting("2026-11-24T12:00:00.000Z", "2026-11-24T10:00:00.000Z") }).shortNotice).toBeNull();
    expect(counted({ dueAt, state: withMeeting("2026-11-24T12:00:00.000Z", null) }).shortNotice).toBeNull();
  });
  it("late is a start after the due time, with the rationale; at the due instant is not late", () => {
    expect(counted({ dueAt, state: withMeeting("2026-11-24T18:30:00.000Z", "2026-11-20T10:00:00.000Z", "police") }).late).toEqual({ minutesLate: 90, rationale: "police" });
    expect(counted({ dueAt, state: withMeeting(dueAt.toISOString(), null) }).late).toBeNull();
  });
  it("inquorate comes from recorded attendance; no attendance or quorate is not counted", () => {
    const s = withMeeting("2026-11-24T12:00:00.000Z", null);
    expect(counted({ dueAt, state: s }).inquorate).toBeNull();
    const att = { attended: [], quorate: false, missingRoles: ["health" as const], inquorateReason: "at court", escalation: null } as unknown as StratState["attendance"];
    expect(counted({ dueAt, state: { ...s, attendance: att } }).inquorate).toEqual({ missing: ["health"], reason: "at court" });
  });
  it("tally counts meetings only (a strat with no meeting is not in the figures)", () => {
    const t = tallyCounted([
      { ref: "SD-1", caseRef: "C1", dueAt, state: withMeeting("2026-11-24T12:00:00.000Z", "2026-11-24T11:00:00.000Z") },
      { ref: "SD-2", caseRef: "C2", dueAt, state: initialState() },
    ]);
    expect(t).toEqual({
      meetings: 1,
      shortNotice: { count: 1, strats: [{ ref: "SD-1", caseRef: "C1", start: "2026-11-24T12:00:00.000Z", minutesAhead: 60 }] },
      late: { count: 0, strats: [] },
      inquorate: { count: 0, strats: [] },
    });
  });
});
