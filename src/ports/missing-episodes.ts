import type { EpisodeChange, MissingEpisode, NewEpisode } from "../domain/missing/episode.js";
import type { EpisodeForFigures } from "../domain/missing/figures.js";
import type { RiskVersion } from "../domain/missing/risk-versions.js";
import type { JobRequest } from "./jobs.js";
import type { Sql } from "./store.js";

/** A change computed from the current episode (pure: may be computed again); throws AppError to save nothing. */
export type EpisodeMutation = (current: MissingEpisode) => EpisodeChange & { jobs?: JobRequest[] };

/**
 * Missing episodes (issue 14 points 1 and 5); no SQL leaks past this interface. Every change is written with its
 * audit entry (the episode's own hash chain) and its jobs, all or nothing.
 *
 * For the points built on this (issue 14 points 2–4, 7): an episode is keyed by case + child, so risk-tool scorings
 * per child per episode are rows keyed by episode id (one per version, never overwritten), escalations (T-MDCS,
 * T-MHOS) are rows keyed by episode id + rule, and the weekly cadence (T-MWK) is jobs keyed `…:<episode id>:…`
 * enqueued through `mutate` (its `jobs`), stopped by the handler re-reading the episode (returned → nothing to do).
 */
export interface MissingEpisodeRepository {
  /**
   * Opens the episode for this case + child, or returns the open one (not yet returned), and links the strat to it.
   * `jobsWhenOpened` (issue 14 point 4: the escalations) are written in the same transaction as a new episode.
   */
  openOrLink(input: NewEpisode, stratId: string | null, actor: string, jobsWhenOpened?: (e: MissingEpisode) => JobRequest[]): Promise<{ episode: MissingEpisode; created: boolean }>;
  /** As openOrLink, inside the caller's transaction `tx` (issue 14: a strat opens linked to its episodes, or neither is written). */
  linkWithin(tx: Sql, input: NewEpisode, stratId: string | null, actor: string, jobsWhenOpened?: (e: MissingEpisode) => JobRequest[]): Promise<{ episode: MissingEpisode; created: boolean }>;
  /**
   * Links the strat to the case + child's open episode inside the caller's transaction `tx`, and returns it; null
   * (nothing written) when the child has none open: a returned episode is not reopened and none is opened (`reconvene`).
   */
  linkOpenWithin(tx: Sql, caseRef: string, childRef: string, stratId: string, actor: string): Promise<MissingEpisode | null>;
  get(id: string): Promise<MissingEpisode | null>;
  /** Episodes not yet returned, longest missing first (at most `limit`): cadence, escalations and managers' figures. */
  listOpen(limit?: number): Promise<MissingEpisode[]>;
  /**
   * Issue 14 point 7, the managers' figures: the episodes open now or returned since `since`, each with the meeting
   * start times of its linked strats, in one query.
   */
  /** `chairIn`: only episodes linked to a strat one of these chairs (the tab viewer's scope); undefined = all. */
  listForFigures(since: Date, limit?: number, chairIn?: readonly string[]): Promise<EpisodeForFigures[]>;
  /** The episodes a strat is linked to, oldest first. */
  ofStrat(stratId: string): Promise<MissingEpisode[]>;
  /** Applies fn under the row lock; `expectedVersion` (from a card) refuses a stale view with AppError("conflict"). */
  mutate(id: string, actor: string, fn: EpisodeMutation, opts?: { expectedVersion?: number }): Promise<MissingEpisode>;
  /** M-RAG (issue 14 point 2): the episode's risk-tool versions, oldest first (never overwritten). */
  riskVersions(episodeId: string): Promise<RiskVersion[]>;
  /**
   * Keeps the next risk-tool version, computed from the latest under the episode's row lock (pure: may throw
   * AppError to save nothing), with its audit entry on the episode's chain. A `pressKey` already kept answers with
   * that version (`duplicate`) and keeps nothing.
   */
  addRiskVersion(
    episodeId: string, actor: string, fn: (episode: MissingEpisode, latest: RiskVersion | null) => RiskVersion, opts?: { pressKey?: string },
  ): Promise<{ version: RiskVersion; duplicate: boolean }>;
  /** Signs off the latest version (fn validates: role, outcome, comments), with its audit entry. */
  signOffRisk(episodeId: string, actor: string, fn: (latest: RiskVersion) => RiskVersion): Promise<RiskVersion>;
  /** The episode's audit entries, oldest first. */
  auditTrail(id: string): Promise<{ at: Date; actor: string; action: string; version: number; detail: Record<string, unknown> }[]>;
}
