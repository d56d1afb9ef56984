/**
 * Runs a `teams.invitation` job (queued by src/app/send-invitations.ts): the invitation card, as the invitee
 * sees it, to their own chat with the bot; if the bot no longer has that chat, to the conversation the chair
 * sent from. An invitation that is no longer open (invitee removed, strat closed) is dropped quietly; a card
 * that reaches neither conversation fails the job, which is retried and then shown on the strat's status.
 */
import type { AppContext } from "../../src/app/context.js";
import type { JobOf } from "../../src/ports/jobs.js";
import type { Notifier } from "../../src/ports/notifier.js";
import type { CardRenderer } from "../cards/render-card.js";
import { invitationCard } from "../views/invitation.js";

export class InvitationUndeliverable extends Error {
  override name = "InvitationUndeliverable";
}

export function teamsInvitationJob(ctx: AppContext, cards: CardRenderer, notifier: Notifier) {
  return async (job: JobOf<"teams.invitation">): Promise<void> => {
    const p = job.payload;
    const s = await ctx.strats.get(p.stratId);
    const invitee = s?.state.invitees.find((i) => i.id === p.inviteeId && !i.removed);
    if (!s || !invitee || s.status !== "open") return;
    const card = invitationCard(cards, s, invitee, { teamsUserIds: invitee.teamsUserId ? [invitee.teamsUserId] : [] });
    const message = { text: `Invitation: ${s.ref}`, card };
    const where = (await notifier.toConversation(p.conversationId, message)) === "sent" ? "own chat"
      : (await notifier.toConversation(p.fallbackConversationId, message)) === "sent" ? "chair's conversation" : null;
    if (!where) throw new InvitationUndeliverable("no conversation");
    ctx.log.info({ stratRef: s.ref, inviteeId: invitee.id, where }, "invitation card delivered");
  };
}
