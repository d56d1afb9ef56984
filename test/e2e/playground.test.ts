import { mkdirSync } from "node:fs";
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startPlayground } from "../../src/infra/playground.js";
import { startHarness, type Harness } from "../support/harness.js";
import { freePort, launchChromium } from "../support/browser.js";

const ARTIFACTS = "test/artifacts";

/**
 * A person in a browser: the Microsoft 365 Agents Playground (a Teams-like chat) talks to the bot over
 * real HTTP; headless Chromium types `help`, `new`, fills and submits the card, then `status`.
 */
describe("first conversation in the Agents Playground (headless Chromium)", () => {
  let h: Harness;
  let playground: ChildProcess;
  let browser: Browser;
  let page: Page;
  let url: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    h = await startHarness();
    const port = await freePort();
    playground = startPlayground({ botEndpoint: `${h.base}/api/messages`, port, log: h.app.ctx.log });
    url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 60; i++) {
      if (await fetch(url).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.setDefaultTimeout(15_000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    playground?.kill("SIGTERM");
    await h?.stop();
  });

  const say = async (text: string) => {
    const box = page.locator("[contenteditable=true]").first();
    await box.click();
    await box.pressSequentially(text);
    await page.keyboard.press("Enter");
  };

  it("help, new, submit, status", async () => {
    await page.goto(url);
    await say("help");
    await page.getByText("Strategy discussions: what I can do").last().waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/playground-1-help.png` });

    await say("new");
    await page.getByText("Open a strategy discussion").last().waitFor();
    await page.locator("input[aria-label='e.g. LCS-123456']").last().fill("LCS-E2E-1");
    await page.getByText("Significant harm (standard)").last().click();
    await page.locator("input[type=text]:not([aria-label])").nth(1).fill("C1"); // child 1 reference
    const dob = page.locator("input[aria-label='Select a date...']").nth(1); // child 1 date of birth
    await dob.fill("May 2, 2019");
    await dob.press("Tab");
    await page.getByRole("button", { name: "Open strategy discussion" }).last().click();
    const opened = page.getByText(/Strategy discussion SD-\d{4}-\d{4,} opened/).last();
    await opened.waitFor();
    const ref = /SD-\d{4}-\d{4,}/.exec((await opened.textContent()) ?? "")![0];
    await expect(page.getByText("(T-STD)").last().isVisible()).resolves.toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/playground-2-opened.png` });

    const stored = await h.app.ctx.strats.findByRef(ref);
    expect(stored?.caseRef).toBe("LCS-E2E-1");
    expect((stored?.referral as { children: { ref: string; dob: string }[] }).children[0]).toMatchObject({ ref: "C1", dob: "2019-05-02" });

    await say("status");
    await page.getByText(/Open strategy discussions \(\d+\)/).last().waitFor();
    await expect(page.getByText(new RegExp(`${ref}.*LCS-E2E-1`)).last().isVisible()).resolves.toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/playground-3-status.png` });
  }, 90_000);
});
