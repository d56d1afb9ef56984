/**
 * The managers' missing-children figures (issue 14 point 7) for the tab's API: the episodes open now or returned in
 * the period (src/domain/missing/figures.ts decides what counts). Counts only, no child data. Scoped like the rest of the
 * tab: `chairIn` (a chair's or a manager's chairs) counts only episodes linked to their strats; undefined, all.
 */
import { escalationSteps } from "../domain/missing/escalations.js";
import { missingFigures, type EpisodeForFigures, type MissingFigures } from "../domain/missing/figures.js";
import { londonDayStart as dayStart } from "../domain/time/index.js";
import type { Period } from "./figures.js";
import type { AppContext } from "./context.js";

type Ctx = Pick<AppContext, "episodes" | "profiles" | "clock">;
const before = (at: Date | null | undefined, t: Date) => (at && at.getTime() < t.getTime() ? at : null);

/**
 * An episode as it stood at `t`: reported before it, returned only if the return came before it (with its interview held
 * only if before it), meetings and escalations sent before it. Null when it was not yet reported.
 */
export function episodeAsAt(e: EpisodeForFigures, t: Date): EpisodeForFigures | null {
  const ep = e.episode;
  if (ep.reportedAt.getTime() >= t.getTime()) return null;
  const returned = ep.returned && before(ep.returned.at, t) ? ep.returned : null;
  const rhi = returned && ep.rhi ? { ...ep.rhi, heldAt: before(ep.rhi.heldAt, t) } : null;
  return {
    episode: { ...ep, returned, rhi },
    meetings: e.meetings.filter((m) => m.getTime() < t.getTime()),
    escalationsSent: e.escalationsSent.filter((x) => x.at.getTime() < t.getTime()),
  };
}

export async function missingFiguresFor(ctx: Ctx, p: Period, chairIn?: readonly string[]) {
  return (await missingDashboardFor(ctx, p, [], chairIn)).figures;
}

/**
 * The period's figures (as now, over the episodes open now or returned since the period began) and, for each week
 * (London days, `to` included), the figures as at the week's end (or now, if sooner) over the episodes that ran in that
 * week: open by days missing at its end, weekly meetings, escalations and interviews as they stood then.
 */
export async function missingDashboardFor(
  ctx: Ctx, p: Period, weeks: readonly { from: string; to: string }[], chairIn?: readonly string[],
): Promise<{ figures: MissingFigures; trend: { at: string; figures: MissingFigures }[] }> {
  const now = ctx.clock.now();
  const since = dayStart(p.from);
  const first = weeks[0] ? dayStart(weeks[0].from) : since;
  const from = first.getTime() < since.getTime() ? first : since;
  const episodes = ctx.episodes ? await ctx.episodes.listForFigures(from, undefined, chairIn) : [];
  const steps = (e: EpisodeForFigures["episode"]) => escalationSteps(ctx.profiles.get(e.profileId, { includeHistory: true }), e);
  const inPeriod = episodes.filter((e) => !e.episode.returned || e.episode.returned.at.getTime() >= since.getTime());
  return {
    figures: missingFigures(inPeriod, now, steps),
    trend: weeks.map((w) => {
      const start = dayStart(w.from);
      const endsAt = dayStart(w.to, 1);
      const at = endsAt.getTime() < now.getTime() ? endsAt : now;
      const ran = episodes.filter((e) => !e.episode.returned || e.episode.returned.at.getTime() >= start.getTime())
        .map((e) => episodeAsAt(e, at)).filter((e): e is EpisodeForFigures => e !== null);
      return { at: at.toISOString(), figures: missingFigures(ran, at, steps) };
    }),
  };
}
