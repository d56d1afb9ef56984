/**
 * Runs a `notify.answer` job (written with the answer by src/app/respond-to-invitation.ts): tells the chair,
 * in the strat's conversation, that an agency declined (with its reason) or is sending a delegate (who).
 * Nothing to tell (strat gone or closed, answer no longer on the strat) → dropped quietly; no conversation
 * reference → logged, not retried (the answer is on `status` and `invitees`). The free text goes to Teams only,
 * never to the logs.
 */
import type { AppContext } from "../../src/app/context.js";
import type { JobOf } from "../../src/ports/jobs.js";
import type { Notifier } from "../../src/ports/notifier.js";
import { answerNoticeText } from "../views/labels.js";

export function answerNoticeJob(ctx: AppContext, notifier: Notifier) {
  return async (job: JobOf<"notify.answer">): Promise<void> => {
    const p = job.payload;
    const s = await ctx.strats.get(p.stratId);
    const invitee = s?.state.invitees.find((i) => i.id === p.inviteeId);
    const answer = invitee && [invitee.response, ...(invitee.earlierResponses ?? [])].find((r) => r?.at === p.at);
    if (!s || !invitee || !answer || s.status !== "open" || s.conversationId === null) return;
    const delivered = await notifier.toConversation(s.conversationId, { text: answerNoticeText(s, invitee, answer) });
    ctx.log.info({ stratRef: s.ref, inviteeId: invitee.id, kind: answer.kind, delivered }, "chair told of an answer");
  };
}
