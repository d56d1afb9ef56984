/** The database as the adapters see it: one SQL dialect (PostgreSQL), run by PGlite or a PostgreSQL server. */
/** A statement the database plans once per session and then only executes (hot paths). */
export interface PreparedStatement {
  /** Unique per statement text: [a-z_][a-z0-9_]*. */
  readonly name: string;
  /** Cast a parameter ($1::jsonb) wherever its type cannot be inferred: PostgreSQL through `pg` does not use `types`. */
  readonly text: string;
  /** PostgreSQL type of each parameter, in order ($1 first): PGlite's PREPARE declares them. */
  readonly types: readonly string[];
}

export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a prepared statement: parsed and planned once per database session, not on every call. */
  prepared<T = Record<string, unknown>>(statement: PreparedStatement, params: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface Database extends Sql {
  readonly kind: "pglite" | "postgres";
  /** Runs fn in one transaction: everything or nothing. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

import type { AuditEntry, NewStrat, Strat, StratChange } from "../domain/strat/strat.js";
import type { StratSummary } from "../domain/strat/summary.js";

import type { JobRequest } from "./jobs.js";
/** A durable follow-up (reminder, record hand-over, Graph intent), typed by kind: see src/ports/jobs.ts. */
export type { DeadLetter, Job, JobKind, JobQueue, JobRequest } from "./jobs.js";

/** A change computed from the current strat; pure, as it may be computed again on a later version. */
export type StratMutation<R> = (current: Strat) => { change: StratChange; audit: AuditEntry; result: R; jobs?: JobRequest[] };
export interface MutateOptions {
  expectedVersion?: number;
  dedupeKey?: string;
  /**
   * With expectedVersion: which later changes make the card stale, given who made them (audit actors
   * since that version). Default: any change. Invitees' answers and calendar updates need not stale a chair's card.
   */
  staleIf?: (laterActors: string[], current: Strat) => boolean;
}
export interface MutateOutcome<R> { strat: Strat; result: R | null; duplicate: boolean }

/** Domain operations on strats; no SQL leaks past this interface. */
/**
 * A page of the managers' list (issue 15 point 5), read from the read model (strat_summary): filters combine with AND;
 * `caseRefPrefix` matches case references starting with it (any case); `overdueAt` keeps strats not held by their due
 * or with an open action past its date at that instant; `after` continues after the row with that sort key and id.
 */
/** Dissent age bands (days since raised): the dashboard's and the list's `dissent_age`. */
export const DISSENT_AGES = ["0-6", "7-27", "28-plus"] as const;
export type DissentAge = (typeof DISSENT_AGES)[number];

/** The read model's filters: the managers' list's, and what each dashboard number counts (its drill: issue 15 point 3). */
export interface SummaryFilter {
  status?: Strat["status"]; profile?: string; team?: string; chair?: string; caseRefPrefix?: string; overdueAt?: Date;
  /** Only strats chaired by one of these (the tab viewer's scope: issue 15 point 2); undefined = all. */
  chairIn?: readonly string[];
  /** Held: the meeting started in [from, to) and by `by` (now), the strat not cancelled. */
  held?: { from?: Date; to?: Date; by: Date };
  late?: boolean; shortNotice?: boolean; quorate?: boolean; concern?: string;
  /** Held by the local target (false: a target was set and missed). */
  targetMet?: boolean;
  /** T-REC: the record reached everyone by its due (onTime false: after it, or not yet and the due has passed at `at`). */
  distributedOnTime?: { onTime: boolean; at: Date };
  /**
   * R-ACT: with an action overdue at `at` (of `agency`): due before it and not done. `past`: `at` is a past instant (a
   * trend's week end), so "not done" is "not done before `at`" (migration 016's done_at).
   */
  overdueActions?: { at: Date; agency?: string; past?: boolean };
  /** With dissent open at `at` (at `stage`, raised `age` days before `at`); `past`: raised before and not closed before `at`. */
  openDissent?: { at: Date; stage?: string; age?: DissentAge; past?: boolean };
}
export interface SummaryQuery extends SummaryFilter {
  sort: "due" | "opened"; after?: { key: string; id: string }; limit: number;
  /** The instant each row's overdue_actions is counted at (now: R-ACT is decided at query time, a stored count goes stale). */
  at: Date;
}

/** Counts of strats matching each named filter within `where`, in one query, grouped by concern or by held-at buckets. */
export interface SummaryCountQuery {
  where: SummaryFilter;
  figures: Readonly<Record<string, SummaryFilter>>;
  by?: "concern" | { heldBefore: readonly Date[] };
}
/** One group's counts: `group` is the concern, or the index of the first bucket bound the meeting was before (0 for the whole). */
export interface SummaryCounts { group: string | number; counts: Record<string, number> }
/**
 * The held-strat figures of London days (issue 15 point 7: the day aggregates of migration 013, plus what depends on the
 * clock read from the summary rows): strats whose meeting started on a day in [fromDay, toDay] and by `now`, not
 * cancelled, of `team` if given; grouped by concern, by week (`weekStarts`: the London days each week begins, then the
 * day after the last), or not at all (group 0). Instants: `dayStart(iso)` is the London midnight starting a day.
 */
export interface HeldDayQuery {
  fromDay: string; toDay: string; today: string; now: Date; team?: string;
  by?: "concern" | { weekStarts: readonly string[] };
  dayStart: (isoDay: string) => Date;
}
/** The counts of one group: held, late, short notice, local target met / missed, quorate / inquorate, record on time / late. */
export interface HeldDayCounts {
  group: string | number;
  held: number; late: number; shortNotice: number; targetMet: number; targetMissed: number; quorate: number; inquorate: number;
  distributedOnTime: number; distributedLate: number;
}
/** Whose open items the dashboard counts: a team's, some chairs' (the viewer's scope), or all. */
export interface ItemScope { team?: string; chairIn?: readonly string[] }
/** Open items (overdue actions by agency, open dissent by stage and age band): how many, and of how many strats. */
export interface ItemCounts { key: string; items: number; strats: number }
/**
 * The begins and ends of the items' intervals (migration 016) on London days: an action falls overdue (due, not done by
 * then) or is done after its due; a dissent is raised or closed. Days in [fromDay, today): whole days; `today`: up to `now`.
 */
export const ITEM_EVENT_KINDS = ["action-due-day", "action-done-day", "dissent-raised-day", "dissent-closed-day"] as const;
export type ItemEventKind = (typeof ITEM_EVENT_KINDS)[number];
export interface ItemEventQuery { fromDay: string; today: string; todayStart: Date; now: Date }
export interface ItemEventDay { day: string; kind: ItemEventKind; n: number }

/** Further writes for a strat just inserted, in the transaction that inserts it (see StratRepository.open). */
export type OpenedWithin = (tx: Sql, strat: Strat) => Promise<void>;

export interface StratRepository {
  /**
   * Opens a strat (and its audit entry) in one transaction; the same requestId returns the first one. `within` writes
   * what belongs with a new strat (its missing episodes' links) in the same transaction: it throws, nothing is written.
   */
  open(input: NewStrat, audit: AuditEntry, jobs?: (s: Strat) => JobRequest[], within?: OpenedWithin): Promise<{ strat: Strat; created: boolean }>;
  /** I-C2C: opens several strats of one case, each listing the others' refs (state.linked), all or none in one transaction. */
  openLinked(inputs: readonly NewStrat[], audit: AuditEntry, jobs?: (s: Strat) => JobRequest[], within?: OpenedWithin): Promise<{ strats: Strat[]; created: boolean }>;
  get(id: string): Promise<Strat | null>;
  findByRef(ref: string): Promise<Strat | null>;
  /** The strats of one case, open or not, newest first (at most 50). */
  listByCase(caseRef: string): Promise<Strat[]>;
  listOpen(limit?: number): Promise<Strat[]>;
  listByConversation(conversationId: string, status?: Strat["status"]): Promise<Strat[]>;
  /**
   * Strats these people chair, open or closed, with at least one action still open (R-ACT: open until done), and
   * strats with an open action owned by one of `ownerTeamsIds` (bristol-2024 4.8: actions owned by agencies).
   */
  listWithOpenActions(chairIds: readonly string[], ownerTeamsIds?: readonly string[]): Promise<Strat[]>;
  /**
   * Strats these people chair, open or closed (not cancelled), with recorded decisions, changed since `since`, newest
   * change first, at most `limit`: the ones whose follow-on deadlines `mine` may list (issue 13 point 5).
   */
  listChairedWithDecisions(chairIds: readonly string[], since: Date, limit?: number): Promise<Strat[]>;
  /** Strats (not cancelled) whose meeting starts in [from, to), soonest first, at most `limit` (issue 12 point 9 figures). */
  listByMeetingStart(from: Date, to: Date, limit?: number): Promise<Strat[]>;
  /**
   * Applies `fn` to the current version of the strat and saves the result with the version bumped, the
   * audit entry and the jobs, all or nothing: concurrent writers queue instead of overwriting each other
   * (per strat within a process; by a version check or the row lock between processes). `expectedVersion` (from a card) refuses a stale view with AppError("conflict");
   * `dedupeKey` (an activity id or card request id) makes a redelivered request a no-op.
   */
  mutate<R>(id: string, fn: StratMutation<R>, opts?: MutateOptions): Promise<MutateOutcome<R>>;
  /** The strat's audit entries in order, with their row id and chain hashes (issue 13 point 4; verifyChain reads them). */
  auditTrail(id: string): Promise<(AuditEntry & { id: string; at: Date; version: number | null; prevHash: string | null; hash: string | null })[]>;
  /** Up to `limit` read-model rows in the query's order (sort key, then strat id): keyset pagination, no offset. */
  listSummaries(q: SummaryQuery): Promise<StratSummary[]>;
  /** The dashboard (issue 15 point 3): counts over the read model only, one grouped query per call. */
  countSummaries(q: SummaryCountQuery): Promise<SummaryCounts[]>;
  /** The same held figures as countSummaries gives for a period of whole days, all chairs, from the day aggregates. */
  heldDayFigures(q: HeldDayQuery): Promise<HeldDayCounts[]>;
  overdueActionsByAgency(where: ItemScope, at: Date): Promise<ItemCounts[]>;
  openDissentBy(where: ItemScope, at: Date, by: "stage" | "age"): Promise<ItemCounts[]>;
  /** The 12-week trend's events of the open items (ItemEventDay), per day and kind. */
  itemEventDays(where: ItemScope, q: ItemEventQuery): Promise<ItemEventDay[]>;
  /** The distinct teams (conversation threads) of the read model's strats matching `where`, in id order (the dashboard's team chooser). */
  listTeams(where: SummaryFilter): Promise<string[]>;
}

export interface ConversationRefRepository {
  save(conversationId: string, userId: string | null, reference: unknown): Promise<void>;
  get(conversationId: string): Promise<unknown | null>;
  /** The personal chat the bot has with one of these user ids (AAD object id or Teams user id), if any. */
  personalConversationOf(userIds: string[]): Promise<string | null>;
}

/**
 * Teams team names (migration 017), as Teams sends them in channelData.team on the bot's turns: only the team's id and
 * its name are kept, for the managers' tab (the Team chooser, the list, the CSV).
 */
export interface TeamNameRepository {
  /** Stores a team's name, trimmed and cut to a length (teamNameText); a name that is empty then changes nothing. */
  save(teamId: string, name: string): Promise<boolean>;
  /**
   * The stored names of these teams, by the id asked: a team's id, or a channel's thread (a strat's team in the read
   * model) whose team is known from the conversation reference kept for that channel. Unknown ids are absent.
   */
  namesOf(ids: readonly string[]): Promise<Map<string, string>>;
}
