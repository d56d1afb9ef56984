/**
 * Issue 15 points 3 and 7: summaryRows, the one function that computes a strat's read-model rows (its strat_summary
 * row, one row per action and per dissent, migration 012); the repository writes them and a bulk seed may reuse it.
 */
import { describe, expect, it } from "vitest";
import { summarize, summaryRows } from "../../src/domain/strat/summary.js";
import { fullStrat } from "../support/full-strat.js";

describe("summaryRows", () => {
  it("one row per action (agency, due, done: R-ACT) and per dissent (current stage, open), with the strat's chair and team", () => {
    const base = fullStrat();
    const [a0, a1] = base.state.actions;
    const s = {
      ...base,
      conversationId: "19:team-a@thread.tacv2;messageid=1", // the strat's team: its channel thread (as strat_summary.team)
      state: {
        ...base.state,
        actions: [{ ...a0!, status: "done" as const, updates: [
          { at: "2026-11-23T08:00:00.000Z", by: "o", text: "called", status: "open" as const, via: "teams" as const },
          { at: "2026-11-24T09:30:00.000Z", by: "o", text: "done", status: "done" as const, via: "link" as const },
        ] }, ...base.state.actions.slice(1)],
        dissents: [
          { id: "d1", agency: "Police", by: "p", byName: null, decision: "s47", reason: "r", at: "2026-11-20T10:00:00.000Z", acknowledged: null,
            stages: [{ stage: "chair" as const, at: "2026-11-20T10:00:00.000Z", outcome: "kept", by: "c", outcomeAt: "2026-11-21T10:00:00.000Z" },
              { stage: "senior-managers" as const, at: "2026-11-21T10:00:00.000Z", outcome: null, by: null, outcomeAt: null }] },
          // Stored before outcomeAt (migration 016): the chair's outcome is when it was acknowledged.
          { id: "d2", agency: "Health", by: "h", byName: null, decision: "s47", reason: "r", at: "2026-11-22T10:00:00.000Z",
            acknowledged: { at: "2026-11-22T12:00:00.000Z", by: "c" },
            stages: [{ stage: "chair" as const, at: "2026-11-22T10:00:00.000Z", outcome: "agreed", by: "c", outcomeAt: null }] },
        ],
      },
    };
    const rows = summaryRows(s);
    expect(rows.summary).toEqual(summarize(s));
    expect(rows.actions).toHaveLength(base.state.actions.length);
    expect(rows.actions[0]).toEqual({ strat_id: s.id, action_id: a0!.id, chair_id: s.chairId, team: "19:team-a@thread.tacv2", agency: a0!.owner.agency, due_at: new Date(a0!.byWhen).toISOString(), done: true,
      done_at: "2026-11-24T09:30:00.000Z" }); // its last "done" update
    expect(rows.actions[1]).toMatchObject({ done_at: null });
    expect(rows.actions[1]).toMatchObject({ action_id: a1!.id, done: false });
    expect(rows.dissents).toEqual([
      { strat_id: s.id, dissent_id: "d1", chair_id: s.chairId, team: "19:team-a@thread.tacv2", agency: "Police", raised_at: "2026-11-20T10:00:00.000Z", stage: "senior-managers", open: true, closed_at: null },
      { strat_id: s.id, dissent_id: "d2", chair_id: s.chairId, team: "19:team-a@thread.tacv2", agency: "Health", raised_at: "2026-11-22T10:00:00.000Z", stage: "chair", open: false, closed_at: "2026-11-22T12:00:00.000Z" },
    ]);
  });
});
