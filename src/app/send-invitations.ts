/**
 * The chair sends the invitations: one change records that they went (and to how many) and queues the
 * invitation card for each Teams invitee who has their own chat with the bot (a durable `teams.invitation`
 * job, written in the same statement: it is delivered, retried or shown as failed on `status`, even across a
 * restart). A Teams invitee with no chat of their own sees the card in the conversation the chair pressed
 * Send in (the chair and the invitee each see their own view). Mailboxes get the calendar invitation and
 * their signed response link when the meeting is booked (book-meeting.ts), and the links are on the
 * chair's invitees card.
 */
import { invitationRecipients, invitationsSent, type Invitee, type StratState } from "../domain/strat/state.js";
import type { Strat } from "../domain/strat/strat.js";
import { notifyJob, type JobRequest } from "../ports/jobs.js";
import type { Actor, AppContext } from "./context.js";
import { chairChange, type RequestMeta } from "./strat-commands.js";

/**
 * The notify-only recipients with a mailbox (I-MISS: Missing.Children, the Atlas analyst) each get one
 * notification mail (`notify.info`): written when the chair sends the invitations or books the meeting,
 * one job per recipient per strat however often (its dedupe key).
 */
export const notifyJobs = (s: StratState, stratId: string, now: Date): JobRequest[] =>
  s.invitees.filter((i) => !i.removed && i.action === "notify" && i.address && !i.notified).map((i) => notifyJob(stratId, i.id, now));

/** How an invitation reaches a Teams user who has no chat of their own with the bot: shown where the chair is. */
export interface InvitationDelivery {
  /** The invitation card as `invitee` sees it. */
  card(s: Strat, invitee: Invitee): { type: "AdaptiveCard"; version: string } & Record<string, unknown>;
  /** The conversation the chair pressed Send in. */
  conversationId: string;
  /** Shows a card there (for an invitee who has no chat of their own with the bot). */
  showHere(card: ReturnType<InvitationDelivery["card"]>): Promise<void>;
}

/** `duplicate`: the same request arrived again (a repeated press): nothing was sent again; the counts are the first one's. */
export interface SendInvitationsResult { strat: Strat; teams: number; personal: number; mailboxes: number; noAddress: number; duplicate: boolean }

export async function sendInvitations(
  ctx: AppContext, actor: Actor, stratId: string, delivery: InvitationDelivery, meta: RequestMeta = {},
): Promise<SendInvitationsResult> {
  // Who has a chat of their own with the bot (read before the change; a chat that has gone since falls back, see the job).
  const before = await ctx.strats.get(stratId);
  const own = new Map<string, string>();
  if (ctx.notifier && before) {
    for (const i of invitationRecipients(before.state).teams) {
      const c = await ctx.conversations.personalConversationOf([i.teamsUserId!]);
      if (c && c !== delivery.conversationId) own.set(i.id, c);
    }
  }
  const now = ctx.clock.now();
  const out = await chairChange(ctx, actor, stratId, "invitations.sent", meta, (state, strat) => {
    const next = invitationsSent(state, actor.id, now);
    const jobs: JobRequest[] = invitationRecipients(next).teams.flatMap<JobRequest>((i) => {
      const conversationId = own.get(i.id);
      return conversationId
        ? [{
            kind: "teams.invitation" as const, stratId, runAt: now, dedupeKey: `invite:${stratId}:${i.id}:${strat.version + 1}`,
            payload: { stratId, inviteeId: i.id, conversationId, fallbackConversationId: delivery.conversationId },
          }]
        : [];
    }).concat(notifyJobs(next, stratId, now));
    return { state: next, result: next.invitationsSent!, jobs, detail: { teams: next.invitationsSent!.teams, mailboxes: next.invitationsSent!.mailboxes, queued: jobs.length } };
  });
  const s = out.strat;
  const r = invitationRecipients(s.state);
  const sent = s.state.invitationsSent;
  if (out.duplicate && sent) {
    // A redelivered or repeated press (issue 11 point 4): nothing is shown or queued again; the first press's counts.
    return { strat: s, teams: sent.teams, personal: own.size, mailboxes: sent.mailboxes, noAddress: r.noAddress.length, duplicate: true };
  }
  let personal = 0;
  for (const i of r.teams) {
    if (own.has(i.id)) personal += 1;
    else await delivery.showHere(delivery.card(s, i));
  }
  ctx.log.info({ stratRef: s.ref, teams: r.teams.length, personal, mailboxes: r.mailboxes.length }, "invitations sent");
  return { strat: s, teams: r.teams.length, personal, mailboxes: r.mailboxes.length, noAddress: r.noAddress.length, duplicate: false };
}
