import { followOnDeadlines, type FollowOnDeadline } from "../domain/strat/follow-ons.js";
import type { Strat } from "../domain/strat/strat.js";
import type { Actor, AppContext } from "./context.js";

/**
 * The open strats this person may see: the ones they chair, and the ones bound to the conversation
 * they ask in (a team channel's members are on that strat's team). Unknown users see nothing.
 */
export async function listVisibleOpenStrats(ctx: AppContext, actor: Actor, conversationId: string | null): Promise<Strat[]> {
  const [mine, here] = await Promise.all([
    ctx.strats.listOpen(500).then((all) => all.filter((s) => s.chairId === actor.id)),
    conversationId ? ctx.strats.listByConversation(conversationId) : Promise.resolve([]),
  ]);
  const byId = new Map<string, Strat>();
  for (const s of [...mine, ...here]) byId.set(s.id, s);
  return [...byId.values()].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.ref.localeCompare(b.ref));
}

/**
 * The strats this person chairs that still have an open action, whatever the strat's state: an action stays
 * open until it is done, also after the record is verified (R-ACT; issue 11 point 6); and those where they own
 * an open action by their Teams id (bristol-2024 4.8).
 */
export async function listStratsWithOpenActions(ctx: AppContext, actor: Actor): Promise<Strat[]> {
  return ctx.strats.listWithOpenActions([actor.id], teamsIdsOf(actor));
}

/** The ids a Teams user is known by (AAD object id and channel user id). */
export const teamsIdsOf = (actor: Actor): string[] => [actor.id, ...(actor.altId ? [actor.altId] : [])];

/** How long after its due time a closed strat's follow-on deadline is still listed in `mine` (an open strat's are all listed). */
export const MINE_FOLLOW_ON_GRACE_DAYS = 7;
/** How far back a strat's last change may be for its follow-ons to be looked at (T-S47's 45 working days fit well within). */
const FOLLOW_ON_LOOKBACK_DAYS = 180;
const DAY_MS = 86_400_000;

/**
 * Issue 13 point 5: the follow-on deadlines (DOMAIN.md T-ICPC, T-S47, T-SEE, the follow-up strat) of the strats this
 * person chairs, soonest first: every one of an open strat, and those of a closed strat not past by more than
 * MINE_FOLLOW_ON_GRACE_DAYS.
 */
export async function listMyFollowOns(ctx: AppContext, actor: Actor): Promise<{ strat: Strat; deadline: FollowOnDeadline; overdue: boolean }[]> {
  const now = ctx.clock.now().getTime();
  const strats = await ctx.strats.listChairedWithDecisions(teamsIdsOf(actor), new Date(now - FOLLOW_ON_LOOKBACK_DAYS * DAY_MS));
  return strats
    .flatMap((strat) => followOnDeadlines(ctx.profiles.get(strat.profileId), strat)
      .filter((d) => strat.status === "open" || d.due.getTime() >= now - MINE_FOLLOW_ON_GRACE_DAYS * DAY_MS)
      .map((deadline) => ({ strat, deadline, overdue: deadline.due.getTime() < now })))
    .sort((a, b) => a.deadline.due.getTime() - b.deadline.due.getTime() || a.strat.ref.localeCompare(b.strat.ref));
}
