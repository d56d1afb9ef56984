/**
 * The read model of one strat (issue 15 point 7): the row of `strat_summary` the managers' lists and dashboard
 * read, so they never parse a strat's state per request. Computed here from the aggregate, and written by the
 * repository in the same statement as each change (src/infra/store/strat-repository.ts), so it is never behind.
 * References only: case and strat references, the chair's id and name (staff), never a child's name or DOB.
 * Pure: no clock, no I/O; the overdue actions are counted at the strat's last change (`updatedAt`).
 */
import { counted } from "./figures.js";
import type { Strat } from "./strat.js";
import type { Action, Dissent } from "./state.js";

export interface StratSummary {
  strat_id: string;
  ref: string;
  case_ref: string;
  profile_id: string;
  /** The conversation the strat lives in, without a thread's message id (a channel's thread or a chat); null when opened elsewhere. */
  team: string | null;
  chair_id: string;
  chair_name: string | null;
  status: Strat["status"];
  opened_at: string;
  /** The statutory due (T-STD and the profile's rules). */
  due_at: string;
  /** The local target, if the profile has one. */
  target_at: string | null;
  /** The meeting's start (booked or held). */
  held_at: string | null;
  closed_at: string | null;
  /** T-REC / T-OOH: by when the verified record must reach everyone, as computed at close. */
  record_due_at: string | null;
  /**
   * When the record's first distribution completed (its last mail sent, T-REC): not in the state (the mail jobs know), so
   * null here; the queue writes it when the last job completes (src/infra/queue/job-store.ts completeJob), and a strat
   * write never resets it.
   */
  record_distributed_at: string | null;
  /** null until attendance is recorded. */
  quorate: boolean | null;
  concerns: string[];
  /** R-ACT: open actions past their date at the strat's last change (lists use next_action_due_at against the clock). */
  overdue_actions: number;
  /** The earliest date of an open action. */
  next_action_due_at: string | null;
  /** Dissent whose current stage has no outcome yet (chair, then senior managers). */
  open_dissent: number;
  oldest_open_dissent_at: string | null;
  /** Counted (issue 12 point 9, figures.ts): convened less than 2 hours ahead; held after the due. */
  short_notice: boolean;
  late: boolean;
  version: number;
}

/** The columns of strat_summary, in order (migration 011). */
export const SUMMARY_COLUMNS = [
  "strat_id", "ref", "case_ref", "profile_id", "team", "chair_id", "chair_name", "status", "opened_at", "due_at", "target_at", "held_at",
  "closed_at", "record_due_at", "record_distributed_at", "quorate", "concerns", "overdue_actions", "next_action_due_at", "open_dissent",
  "oldest_open_dissent_at", "short_notice", "late", "version",
] as const satisfies readonly (keyof StratSummary)[];

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const earliest = (xs: readonly string[]) => (xs.length ? new Date(Math.min(...xs.map((x) => Date.parse(x)))).toISOString() : null);

/** The conversation's thread without the message id a channel reply carries (`…;messageid=…`). */
export const teamOf = (conversationId: string | null) => (conversationId ? conversationId.split(";")[0]! : null);

export function summarize(s: Strat): StratSummary {
  const st = s.state;
  const open = st.actions.filter((a) => a.status === "open");
  const openDissent = st.dissents.filter((d) => d.stages.at(-1)?.outcome == null);
  const c = counted(s);
  return {
    strat_id: s.id, ref: s.ref, case_ref: s.caseRef, profile_id: s.profileId, team: teamOf(s.conversationId), chair_id: s.chairId,
    chair_name: s.chairName, status: s.status, opened_at: s.createdAt.toISOString(), due_at: s.dueAt.toISOString(), target_at: iso(s.targetAt),
    held_at: st.meeting ? new Date(st.meeting.start).toISOString() : null, closed_at: iso(s.closedAt),
    record_due_at: st.closure?.recordDue ? new Date(st.closure.recordDue).toISOString() : null, record_distributed_at: null,
    quorate: st.attendance ? st.attendance.quorate : null, concerns: [...s.referral.concerns],
    overdue_actions: open.filter((a) => Date.parse(a.byWhen) < s.updatedAt.getTime()).length, next_action_due_at: earliest(open.map((a) => a.byWhen)),
    open_dissent: openDissent.length, oldest_open_dissent_at: earliest(openDissent.map((d) => d.at)),
    short_notice: c.shortNotice !== null, late: c.late !== null, version: s.version,
  };
}

/**
 * One action of a strat as the dashboard reads it (migration 012): overdue = due_at < now and not done (R-ACT), at query
 * time. done_at (migration 016): when it was marked done, so "overdue at T" (a past week's end) is due_at < T and not done
 * before T.
 */
export interface ActionSummary {
  strat_id: string; action_id: string; chair_id: string; team: string | null; agency: string; due_at: string; done: boolean; done_at: string | null;
}
/**
 * One dissent of a strat (migration 012): its current stage, open while that stage has no outcome. closed_at (migration
 * 016): when its last stage's outcome was recorded (an escalation opens the next stage at that same instant), so it was
 * open over [raised_at, closed_at).
 */
export interface DissentSummary {
  strat_id: string; dissent_id: string; chair_id: string; team: string | null; agency: string; raised_at: string; stage: string; open: boolean;
  closed_at: string | null;
}

/** The columns of strat_action_summary and strat_dissent_summary (migrations 012, 014, 016). */
export const ACTION_COLUMNS = [
  "strat_id", "action_id", "chair_id", "team", "agency", "due_at", "done", "done_at",
] as const satisfies readonly (keyof ActionSummary)[];
export const DISSENT_COLUMNS = [
  "strat_id", "dissent_id", "chair_id", "team", "agency", "raised_at", "stage", "open", "closed_at",
] as const satisfies readonly (keyof DissentSummary)[];

const instant = (at: string) => new Date(at).toISOString();
/** When a done action was marked done: its last update's time (updateAction always records one); null while open. */
export function actionDoneAt(a: Action): string | null {
  if (a.status !== "done") return null;
  const done = [...a.updates].reverse().find((u) => u.status === "done");
  return done ? instant(done.at) : null;
}
/**
 * When a dissent's last stage got its outcome; null while open. Stages stored before outcomeAt was recorded: the chair's
 * outcome is when it was acknowledged; a senior managers' outcome, no earlier than that stage began (its best bound).
 */
export function dissentClosedAt(d: Dissent): string | null {
  const last = d.stages.at(-1);
  if (!last || last.outcome == null) return null;
  return instant(last.outcomeAt ?? (d.stages.length === 1 && d.acknowledged ? d.acknowledged.at : last.at));
}

/** Every read-model row of one strat: what the repository writes with each change (and a bulk seed may write the same way). */
export interface SummaryRows { summary: StratSummary; actions: ActionSummary[]; dissents: DissentSummary[] }

export function summaryRows(s: Strat): SummaryRows {
  const base = { strat_id: s.id, chair_id: s.chairId, team: teamOf(s.conversationId) };
  return {
    summary: summarize(s),
    actions: s.state.actions.map((a) => ({
      ...base, action_id: a.id, agency: a.owner.agency, due_at: instant(a.byWhen), done: a.status === "done", done_at: actionDoneAt(a),
    })),
    dissents: s.state.dissents.map((d) => {
      const stage = d.stages.at(-1);
      return {
        ...base, dissent_id: d.id, agency: d.agency, raised_at: instant(d.at), stage: stage?.stage ?? "chair", open: stage?.outcome == null,
        closed_at: dissentClosedAt(d),
      };
    }),
  };
}
