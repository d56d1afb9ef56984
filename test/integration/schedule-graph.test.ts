import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activity, cardsIn, findAction, startHarness, type Harness } from "../support/harness.js";
import { testClock } from "../support/app-context.js";
import type { StandIn } from "../../src/infra/graph-stand-in/stand-in.js";

const until = async (what: string, fn: () => Promise<boolean>, ms = 20_000) => {
  const t0 = Date.now();
  while (!(await fn())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/**
 * `schedule` end to end in local mode: slots proposed before the due time by the scheduling port, the
 * Teams meeting booked through the real Graph gateway against the local Graph stand-in, the join link
 * back on the strat, and a calendar Accept from an agency mailbox landing as that invitee's answer.
 */
describe("schedule → Graph booking → calendar answers (local Graph stand-in)", () => {
  let h: Harness;
  const clock = testClock("2026-11-23T10:30:00Z");
  beforeAll(async () => {
    h = await startHarness({ JOBS_POLL_MS: "100" }, clock);
  });
  afterAll(async () => h?.stop());

  it("books the chosen slot, puts the join link on the strat, takes an Outlook answer as the invitee's, and pre-fills attendance from Teams' report", async () => {
    const say = async (text: string) => cardsIn((await h.post(activity({ text, deliveryMode: "expectReplies" }))).body.activities)[0];
    const press = async (verb: string, data: Record<string, unknown>) =>
      (await h.post(activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb, data } } }))).body.value;
    const form = await say("new");
    const opened = await press("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef: "LCS-GRAPH-1", profile: "bromley-2023", concerns: "standard",
      receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "C1", child1Dob: "2014-02-02",
    });
    const ref = /SD-\d{4}-\d{4,}/.exec(JSON.stringify(opened))![0];
    await say(`invitees ${ref}`);
    const sched = await say(`schedule ${ref}`);
    const slotInput = JSON.stringify(sched);
    expect(slotInput).toContain("Proposed times (earliest first)");
    const slots = [...slotInput.matchAll(/"value":"(2026-11-2\dT\d\d:\d\d:00\.000Z)"/g)].map((m) => m[1]!);
    expect(slots.length).toBeGreaterThan(0);
    // every proposed slot ends (60 min) before the due instant, Thu 26 Nov 17:00 GMT
    for (const s of slots) expect(Date.parse(s) + 3600_000).toBeLessThanOrEqual(Date.parse("2026-11-26T17:00:00Z"));

    const booked = await press("schedule", { ...findAction(sched, "schedule").data, slot: slots[0], minutes: "60" });
    expect(JSON.stringify(booked)).toMatch(/Booking the Teams meeting/);
    const strat = (await h.app.ctx.strats.findByRef(ref))!;
    await until("the booking", async () => (await h.app.graph.scheduler.bookingStatus(strat.id)).state === "booked");
    await until("the join link on the strat", async () => !!(await h.app.ctx.strats.get(strat.id))!.state.meeting?.joinUrl);
    const status = await h.app.graph.scheduler.bookingStatus(strat.id);
    expect(status.start?.toISOString()).toBe(slots[0]);

    // police accept in Outlook (the stand-in's mailbox): the answer lands on the strat as theirs
    const police = strat.state.invitees.find((i) => i.rule === "I-POL")!;
    await (h.app.graph.standIn as StandIn).respond(police.address!, status.eventId!, "accepted");
    await until("the calendar answer", async () =>
      (await h.app.ctx.strats.get(strat.id))!.state.invitees.find((i) => i.id === police.id)?.response?.via === "calendar");
    const st = await say(`status ${ref}`);
    expect(JSON.stringify(st)).toMatch(/accepted · via calendar/);
    // after the meeting, Teams' attendance report pre-fills the attendance card (matched by address)
    const meetingId = decodeURIComponent(status.joinUrl!.split("/meet/")[1]!);
    const health = strat.state.invitees.find((i) => i.rule === "I-BHC")!;
    await (h.app.graph.standIn as StandIn).endMeeting(meetingId, [
      { address: police.address!.toUpperCase(), name: "DC Example", seconds: 2400 },
      { address: null, name: "Dial-in caller", seconds: 600 },
    ]);
    const att = await say(`attendance ${ref}`);
    expect(JSON.stringify(att)).toContain("Pre-filled from Teams' attendance report (1 session(s))");
    const ticked = (att.body as any[]).find((b) => b.id === "attended").value as string;
    expect(ticked.split(",")).toEqual([police.id]);
    expect(ticked.split(",")).not.toContain(health.id);

    // the mailbox page shows the invitation with the personal response link, and no child data
    const page = await (await fetch(`${h.app.graph.standIn!.url}/mailboxes/${encodeURIComponent(police.address!)}`)).text();
    expect(page).toContain("LCS-GRAPH-1");
    expect(page).not.toContain("2014-02-02");
    // logs carry references and ids, never an email address or the child's data
    const logs = h.logs.join("\n");
    expect(logs).not.toMatch(/[A-Za-z0-9._-]+@[A-Za-z0-9.-]+\.[a-z]{2,}/);
    expect(logs).not.toContain("2014-02-02");
  }, 60_000);
});

/** A chair's conversation over HTTP (expectReplies) with a bromley-2023 strat opened for `caseRef`. */
async function openedOver(h: Harness, caseRef: string) {
  const say = async (text: string) => cardsIn((await h.post(activity({ text, deliveryMode: "expectReplies" }))).body.activities)[0];
  const press = async (verb: string, data: Record<string, unknown>) =>
    (await h.post(activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb, data } } }))).body.value;
  const form = await say("new");
  const opened = await press("openStrat", {
    requestId: findAction(form, "openStrat").data.requestId, caseRef, profile: "bromley-2023", concerns: "standard",
    receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "C1", child1Dob: "2014-02-02",
  });
  const ref = /SD-\d{4}-\d{4,}/.exec(JSON.stringify(opened))![0];
  return { say, press, ref, id: (await h.app.ctx.strats.findByRef(ref))!.id };
}

describe("a booking Microsoft 365 refuses: written with the meeting, dead-lettered, shown to the chair", () => {
  it("the meeting and its booking job are one change; a 403 on create goes dead and `status` says what was not done", async () => {
    const clock = testClock("2026-11-23T10:30:00Z");
    const h = await startHarness({ JOBS_POLL_MS: "0" }, clock);
    try {
      const { say, press, ref, id } = await openedOver(h, "LCS-DEAD-1");
      await say(`invitees ${ref}`);
      const sched = await say(`schedule ${ref}`);
      const slot = /"value":"(2026-11-2\dT\d\d:\d\d:00\.000Z)"/.exec(JSON.stringify(sched))![1]!;
      const before = (await h.app.ctx.strats.get(id))!.version;
      await press("schedule", { ...findAction(sched, "schedule").data, slot, minutes: "60" });
      // the meeting is on the strat (one version up) and its booking job is queued: one statement wrote both
      const after = (await h.app.ctx.strats.get(id))!;
      expect(after.version).toBe(before + 1);
      expect(after.state.meeting?.start).toBe(slot);
      const queued = (await h.app.ctx.jobs!.pending("graph.book")).filter((j) => j.stratId === id);
      expect(queued).toHaveLength(1);

      // Microsoft 365 refuses the create for good (403): the job goes dead at once, the chair sees it on status
      (h.app.graph.standIn as StandIn).faults.push({ status: 403, count: 5, match: "POST /users/" });
      await h.app.jobs.runOnce({ kinds: ["graph.book"] });
      const dead = await h.app.ctx.jobs!.deadFor(id);
      expect(dead.map((d) => d.what)).toEqual(["Booking the Teams meeting"]);
      const status = JSON.stringify(await say(`status ${ref}`));
      expect(status).toContain("Not done: background work that failed");
      expect(status).toMatch(/Booking the Teams meeting — Microsoft 365 refused permission/);
      // an operator puts it back (npm run -s jobs -- retry <id>); with the fault gone it books
      (h.app.graph.standIn as StandIn).faults.length = 0;
      expect(await h.app.ctx.jobs!.retry(dead[0]!.id, clock.now())).toBe(true);
      await h.app.jobs.runOnce({ kinds: ["graph.book"] });
      expect((await h.app.graph.scheduler.bookingStatus(id)).state).toBe("booked");
      expect(JSON.stringify(await say(`status ${ref}`))).not.toContain("Not done");
    } finally {
      await h.stop();
    }
  }, 60_000);

  it("booking with no invitee to invite is refused beside the field and saves nothing (no meeting, no job)", async () => {
    const clock = testClock("2026-11-23T10:30:00Z");
    const h = await startHarness({ JOBS_POLL_MS: "0" }, clock);
    try {
      const { say, press, ref, id } = await openedOver(h, "LCS-DEAD-2");
      const sched = await say(`schedule ${ref}`); // no invitees yet
      const slot = /"value":"(2026-11-2\dT\d\d:\d\d:00\.000Z)"/.exec(JSON.stringify(sched))![1]!;
      const before = (await h.app.ctx.strats.get(id))!;
      const refused = JSON.stringify(await press("schedule", { ...findAction(sched, "schedule").data, slot, minutes: "60" }));
      expect(refused).toContain("No invitee has a mailbox to invite");
      const after = (await h.app.ctx.strats.get(id))!;
      expect(after.version).toBe(before.version);
      expect(after.state.meeting).toBeNull();
      expect((await h.app.ctx.jobs!.pending("graph.book")).filter((j) => j.stratId === id)).toEqual([]);
    } finally {
      await h.stop();
    }
  }, 60_000);
});

describe("slots around Christmas 2026: agency mailboxes are not read on bank holidays", () => {
  it("proposes Tue 29 Dec 09:00, not Fri 25 or Mon 28 Dec (both bank holidays)", async () => {
    const clock = testClock("2026-12-24T16:00:00Z"); // Thu 24 Dec 16:00 GMT: no hour left today
    const h = await startHarness({}, clock);
    try {
      const say = async (text: string) => cardsIn((await h.post(activity({ text, deliveryMode: "expectReplies" }))).body.activities)[0];
      const form = await say("new");
      const opened = (await h.post(activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb: "openStrat", data: {
        requestId: findAction(form, "openStrat").data.requestId, caseRef: "LCS-XMAS", profile: "bromley-2023", concerns: "standard",
        receivedDate: "2026-12-24", receivedTime: "15:30", child1Ref: "C1", child1Dob: "2014-02-02" } } } }))).body.value;
      const ref = /SD-\d{4}-\d{4,}/.exec(JSON.stringify(opened))![0];
      await say(`invitees ${ref}`);
      const sched = JSON.stringify(await say(`schedule ${ref}`));
      const slots = [...sched.matchAll(/"value":"(2026-12-\d\dT\d\d:\d\d:00\.000Z)"/g)].map((m) => m[1]!);
      expect(slots[0]).toBe("2026-12-29T09:00:00.000Z");
      for (const s of slots) expect(s.slice(0, 10)).not.toMatch(/2026-12-2[5-8]/);
    } finally {
      await h.stop();
    }
  }, 60_000);
});
