import { z } from "zod";
import { AppError } from "../domain/errors.js";
import { chairRequirement, computeDeadline, parseReferral, type Profile, type Referral } from "../domain/protocol/index.js";
import { DEFAULT_REFERENCE_FORMAT, checkCaseReference, checkChildReferences } from "../domain/strat/reference.js";
import { initialState, type ChairSeniority } from "../domain/strat/state.js";
import type { Strat } from "../domain/strat/strat.js";
import type { Actor, AppContext } from "./context.js";
import { dueReminders } from "./run-due-jobs.js";

export const ZOpenStratInput = z.object({
  /** Its shape (never a name or date of birth) is checked against the configured pattern: see checkCaseReference. */
  caseRef: z.string().trim(),
  profileId: z.string().min(1, "Choose the local protocol"),
  referral: z.unknown(),
  requestId: z.string().min(8).max(100),
  conversationId: z.string().min(1).nullable(),
});
export type OpenStratInput = z.infer<typeof ZOpenStratInput>;

/**
 * Opens a strat: validates the referral with the protocol engine's schema, computes the statutory
 * due instant (every T-* rule that applies; the earliest wins), stores it with an audit entry.
 * The same requestId twice from the same chair (Teams redelivers activities) returns the first strat;
 * from anyone else it is refused (`ownOpening`).
 */
export async function openStrat(ctx: AppContext, actor: Actor, raw: OpenStratInput): Promise<{ strat: Strat; created: boolean }> {
  const parsed = ZOpenStratInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError("invalid_input", issue.message, String(issue.path[0] ?? "input"));
  }
  const input = parsed.data;
  const references = ctx.references ?? DEFAULT_REFERENCE_FORMAT;
  checkCaseReference(input.caseRef, references);
  const selectable = ctx.profiles.list().filter((p) => p.selectable).map((p) => p.id);
  if (!selectable.includes(input.profileId)) {
    throw new AppError("invalid_input", `Unknown local protocol. Choose one of: ${selectable.join(", ")}`, "profile");
  }
  const profile = ctx.profiles.get(input.profileId);
  const referral = parseReferral(input.referral);
  checkChildReferences(referral.children, references);
  const d = computeDeadline(profile, referral);
  const result = await ctx.strats.open(
    {
      caseRef: input.caseRef,
      profileId: input.profileId,
      referral,
      dueAt: d.due,
      dueRule: d.rule,
      targetAt: d.target,
      applied: d.applied.map((a) => ({ rule: a.rule, due: a.due.toISOString() })),
      chairId: actor.id,
      chairName: actor.name,
      conversationId: input.conversationId,
      requestId: input.requestId,
      state: initialState({ deputyIds: ctx.deputyIds ?? [], chairSeniority: chairSeniorityAt(profile, referral, ctx.clock.now()) }),
    },
    { actor: actor.id, action: "strat.opened", detail: { dueRule: d.rule, profile: input.profileId } },
    (s) => dueReminders(s, ctx.clock.now()),
  ).then((out) => ownOpening(ctx, actor, out));
  ctx.log.info({ stratRef: result.strat.ref, caseRef: result.strat.caseRef, dueRule: d.rule, created: result.created }, "strat opened");
  return result;
}

/** What a strat records of its chair's required seniority when it opens (T-CX, T-MHOS): shown on its cards. */
export function chairSeniorityAt(profile: Profile, referral: Referral, at: Date): ChairSeniority {
  const r = chairRequirement(profile, referral, at);
  return { required: r.chair, reasons: r.reasons, rules: r.rules, at: at.toISOString() };
}

/**
 * A request id dedupes only for the user who sent it (issue 11 point 13): anyone else replaying it (a copied
 * card, a forged invoke) is refused, and never shown the strat it opened (case reference, concerns, children,
 * due time, chair). Teams redelivers with the same user, so a redelivery still gets its own strat.
 */
export function ownOpening<T extends { strat: Strat; created: boolean }>(ctx: AppContext, actor: Actor, out: T): T {
  if (out.created || out.strat.chairId === actor.id) return out;
  ctx.log.warn({ action: "strat.open" }, "refused: a request id already used by another user");
  throw new AppError("conflict", "This form was already used to open a strategy discussion. Nothing was saved; type `new` for a fresh form.", "requestId");
}
