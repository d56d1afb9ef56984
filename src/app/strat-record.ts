/**
 * The record of a stored strat (issue 13 point 1): loads it by reference and assembles it (src/domain/record).
 * The one entry point for the export CLI, the chair's preview and, later, the channel post and the distribution.
 */
import { AppError } from "../domain/errors.js";
import { assembleRecord, type StratRecord } from "../domain/record/record.js";
import type { AppContext } from "./context.js";

/**
 * The record of strat `ref` as it is stored now, or as its `version` was (point 6: a verified version never changes;
 * version 1 is the verified record, each amendment the next, so version k is the record with its first k − 1
 * amendments). AppError not_found (field "ref") when there is none, invalid_input (field "version") for no such version.
 */
export async function stratRecord(ctx: Pick<AppContext, "strats" | "profiles">, ref: string, version?: number): Promise<StratRecord> {
  const strat = await ctx.strats.findByRef(ref.trim());
  if (!strat) throw new AppError("not_found", `No strategy discussion ${ref.trim()}: check the reference (e.g. SD-2026-0042).`, "ref");
  const profile = ctx.profiles.get(strat.profileId, { includeHistory: true });
  if (version === undefined) return assembleRecord(strat, profile);
  const latest = 1 + strat.state.amendments.length;
  if (!Number.isInteger(version) || version < 1 || version > latest) {
    throw new AppError("invalid_input", `${strat.ref} has record versions 1 to ${latest} (not ${version}).`, "version");
  }
  return assembleRecord({ ...strat, state: { ...strat.state, amendments: strat.state.amendments.slice(0, version - 1) } }, profile);
}
