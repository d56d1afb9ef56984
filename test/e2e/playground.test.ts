import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { ask, fill, openPlayground, press, see, shot, tick, type PlaygroundSession } from "../support/playground-driver.js";

/**
 * A person in a browser: the Microsoft 365 Agents Playground (a Teams-like chat) talks to the bot over
 * real HTTP; headless Chromium types `help`, `new`, fills and submits the card, then `status`.
 * (The whole strat, from `new` to `close`, is test/e2e/whole-strat.test.ts.)
 */
describe("first conversation in the Agents Playground (headless Chromium)", () => {
  let s: PlaygroundSession;
  let page: Page;

  beforeAll(async () => {
    s = await openPlayground();
    page = s.page;
  }, 60_000);
  afterAll(async () => s?.stop());

  it("help, new, submit, status", async () => {
    const help = await ask(page, "help");
    await see(help, "Strategy discussions: what I can do");
    await shot(page, "playground-1-help");

    const form = await ask(page, "new");
    await see(form, "Open a strategy discussion");
    await fill(form, "Case reference", "LCS-E2E-1");
    await tick(form, "Concerns (all that apply)", ["Significant harm (standard)"]);
    await fill(form, "Child 1 reference", "C1");
    await fill(form, "Date of birth", "May 2, 2019"); // child 1
    const opened = await press(form, "Open strategy discussion", /Strategy discussion SD-\d{4}-\d{4,} opened/);
    const ref = /SD-\d{4}-\d{4,}/.exec(opened!)![0];
    expect(opened).toContain("(standard timescale)");
    await shot(page, "playground-2-opened", form);

    const stored = await s.h.app.ctx.strats.findByRef(ref);
    expect(stored?.caseRef).toBe("LCS-E2E-1");
    expect((stored?.referral as { children: { ref: string; dob: string }[] }).children[0]).toMatchObject({ ref: "C1", dob: "2019-05-02" });

    const status = await ask(page, "status");
    await see(status, /Open strategy discussions \(\d+\)/);
    await see(status, new RegExp(`${ref}.*LCS-E2E-1`));
    await shot(page, "playground-3-status");
  }, 90_000);

  it("with two strats open, `plan` without a reference offers a picker; pressing one opens that strat's plan card (issue 11 point 8)", async () => {
    const form = await ask(page, "new");
    await fill(form, "Case reference", "LCS-E2E-2");
    await tick(form, "Concerns (all that apply)", ["Significant harm (standard)"]);
    await fill(form, "Child 1 reference", "C2");
    await fill(form, "Date of birth", "May 2, 2018"); // child 1
    const opened = await press(form, "Open strategy discussion", /Strategy discussion SD-\d{4}-\d{4,} opened/);
    const ref = /SD-\d{4}-\d{4,}/.exec(opened!)![0];

    const picker = await ask(page, "plan");
    await see(picker, "Which strategy discussion?");
    const button = picker.getByRole("button", { name: new RegExp(`^${ref} · case LCS-E2E-2`) });
    const cards = page.locator(".ac-adaptiveCard");
    await button.click();
    // the plan card of that strat replaces the picker (Action.Execute), as pressing any card button does
    await see(picker, new RegExp(`${ref} · case LCS-E2E-2`));
    await see(picker, "interim safety plan");
    expect(await cards.count()).toBeGreaterThan(0);
    await shot(page, "playground-4-picker", picker);
  }, 90_000);
});
