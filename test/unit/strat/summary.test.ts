/** The read-model row of a strat (src/domain/strat/summary.ts; issue 15 point 7): computed from the aggregate alone. */
import { describe, expect, it } from "vitest";
import { initialState, type StratState } from "../../../src/domain/strat/state.js";
import type { Strat } from "../../../src/domain/strat/strat.js";
import { SUMMARY_COLUMNS, summarize } from "../../../src/domain/strat/summary.js";
import type { Referral } from "../../../src/domain/protocol/referral.js";

const AT = new Date("2026-11-30T12:00:00Z");
const strat = (state: Partial<StratState> = {}, over: Partial<Strat> = {}): Strat => ({
  id: "00000000-0000-4000-8000-000000000001", ref: "SD-2026-0001", caseRef: "LCS-1", profileId: "bromley-2023", status: "open", version: 3,
  referral: { concerns: ["physical", "missing"] } as unknown as Referral, state: { ...initialState(), ...state },
  dueAt: new Date("2026-11-26T17:00:00Z"), dueRule: "T-STD", targetAt: null, applied: [], chairId: "chair-1", chairName: "Duty Chair 1",
  conversationId: "19:abc@thread.tacv2;messageid=1700000000000", createdAt: new Date("2026-11-25T10:00:00Z"),
  updatedAt: AT, closedAt: null, ...over,
});
const action = (byWhen: string, status: "open" | "done") => ({
  id: `A${byWhen}`, owner: { name: "Police", agency: "Police" }, ownerInviteeId: null, ownerTeamsUserId: null, what: "x", byWhen, purpose: "y",
  status, term: "immediate" as const, createdAt: "2026-11-25T10:00:00.000Z", createdBy: "chair-1", updates: [],
});
const dissent = (id: string, at: string, outcome: string | null) => ({
  id, agency: "Health", by: "h", byName: null, decision: "s47", reason: "r", at,
  stages: [{ stage: "chair" as const, at, outcome, by: null, outcomeAt: outcome === null ? null : at }], acknowledged: null,
});

describe("summarize (the strat_summary row)", () => {
  it("an opened strat: references, the team's thread without the message id, nothing held, no counts", () => {
    const s = summarize(strat());
    expect(Object.keys(s).sort()).toEqual([...SUMMARY_COLUMNS].sort());
    expect(s).toMatchObject({
      strat_id: "00000000-0000-4000-8000-000000000001", ref: "SD-2026-0001", case_ref: "LCS-1", team: "19:abc@thread.tacv2", chair_id: "chair-1",
      status: "open", opened_at: "2026-11-25T10:00:00.000Z", due_at: "2026-11-26T17:00:00.000Z", held_at: null, quorate: null,
      concerns: ["physical", "missing"], overdue_actions: 0, next_action_due_at: null, open_dissent: 0, short_notice: false, late: false, version: 3,
    });
  });
  it("held late and at short notice (figures.ts), inquorate (Q-1), the record's due (T-REC)", () => {
    const s = summarize(strat({
      meeting: { start: "2026-11-27T09:00:00.000Z", end: "2026-11-27T10:00:00.000Z", joinUrl: null, lateRationale: "police", convenedAt: "2026-11-27T08:00:00.000Z" },
      attendance: { quorate: false, missingRoles: ["health"], inquorateReason: "at court" } as unknown as StratState["attendance"],
      closure: { verifiedAt: "2026-11-27T11:00:00.000Z", by: "chair-1", recordDue: "2026-11-28T11:00:00.000Z" },
    }, { status: "closed", closedAt: new Date("2026-11-27T11:00:00Z") }));
    expect(s).toMatchObject({
      held_at: "2026-11-27T09:00:00.000Z", late: true, short_notice: true, quorate: false, status: "closed",
      closed_at: "2026-11-27T11:00:00.000Z", record_due_at: "2026-11-28T11:00:00.000Z",
    });
  });
  it("R-ACT: open actions past their date at the strat's last change are overdue; the earliest open date is next; done ones do not count", () => {
    const s = summarize(strat({ actions: [action("2026-11-29T00:00:00.000Z", "open"), action("2026-12-05T00:00:00.000Z", "open"), action("2026-11-01T00:00:00.000Z", "done")] }));
    expect(s).toMatchObject({ overdue_actions: 1, next_action_due_at: "2026-11-29T00:00:00.000Z" });
  });
  it("dissent is open while its current stage has no outcome; the oldest open one is kept", () => {
    const s = summarize(strat({ dissents: [dissent("D1", "2026-11-27T09:00:00.000Z", null), dissent("D2", "2026-11-26T09:00:00.000Z", null), dissent("D3", "2026-11-25T09:00:00.000Z", "agreed")] }));
    expect(s).toMatchObject({ open_dissent: 2, oldest_open_dissent_at: "2026-11-26T09:00:00.000Z" });
  });
});
