import { describe, expect, it } from "vitest";
import { activity, findAction, startHarness, type Harness } from "../support/harness.js";
import { cardChat } from "../support/card-chat.js";
import { testClock } from "../support/app-context.js";
import { appStore } from "../support/databases.js";

/**
 * Issue 13 point 5 over HTTP with real botbuilder and the harness's stores: the follow-on deadlines the decisions
 * bring in (DOMAIN.md T-ICPC, T-S47, T-SEE) are durable jobs, written with the decisions: a reminder at 80% of the
 * time to the due instant and the overdue notice at it, to the chair's conversation; they survive a restart, and
 * changing the decisions drops them.
 */
describe("follow-on deadlines as durable jobs", () => {
  it("bromley-2023 §2: s47 + ICPC → QI referral reminder and overdue notice at the right instants, after a restart; no s47 drops them; bristol has T-SEE, not T-ICPC", async () => {
    const store = await appStore({ persistent: true });
    const clock = testClock("2026-11-23T10:30:00Z"); // Mon 10:30 GMT
    const env = { ...store.env, JOBS_POLL_MS: "0" };
    const kinds = { kinds: ["reminder.followon"] as const };
    let h: Harness = await startHarness(env, clock);
    const { sayCard, pressCard } = cardChat(() => h, (c) => c);
    const open = async (caseRef: string, profile: string) => {
      const form = await sayCard("new");
      const opened = await pressCard("openStrat", {
        requestId: findAction(form, "openStrat").data.requestId, caseRef, profile, concerns: "standard",
        receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "C1", child1Dob: "2015-06-01",
      });
      return /SD-\d{4}-\d{4,}/.exec(JSON.stringify(opened))![0];
    };
    const decide = async (ref: string, d: Record<string, string>) => {
      const card = await sayCard(`decide ${ref}`);
      return pressCard("decide", { ...findAction(card, "decide").data, enquiry: "joint", sharedWithFamily: "yes", lado: "not-applicable", ...d });
    };
    const keysOf = async (ref: string) => {
      const s = (await h.app.ctx.strats.findByRef(ref))!;
      return (await h.app.ctx.jobs!.pending("reminder.followon")).filter((j) => j.stratId === s.id).map((j): [string, string] => [j.dedupeKey!.split(":").slice(2).join(":"), j.runAt.toISOString()]);
    };
    const sentTexts = () => h.sent.map((x) => String(x.body.text ?? ""));
    try {
      await h.post(activity({ text: "help" }, h.serviceUrl)); // the chair's conversation reference
      const ref = await open("LCS-FOLLOW1", "bromley-2023");
      await decide(ref, { s47: "initiate", icpc: "yes" });
      const keys = await keysOf(ref);
      // QI referral: 24 h after the decision (Tue 24 Nov 10:30), reminded at 80% (19.2 h → Tue 05:42);
      // conference: 15 working days after Mon 23 Nov → Mon 14 Dec 17:00
      expect(keys).toContainEqual(["T-ICPC:qi-referral:before", "2026-11-24T05:42:00.000Z"]);
      expect(keys).toContainEqual(["T-ICPC:qi-referral:overdue", "2026-11-24T10:30:00.000Z"]);
      expect(keys).toContainEqual(["T-ICPC:conference:overdue", "2026-12-14T17:00:00.000Z"]);
      expect(keys.map((k) => k[0])).toContain("T-S47:assessment:overdue");
      expect(keys.map((k) => k[0]).some((k) => k.startsWith("T-SEE"))).toBe(false);
      const status = JSON.stringify(await sayCard(`status ${ref}`));
      expect(status).toContain("Follow-on deadlines");
      const tab = (await (await fetch(`${h.base}/api/tab/strats`)).json()) as { strats: { ref: string; nextFollowOn: unknown }[] };
      expect(tab.strats.find((x) => x.ref === ref)!.nextFollowOn).toEqual({ what: "Referral to the Quality Improvement Service", due: "2026-11-24T10:30:00.000Z", rule: "T-ICPC" });
      expect(status).toContain("Initial Child Protection Conference held · by Mon 14 Dec 2026, 17:00 (initial child protection conference)");

      expect(await h.app.jobs.runOnce(kinds)).toBe(0);
      clock.set("2026-11-24T05:43:00Z");
      expect(await h.app.jobs.runOnce(kinds)).toBe(1);
      expect(sentTexts().at(-1)).toMatch(new RegExp(`Reminder: Referral to the Quality Improvement Service on ${ref} \\(case LCS-FOLLOW1\\) is due by Tue 24 Nov, 10:30 \\(T-ICPC\\)`));

      await h.stop();
      h = await startHarness(env, clock);
      await h.post(activity({ text: "help" }, h.serviceUrl));
      clock.set("2026-11-24T10:31:00Z");
      expect(await h.app.jobs.runOnce(kinds)).toBe(1);
      expect(sentTexts().at(-1)).toMatch(new RegExp(`Overdue on ${ref} \\(case LCS-FOLLOW1\\): Referral to the Quality Improvement Service was due by Tue 24 Nov, 10:30 \\(T-ICPC\\)`));

      // the decisions change: no s47, no ICPC → the conference and s47 deadlines are dropped quietly
      await decide(ref, { s47: "no", icpc: "no", noS47Outcome: "no-further-action" });
      const before = h.sent.length;
      clock.set("2027-03-01T10:00:00Z");
      await h.app.jobs.runOnce(kinds);
      expect(h.sent.slice(before).map((x) => String(x.body.text ?? "")).filter((t) => t.includes(ref))).toEqual([]);

      // bristol-2024: the child seen within 2 working days (T-SEE), no ICPC at the strat
      clock.set("2026-11-23T10:30:00Z");
      const bri = await open("LCS-FOLLOW2", "bristol-2024");
      await decide(bri, { s47: "initiate", icpc: "manager-decides" });
      const bk = (await keysOf(bri)).map((k) => k[0]);
      expect(bk).toContain("T-SEE:child-seen:overdue");
      expect(bk.some((k) => k.startsWith("T-ICPC"))).toBe(false);
    } finally {
      await h.stop();
      await store.drop();
    }
  }, 120_000);
});
