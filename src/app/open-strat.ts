import { z } from "zod";
import { AppError } from "../domain/errors.js";
import { chairRequirement, computeDeadline, parseReferral, referralInput, type Profile, type Referral } from "../domain/protocol/index.js";
import { DEFAULT_REFERENCE_FORMAT, checkCaseReference, checkChildReferences } from "../domain/strat/reference.js";
import { initialState, type ChairSeniority } from "../domain/strat/state.js";
import type { NewStrat, Strat } from "../domain/strat/strat.js";
import type { Actor, AppContext } from "./context.js";
import { linkEpisodesWithin } from "./missing-episode.js";
import { namedOfficerForCase, withNamedOfficer } from "./named-officer.js";
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

/** Validated input: the case reference, the profile and the referral (the protocol engine's schema). */
function prepare(ctx: AppContext, raw: OpenStratInput): { input: OpenStratInput; profile: Profile; referral: Referral } {
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
  return { input, profile, referral };
}

/** The strat to store for this referral: its due instant from its own children and concerns (every T-* rule; the earliest wins). */
function newStrat(ctx: AppContext, actor: Actor, input: OpenStratInput, profile: Profile, referral: Referral, chairName: string | null, requestId: string): NewStrat {
  const d = computeDeadline(profile, referral);
  return {
    caseRef: input.caseRef, profileId: input.profileId, referral, dueAt: d.due, dueRule: d.rule, targetAt: d.target,
    applied: d.applied.map((a) => ({ rule: a.rule, due: a.due.toISOString() })), chairId: actor.id, chairName,
    conversationId: input.conversationId, requestId,
    state: initialState({ deputyIds: ctx.deputyIds ?? [], chairSeniority: chairSeniorityAt(profile, referral, ctx.clock.now()) }),
  };
}

/**
 * Opens a strat: validates the referral with the protocol engine's schema, computes the statutory
 * due instant (every T-* rule that applies; the earliest wins), stores it with an audit entry.
 * The same requestId twice from the same chair (Teams redelivers activities) returns the first strat;
 * from anyone else it is refused (`ownOpening`).
 */
export async function openStrat(ctx: AppContext, actor: Actor, raw: OpenStratInput): Promise<{ strat: Strat; created: boolean }> {
  const { input, profile, referral } = prepare(ctx, raw);
  const fresh = newStrat(ctx, actor, input, profile, referral, actor.name, input.requestId);
  const n = { ...fresh, state: withNamedOfficer(fresh.state, await namedOfficerForCase(ctx, input.caseRef, referral)) };
  const result = await ctx.strats.open(n, { actor: actor.id, action: "strat.opened", detail: { dueRule: n.dueRule, profile: input.profileId } },
    (s) => dueReminders(s, ctx.clock.now()),
    linkEpisodesWithin(ctx, actor), // issue 14: the missing concern opens or links each child's episode, in the same transaction
  ).then((out) => ownOpening(ctx, actor, out));
  ctx.log.info({ stratRef: result.strat.ref, caseRef: result.strat.caseRef, dueRule: n.dueRule, created: result.created }, "strat opened");
  return result;
}

export const CHILD_ROLES = ["harmed", "harmer", "other"] as const;
export type ChildRole = (typeof CHILD_ROLES)[number];

/** I-C2C: each child's role (in the referral's order) and the chair named for each of the two strats. */
export const ZChildOnChild = z.object({
  roles: z.array(z.enum(CHILD_ROLES)),
  harmedChair: z.string().trim(),
  harmerChair: z.string().trim(),
});
export type ChildOnChild = z.infer<typeof ZChildOnChild>;

const sameName = (a: string, b: string) => a.replace(/\s+/g, " ").toLowerCase() === b.replace(/\s+/g, " ").toLowerCase();

/**
 * I-C2C (bromley-2023 §2, bedford): where a child is alleged to have harmed another child, a separate strat per
 * child with different workers. Exactly one child is harmed and one alleged to have harmed; any other child goes
 * with the harmed child's strat (the household considered with the child at risk, I-SIB). Each strat is computed
 * from its own children (due time, chair seniority; its invitees when the chair lists them), names its own chair
 * (an empty chair field is the chair opening them), lists the other's ref, and both open in one transaction or neither.
 */
export async function openChildOnChildStrats(
  ctx: AppContext, actor: Actor, raw: OpenStratInput, c2cRaw: ChildOnChild,
): Promise<{ strats: Strat[]; created: boolean }> {
  const { input, profile, referral } = prepare(ctx, raw);
  const c2c = ZChildOnChild.parse(c2cRaw);
  const roleOf = (i: number): ChildRole => c2c.roles[i] ?? "other";
  const count = (r: ChildRole) => referral.children.filter((_, i) => roleOf(i) === r).length;
  if (count("harmed") !== 1 || count("harmer") !== 1) {
    throw new AppError("invalid_input", "Child roles: mark one child as harmed and one as alleged to have harmed, or answer no to the question.", "childRoles");
  }
  const harmedChair = c2c.harmedChair || actor.name || "you";
  const harmerChair = c2c.harmerChair || actor.name || "you";
  if (sameName(harmedChair, harmerChair)) {
    throw new AppError("invalid_input",
      "Chair of the strategy discussion for the child alleged to have harmed: give a different chair from the harmed child's. Each child has a separate strategy discussion with different workers.",
      "harmerChair");
  }
  const part = (keep: (r: ChildRole) => boolean) => parseReferral({ ...referralInput(referral), children: referralInput(referral).children.filter((_, i) => keep(roleOf(i))) });
  const opened = await ctx.strats.openLinked(
    [
      newStrat(ctx, actor, input, profile, part((r) => r !== "harmer"), harmedChair, `${input.requestId}:harmed`),
      newStrat(ctx, actor, input, profile, part((r) => r === "harmer"), harmerChair, `${input.requestId}:harmer`),
    ],
    { actor: actor.id, action: "strat.opened", detail: { profile: input.profileId, linked: "child-on-child" } },
    (s) => dueReminders(s, ctx.clock.now()),
    linkEpisodesWithin(ctx, actor), // I-C2C with the missing concern: each strat links to its own children's episodes
  );
  for (const s of opened.strats) ownOpening(ctx, actor, { strat: s, created: opened.created });
  ctx.log.info({ stratRefs: opened.strats.map((s) => s.ref), caseRef: input.caseRef, created: opened.created }, "linked strats opened (child on child)");
  return opened;
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
