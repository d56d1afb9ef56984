import { describe, expect, it } from "vitest";
import { activity, cardsIn, findAction, startHarness, type Harness } from "../support/harness.js";
import { cardChat } from "../support/card-chat.js";
import { testClock } from "../support/app-context.js";
import { appStore } from "../support/databases.js";
import { auditSigningKey, verifyAudit } from "../../src/infra/store/audit-log.js";

/**
 * Issue 14 points 1 and 5 over HTTP with real botbuilder and the harness's stores: a missing episode is a thing of its
 * own (case + child), opened by `new` with the missing concern and linked to by later strats of the same child; `missing`
 * shows it (days missing); recording the return starts T-RHI (hours(72) from the return, DOMAIN.md) as two durable
 * jobs — a reminder 24 h before and the overdue notice at the due instant — which survive a restart and stop once the
 * interview's outcome is recorded; parents told (bromley-missing-2020 §9.2, §9.5) is recorded with when and by whom.
 */
/** An Action.Execute inside the card's Action.ShowCard forms. */
const shownAction = (card: any, verb: string): any =>
  (card.actions ?? []).flatMap((a: any) => (a.type === "Action.ShowCard" ? a.card.actions ?? [] : [a])).find((a: any) => a.verb === verb);

describe("missing episodes and the return home interview (issue 14 points 1, 5)", () => {
  it("reported Fri 17:30 → `new` opens and links the episode; `missing` shows days missing; return → RHI reminder and overdue notice at the right instants, after a restart; the outcome stops them; bad input names the field and saves nothing", async () => {
    const store = await appStore({ persistent: true });
    const clock = testClock("2026-11-20T18:00:00Z"); // Fri 18:00 GMT
    const env = { ...store.env, JOBS_POLL_MS: "0" };
    const kinds = { kinds: ["missing.rhi"] as const };
    let h: Harness = await startHarness(env, clock);
    const { say, sayCard, pressCard } = cardChat(() => h, (c) => c);
    const open = async (caseRef: string) => {
      const form = await sayCard("new");
      const opened = await pressCard("openStrat", {
        requestId: findAction(form, "openStrat").data.requestId, caseRef, profile: "bromley-2023", concerns: "missing",
        receivedDate: "2026-11-20", receivedTime: "17:45", child1Ref: "C1", child1Dob: "2012-06-01", child1Flags: "lookedAfter",
        missingDate: "2026-11-20", missingTime: "17:30", missingConcerns: "false",
      });
      const ref = /SD-\d{4}-\d{4,}/.exec(JSON.stringify(opened))![0];
      return (await h.app.ctx.strats.findByRef(ref))!;
    };
    const episodes = () => h.app.ctx.episodes!;
    const episodeCard = async (ref: string) => cardsIn(await say(`missing ${ref}`)).find((c) => JSON.stringify(c).includes("Missing episode"));
    const rhiJobs = async (id: string) => (await h.app.ctx.jobs!.pending("missing.rhi"))
      .filter((j) => j.dedupeKey!.startsWith(`rhi:${id}:`)).map((j) => [j.dedupeKey!.split(":")[2], j.runAt.toISOString()]).sort();
    const sentTexts = () => h.sent.map((x) => String(x.body.text ?? ""));
    try {
      await h.post(activity({ text: "help" }, h.serviceUrl)); // the chair's conversation reference
      const s1 = await open("LCS-MISS1");
      const [e] = await episodes().ofStrat(s1.id);
      expect(e).toMatchObject({ caseRef: "LCS-MISS1", childRef: "C1", reportedAt: new Date("2026-11-20T17:30:00Z"), reportedBy: "Sam Chair", lookedAfter: true, returned: null, stratIds: [s1.id] });
      // a second strat about the same case and child links to the open episode: no second episode
      const s2 = await open("LCS-MISS1");
      expect((await episodes().ofStrat(s2.id)).map((x) => [x.id, x.stratIds])).toEqual([[e!.id, [s1.id, s2.id]]]);

      clock.set("2026-11-23T18:00:00Z"); // Mon 18:00: three days since the report
      let card = await episodeCard(s1.ref);
      expect(JSON.stringify(card)).toContain("Missing for 3 days");
      expect(JSON.stringify(card)).toContain("Record the return");
      const ids = shownAction(card, "missingReturn").data;

      // bad input: each names what is wrong, nothing is saved
      const version = (await episodes().get(e!.id))!.version;
      const refused = async (input: Record<string, string>, message: RegExp) => {
        const c = await pressCard("missingReturn", { ...ids, returnedDate: "2026-11-23", returnedTime: "12:00", returnedWhere: "A friend's flat", returnedBy: "PC Lee", ...input });
        expect(JSON.stringify(c)).toMatch(message);
        expect(JSON.stringify(c)).toContain("Nothing was saved");
        expect((await episodes().get(e!.id))!.version).toBe(version);
        expect(await rhiJobs(e!.id)).toEqual([]);
      };
      await refused({ returnedDate: "2026-11-20", returnedTime: "17:00" }, /time the child returned is before the time the child was reported missing/);
      await refused({ returnedTime: "" }, /Enter the date and time the child was found or returned/);
      await refused({ returnedWhere: " " }, /Enter where the child was found/);
      await refused({ returnedBy: "" }, /Enter who found or returned the child/);

      // the return: T-RHI due Thu 26 Nov 12:00 (+72 h), reminded Wed 25 Nov 12:00
      card = await pressCard("missingReturn", { ...ids, returnedDate: "2026-11-23", returnedTime: "12:00", returnedWhere: "A friend's flat", returnedBy: "PC Lee" });
      expect(JSON.stringify(card)).toContain("The return was saved");
      expect(JSON.stringify(card)).toContain("Due by Thu 26 Nov 2026, 12:00 (T-RHI");
      expect(JSON.stringify(card)).toContain("Was missing for 2 days");
      expect(await rhiJobs(e!.id)).toEqual([["before", "2026-11-25T12:00:00.000Z"], ["overdue", "2026-11-26T12:00:00.000Z"]]);
      // a second return on a returned episode is refused in words
      const again = await pressCard("missingReturn", { ...ids, version: "", returnedDate: "2026-11-23", returnedTime: "13:00", returnedWhere: "Home", returnedBy: "Mum" });
      expect(JSON.stringify(again)).toMatch(/return was already recorded for child C1 \(case LCS-MISS1\)/);
      // parents told (§9.2, §9.5): when and by whom
      const told = await pressCard("missingParents", { ...ids, version: "", parentsToldDate: "2026-11-23", parentsToldTime: "13:00", parentsToldBy: "Sam Chair" });
      expect(JSON.stringify(told)).toContain("Mon 23 Nov 2026, 13:00 by Sam Chair");

      // `missing` on a returned episode's strat shows it again: it neither reopens it nor opens another
      expect(JSON.stringify(await episodeCard(s1.ref))).toContain("Was missing for 2 days");
      expect((await episodes().ofStrat(s1.id)).map((x) => x.id)).toEqual([e!.id]);

      // the reminder and the overdue notice, after a restart
      await h.stop();
      h = await startHarness(env, clock);
      await h.post(activity({ text: "help" }, h.serviceUrl));
      clock.set("2026-11-25T11:59:00Z");
      expect(await h.app.jobs.runOnce(kinds)).toBe(0);
      clock.set("2026-11-25T12:00:00Z");
      expect(await h.app.jobs.runOnce(kinds)).toBe(1);
      expect(sentTexts().filter((t) => t.startsWith("Reminder: the return home interview for child C1 (case LCS-MISS1"))).toHaveLength(2); // both linked strats
      expect(sentTexts().at(-1)).toContain("is due by Thu 26 Nov, 12:00 (T-RHI, 72 hours after the return)");
      clock.set("2026-11-26T12:00:00Z");
      expect(await h.app.jobs.runOnce(kinds)).toBe(1);
      expect(sentTexts().at(-1)).toMatch(/^Overdue: the return home interview for child C1 \(case LCS-MISS1, SD-\d{4}-\d+\) was due by Thu 26 Nov, 12:00 \(T-RHI\)/);

      expect((await episodes().listOpen()).map((x) => x.id)).not.toContain(e!.id); // returned: no longer open
      // another child's episode: the outcome recorded before the reminder stops both notices
      clock.set("2026-11-27T09:00:00Z");
      const s3 = await open("LCS-MISS2");
      expect((await episodes().listOpen()).map((x) => [x.caseRef, x.childRef])).toEqual([["LCS-MISS2", "C1"]]);
      const c3 = await episodeCard(s3.ref);
      const ids3 = shownAction(c3, "missingReturn").data;
      await pressCard("missingReturn", { ...ids3, returnedDate: "2026-11-27", returnedTime: "08:00", returnedWhere: "Home", returnedBy: "Carer" });
      const [e3] = await episodes().ofStrat(s3.id);
      expect((await episodes().listOpen()).map((x) => x.id)).not.toContain(e3!.id);
      const badRhi = await pressCard("missingInterview", { ...ids3, version: "", rhiDate: "2026-11-27", rhiTime: "07:00", rhiOutcome: "Talked", rhiBy: "RHI worker" });
      expect(JSON.stringify(badRhi)).toContain("The return home interview is before the child's return");
      const held = await pressCard("missingInterview", { ...ids3, version: "", rhiDate: "2026-11-27", rhiTime: "08:45", rhiOutcome: "Talked; no further harm disclosed", rhiBy: "RHI worker" });
      expect(JSON.stringify(held)).toContain("Held Fri 27 Nov 2026, 08:45 by RHI worker");
      const sentBefore = h.sent.length;
      clock.set("2026-12-01T09:00:00Z");
      expect(await h.app.jobs.runOnce(kinds)).toBe(2); // both ran, and told no one
      expect(h.sent.slice(sentBefore).map((x) => String(x.body.text ?? "")).filter((t) => t.includes("LCS-MISS2"))).toEqual([]);

      // every change is on the episode's audit chain; the strats' audit still verifies
      expect((await episodes().auditTrail(e!.id)).map((a) => a.action)).toEqual(["missing.reported", "missing.strat-linked", "missing.strat-linked", "missing.returned", "missing.parents-told"]);
      expect((await episodes().auditTrail(e3!.id)).map((a) => a.action)).toEqual(["missing.reported", "missing.strat-linked", "missing.returned", "missing.rhi-held"]);
      const key = await auditSigningKey(h.app.db, undefined);
      const v = await verifyAudit(h.app.db, { key });
      expect(v.ok, v.message).toBe(true);
      expect(v.chains).toBe(3 + 2); // three strats' chains and the two episodes'
      // an SQL edit of an episode's audit entry (as a superuser, the append-only trigger switched off) is named by verify
      await h.app.db.transaction(async (tx) => {
        await tx.query("ALTER TABLE missing_episode_audit DISABLE TRIGGER missing_episode_audit_append_only");
        await tx.query("UPDATE missing_episode_audit SET detail = '{}'::jsonb WHERE episode_id = $1 AND action = 'missing.returned'", [e!.id]);
        await tx.query("ALTER TABLE missing_episode_audit ENABLE TRIGGER missing_episode_audit_append_only");
      });
      const broken = await verifyAudit(h.app.db, { key });
      expect(broken.ok).toBe(false);
      expect(broken.message).toMatch(/^missing episode of case LCS-MISS1, child C1: entry \d+ \(missing.returned at .*\) was changed after it was written/);
      // no child data in the logs: the outcome and where found stay on the episode
      expect(h.logs.join("\n")).not.toMatch(/friend's flat|no further harm|2012-06-01/i);
    } finally {
      await h.stop();
      await store.drop();
    }
  }, 120_000);
});
