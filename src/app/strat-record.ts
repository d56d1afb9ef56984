/**
 * The record of a stored strat (issue 13 point 1): loads it by reference and assembles it (src/domain/record).
 * The one entry point for the export CLI, the chair's preview and, later, the channel post and the distribution.
 */
import { AppError } from "../domain/errors.js";
import { assembleRecord, type ChildRisk, type StratRecord } from "../domain/record/record.js";
import type { Strat } from "../domain/strat/strat.js";
import type { AppContext } from "./context.js";

type RecordContext = Pick<AppContext, "profiles" | "episodes">;

/** M-RAG (issue 14): the risk versions of each missing episode the strat is linked to, per child. */
async function childRisks(ctx: RecordContext, strat: Strat): Promise<ChildRisk[]> {
  if (!ctx.episodes) return [];
  const episodes = await ctx.episodes.ofStrat(strat.id);
  return Promise.all(episodes.map(async (e) => ({ childRef: e.childRef, versions: await ctx.episodes!.riskVersions(e.id) })));
}

/** The record of a loaded strat with its episodes' risk versions: every reader of the record (export, mail, channel, link) uses this. */
export async function recordOfStrat(ctx: RecordContext, strat: Strat): Promise<StratRecord> {
  return assembleRecord(strat, ctx.profiles.get(strat.profileId, { includeHistory: true }), await childRisks(ctx, strat));
}

/**
 * The record of strat `ref` as it is stored now, or as its `version` was (point 6: a verified version never changes;
 * version 1 is the verified record, each amendment the next, so version k is the record with its first k − 1
 * amendments). AppError not_found (field "ref") when there is none, invalid_input (field "version") for no such version.
 */
export async function stratRecord(ctx: Pick<AppContext, "strats" | "profiles" | "episodes">, ref: string, version?: number): Promise<StratRecord> {
  const strat = await ctx.strats.findByRef(ref.trim());
  if (!strat) throw new AppError("not_found", `No strategy discussion ${ref.trim()}: check the reference (e.g. SD-2026-0042).`, "ref");
  if (version === undefined) return recordOfStrat(ctx, strat);
  const latest = 1 + strat.state.amendments.length;
  if (!Number.isInteger(version) || version < 1 || version > latest) {
    throw new AppError("invalid_input", `${strat.ref} has record versions 1 to ${latest} (not ${version}).`, "version");
  }
  return recordOfStrat(ctx, { ...strat, state: { ...strat.state, amendments: strat.state.amendments.slice(0, version - 1) } });
}
