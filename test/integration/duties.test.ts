import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ValidateFunction } from "ajv";
import { adaptiveCard15 } from "../support/contracts.js";
import { activity, findAction, startHarness, type Harness } from "../support/harness.js";
import { cardChat } from "../support/card-chat.js";
import { testClock } from "../support/app-context.js";
import { appStore, type AppStore } from "../support/databases.js";
import type { JobKind } from "../../src/ports/jobs.js";

/**
 * Issue 12 point 5, over the bot's HTTP endpoint with real botbuilder, the harness's store, the durable queue and
 * the local Graph stand-in: every duty the app promises is carried out. A notify-only recipient (I-MISS:
 * Missing.Children) gets exactly one mail, with the case and strat reference only, and the strat records it;
 * an inquorate strat is escalated to SENIOR_MANAGER (a mail, or a Teams message in their chat with the
 * bot), recorded; a retry, a second press or a restart sends nothing twice.
 */
const MISSING_BOX = "missing.children@bromley.gov.uk";
const SENIOR = "head.of.service@bromley.gov.uk";
const DUTIES: JobKind[] = ["notify.info", "escalate.inquorate", "graph.mail"];

describe("duties: notify-only recipients and the Q-1 escalation are carried out through the queue", () => {
  let h: Harness;
  let store: AppStore;
  let validate: ValidateFunction;
  const clock = testClock("2026-11-23T10:30:00Z");
  const text = (c: unknown) => JSON.stringify(c);
  const check = (card: any) => {
    expect(validate(card), JSON.stringify(validate.errors?.slice(0, 2))).toBe(true);
    expect(text(card)).not.toContain("${");
    return card;
  };
  const { sayCard, pressCard } = cardChat(() => h, check);
  const stored = async (ref: string) => (await h.app.ctx.strats.findByRef(ref))!;
  const inbox = (box: string) => h.app.db.query<{ subject: string; html: string; sender: string }>(
    "SELECT subject, html, sender FROM standin_inbox WHERE lower(mailbox) = $1 AND kind = 'mail' ORDER BY id", [box]);
  /** Runs the duty kinds until nothing of them is due (a notification queues its Graph mail). */
  const runDuties = async () => {
    for (let n = 0; n < 5; n++) if ((await h.app.jobs.runOnce({ kinds: DUTIES })) === 0) return;
  };
  const start = () => startHarness({ ...store.env, JOBS_POLL_MS: "0", SENIOR_MANAGER: SENIOR }, clock);

  /** A missing child (bromley-missing-2020): Missing.Children is notified, not invited (I-MISS). */
  const open = async (caseRef: string) => {
    const form = await sayCard("new");
    const opened = await pressCard("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef, profile: "bromley-missing-2020", concerns: "missing",
      receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "CHILD-77", child1Dob: "2012-03-04",
      missingDate: "2026-11-22", missingTime: "18:00",
    });
    const ref = /SD-\d{4}-\d{4,}/.exec(text(opened))![0];
    await sayCard(`invitees ${ref}`); // the recommended invitees are applied when the chair first looks
    return ref;
  };
  const sendInvitations = async (ref: string) => pressCard("inviteesSend", findAction(await sayCard(`invitees ${ref}`), "inviteesSend").data);

  beforeAll(async () => {
    validate = adaptiveCard15();
    store = await appStore({ persistent: true });
    h = await start();
  });
  afterAll(async () => {
    await h?.stop();
    await store?.drop();
  });

  it("a notify-only recipient gets exactly one mail (case and strat reference only), recorded; a retry, a second send and a restart send nothing again", async () => {
    const ref = await open("LCS-DUTY-1");
    const s = await stored(ref);
    const missing = s.state.invitees.find((i) => i.address?.toLowerCase() === MISSING_BOX)!;
    expect(missing.action).toBe("notify");
    expect(text(await sayCard(`invitees ${ref}`))).toMatch(/Missing[^"]*notify only/);

    await sendInvitations(ref);
    expect((await h.app.ctx.jobs!.pending("notify.info")).filter((j) => j.stratId === s.id)).toHaveLength(1);
    await runDuties();
    const mails = await inbox(MISSING_BOX);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(`Strategy discussion LCS-DUTY-1 ${ref}: for your information`);
    for (const secret of ["CHILD-77", "2012-03-04", "04/03/2012"]) expect(mails[0]!.subject + mails[0]!.html).not.toContain(secret);
    expect(mails[0]!.html).toContain("Sam Chair");

    // recorded: state, audit, and the invitees card
    const after = (await stored(ref)).state.invitees.find((i) => i.id === missing.id)!;
    expect(after.notified).toMatchObject({ sent: true, at: clock.now().toISOString() });
    expect((await h.app.ctx.strats.auditTrail(s.id)).filter((a) => a.action === "invitee.notified")).toHaveLength(1);
    expect(text(await sayCard(`invitees ${ref}`))).toMatch(/notified Mon 23 Nov 2026, 10:30/);

    // a retry of the notification after a crash between the mail request and the record: still one mail
    await h.app.ctx.strats.mutate(s.id, (cur) => ({
      change: { state: { ...cur.state, invitees: cur.state.invitees.map((i) => (i.id === missing.id ? { ...i, notified: null } : i)) } },
      audit: { actor: "test", action: "test.crash" }, result: null,
    }));
    await h.app.ctx.jobs!.enqueue([{ kind: "notify.info", dedupeKey: "crash-retry", stratId: s.id, runAt: clock.now(), payload: { stratId: s.id, inviteeId: missing.id } }]);
    await runDuties();
    expect((await stored(ref)).state.invitees.find((i) => i.id === missing.id)!.notified).toMatchObject({ sent: true });
    expect(await inbox(MISSING_BOX)).toHaveLength(1);

    // a second press of Send invitations, then a restart on the same store: nothing is sent again
    await sendInvitations(ref);
    await h.app.stop().catch(() => undefined);
    h = await start();
    await runDuties();
    expect(await inbox(MISSING_BOX)).toHaveLength(1);
  });

  it("Q-1: inquorate attendance escalates to SENIOR_MANAGER by one mail, recorded; the card says when", async () => {
    const ref = await open("LCS-DUTY-2");
    const s = await stored(ref);
    const police = s.state.invitees.find((i) => i.quorumRole === "police")!;
    const card = await pressCard("attendance", {
      ...findAction(await sayCard(`attendance ${ref}`), "attendance").data, attended: police.id, inquorateReason: "No health cover today",
    });
    expect(text(card)).toMatch(/Escalation to head.of.service@bromley.gov.uk will be sent by mail/);
    expect(text(card)).not.toMatch(/tell them yourself/);
    await runDuties();
    await runDuties();
    const mails = await inbox(SENIOR);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(`Strategy discussion LCS-DUTY-2 ${ref}: inquorate, for your attention`);
    expect(mails[0]!.html).toMatch(/no health attended/);
    expect(mails[0]!.html).toContain("No health cover today");
    for (const secret of ["CHILD-77", "2012-03-04"]) expect(mails[0]!.subject + mails[0]!.html).not.toContain(secret);
    const att = (await stored(ref)).state.attendance!;
    expect(att.escalation).toMatchObject({ to: SENIOR, sentAt: clock.now().toISOString(), via: "mail", notSent: null });
    expect((await h.app.ctx.strats.auditTrail(s.id)).filter((a) => a.action === "escalation.sent")).toHaveLength(1);
    const st = text(await sayCard(`status ${ref}`));
    expect(st).toMatch(/Escalated to head.of.service@bromley.gov.uk at Mon 23 Nov 2026, 10:30 \(mail\)/);
  });
});

describe("duties: SENIOR_MANAGER as a Teams user id gets a Teams message; without a mail gateway nothing is claimed", () => {
  let h: Harness;
  let validate: ValidateFunction;
  const clock = testClock("2026-11-23T10:30:00Z");
  const text = (c: unknown) => JSON.stringify(c);
  const check = (card: any) => {
    expect(validate(card), JSON.stringify(validate.errors?.slice(0, 2))).toBe(true);
    return card;
  };
  const { sayCard, pressCard } = cardChat(() => h, check);

  beforeAll(async () => {
    validate = adaptiveCard15();
    h = await startHarness({ JOBS_POLL_MS: "0", SENIOR_MANAGER: "29:head-of-service" }, clock);
  });
  afterAll(async () => h?.stop());

  it("the senior manager's own chat with the bot gets one message (case and strat reference), recorded", async () => {
    // the senior manager has a chat with the bot (its conversation reference is stored)
    await h.post(activity({ text: "help", from: { id: "29:head-of-service", name: "Pat Head" }, conversation: { id: "conv-sm", conversationType: "personal" } }, h.serviceUrl));
    const form = await sayCard("new");
    const opened = await pressCard("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef: "LCS-DUTY-3", profile: "bromley-2023", concerns: "standard",
      receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "CHILD-88", child1Dob: "2013-05-06",
    });
    const ref = /SD-\d{4}-\d{4,}/.exec(text(opened))![0];
    await sayCard(`invitees ${ref}`);
    const s = (await h.app.ctx.strats.findByRef(ref))!;
    const police = s.state.invitees.find((i) => i.quorumRole === "police")!;
    await pressCard("attendance", { ...findAction(await sayCard(`attendance ${ref}`), "attendance").data, attended: police.id, inquorateReason: "Nurse off sick" });
    const before = h.sent.length;
    await h.app.jobs.runOnce({ kinds: ["escalate.inquorate"] });
    await h.app.jobs.runOnce({ kinds: ["escalate.inquorate"] });
    const told = h.sent.slice(before).filter((m) => m.path.includes("conv-sm")).map((m) => String(m.body.text ?? ""));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(`${ref} (case LCS-DUTY-3) was inquorate`);
    expect(told[0]).not.toContain("CHILD-88");
    expect((await h.app.ctx.strats.get(s.id))!.state.attendance!.escalation).toMatchObject({ via: "teams", sentAt: clock.now().toISOString() });
    expect(text(await sayCard(`status ${ref}`))).toMatch(/Escalated to 29:head-of-service at Mon 23 Nov 2026, 10:30 \(Teams message\)/);
  });

  it("without a mail gateway the notification is recorded as not sent and the card says so (no mail configured)", async () => {
    const scheduler = h.app.ctx.scheduler;
    h.app.ctx.scheduler = undefined; // as an install without Microsoft Graph: the time is recorded only, no mail
    try {
      const form = await sayCard("new");
      const opened = await pressCard("openStrat", {
        requestId: findAction(form, "openStrat").data.requestId, caseRef: "LCS-DUTY-4", profile: "bromley-missing-2020", concerns: "missing",
        receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "CHILD-99", child1Dob: "2011-01-02", missingDate: "2026-11-22", missingTime: "18:00",
      });
      const ref = /SD-\d{4}-\d{4,}/.exec(text(opened))![0];
      await pressCard("inviteesSend", findAction(await sayCard(`invitees ${ref}`), "inviteesSend").data);
      await h.app.jobs.runOnce({ kinds: ["notify.info"] });
      const s = (await h.app.ctx.strats.findByRef(ref))!;
      expect(s.state.invitees.find((i) => i.action === "notify" && i.address)!.notified).toMatchObject({ sent: false });
      expect(await h.app.ctx.jobs!.pending("graph.mail")).toHaveLength(0);
      expect(text(await sayCard(`invitees ${ref}`))).toMatch(/not sent: no mail configured/);
    } finally {
      h.app.ctx.scheduler = scheduler;
    }
  });
});
