import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ValidateFunction } from "ajv";
import { adaptiveCard15 } from "../support/contracts.js";
import { findAction, startHarness, type Harness } from "../support/harness.js";
import { cardChat } from "../support/card-chat.js";
import { testClock } from "../support/app-context.js";
import { bookingRequest } from "../../src/app/book-meeting.js";

/**
 * Issue 12 point 3, over the bot's HTTP endpoint with real botbuilder and the harness's store: out of hours is decided
 * at the meeting time (DOMAIN.md §4). Booking a Bromley meeting at 18:30 on a weekday re-routes police to the Operations
 * Room, copying the front door (I-POL-OOH: bromley-2023 §1b "after 5pm"), and a child in hospital to the switchboard,
 * asking for the paediatrician on duty (I-HOSP-OOH: bromley-2023 §1c "If out of hours, contact Switchboard and ask for
 * Paediatrician on duty"), in the same change as the meeting; moving it back into working hours re-routes back.
 */
const until = async (what: string, fn: () => Promise<boolean>, ms = 20_000) => {
  const t0 = Date.now();
  while (!(await fn())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe("out of hours at the meeting time re-routes the invitees (bot over HTTP)", () => {
  let h: Harness;
  let validate: ValidateFunction;
  const clock = testClock("2026-11-23T10:30:00Z"); // Monday
  const text = (c: unknown) => JSON.stringify(c);
  const check = (card: any) => {
    expect(validate(card), JSON.stringify(validate.errors?.slice(0, 2))).toBe(true);
    expect(JSON.stringify(card)).not.toContain("${");
    return card;
  };
  const { sayCard, pressCard } = cardChat(() => h, check);
  const stored = async (ref: string) => (await h.app.ctx.strats.findByRef(ref))!;
  const current = async (ref: string) => (await stored(ref)).state.invitees.filter((i) => !i.removed);
  const FRONT_DOOR = "snmailbox-publicprotectionreferrals@met.police.uk";
  const OPS_ROOM = "snmailbox.operationsroom@met.police.uk";
  const KINGS = "kch-tr.safeguardingchildren@nhs.net";

  beforeAll(async () => {
    validate = adaptiveCard15();
    h = await startHarness({ JOBS_POLL_MS: "100" }, clock);
  });
  afterAll(async () => h?.stop());

  it("schedule at 18:30 on a weekday → Operations Room + copy to the front door + switchboard phone line, the chair told; move to 10:00 next working day → back", async () => {
    const form = await sayCard("new");
    const opened = await pressCard("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef: "LCS-OOH-1", profile: "bromley-2023", concerns: "standard",
      receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "C1", child1Dob: "2019-04-04", child1Flags: "inHospital",
    });
    const ref = /SD-\d{4}-\d{4,}/.exec(text(opened))![0];
    await sayCard(`invitees ${ref}`); // recommended now (in working hours): front door, Kings safeguarding
    const inHours = await current(ref);
    expect(inHours.find((i) => i.address === FRONT_DOOR)).toMatchObject({ cc: false, rules: ["I-POL"] });
    expect(inHours.some((i) => i.address === KINGS)).toBe(true);
    const versionsBefore = (await h.app.ctx.strats.auditTrail((await stored(ref)).id)).length;

    // --- book at 18:30 the same Monday: out of hours
    const evening = await pressCard("schedule", { ...findAction(await sayCard(`schedule ${ref}`), "schedule").data, slot: "other", date: "2026-11-23", time: "18:30", minutes: "60" });
    const reply = text(evening);
    expect(reply).toContain("Meeting set for Mon 23 Nov 2026, 18:30");
    expect(reply).toMatch(/Out of hours at the meeting time/);
    expect(reply).toMatch(/South BCU Operations Room now invited/);
    expect(reply).toMatch(/Police Single Front Door \(South BCU\) now copied/);
    expect(reply).toMatch(/Kings Safeguarding Team \(PRUH \/ Denmark Hill\) replaced by Hospital switchboard: ask for the paediatrician on duty/);
    expect(reply).toMatch(/phone PRUH 01689 863000; Denmark Hill 020 3299 9000 .*this app cannot phone them/);
    expect(reply).not.toMatch(/I-HOSP|I-POL/); // words, not rule ids

    const ooh = await current(ref);
    expect(ooh.find((i) => i.address === OPS_ROOM)).toMatchObject({ cc: false, quorumRole: "police", rules: ["I-POL-OOH"] });
    expect(ooh.find((i) => i.address === FRONT_DOOR)).toMatchObject({ cc: true });
    expect(ooh.some((i) => i.address === KINGS)).toBe(false);
    const sw = ooh.find((i) => i.rules.includes("I-HOSP-OOH"))!;
    expect(sw).toMatchObject({ address: null, phone: "PRUH 01689 863000; Denmark Hill 020 3299 9000", quorumRole: "health" });

    // the calendar invitation goes to the re-routed list: the Operations Room has it, the Kings mailbox does not
    const mailbox = async (a: string) => (await fetch(`${h.app.graph.standIn!.url}/mailboxes/${encodeURIComponent(a)}`)).text();
    await until("the booking", async () => (await h.app.graph.scheduler.bookingStatus((await stored(ref)).id)).state === "booked");
    expect(await mailbox(OPS_ROOM)).toContain("LCS-OOH-1");
    expect(await mailbox(KINGS)).not.toContain("LCS-OOH-1");

    // one change: the meeting and the re-route in the same audit entry, which says who was added and dropped
    const trail = await h.app.ctx.strats.auditTrail((await stored(ref)).id);
    const since = trail.slice(versionsBefore);
    expect(since.filter((e) => e.action.startsWith("invitees."))).toEqual([]);
    const set = since.find((e) => e.action === "meeting.set")!;
    expect(set.detail).toMatchObject({ reroute: { outOfHours: true } });
    const detail = text(set.detail);
    expect(detail).toContain("South BCU Operations Room");
    expect(detail).toContain("Kings Safeguarding Team");

    // the invitees card shows the phone line, not a mailbox to add
    const card = text(await sayCard(`invitees ${ref}`));
    expect(card).toContain("phone: PRUH 01689 863000; Denmark Hill 020 3299 9000");
    const status = text(await sayCard(`status ${ref}`));
    expect(status).toContain("phone: PRUH 01689 863000");

    // --- move to 10:00 the next working day: back to working hours
    const morning = await pressCard("schedule", { ...findAction(await sayCard(`schedule ${ref}`), "schedule").data, slot: "other", date: "2026-11-24", time: "10:00", minutes: "60" });
    const back = text(morning);
    expect(back).toContain("Meeting set for Tue 24 Nov 2026, 10:00");
    expect(back).toMatch(/In working hours at the meeting time/);
    expect(back).toMatch(/South BCU Operations Room no longer recommended/);
    expect(back).toMatch(/Police Single Front Door \(South BCU\) now the main recipient/);
    expect(back).toMatch(/Hospital switchboard: ask for the paediatrician on duty replaced by Kings Safeguarding Team/);
    const again = await current(ref);
    expect(again.find((i) => i.address === FRONT_DOOR)).toMatchObject({ cc: false });
    expect(again.some((i) => i.address === OPS_ROOM || i.rules.includes("I-HOSP-OOH"))).toBe(false);
    expect(again.some((i) => i.address === KINGS)).toBe(true);

    // the same time again: nothing changed, nothing said about routes
    const same = text(await pressCard("schedule", { ...findAction(await sayCard(`schedule ${ref}`), "schedule").data, slot: "other", date: "2026-11-24", time: "10:00", minutes: "90" }));
    expect(same).not.toMatch(/at the meeting time/);
  });
  it("moving a booked meeting out of hours and back updates the calendar event's attendees: the Operations Room invited, the front door copied, Kings cancelled; then restored", async () => {
    const form = await sayCard("new");
    const opened = await pressCard("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef: "LCS-OOH-2", profile: "bromley-2023", concerns: "standard",
      receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "C1", child1Dob: "2019-04-04", child1Flags: "inHospital",
    });
    const ref = /SD-\d{4}-\d{4,}/.exec(text(opened))![0];
    await sayCard(`invitees ${ref}`);
    const stratId = (await stored(ref)).id;
    const organizer = h.app.ctx.organizerMailbox!;
    type Attendee = { type: string; emailAddress: { address: string } };
    const event = async () => (await h.app.db.query<{ data: { start: { dateTime: string }; attendees: Attendee[] } }>(
      "SELECT data FROM standin_events WHERE deleted = false AND data->>'subject' LIKE $1", ["%LCS-OOH-2%"]))[0]?.data;
    const attendees = async () => Object.fromEntries(((await event())?.attendees ?? []).map((a) => [a.emailAddress.address.toLowerCase(), a.type]));
    /** What a booking of the strat as it stands would invite (bookingRequest), as address → required/optional. */
    const asBooked = async () => Object.fromEntries(bookingRequest(h.app.ctx, await stored(ref), organizer, 1).attendees
      .filter((a) => a.address.toLowerCase() !== organizer.toLowerCase())
      .map((a) => [a.address.toLowerCase(), a.required ? "required" : "optional"]));
    const inbox = async (box: string, kind: string) => (await h.app.db.query<{ subject: string }>(
      "SELECT subject FROM standin_inbox WHERE mailbox = $1 AND kind = $2 AND subject LIKE $3", [box, kind, "%LCS-OOH-2%"])).length;
    const movedTo = (iso: string) => until(`the event at ${iso}`, async () => {
      const e = await event();
      return !!e && new Date(`${e.start.dateTime.replace(/Z?$/, "Z")}`).toISOString() === iso && (await h.app.ctx.jobs!.pending("graph.move")).length === 0;
    });

    // --- book at 10:00 on Tuesday: in working hours, the front door and Kings invited
    await pressCard("schedule", { ...findAction(await sayCard(`schedule ${ref}`), "schedule").data, slot: "other", date: "2026-11-24", time: "10:00", minutes: "60" });
    await until("the booking", async () => (await h.app.graph.scheduler.bookingStatus(stratId)).state === "booked");
    const inHours = await attendees();
    expect(inHours).toMatchObject({ [FRONT_DOOR]: "required", [KINGS]: "required" });
    expect(inHours[OPS_ROOM]).toBeUndefined();

    // --- move to 18:30 the same day: out of hours; the event's attendees follow the re-route
    const evening = text(await pressCard("schedule", { ...findAction(await sayCard(`schedule ${ref}`), "schedule").data, slot: "other", date: "2026-11-24", time: "18:30", minutes: "60" }));
    expect(evening).toMatch(/South BCU Operations Room now invited/);
    await movedTo("2026-11-24T18:30:00.000Z");
    const ooh = await attendees();
    expect(ooh).toEqual(await asBooked());
    expect(ooh).toMatchObject({ [OPS_ROOM]: "required", [FRONT_DOOR]: "optional" });
    expect(ooh[KINGS]).toBeUndefined();
    expect(await inbox(OPS_ROOM, "invitation")).toBe(1);
    expect(await inbox(KINGS, "cancellation")).toBe(1);
    expect(evening).not.toMatch(/forward/i);
    expect(evening).toMatch(/calendar invitation is updated/);
    // the newly invited mailbox gets its personal response link, as a booking sends it
    await until("the Operations Room's response link", async () => (await h.app.db.query(
      "SELECT 1 FROM standin_inbox WHERE mailbox = $1 AND kind = 'mail' AND html LIKE '%confirm attendance%'", [OPS_ROOM])).length === 1);

    // --- move back to 10:00 the next day: restored
    await pressCard("schedule", { ...findAction(await sayCard(`schedule ${ref}`), "schedule").data, slot: "other", date: "2026-11-25", time: "10:00", minutes: "60" });
    await movedTo("2026-11-25T10:00:00.000Z");
    const back = await attendees();
    expect(back).toEqual(await asBooked());
    expect(back).toMatchObject({ [FRONT_DOOR]: "required", [KINGS]: "required" });
    expect(back[OPS_ROOM]).toBeUndefined();
    expect(await inbox(OPS_ROOM, "cancellation")).toBe(1);
    expect(await inbox(KINGS, "invitation")).toBe(2);
  });
});
