import { describe, expect, it } from "vitest";
import { moveJob, ZJobPayloads } from "../../src/ports/jobs.js";

/** Issue 12 point 3: a move carries the re-routed attendees; a `graph.move` stored before that still parses as a time-only move. */
describe("graph.move payload", () => {
  const facts = { stratId: "s1", attempt: 1, caseRef: "LCS-1", stratRef: "SD-2026-0001", presentingIssues: ["physical injury"] };
  const start = new Date("2026-11-24T18:30:00Z");
  const end = new Date("2026-11-24T19:30:00Z");

  it("an older stored payload (no attendees) parses as a time-only move", () => {
    const old = { stratId: "s1", caseRef: "LCS-1", stratRef: "SD-2026-0001", presentingIssues: [], chairLabel: null, reason: null,
      start: start.toISOString(), end: end.toISOString() };
    const p = ZJobPayloads["graph.move"].parse(old);
    expect(p.attendees).toBeUndefined();
    expect(p.responseLinks).toEqual({});
    expect(p.start).toEqual(start);
  });

  it("moveJob carries the attendees and response links, which parse back; with no attendees it stays time-only", () => {
    const attendees = [{ address: "ops@police.example", name: "Operations Room", required: true }, { address: "fd@police.example", name: null, required: false }];
    const job = moveJob({ ...facts, start, end, attendees, responseLinks: { "ops@police.example": "https://app.example/r/x" } }, start);
    expect(job.orderingKey).toBe(moveJob({ ...facts, start, end }, start).orderingKey);
    const p = ZJobPayloads["graph.move"].parse(JSON.parse(JSON.stringify(job.payload)));
    expect(p.attendees).toEqual(attendees);
    expect(p.responseLinks).toEqual({ "ops@police.example": "https://app.example/r/x" });
    expect(ZJobPayloads["graph.move"].parse(moveJob({ ...facts, start, end, attendees: [] }, start).payload).attendees).toBeUndefined();
  });
});
