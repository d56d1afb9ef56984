/**
 * The missing-child risk tool (M-RAG, issue 14 point 2) per child per episode: each scoring is a new version (who,
 * when, the items changed); the team manager (MANAGER_IDS) signs the latest off with comments and one of the form's
 * four outcomes, and the assessment is then sent to the Missing/Gang coordinator the profile names (directory entry
 * `missing-coordinator`) as one exactly-once graph.mail: the case reference only in the subject, never the child's name.
 * Amber or Red offers to convene a missing child protection strategy meeting by the T-MIS due time.
 */
import { AppError } from "../domain/errors.js";
import type { MissingEpisode } from "../domain/missing/episode.js";
import {
  offersConvene, scoreVersion, signOffVersion, SIGN_OFF_OUTCOMES, type RiskVersion,
} from "../domain/missing/risk-versions.js";
import { computeDeadline, type DeadlineResult } from "../domain/protocol/index.js";
import type { Strat } from "../domain/strat/strat.js";
import { escapeHtml } from "../domain/text/escape-html.js";
import { londonLabel as show } from "../domain/time/london.js";
import type { MissingEpisodeRepository } from "../ports/missing-episodes.js";
import type { Actor, AppContext } from "./context.js";

/** The profile's directory entry for the Missing/Gang coordinator (bromley-missing-2020 Appendix 4: the Atlas Team). */
export const COORDINATOR_KEY = "missing-coordinator";

function repo(ctx: AppContext): MissingEpisodeRepository {
  if (!ctx.episodes) throw new AppError("unavailable", "Missing episodes are not available in this app.");
  return ctx.episodes;
}

/** Where a signed-off assessment goes: the profile's coordinator, or null when the profile names no address. */
export function missingCoordinator(ctx: AppContext, profileId: string): { name: string; address: string | null } | null {
  const entry = ctx.profiles.get(profileId).directory.get(COORDINATOR_KEY);
  return entry ? { name: entry.name, address: entry.address } : null;
}

/** Is this Teams user a team manager (MANAGER_IDS: AAD object id, channel user id, or name in local mode)? */
export function isManager(ctx: AppContext, actor: Actor): boolean {
  const ids = ctx.managerIds ?? [];
  return [actor.id, actor.altId, actor.name].some((x) => x !== undefined && x !== null && ids.includes(x));
}

/**
 * M-RAG: scores the risk tool for the episode's child as a new version; earlier versions are kept. A repeated press
 * (`pressKey`, issue 11 point 4) answers with the version the first one kept.
 */
export function scoreEpisodeRisk(
  ctx: AppContext, actor: Actor, episodeId: string, answers: Record<string, number>, pressKey?: string,
): Promise<{ version: RiskVersion; duplicate: boolean }> {
  return repo(ctx).addRiskVersion(episodeId, actor.id, (e, latest) => scoreVersion(e.id, latest, answers, actor.name ?? actor.id, ctx.clock.now()), { pressKey });
}

/**
 * The team manager signs off the latest version; then it is mailed (exactly once per episode + version) to the
 * coordinator. Returns the version and where it went (null: the profile names no coordinator address).
 */
export async function signOffEpisodeRisk(
  ctx: AppContext, actor: Actor, episodeId: string, input: { outcome: string; comments: string }, expectedVersion?: number,
): Promise<{ version: RiskVersion; sentTo: string | null }> {
  const manager = { id: actor.id, name: actor.name ?? actor.id, isManager: isManager(ctx, actor) };
  const v = await repo(ctx).signOffRisk(episodeId, actor.id, (latest) => {
    // The manager signs off the version the card showed: a newer scoring since then is shown first.
    if (expectedVersion !== undefined && expectedVersion !== latest.version) {
      throw new AppError("conflict", `The risk assessment was scored again (version ${latest.version}) after this card was shown. Nothing was saved; here is the latest.`, "riskVersion");
    }
    return signOffVersion(latest, input, manager, ctx.clock.now());
  });
  const e = (await repo(ctx).get(episodeId))!;
  const to = missingCoordinator(ctx, e.profileId)?.address ?? null;
  if (to && ctx.scheduler && ctx.organizerMailbox) {
    await ctx.scheduler.requestMail({
      key: `missing-risk:${e.id}:v${v.version}`, stratId: e.stratIds[0] ?? null, from: ctx.organizerMailbox, to: [to],
      subject: riskMailSubject(e), html: riskMailHtml(e, v),
    });
    return { version: v, sentTo: to };
  }
  return { version: v, sentTo: null };
}

/** References only (never the child's name): the case and the child's reference. */
export const riskMailSubject = (e: MissingEpisode): string => `Missing risk assessment signed off: case ${e.caseRef}`;

function riskMailHtml(e: MissingEpisode, v: RiskVersion): string {
  const s = v.signOff!;
  const lines = [
    `Missing-child risk assessment (M-RAG) for child ${e.childRef}, case ${e.caseRef}: version ${v.version}.`,
    `Score ${v.score}: ${v.band.toUpperCase()}.`,
    `Outcome: ${SIGN_OFF_OUTCOMES[s.outcome]}.`,
    `Signed off by ${s.byName} (team manager) on ${show(s.at)}.`,
    `Team manager's comments: ${s.comments}`,
  ];
  return lines.map((l) => `<p>${escapeHtml(l)}</p>`).join("");
}

/**
 * T-MIS for the episode's child: the engine's deadline for a missing strat from the report (reportedAt), the child's
 * looked-after / plan flags and particular concerns. The child's other details come from the strat's referral.
 */
export function missingMeetingDue(ctx: AppContext, e: MissingEpisode, s: Strat): DeadlineResult {
  const child = s.referral.children.find((c) => c.ref === e.childRef);
  const children = child ? [{ ...child, lookedAfter: e.lookedAfter, cpPlan: e.onPlan }] : s.referral.children;
  return computeDeadline(ctx.profiles.get(e.profileId), {
    ...s.referral, concerns: ["missing"], children, missing: { reportedAt: e.reportedAt, particularConcerns: e.particularConcerns },
  });
}

/** Amber/Red (M-RAG): the T-MIS due time to show beside "Convene a missing child protection strategy meeting"; null otherwise. */
export function conveneOffer(ctx: AppContext, e: MissingEpisode, s: Strat, latest: RiskVersion | null): { due: Date; rule: string } | null {
  if (!latest || !offersConvene(latest.band)) return null;
  const d = missingMeetingDue(ctx, e, s);
  return { due: d.due, rule: d.rule };
}
