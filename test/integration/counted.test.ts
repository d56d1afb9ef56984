import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ValidateFunction } from "ajv";
import { adaptiveCard15 } from "../support/contracts.js";
import { findAction, startHarness, type Harness } from "../support/harness.js";
import { cardChat } from "../support/card-chat.js";
import { testClock } from "../support/app-context.js";
import { launchChromium } from "../support/browser.js";
import { londonDateTime } from "../../src/domain/time/index.js";
import { calendarEventsFor } from "../../src/app/calendar-events.js";
import type { Notifier } from "../../src/ports/notifier.js";

/**
 * Issue 12 point 9, over real HTTP and the harness's store: short-notice strats (convened less than 2 hours ahead,
 * DOMAIN.md T-SHORT: "allowed but counted"; bromley-2023 §1 "must not become routine"), strats held after their due
 * time (with the chair's rationale; bristol-2024 3.2) and inquorate strats (Q-1) are counted, and the counts reach
 * the managers' tab through /api/tab/figures, each with the strats behind it.
 */
describe("counted, not only flagged: short notice, late, inquorate (tab API over HTTP)", () => {
  let h: Harness;
  let validate: ValidateFunction;
  const clock = testClock("2026-11-23T10:30:00Z"); // Monday 10:30 in London (GMT)
  const text = (c: unknown) => JSON.stringify(c);
  const check = (card: any) => {
    expect(validate(card), JSON.stringify(validate.errors?.slice(0, 2))).toBe(true);
    return card;
  };
  const { sayCard, pressCard } = cardChat(() => h, check);
  const stored = async (ref: string) => (await h.app.ctx.strats.findByRef(ref))!;

  const open = async (caseRef: string) => {
    const form = await sayCard("new");
    const opened = await pressCard("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef, profile: "bromley-2023", concerns: "standard",
      receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "C1", child1Dob: "2015-09-01",
    });
    const ref = /SD-\d{4}-\d{4,}/.exec(text(opened))![0];
    await sayCard(`invitees ${ref}`);
    return ref;
  };
  const schedule = async (ref: string, at: Date, lateRationale = "") =>
    pressCard("schedule", { ...findAction(await sayCard(`schedule ${ref}`), "schedule").data, slot: "other", ...londonDateTime(at), minutes: "60", lateRationale });
  const figures = async (query: string) => {
    const r = await fetch(`${h.base}/api/tab/figures${query}`);
    return { status: r.status, body: (await r.json()) as any };
  };

  beforeAll(async () => {
    validate = adaptiveCard15();
    h = await startHarness({ SENIOR_MANAGER: "Head of Service, Safeguarding" }, clock);
  });
  afterAll(async () => h?.stop());

  it("counts short-notice, late and inquorate strats with the strats behind each count, and the status card says so", async () => {
    const before = (await figures("?from=2026-11-23&to=2026-11-29")).body;
    expect(before).toMatchObject({ from: "2026-11-23", to: "2026-11-29", meetings: 0, shortNotice: { count: 0 }, late: { count: 0 }, inquorate: { count: 0 } });

    // A: convened at 10:30 for 11:45 the same morning: 75 minutes ahead → short notice.
    const a = await open("LCS-CNT-A");
    const shortCard = text(await schedule(a, new Date("2026-11-23T11:45:00Z")));
    expect(shortCard).toMatch(/short notice/i);
    // B: after its due time, with the rationale.
    const b = await open("LCS-CNT-B");
    const late = new Date((await stored(b)).dueAt.getTime() + 24 * 3600_000);
    expect(text(await schedule(b, late))).toMatch(/rationale/i);
    expect((await stored(b)).state.meeting).toBeNull();
    await schedule(b, late, "Police could not attend before Wednesday");
    // C: on time and not short notice, but inquorate.
    const c = await open("LCS-CNT-C");
    await schedule(c, new Date("2026-11-23T15:00:00Z"));
    const police = (await stored(c)).state.invitees.find((i) => i.quorumRole === "police")!;
    await pressCard("attendance", { ...findAction(await sayCard(`attendance ${c}`), "attendance").data, attended: police.id, inquorateReason: "Health was at court" });
    expect((await stored(c)).state.attendance).toMatchObject({ quorate: false });
    // D: none of these.
    const d = await open("LCS-CNT-D");
    await schedule(d, new Date("2026-11-23T16:00:00Z"));

    const after = await figures("?from=2026-11-23&to=2026-11-29");
    expect(after.status).toBe(200);
    expect(after.body.meetings).toBe(4);
    expect(after.body.shortNotice).toEqual({ count: 1, strats: [{ ref: a, caseRef: "LCS-CNT-A", start: "2026-11-23T11:45:00.000Z", minutesAhead: 75 }] });
    expect(after.body.late).toEqual({
      count: 1,
      strats: [{ ref: b, caseRef: "LCS-CNT-B", start: late.toISOString(), dueAt: (await stored(b)).dueAt.toISOString(), minutesLate: 24 * 60, rationale: "Police could not attend before Wednesday" }],
    });
    expect(after.body.inquorate).toEqual({ count: 1, strats: [{ ref: c, caseRef: "LCS-CNT-C", start: "2026-11-23T15:00:00.000Z", missing: ["health"], reason: "Health was at court" }] });

    // Moving A to the afternoon, convened now (10:35) more than 2 hours ahead, is no longer short notice.
    clock.advance(5 * 60_000);
    await schedule(a, new Date("2026-11-23T14:00:00Z"));
    expect((await figures("?from=2026-11-23&to=2026-11-29")).body.shortNotice.count).toBe(0);
    // The calendar's answers about the older time, arriving after the move (the booking was still in flight: CI saw the
    // strat go back to 11:45 and count as short notice), keep the chair's 14:00; the booking's Teams link is taken.
    const told: string[] = [];
    const events = calendarEventsFor(h.app.ctx, { toConversation: async (_c: string, m: { text: string }) => (told.push(m.text), "sent") } as unknown as Notifier);
    const old = { stratId: (await stored(a)).id, intentId: "00000000-0000-4000-8000-0000000000b1", start: new Date("2026-11-23T11:45:00Z"), end: new Date("2026-11-23T12:45:00Z") };
    await events.onBooked({ ...old, eventId: "ev-1", joinUrl: "https://teams.example/l/meetup-join/1" });
    await events.onMoved(old);
    expect((await stored(a)).state.meeting).toMatchObject({ start: "2026-11-23T14:00:00.000Z", joinUrl: "https://teams.example/l/meetup-join/1" });
    expect((await figures("?from=2026-11-23&to=2026-11-29")).body.shortNotice.count).toBe(0);
    // Outside the period nothing is counted.
    expect((await figures("?from=2026-11-16&to=2026-11-22")).body).toMatchObject({ meetings: 0, late: { count: 0 }, inquorate: { count: 0 } });

    // The status card says what is counted.
    expect(text(await sayCard(`status ${c}`))).toMatch(/Inquorate: counted/);
    expect(text(await sayCard(`status ${b}`))).toMatch(/Held after the due time: counted/);
  });

  it("the tab shows the counts and the strats behind them for the period chosen (in Chromium)", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${h.base}/tab/#/list`); // the list and its Counted figures (the tab lands on the dashboard)
      await page.getByLabel("From").fill("2026-11-23");
      await page.getByLabel("To").fill("2026-11-29");
      await page.getByRole("button", { name: "Show" }).click();
      await page.getByText("4 meeting(s) from 2026-11-23 to 2026-11-29").waitFor();
      expect(await page.locator("#count-shortNotice").textContent()).toBe("0");
      expect(await page.locator("#count-late").textContent()).toBe("1");
      expect(await page.locator("#list-late").textContent()).toContain("rationale: Police could not attend before Wednesday");
      expect(await page.locator("#count-inquorate").textContent()).toBe("1");
      expect(await page.locator("#list-inquorate").textContent()).toMatch(/LCS-CNT-C\): no health; reason: Health was at court/);
      await page.getByLabel("To").fill("2026-11-01");
      await page.getByRole("button", { name: "Show" }).click();
      await page.getByText("Could not load the figures: To must be on or after From.").waitFor();
    } finally {
      await browser.close();
    }
  });

  it("bad periods get 400 naming the field; the default period is the last 28 days to today", async () => {
    for (const [q, field] of [["?from=2026-13-01", "from"], ["?to=yesterday", "to"], ["?from=2026-11-20&to=2026-11-01", "to"], ["?from=2024-01-01&to=2026-11-01", "to"]] as const) {
      const r = await figures(q);
      expect(r.status, q).toBe(400);
      expect(r.body.field, q).toBe(field);
      expect(r.body.error, q).toMatch(new RegExp(field === "from" ? "From" : "To"));
    }
    const dflt = await figures("");
    expect(dflt.status).toBe(200);
    expect(dflt.body).toMatchObject({ from: "2026-10-27", to: "2026-11-23" });
  });
});
