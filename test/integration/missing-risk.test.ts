import { describe, expect, it } from "vitest";
import { activity, cardsIn, findAction, startHarness, type Harness } from "../support/harness.js";
import { cardChat } from "../support/card-chat.js";
import { testClock } from "../support/app-context.js";
import { appStore } from "../support/databases.js";
import { RISK_ITEMS } from "../../src/domain/protocol/index.js";
import { showLondon } from "../../src/domain/time/london.js";

/**
 * Issue 14 point 2 over HTTP with real botbuilder and the harness's stores: the missing-child risk tool (M-RAG) is
 * scored per child per episode, each scoring a version (who, when, the items changed); the team manager
 * (MANAGER_IDS) signs the latest off with comments and one of the form's four outcomes, and it goes by one mail to
 * the Missing/Gang coordinator the profile names, the case reference only in the subject; Amber offers to convene a
 * missing child protection strategy meeting by the T-MIS due time.
 */
const MANAGER = { id: "29:tm", name: "Pat Manager", aadObjectId: "00000000-0000-4000-8000-0000000000d9" };
const COORDINATOR = "missing-gang-coordinator@bromley.invalid";

/** An Action.Execute on the card or inside its Action.ShowCard forms. */
const shownAction = (card: any, verb: string): any =>
  (card.actions ?? []).flatMap((a: any) => (a.type === "Action.ShowCard" ? a.card.actions ?? [] : [a])).find((a: any) => a.verb === verb);

/** Card inputs (strings) that score exactly `target`. */
function answersFor(target: number): Record<string, string> {
  const out: Record<string, string> = {};
  let sum = 0;
  for (const i of [...RISK_ITEMS].sort((a, b) => Math.max(...b.allowed) - Math.max(...a.allowed))) {
    const w = Math.max(...i.allowed);
    if (sum + w <= target) {
      out[i.id] = String(w);
      sum += w;
    }
  }
  return out;
}

describe("the missing risk tool per child per episode (issue 14 point 2)", () => {
  it("score, re-score keeps version 1 and lists what changed; a bad score names the item; sign-off by a non-manager is refused; by a manager → one mail to the coordinator (refs-only subject); Amber offers Convene with the T-MIS due", async () => {
    const store = await appStore();
    const clock = testClock("2026-11-20T18:00:00Z"); // Fri 18:00 GMT
    const h: Harness = await startHarness({ ...store.env, JOBS_POLL_MS: "0", MANAGER_IDS: `someone-else, ${MANAGER.aadObjectId}` }, clock);
    const { say, sayCard, pressCard } = cardChat(() => h, (c) => c);
    const riskCard = async (ref: string) => cardsIn(await say(`missing ${ref}`)).find((c) => JSON.stringify(c).includes("Missing-child risk assessment"));
    const asManager = async (verb: string, data: Record<string, unknown>) => {
      const r = await h.post(activity({ type: "invoke", name: "adaptiveCard/action", from: MANAGER, value: { action: { type: "Action.Execute", verb, data } } }));
      expect(r.status).toBe(200);
      return r.body.value;
    };
    try {
      const form = await sayCard("new");
      const opened = await pressCard("openStrat", {
        requestId: findAction(form, "openStrat").data.requestId, caseRef: "LCS-MRAG1", profile: "bromley-2023", concerns: "missing",
        receivedDate: "2026-11-20", receivedTime: "17:45", child1Ref: "C1", child1Dob: "2012-06-01", child1Flags: "lookedAfter",
        missingDate: "2026-11-20", missingTime: "17:30", missingConcerns: "false",
      });
      const s = (await h.app.ctx.strats.findByRef(/SD-\d{4}-\d{4,}/.exec(JSON.stringify(opened))![0]))!;
      const [e] = await h.app.ctx.episodes!.ofStrat(s.id);
      const versions = () => h.app.ctx.episodes!.riskVersions(e!.id);

      let card = await riskCard(s.ref);
      expect(JSON.stringify(card)).toContain("child C1");
      const ids = findAction(card, "missingScore").data;
      expect(ids.episodeId).toBe(e!.id);

      // version 1: green (12)
      card = await pressCard("missingScore", { ...ids, ...answersFor(12) });
      expect(JSON.stringify(card)).toContain("Score 12: GREEN");
      expect(JSON.stringify(card)).toContain("version 1 of 1");
      expect(JSON.stringify(card)).not.toContain("Convene a missing child protection strategy meeting");
      // the same press again (Teams redelivers, or a double press): no second version (issue 11 point 4)
      const twice = await pressCard("missingScore", { ...ids, ...answersFor(12) });
      expect(JSON.stringify(twice)).toContain("Already scored and saved");
      expect(await versions()).toHaveLength(1);

      // bad input: a score an item does not allow names the item; nothing saved
      const bad = await pressCard("missingScore", { ...ids, ...answersFor(12), "risk-factors.1": "1" });
      expect(JSON.stringify(bad)).toMatch(/item risk-factors\.1.*one of 0, 2, 3/);
      expect(await versions()).toHaveLength(1);

      // version 2: amber (30); version 1 kept as it was
      clock.set("2026-11-20T19:00:00Z");
      const amber = answersFor(30);
      card = await pressCard("missingScore", { ...ids, ...amber });
      const v = await versions();
      expect(v.map((x) => [x.version, x.score, x.band])).toEqual([[1, 12, "green"], [2, 30, "amber"]]);
      const changed = RISK_ITEMS.filter((i) => (answersFor(12)[i.id] ?? "0") !== (amber[i.id] ?? "0")).length;
      expect(v[1]!.changed).toHaveLength(changed);
      expect(v[1]!.by).toBe("Sam Chair");
      const text = JSON.stringify(card);
      expect(Buffer.byteLength(text)).toBeLessThan(28 * 1024); // the Teams card limit, with all 69 items and the history
      expect(text).toContain(`version 2 of 2 · changed: ${changed} items`);
      expect(text).toContain("Version 1: score 12 (GREEN)");
      // Amber: Convene, with the T-MIS due time (a looked-after child: the first working day; the strat's own T-MIS due)
      expect(s.dueRule).toBe("T-MIS");
      expect(text).toContain("Convene a missing child protection strategy meeting");
      expect(text).toContain(`by ${showLondon(s.dueAt)} (T-MIS)`);
      const convene = await pressCard("missingConvene", findAction(card, "missingConvene").data);
      const inputs = JSON.stringify(convene);
      for (const [id, value] of [["caseRef", "LCS-MRAG1"], ["concerns", "missing"], ["child1Ref", "C1"], ["missingDate", "2026-11-20"], ["missingTime", "17:30"], ["child1Flags", "lookedAfter"]]) {
        expect(inputs).toContain(`"id":"${id}"`);
        expect(inputs, id).toMatch(new RegExp(`"id":"${id}"[^}]*"value":"${value}"|"value":"${value}"[^}]*"id":"${id}"`));
      }

      // sign-off by the chair (not a manager): refused naming sign-off; nothing saved, nothing sent
      const signIds = shownAction(card, "missingSignOff").data;
      const refused = await pressCard("missingSignOff", { ...signIds, signOffOutcome: "convene", signOffComments: "Agree" });
      expect(JSON.stringify(refused)).toMatch(/Only a team manager can sign off the risk assessment \(sign-off\)/);
      expect((await versions())[1]!.signOff).toBeNull();

      // by someone neither the manager nor in the strat: refused in words naming the sign-off; the card is not shown to them
      const stranger = await h.post(activity({ type: "invoke", name: "adaptiveCard/action", from: { id: "29:x", name: "Kim Stranger", aadObjectId: "00000000-0000-4000-8000-0000000000e1" },
        value: { action: { type: "Action.Execute", verb: "missingSignOff", data: { ...signIds, signOffOutcome: "convene", signOffComments: "Agree" } } } }));
      expect(stranger.status).toBe(200);
      expect(JSON.stringify(stranger.body)).toMatch(/Only a team manager can sign off the risk assessment \(sign-off\)/);
      expect(JSON.stringify(stranger.body)).not.toContain("Missing-child risk assessment");
      expect((await versions())[1]!.signOff).toBeNull();

      // by the manager: saved, and one mail to the coordinator with the case reference only in the subject
      const missingComments = await asManager("missingSignOff", { ...signIds, signOffOutcome: "convene", signOffComments: " " });
      expect(JSON.stringify(missingComments)).toMatch(/Enter the team manager's comments/);
      const signed = await asManager("missingSignOff", { ...signIds, signOffOutcome: "convene", signOffComments: "Agree: convene the meeting." });
      expect(JSON.stringify(signed)).toContain(`Signed off by Pat Manager`);
      expect(JSON.stringify(signed)).toContain(COORDINATOR);
      expect((await versions())[1]!.signOff).toMatchObject({ by: MANAGER.aadObjectId, outcome: "convene", comments: "Agree: convene the meeting." });
      const again = await asManager("missingSignOff", { ...signIds, signOffOutcome: "unsubstantiated", signOffComments: "Again" });
      expect(JSON.stringify(again)).toMatch(/already signed off/);
      await h.app.jobs.runOnce({ kinds: ["graph.mail"] });
      await h.app.jobs.runOnce({ kinds: ["graph.mail"] });
      const mails = await h.app.db.query<{ mailbox: string; subject: string; html: string }>(
        "SELECT mailbox, subject, html FROM standin_inbox WHERE kind = 'mail' AND subject LIKE 'Missing risk assessment%' ORDER BY id");
      expect(mails.map((m) => [m.mailbox, m.subject])).toEqual([[COORDINATOR, "Missing risk assessment signed off: case LCS-MRAG1"]]);
      expect(mails[0]!.html).toContain("Score 30: AMBER");
      expect(mails[0]!.html).toContain("Pat Manager");
      // every scoring and the sign-off are on the episode's audit chain; no child data in the logs
      expect((await h.app.ctx.episodes!.auditTrail(e!.id)).map((a) => a.action)).toEqual(
        ["missing.reported", "missing.strat-linked", "missing.risk-scored", "missing.risk-scored", "missing.risk-signed-off"]);
      expect(h.logs.join("\n")).not.toMatch(/2012-06-01|Agree: convene/);
    } finally {
      await h.stop();
      await store.drop();
    }
  });
});
