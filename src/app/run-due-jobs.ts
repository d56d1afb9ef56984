import { describeCountdown, type Strat } from "../domain/strat/strat.js";
import { followOnDeadlines, type FollowOnDeadline } from "../domain/strat/follow-ons.js";
import type { JobOf, JobRequest } from "../ports/jobs.js";
import type { Notifier, RecordPublisher } from "../ports/notifier.js";
import type { AppContext } from "./context.js";

/** The kinds this module runs (the worker runs Graph and housekeeping kinds through infra's handlers). */
export type AppJobKind = "reminder.due" | "reminder.action" | "reminder.followon" | "record.publish";
export type AppJobHandlers = { [K in AppJobKind]: (job: JobOf<K>) => Promise<void> };

import { londonLabel as show } from "../domain/time/london.js";

/** Due-time countdown at 50% and 90% of the time to the due instant (issue 5 point 11). */
export function dueReminders(s: Strat, now: Date): JobRequest[] {
  const span = s.dueAt.getTime() - now.getTime();
  if (span <= 0) return [];
  return [50, 90].map((pct) => ({
    kind: "reminder.due", dedupeKey: `due:${s.id}:${pct}`, stratId: s.id, runAt: new Date(now.getTime() + (span * pct) / 100), payload: { stratId: s.id, pct },
  }));
}

export const actionReminder = (stratId: string, actionId: string, byWhen: Date): JobRequest => ({
  kind: "reminder.action", dedupeKey: `action:${stratId}:${actionId}`, stratId, runAt: byWhen, payload: { stratId, actionId },
});

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
      const text = `Overdue action on ${s.ref} (case ${s.caseRef}): ${a.id} · ${a.owner.name} (${a.owner.agency}) — ${a.what}, due ${show(a.byWhen)}. ${a.owner.name}: please mark it done or add an update (type mine).`;
      const r = await notifier.toConversation(s.conversationId, { text });
      ctx.log.info({ stratRef: s.ref, kind: job.kind, actionId: a.id, delivered: r }, "reminder");
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
