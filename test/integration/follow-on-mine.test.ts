import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activity, findAction, startHarness, type Harness } from "../support/harness.js";
import { cardChat } from "../support/card-chat.js";
import { testClock } from "../support/app-context.js";
import { appStore } from "../support/databases.js";

/**
 * Issue 13 point 5 (the rest), over real HTTP with real botbuilder and the harness's stores: `mine` lists the chair's
 * follow-on deadlines (DOMAIN.md T-ICPC, T-S47, the follow-up strat), and the follow-up strat's date and time set on
 * the decide card is an instant that `reconvene` proposes as the new meeting time.
 */
describe("follow-ons in mine, the follow-up strat date", () => {
  let h: Harness;
  let store: Awaited<ReturnType<typeof appStore>>;
  const clock = testClock("2026-11-23T10:30:00Z"); // Mon 10:30 GMT
  const { sayCard, say, pressCard } = cardChat(() => h, (c) => c);
  const text = (c: unknown) => JSON.stringify(c);
  const open = async (caseRef: string) => {
    const form = await sayCard("new");
    const opened = await pressCard("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef, profile: "bromley-2023", concerns: "standard",
      receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "C1", child1Dob: "2015-06-01",
    });
    return /SD-\d{4}-\d{4,}/.exec(text(opened))![0];
  };
  const decide = async (ref: string, d: Record<string, string>) => {
    const card = await sayCard(`decide ${ref}`);
    return pressCard("decide", { ...findAction(card, "decide").data, enquiry: "joint", sharedWithFamily: "yes", lado: "not-applicable", ...d });
  };

  beforeAll(async () => {
    store = await appStore({});
    h = await startHarness({ ...store.env, JOBS_POLL_MS: "0" }, clock);
    await h.post(activity({ text: "help" }, h.serviceUrl));
  });
  afterAll(async () => {
    await h?.stop();
    await store?.drop();
  });

  it("mine lists the chair's follow-on deadlines (what, due, overdue marked) beside the actions", async () => {
    const ref = await open("LCS-MINE-FO");
    await decide(ref, { s47: "initiate", icpc: "yes" });
    const mine = text(await sayCard("mine"));
    expect(mine).toContain("Follow-on deadlines");
    expect(mine).toContain(`${ref}`);
    expect(mine).toContain("Referral to the Quality Improvement Service");
    expect(mine).toContain("Tue 24 Nov 2026, 10:30");
    // a day later the QI referral is overdue
    clock.set("2026-11-24T11:00:00Z");
    const later = text(await sayCard("mine"));
    expect(later).toMatch(/Referral to the Quality Improvement Service[^}]*\}[^}]*By Tue 24 Nov 2026, 10:30[^}]*OVERDUE/);
    clock.set("2026-11-23T10:30:00Z");
    // many deadlines: the 20 soonest are shown, and the card says so (it stays under Teams' 28 KB)
    for (let i = 0; i < 7; i++) await decide(await open(`LCS-MINE-MANY${i}`), { s47: "initiate", icpc: "yes" });
    const many = await sayCard("mine");
    expect(text(many)).toContain("the 20 soonest");
    expect((many.body as { type: string }[]).filter((b) => b.type === "Container" && text(b).includes("(case LCS-MINE-"))).toHaveLength(20);
    expect(Buffer.byteLength(text(many))).toBeLessThan(28 * 1024);
  }, 60_000);

  it("decide with a follow-up date and time → a FOLLOW-UP reminder job; reconvene proposes that time, saying it was agreed at the meeting", async () => {
    const ref = await open("LCS-MINE-FU");
    const decided = await decide(ref, { s47: "initiate", icpc: "no", followUpStrat: "2026-12-02", followUpStratTime: "14:00" });
    expect(text(decided)).toContain("Decisions recorded");
    const s = (await h.app.ctx.strats.findByRef(ref))!;
    expect(s.state.decisions!.followUpStrat).toBe("2026-12-02T14:00:00.000Z");
    const keys = (await h.app.ctx.jobs!.pending("reminder.followon")).filter((j) => j.stratId === s.id).map((j) => j.dedupeKey);
    expect(keys).toContain(`followon:${s.id}:FOLLOW-UP:overdue`);
    // the decide card shows the stored date and time again
    expect(text(await sayCard(`decide ${ref}`))).toContain("14:00");
    const replies = text(await say(`reconvene ${ref} anyway`));
    expect(replies).toContain("agreed at the meeting");
    expect(replies).toContain("Wed 2 Dec 2026, 14:00");
    // the record shows it as a London date and time, not the stored instant
    expect(text(await sayCard(`preview ${ref}`))).toContain("Follow-up strategy discussion: Wed 2 Dec 2026, 14:00.");
    expect(replies).toContain('"value":"2026-12-02"');
  }, 60_000);

  it("a follow-up date without a time, or a time without a date, is refused naming the field; nothing saved", async () => {
    const ref = await open("LCS-MINE-BAD");
    const bad = text(await decide(ref, { s47: "initiate", icpc: "no", followUpStrat: "", followUpStratTime: "14:00" }));
    expect(bad).toMatch(/follow-up/i);
    expect((await h.app.ctx.strats.findByRef(ref))!.state.decisions).toBeNull();
  }, 60_000);
});
