import { copyFileSync, mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedStore } from "../../src/cli/seed-store.js";
import { testClock } from "../support/app-context.js";
import { launchChromium, signInAsHead } from "../support/browser.js";
import { startHarness, type Harness } from "../support/harness.js";

/**
 * The managers' dashboard (issue 15 point 3) in headless Chromium against the whole app over real HTTP and the harness's
 * store (PGlite; PostgreSQL when DATABASE_URL is set): strats opened, held and closed through the use cases at a test clock
 * (the seed), the dashboard as the tab's landing view, a number clicked → the list filtered by its drill showing exactly
 * that many rows (the drill as a removable chip), the charts loaded after the figures, and the dashboard in the light, dark
 * and high-contrast themes (test/artifacts/tab-dashboard-*.png; with UPDATE_README_IMAGES=1 the light one becomes docs/images/tab-dashboard.png). The first
 * render (navigation start → headline figures visible) is measured and printed, not asserted (issue 15 point 3's budget).
 */
const NOW = "2026-11-30T12:00:00Z";
const PERIOD = "#/dashboard?from=2026-06-01&to=2026-11-30";
const ARTIFACTS = "test/artifacts";

describe("the managers' dashboard in Chromium: figures, drill-down, charts, themes", () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The app's job worker off: the seed distributes the records itself, at its own clock (the worker would send them at NOW: all late).
    h = await startHarness({ JOBS_POLL_MS: "0" }, testClock(NOW));
    await seedStore(h.app.db, h.app.ctx.profiles, { strats: 40, seed: 15, force: false, now: new Date(NOW) });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);
    page.on("console", (m) => void (m.type() === "error" && /Content Security Policy|Refused to/.test(m.text()) && problems.push(m.text())));
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("response", (r) => void (r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`)));
    await signInAsHead(page, `${h.base}/tab/`);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  const headline = (p: Page, name: string) => p.locator(`#headline-${name} a`).first();

  it("lands on the dashboard; a number opens the list filtered by its drill, with exactly that many rows", { timeout: 90_000 }, async () => {
    await page.goto(`${h.base}/tab/`);
    await page.getByRole("tab", { name: "Dashboard", selected: true }).waitFor();

    // First render: navigation start → the headline figures visible (printed; `npm run bench` is where timings live).
    await page.goto("about:blank");
    await page.goto(`${h.base}/tab/${PERIOD}`);
    await headline(page, "withinDue").waitFor();
    const firstRenderMs = await page.evaluate(() => Math.round(performance.now()));
    const api = await page.evaluate(() => performance.getEntriesByType("resource").filter((e) => e.name.includes("/api/tab/dashboard")).map((e) => `${Math.round(e.startTime)}–${Math.round((e as PerformanceResourceTiming).responseEnd)}`));
    console.log(`dashboard first render (navigation start → headline figures visible): ${firstRenderMs} ms; the dashboard API call: ${api.join(", ")} ms`);
    await page.getByText(/^\d+ strat\(s\) held from 2026-06-01 to 2026-11-30 \(UK days\), all teams\./).waitFor();

    // The first headline figure that is neither none nor all of the held strats (the seed decides which).
    const held = Number(await page.locator("#headline-withinDue a").nth(1).textContent());
    expect(held).toBeGreaterThan(5);
    const CANDIDATES = [
      { name: "late", param: "late=true", chip: "Held after the due time" }, { name: "shortNotice", param: "short_notice=true", chip: "Short notice" },
      { name: "quorate", param: "quorate=true", chip: "Quorate" }, { name: "withinTarget", param: "target_met=true", chip: "Within the local target" },
      { name: "withinDue", param: "late=false", chip: "Held within the due time" },
    ];
    const counts = await Promise.all(CANDIDATES.map(async (c) => Number(await headline(page, c.name).textContent())));
    const i = counts.findIndex((n) => n > 0 && n < held);
    expect(i, `headline counts ${counts.join(", ")} of ${held}`).toBeGreaterThanOrEqual(0);
    const { name, param, chip } = CANDIDATES[i]!;
    const n = counts[i]!;

    await headline(page, name).click();
    expect(page.url()).toBe(`${h.base}/tab/#/list?held_from=2026-06-01&held_to=2026-11-30&${param}`);
    await page.getByRole("tab", { name: "Strats", selected: true }).waitFor();
    await page.getByText(`${n} shown.`).waitFor();
    expect(await page.locator("#strats tbody tr").count()).toBe(n);
    // The drill as chips; removing the figure's own chip lists every strat held in the period.
    const chips = page.getByRole("toolbar", { name: "Filters from the dashboard" });
    await chips.getByText(chip, { exact: true }).waitFor();
    await chips.getByRole("button", { name: `${chip} remove` }).click();
    await page.getByText(`${held} shown.`).waitFor();
    expect(await page.locator("#strats tbody tr").count()).toBe(held);

    // A week's bar in "Held each week" opens that week's strats (trend[k].held.drill: held_from/held_to of the week).
    await page.goBack();
    await headline(page, "withinDue").waitFor();
    const bar = page.locator("#trend figure").first().locator("rect[role=option]").last();
    await bar.waitFor();
    await bar.click();
    // The last week with strats held (the seed decides which; a week with none has no bar).
    const trend = ((await (await page.request.get(`${h.base}/api/tab/dashboard?from=2026-06-01&to=2026-11-30`)).json()) as {
      trend: { from: string; to: string; held: { count: number } }[];
    }).trend;
    const lastWeek = [...trend].reverse().find((w) => w.held.count > 0)!;
    console.log(`trend held by week: ${trend.map((w) => `${w.to} ${w.held.count}`).join(", ")}`);
    expect(page.url()).toBe(`${h.base}/tab/#/list?held_from=${lastWeek.from}&held_to=${lastWeek.to}`);
    await page.getByRole("tab", { name: "Strats", selected: true }).waitFor();

    // Back (the browser's history) to the dashboard: an agency's overdue-action strats, the same way.
    await page.goBack();
    await headline(page, "withinDue").waitFor();
    const agency = page.locator("#overdue-actions tbody tr").first();
    const strats = Number(await agency.locator("a").textContent());
    await agency.locator("a").click();
    await page.getByText(`${strats} shown.`).waitFor();
    expect(await page.locator("#strats tbody tr").count()).toBe(strats);

    // A past week's overdue actions at its end (the weeks table): the list as at the end of that week, its chip in words.
    await page.goBack();
    await headline(page, "withinDue").waitFor();
    await page.getByText("The 12 weeks as a table").click();
    const past = page.locator("#trend-table tbody tr").nth(8);
    const week = await past.locator("td").first().textContent();
    await past.getByRole("link", { name: /overdue actions at its end: list them$/ }).click();
    await page.getByText(/^As at the end of 2026-\d\d-\d\d/).first().waitFor();
    await page.getByText(/\d+ shown\./).waitFor();
    console.log(`week ending ${week}: ${await page.locator("#strats tbody tr").count()} strat(s) with an action overdue at its end`);
    expect(await page.locator("#strats tbody tr").count()).toBeGreaterThan(0);
  });

  it("shows the figures with their trend charts in light, dark and high contrast (screenshots); no CSP violation, no error", { timeout: 90_000 }, async () => {
    const backgrounds: string[] = [];
    for (const theme of ["light", "dark", "contrast"] as const) {
      await page.goto(`${h.base}/tab/?theme=${theme}${PERIOD}`);
      await headline(page, "withinDue").waitFor();
      // The charts come after the figures (their own chunk): the 12-week trend (held each week, the rates each week), the bars.
      await expect.poll(() => page.locator("#trend figure svg").count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(4);
      await page.locator("#trend figure").nth(1).getByText("Record distributed on time").first().waitFor(); // the lines' legend
      // The figures as at now, at each week's end: overdue actions and open dissent; missing children.
      await page.locator("#trend figure").nth(2).getByText("Open dissent").first().waitFor();
      await page.locator("#trend figure").nth(3).getByText("Missing more than 7 days").first().waitFor();
      expect(await page.locator("#trend figure figcaption").first().textContent()).toMatch(/^Strats held each week, the 12 weeks to 30 Nov: week ending 14 Sep, \d+; /);
      backgrounds.push(await page.locator("main").evaluate((e) => getComputedStyle(e.parentElement!).backgroundColor));
      await page.screenshot({ path: `${ARTIFACTS}/tab-dashboard-${theme}.png`, fullPage: true });
      await page.locator("#trend").screenshot({ path: `${ARTIFACTS}/tab-dashboard-trend-${theme}.png` });
    }
    // README's picture is refreshed on request only (a test run never changes a committed file).
    if (process.env.UPDATE_README_IMAGES === "1") copyFileSync(`${ARTIFACTS}/tab-dashboard-light.png`, "docs/images/tab-dashboard.png");
    expect(new Set(backgrounds).size, backgrounds.join(" / ")).toBe(3);
    expect(problems, problems.join("\n")).toEqual([]);
  });
});
