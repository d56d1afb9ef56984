import { missingFiguresFor } from "../../src/app/missing-figures.js";
import { describe, expect, it } from "vitest";
import { linkStratToEpisodes, recordEpisodeReturn } from "../../src/app/missing-episode.js";
import { closeStrat } from "../../src/app/strat-commands.js";
import { fullStrat } from "../support/full-strat.js";
import { loadConfig } from "../../src/config.js";
import { newSigningKeyText } from "../../src/domain/audit/keys.js";
import { createLogger } from "../../src/infra/log/logger.js";
import { startApp } from "../../src/main.js";
import type { JobKind } from "../../src/ports/jobs.js";
import { activity, cardsIn, findAction, startHarness, type Harness } from "../support/harness.js";
import { cardChat } from "../support/card-chat.js";
import { testClock } from "../support/app-context.js";
import { appStore } from "../support/databases.js";

/**
 * Issue 14 point 4 over HTTP with real botbuilder, the harness's stores, the durable queue and the Graph stand-in's
 * mailboxes: an episode reported Fri 17:30 for a looked-after child (bromley-missing-2020) → T-MIS first meeting Monday
 * (first working day); T-MDCS: the Director told Sat 17:30 (+24 h), the DCS asked to consider informing the Deputy Chief
 * Executive Sun 17:30 (+48 h), the DCS told Mon 17:30 (+72 h); T-MHOS at day 7: the Head of Service told and the chair's
 * required seniority raised on the open strat. Each told exactly once, each recorded on the episode, all surviving a
 * restart; a return at day 2 drops the later steps quietly.
 */
const KINDS: JobKind[] = ["missing.escalate", "graph.mail"];

describe("missing-child escalations as durable jobs (issue 14 point 4: T-MDCS, T-MHOS)", () => {
  it("Fri 17:30 looked-after child → Director Sat 17:30, DCE consideration Sun 17:30, DCS Mon 17:30, Head of Service day 7; once each, recorded, after a restart; a return at day 2 cancels the rest", async () => {
    const store = await appStore({ persistent: true });
    const clock = testClock("2026-11-20T17:45:00Z"); // Fri 17:45 GMT
    const env = { ...store.env, JOBS_POLL_MS: "0" };
    let h: Harness = await startHarness(env, clock);
    const { sayCard, pressCard } = cardChat(() => h, (c) => c);
    const open = async (caseRef: string, missingDate: string) => {
      const form = await sayCard("new");
      const opened = await pressCard("openStrat", {
        requestId: findAction(form, "openStrat").data.requestId, caseRef, profile: "bromley-missing-2020", concerns: "missing",
        receivedDate: missingDate, receivedTime: "17:45", child1Ref: "C1", child1Dob: "2012-06-01", child1Flags: "lookedAfter",
        missingDate, missingTime: "17:30", missingConcerns: "false",
      });
      const ref = /SD-\d{4}-\d{4,}/.exec(JSON.stringify(opened))![0];
      return (await h.app.ctx.strats.findByRef(ref))!;
    };
    const mails = (mailbox: string) => h.app.db.query<{ subject: string; html: string }>(
      "SELECT subject, html FROM standin_inbox WHERE mailbox = $1 AND kind = 'mail' ORDER BY id", [mailbox]);
    const escalations = async (id: string) => (await h.app.ctx.episodes!.auditTrail(id))
      .filter((a) => a.action === "missing.escalated").map((a) => [a.detail.key, a.detail.to, a.detail.how, a.detail.at]);
    const runAt = async (iso: string) => {
      clock.set(iso);
      while ((await h.app.jobs.runOnce({ kinds: KINDS })) > 0);
    };
    try {
      await h.post(activity({ text: "help" }, h.serviceUrl)); // the chair's conversation reference
      const s = await open("LCS-ESC1", "2026-11-20");
      expect(s.dueRule).toBe("T-MIS");
      expect(s.dueAt.toISOString().slice(0, 10)).toBe("2026-11-23"); // Monday: the first working day
      const [e] = await h.app.ctx.episodes!.ofStrat(s.id);
      const pending = (await h.app.ctx.jobs!.pending("missing.escalate")).filter((j) => j.dedupeKey!.includes(e!.id))
        .map((j) => [j.dedupeKey!.split(":")[2], j.runAt.toISOString()]).sort((a, b) => a[1]!.localeCompare(b[1]!));
      expect(pending).toEqual([
        ["director-lac", "2026-11-21T17:30:00.000Z"], ["dce-consider", "2026-11-22T17:30:00.000Z"],
        ["dcs-72h", "2026-11-23T17:30:00.000Z"], ["head-of-service", "2026-11-27T17:30:00.000Z"],
      ]);

      // a restart between the report and the escalations
      await h.stop();
      h = await startHarness(env, clock);
      await h.post(activity({ text: "help" }, h.serviceUrl));
      await runAt("2026-11-21T17:29:00Z");
      expect(await mails("director@local.invalid")).toEqual([]);
      await runAt("2026-11-21T17:30:00Z");
      const director = await mails("director@local.invalid");
      expect(director.map((m) => m.subject)).toEqual(["Child still missing after 1 day: case LCS-ESC1 (T-MDCS)"]);
      expect(director[0]!.html).toContain("Notify the Director: looked-after child missing &gt; 24 hours");
      await runAt("2026-11-22T17:30:00Z");
      await runAt("2026-11-23T17:30:00Z");
      expect((await mails("dcs@local.invalid")).map((m) => m.subject)).toEqual([
        "Child still missing after 2 days: case LCS-ESC1 (T-MDCS)", "Child still missing after 3 days: case LCS-ESC1 (T-MDCS)",
      ]);
      expect((await mails("dcs@local.invalid"))[0]!.html).toContain("DCS considers informing the Deputy Chief Executive");
      await runAt("2026-11-27T17:30:00Z");
      expect((await mails("head-of-service@local.invalid")).map((m) => m.subject)).toEqual(["Child still missing after 7 days: case LCS-ESC1 (T-MHOS)"]);
      // T-MHOS: the open strat now needs a Head of Service chair; the chair was told
      expect((await h.app.ctx.strats.get(s.id))!.state.chairSeniority).toMatchObject({ required: "CSC Head of Service", rules: expect.arrayContaining(["T-MHOS"]) });
      expect(h.sent.map((x) => String(x.body.text ?? "")).some((t) => t.includes("must now be chaired by CSC Head of Service (T-MHOS)"))).toBe(true);
      // recorded on the episode: who, when, how
      expect(await escalations(e!.id)).toEqual([
        ["director-lac", "director@local.invalid", "mail", "2026-11-21T17:30:00.000Z"],
        ["dce-consider", "dcs@local.invalid", "mail", "2026-11-22T17:30:00.000Z"],
        ["dcs-72h", "dcs@local.invalid", "mail", "2026-11-23T17:30:00.000Z"],
        ["head-of-service", "head-of-service@local.invalid", "mail", "2026-11-27T17:30:00.000Z"],
      ]);
      // exactly once: later rounds tell no one again
      await runAt("2026-12-01T09:00:00Z");
      expect((await mails("director@local.invalid")).length + (await mails("dcs@local.invalid")).length + (await mails("head-of-service@local.invalid")).length).toBe(4);

      // another child: returned at day 2 (after the 24 h and 48 h steps) → the 72 h and 7-day steps are dropped quietly
      clock.set("2026-12-01T18:00:00Z");
      const s2 = await open("LCS-ESC2", "2026-12-01");
      const [e2] = await h.app.ctx.episodes!.ofStrat(s2.id);
      await runAt("2026-12-02T17:30:00Z");
      await runAt("2026-12-03T17:30:00Z");
      clock.set("2026-12-03T18:00:00Z");
      await recordEpisodeReturn(h.app.ctx, { id: s2.chairId, name: "Sam Chair" }, e2!.id, { at: new Date("2026-12-03T17:45:00Z"), where: "Home", by: "Carer" });
      await runAt("2026-12-10T09:00:00Z");
      const subjects2 = (await h.app.db.query<{ subject: string }>("SELECT subject FROM standin_inbox WHERE kind = 'mail' AND subject LIKE '%LCS-ESC2%' ORDER BY id")).map((m) => m.subject);
      expect(subjects2).toEqual(["Child still missing after 1 day: case LCS-ESC2 (T-MDCS)", "Child still missing after 2 days: case LCS-ESC2 (T-MDCS)"]);
      expect((await escalations(e2!.id)).map((x) => x[0])).toEqual(["director-lac", "dce-consider"]);
      expect((await h.app.ctx.jobs!.pending("missing.escalate")).filter((j) => j.dedupeKey!.includes(e2!.id))).toEqual([]);
      // issue 14 point 7: the managers' figure counts them: 4 steps of the first child and the 2 of the second that fell
      // due before the return, each sent at its due time (the steps after the return are not due)
      const figures = await missingFiguresFor(h.app.ctx, { from: "2026-11-01", to: "2026-12-10" });
      expect(figures.escalationsOnTime).toEqual({ kept: 6, due: 6 });
      // no child data in logs or mails
      expect(h.logs.join("\n")).not.toMatch(/2012-06-01/);
    } finally {
      await h.stop();
      await store.drop();
    }
  }, 120_000);

  it("T-MWK: each strat of an open episode held (closed) → the next weekly meeting due 7 days after its meeting: the chair reminded a day before and told at due, after a restart; a later strat carries it on; a return drops it", async () => {
    const store = await appStore({ persistent: true });
    const clock = testClock("2026-11-23T13:00:00Z"); // Mon 13:00, the first meeting held 12:00–12:45 (fullStrat)
    const env = { ...store.env, JOBS_POLL_MS: "0" };
    let h: Harness = await startHarness(env, clock);
    const chair = { id: "00000000-0000-4000-8000-0000000000c1", name: "Sam Chair" };
    const kinds = { kinds: ["missing.weekly"] as JobKind[] };
    const texts = () => h.sent.map((x) => String(x.body.text ?? ""));
    /** A missing strat of case + child C1 ready to close, linked to the child's episode (reported Fri 20 Nov 17:30). */
    const held = async (caseRef: string, n: number) => {
      const full = fullStrat({ children: 1, invitees: 5, actions: 1 });
      const referral = { ...full.referral, concerns: ["missing" as const], missing: { reportedAt: new Date("2026-11-20T17:30:00Z"), particularConcerns: false } };
      const { strat } = await h.app.ctx.strats.open({
        caseRef, profileId: "bromley-missing-2020", referral, dueAt: full.dueAt, dueRule: "T-MIS", targetAt: null, applied: [],
        chairId: chair.id, chairName: chair.name, conversationId: "conv-personal-chair", requestId: `req-${caseRef}-${n}`,
        state: { ...full.state, closure: null, amendments: [], recordFields: { reason: { value: "Missing.", at: "2026-11-23T12:40:00.000Z", by: chair.id }, mode: { value: "teams", at: "2026-11-23T12:40:00.000Z", by: chair.id }, missingSummary: { value: "Concerns.", at: "2026-11-23T12:40:00.000Z", by: chair.id }, nationalDeskConsulted: { value: "yes", at: "2026-11-23T12:40:00.000Z", by: chair.id } } },
      }, { actor: chair.id, action: "open" });
      await linkStratToEpisodes(h.app.ctx, chair, strat);
      return strat;
    };
    const weekly = async () => (await h.app.ctx.jobs!.pending("missing.weekly")).map((j) => [j.dedupeKey!.split(":")[3], j.runAt.toISOString()]).sort();
    try {
      await h.post(activity({ text: "help" }, h.serviceUrl));
      const s1 = await held("LCS-WK1", 1);
      expect(await weekly()).toEqual([]);
      await closeStrat(h.app.ctx, chair, s1.id);
      const meeting = new Date(s1.state.meeting!.start);
      const due = new Date(meeting.getTime() + 7 * 24 * 3_600_000);
      expect(await weekly()).toEqual([["before", new Date(due.getTime() - 24 * 3_600_000).toISOString()], ["overdue", due.toISOString()]]);

      await h.stop();
      h = await startHarness(env, clock);
      await h.post(activity({ text: "help" }, h.serviceUrl));
      clock.set(new Date(due.getTime() - 24 * 3_600_000 - 60_000).toISOString());
      expect(await h.app.jobs.runOnce(kinds)).toBe(0);
      clock.set(new Date(due.getTime() - 24 * 3_600_000).toISOString());
      expect(await h.app.jobs.runOnce(kinds)).toBe(1);
      expect(texts().at(-1)).toBe(`Reminder: the weekly missing-child meeting for child C-1000 (case LCS-WK1, missing for 8 days) is due by Mon 30 Nov, 11:30 (T-MWK, 7 days after the last meeting while the child is missing). Type reconvene ${s1.ref} to open it.`);
      clock.set(due.toISOString());
      expect(await h.app.jobs.runOnce(kinds)).toBe(1);
      expect(texts().at(-1)).toMatch(/^Overdue: the weekly missing-child meeting for child C-1000 \(case LCS-WK1, missing for 9 days\) was due by Mon 30 Nov, 11:30 \(T-MWK\)/);

      // the second meeting is held: its own weekly jobs; a third strat linked before they run carries the cadence on
      const s2 = await held("LCS-WK1", 2);
      await closeStrat(h.app.ctx, chair, s2.id);
      expect(await weekly()).toEqual([["overdue", due.toISOString()]]); // its meeting (fullStrat's) was a week ago: only the overdue notice
      const s3 = await held("LCS-WK1", 3);
      // the new strat's cards: days missing and the weekly meeting due (status line; schedule proposes before it)
      const facts = "Child C-1000 missing for 9 days (reported Fri 20 Nov, 17:30); weekly missing-child meeting due by Mon 30 Nov, 11:30 (T-MWK).";
      const { say } = cardChat(() => h, (c) => c);
      expect(JSON.stringify(cardsIn(await say(`status ${s3.ref}`)))).toContain(facts);
      expect(JSON.stringify(cardsIn(await say(`schedule ${s3.ref}`)))).toContain(facts);
      const before = h.sent.length;
      clock.set(new Date(due.getTime() + 8 * 24 * 3_600_000).toISOString());
      expect(await h.app.jobs.runOnce(kinds)).toBe(1);
      expect(h.sent.length).toBe(before); // dropped quietly

      // another child's episode: returned before the reminder → nothing said
      const s4 = await held("LCS-WK2", 1);
      await closeStrat(h.app.ctx, chair, s4.id);
      const [e4] = await h.app.ctx.episodes!.ofStrat(s4.id);
      await recordEpisodeReturn(h.app.ctx, chair, e4!.id, { at: clock.now(), where: "Home", by: "Carer" });
      clock.set(new Date(clock.now().getTime() + 30 * 24 * 3_600_000).toISOString());
      const n = h.sent.length;
      await h.app.jobs.runOnce(kinds);
      expect(h.sent.slice(n).map((x) => String(x.body.text ?? "")).filter((t) => t.includes("weekly"))).toEqual([]);
    } finally {
      await h.stop();
      await store.drop();
    }
  }, 120_000);

  it("start-up with bot credentials (a tenant) and no escalation roles stops with one line naming each setting", async () => {
    const config = loadConfig({
      PORT: "0", MicrosoftAppId: "11111111-1111-4111-8111-111111111111", MicrosoftAppPassword: "not-a-real-secret",
      MicrosoftAppTenantId: "22222222-2222-4222-8222-222222222222", RESPONSE_LINK_SECRET: "test-secret-test-secret-test-secret-0123",
      AUDIT_SIGNING_KEY: newSigningKeyText(), MISSING_DCS: "dcs@council.example.org",
    }, "");
    await expect(startApp(config, createLogger("silent"))).rejects.toThrow(/^Configuration error: MISSING_DIRECTOR, MISSING_HEAD_OF_SERVICE are required with bot credentials when a profile names T-MDCS or T-MHOS/);
  });
});
