/**
 * Missing episodes (issue 14 points 1 and 5): `new` with the missing concern and `missing` open the episode of each
 * child or link the strat to the open one; the return starts T-RHI (hours(72) from the return) as two durable jobs —
 * a reminder 24 h before and the overdue notice at the due instant — which the interview's outcome stops.
 */
import { AppError } from "../domain/errors.js";
import {
  recordParentsTold, recordReturn, recordReturnInterview, rhiNoticeTimes, type MissingEpisode, type NewEpisode,
} from "../domain/missing/episode.js";
import { returnInterviewDue } from "../domain/protocol/deadlines.js";
import type { Strat } from "../domain/strat/strat.js";
import { londonLabel as show } from "../domain/time/london.js";
import type { JobOf, JobRequest } from "../ports/jobs.js";
import type { MissingEpisodeRepository } from "../ports/missing-episodes.js";
import type { Notifier } from "../ports/notifier.js";
import type { OpenedWithin } from "../ports/store.js";
import type { Actor, AppContext } from "./context.js";
import { escalationJobs } from "./missing-duties.js";

const RHI_HOURS_MS = 72 * 3_600_000;
const who = (a: Actor) => a.name ?? a.id;

function repo(ctx: AppContext): MissingEpisodeRepository {
  if (!ctx.episodes) throw new AppError("unavailable", "Missing episodes are not available in this app.");
  return ctx.episodes;
}

/**
 * Opens (or links to) the missing episode of each child of a strat whose referral has a `missing` block (T-MIS: its
 * reportedAt). Returns the episodes, oldest first; none when the referral has no `missing` block.
 */
export async function linkStratToEpisodes(ctx: AppContext, actor: Actor, s: Strat): Promise<MissingEpisode[]> {
  // A child whose episode this strat is already linked to keeps it, returned or not: a returned episode is not reopened.
  const linked = await repo(ctx).ofStrat(s.id);
  const out: MissingEpisode[] = [];
  for (const [c, input] of episodeInputs(s, actor)) {
    const had = linked.find((e) => e.childRef === c);
    out.push(had ?? (await repo(ctx).openOrLink(input, s.id, actor.id, (e) => escalationJobs(ctx, e))).episode);
  }
  return out;
}

/** The episode of each child of a strat whose referral has a `missing` block (T-MIS: its reportedAt), by child ref. */
function episodeInputs(s: Strat, actor: Actor): [string, NewEpisode][] {
  const m = s.referral.missing;
  if (!m) return [];
  return s.referral.children.map((c) => [c.ref, {
    caseRef: s.caseRef, childRef: c.ref, profileId: s.profileId, reportedAt: m.reportedAt, reportedBy: who(actor),
    lookedAfter: c.lookedAfter, onPlan: c.cpPlan, particularConcerns: m.particularConcerns,
  }]);
}

/**
 * Issue 14: what `new` writes with a new strat, in its transaction (StratRepository.open's `within`): the episode of
 * each child opened (with its escalation jobs) or the open one linked; undefined where episodes are not kept.
 */
export function linkEpisodesWithin(ctx: AppContext, actor: Actor): OpenedWithin | undefined {
  const episodes = ctx.episodes;
  if (!episodes) return undefined;
  return async (tx, s) => {
    for (const [, input] of episodeInputs(s, actor)) await episodes.linkWithin(tx, input, s.id, actor.id, (e) => escalationJobs(ctx, e));
  };
}

/**
 * Issue 14: what `reconvene` writes with the follow-up strat, in its transaction: the follow-up is linked to each
 * child's episode that is still open. A returned episode is not reopened, and none is opened from the old report time.
 */
export function linkOpenEpisodesWithin(ctx: AppContext, actor: Actor): OpenedWithin | undefined {
  const episodes = ctx.episodes;
  if (!episodes) return undefined;
  return async (tx, s) => {
    if (!s.referral.missing) return;
    for (const c of s.referral.children) await episodes.linkOpenWithin(tx, s.caseRef, c.ref, s.id, actor.id);
  };
}

/** The T-RHI jobs for a due instant (one key per episode + stage: recording the return again moves the same jobs). */
export function rhiJobs(e: MissingEpisode, due: Date, now: Date): JobRequest[] {
  const t = rhiNoticeTimes(due, now);
  const job = (stage: "before" | "overdue", runAt: Date): JobRequest => ({
    kind: "missing.rhi", dedupeKey: `rhi:${e.id}:${stage}`, stratId: e.stratIds[0] ?? null, runAt,
    payload: { episodeId: e.id, stage, due: due.toISOString() },
  });
  return [...(t.before ? [job("before", t.before)] : []), job("overdue", t.overdue)];
}

/** Issue 14 point 5: the child was found/returned; T-RHI starts (due hours(72) after the return, per the profile). */
export function recordEpisodeReturn(
  ctx: AppContext, actor: Actor, episodeId: string, input: { at: Date | null; where: string; by: string }, expectedVersion?: number,
): Promise<MissingEpisode> {
  const now = ctx.clock.now();
  return repo(ctx).mutate(episodeId, actor.id, (e) => {
    const profile = ctx.profiles.get(e.profileId);
    // A profile without T-RHI (e.g. bedford) still gets the statutory 72 hours (Children missing from home or care, 2014).
    const change = recordReturn(e, input, (at) => returnInterviewDue(profile, at) ?? new Date(at.getTime() + RHI_HOURS_MS), now);
    return { ...change, jobs: rhiJobs(change.episode, change.episode.rhi!.due, now) };
  }, { expectedVersion });
}

export function recordEpisodeInterview(
  ctx: AppContext, actor: Actor, episodeId: string, input: { heldAt: Date | null; outcome: string; by: string }, expectedVersion?: number,
): Promise<MissingEpisode> {
  return repo(ctx).mutate(episodeId, actor.id, (e) => recordReturnInterview(e, input, ctx.clock.now()), { expectedVersion });
}

export function recordEpisodeParentsTold(
  ctx: AppContext, actor: Actor, episodeId: string, input: { at: Date | null; by: string }, expectedVersion?: number,
): Promise<MissingEpisode> {
  return repo(ctx).mutate(episodeId, actor.id, (e) => recordParentsTold(e, input, ctx.clock.now()), { expectedVersion });
}

/**
 * Runs a `missing.rhi` job: tells the chair of each linked open strat (in the strat's conversation). Dropped quietly
 * when the interview was recorded or the due instant is no longer the one the job was written for.
 */
export function rhiNoticeJob(ctx: AppContext, notifier: Notifier) {
  return async (job: JobOf<"missing.rhi">): Promise<void> => {
    const e = await repo(ctx).get(job.payload.episodeId);
    if (!e?.rhi || e.rhi.heldAt || e.rhi.due.toISOString() !== job.payload.due) return;
    for (const id of e.stratIds) {
      const s = await ctx.strats.get(id);
      if (!s || s.status === "cancelled" || s.conversationId === null) continue;
      const text = job.payload.stage === "before"
        ? `Reminder: the return home interview for child ${e.childRef} (case ${e.caseRef}, ${s.ref}) is due by ${show(e.rhi.due)} (T-RHI, 72 hours after the return). Record its outcome: type missing ${s.ref}.`
        : `Overdue: the return home interview for child ${e.childRef} (case ${e.caseRef}, ${s.ref}) was due by ${show(e.rhi.due)} (T-RHI). Chair: please follow it up and record its outcome (type missing ${s.ref}).`;
      const r = await notifier.toConversation(s.conversationId, { text });
      ctx.log.info({ stratRef: s.ref, kind: job.kind, stage: job.payload.stage, delivered: r }, "reminder");
    }
  };
}
