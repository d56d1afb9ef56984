/**
 * The duties the app promises beyond the meeting itself (issue 12 point 5), run from the durable queue:
 * - `notify.info`: a notify-only recipient (invitee action "notify": Missing.Children, the Atlas analyst; I-MISS)
 *   gets one mail from ORGANIZER_MAILBOX through the Graph mail job (graph.mail: exactly once, Sent Items look-up
 *   on a retry), keyed by strat and invitee, so a retry or restart asks for the same mail again, never a second.
 * - `escalate.inquorate` (Q-1): the senior manager (SENIOR_MANAGER) is told of an inquorate strat, by mail
 *   (an email address) or a Teams message in their chat with the bot (a Teams user id: 29:… or an AAD object id).
 * Each is recorded on the strat (state + audit) when done. Mail subjects and bodies carry the case and strat
 * references, the public reason and the chair's name only, never a child's name or date of birth (I-WORD).
 */
import type { AppContext } from "../../src/app/context.js";
import { tellSeniorManager } from "../../src/app/tell-senior-manager.js";
import { seniorManagerRoute } from "../../src/domain/strat/senior-manager.js";
import { escalationNotSent, escalationSent, inviteeNotified, outsideReason, type StratState } from "../../src/domain/strat/state.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import { paragraphs } from "../../src/domain/text/escape-html.js";
import { showLondon } from "../../src/domain/time/london.js";
import type { JobOf } from "../../src/ports/jobs.js";
import type { Notifier } from "../../src/ports/notifier.js";


const record = (ctx: AppContext, stratId: string, action: string, detail: Record<string, unknown>, fn: (s: StratState) => StratState) =>
  ctx.strats.mutate(stratId, (cur) => ({ change: { state: fn(cur.state) }, audit: { actor: "app", action, detail }, result: null }));


/** The subject of a notify-only mail: case and strat reference only. */
export const notifySubject = (s: Strat) => `Strategy discussion ${s.caseRef} ${s.ref}: for your information`;

export function notifyInfoJob(ctx: AppContext) {
  return async (job: JobOf<"notify.info">): Promise<void> => {
    const s = await ctx.strats.get(job.payload.stratId);
    const i = s?.state.invitees.find((x) => x.id === job.payload.inviteeId);
    if (!s || !i || i.removed || i.notified || i.action !== "notify" || !i.address) return;
    const from = ctx.organizerMailbox;
    if (!ctx.scheduler || !from) {
      await record(ctx, s.id, "invitee.notified", { inviteeId: i.id, sent: false }, (st) => inviteeNotified(st, i.id, false, ctx.clock.now()));
      ctx.log.warn({ stratRef: s.ref, inviteeId: i.id }, "notify-only recipient not notified: no mail configured");
      return;
    }
    const meeting = s.state.meeting ? `The meeting is at ${showLondon(new Date(s.state.meeting.start))} (London time).` : "The meeting time is not set yet.";
    await ctx.scheduler.requestMail({
      key: `notify:${s.id}:${i.id}`, stratId: s.id, from, to: [i.address], subject: notifySubject(s),
      html: paragraphs([
        `A strategy discussion ${s.ref} (case ${s.caseRef}) is being held. You are told for your information; you are not invited to the meeting.`,
        `Why you are told: ${outsideReason(i)}.`, meeting,
        `Council contact: ${s.chairName ?? "the chair"} (chair), through ${from}.`,
      ]),
    });
    await record(ctx, s.id, "invitee.notified", { inviteeId: i.id, sent: true }, (st) => inviteeNotified(st, i.id, true, ctx.clock.now()));
    ctx.log.info({ stratRef: s.ref, inviteeId: i.id }, "notify-only recipient notified");
  };
}

export function escalateInquorateJob(ctx: AppContext, notifier: Notifier) {
  return async (job: JobOf<"escalate.inquorate">): Promise<void> => {
    const s = await ctx.strats.get(job.payload.stratId);
    const att = s?.state.attendance;
    if (!s || !att?.escalation || att.recordedAt !== job.payload.recordedAt || att.escalation.sentAt) return;
    const to = att.escalation.to.trim();
    const route = seniorManagerRoute(to, !!(ctx.scheduler && ctx.organizerMailbox));
    const absent = att.entries.filter((e) => !e.attended && e.quorumRole && att.missingRoles.includes(e.quorumRole))
      .map((e) => `${e.agency}${e.nonAttendanceReason ? ` (${e.nonAttendanceReason})` : ""}`);
    const lines = [
      `Strategy discussion ${s.ref} (case ${s.caseRef}) was inquorate (Q-1): no ${att.missingRoles.join(" or ")} attended.`,
      ...(absent.length ? [`Not attending: ${absent.join("; ")}.`] : []),
      `Reason recorded by the chair: ${att.inquorateReason ?? "none"}.`,
      `Chair: ${s.chairName ?? "the chair"}. To open it, type status ${s.ref} to the strategy discussions bot in Teams.`,
    ];
    const why = route.channel === "none" ? route.why : "they have no chat with the bot yet";
    const via = await tellSeniorManager(ctx, notifier, {
      to, key: `escalate:${s.id}:${att.recordedAt}`, stratId: s.id, subject: `Strategy discussion ${s.caseRef} ${s.ref}: inquorate, for your attention`, lines,
    });
    if (!via) {
      // Not sendable (a name only, no chat with the bot, no mail configured): recorded, and the cards ask the chair to tell them.
      await record(ctx, s.id, "escalation.not-sent", { channel: route.channel }, (st) => escalationNotSent(st, job.payload.recordedAt, why));
      ctx.log.warn({ stratRef: s.ref, channel: route.channel }, "inquorate escalation not sent: the chair must tell the senior manager");
      return;
    }
    const sentVia = via;
    await record(ctx, s.id, "escalation.sent", { via: sentVia }, (st) => escalationSent(st, job.payload.recordedAt, sentVia, ctx.clock.now()));
    ctx.log.info({ stratRef: s.ref, via: sentVia }, "senior manager told of an inquorate strat");
  };
}
