import type { ValidateFunction } from "ajv";
import { describe, expect, it } from "vitest";
import { extractText, getDocumentProxy } from "unpdf";
import { linkStratToEpisodes } from "../../src/app/missing-episode.js";
import { stratRecord } from "../../src/app/strat-record.js";
import { scoreVersion, signOffVersion } from "../../src/domain/missing/risk-versions.js";
import { renderRecordPdf } from "../../src/infra/record/pdf.js";
import { closeStrat, recordStratAttendance } from "../../src/app/strat-commands.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import type { JobKind } from "../../src/ports/jobs.js";
import { testClock } from "../support/app-context.js";
import { cardChat } from "../support/card-chat.js";
import { adaptiveCard15 } from "../support/contracts.js";
import { teamsHostProblems } from "../support/host-config.js";
import { appStore } from "../support/databases.js";
import { fullStrat } from "../support/full-strat.js";
import { activity, cardsIn, findAction, startHarness, type Harness } from "../support/harness.js";

/**
 * Issue 14, the last gaps (missing children end to end), over the harness's stores (PGlite, and PostgreSQL with
 * DATABASE_URL) with a controllable clock.
 */
const chair = { id: "00000000-0000-4000-8000-0000000000c1", name: "Sam Chair" };
const REPORTED = new Date("2026-11-20T17:30:00Z");
const DAY = 24 * 3_600_000;

/** A missing strat of case + child C-1000 (bromley-missing-2020), its meeting set 23 Nov 11:30, not yet attended. */
async function missingStrat(h: Harness, caseRef: string, n: number): Promise<Strat> {
  const full = fullStrat({ children: 1, invitees: 5, actions: 1 });
  const referral = { ...full.referral, concerns: ["missing" as const], missing: { reportedAt: REPORTED, particularConcerns: false } };
  const at = "2026-11-23T12:40:00.000Z";
  const { strat } = await h.app.ctx.strats.open({
    caseRef, profileId: "bromley-missing-2020", referral, dueAt: full.dueAt, dueRule: "T-MIS", targetAt: null, applied: [],
    chairId: chair.id, chairName: chair.name, conversationId: "conv-personal-chair", requestId: `req-${caseRef}-${n}`,
    state: {
      ...full.state, attendance: null, closure: null, amendments: [],
      recordFields: {
        reason: { value: "Missing.", at, by: chair.id }, mode: { value: "teams", at, by: chair.id },
        missingSummary: { value: "Concerns.", at, by: chair.id }, nationalDeskConsulted: { value: "yes", at, by: chair.id },
      },
    },
  }, { actor: chair.id, action: "open" });
  await linkStratToEpisodes(h.app.ctx, chair, strat);
  return strat;
}

describe("missing children: the last gaps of issue 14", () => {
  it("T-MWK point 1: the weekly meeting jobs are written when attendance is recorded (the meeting took place), due 7 days after its start; closing later writes no second set", async () => {
    const store = await appStore();
    const clock = testClock("2026-11-23T12:50:00Z"); // the meeting 11:30–12:30 has ended
    const h = await startHarness({ ...store.env, JOBS_POLL_MS: "0" }, clock);
    const weekly = async () => (await h.app.ctx.jobs!.pending("missing.weekly" as JobKind)).map((j) => [j.dedupeKey!.split(":")[3], j.runAt.toISOString()]).sort();
    try {
      await h.post(activity({ text: "help" }, h.serviceUrl));
      const s = await missingStrat(h, "LCS-WKH", 1);
      expect(await weekly()).toEqual([]);
      const ids = s.state.invitees.map((i) => i.id);
      await recordStratAttendance(h.app.ctx, chair, s.id, { attendedInviteeIds: [ids[0]!, ids[2]!], inquorateReason: "Health could not attend" });
      const due = new Date(new Date(s.state.meeting!.start).getTime() + 7 * DAY);
      const expected = [["before", new Date(due.getTime() - DAY).toISOString()], ["overdue", due.toISOString()]];
      expect(await weekly()).toEqual(expected);
      clock.set("2026-11-24T09:00:00Z");
      await closeStrat(h.app.ctx, chair, s.id);
      expect(await weekly()).toEqual(expected);
    } finally {
      await h.stop();
      await store.drop();
    }
  }, 120_000);

  it("point 2: every card the bot shows about a strat of an open episode says how long each child has been missing (opened, invitees, attendance, decide, plan, action, dissent, close, record), valid Adaptive Card 1.5", async () => {
    const store = await appStore();
    const clock = testClock("2026-11-23T10:30:00Z");
    const h = await startHarness({ ...store.env, JOBS_POLL_MS: "0" }, clock);
    const validate: ValidateFunction = await adaptiveCard15();
    const check = (card: any) => {
      expect(validate(card), JSON.stringify(validate.errors?.slice(0, 2))).toBe(true);
      expect(teamsHostProblems(card), String(card.body?.[0]?.text)).toEqual([]);
      return card;
    };
    const { say, sayCard, pressCard } = cardChat(() => h, check);
    const line = (card: unknown) => JSON.stringify(card).match(/Child C1 missing for [^."]+/)?.[0] ?? null;
    try {
      const form = await sayCard("new");
      const opened = await pressCard("openStrat", {
        requestId: findAction(form, "openStrat").data.requestId, caseRef: "LCS-DM1", profile: "bromley-2023", concerns: "missing", receivedDate: "2026-11-23",
        receivedTime: "10:00", child1Ref: "C1", child1Dob: "2012-06-01", child1Flags: "", missingDate: "2026-11-20", missingTime: "20:00", missingConcerns: "false",
      });
      expect(line(opened)).toBe("Child C1 missing for 2 days");
      const ref = /SD-\d{4}-\d{4,}/.exec(JSON.stringify(opened))![0];
      for (const command of ["invitees", "attendance", "decide", "plan", "action", "dissent", "close", "record"]) {
        const cards = cardsIn(await say(`${command} ${ref}`)).map(check);
        expect(cards.length, command).toBeGreaterThan(0);
        expect(line(cards[0]), command).toBe("Child C1 missing for 2 days");
      }
      // another strat, not about a missing child: no such line
      const other = await pressCard("openStrat", {
        requestId: findAction(await sayCard("new"), "openStrat").data.requestId, caseRef: "LCS-DM2", profile: "bromley-2023", concerns: "standard",
        receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "C1", child1Dob: "2014-02-02",
      });
      expect(JSON.stringify(other)).not.toContain("missing for");
    } finally {
      await h.stop();
      await store.drop();
    }
  }, 120_000);

  it("point 2: a card the notifier sends in the background (reminder, escalation, proactive post) about a strat of an open episode says how long each child has been missing; one about no such strat does not", async () => {
    const store = await appStore();
    const clock = testClock("2026-11-23T10:30:00Z");
    const h = await startHarness({ ...store.env, JOBS_POLL_MS: "0" }, clock);
    try {
      const s = await missingStrat(h, "LCS-DMB", 1);
      await h.post(activity({ text: "help" }, h.serviceUrl)); // the bot keeps this conversation's reference
      const card = (ref: string) => ({ type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: `Reminder about ${ref}` }, { type: "TextBlock", text: "Due soon." }] });
      const sentCard = () => JSON.stringify(h.sent.filter((x) => x.path.includes("/conversations/conv-personal-chair/")).at(-1)?.body ?? {});
      const notifier = h.app.ctx.notifier!;
      expect(await notifier.toConversation("conv-personal-chair", { text: "reminder", card: card(s.ref) })).toBe("sent");
      expect(sentCard()).toContain("Child C-1000 missing for 2 days");
      const posted = await notifier.post("conv-personal-chair", { text: "post", card: card(s.ref) });
      expect(sentCard()).toContain("Child C-1000 missing for 2 days");
      expect(posted).not.toBe("no-conversation");
      await notifier.toConversation("conv-personal-chair", { text: "other", card: card("SD-2026-999999") });
      expect(sentCard()).not.toContain("missing for");
    } finally {
      await h.stop();
      await store.drop();
    }
  }, 120_000);

  it("point 5 (M-RAG): the record's missing risk section reads the episode's risk versions per child: the latest signed off with its band, who signed off and when, and how many versions; in the JSON and the PDF", async () => {
    const store = await appStore();
    const clock = testClock("2026-11-23T12:00:00Z");
    const h = await startHarness({ ...store.env, JOBS_POLL_MS: "0" }, clock);
    try {
      await h.post(activity({ text: "help" }, h.serviceUrl));
      const s = await missingStrat(h, "LCS-RR1", 1);
      const [e] = await h.app.ctx.episodes!.ofStrat(s.id);
      const manager = { id: "tm-1", name: "Pat Manager", isManager: true };
      const score = (answers: Record<string, number>) =>
        h.app.ctx.episodes!.addRiskVersion(e!.id, chair.id, (ep, last) => scoreVersion(ep.id, last, answers, chair.id, clock.now()));
      await score({ "risk-factors.1": 2 });
      await h.app.ctx.episodes!.signOffRisk(e!.id, manager.id, (v) => signOffVersion(v, { outcome: "convene", comments: "Agree" }, manager, clock.now()));
      clock.set("2026-11-23T12:10:00Z");
      await score({ "risk-factors.1": 2, "risk-factors.8": 3 }); // a later version, not signed off
      const record = await stratRecord(h.app.ctx, s.ref);
      expect(record.missingRiskByChild).toEqual([{
        childRef: "C-1000", versions: 2,
        signedOff: { version: 1, score: 2, band: "blue", outcome: "convene", by: "Pat Manager", at: "2026-11-23T12:00:00.000Z" },
      }]);
      const doc = await getDocumentProxy(new Uint8Array(await renderRecordPdf(record)));
      const pdf = (await extractText(doc, { mergePages: true })).text.replace(/\s+/g, " ");
      expect(pdf).toContain("Child C-1000: version 1 of 2 signed off by Pat Manager");
    } finally {
      await h.stop();
      await store.drop();
    }
  }, 120_000);
});
