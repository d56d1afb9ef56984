/**
 * A missing episode (issue 14 point 1): one child of one case reported missing, until found/returned, with its
 * strats, the return home interview (T-RHI, point 5) and whether the parents were told (bromley-missing-2020
 * §9.2, §9.5). Pure: transitions validate and return the new episode with the audit entry that records them.
 * Child data: only the case and child references; never a name or date of birth.
 */
import { AppError } from "../errors.js";

const HOUR_MS = 3_600_000;
/** A reminder to the chair this long before the RHI is due (issue 14 point 5). */
export const RHI_REMINDER_BEFORE_MS = 24 * HOUR_MS;

export interface Returned { at: Date; where: string; by: string }
export interface ReturnInterview { due: Date; heldAt: Date | null; outcome: string | null; by: string | null }
export interface ParentsTold { at: Date; by: string }

export interface MissingEpisode {
  id: string;
  caseRef: string;
  childRef: string;
  profileId: string;
  reportedAt: Date;
  reportedBy: string;
  lookedAfter: boolean;
  onPlan: boolean;
  particularConcerns: boolean;
  returned: Returned | null;
  /** T-RHI: set when the return is recorded. */
  rhi: ReturnInterview | null;
  parentsTold: ParentsTold | null;
  /** The strats held about this episode, oldest first. */
  stratIds: readonly string[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type NewEpisode = Pick<MissingEpisode, "caseRef" | "childRef" | "profileId" | "reportedAt" | "reportedBy" | "lookedAfter" | "onPlan" | "particularConcerns">;

/** What a transition records on the episode's audit chain. */
export interface EpisodeAudit { action: string; detail: Record<string, unknown> }
export interface EpisodeChange { episode: MissingEpisode; audit: EpisodeAudit }

const bad = (field: string, message: string) => new AppError("invalid_input", message, field);
const text = (v: string, field: string, what: string, max = 500): string => {
  const t = v.trim();
  if (!t) throw bad(field, `Enter ${what}.`);
  if (t.length > max) throw bad(field, `${what[0]!.toUpperCase()}${what.slice(1)} is too long (at most ${max} characters).`);
  return t;
};
const instant = (v: Date | null, field: string, what: string): Date => {
  if (!v || Number.isNaN(v.getTime())) throw bad(field, `Enter the date and time ${what}.`);
  return v;
};
const notFuture = (at: Date, now: Date, field: string, what: string) => {
  if (at.getTime() > now.getTime() + 60_000) throw bad(field, `The time ${what} is in the future.`);
};

/** Whole days the child has been (or was) missing: from the report to the return, or to now. */
export function daysMissing(e: MissingEpisode, now: Date): number {
  const end = e.returned?.at ?? now;
  return Math.max(0, Math.floor((end.getTime() - e.reportedAt.getTime()) / (24 * HOUR_MS)));
}

/** "missing for 3 days", "missing for 1 day", "missing for less than a day"; "was missing for …" once returned. */
export function describeDaysMissing(e: MissingEpisode, now: Date): string {
  const d = daysMissing(e, now);
  const span = d === 0 ? "less than a day" : d === 1 ? "1 day" : `${d} days`;
  return `${e.returned ? "was missing" : "missing"} for ${span}`;
}

/**
 * Records the return (found/returned at, where, by whom) and starts T-RHI: `rhiDue` is the profile's due instant
 * (hours(72) from the return). A return before the report names `returnedAt`; a second return is refused.
 */
export function recordReturn(
  e: MissingEpisode, input: { at: Date | null; where: string; by: string }, rhiDue: (returnedAt: Date) => Date, now: Date,
): EpisodeChange {
  if (e.returned) {
    throw bad("returnedAt", `The return was already recorded for child ${e.childRef} (case ${e.caseRef}); nothing was changed. A new missing report opens a new episode.`);
  }
  const at = instant(input.at, "returnedAt", "the child was found or returned");
  if (at.getTime() < e.reportedAt.getTime()) throw bad("returnedAt", "The time the child returned is before the time the child was reported missing.");
  notFuture(at, now, "returnedAt", "the child returned");
  const where = text(input.where, "returnedWhere", "where the child was found");
  const by = text(input.by, "returnedBy", "who found or returned the child", 200);
  const due = rhiDue(at);
  return {
    episode: { ...e, returned: { at, where, by }, rhi: { due, heldAt: null, outcome: null, by: null } },
    audit: { action: "missing.returned", detail: { returnedAt: at.toISOString(), rhiDue: due.toISOString() } },
  };
}

/** Records the return home interview's outcome (T-RHI): held at, outcome, by whom. Stops its reminder and overdue notice. */
export function recordReturnInterview(
  e: MissingEpisode, input: { heldAt: Date | null; outcome: string; by: string }, now: Date,
): EpisodeChange {
  if (!e.returned || !e.rhi) throw bad("rhiHeldAt", "Record the child's return first: the return home interview follows the return.");
  if (e.rhi.heldAt) throw bad("rhiHeldAt", "The return home interview was already recorded; nothing was changed.");
  const heldAt = instant(input.heldAt, "rhiHeldAt", "the return home interview was held");
  if (heldAt.getTime() < e.returned.at.getTime()) throw bad("rhiHeldAt", "The return home interview is before the child's return.");
  notFuture(heldAt, now, "rhiHeldAt", "the interview was held");
  const outcome = text(input.outcome, "rhiOutcome", "the outcome of the return home interview", 2000);
  const by = text(input.by, "rhiBy", "who held the return home interview", 200);
  const onTime = heldAt.getTime() <= e.rhi.due.getTime();
  return {
    episode: { ...e, rhi: { ...e.rhi, heldAt, outcome, by } },
    // The outcome text stays on the episode: the audit entry says when and whether on time, not what was said.
    audit: { action: "missing.rhi-held", detail: { heldAt: heldAt.toISOString(), onTime } },
  };
}

/** §9.2, §9.5: the parents (or carers) were told, when and by whom. */
export function recordParentsTold(e: MissingEpisode, input: { at: Date | null; by: string }, now: Date): EpisodeChange {
  const at = instant(input.at, "parentsToldAt", "the parents were told");
  if (at.getTime() < e.reportedAt.getTime()) throw bad("parentsToldAt", "The time the parents were told is before the child was reported missing.");
  notFuture(at, now, "parentsToldAt", "the parents were told");
  const by = text(input.by, "parentsToldBy", "who told the parents", 200);
  return { episode: { ...e, parentsTold: { at, by } }, audit: { action: "missing.parents-told", detail: { at: at.toISOString() } } };
}

/**
 * The two notices of a deadline (T-RHI; T-MWK's weekly meeting): the reminder 24 h before the due time (none if that
 * has passed) and the overdue notice at it.
 */
export function rhiNoticeTimes(due: Date, now: Date): { before: Date | null; overdue: Date } {
  const before = due.getTime() - RHI_REMINDER_BEFORE_MS;
  return { before: before > now.getTime() ? new Date(before) : null, overdue: due };
}
