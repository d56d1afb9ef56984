/**
 * The record of a stored strat (issue 13 point 1): loads it by reference and assembles it (src/domain/record).
 * The one entry point for the export CLI, the chair's preview and, later, the channel post and the distribution.
 */
import { AppError } from "../domain/errors.js";
import { assembleRecord, type StratRecord } from "../domain/record/record.js";
import type { AppContext } from "./context.js";

/** The record of strat `ref` as it is stored now; AppError not_found (field "ref") when there is none. */
export async function stratRecord(ctx: Pick<AppContext, "strats" | "profiles">, ref: string): Promise<StratRecord> {
  const strat = await ctx.strats.findByRef(ref.trim());
  if (!strat) throw new AppError("not_found", `No strategy discussion ${ref.trim()}: check the reference (e.g. SD-2026-0042).`, "ref");
  const profile = ctx.profiles.get(strat.profileId, { includeHistory: true });
  return assembleRecord(strat, profile);
}
