import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amendClosedStrat, closeStrat } from "../../src/app/strat-commands.js";
import type { StratState } from "../../src/domain/strat/state.js";
import { fullStrat } from "../support/full-strat.js";
import { REQUIRED_RECORD } from "../support/fill-record.js";
import { cardsIn, fill, openChannel, openPlayground, postToBot, press, see, shot, tick, type PlaygroundSession } from "../support/playground-driver.js";

/**
 * Issue 13 point 2 in local mode: the chair opens a strat in the Agents Playground's "Teams Channel" view (General of
 * "My Team", @mentioning the bot), which binds the strat to that channel; on close (R-*, T-REC) the record's summary
 * card is a new post in the channel, the PDF lands in the Graph stand-in's Files and its link is a reply in the post's
 * thread; an amendment (a new version) is a reply in the same thread. The meeting's content (attendance, decisions, plan,
 * actions, dissent) is set through the store, not the UI: the UI here is the channel.
 */
describe("the channel record in the Agents Playground's Teams Channel view (headless Chromium)", () => {
  let s: PlaygroundSession;
  beforeAll(async () => { s = await openPlayground(); }, 60_000);
  afterAll(async () => s?.stop());

  it("open in the channel, close → the record card as a channel post; amend → a reply in its thread; the stand-in's Files list and download the PDFs", async () => {
    const { page, h } = s;
    await openChannel(page, "General");
    await postToBot(page, "new");
    const form = cardsIn(page).first();
    await see(form, "Open a strategy discussion");
    await fill(form, "Case reference", "LCS-CHAN-1");
    await tick(form, "Concerns (all that apply)", ["Significant harm (standard)"]);
    await fill(form, "Child 1 reference", "C1");
    await fill(form, "Date of birth", "May 2, 2019");
    const opened = await press(form, "Open strategy discussion", /Strategy discussion SD-\d{4}-\d{4,} opened/);
    const ref = /SD-\d{4}-\d{4,}/.exec(opened!)![0];
    const strat = (await h.app.ctx.strats.findByRef(ref))!;
    expect(await h.app.ctx.notifier!.channelOf(strat.conversationId!)).not.toBeNull(); // bound to the Playground's channel

    // what the meeting recorded (a full strat's content), ready to verify: then the chair's close through the use case
    const now = h.app.ctx.clock.now().toISOString();
    const fields = Object.fromEntries(Object.values(REQUIRED_RECORD).flatMap((v) => Object.entries(v)).map(([k, value]) => [k, { value, at: now, by: strat.chairId }]));
    const ready: StratState = { ...fullStrat().state, closure: null, amendments: [], recordFields: fields };
    await h.app.ctx.strats.mutate(strat.id, () => ({ change: { state: ready }, audit: { actor: strat.chairId, action: "test.ready" }, result: null }));
    const chair = { id: strat.chairId, name: strat.chairName };
    await closeStrat(h.app.ctx, chair, strat.id);

    // the record's summary card: a new post in the channel (the Playground lists posts newest first)
    const record = cardsIn(page).filter({ hasText: `Verified record · ${ref} · case LCS-CHAN-1` });
    await see(record.first(), "Interim safety plan", 30_000);
    await see(record.first(), "Distribution");
    const link = page.getByText(`The record's PDF is in this channel's Files: ${ref}-record-v1.pdf`);
    await link.waitFor({ timeout: 30_000 });
    await shot(page, "playground-channel-record", record.first());

    // the amendment: a reply in the same thread (after the root card and its PDF link, before the next post)
    await amendClosedStrat(h.app.ctx, chair, strat.id, { section: "plan", text: "Grandmother's address confirmed", why: "Address was missing" });
    const amended = cardsIn(page).filter({ hasText: `Amended record · ${ref}` });
    await see(amended.first(), /Version 2 amends the interim safety plan: Grandmother's address confirmed\. Why: Address was missing\./, 30_000);
    await page.getByText(`The record's PDF is in this channel's Files: ${ref}-record-v2.pdf`).waitFor({ timeout: 30_000 });
    const order = await page.evaluate(([root, reply, post]) => {
      const at = (t: string) => document.body.innerText.indexOf(t);
      return { root: at(root!), reply: at(reply!), post: at(post!) };
    }, [`Verified record · ${ref}`, `Amended record · ${ref}`, "Strategy discussion " + ref + " opened"]);
    expect(order.root).toBeGreaterThanOrEqual(0);
    expect(order.reply).toBeGreaterThan(order.root); // in the record's thread, under its root card …
    expect(order.post).toBeGreaterThan(order.reply); // … not a post of its own (the "new" post comes after that thread)
    await shot(page, "playground-channel-record-amendment", amended.first());

    // the Graph stand-in's Files page lists both versions and downloads each as a PDF
    const standIn = h.app.graph.standIn!.url;
    await page.goto(`${standIn}/files`);
    for (const v of [1, 2]) {
      const name = `${ref}-record-v${v}.pdf`;
      const a = page.getByRole("link", { name, exact: true });
      await a.waitFor();
      const bytes = Buffer.from(await (await fetch(new URL((await a.getAttribute("href"))!, standIn))).arrayBuffer());
      expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    }
    await shot(page, "playground-channel-record-files");
  }, 150_000);
});
