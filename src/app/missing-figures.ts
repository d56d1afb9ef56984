/**
 * The managers' missing-children figures (issue 14 point 7) for the tab's API: the episodes open now or returned in
 * the period (src/domain/missing/figures.ts decides what counts). Counts only, no child data. Scoped like the rest of the
 * tab: `chairIn` (a chair's or a manager's chairs) counts only episodes linked to their strats; undefined, all.
 */
import { escalationSteps } from "../domain/missing/escalations.js";
import { missingFigures } from "../domain/missing/figures.js";
import { dayNumberOf, localToUtcMs } from "../domain/time/index.js";
import type { Period } from "./figures.js";
import type { AppContext } from "./context.js";

export async function missingFiguresFor(ctx: Pick<AppContext, "episodes" | "profiles" | "clock">, p: Period, chairIn?: readonly string[]) {
  const [y, m, d] = p.from.split("-").map(Number) as [number, number, number];
  const since = new Date(localToUtcMs(dayNumberOf(y, m, d), 0));
  const episodes = ctx.episodes ? await ctx.episodes.listForFigures(since, undefined, chairIn) : [];
  return missingFigures(episodes, ctx.clock.now(), (e) => escalationSteps(ctx.profiles.get(e.profileId, { includeHistory: true }), e));
}
