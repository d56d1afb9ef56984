import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { meetingBooked } from "../../src/domain/strat/state.js";
import { activity, cardsIn, findAction, startHarness, type Harness } from "../support/harness.js";
import { testClock } from "../support/app-context.js";
import { launchChromium } from "../support/browser.js";

/**
 * Issue 11 point 7: people read words. Over real HTTP with the real bot and store: the cards a chair or an
 * agency sees never start a line with a rule code (T-STD, I-EDU, Q-1…) or a field path (children[0].dob,
 * addAgency); the rule id stays in small print. Validation messages speak a chair's language. The personal
 * response page (in Chromium) renders the Teams join link as a link, and escapes everything else.
 */
const CODE_AT_START = /^[*_\s]*[TIQRM]-[A-Z0-9]+(?:-[A-Z0-9]+)*\b/;
const FIELD_PATH = /\b[a-z]{2,}(?:\[\d+\])?\.[a-z]{2,}[A-Za-z]*\b|\b[a-z]+\[\d+\]|\b(?:receivedAt|addAgency|addEmail|addName|removeId|inquorateReason|stratId|inviteeId|delegateName|reportedAt)\b/;

/** Every string a person reads on a card: TextBlocks, facts, input labels, choices and button titles (URLs and emails left out). */
function readable(card: unknown): { text: string; small: boolean }[] {
  const out: { text: string; small: boolean }[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== "object") return;
    const o = n as Record<string, unknown>;
    const small = o.size === "Small" && o.isSubtle === true;
    for (const k of ["text", "title", "value", "label", "placeholder"]) {
      if (typeof o[k] === "string" && !(k === "value" && typeof o.id === "string")) out.push({ text: o[k] as string, small });
    }
    Object.entries(o).forEach(([k, v]) => k !== "data" && k !== "refresh" && walk(v));
  };
  walk(card);
  return out.map((x) => ({ ...x, text: x.text.replace(/\]\([^)]*\)/g, "]").replace(/\S+@\S+/g, "<email>") }));
}

function problems(card: unknown): string[] {
  const bad: string[] = [];
  for (const { text, small } of readable(card)) {
    for (const line of text.split("\n")) {
      if (!small && CODE_AT_START.test(line)) bad.push(`starts with a rule code: ${line.slice(0, 80)}`);
      if (FIELD_PATH.test(line)) bad.push(`field path: ${line.slice(0, 80)}`);
    }
  }
  return bad;
}

describe("words people read (issue 11 point 7)", () => {
  let h: Harness;
  let browser: Browser;
  const clock = testClock("2026-11-23T10:30:00Z");
  const say = async (text: string) => (await h.post(activity({ text, deliveryMode: "expectReplies" }))).body.activities as any[];
  const press = async (verb: string, data: Record<string, unknown>) =>
    (await h.post(activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb, data } } }))).body.value;
  let requestId = "";
  const newStrat = async (over: Record<string, string>) => {
    const form = cardsIn(await say("new"))[0];
    requestId = findAction(form, "openStrat").data.requestId;
    return press("openStrat", {
      requestId, caseRef: "LCS-WORDS", profile: "bromley-2023", concerns: "standard", receivedDate: "2026-11-23", receivedTime: "10:00",
      child1Ref: "C1", child1Dob: "2014-02-02", child1School: "Hill Primary", child1SchoolBorough: "Bromley", child1SchoolDsl: "dsl@hill.example.org", ...over,
    });
  };

  beforeAll(async () => {
    h = await startHarness({ JOBS_POLL_MS: "0" }, clock);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  it("no card a chair or an agency sees starts a line with a rule code or shows a field path; the rule ids stay in small print", async () => {
    const opened = await newStrat({});
    const ref = /SD-\d{4}-\d{4,}/.exec(JSON.stringify(opened))![0];
    const s = (await h.app.ctx.strats.findByRef(ref))!;
    const invitees = cardsIn(await say(`invitees ${ref}`))[0];
    const sent = await press("inviteesSend", findAction(invitees, "inviteesSend").data);
    const token = /\/respond\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})/.exec(JSON.stringify(sent))![1]!;
    const page = await (await fetch(`${h.base}/respond/${token}`)).text();
    const linkCard = JSON.parse(/<script type="application\/json" id="initial">(.*?)<\/script>/s.exec(page)![1]!);
    const attendance = cardsIn(await say(`attendance ${ref}`))[0];
    const help = cardsIn(await say("help"))[0];
    const cards = { opened, invitees, sent, linkCard, attendance, help };
    for (const [name, card] of Object.entries(cards)) expect(problems(card), name).toEqual([]);
    // the words are there, and the ids are still there for the curious, in small print
    expect(JSON.stringify(opened)).toMatch(/standard timescale/i);
    expect(JSON.stringify(opened)).toContain("T-STD");
    expect(readable(invitees).filter((x) => /\bI-EDU\b/.test(x.text)).every((x) => x.small)).toBe(true);
    expect(readable(linkCard).filter((x) => /\bI-[A-Z]+\b/.test(x.text)).every((x) => x.small)).toBe(true);
    expect(JSON.stringify(invitees)).toContain("I-EDU");
    expect(s.state).toBeDefined();
  });

  it("validation messages speak a chair's language: no field paths, no version numbers", async () => {
    const late = await newStrat({ child1Dob: "2026-12-01", caseRef: "LCS-WORDS-2" });
    const err = readable(late).map((x) => x.text).join("\n");
    expect(err).toMatch(/Child 1's date of birth is after the referral date/);
    expect(problems(late)).toEqual([]);

    const opened = await newStrat({ caseRef: "LCS-WORDS-3" });
    const ref = /SD-\d{4}-\d{4,}/.exec(JSON.stringify(opened))![0];
    const inv = cardsIn(await say(`invitees ${ref}`))[0];
    const noAgency = await press("inviteeAdd", { ...findAction(inv, "inviteeAdd").data, addEmail: "dsl@school.example.org", addName: "DSL" });
    expect(JSON.stringify(noAgency)).toContain("The agency is required");
    expect(problems(noAgency)).toEqual([]);
    // a card shown before a change: refused in words, without version numbers
    await press("inviteeAdd", { ...findAction(inv, "inviteeAdd").data, addEmail: "dsl@school.example.org", addName: "DSL", addAgency: "School" });
    const stale = await press("inviteeAdd", { ...findAction(inv, "inviteeAdd").data, addEmail: "other@school.example.org", addName: "Head", addAgency: "School" });
    const staleText = JSON.stringify(stale);
    expect(staleText).toMatch(/This card is out of date/);
    expect(staleText).not.toMatch(/version \d+|card showed \d+/);
  });

  it("the response page renders the join link as a link, and shows everything else as text", async () => {
    const opened = await newStrat({ caseRef: "LCS-WORDS-4" });
    const ref = /SD-\d{4}-\d{4,}/.exec(JSON.stringify(opened))![0];
    const s = (await h.app.ctx.strats.findByRef(ref))!;
    const inv = cardsIn(await say(`invitees ${ref}`))[0];
    // the chair adds an invitee whose name looks like markup: it must come out as text
    const added = await press("inviteeAdd", { ...findAction(inv, "inviteeAdd").data, addEmail: "x@agency.example.org", addName: "<img src=x onerror=alert(1)>", addAgency: "Agency" });
    const sent = await press("inviteesSend", findAction(added, "inviteesSend").data);
    const tokens = [...JSON.stringify(sent).matchAll(/\/respond\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})/g)].map((m) => m[1]!);
    const x = (await h.app.ctx.strats.get(s.id))!.state.invitees.find((i) => i.address === "x@agency.example.org")!;
    const token = tokens.find((t) => Buffer.from(t.split(".")[0]!, "base64url").toString().split(".")[1] === x.id)!;
    await h.app.ctx.strats.mutate(s.id, (cur) => ({
      change: { state: meetingBooked(cur.state, { start: new Date("2026-11-25T10:00:00Z"), end: new Date("2026-11-25T11:00:00Z"), joinUrl: "https://teams.example/l/meetup-join/19%3ameeting_abc" }) },
      audit: { actor: "calendar", action: "meeting.booked", detail: {} }, result: null,
    }));
    const page = await browser.newPage();
    try {
      const dialogs: string[] = [];
      page.on("dialog", (d) => void (dialogs.push(d.message()), d.dismiss()));
      await page.goto(`${h.base}/respond/${token}`);
      const link = page.locator("#card a", { hasText: "Join the Teams meeting" });
      await expect.poll(() => link.count()).toBe(1);
      expect(await link.getAttribute("href")).toBe("https://teams.example/l/meetup-join/19%3ameeting_abc");
      expect(await link.getAttribute("rel")).toContain("noopener");
      const shown = await page.locator("#card").innerText();
      expect(shown).not.toContain("[Join the Teams meeting](");
      expect(shown).toContain("<img src=x onerror=alert(1)>");
      expect(await page.locator("#card img").count()).toBe(0);
      expect(dialogs).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
