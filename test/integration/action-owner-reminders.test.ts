import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activity, cardsIn, findAction, startHarness, type Harness } from "../support/harness.js";
import { testClock } from "../support/app-context.js";
import { appStore } from "../support/databases.js";

/**
 * Issue 13 point 5 (R-ACT, bristol-2024 4.8): each action's owner is reminded BEFORE its due time, through the one
 * queue (`reminder.action-owner`, one per action per due time): a mailbox owner by mail from the organiser mailbox
 * with their personal action link (case and strat reference only in the subject), a Teams owner proactively (the
 * chair is told when the owner cannot be reached). A done action is not reminded. Over real HTTP, with the real
 * bot, the harness's store, the job queue and the Graph stand-in.
 */
describe("action owners reminded before the due time", () => {
  let h: Harness;
  let store: Awaited<ReturnType<typeof appStore>>;
  const clock = testClock("2026-11-23T10:30:00Z"); // Mon 10:30 GMT
  const chairConv = { id: "conv-personal-chair", conversationType: "personal", tenantId: "tenant-1" }; // the default conversation of activity()
  const text = (c: unknown) => JSON.stringify(c);
  const say = async (t: string, over: Record<string, unknown> = {}) => (await h.post(activity({ text: t, deliveryMode: "expectReplies", ...over }))).body.activities as any[];
  const sayCard = async (t: string) => cardsIn(await say(t))[0];
  const press = async (verb: string, data: Record<string, unknown>) =>
    (await h.post(activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb, data } } }))).body.value;
  const toChair = () => h.sent.filter((x) => x.path.includes(`/conversations/${chairConv.id}/`)).map((x) => String(x.body.text ?? ""));
  const KINDS = { kinds: ["reminder.action-owner", "graph.mail"] as const };
  const run = async () => { for (let i = 0; i < 3; i++) await h.app.jobs.runOnce({ kinds: [...KINDS.kinds] }); };
  const mailsTo = (address: string, ref: string) => h.app.db.query<{ subject: string; html: string }>(
    "SELECT subject, html FROM standin_inbox WHERE kind = 'mail' AND mailbox = $1 AND subject LIKE $2 ORDER BY id", [address, `%${ref}%`]);
  const open = async (caseRef: string) => {
    const form = await sayCard("new");
    const opened = await press("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef, profile: "bromley-2023", concerns: "standard",
      receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "C1", child1Dob: "2014-02-02",
    });
    return (await h.app.ctx.strats.findByRef(/SD-\d{4}-\d{4,}/.exec(text(opened))![0]))!;
  };
  const addAction = async (ref: string, ownerInviteeId: string, what: string, byDate: string) => {
    const form = await sayCard(`action ${ref}`);
    await press("actionAdd", { ...findAction(form, "actionAdd").data, ownerInviteeId, ownerName: "", agency: "", what, byDate, byTime: "12:00", purpose: "Keep the child safe" });
  };

  beforeAll(async () => {
    store = await appStore({});
    h = await startHarness({ ...store.env, JOBS_POLL_MS: "0" }, clock);
    await h.post(activity({ text: "help", conversation: chairConv }, h.serviceUrl));
  });
  afterAll(async () => {
    await h?.stop();
    await store?.drop();
  });

  it("a mailbox owner gets exactly one reminder mail before the due time (refs-only subject, their action link); none once the action is done", async () => {
    const s = await open("LCS-REM-1");
    await sayCard(`invitees ${s.ref}`); // the recommended invitees are listed
    const police = (await h.app.ctx.strats.get(s.id))!.state.invitees.find((i) => i.rule === "I-POL" && i.address)!;
    await addAction(s.ref, police.id, "Run PNC checks on the household", "2026-11-27");
    await addAction(s.ref, police.id, "Speak to the school's DSL", "2026-11-30");
    const [a1, a2] = (await h.app.ctx.strats.get(s.id))!.state.actions;
    // a2 is done before its reminder is due (the chair marks it)
    const v = (await h.app.ctx.strats.get(s.id))!.version;
    await press("actionDone", { stratId: s.id, actionId: a2!.id, version: String(v), update: "" });

    await run();
    expect(await mailsTo(police.address!, s.ref)).toHaveLength(0); // not yet: 80% of the time to the due instant
    // a1: due Fri 27 Nov 12:00, added Mon 23 Nov 10:30 → reminded at 80% of 97.5 h = Thu 26 Nov 16:30
    clock.set("2026-11-26T16:31:00Z");
    await run();
    clock.set("2026-11-29T12:00:00Z"); // past a2's reminder time too: it is done, so no mail
    await run();
    const mails = await mailsTo(police.address!, s.ref);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(`Strategy discussion ${s.ref} (case LCS-REM-1): action ${a1!.id} due soon`);
    expect(mails[0]!.html).toContain("Run PNC checks on the household");
    expect(mails[0]!.html).toContain("Fri 27 Nov 2026, 12:00");
    expect(mails[0]!.html).toMatch(/\/respond\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}/);
    expect(mails[0]!.html).not.toContain("2014-02-02");
    expect(mails.map((m) => m.html).join("")).not.toContain("Speak to the school's DSL");
  }, 60_000);

  it("moving an action's due time (typed: action SD-… a1 due <when>) replaces its reminder: none at the old time, one at the new; the overdue notice follows; past or unreadable → the field named, nothing saved", async () => {
    clock.set("2026-11-23T10:30:00Z");
    const s = await open("LCS-REM-MOVE");
    await sayCard(`invitees ${s.ref}`);
    const police = (await h.app.ctx.strats.get(s.id))!.state.invitees.find((i) => i.rule === "I-POL" && i.address)!;
    await addAction(s.ref, police.id, "Check the address history", "2026-11-27");
    const a1 = (await h.app.ctx.strats.get(s.id))!.state.actions[0]!;

    // bad input: the field named, nothing saved
    for (const [when, words] of [["2026-11-20 12:00", /by when.*in the past/i], ["someday soon", /by when.*could not read/i]] as const) {
      const reply = text(await say(`action ${s.ref} ${a1.id} due ${when}`));
      expect(reply).toMatch(words);
      expect((await h.app.ctx.strats.get(s.id))!.state.actions[0]!.byWhen).toBe(a1.byWhen);
    }
    // moved later: Mon 30 Nov 12:00 (R-ACT), audited
    const moved = text(await say(`action ${s.ref} ${a1.id} due 2026-11-30 12:00`));
    expect(moved).toContain("Mon 30 Nov 2026, 12:00");
    expect((await h.app.ctx.strats.get(s.id))!.state.actions[0]!.byWhen).toBe("2026-11-30T12:00:00.000Z");
    const audit = await h.app.db.query<{ action: string }>("SELECT action FROM audit_log WHERE strat_id = $1 AND action = 'action.due-moved'", [s.id]);
    expect(audit).toHaveLength(1);

    // the old reminder time (Thu 26 Nov 16:30) and the old due time pass: no mail, no overdue notice
    const chairBefore = toChair().length;
    clock.set("2026-11-27T12:01:00Z");
    await run();
    await h.app.jobs.runOnce({ kinds: ["reminder.action"] });
    expect(await mailsTo(police.address!, s.ref)).toHaveLength(0);
    expect(toChair().slice(chairBefore).filter((t) => t.includes("Check the address history"))).toEqual([]);
    // the new one: 80% of the time from the move (Mon 23 Nov 10:30) to Mon 30 Nov 12:00 (169.5 h) = Sun 29 Nov 02:06
    clock.set("2026-11-29T02:05:00Z");
    await run();
    expect(await mailsTo(police.address!, s.ref)).toHaveLength(0);
    clock.set("2026-11-29T02:07:00Z");
    await run();
    const mails = await mailsTo(police.address!, s.ref);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.html).toContain("Mon 30 Nov 2026, 12:00");
    // the overdue notice at the new due time
    clock.set("2026-11-30T12:01:00Z");
    await h.app.jobs.runOnce({ kinds: ["reminder.action"] });
    expect(toChair().slice(chairBefore).filter((t) => t.startsWith("Overdue action") && t.includes("Check the address history"))).toHaveLength(1);
  }, 60_000);

  it("a Teams owner with no chat with the bot: the chair is told the owner could not be reached", async () => {
    clock.set("2026-11-23T10:30:00Z");
    const s = await open("LCS-REM-2");
    const pat = { id: "29:pat-rem", name: "Pat Rem" };
    await say(`invitees ${s.ref} add <at>${pat.name}</at> Early Help`, { entities: [{ type: "mention", text: `<at>${pat.name}</at>`, mentioned: pat }] });
    const patInvitee = (await h.app.ctx.strats.get(s.id))!.state.invitees.find((i) => i.teamsUserId === pat.id)!;
    await addAction(s.ref, patInvitee.id, "Visit the family at home", "2026-11-27");
    const before = toChair().length;
    clock.set("2026-11-26T16:31:00Z");
    await run();
    const told = toChair().slice(before).filter((t) => t.includes(s.ref));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain("could not be reached");
    expect(told[0]).toContain("Pat Rem");

    // once Pat has a chat with the bot, the reminder goes to Pat (and the chair is not told)
    const patConv = { id: "conv-personal-pat-rem", conversationType: "personal", tenantId: "tenant-1" };
    await h.post(activity({ text: "help", conversation: patConv, from: pat }, h.serviceUrl));
    clock.set("2026-11-23T10:30:00Z");
    await addAction(s.ref, patInvitee.id, "Call the GP", "2026-11-27");
    const chairBefore = toChair().length;
    clock.set("2026-11-26T16:31:00Z");
    await run();
    const toPat = h.sent.filter((x) => x.path.includes(`/conversations/${patConv.id}/`)).map((x) => String(x.body.text ?? ""));
    expect(toPat.filter((t) => t.includes("Call the GP"))).toEqual([
      expect.stringMatching(new RegExp(`^Reminder: your action a\\d+ on ${s.ref} \\(case LCS-REM-2\\) — Call the GP — is due by Fri 27 Nov 2026, 12:00`)),
    ]);
    expect(toChair().slice(chairBefore).filter((t) => t.includes("Call the GP") || t.includes("could not be reached"))).toEqual([]);
  }, 60_000);
});
