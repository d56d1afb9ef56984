import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addStratInvitee, recordStratAttendance, removeStratInvitee } from "../../src/app/strat-commands.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import { activity, cardsIn, findAction, inputIds, startHarness, type Harness } from "../support/harness.js";
import { testClock } from "../support/app-context.js";
import { recordReturn } from "../../src/domain/missing/episode.js";

/**
 * Issue 12 points 8 and 10, over real HTTP with the real bot and store.
 * 8 (I-C2C, bromley-2023 §2): a child alleged to have harmed another child gets a strat of their own, with a
 * different chair: `new` asks, opens one strat per child (same case, linked both ways), atomically; the same
 * chair for both, or no child marked, is refused with the field named and nothing opened.
 * 10 (bromley-2023 Appendix 5): the police officer who attended a looked-after child's missing strat is invited
 * again on `reconvene`, with the reason.
 */
describe("child harmed by another child; the named police officer kept (issue 12 points 8, 10)", () => {
  let h: Harness;
  const clock = testClock("2026-11-23T10:30:00Z");
  const from = { id: "29:c2c", name: "Sam Chair", aadObjectId: "aad-c2c" };
  const conversation = { id: "conv-c2c", conversationType: "personal" };
  const say = async (text: string) =>
    (await h.post(activity({ text, deliveryMode: "expectReplies", from, conversation }))).body.activities as any[];
  const press = async (verb: string, data: Record<string, unknown>) =>
    (await h.post(activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb, data } }, from, conversation }))).body.value;
  const forCase = async (caseRef: string): Promise<Strat[]> => (await h.app.ctx.strats.listOpen(500)).filter((s) => s.caseRef === caseRef);
  const form = async (caseRef: string, over: Record<string, unknown>) => {
    const card = cardsIn(await say("new"))[0];
    return {
      requestId: findAction(card, "openStrat").data.requestId, caseRef, profile: "bromley-2023", concerns: "standard",
      receivedDate: "2026-11-23", receivedTime: "10:00",
      child1Ref: "C-A1", child1Dob: "2012-02-02", child2Ref: "C-B2", child2Dob: "2015-03-03", child3Ref: "C-C3", child3Dob: "2021-04-04",
      ...over,
    };
  };

  beforeAll(async () => {
    h = await startHarness({ JOBS_POLL_MS: "0" }, clock);
  });
  afterAll(async () => h?.stop());

  it("the new card asks whether a child is alleged to have harmed another child, each child's role and each strat's chair (I-C2C)", async () => {
    const card = cardsIn(await say("new"))[0];
    expect(JSON.stringify(card)).toContain("Is a child alleged to have harmed another child?");
    expect(inputIds(card)).toEqual(expect.arrayContaining(["childOnChild", "child1Role", "child2Role", "child3Role", "harmedChair", "harmerChair"]));
  });

  it("yes: one strat per child, same case, own refs, different chairs, linked both ways; the younger child goes with the harmed child (I-C2C)", async () => {
    const data = await form("LCS-C2C-1", {
      childOnChild: "yes", child1Role: "harmer", child2Role: "harmed", child3Role: "other",
      child1Flags: "lookedAfter", harmedChair: "Alex Harmed-Worker", harmerChair: "Bo Harmer-Worker",
    });
    const opened = await press("openStrat", data);
    const text = JSON.stringify(opened);
    const strats = await forCase("LCS-C2C-1");
    expect(strats).toHaveLength(2);
    const harmed = strats.find((s) => s.referral.children.some((c) => c.ref === "C-B2"))!;
    const harmer = strats.find((s) => s.referral.children.some((c) => c.ref === "C-A1"))!;
    expect(harmed.referral.children.map((c) => c.ref)).toEqual(["C-B2", "C-C3"]);
    expect(harmer.referral.children.map((c) => c.ref)).toEqual(["C-A1"]);
    expect(harmed.ref).not.toBe(harmer.ref);
    expect(harmed.chairName).toBe("Alex Harmed-Worker");
    expect(harmer.chairName).toBe("Bo Harmer-Worker");
    expect(harmed.state.linked).toEqual([harmer.ref]);
    expect(harmer.state.linked).toEqual([harmed.ref]);
    // each from its own child: the harmer is looked after, so their strat's invitees include CLA nursing (I-CLA)
    expect(harmer.referral.children[0]!.lookedAfter).toBe(true);
    expect(harmed.referral.children.some((c) => c.lookedAfter)).toBe(false);
    // the answer names both strats and the link
    expect(text).toContain(`Linked strategy discussion: ${harmer.ref}`);
    expect(text).toContain(`Linked strategy discussion: ${harmed.ref}`);
    expect(text).toContain("bromley-2023 §2");
    // status shows the link
    const status = JSON.stringify(await say(`status ${harmed.ref}`));
    expect(status).toContain(harmer.ref);
    // the tab's list shows the link
    const tab = (await (await fetch(`${h.base}/api/tab/strats`)).json()) as { strats: { ref: string; linked: string[] }[] };
    expect(tab.strats.find((s) => s.ref === harmer.ref)?.linked).toEqual([harmed.ref]);
    // pressed again (Teams redelivers): the same two, nothing more
    await press("openStrat", data);
    expect(await forCase("LCS-C2C-1")).toHaveLength(2);
    // never a child's reference or birth date in the logs of the opening
    expect(h.logs.join("\n")).not.toMatch(/2012-02-02|2015-03-03/);
  });

  it("the same chair for both strats is refused, naming the field; nothing is opened", async () => {
    const card = await press("openStrat", await form("LCS-C2C-2", {
      childOnChild: "yes", child1Role: "harmer", child2Role: "harmed", harmedChair: "Alex Worker", harmerChair: " alex worker ",
    }));
    const text = JSON.stringify(card);
    expect(text).toContain("Chair of the strategy discussion for the child alleged to have harmed");
    expect(text).toMatch(/different/);
    expect(text).toContain("Nothing was saved");
    expect(await forCase("LCS-C2C-2")).toHaveLength(0);
  });

  it("yes with no child marked as harmed or as alleged to have harmed is refused, naming the field; nothing is opened", async () => {
    const card = await press("openStrat", await form("LCS-C2C-3", { childOnChild: "yes", harmedChair: "A One", harmerChair: "B Two" }));
    const text = JSON.stringify(card);
    expect(text).toMatch(/Child roles: mark one child as harmed and one as alleged to have harmed/);
    expect(text).toContain("Nothing was saved");
    expect(await forCase("LCS-C2C-3")).toHaveLength(0);
  });

  it("no: one strat for all the children, as before", async () => {
    await press("openStrat", await form("LCS-C2C-4", { childOnChild: "no" }));
    const strats = await forCase("LCS-C2C-4");
    expect(strats).toHaveLength(1);
    expect(strats[0]!.state.linked).toEqual([]);
  });

  it("reconvene of a looked-after child's missing strat invites the police officer who attended again, with the reason (bromley-2023 Appendix 5)", async () => {
    await press("openStrat", await form("LCS-MISS-NPO", {
      concerns: "missing", child1Flags: "lookedAfter", child2Ref: "", child2Dob: "", child3Ref: "", child3Dob: "",
      missingDate: "2026-11-23", missingTime: "08:00",
    }));
    const [prev] = await forCase("LCS-MISS-NPO");
    const actor = { id: prev!.chairId, name: "Sam Chair" };
    const officer = await addStratInvitee(h.app.ctx, actor, prev!.id, {
      address: "pc.named@met.police.uk", name: "PC Named", agency: "Metropolitan Police", quorumRole: "police", quorumReason: "Missing persons unit officer",
    });
    await recordStratAttendance(h.app.ctx, actor, prev!.id, { attendedInviteeIds: [officer.result!.id], inquorateReason: "health did not attend" });
    await say(`reconvene ${prev!.ref} anyway`);
    const next = (await forCase("LCS-MISS-NPO")).find((s) => s.id !== prev!.id)!;
    expect(next).toBeDefined();
    const named = next.state.invitees.find((i) => i.address === "pc.named@met.police.uk");
    // issue 14 point 6: the chair reads which strat the officer is kept from
    expect(named?.reason).toBe(`Named police officer for this child's repeated missing episodes (bromley-2023 Appendix 5), kept from ${prev!.ref}`);
    expect(named?.quorumRole).toBe("police");
    // the chair can remove them as usual: as a police invitee, with a reason
    await expect(removeStratInvitee(h.app.ctx, actor, next.id, named!.id, null)).rejects.toMatchObject({ field: "reason" });
    // in addition to the police front door: the invitees card lists both
    const list = JSON.stringify(await say(`invitees ${next.ref}`));
    expect(list).toContain("pc.named@met.police.uk");
    expect(list).toMatch(/SNMailbox-PublicProtectionReferrals@met\.police\.uk/i);
    // the child returns; a new missing report opens a second episode, and its new strat keeps the officer too (issue 14 point 6)
    const [first] = await h.app.ctx.episodes!.ofStrat(prev!.id);
    await h.app.ctx.episodes!.mutate(first!.id, "test", (e) => recordReturn(e, { at: new Date("2026-11-23T09:00:00Z"), where: "Placement", by: "Carer" }, (r) => new Date(r.getTime() + 72 * 3600_000), clock.now()));
    await press("openStrat", await form("LCS-MISS-NPO", {
      concerns: "missing", child1Flags: "lookedAfter", child2Ref: "", child2Dob: "", child3Ref: "", child3Dob: "",
      missingDate: "2026-11-23", missingTime: "10:00",
    }));
    const third = (await forCase("LCS-MISS-NPO")).find((s) => s.id !== prev!.id && s.id !== next.id)!;
    const [second] = await h.app.ctx.episodes!.ofStrat(third.id);
    expect(second!.id).not.toBe(first!.id);
    expect(third.state.invitees.find((i) => i.address === "pc.named@met.police.uk")?.reason).toBe(
      `Named police officer for this child's repeated missing episodes (bromley-2023 Appendix 5), kept from ${next.ref}`);
    // another case's missing strat does not get him
    await press("openStrat", await form("LCS-MISS-OTHER", {
      concerns: "missing", child1Flags: "lookedAfter", child2Ref: "", child2Dob: "", child3Ref: "", child3Dob: "",
      missingDate: "2026-11-23", missingTime: "09:00",
    }));
    expect((await forCase("LCS-MISS-OTHER"))[0]!.state.invitees).toEqual([]);
  });
});
