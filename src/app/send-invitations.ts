/**
 * The chair sends the invitations: the strat records that they went (and to how many), then each Teams
 * invitee gets the invitation card — in their own chat with the bot when there is one (a proactive
 * message through the notifier port), otherwise in the conversation the chair pressed Send in, where
 * the chair and the invitee each see their own view. Mailboxes get their signed response link with
 * the calendar invitation (book-meeting.ts) and on the chair's invitees card.
 */
import { invitationRecipients, invitationsSent, type Invitee } from "../domain/strat/state.js";
import type { Strat } from "../domain/strat/strat.js";
import type { Actor, AppContext } from "./context.js";
import { chairChange, type RequestMeta } from "./strat-commands.js";

/** How an invitation reaches a Teams user: the card is a view (bot/views), the conversation the chair is in. */
export interface InvitationDelivery {
  /** The invitation card as `invitee` sees it. */
  card(s: Strat, invitee: Invitee): { type: "AdaptiveCard"; version: string } & Record<string, unknown>;
  /** The conversation the chair pressed Send in. */
  conversationId: string;
  /** Shows a card there (for an invitee who has no chat of their own with the bot). */
  showHere(card: ReturnType<InvitationDelivery["card"]>): Promise<void>;
}

export interface SendInvitationsResult { strat: Strat; teams: number; personal: number; mailboxes: number; noAddress: number }

export async function sendInvitations(
  ctx: AppContext, actor: Actor, stratId: string, delivery: InvitationDelivery, meta: RequestMeta = {},
): Promise<SendInvitationsResult> {
  const out = await chairChange(ctx, actor, stratId, "invitations.sent", meta, (state) => {
    const next = invitationsSent(state, actor.id, ctx.clock.now());
    return { state: next, result: next.invitationsSent!, detail: { teams: next.invitationsSent!.teams, mailboxes: next.invitationsSent!.mailboxes } };
  });
  const s = out.strat;
  const r = invitationRecipients(s.state);
  let personal = 0;
  for (const i of r.teams) {
    const card = delivery.card(s, i);
    const own = ctx.notifier ? await ctx.conversations.personalConversationOf([i.teamsUserId!]) : null;
    if (own && own !== delivery.conversationId && (await ctx.notifier!.toConversation(own, { text: `Invitation: ${s.ref}`, card })) === "sent") personal += 1;
    else await delivery.showHere(card);
  }
  ctx.log.info({ stratRef: s.ref, teams: r.teams.length, mailboxes: r.mailboxes.length }, "invitations sent");
  return { strat: s, teams: r.teams.length, personal, mailboxes: r.mailboxes.length, noAddress: r.noAddress.length };
}
