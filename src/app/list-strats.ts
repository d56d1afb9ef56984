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
