import { describe, expect, it } from "vitest";
import { activity, cardsIn, findAction, startHarness } from "../support/harness.js";
import { testClock } from "../support/app-context.js";
import { appStore } from "../support/databases.js";

/**
 * Reminders are durable jobs in the database (issue 5 point 11): the due-time countdown at 50% and 90%,
 * overdue actions, and the record hand-over on close, delivered as proactive messages through the
 * conversation reference stored when the chair spoke to the bot. They survive a restart.
 */
describe("durable reminders", () => {
  it("countdown at 50% and 90%, and an overdue action after a restart", async () => {
    // PGlite in a folder, or a fresh PostgreSQL database with DATABASE_URL: the same data across the restart
    const store = await appStore({ persistent: true });
    const clock = testClock("2026-11-23T10:00:00Z"); // Mon 10:00 GMT
    // rounds by hand only (JOBS_POLL_MS=0), and only the reminder kinds (housekeeping is due too once the clock moves a day)
    const env = { ...store.env, JOBS_POLL_MS: "0" };
    const reminders = { kinds: ["reminder.due", "reminder.action"] as const };
    let h = await startHarness(env, clock);
    try {
      // the chair talks to the bot (normal delivery): the conversation reference is stored
      await h.post(activity({ text: "help" }, h.serviceUrl));
      const form = cardsIn((await h.post(activity({ text: "new", deliveryMode: "expectReplies" }))).body.activities)[0];
      const opened = await h.post(activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb: "openStrat", data: {
        requestId: findAction(form, "openStrat").data.requestId, caseRef: "LCS-REMIND", profile: "bromley-2023", concerns: "standard",
        receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "C1", child1Dob: "2015-01-01" } } } }));
      const ref = /SD-\d{4}-\d{4,}/.exec(JSON.stringify(opened.body.value))![0];
      // due Thu 26 Nov 17:00 (T-STD) = 79 h after opening: 50% (39.5 h) at Wed 25 Nov 01:30, 90% (71.1 h) at Thu 26 Nov 09:06
      const due = (await h.app.ctx.strats.findByRef(ref))!;
      const pending = await h.app.ctx.jobs!.pending("reminder.due");
      expect(pending.filter((j) => j.stratId === due.id).map((j) => j.runAt.toISOString())).toEqual(["2026-11-25T01:30:00.000Z", "2026-11-26T09:06:00.000Z"]);

      const sentTexts = () => h.sent.map((x) => String(x.body.text ?? ""));
      expect(await h.app.jobs.runOnce(reminders)).toBe(0); // nothing due yet
      clock.set("2026-11-25T01:31:00Z");
      expect(await h.app.jobs.runOnce(reminders)).toBe(1);
      expect(sentTexts().at(-1)).toMatch(new RegExp(`Reminder: ${ref} \\(case LCS-REMIND\\) must be held by Thu 26 Nov, 17:00 \\(T-STD\\): due in 1 d 15 h`));
      expect(await h.app.jobs.runOnce(reminders)).toBe(0); // not twice

      // an action due Wed 25 Nov 12:00
      await h.post(activity({ text: `action ${ref} police: PC Lee to visit the school by 2026-11-25 12:00 purpose: speak to the DSL`, deliveryMode: "expectReplies" }));

      // restart: the jobs are in the database
      await h.stop();
      h = await startHarness(env, clock);
      await h.post(activity({ text: "help" }, h.serviceUrl)); // this test's stand-in connector listens on a new port
      clock.set("2026-11-25T12:01:00Z");
      expect(await h.app.jobs.runOnce(reminders)).toBe(1);
      expect(sentTexts().at(-1)).toMatch(/Overdue action on SD-.*PC Lee \(police\) — visit the school, due Wed 25 Nov, 12:00/);

      // 90%: still not held → reminded again
      clock.set("2026-11-26T09:10:00Z");
      expect(await h.app.jobs.runOnce(reminders)).toBe(1);
      expect(sentTexts().at(-1)).toMatch(/due in 7 h 50 min/);
    } finally {
      await h.stop();
      await store.drop();
    }
  }, 90_000); // two starts of PGlite on disk (initdb + migrations each) take 20–30 s on a busy 2-core machine
});
