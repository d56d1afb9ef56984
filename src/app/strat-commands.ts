/**
 * The chair's and invitees' use cases on an open strat: invitees, answers, attendance, decisions, the
 * interim safety plan, actions, dissent and close. Each takes the strat's current version (through
 * the repository's `mutate`), checks who may act, applies a pure transition from
 * src/domain/strat/state.ts and saves it with an audit entry all or nothing, only on that version. Timescales, invitees and quorum come from the protocol
 * engine only (never re-derived here).
 */
import { AppError, isAppError } from "../domain/errors.js";
import { assessQuorum, attendanceByRole, icpcAtStrat, recommendInvitees, recordDue, recordRules, scoreMissingRisk } from "../domain/protocol/index.js";
import type { Strat } from "../domain/strat/strat.js";
import { counted } from "../domain/strat/figures.js";
import { rerouteOf } from "../domain/strat/reroute.js";
import {
  addAction, addInvitee, moveActionDue, amendRecord, applyRecommendations, closeChecklist, progressDissent, recordAttendance, recordDecisions,
  recordDissent, recordMissingRisk, removeInvitee, setMeeting, setPlan, setRecordFields, verifyRecord,
  type Action, type ActionTerm, type AddInviteeInput, type DecisionsInput, type Dissent, type Invitee, type StratState,
} from "../domain/strat/state.js";
import { weeklyJobs } from "./missing-duties.js";
import type { Actor, AppContext } from "./context.js";
import type { JobRequest } from "../ports/store.js";
import { escalationJob } from "../ports/jobs.js";
import { actionOwnerReminder, actionReminder, followOnReminders, recordHandOver } from "./run-due-jobs.js";
import { followOnDeadlines } from "../domain/strat/follow-ons.js";
import { distributionJobs, recordVersion } from "./distribute-record.js";

/** How a request reached us: a card (with the version it showed) and/or a redeliverable activity. */
export interface RequestMeta { expectedVersion?: number; dedupeKey?: string }

/**
 * A chair's card is out of date only if the chair or a deputy changed the strat since it was shown:
 * invitees' answers and calendar updates arrive all the time and touch other parts of the strat, and
 * every change is applied to the current version, so nothing is lost.
 */
const staleForChair = (actors: string[], s: Strat) => {
  const chairs = new Set([s.chairId, ...s.state.deputyIds]);
  return actors.some((a) => chairs.has(a));
};
/**
 * Every card press that changes a strat uses this rule, close and dissent included: the app's own records of a
 * duty it carried out (actor "app": an escalation, a notification, a sent record) never make the chair's card stale.
 */
const cardMeta = (meta: RequestMeta) => ({ ...meta, staleIf: staleForChair });

/**
 * The refusal of a card that showed an older version of the chair's work (the repository's version check):
 * the card shows the latest beside the chair's unsaved entries and asks which to keep (issue 11 point 3).
 */
export const isStaleCard = (e: unknown): boolean => isAppError(e) && e.code === "conflict" && e.field === "version";

export function isChair(s: Strat, actor: Actor): boolean {
  const st = s.state;
  return s.chairId === actor.id || (actor.altId !== undefined && s.chairId === actor.altId) || st.deputyIds.includes(actor.id) ||
    (actor.altId !== undefined && st.deputyIds.includes(actor.altId));
}

export function inviteeOf(state: StratState, actor: Actor): Invitee | undefined {
  return state.invitees.find(
    (i) => !i.removed && ((i.teamsUserId && (i.teamsUserId === actor.id || i.teamsUserId === actor.altId)) || (actor.mailbox && i.address === actor.mailbox)),
  );
}

export type Transition<R> = (state: StratState, strat: Strat) => { state: StratState; result: R; detail?: Record<string, unknown>; jobs?: JobRequest[] };

/**
 * Chair-only change of an open strat; `closedToo` for the follow-through that outlives the verified record
 * (an action stays open until done, whatever the strat's state: R-ACT).
 */
export async function chairChange<R>(
  ctx: AppContext, actor: Actor, stratId: string, action: string, meta: RequestMeta, fn: Transition<R>, opts: { closedToo?: boolean } = {},
) {
  const out = await ctx.strats.mutate(
    stratId,
    (cur) => {
      if (!isChair(cur, actor)) throw new AppError("forbidden", "Only the chair (or a deputy chair) can change this strategy discussion.", "actor");
      if (cur.status !== "open" && !(opts.closedToo && cur.status === "closed")) throw new AppError("conflict", `${cur.ref} is closed: the verified record cannot be changed.`, "status");
      const r = fn(cur.state, cur);
      return { change: { state: r.state }, audit: { actor: actor.id, action, detail: r.detail ?? {} }, result: r.result, jobs: r.jobs };
    },
    cardMeta(meta),
  );
  return out;
}

/**
 * I-*: the engine's recommendations at the instant `at` applied to the list (chair additions, removals and answers kept),
 * and which recipients that changed (out of hours is decided at the meeting time: DOMAIN.md §4).
 */
function recommendAt(ctx: AppContext, strat: Strat, state: StratState, at: Date) {
  const profile = ctx.profiles.get(strat.profileId);
  const recs = recommendInvitees(profile, strat.referral, at);
  const next = applyRecommendations(state, recs, at);
  return { next, count: recs.length, reroute: rerouteOf(state, next, recs, profile.calendar.isOutOfHours(at)) };
}

/** I-*: (re)computes the recommended invitees from the protocol engine for the meeting instant (or now). */
export async function refreshInvitees(ctx: AppContext, actor: Actor, stratId: string, meta: RequestMeta = {}) {
  return chairChange(ctx, actor, stratId, "invitees.recommended", meta, (state, strat) => {
    const at = state.meeting ? new Date(state.meeting.start) : ctx.clock.now();
    const { next, count } = recommendAt(ctx, strat, state, at);
    return { state: next, result: next.invitees, detail: { count } };
  });
}

export async function addStratInvitee(
  ctx: AppContext, actor: Actor, stratId: string,
  input: AddInviteeInput,
  meta: RequestMeta = {},
) {
  return chairChange(ctx, actor, stratId, "invitees.added", meta, (state) => {
    const [inv, next] = addInvitee(state, input);
    // a quorum role the chair gives is audited with its reason.
    const quorum = inv.quorumRole ? { quorumRole: inv.quorumRole, quorumReason: inv.quorumReason } : {};
    return { state: next, result: inv, detail: { inviteeId: inv.id, agency: inv.agency, ...quorum } };
  });
}

export async function removeStratInvitee(ctx: AppContext, actor: Actor, stratId: string, inviteeId: string, reason: string | null, meta: RequestMeta = {}) {
  return chairChange(ctx, actor, stratId, "invitees.removed", meta, (state) => ({
    state: removeInvitee(state, inviteeId, actor.id, reason, ctx.clock.now()),
    result: inviteeId,
    detail: { inviteeId },
  }));
}

/** attendance per agency and quorum role; quorum from the engine; inquorate → reason required and escalated. */
export async function recordStratAttendance(
  ctx: AppContext, actor: Actor, stratId: string,
  input: { attendedInviteeIds: string[]; inquorateReason: string | null; nonAttendance?: Record<string, string> },
  meta: RequestMeta = {},
) {
  // T-MWK (issue 14 point 1): attendance recorded is when the app knows the meeting took place (held_at is its start).
  const episodes = ctx.episodes ? await ctx.episodes.ofStrat(stratId) : [];
  return chairChange(ctx, actor, stratId, "attendance.recorded", meta, (state, strat) => {
    const profile = ctx.profiles.get(strat.profileId);
    const current = state.invitees.filter((i) => !i.removed && i.action === "invite");
    const unknown = input.attendedInviteeIds.filter((id) => !current.some((i) => i.id === id));
    if (unknown.length) throw new AppError("invalid_input", `Unknown invitee ${unknown[0]}.`, "attended");
    // by the role of each attendee's invitation, not their organisation (a delegate fills the role of the invitation).
    const entries = attendanceByRole(current, input.attendedInviteeIds)
      .map((g) => ({ ...g, nonAttendanceReason: input.nonAttendance?.[g.agency] ?? null }));
    // The chair is CSC and is there by definition.
    const quorum = assessQuorum(profile, [...entries, { quorumRole: "csc", attended: true }]);
    const next = recordAttendance(
      state,
      { entries, quorum, inquorateReason: input.inquorateReason, seniorManager: ctx.seniorManager ?? null },
      actor.id,
      ctx.clock.now(),
    );
    // inquorate → the senior manager is told by the app (escalate.inquorate), once per recording.
    const jobs = [
      ...(next.attendance!.escalation ? [escalationJob(stratId, next.attendance!.recordedAt, ctx.clock.now())] : []),
      ...weeklyJobs(profile, { id: stratId, state: next }, episodes, ctx.clock.now()),
    ];
    return { state: next, result: next.attendance!, jobs, detail: { quorate: quorum.quorate, missing: quorum.missing } };
  });
}

export async function recordStratDecisions(ctx: AppContext, actor: Actor, stratId: string, d: DecisionsInput, meta: RequestMeta = {}) {
  return chairChange(ctx, actor, stratId, "decisions.recorded", meta, (state, strat) => {
    const icpc = icpcAtStrat(ctx.profiles.get(strat.profileId));
    const now = ctx.clock.now();
    const next = recordDecisions(state, d, actor.id, now, { icpcAtStrat: icpc.decided });
    // Issue 13 point 5: the follow-on deadlines (T-ICPC, T-S47, T-SEE, follow-up strat) as durable reminders.
    const jobs = followOnReminders(stratId, followOnDeadlines(ctx.profiles.get(strat.profileId), { ...strat, state: next }), now);
    return { state: next, result: next.decisions!, detail: { s47: d.s47 }, jobs };
  });
}

/** R-REC: the chair saves one section of the record's fields, checked against the strat's profile. */
export async function setStratRecordFields(
  ctx: AppContext, actor: Actor, stratId: string, section: string, values: Record<string, string>, meta: RequestMeta = {},
) {
  return chairChange(ctx, actor, stratId, "record.fields", meta, (state, strat) => {
    const next = setRecordFields(state, recordRules(ctx.profiles.get(strat.profileId), strat.referral), section, values, actor.id, ctx.clock.now());
    return { state: next, result: next.recordFields, detail: { section, fields: Object.keys(values).filter((k) => values[k]) } };
  });
}

export async function setStratPlan(ctx: AppContext, actor: Actor, stratId: string, text: string, meta: RequestMeta = {}) {
  return chairChange(ctx, actor, stratId, "plan.recorded", meta, (state) => {
    const next = setPlan(state, text, actor.id, ctx.clock.now());
    return { state: next, result: next.plan! };
  });
}

export async function addStratAction(
  ctx: AppContext, actor: Actor, stratId: string,
  input: { ownerName: string; agency: string; what: string; byWhen: Date; purpose: string; ownerInviteeId?: string | null; term?: ActionTerm },
  meta: RequestMeta = {},
): Promise<{ strat: Strat; result: Action | null; duplicate: boolean }> {
  return chairChange(ctx, actor, stratId, "action.added", meta, (state) => {
    const [action, next] = addAction(state, input, actor.id, ctx.clock.now());
    return { state: next, result: action, detail: { actionId: action.id, byWhen: action.byWhen }, jobs: [actionReminder(stratId, action.id, input.byWhen), ...actionOwnerReminder(stratId, action.id, input.byWhen, ctx.clock.now())] };
  });
}

/**
 * R-ACT: the chair moves an action's due time while the strat is open (after close the verified record shows
 * it, and a verified version never changes: an amendment's business). In the same
 * change, the owner's reminder is written for the new due time (80% of the time left; the old one, keyed by the old
 * due time, is stale and dropped when it runs) and the overdue notice moves to the new due time. Audited.
 */
export async function moveStratActionDue(ctx: AppContext, actor: Actor, stratId: string, actionId: string, byWhen: Date, meta: RequestMeta = {}) {
  return chairChange(ctx, actor, stratId, "action.due-moved", meta, (state) => {
    const from = state.actions.find((a) => a.id === actionId)?.byWhen ?? null;
    const now = ctx.clock.now();
    return {
      state: moveActionDue(state, actionId, byWhen, now), result: actionId, detail: { actionId, from, to: byWhen.toISOString() },
      jobs: [actionReminder(stratId, actionId, byWhen), ...actionOwnerReminder(stratId, actionId, byWhen, now)],
    };
  });
}

/**
 * R-DIS: the chair records an agency's dissent, or an attending agency's representative records their
 * own (an invitee of that strat).
 */
export async function recordStratDissent(
  ctx: AppContext, actor: Actor, stratId: string, input: { agency?: string; decision: string; reason: string }, meta: RequestMeta = {},
): Promise<{ strat: Strat; result: Dissent | null; duplicate: boolean }> {
  return ctx.strats.mutate(
    stratId,
    (cur) => {
      const state = cur.state;
      const chair = isChair(cur, actor);
      const own = inviteeOf(state, actor);
      if (!chair && !own) throw new AppError("forbidden", "Only the chair or an invited agency can record dissent.", "actor");
      if (cur.status !== "open") throw new AppError("conflict", `${cur.ref} is closed.`, "status");
      const agency = own && !chair ? own.agency : (input.agency ?? "");
      const [d, next] = recordDissent(state, { agency, decision: input.decision, reason: input.reason, by: actor.id, byName: actor.name }, ctx.clock.now());
      return { change: { state: next }, audit: { actor: actor.id, action: "dissent.recorded", detail: { dissentId: d.id, agency } }, result: d };
    },
    cardMeta(meta),
  );
}

export async function progressStratDissent(
  ctx: AppContext, actor: Actor, stratId: string, dissentId: string, step: { outcome: string; escalate: boolean }, meta: RequestMeta = {},
) {
  return chairChange(ctx, actor, stratId, step.escalate ? "dissent.escalated" : "dissent.acknowledged", meta, (state) => ({
    state: progressDissent(state, dissentId, step, actor.id, ctx.clock.now()),
    result: dissentId,
    detail: { dissentId },
  }));
}

/** M-RAG: score the missing-child risk tool with the engine and keep the answers with the strat. */
export async function assessMissingRisk(
  ctx: AppContext, actor: Actor, stratId: string, answers: Record<string, number>, comments: string | null, meta: RequestMeta = {},
) {
  return chairChange(ctx, actor, stratId, "missing.assessed", meta, (state) => {
    const r = scoreMissingRisk(answers);
    const next = recordMissingRisk(state, { answers, score: r.score, band: r.band, outcome: r.outcome, comments }, actor.id, ctx.clock.now());
    return { state: next, result: r, detail: { score: r.score, band: r.band } };
  });
}

/**
 * Sets the meeting (held, or to be booked: see book-meeting.ts, which also asks the calendar) and, if it
 * is after the due time, the rationale (Bristol 3.2). Once invitees have been recommended, they are
 * recommended again at the meeting start in the same change (I-POL-OOH, I-HOSP-OOH: out of hours is decided
 * at the meeting time), and the audit entry records which recipients the re-route added or dropped.
 */
export async function setStratMeeting(
  ctx: AppContext, actor: Actor, stratId: string, m: { start: Date; end: Date; lateRationale: string | null }, meta: RequestMeta = {},
  /** Follow-up work computed on the strat as changed (e.g. the calendar booking): written in the same statement. */
  jobsFor?: (after: Strat) => JobRequest[],
) {
  return chairChange(ctx, actor, stratId, "meeting.set", meta, (state, strat) => {
    const timed = setMeeting(state, m, { at: strat.dueAt, rule: strat.dueRule }, ctx.clock.now());
    const { next, reroute } = timed.inviteesAt === null ? { next: timed, reroute: null } : recommendAt(ctx, strat, timed, m.start);
    const c = counted({ dueAt: strat.dueAt, state: next });
    return {
      state: next, result: { meeting: next.meeting!, reroute }, jobs: jobsFor?.({ ...strat, state: next }),
      detail: { late: c.late !== null, shortNotice: c.shortNotice !== null, ...(reroute ? { reroute } : {}) },
    };
  });
}

/**
 * Close: refused with the list of what is missing; otherwise the chair verifies the record and it
 * becomes immutable. The record due time (T-REC, T-OOH) is computed from the meeting end by the engine.
 */
export async function closeStrat(ctx: AppContext, actor: Actor, stratId: string, meta: RequestMeta = {}) {
  // T-MWK: a strat closed without attendance recorded writes the next weekly meeting's jobs now (the same keys as at
  // attendance, so a strat whose meeting was recorded gets no second set).
  const episodes = ctx.episodes ? await ctx.episodes.ofStrat(stratId) : [];
  return ctx.strats.mutate(
    stratId,
    (cur) => {
      if (!isChair(cur, actor)) throw new AppError("forbidden", "Only the chair (or a deputy chair) can close this strategy discussion.", "actor");
      if (cur.status !== "open") throw new AppError("conflict", `${cur.ref} is already closed.`, "status");
      const state = cur.state;
      const profile = ctx.profiles.get(cur.profileId);
      const rules = recordRules(profile, cur.referral);
      const missing = closeChecklist(state, cur.dueAt, rules);
      if (missing.length) throw new CloseRefused(missing);
      const now = ctx.clock.now();
      const end = state.meeting ? new Date(state.meeting.end) : now;
      const rec = recordDue(profile, end, state.meeting ? new Date(state.meeting.start) : end);
      const next = verifyRecord(state, cur.dueAt, actor.id, now, { due: rec.due, rule: rec.rule }, rules);
      return {
        change: { state: next, status: "closed", closedAt: now },
        audit: { actor: actor.id, action: "strat.closed", detail: { recordDue: rec.due.toISOString(), recordRule: rec.rule } },
        result: { recordDue: rec.due, recordRule: rec.rule },
        jobs: [
          recordHandOver(cur, rec.due, rec.rule, now), ...distributionJobs(cur.id, recordVersion({ state: next }), rec.due, now),
          ...weeklyJobs(profile, cur, episodes, now),
        ],
      };
    },
    cardMeta(meta),
  );
}

/** R-*: a change to a verified record is a new version with who and why; the record is handed over again. */
export async function amendClosedStrat(
  ctx: AppContext, actor: Actor, stratId: string, input: { section: string; text: string; why: string }, meta: RequestMeta = {},
) {
  return ctx.strats.mutate(
    stratId,
    (cur) => {
      if (!isChair(cur, actor)) throw new AppError("forbidden", "Only the chair (or a deputy chair) can amend the record.", "actor");
      const now = ctx.clock.now();
      const next = amendRecord(cur.state, input, actor.id, now);
      const profile = ctx.profiles.get(cur.profileId);
      const rec = recordDue(profile, now, now);
      return {
        change: { state: next },
        audit: { actor: actor.id, action: "record.amended", detail: { section: input.section } },
        result: next.amendments.at(-1)!,
        jobs: [recordHandOver(cur, rec.due, rec.rule, now), ...distributionJobs(cur.id, recordVersion({ state: next }), rec.due, now)],
      };
    },
    cardMeta(meta),
  );
}

export class CloseRefused extends AppError {
  constructor(readonly missing: string[]) {
    super("invalid_input", `Not ready to close:\n- ${missing.join("\n- ")}`, "close");
  }
}
