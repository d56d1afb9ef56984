import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testClock } from "../support/app-context.js";
import { launchChromium, signInAsHead } from "../support/browser.js";
import { startHarness, type Harness } from "../support/harness.js";
import { playTabStrat } from "../support/tab-strat-play.js";

/**
 * The managers' tab's strat view (issue 15 point 4) in headless Chromium against the whole app over real HTTP and the
 * harness's store (PGlite; PostgreSQL when DATABASE_URL is set): a strat played to close through the use cases
 * (test/support/tab-strat-play.ts), opened at /tab/#/strat/SD-… signed in (development sign-in) as head of service:
 * the record's decisions, the timeline, the quorum (Q-1), an overdue action (R-ACT), the dissent (R-DIS), "Audit trail
 * verified"; the PDF link answers application/pdf; an unknown reference reads as none that you can see; screenshots
 * test/artifacts/tab-strat-{light,dark,contrast}.png.
 */
const ARTIFACTS = "test/artifacts";

describe("the strat view in Chromium", () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let ref = "";
  const clock = testClock("2026-11-23T09:05:00Z");
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    h = await startHarness({ JOBS_POLL_MS: "0" }, clock);
    ref = await playTabStrat(h, clock);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("response", (r) => void (r.status() >= 500 && problems.push(`${r.status()} ${r.url()}`)));
    await signInAsHead(page, `${h.base}/tab/`);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  it("shows the record's decisions, the timeline, the quorum, an action, the dissent and the audit chain; the PDF link is a PDF", async () => {
    // First render: navigation start → the record visible (reported by the test).
    await page.goto(`${h.base}/tab/#/strat/${ref}`);
    await page.locator("#decisions").waitFor();
    const firstRenderMs = await page.evaluate(() => Math.round(performance.now()));
    console.log(`strat view first render (navigation start → record visible): ${firstRenderMs} ms`);

    await page.getByRole("heading", { level: 1, name: `Strategy discussion ${ref}` }).waitFor();
    expect(await page.locator("#strat-header").textContent()).toContain("LCS-TAB-0001");
    expect(await page.locator("#record").getByText("verified", { exact: true }).count()).toBe(1);
    const decisions = (await page.locator("#decisions").textContent())!;
    expect(decisions).toContain("Section 47 enquiry");
    expect(decisions).toContain("Police to investigate");
    const timeline = await page.locator("#timeline li").allTextContents();
    expect(timeline[0]).toBe("Mon 23 Nov, 09:00: Referral received");
    expect(timeline).toContain("Mon 23 Nov, 09:40: Answer, Health (Safeguarding lead), declined");
    expect(timeline.some((t) => t.startsWith("Mon 23 Nov, 13:30: Record verified"))).toBe(true);
    expect(await page.locator("#quorum").textContent()).toBe("Quorum: inquorate; missing: Health; reason: Health could not attend at short notice");
    const action = page.getByRole("table", { name: "Actions" }).locator("tbody tr").first();
    expect(await action.textContent()).toContain("Visit the child");
    expect(await action.textContent()).toContain("overdue");
    expect(await page.getByRole("table", { name: "Dissent" }).textContent()).toContain("escalated to senior managers");
    expect(await page.locator("#chain").textContent()).toBe("Audit trail verified");

    const pdf = await page.getByRole("link", { name: "Version 2 (PDF)" }).getAttribute("href");
    const res = await page.request.get(`${h.base}${pdf}`);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toMatch(/^application\/pdf/);
    expect((await res.body()).subarray(0, 5).toString()).toBe("%PDF-");

    // An unknown reference: nothing of it (the same words as one the viewer may not see).
    await page.goto(`${h.base}/tab/#/strat/SD-2026-9999`);
    await page.getByText("No strategy discussion SD-2026-9999 that you can see.").waitFor();
    await page.getByRole("link", { name: "Back to the list" }).click();
    await page.locator("#list-title").waitFor(); // the list (its only strat is closed)
  }, 90_000);

  it("follows ?theme=light|dark|contrast (screenshots); no script error, no 5xx", async () => {
    for (const theme of ["light", "dark", "contrast"] as const) {
      await page.goto(`${h.base}/tab/?theme=${theme}#/strat/${ref}`);
      await page.locator("#chain").waitFor();
      await page.screenshot({ path: `${ARTIFACTS}/tab-strat-${theme}.png`, fullPage: true });
    }
    expect(problems, problems.join("\n")).toEqual([]);
  }, 60_000);
});
