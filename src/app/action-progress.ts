/**
 * Actions owned by agencies (bristol-2024 4.8, R-ACT): the owner — in Teams (their Teams user id), or outside the
 * tenant through their personal response link — or the chair marks progress and done. Also after close: an action
 * stays open until it is done; the verified record is not changed by it. An owner's update is written with a
 * `notify.action` job (one per update), so the chair is told once.
 */
import { AppError } from "../domain/errors.js";
import { mayUpdateAction, updateAction, type Action, type ActionUpdateVia } from "../domain/strat/state.js";
import type { Strat } from "../domain/strat/strat.js";
import type { JobRequest } from "../ports/jobs.js";
import type { Actor, AppContext } from "./context.js";
import { teamsIdsOf } from "./list-strats.js";
import { inviteeOf, isChair, type RequestMeta } from "./strat-commands.js";

export interface ActionProgress {
  status: "open" | "done";
  text: string;
  /** `link`: the actor came through the response link of this invitee (checked by the caller against the token). */
  via: ActionUpdateVia;
  linkInviteeId?: string;
}

export const refusedOwner = (a: Action) => `Only the owner (${a.owner.name}) or the chair can update this action.`;

export async function progressAction(
  ctx: AppContext, actor: Actor, stratId: string, actionId: string, p: ActionProgress, meta: RequestMeta = {},
): Promise<{ strat: Strat; result: string | null; duplicate: boolean }> {
  return ctx.strats.mutate(
    stratId,
    (cur) => {
      const a = cur.state.actions.find((x) => x.id === actionId);
      if (!a) throw new AppError("invalid_input", `No action ${actionId} on ${cur.ref}.`, "action");
      const chair = p.via === "teams" && isChair(cur, actor);
      const inviteeId = p.via === "link" ? (p.linkInviteeId ?? null) : (inviteeOf(cur.state, actor)?.id ?? null);
      const teamsIds = p.via === "teams" ? teamsIdsOf(actor) : [];
      if (!mayUpdateAction(a, { chair, teamsIds, inviteeId })) throw new AppError("forbidden", refusedOwner(a), "actor");
      if (cur.status !== "open" && cur.status !== "closed") throw new AppError("conflict", `${cur.ref} is not open.`, "status");
      // Who: the chair's id, else the owner as the action knows them (their invitee id, or their Teams id).
      const by = chair ? actor.id : inviteeId !== null && inviteeId === a.ownerInviteeId ? inviteeId : (a.ownerTeamsUserId ?? actor.id);
      const next = updateAction(cur.state, actionId, p.status, p.text, by, ctx.clock.now(), p.via);
      const n = next.actions.find((x) => x.id === actionId)!.updates.length;
      return {
        change: { state: next },
        jobs: chair ? [] : [actionNotice(cur.id, actionId, n, ctx.clock.now())],
        // The update's text stays in the strat's state, out of the audit details and logs.
        audit: { actor: by, action: "action.updated", detail: { actionId, status: p.status, via: p.via, owner: !chair } },
        result: actionId,
      };
    },
    meta,
  );
}

/** The proactive message to the chair about one update (the n-th) of an action: ids only, the text is read when sent. */
const actionNotice = (stratId: string, actionId: string, n: number, now: Date): JobRequest => ({
  kind: "notify.action", stratId, runAt: now, dedupeKey: `action:${stratId}:${actionId}:${n}`, payload: { stratId, actionId, n },
});
