/**
 * Issue 14 points 3 and 4: the duties of a missing episode as durable jobs on the one queue.
 * - Escalations (T-MDCS, T-MHOS; src/domain/missing/escalations.ts): one `missing.escalate` job per step, written
 *   with the episode; when due and the child is still missing, the configured role (MISSING_DIRECTOR, MISSING_DCS,
 *   MISSING_HEAD_OF_SERVICE) is told with the case reference only, exactly once, and it is recorded on the episode's
 *   audit chain (who, when, how; or why not). A return before the step drops it quietly. T-MHOS also raises the
 *   required chair seniority of the episode's open strats and tells their chairs.
 * - Weekly meetings (T-MWK): after each meeting of the episode (attendance recorded, else the strat closed), the next
 *   is due 7 days after its start while the episode is open.
 */
import { AppError } from "../domain/errors.js";
import { describeDaysMissing, rhiNoticeTimes as noticeTimes, type MissingEpisode } from "../domain/missing/episode.js";
import { missingReconveneDue, type Profile } from "../domain/protocol/index.js";
import type { Strat } from "../domain/strat/strat.js";
import { escalationSteps, ROLE_LABELS, ROLE_SETTINGS, type EscalationStep } from "../domain/missing/escalations.js";
import { londonLabel as show } from "../domain/time/london.js";
import type { JobOf, JobRequest } from "../ports/jobs.js";
import type { MissingEpisodeRepository } from "../ports/missing-episodes.js";
import type { Notifier } from "../ports/notifier.js";
import type { AppContext } from "./context.js";
import { tellRole, type Told } from "./tell-senior-manager.js";

/** The actor recorded on the episode for what the app does by itself. */
const SYSTEM = "system";
export const ESCALATED = "missing.escalated";

function repo(ctx: AppContext): MissingEpisodeRepository {
  if (!ctx.episodes) throw new AppError("unavailable", "Missing episodes are not available in this app.");
  return ctx.episodes;
}

/** The escalation jobs of a newly opened episode (one per step; keyed by episode + step, so each runs once). */
export function escalationJobs(ctx: AppContext, e: MissingEpisode): JobRequest[] {
  return escalationSteps(ctx.profiles.get(e.profileId, { includeHistory: true }), e).map((s): JobRequest => ({
    kind: "missing.escalate", dedupeKey: `missing-escalate:${e.id}:${s.key}`, stratId: e.stratIds[0] ?? null, runAt: s.due,
    payload: { episodeId: e.id, rule: s.rule, key: s.key },
  }));
}

/** The message to the role: the case reference only (no child name, no date of birth; the subject names the case). */
function escalationMessage(e: MissingEpisode, step: EscalationStep): { subject: string; lines: string[] } {
  const hours = Math.round((step.due.getTime() - e.reportedAt.getTime()) / 3_600_000);
  const span = hours % 24 === 0 ? `${hours / 24} day${hours === 24 ? "" : "s"}` : `${hours} hours`;
  return {
    subject: `Child still missing after ${span}: case ${e.caseRef} (${step.rule})`,
    lines: [
      `A child of case ${e.caseRef}${e.lookedAfter ? " (looked after)" : ""} reported missing at ${show(e.reportedAt)} is still missing after ${span}.`,
      `${step.label} (${step.rule}).`,
    ],
  };
}

/** Runs a `missing.escalate` job (see the module comment). */
export function escalateJob(ctx: AppContext, notifier: Notifier) {
  return async (job: JobOf<"missing.escalate">): Promise<void> => {
    const e = await repo(ctx).get(job.payload.episodeId);
    if (!e || e.returned) return; // returned before the step: nothing to tell
    const step = escalationSteps(ctx.profiles.get(e.profileId, { includeHistory: true }), e).find((s) => s.key === job.payload.key && s.rule === job.payload.rule);
    if (!step) return;
    // Exactly once: a retry after the record was written stops here; one before it resends under the same mail key.
    const trail = await repo(ctx).auditTrail(e.id);
    if (trail.some((a) => a.action === ESCALATED && a.detail.key === step.key)) return;
    const to = ctx.escalationRecipients?.[step.role] ?? "";
    const m = escalationMessage(e, step);
    const told: Told = await tellRole(ctx, notifier, {
      to, setting: ROLE_SETTINGS[step.role], key: `missing-escalate:${e.id}:${step.key}`, stratId: e.stratIds[0] ?? null, ...m,
    });
    const at = ctx.clock.now();
    await repo(ctx).mutate(e.id, SYSTEM, (cur) => ({
      episode: cur,
      audit: {
        action: ESCALATED,
        detail: { rule: step.rule, key: step.key, role: step.role, to, at: at.toISOString(), ...(told.how ? { how: told.how } : { how: null, why: told.why }) },
      },
    }));
    ctx.log.info({ episodeId: e.id, rule: step.rule, key: step.key, how: told.how }, "missing escalation");
    if (step.rule === "T-MHOS") await raiseChairToHeadOfService(ctx, notifier, e, step, at);
  };
}

/** T-MHOS: each open strat of the episode now needs a Head of Service chair (shown on its cards); its chair is told. */
async function raiseChairToHeadOfService(ctx: AppContext, notifier: Notifier, e: MissingEpisode, step: EscalationStep, at: Date): Promise<void> {
  const profile = ctx.profiles.get(e.profileId, { includeHistory: true });
  const chair = profile.chair.escalations.find((x) => x.rule === "T-MHOS");
  const required = chair?.chair ?? "Head of Service";
  const reason = chair?.reason ?? step.label;
  for (const id of e.stratIds) {
    const s = await ctx.strats.get(id);
    if (!s || s.status !== "open" || s.state.chairSeniority?.rules.includes("T-MHOS")) continue;
    await ctx.strats.mutate(id, (cur) => {
      const c = cur.state.chairSeniority;
      const chairSeniority = { required, reasons: [...(c?.reasons ?? []), reason], rules: [...(c?.rules ?? []), "T-MHOS"], at: at.toISOString() };
      return { change: { state: { ...cur.state, chairSeniority } }, audit: { actor: SYSTEM, action: "strat.chair-raised", detail: { rule: "T-MHOS", required } }, result: true };
    });
    if (s.conversationId === null) continue;
    await notifier.toConversation(s.conversationId, {
      text: `The child of case ${e.caseRef} (${s.ref}) has been missing for more than 7 days: this strategy discussion must now be chaired by ${required} (T-MHOS); ${ROLE_LABELS.headOfService} has been told.`,
    });
  }
}

/** T-MWK: when the next weekly meeting is due after strat `s` was held (its meeting start, else now); null without T-MWK. */
export function weeklyDue(profile: Profile, s: Pick<Strat, "state">, now: Date): Date | null {
  return missingReconveneDue(profile, s.state.meeting ? new Date(s.state.meeting.start) : now);
}

/**
 * The weekly-meeting jobs written when strat `s` of open episodes is held (T-MWK: its attendance recorded; else at
 * close): keyed by episode + strat + stage, so each meeting held writes its own once, and the handler drops them once
 * a later strat is linked or the child returned.
 */
export function weeklyJobs(profile: Profile, s: Pick<Strat, "id" | "state">, episodes: readonly MissingEpisode[], now: Date): JobRequest[] {
  const due = weeklyDue(profile, s, now);
  if (!due) return [];
  const t = noticeTimes(due, now);
  return episodes.filter((e) => !e.returned).flatMap((e) => {
    const job = (stage: "before" | "overdue", runAt: Date): JobRequest => ({
      kind: "missing.weekly", dedupeKey: `weekly:${e.id}:${s.id}:${stage}`, stratId: s.id, runAt,
      payload: { episodeId: e.id, stratId: s.id, stage, due: due.toISOString() },
    });
    return [...(t.before ? [job("before", t.before)] : []), job("overdue", t.overdue)];
  });
}

/** Runs a `missing.weekly` job: tells the chair in the held strat's conversation (see weeklyJobs). */
export function weeklyNoticeJob(ctx: AppContext, notifier: Notifier) {
  return async (job: JobOf<"missing.weekly">): Promise<void> => {
    const e = await repo(ctx).get(job.payload.episodeId);
    if (!e || e.returned || e.stratIds.at(-1) !== job.payload.stratId) return; // returned, or a later strat carries it on
    const s = await ctx.strats.get(job.payload.stratId);
    if (!s || s.conversationId === null) return;
    const due = show(new Date(job.payload.due));
    const about = `the weekly missing-child meeting for child ${e.childRef} (case ${e.caseRef}, ${describeDaysMissing(e, ctx.clock.now())})`;
    const text = job.payload.stage === "before"
      ? `Reminder: ${about} is due by ${due} (T-MWK, 7 days after the last meeting while the child is missing). Type reconvene ${s.ref} to open it.`
      : `Overdue: ${about} was due by ${due} (T-MWK). Chair: type reconvene ${s.ref} to open it.`;
    const r = await notifier.toConversation(s.conversationId, { text });
    ctx.log.info({ stratRef: s.ref, kind: job.kind, stage: job.payload.stage, delivered: r }, "reminder");
  };
}

/** What the cards of a strat show of its missing episodes (issue 14 point 3): days missing, and the weekly meeting due. */
export interface EpisodeFacts {
  /** One line per episode: "Child C1 missing for 3 days (reported …)", with the weekly meeting due while open. */
  lines: string[];
  /** T-MWK: 7 days after the latest meeting held (attendance recorded, or closed) of an open episode; null when none applies. */
  weeklyDue: Date | null;
}

/** When a strat's meeting took place, as far as the app knows: attendance recorded, else its close. */
const heldAt = (s: Strat): Date => (s.state.attendance ? new Date(s.state.attendance.recordedAt) : s.closedAt!);

export async function episodeFacts(ctx: AppContext, s: Pick<Strat, "id">): Promise<EpisodeFacts> {
  if (!ctx.episodes) return { lines: [], weeklyDue: null };
  const now = ctx.clock.now();
  const lines: string[] = [];
  let earliest: Date | null = null;
  for (const e of await ctx.episodes.ofStrat(s.id)) {
    let due: Date | null = null;
    if (!e.returned) {
      const strats = await Promise.all(e.stratIds.map((id) => ctx.strats.get(id)));
      const dues = strats.filter((x): x is Strat => !!x && (!!x.state.attendance || !!x.closedAt))
        .map((x) => weeklyDue(ctx.profiles.get(x.profileId, { includeHistory: true }), x, heldAt(x)))
        .filter((d): d is Date => d !== null);
      due = dues.sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
    }
    if (due && (!earliest || due.getTime() < earliest.getTime())) earliest = due;
    const weekly = due ? `; weekly missing-child meeting due by ${show(due)} (T-MWK)` : "";
    lines.push(`Child ${e.childRef} ${describeDaysMissing(e, now)} (reported ${show(e.reportedAt)})${weekly}.`);
  }
  return { lines, weeklyDue: earliest };
}
