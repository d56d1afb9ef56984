import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ValidateFunction } from "ajv";
import { adaptiveCard15 } from "../support/contracts.js";
import { teamsHostProblems } from "../support/host-config.js";
import { cardsIn, findAction, startHarness, type Harness } from "../support/harness.js";
import { cardChat } from "../support/card-chat.js";
import { testClock } from "../support/app-context.js";
import { fillRecord } from "../support/fill-record.js";

/**
 * Issue 11 points 3–6, over the bot's HTTP endpoint with real botbuilder and the harness's store: a stale card
 * never replaces newer work without the chair's explicit choice; a press delivered twice changes things once and
 * answers with the first press's result; cards say only what happened (nothing is sent that is not sent); open
 * actions stay open, and can be finished, after the strat is closed.
 */
describe("card presses: stale cards, repeated presses, truthful cards, actions after close", () => {
  let h: Harness;
  let validate: ValidateFunction;
  const clock = testClock("2026-11-23T10:30:00Z");
  const text = (c: unknown) => JSON.stringify(c);
  const check = (card: any) => {
    expect(validate(card), JSON.stringify(validate.errors?.slice(0, 2))).toBe(true);
    expect(teamsHostProblems(card), String(card.body?.[0]?.text)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain("${");
    return card;
  };
  const chat = cardChat(() => h, check);
  const { say, sayCard, press, pressCard } = chat;
  /** What Teams sends for a button: the inputs' values as the card shows them, merged into the button's data. */
  const inputValues = (card: unknown): Record<string, string> => {
    const out: Record<string, string> = {};
    const walk = (n: unknown) => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === "object") {
        const o = n as Record<string, unknown>;
        if (typeof o.type === "string" && o.type.startsWith("Input.") && typeof o.id === "string" && o.value !== undefined) out[o.id] = String(o.value);
        Object.values(o).forEach(walk);
      }
    };
    walk(card);
    return out;
  };
  const stored = async (ref: string) => (await h.app.ctx.strats.findByRef(ref))!;
  /**
   * A refused card offers an explicit "use mine" choice; every other button of it, pressed with the inputs as the card
   * shows them (the chair's old entries), leaves the newer work as it is (`unchanged` checks it). Returns the explicit choice.
   */
  const onlyExplicitChoiceReplaces = async (refused: any, unchanged: () => Promise<void>) => {
    const buttons = refused.actions as any[];
    const replace = buttons.find((a) => /mine/i.test(a.title));
    expect(replace, "an explicit choice to replace the latest with the chair's entries").toBeDefined();
    for (const b of buttons.filter((a) => a !== replace)) {
      await pressCard(b.verb, { ...inputValues(refused), ...b.data });
      await unchanged();
    }
    return (over: Record<string, unknown> = {}) => pressCard(replace.verb, { ...inputValues(refused), ...replace.data, ...over });
  };

  const open = async (caseRef: string) => {
    const form = await sayCard("new");
    const opened = await pressCard("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef, profile: "bromley-2023", concerns: "standard",
      receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "C1", child1Dob: "2015-06-01",
    });
    const ref = /SD-\d{4}-\d{4,}/.exec(text(opened))![0];
    await sayCard(`invitees ${ref}`); // the recommended invitees (police and health among them)
    return ref;
  };
  const decisions = { s47: "initiate", enquiry: "joint", sharedWithFamily: "yes", icpc: "yes", lado: "not-applicable", riskAnalysis: "High risk tonight" };

  beforeAll(async () => {
    validate = adaptiveCard15();
    h = await startHarness({ SENIOR_MANAGER: "Head of Service, Safeguarding" }, clock);
  });
  afterAll(async () => h?.stop());

  it("point 3: an old plan card is refused with the latest plan and the chair's own text side by side; only an explicit choice replaces", async () => {
    const ref = await open("LCS-88001");
    const oldCard = await sayCard(`plan ${ref}`);
    await say(`plan ${ref} Newer plan: child stays with the grandmother tonight.`);
    const mine = "Older plan typed on the first card, never saved.";
    const refused = await pressCard("plan", { ...findAction(oldCard, "plan").data, plan: mine });
    expect(text(refused)).toMatch(/out of date/);
    expect(text(refused)).toContain("Newer plan: child stays with the grandmother tonight.");
    expect(text(refused)).toContain(mine);
    const newer = async () => expect((await stored(ref)).state.plan!.text).toBe("Newer plan: child stays with the grandmother tonight.");
    // the same old press again (Teams redelivers, or the chair presses again): still refused
    await press("plan", { ...findAction(oldCard, "plan").data, plan: mine });
    await newer();
    // every button of the refusal that is not the explicit "use mine" choice, pressed as the card shows it, keeps the newer plan
    const useMine = await onlyExplicitChoiceReplaces(refused, newer);
    // the explicit choice replaces
    const chosen = await useMine();
    expect(text(chosen)).toContain("Interim safety plan saved");
    expect((await stored(ref)).state.plan!.text).toBe(mine);
  });

  it("point 3: an old decisions card is refused with the latest decisions beside the chair's; only an explicit choice replaces", async () => {
    const ref = await open("LCS-88002");
    const oldCard = await sayCard(`decide ${ref}`);
    const fresh = await sayCard(`decide ${ref}`);
    await pressCard("decide", { ...findAction(fresh, "decide").data, ...decisions, criminalInvestigation: "Police investigate now" });
    // the old card, filled in differently: no section 47
    const refused = await pressCard("decide", {
      ...findAction(oldCard, "decide").data, s47: "no", noS47Outcome: "early-help", sharedWithFamily: "yes", criminalInvestigation: "None",
    });
    expect(text(refused)).toMatch(/out of date/);
    expect(text(refused)).toContain("Police investigate now"); // the latest, shown
    expect(inputValues(refused)).toMatchObject({ s47: "no", criminalInvestigation: "None" }); // the chair's, kept in the form
    const useMine = await onlyExplicitChoiceReplaces(refused, async () =>
      expect((await stored(ref)).state.decisions).toMatchObject({ s47: "initiate", criminalInvestigation: "Police investigate now" }));
    await useMine();
    expect((await stored(ref)).state.decisions).toMatchObject({ s47: "no", noS47Outcome: "early-help", criminalInvestigation: "None" });
  });

  it("point 3: an old attendance card is refused with the saved attendance beside the chair's ticks; only an explicit choice replaces", async () => {
    const ref = await open("LCS-88006");
    const oldCard = await sayCard(`attendance ${ref}`);
    const police = (await stored(ref)).state.invitees.find((i) => i.quorumRole === "police")!;
    const health = (await stored(ref)).state.invitees.find((i) => i.quorumRole === "health")!;
    await pressCard("attendance", { ...findAction(await sayCard(`attendance ${ref}`), "attendance").data, attended: `${police.id},${health.id}` });
    const refused = await pressCard("attendance", { ...findAction(oldCard, "attendance").data, attended: police.id, inquorateReason: "Health did not come" });
    expect(text(refused)).toMatch(/out of date/);
    expect(text(refused)).toMatch(/Attended \(differs from yours\)/);
    expect(inputValues(refused)).toMatchObject({ attended: police.id, inquorateReason: "Health did not come" });
    const useMine = await onlyExplicitChoiceReplaces(refused, async () => expect((await stored(ref)).state.attendance!.quorate).toBe(true));
    await useMine();
    expect((await stored(ref)).state.attendance).toMatchObject({ quorate: false, inquorateReason: "Health did not come" });
  });

  it("point 3: an old schedule card is refused with the meeting time saved since beside the chair's; only an explicit choice moves it", async () => {
    const ref = await open("LCS-88007");
    const oldCard = await sayCard(`schedule ${ref}`);
    await pressCard("schedule", { ...findAction(await sayCard(`schedule ${ref}`), "schedule").data, slot: "other", date: "2026-11-24", time: "10:00", minutes: "60" });
    const refused = await pressCard("schedule", { ...findAction(oldCard, "schedule").data, slot: "other", date: "2026-11-24", time: "14:00", minutes: "60" });
    expect(text(refused)).toMatch(/out of date: the strategy discussion was changed since.*Compare the meeting time saved now/);
    expect(text(refused)).toMatch(/Start \(UK\) \(differs from yours\)","value":"10:00"/);
    expect(inputValues(refused)).toMatchObject({ date: "2026-11-24", time: "14:00" });
    const at10 = async () => expect((await stored(ref)).state.meeting!.start).toBe("2026-11-24T10:00:00.000Z");
    const useMine = await onlyExplicitChoiceReplaces(refused, at10);
    await useMine();
    expect((await stored(ref)).state.meeting!.start).toBe("2026-11-24T14:00:00.000Z");
  });

  it("point 3: an old dissent card keeps the chair's outcome beside the outcome saved since (R-DIS); only an explicit choice replaces", async () => {
    const ref = await open("LCS-88008");
    const form = await sayCard(`dissent ${ref}`);
    await pressCard("dissentAdd", { ...findAction(form, "dissentAdd").data, agency: "Police", decision: "Single agency enquiry", reason: "A joint enquiry is needed" });
    const oldCard = await sayCard(`dissent ${ref}`);
    const id = (await stored(ref)).state.dissents[0]!.id;
    const saved = "Resolved: police agree after the call.";
    await pressCard("dissentResolve", { ...findAction(await sayCard(`dissent ${ref}`), "dissentResolve").data, dissentId: id, outcome: saved });
    const mine = "Not resolved: police still disagree, so it goes to senior managers.";
    const refused = await pressCard("dissentEscalate", { ...findAction(oldCard, "dissentEscalate").data, dissentId: id, outcome: mine });
    expect(text(refused)).toMatch(/out of date/);
    expect(text(refused)).toContain(saved); // the latest, shown
    expect(inputValues(refused)).toMatchObject({ dissentId: id, outcome: mine }); // the chair's, kept in the form
    const stages = async () => (await stored(ref)).state.dissents[0]!.stages.map((x) => [x.stage, x.outcome]);
    const useMine = await onlyExplicitChoiceReplaces(refused, async () => expect(await stages()).toEqual([["chair", saved]]));
    await useMine();
    expect(await stages()).toEqual([["chair", mine], ["senior-managers", null]]);
  });

  it("point 3: an old invitees card keeps the chair's add and remove entries beside what is saved now; only an explicit choice saves them", async () => {
    const ref = await open("LCS-88009");
    const oldCard = await sayCard(`invitees ${ref}`);
    const police = (await stored(ref)).state.invitees.find((i) => i.quorumRole === "police")!;
    // newer work on a fresh card: the police removed, with a reason
    await pressCard("inviteeRemove", { ...findAction(await sayCard(`invitees ${ref}`), "inviteeRemove").data, removeId: police.id, removeReason: "Police attend through the MASH" });
    const current = async () => (await stored(ref)).state.invitees.filter((i) => !i.removed).map((i) => i.id);
    const before = await current();

    const add = { addEmail: "dsl@school.example.org", addName: "Ms Patel (DSL)", addAgency: "Education" };
    const refused = await pressCard("inviteeAdd", { ...findAction(oldCard, "inviteeAdd").data, ...add });
    expect(text(refused)).toMatch(/out of date/);
    expect(inputValues(refused)).toMatchObject(add);
    const useMine = await onlyExplicitChoiceReplaces(refused, async () => expect(await current()).toEqual(before));
    expect(text(await useMine())).toMatch(/Added i\d+: Ms Patel \(DSL\)/);
    expect((await stored(ref)).state.invitees.filter((i) => i.address === add.addEmail && !i.removed)).toHaveLength(1);

    // the same old card's Remove: the saved removal (and its reason) beside the chair's own reason, kept in the form
    const mine = "Police are not needed for this referral";
    const refusedRemove = await pressCard("inviteeRemove", { ...findAction(oldCard, "inviteeRemove").data, removeId: police.id, removeReason: mine });
    expect(text(refusedRemove)).toMatch(/out of date/);
    expect(text(refusedRemove)).toMatch(/Saved now: the invitees.*Police attend through the MASH/);
    expect(inputValues(refusedRemove)).toMatchObject({ removeId: police.id, removeReason: mine });
    const kept = await onlyExplicitChoiceReplaces(refusedRemove, async () =>
      expect((await stored(ref)).state.invitees.find((i) => i.id === police.id)!.removed!.reason).toBe("Police attend through the MASH"));
    expect(kept).toBeDefined();
  });

  it("point 4: Add, Remove and Send invitations on the invitees card, and the missing-child score, pressed twice change things once and answer with the first press's result", async () => {
    const ref = await open("LCS-88010");
    const trail = async () => (await h.app.ctx.strats.auditTrail((await stored(ref)).id)).map((a) => a.action);
    const count = async (action: string) => (await trail()).filter((a) => a === action).length;

    const add = { ...findAction(await sayCard(`invitees ${ref}`), "inviteeAdd").data, addEmail: "dsl@school.example.org", addName: "Ms Patel (DSL)", addAgency: "Education" };
    expect(text(await pressCard("inviteeAdd", add))).toMatch(/Added i\d+: Ms Patel \(DSL\) \(Education\)/);
    const addedAgain = text(await pressCard("inviteeAdd", add));
    expect(addedAgain).not.toMatch(/out of date|Nothing was saved/);
    expect(addedAgain).toMatch(/Already added i\d+: Ms Patel \(DSL\) \(Education\)/);
    expect(await count("invitees.added")).toBe(1);

    const added = (await stored(ref)).state.invitees.find((i) => i.address === "dsl@school.example.org")!;
    const remove = { ...findAction(await sayCard(`invitees ${ref}`), "inviteeRemove").data, removeId: added.id, removeReason: "" };
    expect(text(await pressCard("inviteeRemove", remove))).toContain(`Removed ${added.id}.`);
    const removedAgain = text(await pressCard("inviteeRemove", remove));
    expect(removedAgain).not.toMatch(/out of date|Nothing was saved/);
    expect(removedAgain).toContain(`Already removed ${added.id}`);
    expect(await count("invitees.removed")).toBe(1);

    const send = findAction(await sayCard(`invitees ${ref}`), "inviteesSend").data;
    const sent = text(await pressCard("inviteesSend", send));
    expect(sent).toMatch(/Invitations: 0 in Teams/);
    const sentAgain = text(await pressCard("inviteesSend", send));
    expect(sentAgain).not.toMatch(/out of date|Nothing was saved/);
    expect(sentAgain).toMatch(/Invitations already sent .*Invitations: 0 in Teams/);
    expect(await count("invitations.sent")).toBe(1);

    const tool = await sayCard(`missing ${ref}`);
    const toggle = (tool.body as any[]).flatMap((b) => b.items ?? []).find((i: any) => i.type === "Input.Toggle");
    const score = { ...inputValues(tool), ...findAction(tool, "missingScore").data, [toggle.id]: toggle.valueOn, managerComments: "Low risk for now" };
    const scored = text(await pressCard("missingScore", score));
    const result = /Score \d+: [A-Z]+/.exec(scored)![0];
    const scoredAgain = text(await pressCard("missingScore", score));
    expect(scoredAgain).not.toMatch(/out of date|Nothing was saved/);
    expect(scoredAgain).toContain(result);
    expect(scoredAgain).toMatch(/already scored and saved/i);
    expect(await count("missing.assessed")).toBe(1);
  });

  it("point 4: Book, Add update and Done pressed twice change things once and answer with the first press's result", async () => {
    const ref = await open("LCS-88003");
    const sched = await sayCard(`schedule ${ref}`);
    const book = { ...findAction(sched, "schedule").data, slot: "other", date: "2026-11-24", time: "10:00", minutes: "60" };
    const first = await pressCard("schedule", book);
    expect(text(first)).toContain("Meeting set for Tue 24 Nov 2026, 10:00");
    const second = await pressCard("schedule", book);
    expect(text(second)).not.toMatch(/out of date|Nothing was saved/);
    expect(text(second)).toContain("Tue 24 Nov 2026, 10:00");
    const trail = async () => (await h.app.ctx.strats.auditTrail((await stored(ref)).id)).map((a) => a.action);
    expect((await trail()).filter((a) => a === "meeting.set")).toHaveLength(1);

    const added = cardsIn(await say(`action ${ref} police: PC Lee to visit the school by Fri 12:00 — purpose: speak to the DSL`))[0];
    const id = (await stored(ref)).state.actions[0]!.id;
    const update = { ...findAction(added, "actionUpdate").data, update: "Called the school" };
    expect(text(await pressCard("actionUpdate", update))).toContain("Update added");
    expect(text(await pressCard("actionUpdate", update))).toContain("Update already added");
    const done = findAction(added, "actionDone").data;
    expect(text(await pressCard("actionDone", done))).toContain("Marked done");
    expect(text(await pressCard("actionDone", done))).toMatch(/already marked done/i);
    const action = (await stored(ref)).state.actions.find((a) => a.id === id)!;
    expect(action.updates.map((u) => [u.text, u.status])).toEqual([["Called the school", "open"], ["done", "done"]]);
  });

  it("point 5: after close the card says when the record is due and how it is sent; inquorate says who should be told, not that they were", async () => {
    const ref = await open("LCS-88004");
    const att = await sayCard(`attendance ${ref}`);
    expect(text(att)).not.toMatch(/is escalated to/);
    const recorded = await pressCard("attendance", { ...findAction(att, "attendance").data, attended: "", inquorateReason: "Neither police nor health could attend" });
    expect(text(recorded)).not.toMatch(/escalated to/);
    expect(text(recorded)).toMatch(/Head of Service, Safeguarding should be told/);
    expect(text(recorded)).toMatch(/this app cannot send it \(SENIOR_MANAGER is not an email address or a Teams user id\), so tell them yourself/);
    const status = await sayCard(`status ${ref}`);
    expect(text(status)).not.toMatch(/escalated to/);
    expect(text(status)).toMatch(/Head of Service, Safeguarding should be told/);

    await pressCard("decide", { ...findAction(await sayCard(`decide ${ref}`), "decide").data, ...decisions });
    await fillRecord(chat, ref);
    await say(`plan ${ref} Child stays with the grandmother; no contact with the father.`);
    const ready = await sayCard(`close ${ref}`);
    const closed = await pressCard("close", findAction(ready, "close").data);
    expect(text(closed)).not.toMatch(/goes to everyone/);
    expect(text(closed)).toMatch(/due to everyone invited by Tue 24 Nov 2026, 10:30\. This app is sending it by email to each invitee with a mailbox.*\(Protocol rule T-REC\.\)/);
    expect(text(closed)).toMatch(/send it yourself to anyone without one/);
    // Verify delivered twice: the same answer, not "out of date"
    const again = await pressCard("close", findAction(ready, "close").data);
    expect(text(again)).not.toMatch(/out of date/);
    expect(text(again)).toMatch(/due to everyone invited by Tue 24 Nov 2026, 10:30\. This app is sending it by email to each invitee with a mailbox.*\(Protocol rule T-REC\.\)/);
  });

  it("point 3: a close card is not out of date because the app recorded a duty it carried out since (an escalation, a notification)", async () => {
    const ref = await open("LCS-88006");
    await pressCard("attendance", { ...findAction(await sayCard(`attendance ${ref}`), "attendance").data, attended: "", inquorateReason: "No one came" });
    await pressCard("decide", { ...findAction(await sayCard(`decide ${ref}`), "decide").data, ...decisions });
    await fillRecord(chat, ref);
    await say(`plan ${ref} Child stays with the grandmother; no contact with the father.`);
    const shown = await sayCard(`close ${ref}`);
    // The app records a duty it carried out (what the job queue does: the inquorate escalation, a notification)
    // after the close card was shown: a change by the app, not by the chair or a deputy.
    const shownVersion = Number(findAction(shown, "close").data.version);
    const s = await stored(ref);
    await h.app.ctx.strats.mutate(s.id, (cur) => ({ change: { state: cur.state }, audit: { actor: "app", action: "invitee.notified", detail: {} }, result: null }));
    expect((await stored(ref)).version).toBeGreaterThan(shownVersion);
    const closed = await pressCard("close", findAction(shown, "close").data);
    expect(text(closed)).not.toMatch(/out of date/);
    expect((await stored(ref)).status).toBe("closed");
  });

  it("point 6: an open action of a closed strat is still listed by mine and can be updated and marked done", async () => {
    const ref = await open("LCS-88005");
    await pressCard("attendance", { ...findAction(await sayCard(`attendance ${ref}`), "attendance").data, attended: "", inquorateReason: "No one came" });
    await pressCard("decide", { ...findAction(await sayCard(`decide ${ref}`), "decide").data, ...decisions });
    await fillRecord(chat, ref);
    await say(`plan ${ref} Child stays with the grandmother; no contact with the father.`);
    const owner = cardsIn(await say(`action ${ref} health: Dr Shah to arrange a medical by Fri 12:00 — purpose: check injuries`))[0];
    await pressCard("close", findAction(await sayCard(`close ${ref}`), "close").data);
    expect((await stored(ref)).status).toBe("closed");

    const mine = await sayCard("mine");
    expect(text(mine)).toContain(`${ref} a`);
    expect(text(mine)).toContain("Dr Shah (health)");
    expect(text(mine)).not.toContain("None open");
    expect(text(mine)).toContain("the strat is closed; the action is open until done");

    const updated = await pressCard("actionUpdate", { ...findAction(owner, "actionUpdate").data, update: "Medical booked for Thursday" });
    expect(text(updated)).toContain("Update added");
    expect(findAction(updated, "actionDone"), "still open: Done is offered after close").toBeDefined();
    const done = await pressCard("actionDone", findAction(updated, "actionDone").data);
    expect(text(done)).toContain("Marked done");
    expect((await stored(ref)).state.actions[0]!.status).toBe("done");
    // the done action is gone from mine (the closed strat's follow-on deadlines stay listed: issue 13 point 5)
    expect(text(await sayCard("mine"))).not.toContain(`${ref} a`);
  });
});
