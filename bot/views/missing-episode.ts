/** The missing episode as a card (issue 14 points 1, 5): days missing, the return, the return home interview (T-RHI), parents told. */
import { describeDaysMissing, type MissingEpisode } from "../../src/domain/missing/episode.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import { showLondon } from "../../src/domain/time/london.js";
import type { AdaptiveCard, CardRenderer } from "../cards/render-card.js";

/** The card's inputs, as typed (shown back after a refusal). */
export const EPISODE_INPUTS = [
  "returnedDate", "returnedTime", "returnedWhere", "returnedBy", "rhiDate", "rhiTime", "rhiOutcome", "rhiBy", "parentsToldDate", "parentsToldTime", "parentsToldBy",
] as const;

function facts(e: MissingEpisode): { title: string; value: string }[] {
  const flags = [e.lookedAfter && "looked after", e.onPlan && "on a plan", e.particularConcerns && "particular concerns"].filter(Boolean).join(", ");
  const rhi = e.rhi;
  return [
    { title: "Reported missing", value: `${showLondon(e.reportedAt)} by ${e.reportedBy}` },
    ...(flags ? [{ title: "Flags", value: flags }] : []),
    { title: "Returned", value: e.returned ? `${showLondon(e.returned.at)} · found at ${e.returned.where} · by ${e.returned.by}` : "Not yet" },
    {
      title: "Return home interview",
      value: !rhi ? "Due 72 hours after the return (T-RHI), once the return is recorded"
        : rhi.heldAt ? `Held ${showLondon(rhi.heldAt)} by ${rhi.by ?? ""}: ${rhi.outcome ?? ""}`
        : `Due by ${showLondon(rhi.due)} (T-RHI, 72 hours after the return)`,
    },
    { title: "Parents told", value: e.parentsTold ? `${showLondon(e.parentsTold.at)} by ${e.parentsTold.by}` : "Not recorded" },
  ];
}

export function missingEpisodeCard(
  s: Strat, e: MissingEpisode, now: Date, cards: CardRenderer, opts: { error?: string; notice?: string; form?: Record<string, string> } = {},
): AdaptiveCard {
  const days = describeDaysMissing(e, now);
  return cards.render("missing-episode", {
    stratId: s.id, ref: s.ref, caseRef: e.caseRef, childRef: e.childRef, episodeId: e.id, episodeVersion: String(e.version),
    days: days[0]!.toUpperCase() + days.slice(1), daysColor: e.returned ? "Good" : "Attention",
    notice: opts.notice ?? "", error: opts.error ?? "", canReturn: !e.returned, canInterview: Boolean(e.rhi && !e.rhi.heldAt),
    facts: facts(e),
    form: Object.fromEntries(EPISODE_INPUTS.map((k) => [k, opts.form?.[k] ?? ""])),
  });
}
