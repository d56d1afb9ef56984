import { mkdirSync } from "node:fs";
import type { ChildProcess } from "node:child_process";
import { expect } from "vitest";
import type { Browser, Locator, Page } from "playwright-core";
import { startPlayground } from "../../src/infra/playground.js";
import type { Clock } from "../../src/ports/clock.js";
import { startHarness, type Harness } from "./harness.js";
import { freePort, launchChromium } from "./browser.js";

/**
 * Helpers that drive the Microsoft 365 Agents Playground (a Teams-like chat) the way a person does:
 * type in the compose box, fill an Adaptive Card's inputs by their visible labels, press its buttons.
 *
 * What the Playground's DOM looks like (it renders cards with the adaptivecards JS renderer and Fluent UI
 * inputs), and what these helpers rely on:
 * - every card is a `.ac-adaptiveCard`; a reply adds one, an Action.Execute replaces it in place;
 * - every input with a `label` has a `<label for=…>` whose text is the label (plus " *" when required);
 *   the element it points at is the `<input>`/`<textarea>`, the radio group (`role=radiogroup`) of an
 *   expanded single choice, or the group of checkboxes of a multi-select;
 * - Input.Date is a Fluent DatePicker (`role=combobox`, `aria-haspopup=dialog`) that takes typed text
 *   such as "November 24, 2026" and parses it on blur;
 * - Input.Time and compact Input.ChoiceSet are Fluent comboboxes whose options (`role=option`) open in a
 *   popup: typed text followed by Tab may snap to whatever option is active, so we pick the option.
 */

export const ARTIFACTS = "test/artifacts";

export interface PlaygroundSession {
  h: Harness;
  browser: Browser;
  page: Page;
  /** The Playground's URL. */
  url: string;
  stop(): Promise<void>;
}

/** The app (harness) + the Agents Playground pointed at it + headless Chromium on the Playground. */
export async function openPlayground(opts: { clock?: Clock; viewport?: { width: number; height: number } } = {}): Promise<PlaygroundSession> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const h = await startHarness({}, opts.clock);
  let playground: ChildProcess | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    playground?.kill("SIGTERM");
    await h.stop();
  };
  try {
    const port = await freePort();
    playground = startPlayground({ botEndpoint: `${h.base}/api/messages`, port, log: h.app.ctx.log });
    const url = `http://127.0.0.1:${port}`;
    let up = false;
    for (let i = 0; i < 60 && !up; i++) {
      up = await fetch(url).then((r) => r.ok, () => false);
      if (!up) await new Promise((r) => setTimeout(r, 500));
    }
    if (!up) throw new Error(`the Agents Playground did not start on ${url}`);
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1280, height: 1000 } });
    page.setDefaultTimeout(15_000);
    await page.goto(url);
    return { h, browser, page, url, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Every card in the chat, oldest first. */
export const cardsIn = (page: Page): Locator => page.locator(".ac-adaptiveCard");

/** Types a message in the chat's compose box and sends it. */
export async function say(page: Page, text: string): Promise<void> {
  const box = page.locator("[contenteditable=true]").first();
  await box.click();
  await box.pressSequentially(text);
  await page.keyboard.press("Enter");
}

/**
 * Types a message and waits for the bot's answer card; returns that card (a locator pinned to its
 * position in the chat, so it keeps pointing at it when an Action.Execute replaces it).
 */
export async function ask(page: Page, text: string, timeout = 15_000): Promise<Locator> {
  const cards = cardsIn(page);
  const before = await cards.count();
  await say(page, text);
  await expect.poll(() => cards.count(), { timeout, message: `no card answered "${text}"` }).toBeGreaterThan(before);
  const card = cards.nth(before);
  await card.scrollIntoViewIfNeeded();
  return card;
}

/** Waits until `scope` shows `text` (what a person reads: rendered text, across elements). */
export async function see(scope: Locator, text: string | RegExp, timeout = 15_000): Promise<string> {
  let last = "";
  await expect
    .poll(async () => (last = await scope.innerText().catch(() => "")), { timeout, message: `expected to see ${String(text)}` })
    .toMatch(typeof text === "string" ? new RegExp(escapeRe(text)) : text);
  return last;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The input a card's label belongs to (the `nth` one when several inputs share the label). */
export async function field(scope: Locator, label: string | RegExp, nth = 0): Promise<Locator> {
  const re = typeof label === "string" ? new RegExp(`^\\s*${escapeRe(label)}( \\*)?\\s*$`) : label;
  const labels = scope.locator("label[for]").filter({ hasText: re });
  await expect.poll(() => labels.count(), { message: `no input labelled ${String(label)}` }).toBeGreaterThan(nth);
  const id = await labels.nth(nth).getAttribute("for");
  return scope.locator(`[id="${id}"]`);
}

/**
 * Fills the input labelled `label` as a person would: types into text fields and date pickers, picks
 * the option titled `value` from a radio group, a time picker or a compact choice set.
 */
export async function fill(scope: Locator, label: string | RegExp, value: string, nth = 0): Promise<void> {
  // The Playground re-renders the chat (new element ids) when another message arrives, e.g. the bot's
  // proactive "meeting booked" note: find the input again and retry rather than hold a stale id.
  for (let attempt = 1; ; attempt++) {
    try {
      await fillOnce(scope, label, value, nth);
      return;
    } catch (e) {
      if (attempt >= 4) throw e;
    }
  }
}

async function fillOnce(scope: Locator, label: string | RegExp, value: string, nth: number): Promise<void> {
  const f = (await field(scope, label, nth)).first();
  const [role, popup] = await f.evaluate((e) => [e.getAttribute("role"), e.getAttribute("aria-haspopup")], undefined, { timeout: 4000 });
  if (role === "radiogroup") {
    await f.getByRole("radio", { name: value, exact: true }).check({ timeout: 4000 });
  } else if (role === "combobox" && popup === "dialog") {
    await f.fill(value, { timeout: 4000 }); // Fluent DatePicker: typed text, parsed on blur
    await f.press("Tab");
    await expect.poll(() => f.inputValue(), { message: `date ${String(label)}` }).toBe(value);
  } else if (role === "combobox") {
    await f.click({ timeout: 4000 });
    await f.page().getByRole("option", { name: value, exact: true }).click();
    await expect.poll(() => f.inputValue(), { message: `choice ${String(label)}` }).toBe(value);
  } else {
    await f.fill(value, { timeout: 4000 });
  }
}

/** Ticks the checkboxes titled `titles` in the multi-select labelled `label`. */
export async function tick(scope: Locator, label: string | RegExp, titles: string[]): Promise<void> {
  await retry(async () => {
    const group = await field(scope, label);
    for (const t of titles) await group.locator(`input[type=checkbox][aria-label=${JSON.stringify(t)}]`).check({ timeout: 4000 });
  });
}

/** Retries a step a few times: the Playground may re-render the card (new ids) while we act on it. */
async function retry<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (e) {
      if (attempt >= 4) throw e;
    }
  }
}

/** Whether the checkbox titled `title` in the multi-select labelled `label` is ticked. */
export async function isTicked(scope: Locator, label: string | RegExp, title: string): Promise<boolean> {
  return retry(async () => {
    const group = await field(scope, label);
    return group.locator(`input[type=checkbox][aria-label=${JSON.stringify(title)}]`).isChecked({ timeout: 4000 });
  });
}

/** Presses the card's button titled `title`; with `expectText`, waits until the card shows it. */
export async function press(scope: Locator, title: string, expectText?: string | RegExp): Promise<string | undefined> {
  await scope.getByRole("button", { name: title, exact: true }).click();
  return expectText === undefined ? undefined : see(scope, expectText);
}

/** A screenshot under test/artifacts/ (gitignored); with `top`, that element is scrolled to the top of the chat first. */
export async function shot(page: Page, name: string, top?: Locator): Promise<string> {
  const path = `${ARTIFACTS}/${name}.png`;
  if (top) await top.first().evaluate((e) => e.scrollIntoView({ block: "start" }));
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Opens a channel of the Playground's "Teams Channel" view (e.g. "General" of "My Team"). */
export async function openChannel(page: Page, name: string): Promise<void> {
  await page.getByText(name, { exact: true }).click();
}

/**
 * Starts a new post in the open channel that @mentions the bot (in a channel the bot hears only a message that
 * mentions it): "@" opens the people picker, the bot is picked by its display name, then the text, then **Post**.
 */
export async function postToBot(page: Page, text: string, botName = "Test Bot"): Promise<void> {
  const box = page.locator("[contenteditable=true]").first();
  await box.click();
  await box.pressSequentially("@");
  await page.getByRole("option", { name: botName }).or(page.getByText(botName, { exact: true })).first().click();
  await box.pressSequentially(` ${text}`);
  await page.getByRole("button", { name: "Post", exact: true }).click();
}
