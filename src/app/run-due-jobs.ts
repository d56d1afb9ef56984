import { describeCountdown, type Strat } from "../domain/strat/strat.js";
import { followOnDeadlines, type FollowOnDeadline } from "../domain/strat/follow-ons.js";
import type { JobOf, JobRequest } from "../ports/jobs.js";
import type { Notifier, RecordPublisher } from "../ports/notifier.js";
import type { AppContext } from "./context.js";

/** The kinds this module runs (the worker runs Graph and housekeeping kinds through infra's handlers). */
export type AppJobKind = "reminder.due" | "reminder.action" | "reminder.action-owner" | "reminder.followon" | "record.publish";
export type AppJobHandlers = { [K in AppJobKind]: (job: JobOf<K>) => Promise<void> };

import { londonLabel as show, showLondon } from "../domain/time/london.js";
import { paragraphs } from "../domain/text/escape-html.js";
import { responseLink } from "./response-link.js";

/** Due-time countdown at 50% and 90% of the time to the due instant (issue 5 point 11). */
export function dueReminders(s: Strat, now: Date): JobRequest[] {
  const span = s.dueAt.getTime() - now.getTime();
  if (span <= 0) return [];
  return [50, 90].map((pct) => ({
    kind: "reminder.due", dedupeKey: `due:${s.id}:${pct}`, stratId: s.id, runAt: new Date(now.getTime() + (span * pct) / 100), payload: { stratId: s.id, pct },
  }));
}

/** The overdue notice at the action's due time: one per action per due time (a moved due time writes a new one). */
export const actionReminder = (stratId: string, actionId: string, byWhen: Date): JobRequest => ({
  kind: "reminder.action", dedupeKey: `action-due:${stratId}:${actionId}:${byWhen.toISOString()}`, stratId, runAt: byWhen, payload: { stratId, actionId, due: byWhen.toISOString() },
});

/**
 * Issue 13 point 5: the action's owner is reminded before its by-when, at the same share of the time left as a
 * follow-on deadline (FOLLOW_ON_REMINDER_PCT). One job per action per due time (the key names it), so a moved due
 * time is a new reminder and the old one, stale, is dropped when it runs; none when the due time has passed.
 */
export function actionOwnerReminder(stratId: string, actionId: string, byWhen: Date, now: Date): JobRequest[] {
  const span = byWhen.getTime() - now.getTime();
  if (span <= 0) return [];
  const due = byWhen.toISOString();
  return [{
    kind: "reminder.action-owner", dedupeKey: `action-owner:${stratId}:${actionId}:${due}`, stratId,
    runAt: new Date(now.getTime() + (span * FOLLOW_ON_REMINDER_PCT) / 100), payload: { stratId, actionId, due },
  }];
}

/** The subject of an owner's reminder mail: case and strat reference and the action id only (no child data). */
export const actionOwnerSubject = (s: Strat, actionId: string) => `Strategy discussion ${s.ref} (case ${s.caseRef}): action ${actionId} due soon`;

/** Share of the time from the decision to a follow-on deadline at which its owner is reminded (then: overdue notice at the due time). */
export const FOLLOW_ON_REMINDER_PCT = 80;

/**
 * Issue 13 point 5: each follow-on deadline is two durable jobs, written with the decisions (same statement):
 * a reminder at 80% of the time from now to the due instant, and the overdue notice at the due instant. One
 * key per strat + deadline + stage, so re-recording the decisions moves the same jobs; a deadline that no
 * longer applies (or moved) is dropped quietly when its job runs (the handler recomputes the list).
 */
export function followOnReminders(stratId: string, deadlines: readonly FollowOnDeadline[], now: Date): JobRequest[] {
  return deadlines.flatMap((f): JobRequest[] => {
    const span = f.due.getTime() - now.getTime();
    const due = f.due.toISOString();
    const job = (stage: "before" | "overdue", runAt: Date): JobRequest => ({
      kind: "reminder.followon", dedupeKey: `followon:${stratId}:${f.key}:${stage}`, stratId, runAt, payload: { stratId, key: f.key, stage, due },
    });
    return span > 0 ? [job("before", new Date(now.getTime() + (span * FOLLOW_ON_REMINDER_PCT) / 100)), job("overdue", f.due)] : [job("overdue", now)];
  });
}

export const recordHandOver = (s: Strat, recordDue: Date, recordRule: string, now: Date): JobRequest => ({
  kind: "record.publish", dedupeKey: `record:${s.id}:${s.version + 1}`, stratId: s.id, runAt: now, payload: { stratId: s.id, recordDue: recordDue.toISOString(), recordRule },
});

/**
 * Runs one due job. Reminders go to the conversation the strat was opened in (the chair's); an overdue
 * action also names its owner. A reminder for something already done is dropped quietly.
 */
export function jobHandlers(ctx: AppContext, notifier: Notifier, publisher: RecordPublisher): AppJobHandlers {
  const load = async (job: JobOf<AppJobKind>) => ctx.strats.get(job.payload.stratId);
  return {
    async "reminder.due"(job) {
      const s = await load(job);
      if (!s || s.status !== "open" || s.conversationId === null || s.state.attendance) return;
      const text = `Reminder: ${s.ref} (case ${s.caseRef}) must be held by ${show(s.dueAt)} (${s.dueRule}): ${describeCountdown(s.dueAt, ctx.clock.now())}. Type status ${s.ref}.`;
      const r = await notifier.toConversation(s.conversationId, { text });
      ctx.log.info({ stratRef: s.ref, kind: job.kind, pct: job.payload.pct, delivered: r }, "reminder");
    },
    async "reminder.action"(job) {
      const s = await load(job);
      const a = s ? s.state.actions.find((x) => x.id === job.payload.actionId) : undefined;
      if (!s || !a || a.status !== "open" || s.conversationId === null) return;
      // moved (a newer job carries the new due time; jobs written before `due` was carried: not overdue yet)
      if ((job.payload.due ?? a.byWhen) !== a.byWhen || Date.parse(a.byWhen) > ctx.clock.now().getTime()) return;
      const text = `Overdue action on ${s.ref} (case ${s.caseRef}): ${a.id} · ${a.owner.name} (${a.owner.agency}) — ${a.what}, due ${show(a.byWhen)}. ${a.owner.name}: please mark it done or add an update (type mine).`;
      const r = await notifier.toConversation(s.conversationId, { text });
      ctx.log.info({ stratRef: s.ref, kind: job.kind, actionId: a.id, delivered: r }, "reminder");
    },
    async "reminder.action-owner"(job) {
      const s = await load(job);
      const a = s?.state.actions.find((x) => x.id === job.payload.actionId);
      // Done, moved (a newer job carries the new due time) or the strat gone: nothing to remind.
      if (!s || !a || a.status !== "open" || a.byWhen !== job.payload.due || s.status === "cancelled") return;
      const due = showLondon(a.byWhen);
      const tellChair = async (why: string) => {
        const r = s.conversationId === null ? "no-conversation" : await notifier.toConversation(s.conversationId, {
          text: `${s.ref} (case ${s.caseRef}): action ${a.id} (${a.owner.name}, ${a.owner.agency}) is due by ${due}, and ${why}. Please remind them yourself.`,
        });
        ctx.log.info({ stratRef: s.ref, kind: job.kind, actionId: a.id, delivered: r, to: "chair" }, "reminder");
      };
      const text = `Reminder: your action ${a.id} on ${s.ref} (case ${s.caseRef}) — ${a.what} — is due by ${due}. Type mine to add an update or mark it done.`;
      if (a.ownerTeamsUserId !== null) {
        const conv = await ctx.conversations.personalConversationOf([a.ownerTeamsUserId]);
        const r = conv ? await notifier.toConversation(conv, { text }) : "no-conversation";
        ctx.log.info({ stratRef: s.ref, kind: job.kind, actionId: a.id, delivered: r, to: "owner" }, "reminder");
        if (r === "no-conversation") await tellChair(`${a.owner.name} could not be reached in Teams (no chat with the bot)`);
        return;
      }
      const address = s.state.invitees.find((i) => i.id === a.ownerInviteeId)?.address ?? null;
      const from = ctx.organizerMailbox;
      if (!address || !ctx.scheduler || !from) return tellChair(address ? "no mail is configured" : `${a.owner.name} has no Teams chat or mailbox here`);
      const link = responseLink(ctx, s, a.ownerInviteeId!);
      await ctx.scheduler.requestMail({
        key: `action-owner:${s.id}:${a.id}:${a.byWhen}`, stratId: s.id, from, to: [address], subject: actionOwnerSubject(s, a.id),
        html: paragraphs([
          `Reminder: your action ${a.id} from strategy discussion ${s.ref} (case ${s.caseRef}) is due by ${due} (London time).`,
          `Action: ${a.what}`,
          link ? `Add an update or mark it done on your personal page: ${link}` : `Reply to the chair, ${s.chairName ?? "the chair"}, through ${from}.`,
        ]),
      });
      ctx.log.info({ stratRef: s.ref, kind: job.kind, actionId: a.id, to: "owner-mailbox" }, "reminder");
    },
    async "reminder.followon"(job) {
      const s = await load(job);
      if (!s || s.status === "cancelled" || s.conversationId === null) return;
      const { key, stage, due } = job.payload;
      const f = followOnDeadlines(ctx.profiles.get(s.profileId), s).find((x) => x.key === key && x.due.toISOString() === due);
      if (!f) return; // the decisions changed: it no longer applies, or a newer job carries its new due time
      const text = stage === "before"
        ? `Reminder: ${f.what} on ${s.ref} (case ${s.caseRef}) is due by ${show(f.due)} (${f.rule}): ${describeCountdown(f.due, ctx.clock.now())}. Type status ${s.ref}.`
        : `Overdue on ${s.ref} (case ${s.caseRef}): ${f.what} was due by ${show(f.due)} (${f.rule}). Chair: please follow it up (type status ${s.ref}).`;
      const r = await notifier.toConversation(s.conversationId, { text });
      ctx.log.info({ stratRef: s.ref, kind: job.kind, key, stage, delivered: r }, "reminder");
    },
    async "record.publish"(job) {
      const s = await load(job);
      if (!s) return;
      await publisher.publish({ stratId: s.id, ref: s.ref, caseRef: s.caseRef, version: s.version, recordDue: job.payload.recordDue, recordRule: job.payload.recordRule });
    },
  };
}
