import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calendarEventsFor } from "../../src/app/calendar-events.js";
import { activity, cardsIn, findAction, startHarness, type Harness } from "../support/harness.js";
import { testClock } from "../support/app-context.js";

/**
 * Issue 11 point 8, over real HTTP with the real bot, store and job queue: the chair is told (a proactive
 * message in the strat's conversation) when an agency declines or sends a delegate, and the booked message
 * carries the Teams join link; a mistyped command gets the nearest one; several open strats give a picker;
 * `reconvene … in 7 days` says it cannot and nothing opens a second open strat for a case silently; the
 * attendance card shows names, apologies and delegates from the answers.
 */
describe("chair conveniences (issue 11 point 8)", () => {
  let h: Harness;
  const clock = testClock("2026-11-23T10:30:00Z");
  let n = 0;
  const chair = (id: string) => ({ id: `29:${id}`, name: "Sam Chair", aadObjectId: `aad-${id}` });
  const say = async (text: string, from = chair("c1")) =>
    (await h.post(activity({ text, deliveryMode: "expectReplies", from, conversation: { id: `conv-${from.id}`, conversationType: "personal" } }))).body.activities as any[];
  const press = async (verb: string, data: Record<string, unknown>, from = chair("c1")) =>
    (await h.post(activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb, data } }, from, conversation: { id: `conv-${from.id}`, conversationType: "personal" } }))).body.value;
  const open = async (caseRef: string, from = chair("c1")) => {
    const form = cardsIn(await say("new", from))[0];
    const opened = await press("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef, profile: "bromley-2023", concerns: "standard",
      receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: `C${++n}`, child1Dob: "2014-02-02",
    }, from);
    const ref = /SD-\d{4}-\d{4,}/.exec(JSON.stringify(opened))![0];
    return (await h.app.ctx.strats.findByRef(ref))!;
  };
  const sentTexts = () => h.sent.map((x) => String(x.body.text ?? ""));
  const openFor = async (caseRef: string) => (await h.app.ctx.strats.listOpen(500)).filter((s) => s.caseRef === caseRef);

  beforeAll(async () => {
    h = await startHarness({ JOBS_POLL_MS: "0" }, clock);
  });
  afterAll(async () => h?.stop());

  it("a mistyped command suggests the nearest one (Did you mean `status`?); a word far from every command does not", async () => {
    expect((await say("statsu"))[0].text).toMatch(/don't know the command `statsu`\. Did you mean `status`\?/);
    expect((await say("invite SD-2026-0001"))[0].text).toMatch(/Did you mean `invitees`\?/);
    expect((await say("help shedule"))[0].text).toMatch(/Did you mean `schedule`\?/);
    const far = (await say("frobnicate"))[0].text as string;
    expect(far).toMatch(/don't know the command `frobnicate`/);
    expect(far).not.toMatch(/Did you mean/);
  });

  it("with several strats open, a command without a reference offers a picker of buttons that send the command with the reference", async () => {
    const me = chair("p2");
    const a = await open("LCS-PICK-1", me);
    const b = await open("LCS-PICK-2", me);
    const replies = await say("invitees", me);
    const card = cardsIn(replies)[0];
    expect(card, JSON.stringify(replies).slice(0, 300)).toBeDefined();
    expect(JSON.stringify(card.body)).toMatch(/Which strategy discussion\?/);
    const buttons = (card.actions ?? []) as any[];
    const sent = buttons.map((x) => x.data?.command);
    // Action.Execute (Universal Actions), so the press works in Teams and in the Agents Playground alike
    expect(buttons.every((x) => x.type === "Action.Execute" && x.verb === "pickStrat")).toBe(true);
    expect(sent).toEqual(expect.arrayContaining([`invitees ${a.ref}`, `invitees ${b.ref}`]));
    expect(buttons.map((x) => x.title).join(" ")).toContain("LCS-PICK-1");
    // pressing one runs the command on that strat: its card replaces the picker
    const picked = await press("pickStrat", buttons.find((x) => x.data.command === `invitees ${b.ref}`).data, me);
    expect(picked.type).toBe("AdaptiveCard");
    expect(String(picked.body[0].text)).toContain(`Invitees · ${b.ref}`);
    // a command the bot does not have, sent by a forged button, runs nothing
    expect(String(await press("pickStrat", { command: "drop SD-2026-0001" }, me))).toMatch(/not recognised/);
    // someone else pressing the chair's button gets nothing of the strat
    const other = await press("pickStrat", { command: `invitees ${b.ref}` }, chair("stranger"));
    expect(JSON.stringify(other)).not.toContain("LCS-PICK-2");
  });

  it("reconvene … in 7 days says it cannot; reconvene of a strat still open asks first; nothing opens a second open strat silently", async () => {
    const me = chair("r3");
    const s = await open("LCS-RECON", me);
    const later = (await say(`reconvene ${s.ref} in 7 days`, me))[0];
    expect(cardsIn([later])).toHaveLength(0);
    expect(later.text).toMatch(/cannot open a follow-up "in 7 days"/);
    expect(await openFor("LCS-RECON")).toHaveLength(1);
    const refused = (await say(`reconvene ${s.ref}`, me))[0];
    expect(cardsIn([refused])).toHaveLength(0);
    expect(refused.text).toContain(`Case LCS-RECON already has an open strategy discussion, ${s.ref}`);
    expect(refused.text).toContain(`reconvene ${s.ref} anyway`);
    expect(await openFor("LCS-RECON")).toHaveLength(1);
    const opened = cardsIn(await say(`reconvene ${s.ref} anyway`, me))[0];
    expect(JSON.stringify(opened)).toContain(`Follow-up to ${s.ref}`);
    expect(JSON.stringify(opened)).toContain(`${s.ref} is still open`);
    expect(await openFor("LCS-RECON")).toHaveLength(2);
  });

  it("the chair is told when an agency declines (link page, through the job queue) or sends a delegate, and the attendance card shows apologies and delegates", async () => {
    // the chair's conversation reference is stored (normal delivery, to the stand-in connector)
    const me = chair("c1");
    await h.post(activity({ text: "help", from: me, conversation: { id: `conv-${me.id}`, conversationType: "personal" } }, h.serviceUrl));
    const s = await open("LCS-TELL", me);
    const inv = cardsIn(await say(`invitees ${s.ref}`, me))[0];
    const sentCard = await press("inviteesSend", findAction(inv, "inviteesSend").data, me);
    const links = [...JSON.stringify(sentCard).matchAll(/\/respond\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})/g)].map((m) => m[1]!);
    const st = (await h.app.ctx.strats.get(s.id))!.state;
    const police = st.invitees.find((i) => i.rule === "I-POL")!;
    const health = st.invitees.find((i) => i.rule === "I-BHC")!;
    const tokenFor = (id: string) => links.find((t) => Buffer.from(t.split(".")[0]!, "base64url").toString().split(".")[1] === id)!;
    const answer = (id: string, data: Record<string, unknown>) =>
      fetch(`${h.base}/respond/${tokenFor(id)}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ verb: "respond", data: { stratId: s.id, inviteeId: id, ...data } }) });
    expect((await answer(police.id, { kind: "declined", reason: "No officer free on Tuesday" })).status).toBe(200);
    expect((await answer(health.id, { kind: "delegate", delegateName: "Dr Rowe", delegateRole: "Named nurse" })).status).toBe(200);
    // an acceptance is not worth a message; a decline or a delegate is
    const other = st.invitees.find((i) => i.address && i.id !== police.id && i.id !== health.id && tokenFor(i.id))!;
    expect((await answer(other.id, { kind: "accepted" })).status).toBe(200);

    const before = sentTexts().length;
    const queued = (await h.app.ctx.jobs!.pending()).filter((j) => j.stratId === s.id && j.kind === "notify.answer");
    expect(queued).toHaveLength(2);
    await h.app.jobs.runOnce({ kinds: ["notify.answer"] });
    const told = sentTexts().slice(before).join("\n");
    expect(told).toContain(`${s.ref} (case LCS-TELL): ${police.agency} (${police.name}) declined: No officer free on Tuesday.`);
    expect(told).toContain(`${s.ref} (case LCS-TELL): ${health.agency} (${health.name}) is sending a delegate: Dr Rowe, Named nurse.`);
    expect(told).not.toMatch(/accepted/);
    // the free text stays out of the logs
    expect(h.logs.join("\n")).not.toContain("No officer free");

    const att = cardsIn(await say(`attendance ${s.ref}`, me))[0];
    const choices = (att.body as any[]).find((x) => x.id === "attended").choices.map((c: any) => c.title) as string[];
    expect(choices.find((c) => c.includes(`— ${police.name}`))).toMatch(/· apologies: No officer free on Tuesday/);
    expect(choices.find((c) => c.includes(`— ${health.name}`))).toMatch(/· delegate: Dr Rowe \(Named nurse\)/);
    expect(choices.find((c) => c.includes(`— ${other.name}`))).toMatch(/· accepted$/);
  });

  it("the booked message carries the Teams join link", async () => {
    const me = chair("c1");
    const s = await open("LCS-BOOKED", me);
    const before = sentTexts().length;
    await calendarEventsFor(h.app.ctx, h.app.ctx.notifier!).onBooked({
      stratId: s.id, intentId: "intent-1", eventId: "ev-1", joinUrl: "https://teams.example/l/meetup-join/abc", start: new Date("2026-11-25T10:00:00Z"), end: new Date("2026-11-25T11:00:00Z"),
    });
    const msg = sentTexts().slice(before).join("\n");
    expect(msg).toMatch(/the Teams meeting is booked for .*\[Join the Teams meeting\]\(https:\/\/teams\.example\/l\/meetup-join\/abc\)/);
  });
});
