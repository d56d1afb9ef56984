import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activity, cardsIn, findAction, startHarness, type Harness } from "../support/harness.js";
import { testClock } from "../support/app-context.js";

/**
 * Issue 11, point 2 (data loss): an invitee answered on its personal link with a written report, then
 * changed the answer to `accepted`, and the report text was in no row (strats, audit, jobs). Decline reasons
 * and delegate details went the same way. Over real HTTP on the link page, on the store of the pass.
 */
describe("a changed answer keeps the earlier ones (issue 11 point 2)", () => {
  let h: Harness;
  const clock = testClock("2026-11-23T10:30:00Z");
  beforeAll(async () => {
    h = await startHarness({}, clock);
  });
  afterAll(async () => h?.stop());

  const say = async (text: string) => cardsIn((await h.post(activity({ text, deliveryMode: "expectReplies" }))).body.activities)[0];
  const press = async (verb: string, data: Record<string, unknown>) =>
    (await h.post(activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb, data } } }))).body.value;
  const text = (c: unknown) => JSON.stringify(c);

  it("a written report, then a decline, then a delegate, then accepted: every one stays readable; the latest is the answer", async () => {
    const form = await say("new");
    const opened = await press("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef: "LCS-HIST-1", profile: "bromley-2023", concerns: "standard",
      receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "C1", child1Dob: "2016-06-01",
    });
    const ref = /SD-\d{4}-\d{4,}/.exec(text(opened))![0];
    const strat = (await h.app.ctx.strats.findByRef(ref))!;
    const inv = await say(`invitees ${ref}`);
    const sent = await press("inviteesSend", findAction(inv, "inviteesSend").data);
    const links = [...text(sent).matchAll(/\/respond\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})/g)].map((m) => m[1]!);
    const police = (await h.app.ctx.strats.get(strat.id))!.state.invitees.find((i) => i.rule === "I-POL")!;
    const token = links.find((t) => Buffer.from(t.split(".")[0]!, "base64url").toString().split(".")[1] === police.id)!;
    expect(token).toBeTruthy();

    const answer = async (data: Record<string, unknown>, at: string) => {
      clock.set(at);
      const r = await fetch(`${h.base}/respond/${token}`, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ verb: "respond", data: { stratId: strat.id, inviteeId: police.id, ...data } }),
      });
      expect(r.status, await r.clone().text()).toBe(200);
      return (await r.json()).card;
    };
    const REPORT = "CAIT log: two call-outs to the address this year, no arrests; report RPT-5521 attached.";
    await answer({ kind: "report", report: REPORT }, "2026-11-23T10:40:00Z");
    await answer({ kind: "declined", reason: "No detective free on Tuesday" }, "2026-11-23T10:50:00Z");
    await answer({ kind: "delegate", delegateName: "DC Okafor", delegateRole: "Detective Constable, CAIT" }, "2026-11-23T11:00:00Z");
    const last = await answer({ kind: "accepted" }, "2026-11-23T11:10:00Z");

    // the latest wins; the earlier ones are kept in the strat's row, content and all
    const st = (await h.app.ctx.strats.get(strat.id))!.state;
    const p = st.invitees.find((i) => i.id === police.id)!;
    expect(p.response).toMatchObject({ kind: "accepted", via: "link" });
    expect(p.earlierResponses.map((r) => [r.kind, r.report ?? r.reason ?? r.delegate?.name])).toEqual([
      ["report", REPORT], ["declined", "No detective free on Tuesday"], ["delegate", "DC Okafor"],
    ]);
    const [row] = await h.app.db.query<{ state: string }>("SELECT state::text AS state FROM strats WHERE id = $1", [strat.id]);
    expect(row!.state).toContain(REPORT);

    // shown: on the invitee's own page (the card it answers on), and to the chair (invitees and status)
    expect(text(last)).toContain("Your answer: accepted · via link");
    expect(text(last)).toContain("Earlier answers: sending a delegate (DC Okafor, Detective Constable, CAIT)");
    expect(text(last)).toContain("declined (No detective free on Tuesday)");
    expect(text(last)).toContain(REPORT);
    const page = await (await fetch(`${h.base}/respond/${token}`)).text();
    expect(page).toContain("Earlier answers:");
    expect(page).toContain(REPORT);
    const chairView = text(await say(`invitees ${ref}`));
    expect(chairView).toContain("Earlier answers: sending a delegate (DC Okafor");
    expect(chairView).toContain("RPT-5521");
    const status = text(await say(`status ${ref}`));
    expect(status).toMatch(/accepted · via link · [^"]*\(earlier answers: sending a delegate \(DC Okafor/);
    expect(status).toContain("No detective free on Tuesday");

    // the audit trail has each answer's kind (and what it replaced), never its free text
    const audit = await h.app.db.query<{ detail: { kind: string; replaces: string | null } }>(
      "SELECT detail FROM audit_log WHERE strat_id = $1 AND action = 'invitation.answered' ORDER BY id", [strat.id]);
    expect(audit.map((a) => [a.detail.kind, a.detail.replaces])).toEqual([["report", null], ["declined", "report"], ["delegate", "declined"], ["accepted", "delegate"]]);
    const auditText = JSON.stringify(audit);
    for (const free of [REPORT, "No detective free", "DC Okafor"]) expect(auditText).not.toContain(free);
    expect(h.logs.join("\n")).not.toContain("RPT-5521");
  }, 60_000);

  /**
   * Issue 11 point 17: the same answer posted again on the link page (a double click, a browser resubmitting,
   * a replay) added one audit entry per post. An identical repeat (same answer, same content, same invitee
   * and channel) is recorded once and still gets the same confirmation page; a different answer is recorded.
   */
  it("an identical answer replayed 5 times on the link page is recorded once, and confirmed each time", async () => {
    clock.set("2026-11-24T09:00:00Z");
    const form = await say("new");
    const opened = await press("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef: "LCS-REPLAY-17", profile: "bromley-2023", concerns: "standard",
      receivedDate: "2026-11-24", receivedTime: "08:30", child1Ref: "C1", child1Dob: "2016-06-01",
    });
    const ref = /SD-\d{4}-\d{4,}/.exec(text(opened))![0];
    const strat = (await h.app.ctx.strats.findByRef(ref))!;
    const sent = await press("inviteesSend", findAction(await say(`invitees ${ref}`), "inviteesSend").data);
    const links = [...text(sent).matchAll(/\/respond\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})/g)].map((m) => m[1]!);
    const police = (await h.app.ctx.strats.get(strat.id))!.state.invitees.find((i) => i.rule === "I-POL")!;
    const token = links.find((t) => Buffer.from(t.split(".")[0]!, "base64url").toString().split(".")[1] === police.id)!;
    const post = async (data: Record<string, unknown>) => {
      clock.advance(60_000);
      const r = await fetch(`${h.base}/respond/${token}`, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ verb: "respond", data: { stratId: strat.id, inviteeId: police.id, ...data } }),
      });
      return { status: r.status, body: await r.json() };
    };
    const answers = async () => (await h.app.db.query<{ detail: { kind: string } }>(
      "SELECT detail FROM audit_log WHERE strat_id = $1 AND action = 'invitation.answered' ORDER BY id", [strat.id])).map((a) => a.detail.kind);
    const version = async () => (await h.app.ctx.strats.get(strat.id))!.version;

    const decline = { kind: "declined", reason: "No officer free that morning" };
    const first = await post(decline);
    expect(first.status).toBe(200);
    const v1 = await version();
    for (let i = 0; i < 4; i++) {
      const again = await post(decline);
      expect(again.status).toBe(200);
      expect(again.body.message).toBe(first.body.message);
      expect(text(again.body.card)).toContain("Your answer: declined");
    }
    expect(await answers()).toEqual(["declined"]);
    expect(await version()).toBe(v1);
    const p = (await h.app.ctx.strats.get(strat.id))!.state.invitees.find((i) => i.id === police.id)!;
    expect(p.earlierResponses).toEqual([]);

    // not a repeat: other content, or another answer, is recorded
    await post({ kind: "declined", reason: "No officer free until the afternoon" });
    await post({ kind: "accepted" });
    await post({ kind: "accepted" });
    expect(await answers()).toEqual(["declined", "declined", "accepted"]);

    // five identical posts at the same moment: still one
    const same = await Promise.all(Array.from({ length: 5 }, () => post({ kind: "report", report: "Report RPT-77 attached." })));
    expect(same.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await answers()).toEqual(["declined", "declined", "accepted", "report"]);
  }, 60_000);
});
