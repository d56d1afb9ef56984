import { AxeBuilder } from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testClock } from "../support/app-context.js";
import { launchChromium, signInAsHead } from "../support/browser.js";
import { startHarness, type Harness } from "../support/harness.js";
import { openStrat } from "../../src/app/open-strat.js";
import { OTHER, playTabStrat, referral } from "../support/tab-strat-play.js";

/**
 * Accessibility of the managers' tab (issue 15 point 6) in headless Chromium over real HTTP and the harness's store:
 * axe (WCAG rules) on each page in each theme finds no serious or critical violation; the keyboard reaches the filters
 * and the first strat link, Enter on it opens the strat view, and the focused element shows a visible focus indicator.
 * A page is one line of PAGES.
 */
interface TabPage { name: string; path: (ref: string) => string; ready: string }
const PAGES: readonly TabPage[] = [
  { name: "dashboard", path: () => "", ready: "#headline-withinDue" },
  { name: "list", path: () => "#/list", ready: "#strats tbody tr" },
  { name: "strat view", path: (ref) => `#/strat/${ref}`, ready: "#chain" },
];
const THEMES = ["light", "dark", "contrast"] as const;

describe("the managers' tab is accessible (axe, keyboard, focus)", () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let ref = "";
  let openRef = "";
  const clock = testClock("2026-11-23T09:05:00Z");

  beforeAll(async () => {
    h = await startHarness({ JOBS_POLL_MS: "0" }, clock);
    ref = await playTabStrat(h, clock);
    // An open strat too: the list's first page (open strats) has a row without touching the filters.
    openRef = (await openStrat(h.app.ctx, OTHER, { caseRef: "LCS-TAB-0002", profileId: "bromley-2023", referral: referral("2026-11-26T08:00:00Z"), requestId: "req-a11y-2", conversationId: null })).strat.ref;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await signInAsHead(page, `${h.base}/tab/`);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  it.each(PAGES.flatMap((p) => THEMES.map((theme) => ({ ...p, theme }))))("axe: $name in $theme has no serious or critical violation", async ({ path, ready, theme }) => {
    await page.goto(`${h.base}/tab/?theme=${theme}${path(ref)}`);
    await page.locator(ready).first().waitFor();
    // Fluent's focus manager (Tabster) puts aria-hidden <i tabindex=0 data-tabster-dummy> sentinels around focus groups
    // (the tab list, charts): they pass focus on at once and are never read, so axe's aria-hidden-focus does not apply
    // to them (microsoft/tabster; Fluent UI v9 keeps them by design). Everything else on the page is checked.
    const { violations } = await new AxeBuilder({ page }).exclude("[data-tabster-dummy]").analyze();
    const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(" | ")}`);
    expect(bad, bad.join("\n")).toEqual([]);
  }, 60_000);

  it("the keyboard reaches the filters and the first strat link; Enter opens the strat view; focus is visible", async () => {
    await page.goto(`${h.base}/tab/?theme=light#/list`);
    await page.locator("#strats tbody tr").first().waitFor();
    const reached: string[] = [];
    const unfocused: string[] = [];
    for (let i = 0; i < 60 && !reached.includes(`link:${openRef}`); i++) {
      await page.keyboard.press("Tab");
      const f = await page.evaluate(() => {
        const e = document.activeElement as HTMLElement | null;
        if (!e || e === document.body) return null;
        // Fluent draws focus as an outline, a box shadow, or a ::after border on the control or its wrapper (focus-within).
        const shows = (x: Element) => {
          const s = getComputedStyle(x);
          const after = getComputedStyle(x, "::after");
          return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none"
            || (after.content !== "none" && (after.borderBottomStyle !== "none" || after.outlineStyle !== "none" || after.borderTopStyle !== "none"));
        };
        const visible = [e, e.parentElement, e.parentElement?.parentElement].some((x) => x && shows(x));
        const label = e.getAttribute("aria-label") ?? ((e as HTMLInputElement).labels?.[0]?.textContent ?? e.textContent ?? "").trim();
        return { key: `${e.tagName === "A" ? "link" : e.tagName.toLowerCase()}:${label}`, visible };
      });
      if (!f) continue;
      reached.push(f.key);
      if (!f.visible) unfocused.push(f.key);
    }
    expect(reached, reached.join(", ")).toContain("input:Case reference starts with");
    expect(reached, reached.join(", ")).toContain(`link:${openRef}`);
    expect(unfocused, "without a visible focus indicator").toEqual([]);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: `Strategy discussion ${openRef}` }).waitFor();
  }, 60_000);
});
