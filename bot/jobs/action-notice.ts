/**
 * Runs a `notify.action` job (written with the update by src/app/action-progress.ts): tells the chair, in the
 * strat's conversation, that an action's owner added an update or marked it done, and how (Teams or their link).
 * Nothing to tell (strat or update gone) → dropped quietly; no conversation → nothing sent (the update is on
 * `status` and `mine`). The update's text goes to Teams only, never to the logs.
 */
import type { AppContext } from "../../src/app/context.js";
import type { JobOf } from "../../src/ports/jobs.js";
import type { Notifier } from "../../src/ports/notifier.js";
import { actionUpdateWords } from "../views/meeting.js";

export function actionNoticeJob(ctx: AppContext, notifier: Notifier) {
  return async (job: JobOf<"notify.action">): Promise<void> => {
    const p = job.payload;
    const s = await ctx.strats.get(p.stratId);
    const a = s?.state.actions.find((x) => x.id === p.actionId);
    const u = a?.updates[p.n - 1];
    if (!s || !a || !u || s.conversationId === null) return;
    const text = `${s.ref} (case ${s.caseRef}): Action ${a.id} (${a.owner.agency}): ${actionUpdateWords(a, u)}. Type status ${s.ref} to see every action.`;
    const delivered = await notifier.toConversation(s.conversationId, { text });
    ctx.log.info({ stratRef: s.ref, actionId: a.id, status: u.status, via: u.via, delivered }, "chair told of an action update");
  };
}
