import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStrat } from "../../src/app/open-strat.js";
import { SEED_CHAIRS, seedStore } from "../../src/cli/seed-store.js";
import { testClock } from "../support/app-context.js";
import { launchChromium, signInAsHead } from "../support/browser.js";
import { startHarness, type Harness } from "../support/harness.js";

/**
 * The managers' tab (issue 15 points 1 and 5) in headless Chromium against the whole app over real HTTP and the
 * harness's store (PGlite; PostgreSQL when DATABASE_URL is set): strats opened through the use cases (the seed: one
 * block of ten, every state; then more opened by `openStrat` to pass a page of 50, as the seed opens its open ones), the
 * built React + Fluent UI page at /tab/, the development sign-in as head of service, the rows, "Load more" (the
 * server's keyset cursor), the case reference filter, the CSV link with the same filters, the strat route's
 * view, and the page in the light, dark and high-contrast themes (test/artifacts/tab-list-*.png). No
 * Content-Security-Policy violation on the way (the built page has no inline script; Griffel's <style> elements).
 */
const NOW = "2026-11-30T12:00:00Z";
const STRATS = 55;
/** Played to every state by the seed (one block of its deck); the other STRATS − SEEDED are opened, and stay open. */
const SEEDED = 10;
const ARTIFACTS = "test/artifacts";

describe("the managers' tab in Chromium: sign in, list, page, filter, CSV, themes", () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    h = await startHarness({}, testClock(NOW));
    await seedStore(h.app.db, h.app.ctx.profiles, { strats: SEEDED, seed: 15, force: false, now: new Date(NOW) });
    // The rest only need to be rows (paging, each once): opened through the same use case, spread over the last weeks.
    for (let n = SEEDED + 1; n <= STRATS; n++) {
      const receivedAt = new Date(Date.parse(NOW) - n * 36 * 3_600_000).toISOString();
      await openStrat(h.app.ctx, SEED_CHAIRS[n % SEED_CHAIRS.length]!, {
        caseRef: `LCS-S${String(n).padStart(5, "0")}`, profileId: "bromley-2023", requestId: randomUUID(), conversationId: null,
        referral: { receivedAt, concerns: ["standard"], children: [{ ref: "C1", dob: "2015-03-01" }] },
      });
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // CSP violations and script errors; the bad filter's 400 is expected (its sentence is checked), any 5xx is not.
    page.on("console", (m) => void (m.type() === "error" && /Content Security Policy|Refused to/.test(m.text()) && problems.push(m.text())));
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("response", (r) => void (r.status() >= 500 && problems.push(`${r.status()} ${r.url()}`)));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  const rows = (p: Page) => p.locator("#strats tbody tr");

  it("signs in as head of service, sees the rows, pages with Load more, filters by case reference, downloads the CSV", async () => {
    await signInAsHead(page, `${h.base}/tab/#/list`);

    // First render: navigation start → the list's first row visible (reported by the test).
    await page.goto(`${h.base}/tab/#/list`);
    await rows(page).first().waitFor();
    const firstRenderMs = await page.evaluate(() => Math.round(performance.now()));
    console.log(`tab first render (navigation start → list visible): ${firstRenderMs} ms`);
    await page.getByText(/^\d+ open, \d+ overdue\. Times are UK time\.$/).waitFor();

    // Every state, 50 a page: the server's cursor fetches the rest.
    await page.getByLabel("State").selectOption("");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.getByText("50 shown; more to load.").waitFor();
    expect(await rows(page).count()).toBe(50);
    await page.getByRole("button", { name: "Load more" }).click();
    await page.getByText(`${STRATS} shown.`).waitFor();
    expect(await rows(page).count()).toBe(STRATS);
    expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);
    const refs = await page.locator("#strats tbody tr td:first-child").allTextContents();
    expect(new Set(refs).size).toBe(STRATS); // each strat once across the pages
    // Plain words, UK times: no concern codes, times like "Tue 1 Dec, 14:00".
    const text = (await page.locator("#strats tbody").textContent()) ?? "";
    expect(text).not.toMatch(/serious-harm|sexual-abuse-forensic|allegation-against-staff/);
    expect(text).toMatch(/(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2}/);

    // The case reference filter.
    await page.getByLabel("Case reference starts with").fill("LCS-S00007");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.getByText("1 shown.").waitFor();
    expect(await rows(page).first().textContent()).toContain("LCS-S00007");

    // The CSV link carries the same filters; opened with the page's cookie (the signed-in head of service).
    const href = await page.getByRole("link", { name: "Download CSV" }).getAttribute("href");
    expect(href).toBe("/api/tab/list.csv?q=LCS-S00007&sort=due");
    const csv = await page.request.get(`${h.base}${href}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-type"]).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("LCS-S00007");

    // A bad filter: the server's sentence, naming the field; the page stays usable.
    await page.getByLabel("Case reference starts with").fill("LCS*");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.getByText("Search must be the start of a case reference: letters, digits, / . _ - (up to 50).").waitFor();

    // A row opens the strat's view.
    await page.getByLabel("Case reference starts with").fill("LCS-S00007");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.getByText("1 shown.").waitFor();
    const ref = (await page.locator("#strats tbody tr td:first-child").first().textContent())!;
    await page.getByRole("link", { name: ref }).click();
    await page.getByRole("heading", { level: 1, name: `Strategy discussion ${ref}` }).waitFor();
    expect(page.url()).toBe(`${h.base}/tab/#/strat/${ref}`);
    await page.getByRole("link", { name: "Back to the list" }).click();
    await rows(page).first().waitFor();
  });

  it("follows ?theme=light|dark|contrast (screenshots); the counted figures are cards; no CSP violation, no script error", async () => {
    const backgrounds: string[] = [];
    for (const theme of ["light", "dark", "contrast"] as const) {
      await page.goto(`${h.base}/tab/?theme=${theme}#/list`);
      await rows(page).first().waitFor();
      await page.getByText(/meeting\(s\) from \d{4}-\d{2}-\d{2} to/).waitFor();
      backgrounds.push(await page.locator("main").evaluate((e) => getComputedStyle(e.parentElement!).backgroundColor));
      await page.screenshot({ path: `${ARTIFACTS}/tab-list-${theme}.png`, fullPage: true });
    }
    expect(new Set(backgrounds).size, backgrounds.join(" / ")).toBe(3);
    expect(await page.locator("#count-late").count()).toBe(1);
    expect(problems, problems.join("\n")).toEqual([]);
    // The page's policy: scripts from this origin only (the built page has no inline script), Griffel's <style> elements allowed.
    const res = await fetch(`${h.base}/tab/`);
    const csp = new Map((res.headers.get("content-security-policy") ?? "").split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));
    expect(csp.get("script-src")).toEqual(["'self'", ...csp.get("script-src")!.filter((v) => v.startsWith("'sha256-"))]);
    expect(csp.get("style-src")).toContain("'unsafe-inline'");
    expect(await res.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });
});
