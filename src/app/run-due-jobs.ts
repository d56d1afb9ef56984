import { describeCountdown, type Strat } from "../domain/strat/strat.js";
import type { JobOf, JobRequest } from "../ports/jobs.js";
import type { Notifier, RecordPublisher } from "../ports/notifier.js";
import type { AppContext } from "./context.js";

/** The kinds this module runs (the worker runs Graph and housekeeping kinds through infra's handlers). */
export type AppJobKind = "reminder.due" | "reminder.action" | "record.publish";
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
    async "record.publish"(job) {
      const s = await load(job);
      if (!s) return;
      await publisher.publish({ stratId: s.id, ref: s.ref, caseRef: s.caseRef, version: s.version, recordDue: job.payload.recordDue, recordRule: job.payload.recordRule });
    },
  };
}
