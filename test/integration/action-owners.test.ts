import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activity, cardsIn, findAction, startHarness, type Harness } from "../support/harness.js";
import { testClock } from "../support/app-context.js";

/**
 * Issue 12 point 7 (bristol-2024 4.8, R-ACT): actions owned by agencies. The chair picks the owner from the invitees;
 * the owner marks progress and done — in Teams (their Teams id), or outside the tenant on their personal response
 * link page — and the chair is told once (a `notify.action` job per update) and sees it on status and `mine`.
 * Anyone else is refused with nothing saved. Over real HTTP, with the real bot, store and job queue.
 */
describe("actions owned by agencies (issue 12 point 7)", () => {
  let h: Harness;
  const clock = testClock("2026-11-23T10:30:00Z");
  let n = 0;
  const chairConv = { id: "conv-personal-chair", conversationType: "personal" };
  const text = (c: unknown) => JSON.stringify(c);
  const say = async (t: string) => (await h.post(activity({ text: t, deliveryMode: "expectReplies" }))).body.activities as any[];
  const sayCard = async (t: string) => cardsIn(await say(t))[0];
  const press = async (verb: string, data: Record<string, unknown>, from?: Record<string, unknown>) =>
    (await h.post(activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb, data } }, ...(from ? { from } : {}) }))).body.value;
  const toChair = () => h.sent.filter((x) => x.path.includes(`/conversations/${chairConv.id}/`)).map((x) => String(x.body.text ?? ""));
  const open = async (caseRef: string) => {
    const form = await sayCard("new");
    const opened = await press("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef, profile: "bromley-2023", concerns: "standard",
      receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: `C${++n}`, child1Dob: "2014-02-02",
    });
    const ref = /SD-\d{4}-\d{4,}/.exec(text(opened))![0];
    return (await h.app.ctx.strats.findByRef(ref))!;
  };
  const stateOf = async (id: string) => (await h.app.ctx.strats.get(id))!.state;
  /** The chair adds an action on the card, owned by the invitee `ownerInviteeId`. */
  const addAction = async (stratId: string, ref: string, ownerInviteeId: string, what: string) => {
    const form = await sayCard(`action ${ref}`);
    return press("actionAdd", {
      ...findAction(form, "actionAdd").data, ownerInviteeId, ownerName: "", agency: "", what, byDate: "2026-11-27", byTime: "12:00", purpose: "Keep the child safe",
    });
  };
  /** Sends the invitations and returns each mailbox invitee's personal link token. */
  const linksOf = async (ref: string) => {
    const sent = await press("inviteesSend", findAction(await sayCard(`invitees ${ref}`), "inviteesSend").data);
    const tokens = [...text(sent).matchAll(/\/respond\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})/g)].map((m) => m[1]!);
    return (inviteeId: string) => tokens.find((t) => Buffer.from(t.split(".")[0]!, "base64url").toString().split(".")[1] === inviteeId)!;
  };
  const post = async (token: string, verb: string, data: Record<string, unknown>) => {
    const r = await fetch(`${h.base}/respond/${token}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ verb, data }) });
    return { status: r.status, body: await r.json() as { message: string; card?: unknown } };
  };

  beforeAll(async () => {
    h = await startHarness({ JOBS_POLL_MS: "0" }, clock);
    // the chair's conversation reference is stored (normal delivery, to the stand-in connector)
    await h.post(activity({ text: "help", conversation: chairConv }, h.serviceUrl));
  });
  afterAll(async () => h?.stop());

  it("the owner in Teams marks done and the chair is told once; anyone else is refused with nothing saved", async () => {
    const s = await open("LCS-ACT-1");
    const pat = { id: "29:pat-act", name: "Pat Smith", aadObjectId: "00000000-0000-4000-8000-0000000000a7" };
    const kit = { id: "29:kit-act", name: "Kit Jones", aadObjectId: "00000000-0000-4000-8000-0000000000a8" };
    for (const [user, agency] of [[pat, "Early Help"], [kit, "Youth Justice"]] as const) {
      await h.post(activity({
        text: `invitees ${s.ref} add <at>${user.name}</at> ${agency}`, deliveryMode: "expectReplies",
        entities: [{ type: "mention", text: `<at>${user.name}</at>`, mentioned: { id: user.id, name: user.name } }],
      }));
    }
    const patInvitee = (await stateOf(s.id)).invitees.find((i) => i.teamsUserId === pat.id)!;
    // the action card offers the invitees as "<name> (<agency>)"
    const form = await sayCard(`action ${s.ref}`);
    const owners = (form.body as any[]).find((x) => x.id === "ownerInviteeId");
    expect(owners.choices).toContainEqual({ title: "Pat Smith (Early Help)", value: patInvitee.id });
    const added = await addAction(s.id, s.ref, patInvitee.id, "Visit the family at home");
    expect(text(added)).toContain("Pat Smith (Early Help)");
    const a = (await stateOf(s.id)).actions.at(-1)!;
    expect(a).toMatchObject({ ownerInviteeId: patInvitee.id, ownerTeamsUserId: pat.id, owner: { name: "Pat Smith", agency: "Early Help" } });
    const v = (await h.app.ctx.strats.get(s.id))!.version;

    // another invitee presses Done on the owner's card: refused, nothing saved
    const refused = await press("actionDone", { stratId: s.id, actionId: a.id, version: String(v) }, kit);
    expect(text(refused)).toContain("Only the owner (Pat Smith) or the chair can update this action");
    // someone with no part in the strat learns nothing of it (not even the owner's name): refused, nothing saved
    const mallory = { id: "29:mallory-act", name: "Mallory", aadObjectId: "00000000-0000-4000-8000-0000000000b7" };
    const stranger = await press("actionDone", { stratId: s.id, actionId: a.id, version: String(v) }, mallory);
    expect(text(stranger)).toContain("This card is not for you");
    expect(text(stranger)).not.toContain("Pat Smith");
    expect((await h.app.ctx.strats.get(s.id))!.version).toBe(v);
    // the owner's empty update: the field is named, nothing saved
    const empty = await press("actionUpdate", { stratId: s.id, actionId: a.id, version: String(v), update: " " }, pat);
    expect(text(empty)).toMatch(/Update: the box is empty/);
    expect((await h.app.ctx.strats.get(s.id))!.version).toBe(v);

    // the owner finds it on `mine` (not the other invitee), and opens its card from there
    const mineOf = async (from: Record<string, unknown>) =>
      cardsIn((await h.post(activity({ text: "mine", deliveryMode: "expectReplies", from }))).body.activities)[0];
    const patMine = await mineOf(pat);
    expect(text(patMine)).toContain("Visit the family at home");
    expect(text(await mineOf(kit))).not.toContain("Visit the family at home");
    const openBtn = JSON.stringify(patMine).match(/"verb":"actionOpen","data":(\{[^}]*\})/)!;
    expect(JSON.parse(openBtn[1]!)).toEqual({ stratId: s.id, actionId: a.id });
    expect(text(await press("actionOpen", JSON.parse(openBtn[1]!), pat))).toContain(`Action ${a.id} · ${s.ref}`);

    // the owner marks it done and sees it
    const before = toChair().length;
    const done = await press("actionDone", { stratId: s.id, actionId: a.id, version: String(v), update: "" }, pat);
    expect(text(done)).toContain("Marked done.");
    expect((await stateOf(s.id)).actions.find((x) => x.id === a.id)).toMatchObject({ status: "done", updates: [{ status: "done", via: "teams", by: patInvitee.id }] });
    // Done again: already done, nothing saved
    const v2 = (await h.app.ctx.strats.get(s.id))!.version;
    const again = await press("actionDone", { stratId: s.id, actionId: a.id, version: String(v2), update: "" }, pat);
    expect(text(again)).toContain(`Action ${a.id} is already done`);
    expect((await h.app.ctx.strats.get(s.id))!.version).toBe(v2);

    // the chair is told once, however many rounds run
    await h.app.jobs.runOnce({ kinds: ["notify.action"] });
    await h.app.jobs.runOnce({ kinds: ["notify.action"] });
    const told = toChair().slice(before).filter((t) => t.includes(`Action ${a.id} (Early Help)`));
    expect(told).toEqual([`${s.ref} (case LCS-ACT-1): Action ${a.id} (Early Help): marked done by Pat Smith in Teams. Type status ${s.ref} to see every action.`]);
  });

  it("the owner outside the tenant adds an update and marks done on their link page (actions added after the invitations went out); the chair sees it", async () => {
    const s = await open("LCS-ACT-2");
    const tokenFor = await linksOf(s.ref);
    const police = (await stateOf(s.id)).invitees.find((i) => i.rule === "I-POL")!;
    const token = tokenFor(police.id);
    expect(token).toBeTruthy();
    // the action is added after the invitations went out: the same link keeps working
    await addAction(s.id, s.ref, police.id, "Run PNC checks on the household");
    const a = (await stateOf(s.id)).actions.at(-1)!;
    const page = await (await fetch(`${h.base}/respond/${token}`)).text();
    expect(page).toContain("Your actions (1)");
    expect(page).toContain("Run PNC checks on the household");
    expect(page).toContain(`update-${a.id}`);

    const ids = { stratId: s.id, inviteeId: police.id, actionId: a.id };
    const v = (await h.app.ctx.strats.get(s.id))!.version;
    const empty = await post(token, "actionUpdate", { ...ids, [`update-${a.id}`]: "  " });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toMatch(/Update: the box is empty.*Nothing was saved/);
    expect((await h.app.ctx.strats.get(s.id))!.version).toBe(v);

    const before = toChair().length;
    const upd = await post(token, "actionUpdate", { ...ids, [`update-${a.id}`]: "Checks requested from the PNC bureau" });
    expect(upd.status).toBe(200);
    expect(text(upd.body.card)).toContain("Latest: ");
    const done = await post(token, "actionDone", { ...ids, [`update-${a.id}`]: "" });
    expect(done.status).toBe(200);
    expect(done.body.message).toContain(`Action ${a.id} marked done`);
    const again = await post(token, "actionDone", ids);
    expect(again.status).toBe(400);
    expect(again.body.message).toContain("already done");
    expect((await stateOf(s.id)).actions.find((x) => x.id === a.id)!.updates.map((u) => [u.status, u.via, u.by])).toEqual([
      ["open", "link", police.id], ["done", "link", police.id],
    ]);

    await h.app.jobs.runOnce({ kinds: ["notify.action"] });
    const told = toChair().slice(before).filter((t) => t.includes(`Action ${a.id} (${police.agency})`));
    expect(told).toHaveLength(2);
    expect(told.join("\n")).toContain(`update by ${police.name} via their link: Checks requested from the PNC bureau`);
    expect(told.join("\n")).toContain(`Action ${a.id} (${police.agency}): marked done by ${police.name} via their link`);
    // the update's text goes to the chair in Teams, never to the logs
    expect(h.logs.join("\n")).not.toContain("PNC bureau");
    const status = text(await sayCard(`status ${s.ref}`));
    expect(status).toContain(`${a.id} · ${police.name} (${police.agency}) — Run PNC checks on the household · by Fri 27 Nov 2026, 12:00 · done · latest: `);
    expect(status).toContain(`marked done by ${police.name} via their link`);
  });

  it("a link for another strat's invitee cannot touch this strat's actions", async () => {
    const a = await open("LCS-ACT-3");
    await linksOf(a.ref);
    const police = (await stateOf(a.id)).invitees.find((i) => i.rule === "I-POL")!;
    await addAction(a.id, a.ref, police.id, "Visit the school");
    const action = (await stateOf(a.id)).actions.at(-1)!;
    const b = await open("LCS-ACT-4");
    const tokenB = await linksOf(b.ref);
    const policeB = (await stateOf(b.id)).invitees.find((i) => i.rule === "I-POL")!;
    const va = (await h.app.ctx.strats.get(a.id))!.version;
    // strat A's ids on strat B's link: refused
    const forged = await post(tokenB(policeB.id), "actionDone", { stratId: a.id, inviteeId: police.id, actionId: action.id });
    expect(forged.status).toBe(403);
    expect(forged.body.message).toContain("Nothing was saved");
    // B's own ids but an action B's invitee does not own (same id a1 on strat B, owned by nobody there): refused
    await addAction(b.id, b.ref, (await stateOf(b.id)).invitees.find((i) => i.rule !== "I-POL")!.id, "Someone else's action");
    const other = (await stateOf(b.id)).actions.at(-1)!;
    const vb = (await h.app.ctx.strats.get(b.id))!.version;
    const notMine = await post(tokenB(policeB.id), "actionDone", { stratId: b.id, inviteeId: policeB.id, actionId: other.id });
    expect(notMine.status).toBe(403);
    expect(notMine.body.message).toContain("Only the owner");
    expect((await h.app.ctx.strats.get(a.id))!.version).toBe(va);
    expect((await h.app.ctx.strats.get(b.id))!.version).toBe(vb);
    expect((await stateOf(a.id)).actions.find((x) => x.id === action.id)!.status).toBe("open");
  });
});
