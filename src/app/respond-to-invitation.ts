/**
 * An invitee answers: one use case whichever way the answer comes — a Teams card, the signed response
 * link opened from the invitation email, or Outlook (a calendar answer reported by Graph). One answer
 * per invitee; the latest wins, the earlier ones stay in the invitee's state (their content too) and every
 * answer's kind is in the audit trail (R-*). The actor must be that
 * invitee (Teams user or the mailbox the link was issued to), or the calendar for that address.
 */
import { AppError, isAppError } from "../domain/errors.js";
import { otherAttendeeOfAgency, recordResponse, sameAnswer, type Invitee, type InviteeResponse } from "../domain/strat/state.js";
import type { Strat } from "../domain/strat/strat.js";
import type { JobRequest } from "../ports/jobs.js";
import type { InvitationResponse } from "../ports/scheduler.js";
import type { Actor, AppContext } from "./context.js";
import { inviteeOf, type RequestMeta } from "./strat-commands.js";

export type Answer = Omit<InviteeResponse, "at" | "by" | "reason" | "delegate" | "report"> &
  Partial<Pick<InviteeResponse, "reason" | "delegate" | "report" | "at">>;

/** Thrown inside the change when the answer repeats the invitee's current one: there is nothing to write. */
class RepeatedAnswer extends Error {}

/**
 * The invitee's answer. An identical repeat of the current answer (same kind, content, channel and person;
 * only the time differs: a double click, a resubmitted page, a replayed request, a calendar answer reported
 * again) is recognised and recorded once (issue 11 point 17): it changes nothing, adds no audit entry, and
 * comes back as a duplicate with the invitee as it stands, so the invitee sees the same confirmation.
 */
export async function respondToInvitation(
  ctx: AppContext, actor: Actor, stratId: string, inviteeId: string, answer: Answer, meta: RequestMeta = {},
): Promise<{ strat: Strat; result: Invitee | null; duplicate: boolean }> {
  try {
    return await answerOnce(ctx, actor, stratId, inviteeId, answer, meta);
  } catch (e) {
    if (!(e instanceof RepeatedAnswer)) throw e;
    const strat = (await ctx.strats.get(stratId))!;
    return { strat, result: strat.state.invitees.find((i) => i.id === inviteeId) ?? null, duplicate: true };
  }
}

function answerOnce(
  ctx: AppContext, actor: Actor, stratId: string, inviteeId: string, answer: Answer, meta: RequestMeta,
): Promise<{ strat: Strat; result: Invitee | null; duplicate: boolean }> {
  return ctx.strats.mutate(
    stratId,
    (cur) => {
      const state = cur.state;
      const inv = state.invitees.find((i) => i.id === inviteeId);
      const own = inv && inviteeOf(state, actor)?.id === inv.id;
      if (!inv || !own) throw new AppError("forbidden", "This invitation is not yours to answer.", "invitation");
      if (cur.status !== "open") throw new AppError("conflict", "This strategy discussion is closed; answers can no longer be changed.", "status");
      const response: InviteeResponse = {
        kind: answer.kind, via: answer.via, at: (answer.at ?? ctx.clock.now().toISOString()), by: actor.mailbox ?? actor.id,
        reason: answer.reason ?? null, delegate: answer.delegate ?? null, report: answer.report ?? null,
      };
      // Decided on the version being written (under the row lock if need be), so two repeats racing are one too.
      if (inv.response && sameAnswer(inv.response, { ...response, at: inv.response.at })) throw new RepeatedAnswer();
      // One attendee per agency unless the chair agrees (bristol-2024 4.7): a second person for an agency
      // comes only as an invitee the chair adds, never as a delegate sent by the agency itself.
      if (response.kind === "delegate" && ctx.profiles.get(cur.profileId).quorum.oneAttendeePerAgency) {
        const other = otherAttendeeOfAgency(state, inviteeId);
        if (other) {
          throw new AppError(
            "invalid_input",
            `${inv.agency} already has someone attending (${other.name}). This protocol allows one attendee per agency unless the chair agrees (bristol-2024 4.7): ask the chair, who can add your delegate as an invitee.`,
            "delegate",
          );
        }
      }
      const next = recordResponse(state, inviteeId, response);
      const replaced = inv.response && next.invitees.find((i) => i.id === inviteeId)!.response !== inv.response ? inv.response.kind : null;
      // The chair is told of a decline or a delegate (issue 11 point 8) by a job written with the answer.
      const tell = next !== state && (response.kind === "declined" || response.kind === "delegate");
      return {
        change: { state: next },
        jobs: tell ? [answerNotice(cur.id, inviteeId, response.at, ctx.clock.now())] : [],
        // Kinds only: free text (reasons, delegates, reports) stays in the strat's state, out of audit details and logs.
        audit: { actor: actor.mailbox ?? actor.id, action: "invitation.answered", detail: { inviteeId, kind: response.kind, via: response.via, replaces: replaced } },
        result: next.invitees.find((i) => i.id === inviteeId)!,
      };
    },
    meta,
  );
}

/** The proactive message to the chair about one answer (its reason or delegate are read when it is sent). */
const answerNotice = (stratId: string, inviteeId: string, at: string, now: Date): JobRequest => ({
  kind: "notify.answer", stratId, runAt: now, dedupeKey: `answer:${stratId}:${inviteeId}:${at}`, payload: { stratId, inviteeId, at },
});

/** The strat and invitee a signed response link was issued for, or null (bad or expired link, removed invitee). */
export async function invitationByLink(ctx: AppContext, token: string): Promise<{ strat: Strat; invitee: Invitee } | null> {
  const ids = ctx.links?.verify(token, ctx.clock.now());
  if (!ids) return null;
  const strat = await ctx.strats.get(ids.stratId);
  const invitee = strat?.state.invitees.find((i) => i.id === ids.inviteeId && !i.removed && i.address);
  return strat && invitee ? { strat, invitee } : null;
}

/** The actor of a response link: the mailbox it was issued to. */
export const linkActor = (address: string): Actor => ({ id: `mailbox:${address}`, name: null, mailbox: address });

const CALENDAR_KIND: Record<InvitationResponse, "accepted" | "declined" | "tentative" | "none"> = {
  accepted: "accepted", declined: "declined", tentativelyAccepted: "tentative", none: "none",
};

/**
 * An Outlook Accept/Decline reported by the calendar: that invitee's answer (`none` is no answer, never a
 * decline). Not (or no longer) an invitee, or a closed strat: nothing to record, and no reason to retry.
 */
export async function respondFromCalendar(
  ctx: AppContext, e: { stratId: string; address: string; response: InvitationResponse; at: Date },
): Promise<void> {
  const s = await ctx.strats.get(e.stratId);
  const address = e.address.toLowerCase();
  const inv = s?.state.invitees.find((i) => !i.removed && i.address === address);
  if (!s || !inv) return;
  try {
    await respondToInvitation(ctx, { id: `calendar:${address}`, name: null, mailbox: address }, s.id, inv.id, {
      kind: CALENDAR_KIND[e.response], via: "calendar", at: e.at.toISOString(),
      reason: e.response === "declined" ? "Declined the calendar invitation (no reason given there)" : null,
    });
  } catch (err) {
    if (!(isAppError(err) && (err.code === "conflict" || err.code === "forbidden"))) throw err;
  }
}
