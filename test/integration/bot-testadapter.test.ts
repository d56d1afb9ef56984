import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestAdapter, type Activity } from "botbuilder";
import { StrategyBot } from "../../bot/strategy-bot.js";
import { createCardRenderer } from "../../bot/cards/render-card.js";
import { COMMANDS } from "../../bot/commands/catalogue.js";
import type { AppContext } from "../../src/app/context.js";
import { openStrat } from "../../src/app/open-strat.js";
import { appContext, testClock } from "../support/app-context.js";
import { testStores } from "../support/databases.js";

const CHAIR = { id: "29:chair", name: "Chair", aadObjectId: "aad-chair" };

/** Each command in a botbuilder TestAdapter conversation (issue 5 point 13), on a real store. */
describe("every command through botbuilder's TestAdapter", () => {
  const store = testStores().at(-1)!; // PostgreSQL in CI's PostgreSQL pass (DATABASE_URL set), PGlite otherwise
  let db: Awaited<ReturnType<typeof store.open>>;
  let ctx: AppContext;
  let bot: StrategyBot;
  let ref = "";
  beforeAll(async () => {
    db = await store.open();
    ctx = appContext(db, testClock("2026-11-23T10:30:00Z"));
    bot = new StrategyBot(ctx, createCardRenderer());
    const referral = {
      receivedAt: "2026-11-23T10:00:00Z", concerns: ["standard", "missing"],
      children: [{ ref: "C1", dob: "2012-03-01", inHospital: false, inPatient: false, lookedAfter: true, cpPlan: false, school: null }],
      missing: { reportedAt: "2026-11-23T08:00:00Z", particularConcerns: false },
    };
    ref = (await openStrat(ctx, { id: "aad-chair", name: "Chair" }, { caseRef: "LCS-TA-1", profileId: "bromley-2023", referral, requestId: randomUUID(), conversationId: "ta-conv" })).strat.ref;
  });
  afterAll(async () => db?.drop());

  const adapter = () =>
    new TestAdapter(async (context) => bot.run(context), {
      channelId: "msteams", from: CHAIR, recipient: { id: "28:bot", name: "Strat" },
      conversation: { id: "ta-conv", conversationType: "personal", isGroup: false, name: "" },
    } as Partial<Activity>);

  /** First reply's text and card title (or text). */
  const reply = (a: Partial<Activity>) => {
    const card = a.attachments?.[0]?.content as { body?: { text?: string }[] } | undefined;
    return card ? String(card.body?.[0]?.text ?? "") : String(a.text ?? "");
  };

  const EXPECT: Record<string, (ref: string) => RegExp> = {
    help: () => /^Strategy discussions: what I can do$/,
    new: () => /^Open a strategy discussion$/,
    status: (r) => new RegExp(`^${r} · case LCS-TA-1 · open$`),
    invitees: (r) => new RegExp(`^Invitees · ${r}`),
    schedule: (r) => new RegExp(`^Schedule · ${r}`),
    attendance: (r) => new RegExp(`^Attendance · ${r}`),
    decide: (r) => new RegExp(`^Decisions · ${r}`),
    plan: (r) => new RegExp(`^Interim safety plan · ${r}`),
    action: (r) => new RegExp(`^Add an action · ${r}`),
    dissent: (r) => new RegExp(`^Dissent · ${r}`),
    close: (r) => new RegExp(`^Close · ${r}`),
    preview: (r) => new RegExp(`^The whole record · ${r} · case LCS-TA-1$`),
    reconvene: (r) => new RegExp(`^Case LCS-TA-1 already has an open strategy discussion, ${r}\\. Close it first`),
    missing: (r) => new RegExp(`^Missing-child risk assessment \\(M-RAG\\) · ${r}`),
    record: (r) => new RegExp(`^Record · ${r} · case LCS-TA-1`),
    mine: () => /^Your open actions \(\d+\)$/,
  };

  it("covers every command in the catalogue", () => {
    expect(Object.keys(EXPECT).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });

  for (const name of Object.keys(EXPECT)) {
    it(`${name}`, async () => {
      const text = ["help", "new", "mine"].includes(name) ? name.toUpperCase() : `${name} ${ref}`; // case-insensitive
      await adapter()
        .send(text)
        .assertReply((a) => expect(reply(a)).toMatch(EXPECT[name]!(ref)))
        .startTest();
    });
  }

  it("invitees add @mention: a Teams user is invited with the agency typed after the mention, and sent the invitation card", async () => {
    await adapter()
      .send({
        type: "message", text: `invitees ${ref} add <at>Pat Smith</at> Early Help`,
        entities: [{ type: "mention", text: "<at>Pat Smith</at>", mentioned: { id: "29:pat", name: "Pat Smith" } }],
      } as Partial<Activity>)
      .assertReply((a) => {
        const card = JSON.stringify(a.attachments?.[0]?.content);
        expect(card).toContain("Pat Smith — Early Help");
      })
      .startTest();
    const s = (await ctx.strats.findByRef(ref))!;
    const pat = s.state.invitees.find((i) => i.teamsUserId === "29:pat")!;
    expect(pat).toMatchObject({ name: "Pat Smith", agency: "Early Help", address: null, source: "chair" });
  });

  it("an unknown command and a command with no strat of yours are answered plainly", async () => {
    await adapter().send("fly me to the moon").assertReply((a) => expect(a.text).toMatch(/don't know the command `fly`/)).startTest();
    const stranger = new TestAdapter(async (context) => bot.run(context), {
      channelId: "msteams", from: { id: "29:x", name: "X", aadObjectId: "aad-x" }, recipient: { id: "28:bot", name: "Strat" },
      conversation: { id: "other-conv", conversationType: "personal", isGroup: false, name: "" },
    } as Partial<Activity>);
    await stranger.send(`decide ${ref}`).assertReply((a) => expect(a.text).toMatch(/No strategy discussion of yours is called/)).startTest();
    await stranger.send("decide").assertReply((a) => expect(a.text).toMatch(/no open strategy discussion of yours here/)).startTest();
  });
});
