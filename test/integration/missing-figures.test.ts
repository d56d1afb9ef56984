import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAction, startHarness, type Harness } from "../support/harness.js";
import { cardChat } from "../support/card-chat.js";
import { testClock } from "../support/app-context.js";
import { launchChromium } from "../support/browser.js";
import { londonDateTime } from "../../src/domain/time/index.js";
import { recordReturn, recordReturnInterview } from "../../src/domain/missing/episode.js";

/**
 * Issue 14 point 7 over real HTTP and the harness's store: /api/tab/figures carries the managers' missing figures,
 * computed here by hand on a small seeded set. Open episodes by days missing; weekly meetings kept of due (T-MWK, a
 * linked strat's meeting in each whole week missing); escalations on time (none recorded on episodes yet: 0 of 0);
 * return home interviews held within 72 hours of the return (T-RHI). Counts only, no child reference.
 */
describe("the managers' missing figures (issue 14 point 7)", () => {
  let h: Harness;
  const clock = testClock("2026-11-16T10:00:00Z");
  const { sayCard, pressCard } = cardChat(() => h, (c) => c);
  const H = 60 * 60 * 1000;
  const figures = async (query: string) => {
    const r = await fetch(`${h.base}/api/tab/figures${query}`);
    return { status: r.status, body: (await r.json()) as any };
  };
  const episode = (caseRef: string, reportedAt: string) => h.app.ctx.episodes!.openOrLink({
    caseRef, childRef: "C1", profileId: "bromley-2023", reportedAt: new Date(reportedAt), reportedBy: "Carer",
    lookedAfter: false, onPlan: false, particularConcerns: false,
  }, null, "test");
  const returned = async (id: string, at: string, heldAt?: string) => {
    await h.app.ctx.episodes!.mutate(id, "test", (e) => recordReturn(e, { at: new Date(at), where: "Home", by: "Police" }, (r) => new Date(r.getTime() + 72 * H), clock.now()));
    if (heldAt) await h.app.ctx.episodes!.mutate(id, "test", (e) => recordReturnInterview(e, { heldAt: new Date(heldAt), outcome: "Talked", by: "RHI worker" }, clock.now()));
  };

  beforeAll(async () => {
    h = await startHarness({}, clock);
  });
  afterAll(async () => h?.stop());

  it("open by days missing, weekly meetings kept of due, escalations and RHIs within 72 hours, by hand", async () => {
    // A: reported Sun 15 Nov 10:00, its strat's meeting Tue 17 Nov 10:00 (week 1 kept); still missing on 30 Nov (15 days).
    const form = await sayCard("new");
    const opened = await pressCard("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef: "LCS-FIG-A", profile: "bromley-2023", concerns: "missing",
      receivedDate: "2026-11-16", receivedTime: "09:00", child1Ref: "C1", child1Dob: "2012-06-01",
      missingDate: "2026-11-15", missingTime: "10:00", missingConcerns: "false",
    });
    const ref = /SD-\d{4}-\d{4,}/.exec(JSON.stringify(opened))![0];
    await sayCard(`invitees ${ref}`);
    await pressCard("schedule", { ...findAction(await sayCard(`schedule ${ref}`), "schedule").data, slot: "other", ...londonDateTime(new Date("2026-11-17T10:00:00Z")), minutes: "60", lateRationale: "Police available then" });
    expect((await h.app.ctx.strats.findByRef(ref))!.state.meeting?.start).toBe("2026-11-17T10:00:00.000Z");

    clock.set("2026-11-30T12:00:00Z");
    await episode("LCS-FIG-B", "2026-11-28T09:00:00Z"); // 2 days 3 h: 2–3
    await episode("LCS-FIG-C", "2026-11-30T08:00:00Z"); // 4 h: 0–1
    // D: returned 22 Nov 10:00, RHI due 25 Nov 10:00, held 24 Nov: on time. 2 days missing: no weekly meeting due.
    await returned((await episode("LCS-FIG-D", "2026-11-20T10:00:00Z")).episode.id, "2026-11-22T10:00:00Z", "2026-11-24T10:00:00Z");
    // E: missing 10–25 Nov (15 days: 2 weeks due, no strat meetings), RHI due 28 Nov 12:00, not held: due, not kept.
    await returned((await episode("LCS-FIG-E", "2026-11-10T10:00:00Z")).episode.id, "2026-11-25T12:00:00Z");
    // F: returned before the period: not counted.
    await returned((await episode("LCS-FIG-F", "2026-10-01T10:00:00Z")).episode.id, "2026-10-20T10:00:00Z", "2026-10-21T10:00:00Z");

    const { status, body } = await figures("?from=2026-11-20&to=2026-11-30");
    expect(status).toBe(200);
    expect(body.missing).toEqual({
      openByDaysMissing: { "0-1": 1, "2-3": 1, "4-7": 0, "over-7": 1 },
      weeklyMeetings: { kept: 1, due: 4 },
      // T-MDCS 72 h and T-MHOS 7 days (none looked after): A's two (18 and 22 Nov) and E's two (13 and 17 Nov, before its
      // return) fell due; D returned before its 72 h; B's is ahead. None was sent on time: A's job can only run once the
      // clock jumps to 30 Nov (late), and B–E were stored without their jobs.
      escalationsOnTime: { kept: 0, due: 4 },
      rhiWithin72h: { kept: 1, due: 2 },
    });
    expect(JSON.stringify(body.missing)).not.toMatch(/LCS-|C1/);
    // Issue 15 point 3: each week of the dashboard's trend has the figures as they stood at its end, over the episodes that
    // ran in that week, by hand. Week to 23 Nov (end Tue 24 Nov 00:00): A 8 days and E 13 days missing (E returned on the
    // 25th, after it); D returned on the 22nd; B and C not yet reported. A's week 1 kept, E's week 1 not (1 of 2); D's
    // interview was held on the 24th (after the end) and due on the 25th: none due yet.
    const dash = (await (await fetch(`${h.base}/api/tab/dashboard?from=2026-11-20&to=2026-11-30`)).json()) as any;
    const week = (to: string) => dash.trend.find((w: any) => w.to === to).atEnd;
    expect(week("2026-11-23").at).toBe("2026-11-24T00:00:00.000Z");
    expect(week("2026-11-23").missing).toMatchObject({
      openByDaysMissing: { "0-1": 0, "2-3": 0, "4-7": 0, "over-7": 2 }, weeklyMeetings: { kept: 1, due: 2 }, rhiWithin72h: { kept: 0, due: 0 },
    });
    // Week to 16 Nov (end 17 Nov 00:00): A 1 day, E 6 days missing; the week to 9 Nov: neither reported, F returned before it.
    expect(week("2026-11-16").missing.openByDaysMissing).toEqual({ "0-1": 1, "2-3": 0, "4-7": 1, "over-7": 0 });
    expect(week("2026-11-09").missing).toEqual({
      openByDaysMissing: { "0-1": 0, "2-3": 0, "4-7": 0, "over-7": 0 }, weeklyMeetings: { kept: 0, due: 0 },
      escalationsOnTime: { kept: 0, due: 0 }, rhiWithin72h: { kept: 0, due: 0 },
    });
    // This week's end is now: the episodes that ran in it as they are now (D returned before it began).
    expect(week("2026-11-30").at).toBe("2026-11-30T12:00:00.000Z");
    expect(week("2026-11-30").missing.openByDaysMissing).toEqual(body.missing.openByDaysMissing);

    // Issue 15 point 2: a chair counts only the episodes of strats they may see (A's chair: A only; another chair: none).
    const asChair = async (oid: string) => {
      const signin = await fetch(`${h.base}/tab/dev-signin?role=chair&oid=${encodeURIComponent(oid)}`, { redirect: "manual" });
      const cookie = signin.headers.get("set-cookie")!.split(";")[0]!;
      const r = await fetch(`${h.base}/api/tab/figures?from=2026-11-20&to=2026-11-30`, { headers: { cookie } });
      const dash = await fetch(`${h.base}/api/tab/dashboard?from=2026-11-20&to=2026-11-30`, { headers: { cookie } });
      const missing = ((await r.json()) as any).missing;
      expect(((await dash.json()) as any).missing).toEqual(missing);
      return missing;
    };
    expect(await asChair((await h.app.ctx.strats.findByRef(ref))!.chairId)).toEqual({
      openByDaysMissing: { "0-1": 0, "2-3": 0, "4-7": 0, "over-7": 1 }, weeklyMeetings: { kept: 1, due: 2 },
      escalationsOnTime: { kept: 0, due: 2 }, rhiWithin72h: { kept: 0, due: 0 },
    });
    expect(await asChair("someone-else")).toEqual({
      openByDaysMissing: { "0-1": 0, "2-3": 0, "4-7": 0, "over-7": 0 }, weeklyMeetings: { kept: 0, due: 0 },
      escalationsOnTime: { kept: 0, due: 0 }, rhiWithin72h: { kept: 0, due: 0 },
    });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${h.base}/tab/#/list`); // the list and its Counted figures (the tab lands on the dashboard)
      await page.getByLabel("From").fill("2026-11-20");
      await page.getByLabel("To").fill("2026-11-30");
      await page.getByRole("button", { name: "Show" }).click();
      await page.getByText("from 2026-11-20 to 2026-11-30").waitFor();
      const table = await page.locator("#missing-figures").textContent();
      expect(table).toContain("Open episodes, missing more than 7 days1");
      expect(table).toContain("Weekly strategy meetings held (of due)1 of 4");
      expect(table).toContain("Return home interviews within 72 hours (of due)1 of 2");
    } finally {
      await browser.close();
    }
    const bad = await figures("?from=2026-13-01");
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe("from");
  });
});
