import { AppError } from "../domain/errors.js";
import { computeDeadline, missingReconveneDue, parseReferral, referralInput } from "../domain/protocol/index.js";
import { followUpStratAt } from "../domain/strat/follow-ons.js";
import { initialState } from "../domain/strat/state.js";
import type { Strat } from "../domain/strat/strat.js";
import type { Actor, AppContext } from "./context.js";
import { linkOpenEpisodesWithin } from "./missing-episode.js";
import { keptOfficer, withNamedOfficer } from "./named-officer.js";
import { chairSeniorityAt, ownOpening } from "./open-strat.js";
import { dueReminders } from "./run-due-jobs.js";
import { isChair } from "./strat-commands.js";

/**
 * `reconvene`: a follow-up strategy discussion for the same case (e.g. the date set in the decisions,
 * or a missing child still missing). `agreedAt` is the follow-up date and time set in the previous strat's
 * decisions (null when none, or free text from before the date input): the bot proposes it as the meeting time. The protocol engine computes its due time from the decision to
 * reconvene (the new trigger); for a missing child T-MWK also applies (within hours(168) of the last
 * strat) and the earliest wins, as for every strat (DOMAIN.md §2).
 */
export async function reconveneStrat(
  ctx: AppContext, actor: Actor, prevId: string, input: { requestId: string; conversationId: string | null; whileOpen?: boolean },
): Promise<{ strat: Strat; created: boolean; followUpOf: string; stillOpen: string[]; agreedAt: Date | null }> {
  const prev = await ctx.strats.get(prevId);
  if (!prev || !isChair(prev, actor)) throw new AppError("not_found", "No strategy discussion of yours matches that.", "strat");
  // Never a second open strat for the same case without the chair saying so (issue 11 point 8).
  const open = (await ctx.strats.listOpen(500)).filter((s) => s.caseRef === prev.caseRef);
  if (open.length && !input.whileOpen) {
    const first = open[0]!;
    throw new AppError(
      "conflict",
      `Case ${prev.caseRef} already has an open strategy discussion, ${open.map((s) => s.ref).join(", ")}. Close it first (type close ${first.ref}), ` +
        `or type reconvene ${prev.ref} anyway to open a follow-up while it is still open.`,
      "strat",
    );
  }
  const profile = ctx.profiles.get(prev.profileId);
  const now = ctx.clock.now();
  const referral = parseReferral({ ...referralInput(prev.referral), receivedAt: now.toISOString() });
  const d = computeDeadline(profile, referral);
  const applied = d.applied.map((a) => ({ rule: a.rule, due: a.due }));
  if (referral.concerns.includes("missing")) {
    const st = prev.state;
    const mwk = missingReconveneDue(profile, st.meeting ? new Date(st.meeting.start) : prev.createdAt);
    if (mwk) applied.push({ rule: "T-MWK", due: mwk });
  }
  const winner = applied.reduce((a, b) => (b.due.getTime() < a.due.getTime() ? b : a));
  const out = await ctx.strats.open(
    {
      caseRef: prev.caseRef, profileId: prev.profileId, referral, dueAt: winner.due, dueRule: winner.rule, targetAt: d.target,
      applied: applied.map((a) => ({ rule: a.rule, due: a.due.toISOString() })), chairId: actor.id, chairName: actor.name,
      conversationId: input.conversationId ?? prev.conversationId, requestId: input.requestId,
      state: withNamedOfficer(initialState({ deputyIds: prev.state.deputyIds, chairSeniority: chairSeniorityAt(profile, referral, now) }), keptOfficer(prev)),
    },
    { actor: actor.id, action: "strat.reconvened", detail: { followUpOf: prev.ref, dueRule: winner.rule } },
    (s) => dueReminders(s, now),
    linkOpenEpisodesWithin(ctx, actor), // issue 14: a missing child's follow-up joins the child's open episode, in the same transaction
  ).then((o) => ownOpening(ctx, actor, o));
  // The follow-up strat's date and time agreed at the meeting (issue 13 point 5), proposed as the new meeting time.
  const agreedAt = followUpStratAt(prev.state.decisions?.followUpStrat ?? null);
  return { ...out, followUpOf: prev.ref, stillOpen: open.filter((s) => s.id !== out.strat.id).map((s) => s.ref), agreedAt };
}

